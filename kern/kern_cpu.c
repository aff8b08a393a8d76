/*
 * kern_cpu.c: the per-CPU data and the list of CPUs.
 *
 * cpu_info[0] is the boot CPU's from the first instruction of C (the
 * arch points curcpu() at it before calling anything); the arch fills
 * in the others with cpu_info_init as it finds and starts the other
 * CPUs, and raises ncpu as each one is running.
 *
 * Cross-calls (cpu_xcall): a CPU posts a function in another's slot,
 * wakes it with the IPI and spins until it ran.  The target runs it
 * with its interrupts masked from the IPI handler, or sooner from any
 * spin loop (a spin mutex, the big lock, its own cross-call), so a
 * target that waits for a lock the caller holds still answers: the
 * caller may hold spin mutexes.  What the target was doing is never
 * inside a section that masks interrupts without spinning.
 *
 * Invariants: cpu_info[i].ci_index == i; a CPU starts at IPL_HIGH
 * with no interrupt handler, no mutex and not the big lock, exactly as
 * the boot CPU starts (kern_main's spl0 lowers it).
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/cpu.h>
#include <sys/machdep.h>
#include <sys/proc.h>
#include <sys/shell.h>

struct cpu_info cpu_info[MAXCPUS] = {
	[0] = {
		.ci_self = &cpu_info[0],
		.ci_ipl = IPL_HIGH,	/* boot runs masked until spl0 */
	},
};
int ncpu = 1;

#define XCALL_TIMEOUT_NS	10000000000ULL	/* as long as a spin mutex */

/* The level cpu_xcall found, back (mbp_intr_restore's rule). */
static void
xcall_restore(int s)
{
	CPU_IPL = s;
	if (s == IPL_NONE && CPU_INTRNEST == 0)
		md_intr_enable();
}

/* One loop waiting for cpu index to answer: serve our own, and pause. */
static void
cpu_xcall_wait(uint64_t t0, u_int index)
{
	cpu_xcall_poll();
#if defined(__x86_64__) || defined(__i386__)
	__asm volatile("pause" : : : "memory");
#endif
	if (md_nanotime() - t0 > XCALL_TIMEOUT_NS)
		panic("cpu_xcall: cpu%u did not answer a cross-call from cpu%u "
		    "in %llu s", index, curcpu()->ci_index,
		    XCALL_TIMEOUT_NS / 1000000000ULL);
}

void
cpu_info_init(struct cpu_info *ci, u_int index, u_int hwid)
{
	memset(ci, 0, sizeof(*ci));
	ci->ci_self = ci;
	ci->ci_ipl = IPL_HIGH;
	ci->ci_index = index;
	ci->ci_hwid = hwid;
}

/*
 * Run the cross-call posted for this CPU, if any; interrupts masked.
 * Spin loops call it, so it costs one load when there is none.
 */
void
cpu_xcall_poll(void)
{
	struct cpu_info *ci = curcpu();
	void (*fn)(void *);

	fn = __atomic_load_n(&ci->ci_xc_fn, __ATOMIC_ACQUIRE);
	if (__predict_true(fn == NULL))
		return;
	/* Claimed first: a spin inside fn must not run it again. */
	__atomic_store_n(&ci->ci_xc_fn, NULL, __ATOMIC_RELAXED);
	fn(ci->ci_xc_arg);
	ci->ci_nxcall++;
	__atomic_store_n(&ci->ci_xc_done, 1, __ATOMIC_RELEASE);
}

/*
 * Run fn(arg) on CPU index, with its interrupts masked, and return once
 * it has run: here at once when index is this CPU, nothing when that
 * CPU is not running.  Any context with interrupts masked or not; fn
 * takes no lock and does not sleep.  While waiting this CPU runs the
 * cross-calls posted for it, so two CPUs calling each other finish.
 */
void
cpu_xcall(u_int index, void (*fn)(void *), void *arg)
{
	struct cpu_info *ci, *me;
	uint64_t t0;
	int s;

	/* Masked without the big lock: the caller may hold spin mutexes. */
	s = CPU_IPL;
	md_intr_disable();
	CPU_IPL = IPL_HIGH;
	me = curcpu();
	KASSERTMSG(index < MAXCPUS, "cpu_xcall: no cpu%u", index);
	ci = &cpu_info[index];
	if (ci == me) {
		fn(arg);
		xcall_restore(s);
		return;
	}
	if (!ci->ci_running) {
		xcall_restore(s);
		return;
	}
	t0 = md_nanotime();
	while (__atomic_exchange_n(&ci->ci_xc_busy, 1, __ATOMIC_ACQUIRE) != 0)
		cpu_xcall_wait(t0, index);
	ci->ci_xc_arg = arg;
	ci->ci_xc_done = 0;
	__atomic_store_n(&ci->ci_xc_fn, fn, __ATOMIC_RELEASE);
	md_cpu_wake(ci);
	while (__atomic_load_n(&ci->ci_xc_done, __ATOMIC_ACQUIRE) == 0)
		cpu_xcall_wait(t0, index);
	__atomic_store_n(&ci->ci_xc_busy, 0, __ATOMIC_RELEASE);
	xcall_restore(s);
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
