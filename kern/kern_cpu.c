/*
 * kern_cpu.c: the per-CPU data and the list of CPUs.
 *
 * cpu_info[0] is the boot CPU's from the first instruction of C (the
 * arch points curcpu() at it before calling anything); the arch fills
 * in the others with cpu_info_init as it finds and starts the other
 * CPUs, and raises ncpu as each one is running.
 *
 * Invariants: cpu_info[i].ci_index == i; a CPU starts at IPL_HIGH
 * with no interrupt handler, no mutex and not the big lock, exactly as
 * the boot CPU starts (kern_main's spl0 lowers it).
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/cpu.h>
#include <sys/proc.h>
#include <sys/shell.h>

struct cpu_info cpu_info[MAXCPUS] = {
	[0] = {
		.ci_self = &cpu_info[0],
		.ci_ipl = IPL_HIGH,	/* boot runs masked until spl0 */
	},
};
int ncpu = 1;

void
cpu_info_init(struct cpu_info *ci, u_int index, u_int hwid)
{
	memset(ci, 0, sizeof(*ci));
	ci->ci_self = ci;
	ci->ci_ipl = IPL_HIGH;
	ci->ci_index = index;
	ci->ci_hwid = hwid;
}

void
cpu_print_all(void)
{
	struct cpu_info *ci;
	int i;

	printf("%3s %4s %-8s %-16s %9s %9s %9s %9s %11s\n", "cpu", "apic",
	    "state", "thread", "switches", "intr", "ipi", "idle",
	    "giantspins");
	for (i = 0; i < ncpu; i++) {
		ci = &cpu_info[i];
		printf("%3d %4u %-8s %-16s %9lu %9lu %9lu %9lu %11lu\n", i,
		    ci->ci_hwid, ci->ci_idling ? "idle" : "running",
		    ci->ci_curthread != NULL ? ci->ci_curthread->t_name : "-",
		    ci->ci_nswitch, ci->ci_nintr, ci->ci_nipi, ci->ci_nidle,
		    ci->ci_giant_spins);
	}
	printf("big lock: %s\n", smp_giant ? "in force (spl(9) takes it)" :
	    "off (one CPU)");
}

SHELL_CMD(cpus, "the CPUs: state, current thread, counters")
{
	cpu_print_all();
	return (0);
}
