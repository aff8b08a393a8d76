/*
 * arch/host/include/machine/spl.h: the machine's half of spl(9) for the
 * host build.
 *
 * A Linux process gets no interrupts of its own (the idle thread
 * delivers the clock, see host_machdep.c), so there is nothing to mask:
 * each call is only a compiler barrier, which keeps the compiler from
 * moving loads and stores across a level change exactly as the real
 * instruction would.
 */
#ifndef _MACHINE_SPL_H_
#define _MACHINE_SPL_H_

static inline void
md_intr_disable(void)
{
	__asm volatile("" : : : "memory");
}

static inline void
md_intr_enable(void)
{
	__asm volatile("" : : : "memory");
}

#endif /* !_MACHINE_SPL_H_ */
