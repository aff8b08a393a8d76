/*
 * kern/kern_ratecheck.c: ratecheck(9), a limit on how often something
 * may happen, after the BSD function of the same name.
 *
 * What it is for: messages (or other reactions) that a stream of input
 * could trigger at the sender's pace, such as ARP's "is also used by"
 * line: the caller asks before each one and does it only when at least
 * interval ticks have passed since the last one let through.
 *
 * Invariants: *last is 0 before the first event and afterwards the
 * tick of the last event let through plus one (so that an event at
 * tick 0 is not taken for "never"); it changes only when 1 is
 * returned.  The caller serialises the calls for one *last (it holds
 * its subsystem's spl level).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>

int
ratecheck(uint64_t *last, int interval)
{
	uint64_t now = ticks;

	if (*last != 0 && now + 1 < *last + (uint64_t)MAX(interval, 0))
		return (0);
	*last = now + 1;
	return (1);
}
