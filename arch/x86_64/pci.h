/*
 * arch/x86_64/pci.h: PCI configuration space access (mechanism #1).
 *
 * Configuration registers are reached through the address/data port
 * pair 0xcf8/0xcfc.  pci_find_device() scans every bus for a
 * vendor/device pair and describes the first function that matches;
 * drivers then map nothing: BARs below 4 GiB are identity mapped.
 */
#ifndef _X86_64_PCI_H_
#define _X86_64_PCI_H_

#include <sys/types.h>

/* Standard configuration header offsets (type 0). */
#define PCI_ID_REG		0x00	/* vendor (low 16), device (high) */
#define PCI_COMMAND_STATUS_REG	0x04
#define PCI_COMMAND_IO_ENABLE		0x0001
#define PCI_COMMAND_MEM_ENABLE		0x0002
#define PCI_COMMAND_MASTER_ENABLE	0x0004
#define PCI_CLASS_REG		0x08
#define PCI_BHLC_REG		0x0c	/* header type at byte 0x0e */
#define PCI_BAR0		0x10
#define PCI_INTERRUPT_REG	0x3c	/* line (byte 0x3c), pin (0x3d) */

#define PCI_VENDOR_INVALID	0xffff

struct pci_dev {
	uint8_t		pd_bus;
	uint8_t		pd_dev;
	uint8_t		pd_func;
	uint16_t	pd_vendor;
	uint16_t	pd_device;
	uint32_t	pd_class;	/* class, subclass, interface, rev */
	uint64_t	pd_bar0;	/* address, flag bits masked off */
	bool		pd_bar0_io;	/* BAR0 is an I/O port range */
	uint8_t		pd_intline;	/* IRQ line the firmware routed */
	uint8_t		pd_intpin;	/* 1..4 = INTA..INTD, 0 = none */
};

uint32_t pci_conf_read32(int bus, int dev, int func, int reg);
uint16_t pci_conf_read16(int bus, int dev, int func, int reg);
uint8_t	 pci_conf_read8(int bus, int dev, int func, int reg);
void	 pci_conf_write32(int bus, int dev, int func, int reg, uint32_t);
void	 pci_conf_write16(int bus, int dev, int func, int reg, uint16_t);
void	 pci_conf_write8(int bus, int dev, int func, int reg, uint8_t);

/* 0 and *out filled when found; -1 (ENODEV-like) when not. */
int	pci_find_device(uint16_t vendor, uint16_t device, struct pci_dev *out);
void	pci_enable_busmaster(struct pci_dev *);

#endif /* !_X86_64_PCI_H_ */
