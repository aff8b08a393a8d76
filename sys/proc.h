/*
 * sys/proc.h: kernel threads.
 *
 * The kernel is not preemptible: a thread runs until it sleeps, yields
 * or exits; interrupts run on top of it and may only make threads
 * runnable.  With several CPUs, threads run on all of them and move
 * between them: one run queue feeds every CPU, and each CPU has its own
 * idle thread, which is on no queue.  A thread bound to a CPU
 * (sched_bind, kthread_create_on) runs only there: it waits on that
 * CPU's own queue, which no other CPU reads.  curthread is the running CPU's
 * (ci_curthread of curcpu()).  A thread created with kthread_create
 * runs func(arg); when it returns (or calls kthread_exit) it becomes a
 * zombie until another thread reaps it with kthread_join.
 */
#ifndef _SYS_PROC_H_
#define _SYS_PROC_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/callout.h>
#include <sys/machdep.h>
#include <sys/cpu.h>
#include <sys/mutex.h>

#define TS_RUN		1	/* on the run queue or running */
#define TS_SLEEP	2	/* waiting in tsleep */
#define TS_ZOMB		3	/* exited, waiting for kthread_join */

struct thread {
	struct md_ctx		 t_ctx;		/* saved registers (arch) */
	TAILQ_ENTRY(thread)	 t_runq;	/* run queue or sleep queue */
	LIST_ENTRY(thread)	 t_all;		/* list of all threads */
	int			 t_tid;
	int			 t_state;
	char			 t_name[16];
	const void		*t_wchan;	/* what it sleeps on */
	const char		*t_wmesg;
	int			 t_timedout;	/* the sleep timed out */
	struct callout		 t_sleepto;	/* sleep timeout */
	void			*t_stack;
	size_t			 t_stksize;
	void			(*t_func)(void *);
	void			*t_arg;
	u_long			 t_switches;	/* times it was switched in */
	void			*t_catch;	/* panic capture (selftest) */
	struct thread		*t_joiner;	/* the thread in kthread_join */
	struct cpu_info		*t_cpu;		/* where it runs or last ran */
	struct cpu_info		*t_bound;	/* the only CPU it may run on */
	u_long			 t_runseq;	/* when it was last queued */
};

#define KSTACK_SIZE	(16 * 1024)

#define curthread	(curcpu()->ci_curthread)

/* Held for the run queue, the sleep queues and every thread's state. */
extern struct mutex sched_lock;

struct thread *kthread_create(void (*)(void *), void *, const char *);
struct thread *kthread_create_on(struct cpu_info *, void (*)(void *), void *,
	    const char *);
void	kthread_exit(void) __attribute__((noreturn));
void	kthread_join(struct thread *);
void	yield(void);
void	sched_bind(struct thread *, struct cpu_info *);
void	sched_unbind(struct thread *);
void	sched_init(void);
void	sched_idle_loop(void) __attribute__((noreturn));
void	sched_cpu_start(struct cpu_info *, void *stack, size_t stksize)
	    __attribute__((noreturn));
void	thread_print_all(void);
int	thread_count(void);
void	mi_switch(void);
void	setrunnable(struct thread *);

#endif /* !_SYS_PROC_H_ */
