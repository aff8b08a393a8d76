/*
 * arch/x86_64/pci.c: PCI configuration space through ports 0xcf8/0xcfc.
 *
 * An access writes the enable bit, bus, device, function and dword
 * register number to CONFIG_ADDRESS and then moves the data through
 * CONFIG_DATA; 8- and 16-bit accesses use the matching byte lanes of
 * CONFIG_DATA.  The address/data pair is one shared register, so every
 * access runs with interrupts disabled and cannot be split by a handler
 * that touches configuration space too.
 */
#include <sys/types.h>
#include <sys/systm.h>

#include <arch/x86_64/cpufunc.h>
#include <arch/x86_64/pci.h>

#define PCI_CONF_ADDR	0xcf8
#define PCI_CONF_DATA	0xcfc
#define PCI_CONF_ENABLE	0x80000000U

#define PCI_MAXBUS	256
#define PCI_MAXDEV	32
#define PCI_MAXFUNC	8

#define PCI_BAR_IO		0x1
#define PCI_BAR_MEM_TYPE_MASK	0x6
#define PCI_BAR_MEM_TYPE_64	0x4
#define PCI_BAR_MEM_ADDR_MASK	0xfffffff0U
#define PCI_BAR_IO_ADDR_MASK	0xfffffffcU
#define PCI_HDR_MULTIFN		0x80

static uint32_t
pci_conf_addr(int bus, int dev, int func, int reg)
{
	return PCI_CONF_ENABLE | ((uint32_t)(bus & 0xff) << 16) |
	    ((dev & 0x1f) << 11) | ((func & 0x7) << 8) | (reg & 0xfc);
}

uint32_t
pci_conf_read32(int bus, int dev, int func, int reg)
{
	uint64_t s;
	uint32_t v;

	s = intr_save();
	outl(PCI_CONF_ADDR, pci_conf_addr(bus, dev, func, reg));
	v = inl(PCI_CONF_DATA);
	intr_restore(s);
	return v;
}

uint16_t
pci_conf_read16(int bus, int dev, int func, int reg)
{
	uint64_t s;
	uint16_t v;

	s = intr_save();
	outl(PCI_CONF_ADDR, pci_conf_addr(bus, dev, func, reg));
	v = inw(PCI_CONF_DATA + (reg & 2));
	intr_restore(s);
	return v;
}

uint8_t
pci_conf_read8(int bus, int dev, int func, int reg)
{
	uint64_t s;
	uint8_t v;

	s = intr_save();
	outl(PCI_CONF_ADDR, pci_conf_addr(bus, dev, func, reg));
	v = inb(PCI_CONF_DATA + (reg & 3));
	intr_restore(s);
	return v;
}

void
pci_conf_write32(int bus, int dev, int func, int reg, uint32_t v)
{
	uint64_t s;

	s = intr_save();
	outl(PCI_CONF_ADDR, pci_conf_addr(bus, dev, func, reg));
	outl(PCI_CONF_DATA, v);
	intr_restore(s);
}

void
pci_conf_write16(int bus, int dev, int func, int reg, uint16_t v)
{
	uint64_t s;

	s = intr_save();
	outl(PCI_CONF_ADDR, pci_conf_addr(bus, dev, func, reg));
	outw(PCI_CONF_DATA + (reg & 2), v);
	intr_restore(s);
}

void
pci_conf_write8(int bus, int dev, int func, int reg, uint8_t v)
{
	uint64_t s;

	s = intr_save();
	outl(PCI_CONF_ADDR, pci_conf_addr(bus, dev, func, reg));
	outb(PCI_CONF_DATA + (reg & 3), v);
	intr_restore(s);
}

static void
pci_describe(int bus, int dev, int func, struct pci_dev *pd)
{
	uint32_t id, bar, bar_hi;

	id = pci_conf_read32(bus, dev, func, PCI_ID_REG);
	pd->pd_bus = bus;
	pd->pd_dev = dev;
	pd->pd_func = func;
	pd->pd_vendor = id & 0xffff;
	pd->pd_device = id >> 16;
	pd->pd_class = pci_conf_read32(bus, dev, func, PCI_CLASS_REG);
	bar = pci_conf_read32(bus, dev, func, PCI_BAR0);
	if (bar & PCI_BAR_IO) {
		pd->pd_bar0_io = true;
		pd->pd_bar0 = bar & PCI_BAR_IO_ADDR_MASK;
	} else {
		pd->pd_bar0_io = false;
		pd->pd_bar0 = bar & PCI_BAR_MEM_ADDR_MASK;
		if ((bar & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64) {
			bar_hi = pci_conf_read32(bus, dev, func, PCI_BAR0 + 4);
			pd->pd_bar0 |= (uint64_t)bar_hi << 32;
		}
	}
	pd->pd_intline = pci_conf_read8(bus, dev, func, PCI_INTERRUPT_REG);
	pd->pd_intpin = pci_conf_read8(bus, dev, func, PCI_INTERRUPT_REG + 1);
}

int
pci_find_device(uint16_t vendor, uint16_t device, struct pci_dev *out)
{
	uint32_t id;
	int bus, dev, func, nfunc;

	for (bus = 0; bus < PCI_MAXBUS; bus++) {
		for (dev = 0; dev < PCI_MAXDEV; dev++) {
			if (pci_conf_read16(bus, dev, 0, PCI_ID_REG) ==
			    PCI_VENDOR_INVALID)
				continue;
			nfunc = (pci_conf_read8(bus, dev, 0,
			    PCI_BHLC_REG + 2) & PCI_HDR_MULTIFN) ?
			    PCI_MAXFUNC : 1;
			for (func = 0; func < nfunc; func++) {
				id = pci_conf_read32(bus, dev, func,
				    PCI_ID_REG);
				if ((id & 0xffff) == PCI_VENDOR_INVALID)
					continue;
				if ((id & 0xffff) != vendor ||
				    (id >> 16) != device)
					continue;
				if (out != NULL)
					pci_describe(bus, dev, func, out);
				return 0;
			}
		}
	}
	return -1;
}

void
pci_enable_busmaster(struct pci_dev *pd)
{
	uint16_t cmd;

	cmd = pci_conf_read16(pd->pd_bus, pd->pd_dev, pd->pd_func,
	    PCI_COMMAND_STATUS_REG);
	cmd |= PCI_COMMAND_MEM_ENABLE | PCI_COMMAND_MASTER_ENABLE;
	pci_conf_write16(pd->pd_bus, pd->pd_dev, pd->pd_func,
	    PCI_COMMAND_STATUS_REG, cmd);
}
