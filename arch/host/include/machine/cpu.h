/*
 * arch/host/include/machine/cpu.h: curcpu() for the host build.
 *
 * The host build runs the kernel on one simulated CPU, so curcpu() is
 * the address of cpu_info[0], a link-time constant: a per-CPU field
 * costs what a global variable costs (the spl(9) fast path is the same
 * instructions as before there were CPUs).
 */
#ifndef _MACHINE_CPU_H_
#define _MACHINE_CPU_H_

#define MD_MULTIPROCESSOR	0	/* one simulated CPU: no big lock */

static inline struct cpu_info *
curcpu(void)
{
	return (&cpu_info[0]);
}

#endif /* !_MACHINE_CPU_H_ */
