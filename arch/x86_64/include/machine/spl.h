/*
 * arch/x86_64/include/machine/spl.h: the machine's half of spl(9).
 *
 * How this CPU masks and unmasks its interrupts, inline, because every
 * splraise()/splx() pair in sys/systm.h, and so every mbuf allocation
 * and free, runs them: a call each way cost more than the rest of the
 * allocation (see BENCHMARKS.md).  They do not nest or count; the
 * level is kept by kern_spl.c.  Each is one instruction and a compiler
 * barrier, so no load or store moves across it.
 */
#ifndef _MACHINE_SPL_H_
#define _MACHINE_SPL_H_

static inline void
md_intr_disable(void)
{
	__asm volatile("cli" : : : "memory");
}

static inline void
md_intr_enable(void)
{
	__asm volatile("sti" : : : "memory");
}

#endif /* !_MACHINE_SPL_H_ */
