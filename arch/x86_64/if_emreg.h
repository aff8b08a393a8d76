/*
 * arch/x86_64/if_emreg.h: registers and descriptors of the Intel 8254x
 * (e1000) family, as far as em(4) uses them (82540EM, QEMU's e1000).
 * Register offsets are bytes into the memory-mapped BAR0.  Descriptors
 * are 16 bytes, little endian, read and written by the device by DMA.
 */
#ifndef _X86_64_IF_EMREG_H_
#define _X86_64_IF_EMREG_H_

#include <sys/types.h>

#define EM_VENDOR_INTEL		0x8086
#define EM_DEVICE_82540EM	0x100e

/* Registers. */
#define EM_CTRL		0x0000		/* device control */
#define EM_STATUS	0x0008		/* device status */
#define EM_EECD		0x0010		/* EEPROM control */
#define EM_EERD		0x0014		/* EEPROM read */
#define EM_ICR		0x00c0		/* interrupt cause read (clears) */
#define EM_ITR		0x00c4		/* interrupt throttling */
#define EM_ICS		0x00c8		/* interrupt cause set */
#define EM_IMS		0x00d0		/* interrupt mask set */
#define EM_IMC		0x00d8		/* interrupt mask clear */
#define EM_RCTL		0x0100		/* receive control */
#define EM_TCTL		0x0400		/* transmit control */
#define EM_TIPG		0x0410		/* transmit inter-packet gap */
#define EM_RDBAL	0x2800		/* receive ring base, low */
#define EM_RDBAH	0x2804
#define EM_RDLEN	0x2808		/* bytes */
#define EM_RDH		0x2810		/* head (device) */
#define EM_RDT		0x2818		/* tail (driver) */
#define EM_RDTR		0x2820		/* receive delay timer */
#define EM_TDBAL	0x3800
#define EM_TDBAH	0x3804
#define EM_TDLEN	0x3808
#define EM_TDH		0x3810
#define EM_TDT		0x3818
#define EM_TIDV		0x3820
#define EM_CRCERRS	0x4000		/* statistics: clear on read */
#define EM_MPC		0x4010		/* missed packets */
#define EM_GPRC		0x4074		/* good packets received */
#define EM_GPTC		0x4080		/* good packets transmitted */
#define EM_TPR		0x40d0		/* total packets received */
#define EM_MTA		0x5200		/* multicast table, 128 words */
#define EM_RAL0		0x5400		/* receive address 0, low */
#define EM_RAH0		0x5404		/* receive address 0, high */

/* EM_CTRL */
#define EM_CTRL_FD	0x00000001
#define EM_CTRL_ASDE	0x00000020	/* auto speed detection */
#define EM_CTRL_SLU	0x00000040	/* set link up */
#define EM_CTRL_RST	0x04000000	/* device reset (self clearing) */
#define EM_CTRL_PHY_RST	0x80000000

/* EM_STATUS */
#define EM_STATUS_FD	0x00000001
#define EM_STATUS_LU	0x00000002	/* link up */
#define EM_STATUS_SPEED_MASK	0x000000c0
#define EM_STATUS_SPEED_SHIFT	6

/* EM_EERD */
#define EM_EERD_START	0x00000001
#define EM_EERD_DONE	0x00000010
#define EM_EERD_ADDR_SHIFT	8
#define EM_EERD_DATA_SHIFT	16

/* Interrupt causes (ICR, ICS, IMS, IMC). */
#define EM_ICR_TXDW	0x00000001	/* transmit descriptor written back */
#define EM_ICR_TXQE	0x00000002	/* transmit queue empty */
#define EM_ICR_LSC	0x00000004	/* link status change */
#define EM_ICR_RXSEQ	0x00000008
#define EM_ICR_RXDMT0	0x00000010	/* receive ring below threshold */
#define EM_ICR_RXO	0x00000040	/* receive overrun */
#define EM_ICR_RXT0	0x00000080	/* receive timer */
#define EM_INTRS	(EM_ICR_TXDW | EM_ICR_LSC | EM_ICR_RXSEQ | \
			 EM_ICR_RXDMT0 | EM_ICR_RXO | EM_ICR_RXT0)

/* EM_RCTL */
#define EM_RCTL_EN	0x00000002
#define EM_RCTL_SBP	0x00000004
#define EM_RCTL_UPE	0x00000008
#define EM_RCTL_MPE	0x00000010
#define EM_RCTL_LPE	0x00000020
#define EM_RCTL_BAM	0x00008000	/* accept broadcast */
#define EM_RCTL_BSIZE_2048 0x00000000
#define EM_RCTL_SECRC	0x04000000	/* strip the Ethernet CRC */

/* EM_TCTL */
#define EM_TCTL_EN	0x00000002
#define EM_TCTL_PSP	0x00000008	/* pad short packets */
#define EM_TCTL_CT	(0x0f << 4)	/* collision threshold */
#define EM_TCTL_COLD	(0x40 << 12)	/* collision distance, full duplex */
#define EM_TIPG_DEFAULT	(10 | (8 << 10) | (6 << 20))

/* Receive descriptor (legacy). */
struct em_rx_desc {
	uint64_t	rd_addr;
	uint16_t	rd_len;
	uint16_t	rd_csum;
	uint8_t		rd_status;
	uint8_t		rd_errors;
	uint16_t	rd_special;
};
#define EM_RXD_STAT_DD	0x01		/* descriptor done */
#define EM_RXD_STAT_EOP	0x02		/* end of packet */
#define EM_RXD_ERR_CE	0x01		/* CRC error */
#define EM_RXD_ERR_SE	0x02		/* symbol error */
#define EM_RXD_ERR_SEQ	0x04
#define EM_RXD_ERR_CXE	0x10
#define EM_RXD_ERR_RXE	0x80
#define EM_RXD_ERR_FRAME (EM_RXD_ERR_CE | EM_RXD_ERR_SE | EM_RXD_ERR_SEQ | \
			  EM_RXD_ERR_CXE | EM_RXD_ERR_RXE)

/* Transmit descriptor (legacy). */
struct em_tx_desc {
	uint64_t	td_addr;
	uint16_t	td_len;
	uint8_t		td_cso;
	uint8_t		td_cmd;
	uint8_t		td_status;
	uint8_t		td_css;
	uint16_t	td_special;
};
#define EM_TXD_CMD_EOP	0x01		/* end of packet */
#define EM_TXD_CMD_IFCS	0x02		/* insert the CRC */
#define EM_TXD_CMD_RS	0x08		/* report status */
#define EM_TXD_STAT_DD	0x01

_Static_assert(sizeof(struct em_rx_desc) == 16, "em_rx_desc");
_Static_assert(sizeof(struct em_tx_desc) == 16, "em_tx_desc");

#endif /* !_X86_64_IF_EMREG_H_ */
