/*
 * kern_spl.c: interrupt priority levels and interrupt context.
 *
 * One CPU, so a level is a number: any level above IPL_NONE masks
 * hardware interrupts (the arch's md_intr_disable), IPL_NONE outside an
 * interrupt handler unmasks them.  Handlers run between intr_enter and
 * intr_exit at IPL_HIGH; splx inside a handler never unmasks.
 *
 * Invariants: interrupts are unmasked exactly when spl_level == IPL_NONE and
 * spl_intrnest == 0; a context switch saves the level on the stack of
 * the thread that leaves (mi_switch) and the thread that resumes
 * restores its own.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/machdep.h>

#define MAXNEST	8

volatile int spl_level = IPL_HIGH;	/* boot runs masked until spl0 */
volatile int spl_intrnest;
static int intr_savedipl[MAXNEST];

int
spl0(void)
{
	int old = spl_level;

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
	if (spl_intrnest >= MAXNEST)
		panic("intr_enter: interrupts nested %d deep", spl_intrnest);
	intr_savedipl[spl_intrnest++] = spl_level;
	spl_level = IPL_HIGH;
}

void
intr_exit(void)
{
	KASSERT(spl_intrnest > 0);
	spl_level = intr_savedipl[--spl_intrnest];
}

/* Used by panic capture: put back the state saved when it was armed. */
void
spl_restore_state(int ipl, int nesting)
{
	spl_intrnest = nesting;
	splx(ipl);
}

int
intr_nesting_level(void)
{
	return (spl_intrnest);
}
