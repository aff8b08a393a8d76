/*
 * tests/port/include/machine/spl.h: what the mbuf self-tests' headers
 * (sys/systm.h) want of a machine: masking is toyk's level variable,
 * which toyk_selftest.c also names spl_level, so there is nothing to do.
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
