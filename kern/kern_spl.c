/*
 * kern_spl.c: interrupt priority levels and interrupt context.
 *
 * Each CPU has its own level (ci_ipl in its struct cpu_info): any
 * level above IPL_NONE masks hardware interrupts on that CPU (the
 * arch's md_intr_disable), IPL_NONE outside an interrupt handler
 * unmasks them.  Handlers run between intr_enter and intr_exit at
 * IPL_HIGH; splx inside a handler never unmasks.  On a machine with
 * more than one CPU every handler also runs holding the big lock
 * (kern_mutex.c), taken here when the CPU does not hold it already.
 *
 * Invariants: a CPU's interrupts are unmasked exactly when its level is
 * IPL_NONE and its ci_intrnest is 0; a context switch saves the level
 * on the stack of the thread that leaves (mi_switch) and the thread
 * that resumes restores its own; intr_exit drops the big lock exactly
 * when the matching intr_enter took it.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/cpu.h>
#include <sys/machdep.h>

#define IPL_TOOKGIANT	0x100	/* in ci_intr_savedipl: intr_enter took it */

#if MD_MULTIPROCESSOR
/* Out of line and always called: see spl0. */
static void __attribute__((noinline))
spl0_drop_giant(void)
{
	md_intr_disable();
	if (CPU_INTRNEST == 0 && curcpu()->ci_giant)
		giant_exit();
}
#endif

/*
 * The first interrupt after boot lands on spl0's unmask: the call
 * before it is unconditional, so spl0 has its frame by then and a
 * debugger unwinds from the interrupt to kern_main (suite-32).
 */
int
spl0(void)
{
	int old = curipl();

#if MD_MULTIPROCESSOR
	spl0_drop_giant();
#endif
	splx(IPL_NONE);
	return (old);
}

void
splassert_fail(int want, int have, const char *func)
{
	panic("splassert: %s: want IPL %d, have %d", func, want, have);
}

void
intr_enter(void)
{
	struct cpu_info *ci = curcpu();
	int saved = ci->ci_ipl;

	if (ci->ci_intrnest >= CPU_MAXNEST)
		panic("intr_enter: interrupts nested %d deep on cpu%u",
		    ci->ci_intrnest, ci->ci_index);
	if (smp_giant && !ci->ci_giant) {
		giant_enter();
		saved |= IPL_TOOKGIANT;
	}
	ci->ci_intr_savedipl[ci->ci_intrnest++] = saved;
	ci->ci_ipl = IPL_HIGH;
	ci->ci_nintr++;
}

void
intr_exit(void)
{
	struct cpu_info *ci = curcpu();
	int saved;

	KASSERT(ci->ci_intrnest > 0);
	saved = ci->ci_intr_savedipl[--ci->ci_intrnest];
	if (saved & IPL_TOOKGIANT)
		giant_exit();
	ci->ci_ipl = saved & ~IPL_TOOKGIANT;
}

/*
 * Used by panic capture: put back the state saved when it was armed.
 * The big lock follows the level: held above IPL_NONE, not at it.
 */
void
spl_restore_state(int ipl, int nesting)
{
	struct cpu_info *ci = curcpu();

	md_intr_disable();
	ci->ci_intrnest = nesting;
	if (smp_giant && ipl != IPL_NONE && !ci->ci_giant &&
	    ci->ci_mtx_count == 0)
		giant_enter();
	splx(ipl);
}

int
intr_nesting_level(void)
{
	return (curcpu()->ci_intrnest);
}
