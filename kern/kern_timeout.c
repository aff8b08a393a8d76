/*
 * kern_timeout.c: the clock tick and callouts.
 *
 * hardclock() runs hz times a second in interrupt context: it advances
 * ticks and runs every callout that is due, oldest first.  Pending
 * callouts are kept sorted by due tick, so a tick with nothing due
 * costs one comparison.
 *
 * Invariants: a callout is on the pending list exactly when
 * CALLOUT_PENDING is set; the list is sorted by c_time; it is only
 * changed at splhigh.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/callout.h>
#include <sys/machdep.h>

volatile uint64_t ticks;
int hz = HZ;

static TAILQ_HEAD(, callout) callout_pending_list =
    TAILQ_HEAD_INITIALIZER(callout_pending_list);
static int callout_npending;

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
	int s;

	KASSERTMSG(c->c_func != NULL, "callout_reset: %p not initialised",
	    (void *)c);
	s = splhigh();
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
	splx(s);
}

bool
callout_stop(struct callout *c)
{
	bool was;
	int s;

	s = splhigh();
	was = (c->c_flags & CALLOUT_PENDING) != 0;
	if (was)
		callout_unlink(c);
	splx(s);
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

	KASSERT(in_interrupt());
	ticks++;
	while ((c = TAILQ_FIRST(&callout_pending_list)) != NULL &&
	    c->c_time <= ticks) {
		callout_unlink(c);
		c->c_flags |= CALLOUT_FIRED;
		c->c_func(c->c_arg);
	}
}

uint64_t
nanouptime(void)
{
	return (md_nanotime());
}
