/*
 * kern_timeout.c: the clock tick and callouts.
 *
 * hardclock() runs hz times a second in interrupt context: it advances
 * ticks and runs every callout that is due, oldest first.  Pending
 * callouts are kept sorted by due tick, so a tick with nothing due
 * costs one comparison.
 *
 * hardclock runs on one CPU (the one the clock interrupts: CPU 0 on
 * x86_64), so every callout runs there; callout_reset and callout_stop
 * may be called on any CPU.  A callout's function runs without
 * callout_lock (it may reset or stop callouts, or wakeup), in interrupt
 * context, holding the big lock when several CPUs run.
 *
 * Invariants: a callout is on the pending list exactly when
 * CALLOUT_PENDING is set; the list is sorted by c_time; list and flags
 * change only with callout_lock held; callout_running is the callout
 * whose function runs now, and callout_stop on another CPU waits until
 * it has returned, so after callout_stop the function is not running
 * and will not run unless reset again.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/callout.h>
#include <sys/cpu.h>
#include <sys/mutex.h>
#include <sys/machdep.h>

volatile uint64_t ticks;
int hz = HZ;

static TAILQ_HEAD(, callout) callout_pending_list =
    TAILQ_HEAD_INITIALIZER(callout_pending_list);
static int callout_npending;
static struct mutex callout_lock = MUTEX_INITIALIZER("callout_lock");
static struct callout *volatile callout_running;
static struct cpu_info *callout_cpu;	/* where callout_running runs */

void
callout_init(struct callout *c, void (*func)(void *), void *arg)
{
	memset(c, 0, sizeof(*c));
	c->c_func = func;
	c->c_arg = arg;
}

static void
callout_unlink(struct callout *c)
{
	TAILQ_REMOVE(&callout_pending_list, c, c_link);
	c->c_flags &= ~CALLOUT_PENDING;
	callout_npending--;
}

void
callout_reset(struct callout *c, int t)
{
	struct callout *o;

	KASSERTMSG(c->c_func != NULL, "callout_reset: %p not initialised",
	    (void *)c);
	mtx_enter(&callout_lock);
	if (c->c_flags & CALLOUT_PENDING)
		callout_unlink(c);
	c->c_time = ticks + (t > 0 ? t : 1);
	c->c_flags = (c->c_flags & ~CALLOUT_FIRED) | CALLOUT_PENDING;
	TAILQ_FOREACH(o, &callout_pending_list, c_link)
		if (o->c_time > c->c_time)
			break;
	if (o != NULL)
		TAILQ_INSERT_BEFORE(o, c, c_link);
	else
		TAILQ_INSERT_TAIL(&callout_pending_list, c, c_link);
	callout_npending++;
	mtx_leave(&callout_lock);
}

bool
callout_stop(struct callout *c)
{
	bool was;

	mtx_enter(&callout_lock);
	was = (c->c_flags & CALLOUT_PENDING) != 0;
	if (was)
		callout_unlink(c);
	/* Running on another CPU: wait for it to return. */
	while (callout_running == c && callout_cpu != curcpu()) {
		mtx_leave(&callout_lock);
		while (callout_running == c)
			__asm volatile("" : : : "memory");
		mtx_enter(&callout_lock);
	}
	mtx_leave(&callout_lock);
	return (was);
}

bool
callout_pending(const struct callout *c)
{
	return ((c->c_flags & CALLOUT_PENDING) != 0);
}

int
callout_count(void)
{
	return (callout_npending);
}

uint64_t
callout_next_due(void)
{
	struct callout *c = TAILQ_FIRST(&callout_pending_list);

	return (c != NULL ? c->c_time : 0);
}

void
hardclock(void)
{
	struct callout *c;
	void (*func)(void *);
	void *arg;

	KASSERT(in_interrupt());
	ticks++;
	mtx_enter(&callout_lock);
	while ((c = TAILQ_FIRST(&callout_pending_list)) != NULL &&
	    c->c_time <= ticks) {
		callout_unlink(c);
		c->c_flags |= CALLOUT_FIRED;
		func = c->c_func;
		arg = c->c_arg;
		callout_running = c;
		callout_cpu = curcpu();
		mtx_leave(&callout_lock);
		func(arg);
		mtx_enter(&callout_lock);
		callout_running = NULL;
	}
	mtx_leave(&callout_lock);
}

uint64_t
nanouptime(void)
{
	return (md_nanotime());
}
