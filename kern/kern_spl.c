/*
 * kern_spl.c: interrupt priority levels and interrupt context.
 *
 * One CPU, so a level is a number: any level above IPL_NONE masks
 * hardware interrupts (the arch's md_intr_disable), IPL_NONE outside an
 * interrupt handler unmasks them.  Handlers run between intr_enter and
 * intr_exit at IPL_HIGH; splx inside a handler never unmasks.
 *
 * Invariants: interrupts are unmasked exactly when cpl == IPL_NONE and
 * intr_nesting == 0; a context switch saves the level on the stack of
 * the thread that leaves (mi_switch) and the thread that resumes
 * restores its own.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/machdep.h>

#define MAXNEST	8

static volatile int cpl = IPL_HIGH;	/* boot runs masked until spl0 */
static volatile int intr_nesting;
static int intr_savedipl[MAXNEST];

int
curipl(void)
{
	return (cpl);
}

bool
in_interrupt(void)
{
	return (intr_nesting > 0);
}

bool
cansleep(void)
{
	return (intr_nesting == 0 && cpl == IPL_NONE);
}

int
splraise(int level)
{
	int old = cpl;

	if (level > old) {
		md_intr_disable();
		cpl = level;
	}
	return (old);
}

void
splx(int level)
{
	if (level == IPL_NONE && intr_nesting == 0) {
		cpl = IPL_NONE;
		md_intr_enable();
	} else {
		if (level > IPL_NONE)
			md_intr_disable();
		cpl = level;
	}
}

int splsoftnet(void) { return (splraise(IPL_SOFTNET)); }
int splnet(void) { return (splraise(IPL_NET)); }
int splclock(void) { return (splraise(IPL_CLOCK)); }
int splhigh(void) { return (splraise(IPL_HIGH)); }

int
spl0(void)
{
	int old = cpl;

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
	if (intr_nesting >= MAXNEST)
		panic("intr_enter: interrupts nested %d deep", intr_nesting);
	intr_savedipl[intr_nesting++] = cpl;
	cpl = IPL_HIGH;
}

void
intr_exit(void)
{
	KASSERT(intr_nesting > 0);
	cpl = intr_savedipl[--intr_nesting];
}

/* Used by panic capture: put back the state saved when it was armed. */
void
spl_restore_state(int ipl, int nesting)
{
	intr_nesting = nesting;
	splx(ipl);
}

int
intr_nesting_level(void)
{
	return (intr_nesting);
}
