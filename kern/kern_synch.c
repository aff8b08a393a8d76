/*
 * kern_synch.c: kernel threads, the scheduler, tsleep and wakeup.
 *
 * The kernel is not preemptible.  A thread runs until it sleeps, yields
 * or exits; then mi_switch picks the first thread on the run queue, or
 * the idle thread when there is none.  Interrupt handlers only move
 * threads from a sleep queue to the run queue (wakeup, sleep timeouts).
 *
 * Invariants: a thread is on the run queue iff it is TS_RUN and not
 * running; on a sleep queue iff TS_SLEEP; the idle thread is on no
 * queue.  Queues change only at splhigh; mi_switch is entered at
 * splhigh and the level of each thread is kept on its own stack.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/callout.h>
#include <sys/machdep.h>

MALLOC_DEFINE(M_THREAD, "thread", "kernel threads and their stacks");

#define SLPQ_SIZE	64
#define SLPQ_HASH(id)	((((uintptr_t)(id)) >> 4) % SLPQ_SIZE)

TAILQ_HEAD(threadq, thread);
static struct threadq runq = TAILQ_HEAD_INITIALIZER(runq);
static struct threadq slpq[SLPQ_SIZE];
static LIST_HEAD(, thread) allthreads = LIST_HEAD_INITIALIZER(allthreads);

static struct thread thread0;
static struct thread *idlethread;
struct thread *curthread;
static int nexttid;

static void endtsleep(void *);

/*
 * Under AddressSanitizer (host build) the sanitizer must be told when
 * the stack changes, or it mistakes one thread's stack for another's.
 * The boot thread's stack bounds are learnt at its first switch.
 */
#if defined(__SANITIZE_ADDRESS__)
void	__sanitizer_start_switch_fiber(void **, const void *, size_t);
void	__sanitizer_finish_switch_fiber(void *, const void **, size_t *);
static struct thread *asan_from;

static void
asan_switch_begin(struct thread *prev, struct thread *next, void **fake)
{
	asan_from = prev;
	__sanitizer_start_switch_fiber(prev->t_state == TS_ZOMB ? NULL : fake,
	    next->t_stack, next->t_stksize);
}

static void
asan_switch_end(void *fake)
{
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(fake, &bottom, &size);
	if (asan_from != NULL && asan_from->t_stack == NULL) {
		asan_from->t_stack = (void *)bottom;
		asan_from->t_stksize = size;
	}
}
#else
#define asan_switch_begin(prev, next, fake)	do { } while (0)
#define asan_switch_end(fake)			do { } while (0)
#endif

static void
thread_setup(struct thread *td, const char *name)
{
	strlcpy(td->t_name, name, sizeof(td->t_name));
	td->t_tid = nexttid++;
	td->t_state = TS_RUN;
	callout_init(&td->t_sleepto, endtsleep, td);
	LIST_INSERT_HEAD(&allthreads, td, t_all);
}

static void
idle_main(void *arg)
{
	sched_idle_loop();
}

/* The boot thread becomes thread0; the idle thread is made here. */
void
sched_init(void)
{
	int i;

	for (i = 0; i < SLPQ_SIZE; i++)
		TAILQ_INIT(&slpq[i]);
	thread_setup(&thread0, "main");
	curthread = &thread0;
	idlethread = kthread_create(idle_main, NULL, "idle");
	/* The idle thread runs only when nothing else can. */
	TAILQ_REMOVE(&runq, idlethread, t_runq);
}

/* Switch to the next runnable thread.  Called at splhigh. */
void
mi_switch(void)
{
	struct thread *prev = curthread, *next;
	void *fake __unused = NULL;

	KASSERT(curipl() == IPL_HIGH);
	next = TAILQ_FIRST(&runq);
	if (next != NULL)
		TAILQ_REMOVE(&runq, next, t_runq);
	else
		next = idlethread;
	if (next == prev)
		return;
	next->t_switches++;
	curthread = next;
	asan_switch_begin(prev, next, &fake);
	md_ctx_switch(&prev->t_ctx, &next->t_ctx);
	asan_switch_end(fake);
}

void
setrunnable(struct thread *td)
{
	td->t_state = TS_RUN;
	td->t_wchan = NULL;
	TAILQ_INSERT_TAIL(&runq, td, t_runq);
}

void
sched_idle_loop(void)
{
	for (;;) {
		int s = splhigh();

		if (TAILQ_EMPTY(&runq)) {
			if (!md_async_interrupts && callout_count() == 0)
				panic("idle: every thread is asleep and no "
				    "timeout is pending (deadlock)");
			md_idle();
			md_intr_disable();
		}
		if (!TAILQ_EMPTY(&runq))
			mi_switch();
		splx(s);
	}
}

void
yield(void)
{
	int s;

	if (in_interrupt())
		panic("yield: called from interrupt context (caller %p)",
		    __builtin_return_address(0));
	s = splhigh();

	if (curthread != idlethread)
		TAILQ_INSERT_TAIL(&runq, curthread, t_runq);
	mi_switch();
	splx(s);
}

static void
thread_trampoline(void)
{
	struct thread *td = curthread;

	asan_switch_end(NULL);
	spl0();
	td->t_func(td->t_arg);
	kthread_exit();
}

struct thread *
kthread_create(void (*func)(void *), void *arg, const char *name)
{
	int flags = cansleep() ? M_WAITOK : M_NOWAIT;
	struct thread *td;
	int s;

	td = malloc(sizeof(*td), M_THREAD, flags | M_ZERO);
	if (td == NULL)
		panic("kthread_create: no memory for thread %s", name);
	td->t_stksize = KSTACK_SIZE;
	td->t_stack = malloc(td->t_stksize, M_THREAD, flags);
	if (td->t_stack == NULL)
		panic("kthread_create: no memory for the stack of %s", name);
	td->t_func = func;
	td->t_arg = arg;
	md_ctx_init(&td->t_ctx, td->t_stack, td->t_stksize, thread_trampoline);
	s = splhigh();
	thread_setup(td, name);
	TAILQ_INSERT_TAIL(&runq, td, t_runq);
	splx(s);
	return (td);
}

void
kthread_exit(void)
{
	struct thread *td = curthread;

	KASSERTMSG(td != &thread0 && td != idlethread,
	    "kthread_exit: thread %s may not exit", td->t_name);
	splhigh();
	td->t_state = TS_ZOMB;
	wakeup(td);
	mi_switch();
	panic("kthread_exit: zombie %s ran again", td->t_name);
}

/* Is td a thread that exists (not yet joined)?  Reads only the list. */
static bool
thread_exists(const struct thread *td)
{
	struct thread *t;

	LIST_FOREACH(t, &allthreads, t_all)
		if (t == td)
			return (true);
	return (false);
}

/*
 * Wait for td to exit, then free it.  Joining a thread that was joined
 * already (and so freed), or one another thread is joining, panics:
 * both would free it twice.  The first check reads only the list of
 * threads, never *td, which may be freed memory.
 */
void
kthread_join(struct thread *td)
{
	int s;

	if (in_interrupt())
		panic("kthread_join: called from interrupt context");
	s = splhigh();
	if (!thread_exists(td))
		panic("kthread_join: %p is not a thread (joined twice?)",
		    (void *)td);
	if (td->t_joiner != NULL)
		panic("kthread_join: %s is already being joined by %s",
		    td->t_name, td->t_joiner->t_name);
	if (td == curthread || td == &thread0 || td == idlethread)
		panic("kthread_join: %s may not be joined%s", td->t_name,
		    td == curthread ? " by itself" : "");
	td->t_joiner = curthread;
	while (td->t_state != TS_ZOMB)
		tsleep(td, 0, "join", 0);
	LIST_REMOVE(td, t_all);
	splx(s);
	free(td->t_stack, M_THREAD);
	free(td, M_THREAD);
}

int
tsleep(const void *ident, int priority, const char *wmesg, int timo)
{
	struct thread *td = curthread;
	int s, error;

	(void)priority;
	if (in_interrupt())
		panic("tsleep(\"%s\") called from interrupt context", wmesg);
	KASSERTMSG(td != idlethread, "tsleep: the idle thread may not sleep");
	s = splhigh();
	td->t_wchan = ident;
	td->t_wmesg = wmesg;
	td->t_timedout = 0;
	td->t_state = TS_SLEEP;
	TAILQ_INSERT_TAIL(&slpq[SLPQ_HASH(ident)], td, t_runq);
	if (timo > 0)
		callout_reset(&td->t_sleepto, timo);
	mi_switch();
	if (timo > 0)
		callout_stop(&td->t_sleepto);
	error = td->t_timedout ? EWOULDBLOCK : 0;
	td->t_wmesg = NULL;
	splx(s);
	return (error);
}

static void
endtsleep(void *arg)
{
	struct thread *td = arg;
	int s = splhigh();

	if (td->t_state == TS_SLEEP) {
		TAILQ_REMOVE(&slpq[SLPQ_HASH(td->t_wchan)], td, t_runq);
		td->t_timedout = 1;
		setrunnable(td);
	}
	splx(s);
}

static void
wakeup_n(const void *ident, int n)
{
	struct threadq *q = &slpq[SLPQ_HASH(ident)];
	struct thread *td, *ntd;
	int s = splhigh();

	TAILQ_FOREACH_SAFE(td, q, t_runq, ntd) {
		if (td->t_wchan != ident)
			continue;
		TAILQ_REMOVE(q, td, t_runq);
		setrunnable(td);
		if (--n == 0)
			break;
	}
	splx(s);
}

void
wakeup(const void *ident)
{
	wakeup_n(ident, -1);
}

void
wakeup_one(const void *ident)
{
	wakeup_n(ident, 1);
}

int
thread_count(void)
{
	struct thread *td;
	int n = 0;

	LIST_FOREACH(td, &allthreads, t_all)
		n++;
	return (n);
}

void
thread_print_all(void)
{
	static const char *states[] = { "?", "run", "sleep", "zombie" };
	struct thread *td;

	printf("%4s %-16s %-7s %-10s %10s\n", "tid", "name", "state", "wait",
	    "switches");
	LIST_FOREACH(td, &allthreads, t_all)
		printf("%4d %-16s %-7s %-10s %10lu%s\n", td->t_tid, td->t_name,
		    states[td->t_state], td->t_wmesg != NULL ? td->t_wmesg :
		    "-", td->t_switches, td == curthread ? " *" : "");
}
