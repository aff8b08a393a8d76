/*
 * arch/x86_64/intr.c: the two 8259 PICs and hardware interrupt dispatch.
 *
 * intr_init() remaps the master PIC to vectors 32..39 and the slave to
 * 40..47 and masks every line but the cascade; md_intr_establish()
 * attaches a handler and unmasks its line.  intr_dispatch() runs every
 * handler on the line between intr_enter() and intr_exit(), and sends
 * the EOI after the handlers and before intr_exit() (which may run soft
 * interrupts): a level-triggered, possibly shared PCI INTx line is only
 * re-armed once its devices have been serviced.
 *
 * Invariants: the handler table and the PIC masks change only with
 * interrupts disabled; spurious IRQ 7/15 (no ISR bit set) run no
 * handler and get no EOI from the PIC that did not raise them.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/machdep.h>

#include <arch/x86_64/cpufunc.h>
#include <arch/x86_64/intr.h>

#define IO_ICU1		0x20		/* master 8259: command, data */
#define IO_ICU2		0xa0		/* slave 8259 */
#define ICW1_INIT	0x11		/* edge, cascade, ICW4 needed */
#define ICW4_8086	0x01
#define OCW2_EOI	0x20		/* non-specific EOI */
#define OCW3_READ_ISR	0x0b

#define NHANDLERS	32		/* all lines together */

struct intrhand {
	void		(*ih_fn)(void *);
	void		*ih_arg;
	int		 ih_irq;
	struct intrhand	*ih_next;
};

static struct intrhand intrhand_pool[NHANDLERS];
static int intrhand_used;
static struct intrhand *intrhand[NIRQ];
static uint16_t icu_mask = 0xffff;	/* bit set: line masked */
uint64_t intr_counts[NIRQ];
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

void
md_intr_establish(int irq, void (*fn)(void *), void *arg)
{
	struct intrhand *ih, **p;
	uint64_t s;

	if (irq < 0 || irq >= NIRQ || irq == IRQ_SLAVE)
		panic("md_intr_establish: bad irq %d", irq);
	s = intr_save();
	if (intrhand_used == NHANDLERS)
		panic("md_intr_establish: out of handlers");
	ih = &intrhand_pool[intrhand_used++];
	ih->ih_fn = fn;
	ih->ih_arg = arg;
	ih->ih_irq = irq;
	ih->ih_next = NULL;
	for (p = &intrhand[irq]; *p != NULL; p = &(*p)->ih_next)
		continue;
	*p = ih;
	icu_mask &= ~(1 << irq);
	icu_setmask();
	intr_restore(s);
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
	int irq = (int)tf->tf_trapno - ICU_OFFSET;

	/* A spurious interrupt shows as IRQ 7/15 with its ISR bit clear. */
	if (irq == 7 && (icu_isr(IO_ICU1) & 0x80) == 0) {
		intr_spurious++;
		return;
	}
	if (irq == 15 && (icu_isr(IO_ICU2) & 0x80) == 0) {
		intr_spurious++;
		outb(IO_ICU1, OCW2_EOI);	/* the master saw IRQ 2 */
		return;
	}

	intr_enter();
	intr_counts[irq]++;
	for (ih = intrhand[irq]; ih != NULL; ih = ih->ih_next)
		(*ih->ih_fn)(ih->ih_arg);
	if (irq >= 8)
		outb(IO_ICU2, OCW2_EOI);
	outb(IO_ICU1, OCW2_EOI);
	intr_exit();
}

void
intr_print_counts(void)
{
	int irq;

	for (irq = 0; irq < NIRQ; irq++)
		if (intr_counts[irq] != 0)
			printf("irq%d: %lu\n", irq, (u_long)intr_counts[irq]);
	if (intr_spurious != 0)
		printf("spurious: %lu\n", (u_long)intr_spurious);
}
