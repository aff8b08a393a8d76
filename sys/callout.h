/*
 * sys/callout.h: timeouts driven by the clock interrupt.
 *
 * A callout runs its function once, in interrupt context (in_interrupt()
 * is true, sleeping is forbidden), at or after the tick it was set for.
 * The caller owns the struct callout; it must be stopped before it is
 * freed.  Rearming a pending callout moves it.
 */
#ifndef _SYS_CALLOUT_H_
#define _SYS_CALLOUT_H_

#include <sys/types.h>
#include <sys/queue.h>

struct callout {
	TAILQ_ENTRY(callout)	c_link;		/* on the pending list */
	uint64_t		c_time;		/* tick it is due */
	void			(*c_func)(void *);
	void			*c_arg;
	int			c_flags;
#define CALLOUT_PENDING		0x01
#define CALLOUT_FIRED		0x02
};

void	callout_init(struct callout *, void (*)(void *), void *);
void	callout_reset(struct callout *, int ticks);
bool	callout_stop(struct callout *);
bool	callout_pending(const struct callout *);
int	callout_count(void);
uint64_t callout_next_due(void);

#endif /* !_SYS_CALLOUT_H_ */
