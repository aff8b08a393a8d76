/*
 * arch/x86_64/ioapic.c: the I/O APIC: device interrupts to any CPU.
 *
 * ioapic_init() reads the ACPI MADT for the I/O APICs (entry type 1)
 * and the interrupt source overrides (type 2), masks every pin, turns
 * on the boot CPU's local APIC and masks both 8259s for good: from
 * then on every device interrupt and the clock arrive through the
 * I/O APIC, on vectors IOAPIC_OFFSET + GSI, and are acknowledged with
 * an EOI to the local APIC of the CPU that took them (intr.c).  With
 * no I/O APIC in the MADT (or no MADT) it does nothing and the 8259s
 * keep delivering to cpu0.  This is so on one CPU as on several.
 *
 * ISA and PCI lines: a driver names the line it knows, the ISA IRQ
 * (clock 0, COM1 4) or the PCI interrupt line register's value (the
 * firmware's PIC-mode routing, 5, 9, 10 or 11 under QEMU).  The line
 * is its GSI unless an override names it (QEMU: ISA IRQ 0, the 8254,
 * is GSI 2); polarity and trigger are the override's, and where it
 * says "conforms to the bus" (or there is none) ISA is edge,
 * active-high and PCI level, active-low (ACPI 6.4, 5.2.12.5).  That
 * the PIC-mode line number is also the GSI holds on QEMU's pc
 * (i440fx, whose PIIX wires ISA IRQ n to pin n) and q35 (ICH9 drives
 * a PIRQ's PIC-mode line, which SeaBIOS sets up, and GSI 16 + pirq,
 * left masked); a machine that routes PCI INTx elsewhere needs its
 * ACPI _PRT, which this kernel does not read.
 *
 * Invariants: a pin is programmed with interrupts disabled, high word
 * (destination) before the low word that unmasks it; a pin nobody
 * established stays masked; ioapic_active is set once, before any
 * handler is established, and never cleared.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/cpu.h>
#include <sys/machdep.h>
#include <sys/selftest.h>

#include <arch/x86_64/cpufunc.h>
#include <arch/x86_64/intr.h>

#define IOAPIC_MAX	2
#define IOREGSEL	0x00		/* register window: select, data */
#define IOWIN		0x10
#define IOAPIC_VER	0x01		/* bits 16..23: highest pin */
#define IOAPIC_REDLO(p)	(0x10 + 2 * (p))
#define IOAPIC_REDHI(p)	(0x11 + 2 * (p))
#define  RED_MASKED	0x10000
#define  RED_LEVEL	IOAPIC_RED_LEVEL
#define  RED_ACTLOW	IOAPIC_RED_ACTLOW
#define  RED_FIXED	0x00000		/* delivery fixed, physical dest */

#define MADT_IOAPIC	1
#define MADT_OVERRIDE	2
#define MPS_POL_MASK	0x3		/* MADT flags: polarity */
#define  MPS_POL_HIGH	0x1
#define  MPS_POL_LOW	0x3
#define MPS_TRIG_MASK	0xc		/* trigger mode */
#define  MPS_TRIG_EDGE	0x4
#define  MPS_TRIG_LEVEL	0xc

struct ioapic {
	volatile uint32_t	*io_regs;
	u_int			 io_id;
	u_int			 io_gsibase;
	u_int			 io_npins;
};

struct isa_override {
	bool		 ov_set;
	uint32_t	 ov_gsi;
	uint16_t	 ov_flags;
};

static struct ioapic ioapics[IOAPIC_MAX];
static int nioapic;
static struct isa_override isa_ovr[NIRQ];
bool ioapic_active;

static uint32_t
ioapic_read(struct ioapic *io, uint32_t reg)
{
	io->io_regs[IOREGSEL / 4] = reg;
	return (io->io_regs[IOWIN / 4]);
}

static void
ioapic_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->io_regs[IOREGSEL / 4] = reg;
	io->io_regs[IOWIN / 4] = v;
}

/* The I/O APIC and pin of a GSI; NULL when none has it. */
static struct ioapic *
ioapic_of(u_int gsi, u_int *pinp)
{
	int i;

	for (i = 0; i < nioapic; i++)
		if (gsi >= ioapics[i].io_gsibase &&
		    gsi < ioapics[i].io_gsibase + ioapics[i].io_npins) {
			*pinp = gsi - ioapics[i].io_gsibase;
			return (&ioapics[i]);
		}
	return (NULL);
}

static void
madt_ioapic(const uint8_t *p)
{
	struct ioapic *io;
	uint32_t addr, base;
	u_int pin;

	memcpy(&addr, p + 4, sizeof(addr));
	memcpy(&base, p + 8, sizeof(base));
	if (nioapic == IOAPIC_MAX) {
		printf("ioapic: id %u at %#x ignored (%d at most)\n", p[2],
		    addr, IOAPIC_MAX);
		return;
	}
	io = &ioapics[nioapic++];
	io->io_regs = (volatile uint32_t *)(uintptr_t)addr;
	io->io_id = p[2];
	io->io_gsibase = base;
	io->io_npins = ((ioapic_read(io, IOAPIC_VER) >> 16) & 0xff) + 1;
	for (pin = 0; pin < io->io_npins; pin++)
		ioapic_write(io, IOAPIC_REDLO(pin), RED_MASKED);
	printf("ioapic%d: id %u at %#x, GSI %u..%u\n", nioapic - 1,
	    io->io_id, addr, base, base + io->io_npins - 1);
}

static void
madt_override(const uint8_t *p)
{
	struct isa_override *ov;
	uint32_t gsi;
	uint16_t flags;

	if (p[2] != 0 || p[3] >= NIRQ)		/* bus 0 is ISA */
		return;
	memcpy(&gsi, p + 4, sizeof(gsi));
	memcpy(&flags, p + 8, sizeof(flags));
	ov = &isa_ovr[p[3]];
	ov->ov_set = true;
	ov->ov_gsi = gsi;
	ov->ov_flags = flags;
	printf("ioapic: irq %u is GSI %u, flags %#x\n", p[3], gsi, flags);
}

void
ioapic_init(void)
{
	const uint8_t *p, *end;

	if (!acpi_madt_entries(&p, &end)) {
		printf("ioapic: no ACPI MADT, interrupts on the 8259\n");
		return;
	}
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		if (p[0] == MADT_IOAPIC && p[1] >= 12)
			madt_ioapic(p);
		else if (p[0] == MADT_OVERRIDE && p[1] >= 10)
			madt_override(p);
	}
	if (nioapic == 0) {
		printf("ioapic: none in the MADT, interrupts on the 8259\n");
		return;
	}
	outb(IO_ICU1 + 1, 0xff);		/* the 8259s: silent */
	outb(IO_ICU2 + 1, 0xff);
	ioapic_active = true;
	lapic_boot_init();			/* LINT0 masked, as active */
}

/*
 * The redirection entry's trigger and polarity bits for MADT flags
 * flags on a line of bus type (INTR_ISA, INTR_PCI): where the flags
 * say "conforms to the bus" (0, or no override), ISA is edge and
 * active-high, PCI level and active-low.
 */
static uint32_t
ioapic_flags(uint16_t flags, int type)
{
	uint32_t low = 0;

	switch (flags & MPS_POL_MASK) {
	case MPS_POL_HIGH:
		break;
	case MPS_POL_LOW:
		low |= RED_ACTLOW;
		break;
	default:			/* conforms to the bus */
		if (type == INTR_PCI)
			low |= RED_ACTLOW;
	}
	switch (flags & MPS_TRIG_MASK) {
	case MPS_TRIG_EDGE:
		break;
	case MPS_TRIG_LEVEL:
		low |= RED_LEVEL;
		break;
	default:
		if (type == INTR_PCI)
			low |= RED_LEVEL;
	}
	return (low);
}

/*
 * Where line irq (0..NIRQ-1) of bus type goes: its GSI, and in *lowp
 * the redirection entry's trigger and polarity bits.
 */
int
ioapic_gsi(int irq, int type, uint32_t *lowp)
{
	struct isa_override *ov = &isa_ovr[irq];

	*lowp = ioapic_flags(ov->ov_set ? ov->ov_flags : 0, type);
	return (ov->ov_set ? (int)ov->ov_gsi : irq);
}

/*
 * The MADT flags as ACPI 6.4, table 5.50, has them (polarity in bits
 * 0-1, trigger in 2-3; 2 is reserved in both and taken as "conforms"),
 * for both buses; and what QEMU's MADT says (hw/i386/acpi-common.c:
 * IRQ 0 is GSI 2 with flags 0, the PCI IRQs 5, 9, 10, 11 level,
 * active-high; acpi_build_madt), when there is an I/O APIC.
 */
SELFTEST(ioapic, flags)
{
	uint32_t low;

	ST_ASSERT_EQ(ioapic_flags(0x0, INTR_ISA), 0);
	ST_ASSERT_EQ(ioapic_flags(0x0, INTR_PCI), RED_LEVEL | RED_ACTLOW);
	ST_ASSERT_EQ(ioapic_flags(0x5, INTR_PCI), 0);	/* edge, high */
	ST_ASSERT_EQ(ioapic_flags(0xd, INTR_PCI), RED_LEVEL);
	ST_ASSERT_EQ(ioapic_flags(0xd, INTR_ISA), RED_LEVEL);
	ST_ASSERT_EQ(ioapic_flags(0xf, INTR_ISA), RED_LEVEL | RED_ACTLOW);
	ST_ASSERT_EQ(ioapic_flags(0x7, INTR_ISA), RED_ACTLOW);	/* edge */
	ST_ASSERT_EQ(ioapic_flags(0x3, INTR_ISA), RED_ACTLOW);
	ST_ASSERT_EQ(ioapic_flags(0xc, INTR_ISA), RED_LEVEL);
	ST_ASSERT_EQ(ioapic_flags(0x2, INTR_PCI), RED_LEVEL | RED_ACTLOW);
	ST_ASSERT_EQ(ioapic_flags(0x8, INTR_ISA), 0);
	if (!ioapic_active)
		return;
	ST_ASSERT_EQ(ioapic_gsi(IRQ_CLOCK, INTR_ISA, &low), 2);
	ST_ASSERT_EQ(low, 0);
	ST_ASSERT_EQ(ioapic_gsi(IRQ_COM1, INTR_ISA, &low), IRQ_COM1);
	ST_ASSERT_EQ(low, 0);
	ST_ASSERT_EQ(ioapic_gsi(11, INTR_PCI, &low), 11);
	ST_ASSERT_EQ(low, RED_LEVEL);
	/* The clock's entry: vector 48 + 2, unmasked, edge, cpu0's id. */
	ST_ASSERT_EQ(ioapic_entry(2) & (RED_MASKED | RED_LEVEL | 0xff),
	    IOAPIC_OFFSET + 2);
}

/*
 * Point GSI gsi at vector vec on the CPU with local APIC id hwid,
 * trigger and polarity low (from ioapic_gsi), unmasked.  False when no
 * I/O APIC has the GSI.
 */
bool
ioapic_program(u_int gsi, u_int vec, u_int hwid, uint32_t low)
{
	struct ioapic *io;
	uint64_t s;
	u_int pin;

	if ((io = ioapic_of(gsi, &pin)) == NULL)
		return (false);
	s = intr_save();
	ioapic_write(io, IOAPIC_REDLO(pin), RED_MASKED);
	ioapic_write(io, IOAPIC_REDHI(pin), hwid << 24);
	ioapic_write(io, IOAPIC_REDLO(pin), low | RED_FIXED | vec);
	intr_restore(s);
	return (true);
}

/* The redirection entry's low word (for the intr command and tests). */
uint32_t
ioapic_entry(u_int gsi)
{
	struct ioapic *io;
	uint32_t v;
	uint64_t s;
	u_int pin;

	if ((io = ioapic_of(gsi, &pin)) == NULL)
		return (RED_MASKED);
	s = intr_save();
	v = ioapic_read(io, IOAPIC_REDLO(pin));
	intr_restore(s);
	return (v);
}
