/*
 * arch/x86_64/intr.c: the two 8259 PICs and hardware interrupt dispatch.
 *
 * intr_init() remaps the master PIC to vectors 32..39 and the slave to
 * 40..47 and masks every line but the cascade.  When ioapic_init()
 * then finds an I/O APIC, it silences the 8259s and every line is
 * routed through the I/O APIC instead (ioapic.c), to vector
 * IOAPIC_OFFSET + GSI on the CPU intr_route() chose (cpu0 unless told).
 * md_intr_establish() attaches a handler to a line and unmasks it on
 * whichever controller is in use.  intr_dispatch() runs every handler
 * of the source between intr_enter() and intr_exit(), and sends the EOI
 * (to the 8259, or to this CPU's local APIC) after the handlers and
 * before intr_exit() (which may run soft interrupts): a level-triggered,
 * possibly shared PCI INTx line is only re-armed once its devices have
 * been serviced.  Every source counts its interrupts per CPU.
 *
 * Invariants: the handler table, the PIC masks and the redirection
 * entries change only with interrupts disabled; spurious IRQ 7/15 (no
 * ISR bit set) run no handler and get no EOI from the PIC that did not
 * raise them; once the I/O APIC is in use the 8259 vectors are counted
 * as such (intr_counts[irq]) and must stay at zero (intr.no_8259).
 */
#include <sys/types.h>
#include <sys/errno.h>
#include <sys/systm.h>
#include <sys/cpu.h>
#include <sys/machdep.h>
#include <sys/shell.h>
#include <sys/selftest.h>

#include <arch/x86_64/cpufunc.h>
#include <arch/x86_64/intr.h>

#define ICW1_INIT	0x11		/* edge, cascade, ICW4 needed */
#define ICW4_8086	0x01
#define OCW2_EOI	0x20		/* non-specific EOI */
#define OCW3_READ_ISR	0x0b

#define NHANDLERS	32		/* all sources together */

struct intrhand {
	void		(*ih_fn)(void *);
	void		*ih_arg;
	const char	*ih_name;
	struct intrhand	*ih_next;
};

/* A source: an 8259 line (0..NIRQ-1) or an I/O APIC GSI (NIRQ + gsi). */
struct intrsrc {
	struct intrhand	*is_hand;
	int		 is_irq;	/* the line the driver named */
	uint32_t	 is_low;	/* I/O APIC trigger and polarity */
	u_int		 is_cpu;	/* where it goes */
	u_int		 is_want;	/* where it was asked to go */
};

static struct intrhand intrhand_pool[NHANDLERS];
static int intrhand_used;
static struct intrsrc intrsrc[NSRC];
static uint16_t icu_mask = 0xffff;	/* bit set: line masked */
uint64_t intr_counts[NSRC][MAXCPUS];	/* each CPU writes its own */
static uint64_t intr_spurious;

static void
icu_setmask(void)
{
	outb(IO_ICU1 + 1, icu_mask & 0xff);
	outb(IO_ICU2 + 1, icu_mask >> 8);
}

void
intr_init(void)
{
	/* ICW1..ICW4 for both, with a delay between the slow writes. */
	outb(IO_ICU1, ICW1_INIT);
	io_wait();
	outb(IO_ICU2, ICW1_INIT);
	io_wait();
	outb(IO_ICU1 + 1, ICU_OFFSET);		/* vector base */
	io_wait();
	outb(IO_ICU2 + 1, ICU_OFFSET + 8);
	io_wait();
	outb(IO_ICU1 + 1, 1 << IRQ_SLAVE);	/* slave on IRQ 2 */
	io_wait();
	outb(IO_ICU2 + 1, IRQ_SLAVE);		/* slave identity */
	io_wait();
	outb(IO_ICU1 + 1, ICW4_8086);
	io_wait();
	outb(IO_ICU2 + 1, ICW4_8086);
	io_wait();

	icu_mask = 0xffff & ~(1 << IRQ_SLAVE);
	icu_setmask();
}

/* Program source src's redirection entry for CPU cpu. */
static void
intr_program(int src, u_int cpu)
{
	struct intrsrc *is = &intrsrc[src];

	if (!ioapic_program(src - NIRQ, ICU_OFFSET + src,
	    cpu_info[cpu].ci_hwid, is->is_low))
		panic("intr_program: GSI %d has no I/O APIC", src - NIRQ);
	is->is_cpu = cpu;
}

int
md_intr_establish(int irq, int type, const char *name,
    void (*fn)(void *), void *arg)
{
	struct intrhand *ih, **p;
	struct intrsrc *is;
	uint32_t low = 0;
	uint64_t s;
	int src;

	if (irq < 0 || irq >= NIRQ || irq == IRQ_SLAVE)
		panic("md_intr_establish: %s: bad irq %d", name, irq);
	if (type != INTR_ISA && type != INTR_PCI)
		panic("md_intr_establish: %s: bad bus type %d", name, type);
	src = irq;
	if (ioapic_active) {
		int gsi = ioapic_gsi(irq, type, &low);

		if (gsi < 0 || gsi >= NGSI)
			panic("md_intr_establish: %s: irq %d is GSI %d, "
			    "past the %d this kernel routes", name, irq, gsi,
			    NGSI);
		src = NIRQ + gsi;
	}
	s = intr_save();
	if (intrhand_used == NHANDLERS)
		panic("md_intr_establish: out of handlers");
	ih = &intrhand_pool[intrhand_used++];
	ih->ih_fn = fn;
	ih->ih_arg = arg;
	ih->ih_name = name;
	ih->ih_next = NULL;
	is = &intrsrc[src];
	for (p = &is->is_hand; *p != NULL; p = &(*p)->ih_next)
		continue;
	*p = ih;
	if (ioapic_active) {
		if (is->is_hand == ih) {	/* the first: route it */
			is->is_irq = irq;
			is->is_low = low;
			intr_program(src, is->is_want);
		}
	} else {
		is->is_irq = irq;
		icu_mask &= ~(1 << irq);
		icu_setmask();
	}
	intr_restore(s);
	return (src);
}

int
intr_route(int src, u_int cpu)
{
	struct intrsrc *is;
	uint64_t s;

	if (src < 0 || src >= NSRC || intrsrc[src].is_hand == NULL)
		panic("intr_route: source %d was never established", src);
	if (cpu >= MAXCPUS)
		return (EINVAL);
	if (src < NIRQ)			/* the 8259 reaches cpu0 only */
		return (cpu == 0 ? 0 : ENXIO);
	is = &intrsrc[src];
	s = intr_save();
	is->is_want = cpu;
	if (cpu != 0 && (cpu >= (u_int)ncpu || !cpu_info[cpu].ci_running)) {
		intr_restore(s);
		return (EAGAIN);	/* intr_cpus_started() will */
	}
	intr_program(src, cpu);
	intr_restore(s);
	return (0);
}

u_int
intr_cpu(int src)
{
	return (intrsrc[src].is_cpu);
}

void
intr_cpus_started(void)
{
	struct intrsrc *is;
	int src;

	for (src = NIRQ; src < NSRC; src++) {
		is = &intrsrc[src];
		if (is->is_hand == NULL || is->is_want == is->is_cpu)
			continue;
		if (intr_route(src, is->is_want) != 0)
			printf("intr: %s wants cpu%u, which is not running: "
			    "it stays on cpu%u\n", is->is_hand->ih_name,
			    is->is_want, is->is_cpu);
		else
			printf("intr: %s (GSI %d) on cpu%u\n",
			    is->is_hand->ih_name, src - NIRQ, is->is_cpu);
	}
}

static uint8_t
icu_isr(int port)
{
	outb(port, OCW3_READ_ISR);
	return inb(port);
}

void
intr_dispatch(struct trapframe *tf)
{
	struct intrhand *ih;
	int src = (int)tf->tf_trapno - ICU_OFFSET;

	/* A spurious interrupt shows as IRQ 7/15 with its ISR bit clear. */
	if (src == 7 && (icu_isr(IO_ICU1) & 0x80) == 0) {
		intr_spurious++;
		return;
	}
	if (src == 15 && (icu_isr(IO_ICU2) & 0x80) == 0) {
		intr_spurious++;
		outb(IO_ICU1, OCW2_EOI);	/* the master saw IRQ 2 */
		return;
	}

	intr_enter();
	intr_counts[src][cpu_number()]++;
	for (ih = intrsrc[src].is_hand; ih != NULL; ih = ih->ih_next)
		(*ih->ih_fn)(ih->ih_arg);
	if (src >= NIRQ)
		lapic_eoi();
	else {
		if (src >= 8)
			outb(IO_ICU2, OCW2_EOI);
		outb(IO_ICU1, OCW2_EOI);
	}
	intr_exit();
}

/* One source's interrupts on every CPU. */
uint64_t
intr_count(int src)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < MAXCPUS; i++)
		n += __atomic_load_n(&intr_counts[src][i], __ATOMIC_RELAXED);
	return (n);
}

void
intr_print_counts(void)
{
	struct intrsrc *is;
	int src, i;

	printf("interrupts by %s\n", ioapic_active ?
	    "I/O APIC (8259 masked)" : "8259");
	printf("%-8s %4s %4s %-10s %4s", "source", "irq", "gsi", "mode",
	    "cpu");
	for (i = 0; i < ncpu; i++)
		printf(" %9s%d", "cpu", i);
	printf("\n");
	for (src = 0; src < NSRC; src++) {
		is = &intrsrc[src];
		if (is->is_hand == NULL && intr_count(src) == 0)
			continue;
		if (src < NIRQ)
			printf("%-8s %4d %4s %-10s %4u", is->is_hand != NULL ?
			    is->is_hand->ih_name : "8259", src, "-", "8259",
			    0);
		else
			printf("%-8s %4d %4d %-10s %4u", is->is_hand != NULL ?
			    is->is_hand->ih_name : "?", is->is_irq,
			    src - NIRQ, (is->is_low & IOAPIC_RED_LEVEL) ?
			    ((is->is_low & IOAPIC_RED_ACTLOW) ? "level/low" :
			    "level/high") : ((is->is_low & IOAPIC_RED_ACTLOW) ?
			    "edge/low" : "edge/high"), is->is_cpu);
		for (i = 0; i < ncpu; i++)
			printf(" %10lu", (u_long)intr_counts[src][i]);
		printf("\n");
	}
	if (intr_spurious != 0)
		printf("spurious: %lu\n", (u_long)intr_spurious);
}

SHELL_CMD(intr, "interrupts by source and CPU, and where each goes")
{
	if (argc != 1)
		return (shell_usage(argv[0]));
	intr_print_counts();
	return (0);
}

/*
 * With an I/O APIC in use the 8259 delivers nothing: both are masked,
 * LINT0 (its virtual wire) is masked, no 8259 vector was ever counted,
 * and the clock ticks arrive as its GSI on cpu0.  Would fail if
 * ioapic_init left the 8259 or LINT0 open (the clock would then also
 * come in on vector 32, or on both).  Without an I/O APIC: skipped.
 */
SELFTEST(intr, no_8259)
{
	uint64_t c0, t0;
	int irq, src = -1;

	if (!ioapic_active)
		ST_SKIP("no I/O APIC: the 8259 delivers");
	ST_ASSERT_EQ(inb(IO_ICU1 + 1), 0xff);
	ST_ASSERT_EQ(inb(IO_ICU2 + 1), 0xff);
	ST_ASSERT((lapic_lint0() & 0x10000) != 0);
	for (irq = NIRQ; irq < NSRC; irq++)
		if (intrsrc[irq].is_hand != NULL &&
		    intrsrc[irq].is_irq == IRQ_CLOCK &&
		    strcmp(intrsrc[irq].is_hand->ih_name, "clock") == 0)
			src = irq;
	ST_ASSERT(src >= NIRQ);
	if (src < NIRQ)
		return;
	ST_ASSERT_EQ(intr_cpu(src), 0);
	c0 = intr_count(src);
	t0 = md_nanotime();
	while (intr_count(src) < c0 + 5 && md_nanotime() - t0 < 1000000000)
		tsleep(&c0, 0, "no8259", 1);
	ST_ASSERT(intr_count(src) >= c0 + 5);
	ST_ASSERT_EQ(intr_counts[src][0], intr_count(src));
	for (irq = 0; irq < NIRQ; irq++)
		ST_ASSERT_EQ(intr_count(irq), 0);
}
