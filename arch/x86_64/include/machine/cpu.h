/*
 * arch/x86_64/include/machine/cpu.h: curcpu() on x86_64.
 *
 * Every CPU's %gs base points at its own struct cpu_info, whose first
 * field points at itself, so curcpu() is one load from %gs:0.  The
 * kernel is not preemptible and a thread moves to another CPU only
 * inside mi_switch, so a pointer from curcpu() stays this CPU's until
 * the caller sleeps or yields.  md_boot sets the boot CPU's %gs base
 * before any other C code runs; mp_ap_main does it for the others.
 */
#ifndef _MACHINE_CPU_H_
#define _MACHINE_CPU_H_

#define MD_MULTIPROCESSOR	1	/* this kernel may run several CPUs */

struct cpu_info;

static inline struct cpu_info *
curcpu(void)
{
	struct cpu_info *ci;

	__asm volatile("movq %%gs:0, %0" : "=r" (ci));
	return (ci);
}

#endif /* !_MACHINE_CPU_H_ */
