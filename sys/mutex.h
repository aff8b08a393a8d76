/*
 * sys/mutex.h: spin mutexes, mutex(9).
 *
 * A spin mutex excludes every other CPU and, on its own CPU, every
 * interrupt handler: mtx_enter masks interrupts (the level goes to
 * IPL_HIGH) and spins until the mutex is free.  The
 * level from before the first mutex a CPU takes is kept in its
 * cpu_info with a count, so mutexes nest and the last mtx_leave puts
 * the level back.  A mutex does not take the interim big lock, and the
 * code it protects must not need it: it is a leaf that touches only
 * its own data (and wakeup(9), which takes the scheduler's mutex).
 *
 * Invariants: mtx_owner is the CPU between mtx_enter and mtx_leave and
 * NULL otherwise; mtx_lock is 1 exactly while it is held; no CPU
 * sleeps or switches while holding one (mi_switch's hand-off of the
 * scheduler's mutex is the only exception).
 */
#ifndef _SYS_MUTEX_H_
#define _SYS_MUTEX_H_

#include <sys/types.h>

struct cpu_info;

struct mutex {
	volatile u_int		 mtx_lock;	/* 1 while held */
	struct cpu_info * volatile mtx_owner;
	const char		*mtx_name;
	volatile u_long		 mtx_contended;	/* entries that had to spin */
};

#define MUTEX_INITIALIZER(name)	{ 0, NULL, (name), 0 }

void	mtx_init(struct mutex *, const char *);
void	mtx_enter(struct mutex *);
bool	mtx_enter_try(struct mutex *);
void	mtx_leave(struct mutex *);
bool	mtx_owned(const struct mutex *);
int	msleep(const void *ident, struct mutex *mtx, int priority,
	    const char *wmesg, int timo);

#define MUTEX_ASSERT_LOCKED(m) do {					\
	if (!mtx_owned(m))						\
		panic("mutex %s not held by this CPU (%s)",		\
		    (m)->mtx_name, __func__);				\
} while (0)

#endif /* !_SYS_MUTEX_H_ */
