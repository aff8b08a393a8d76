/*
 * kern_synch.c: kernel threads, the scheduler, tsleep and wakeup.
 *
 * The kernel is not preemptible.  A thread runs until it sleeps, yields
 * or exits; then mi_switch picks the first thread on the one run queue,
 * or the CPU's own idle thread when there is none.  Every CPU takes its
 * threads from that queue, so a thread may resume on another CPU than
 * the one it slept on.  Interrupt handlers only move threads from a
 * sleep queue to the run queue (wakeup, sleep timeouts).  A thread
 * made runnable while a CPU is halted idle wakes that CPU with an IPI
 * (md_cpu_wake); a CPU that is running a thread finds the queue when
 * that thread stops.
 *
 * Invariants: a thread is on the run queue iff it is TS_RUN and not
 * running; on a sleep queue iff TS_SLEEP; an idle thread is on no queue
 * and runs only on its own CPU.  The queues, t_state, t_wchan and the
 * thread list change only with sched_lock held, and a sleeper is on its
 * sleep queue, TS_SLEEP, before sched_lock is dropped, so a wakeup on
 * any CPU either finds it there or happened before it looked (no lost
 * wakeup).  mi_switch is entered with sched_lock held once and the
 * thread that resumes drops it, after the one that left has saved its
 * registers, so no CPU can run a thread whose context is still being
 * saved; the level of each thread and whether it holds the big lock go
 * with it across the switch, on its own stack.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/callout.h>
#include <sys/cpu.h>
#include <sys/mutex.h>
#include <sys/machdep.h>

MALLOC_DEFINE(M_THREAD, "thread", "kernel threads and their stacks");

#define SLPQ_SIZE	64
#define SLPQ_HASH(id)	((((uintptr_t)(id)) >> 4) % SLPQ_SIZE)

TAILQ_HEAD(threadq, thread);
struct mutex sched_lock = MUTEX_INITIALIZER("sched_lock");
static struct threadq runq = TAILQ_HEAD_INITIALIZER(runq);
static struct threadq slpq[SLPQ_SIZE];
static LIST_HEAD(, thread) allthreads = LIST_HEAD_INITIALIZER(allthreads);

static struct thread thread0;
static struct thread apidle[MAXCPUS];	/* the other CPUs' idle threads */
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

/* Called with sched_lock held. */
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

/* The boot thread becomes thread0; the boot CPU's idle thread is made. */
void
sched_init(void)
{
	struct cpu_info *ci = curcpu();
	struct thread *idle;
	int i;

	for (i = 0; i < SLPQ_SIZE; i++)
		TAILQ_INIT(&slpq[i]);
	mtx_enter(&sched_lock);
	thread_setup(&thread0, "main");
	thread0.t_cpu = ci;
	ci->ci_curthread = &thread0;
	mtx_leave(&sched_lock);
	idle = kthread_create(idle_main, NULL, "idle0");
	/* The idle thread runs only when nothing else can. */
	mtx_enter(&sched_lock);
	TAILQ_REMOVE(&runq, idle, t_runq);
	idle->t_cpu = ci;
	ci->ci_idlethread = idle;
	mtx_leave(&sched_lock);
}

/*
 * A secondary CPU enters the scheduler: what runs now, on the stack
 * the arch gave it, becomes its idle thread.
 */
void
sched_cpu_start(struct cpu_info *ci, void *stack, size_t stksize)
{
	struct thread *td = &apidle[ci->ci_index];
	char name[8];

	snprintf(name, sizeof(name), "idle%u", ci->ci_index);
	mtx_enter(&sched_lock);
	thread_setup(td, name);
	td->t_stack = stack;
	td->t_stksize = stksize;
	td->t_cpu = ci;
	ci->ci_curthread = td;
	ci->ci_idlethread = td;
	ci->ci_running = 1;
	mtx_leave(&sched_lock);
	sched_idle_loop();
}

/*
 * Switch to the next runnable thread.  Called with sched_lock held
 * (once, and no other spin mutex) and interrupts masked; returns, in
 * the same thread, perhaps on another CPU, with sched_lock released
 * and the thread's own level and big lock back.
 */
void
mi_switch(void)
{
	struct cpu_info *ci = curcpu();
	struct thread *prev = ci->ci_curthread, *next;
	void *fake __unused = NULL;
	int ipl, giant;

	KASSERTMSG(mtx_owned(&sched_lock) && ci->ci_mtx_count == 1,
	    "mi_switch: cpu%u: sched_lock %s, %d spin mutexes held",
	    ci->ci_index, mtx_owned(&sched_lock) ? "held" : "not held",
	    ci->ci_mtx_count);
	ipl = ci->ci_mtx_oldipl;
	giant = ci->ci_giant;
	next = TAILQ_FIRST(&runq);
	if (next != NULL)
		TAILQ_REMOVE(&runq, next, t_runq);
	else
		next = ci->ci_idlethread;
	if (next != prev) {
		if (giant)
			giant_exit();
		next->t_switches++;
		next->t_cpu = ci;
		ci->ci_nswitch++;
		ci->ci_curthread = next;
		asan_switch_begin(prev, next, &fake);
		md_ctx_switch(&prev->t_ctx, &next->t_ctx);
		asan_switch_end(fake);
		/* Back in prev, on whichever CPU picked it. */
		ci = curcpu();
		ci->ci_mtx_oldipl = ipl;
	}
	mtx_leave(&sched_lock);
	if (giant && next != prev)
		giant_enter();
}

/* Wake one idle CPU other than this one, if any is halted. */
static void
sched_kick(void)
{
	struct cpu_info *self = curcpu(), *ci;
	int i;

	for (i = 0; i < ncpu; i++) {
		ci = &cpu_info[i];
		if (ci != self && ci->ci_idling) {
			ci->ci_idling = 0;
			md_cpu_wake(ci);
			return;
		}
	}
}

/*
 * Put td on the run queue.  Called with sched_lock held.  Another CPU
 * is woken for it unless this CPU is idle and the queue was empty: an
 * interrupt that lands on an idle CPU (the NIC's, the clock's) returns
 * to the idle loop, which takes the thread at once, and an IPI to a
 * halted CPU (under MTTCG a host thread to wake) would cost more than
 * the thread's work; netintr so runs where its interrupt landed.
 */
void
setrunnable(struct thread *td)
{
	struct cpu_info *self = curcpu();
	bool alone;

	MUTEX_ASSERT_LOCKED(&sched_lock);
	td->t_state = TS_RUN;
	td->t_wchan = NULL;
	alone = TAILQ_EMPTY(&runq);
	TAILQ_INSERT_TAIL(&runq, td, t_runq);
	if (ncpu > 1 && !(alone && self->ci_curthread == self->ci_idlethread))
		sched_kick();
}

/*
 * The idle loop runs masked (at IPL_HIGH) and without the big lock;
 * it halts with interrupts open only inside md_idle.  ci_idling is set
 * under sched_lock after the last look at the run queue, so a thread
 * made runnable after that look finds it set and sends the IPI, which
 * md_idle's "sti; hlt" takes even if it arrives before the hlt.
 */
void
sched_idle_loop(void)
{
	struct cpu_info *ci = curcpu();

	md_intr_disable();
	ci->ci_ipl = IPL_HIGH;
	for (;;) {
		mtx_enter(&sched_lock);
		if (!TAILQ_EMPTY(&runq)) {
			mi_switch();
			continue;
		}
		if (!md_async_interrupts && callout_count() == 0)
			panic("idle: every thread is asleep and no "
			    "timeout is pending (deadlock)");
		ci->ci_idling = 1;
		mtx_leave(&sched_lock);
		ci->ci_nidle++;
		md_idle();
		ci->ci_idling = 0;
	}
}

void
yield(void)
{
	struct thread *td = curthread;

	if (in_interrupt())
		panic("yield: called from interrupt context (caller %p)",
		    __builtin_return_address(0));
	mtx_enter(&sched_lock);
	if (td != curcpu()->ci_idlethread) {
		TAILQ_INSERT_TAIL(&runq, td, t_runq);
		if (ncpu > 1)
			sched_kick();	/* an idle CPU may take it */
	}
	mi_switch();
}

/* A new thread's first instructions: mi_switch's second half. */
static void
thread_trampoline(void)
{
	struct thread *td = curthread;

	asan_switch_end(NULL);
	curcpu()->ci_mtx_oldipl = IPL_NONE;
	mtx_leave(&sched_lock);		/* and unmask */
	td->t_func(td->t_arg);
	kthread_exit();
}

struct thread *
kthread_create(void (*func)(void *), void *arg, const char *name)
{
	int flags = cansleep() ? M_WAITOK : M_NOWAIT;
	struct thread *td;

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
	mtx_enter(&sched_lock);
	thread_setup(td, name);
	TAILQ_INSERT_TAIL(&runq, td, t_runq);
	if (ncpu > 1)
		sched_kick();
	mtx_leave(&sched_lock);
	return (td);
}

static void wakeup_locked(const void *, int);

void
kthread_exit(void)
{
	struct thread *td = curthread;

	KASSERTMSG(td != &thread0 && td != curcpu()->ci_idlethread,
	    "kthread_exit: thread %s may not exit", td->t_name);
	mtx_enter(&sched_lock);
	td->t_state = TS_ZOMB;
	wakeup_locked(td, -1);
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

static bool
is_idlethread(const struct thread *td)
{
	int i;

	for (i = 0; i < ncpu; i++)
		if (cpu_info[i].ci_idlethread == td)
			return (true);
	return (false);
}

/*
 * Sleep on ident: called with sched_lock held, returns with it
 * released; true when the timeout (timo ticks, none when 0) ended it.
 */
static bool
sleepq_block(const void *ident, const char *wmesg, int timo)
{
	struct thread *td = curthread;
	bool timedout;

	td->t_wchan = ident;
	td->t_wmesg = wmesg;
	td->t_timedout = 0;
	td->t_state = TS_SLEEP;
	TAILQ_INSERT_TAIL(&slpq[SLPQ_HASH(ident)], td, t_runq);
	if (timo > 0)
		callout_reset(&td->t_sleepto, timo);
	mi_switch();
	/* callout_stop waits for an endtsleep running on another CPU. */
	if (timo > 0)
		callout_stop(&td->t_sleepto);
	timedout = td->t_timedout != 0;
	td->t_wmesg = NULL;
	return (timedout);
}

/*
 * Wait for td to exit, then free it.  Joining a thread that was joined
 * already (and so freed), or one another thread is joining, panics:
 * both would free it twice.  The first check reads only the list of
 * threads, never *td, which may be freed memory.  The zombie's CPU
 * has switched away from it before sched_lock lets the joiner see
 * TS_ZOMB, so its stack is free to go.
 */
void
kthread_join(struct thread *td)
{
	if (in_interrupt())
		panic("kthread_join: called from interrupt context");
	mtx_enter(&sched_lock);
	if (!thread_exists(td)) {
		mtx_leave(&sched_lock);
		panic("kthread_join: %p is not a thread (joined twice?)",
		    (void *)td);
	}
	if (td->t_joiner != NULL) {
		mtx_leave(&sched_lock);
		panic("kthread_join: %s is already being joined by %s",
		    td->t_name, td->t_joiner->t_name);
	}
	if (td == curthread || td == &thread0 || is_idlethread(td)) {
		mtx_leave(&sched_lock);
		panic("kthread_join: %s may not be joined%s", td->t_name,
		    td == curthread ? " by itself" : "");
	}
	td->t_joiner = curthread;
	while (td->t_state != TS_ZOMB) {
		(void)sleepq_block(td, "join", 0);
		mtx_enter(&sched_lock);
	}
	LIST_REMOVE(td, t_all);
	mtx_leave(&sched_lock);
	free(td->t_stack, M_THREAD);
	free(td, M_THREAD);
}

int
tsleep(const void *ident, int priority, const char *wmesg, int timo)
{
	struct cpu_info *ci = curcpu();

	(void)priority;
	if (in_interrupt())
		panic("tsleep(\"%s\") called from interrupt context", wmesg);
	KASSERTMSG(ci->ci_curthread != ci->ci_idlethread,
	    "tsleep: the idle thread may not sleep");
	if (ci->ci_mtx_count != 0)
		panic("tsleep(\"%s\") with %d spin mutexes held on cpu%u",
		    wmesg, ci->ci_mtx_count, ci->ci_index);
	mtx_enter(&sched_lock);
	return (sleepq_block(ident, wmesg, timo) ? EWOULDBLOCK : 0);
}

/*
 * tsleep with an interlock: mtx, the only spin mutex the caller holds,
 * is released only once the thread is on its sleep queue under
 * sched_lock, so a wakeup issued by a holder of mtx after the caller's
 * check is not lost; mtx is held again on return.
 */
int
msleep(const void *ident, struct mutex *mtx, int priority, const char *wmesg,
    int timo)
{
	struct cpu_info *ci = curcpu();
	bool timedout;

	(void)priority;
	if (in_interrupt())
		panic("msleep(\"%s\") called from interrupt context", wmesg);
	if (!mtx_owned(mtx) || ci->ci_mtx_count != 1)
		panic("msleep(\"%s\"): %s must be the only spin mutex held "
		    "(cpu%u holds %d)", wmesg, mtx->mtx_name, ci->ci_index,
		    ci->ci_mtx_count);
	KASSERTMSG(ci->ci_curthread != ci->ci_idlethread,
	    "msleep: the idle thread may not sleep");
	mtx_enter(&sched_lock);
	mtx_leave(mtx);
	timedout = sleepq_block(ident, wmesg, timo);
	mtx_enter(mtx);
	return (timedout ? EWOULDBLOCK : 0);
}

static void
endtsleep(void *arg)
{
	struct thread *td = arg;

	mtx_enter(&sched_lock);
	if (td->t_state == TS_SLEEP) {
		TAILQ_REMOVE(&slpq[SLPQ_HASH(td->t_wchan)], td, t_runq);
		td->t_timedout = 1;
		setrunnable(td);
	}
	mtx_leave(&sched_lock);
}

static void
wakeup_locked(const void *ident, int n)
{
	struct threadq *q = &slpq[SLPQ_HASH(ident)];
	struct thread *td, *ntd;

	TAILQ_FOREACH_SAFE(td, q, t_runq, ntd) {
		if (td->t_wchan != ident)
			continue;
		TAILQ_REMOVE(q, td, t_runq);
		setrunnable(td);
		if (--n == 0)
			break;
	}
}

void
wakeup(const void *ident)
{
	mtx_enter(&sched_lock);
	wakeup_locked(ident, -1);
	mtx_leave(&sched_lock);
}

void
wakeup_one(const void *ident)
{
	mtx_enter(&sched_lock);
	wakeup_locked(ident, 1);
	mtx_leave(&sched_lock);
}

int
thread_count(void)
{
	struct thread *td;
	int n = 0;

	mtx_enter(&sched_lock);
	LIST_FOREACH(td, &allthreads, t_all)
		n++;
	mtx_leave(&sched_lock);
	return (n);
}

/* Printed under sched_lock, so no thread is freed under the walk. */
void
thread_print_all(void)
{
	static const char *states[] = { "?", "run", "sleep", "zombie" };
	struct thread *td;

	mtx_enter(&sched_lock);
	printf("%4s %-16s %-7s %-10s %3s %10s\n", "tid", "name", "state",
	    "wait", "cpu", "switches");
	LIST_FOREACH(td, &allthreads, t_all)
		printf("%4d %-16s %-7s %-10s %3d %10lu%s\n", td->t_tid,
		    td->t_name, states[td->t_state], td->t_wmesg != NULL ?
		    td->t_wmesg : "-", td->t_cpu != NULL ?
		    (int)td->t_cpu->ci_index : -1, td->t_switches,
		    td == curthread ? " *" : "");
	mtx_leave(&sched_lock);
}
