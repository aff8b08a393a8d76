/*
 * tests/port/include/machine/cpu.h: what the self-tests' headers
 * (sys/cpu.h, sys/systm.h) want of a machine's CPUs: toyk has one, no
 * big lock, and keeps its level and nesting in its own variables, which
 * the link names spl_level and spl_intrnest (tests/port/build.sh).
 */
#ifndef _MACHINE_CPU_H_
#define _MACHINE_CPU_H_

#define MD_MULTIPROCESSOR	0
#define MD_SPL_GLOBALS		1

static inline struct cpu_info *
curcpu(void)
{
	return (&cpu_info[0]);
}

#endif /* !_MACHINE_CPU_H_ */
