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
 * Bound threads (sched_bind, kthread_create_on; FreeBSD's sched_bind(9)
 * and NetBSD's kthread_create(9) with a cpu_info are the models) wait
 * on their CPU's own queue, boundq[], not on the shared one.  The other
 * choice, one queue that each CPU walks skipping what is bound
 * elsewhere, costs every CPU a walk past the others' threads on every
 * switch and wakes idle CPUs for threads they may not take; with a
 * queue per CPU the unbound path stays what it was plus one look at an
 * empty list, no CPU ever sees another's bound thread, and waking a
 * bound thread needs no choice: its CPU, with an IPI when that CPU is
 * halted and is not this one.  Every enqueue takes a ticket (t_runseq)
 * and mi_switch takes the older of the two heads, so the two queues
 * together stay first-in first-out on each CPU and a bound thread that
 * keeps yielding does not starve the shared queue there.
 *
 * Invariants: a thread is on a run queue iff it is TS_RUN and not
 * running; on its CPU's boundq iff also bound (t_bound), else on runq;
 * on a sleep queue iff TS_SLEEP; an idle thread is on no queue, is
 * never bound and runs only on its own CPU; a CPU takes threads only
 * from runq and its own boundq, so a bound thread runs only on
 * t_bound.  The queues, t_state, t_wchan, t_bound and the
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
static struct threadq boundq[MAXCPUS];	/* each CPU's bound threads */
static u_long runseq;			/* the last enqueue's ticket */
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
	for (i = 0; i < MAXCPUS; i++)
		TAILQ_INIT(&boundq[i]);
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

/* Something for ci to run: on the shared queue or on its own. */
static inline bool
sched_runnable(const struct cpu_info *ci)
{
	return (!TAILQ_EMPTY(&runq) || !TAILQ_EMPTY(&boundq[ci->ci_index]));
}

/*
 * Take the thread ci runs next off its queue: the older (by ticket) of
 * the shared queue's head and ci's own bound queue's head, or ci's
 * idle thread when both are empty.  Called with sched_lock held.
 */
static struct thread *
sched_choose(struct cpu_info *ci)
{
	struct threadq *bq = &boundq[ci->ci_index];
	struct thread *td = TAILQ_FIRST(&runq), *btd = TAILQ_FIRST(bq);

	if (btd != NULL &&
	    (td == NULL || (long)(btd->t_runseq - td->t_runseq) < 0)) {
		TAILQ_REMOVE(bq, btd, t_runq);
		return (btd);
	}
	if (td != NULL) {
		TAILQ_REMOVE(&runq, td, t_runq);
		return (td);
	}
	return (ci->ci_idlethread);
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
	next = sched_choose(ci);
#ifdef DIAGNOSTIC
	KASSERTMSG(next->t_bound == NULL || next->t_bound == ci,
	    "mi_switch: cpu%u took %s, bound to cpu%u", ci->ci_index,
	    next->t_name, next->t_bound->ci_index);
#endif
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
 * Queue a bound td on its CPU's queue, with a ticket, and wake that
 * CPU, with an IPI, when it is halted idle and is not this one (this
 * CPU, idle or not, finds it when what it runs stops).  Called with
 * sched_lock held; kept out of line, off the unbound path.
 */
static void __attribute__((noinline))
sched_enqueue_bound(struct thread *td)
{
	struct cpu_info *ci = td->t_bound;

	td->t_runseq = ++runseq;
	TAILQ_INSERT_TAIL(&boundq[ci->ci_index], td, t_runq);
	if (ci != curcpu() && ci->ci_idling) {
		ci->ci_idling = 0;
		md_cpu_wake(ci);
	}
}

/*
 * Queue td (TS_RUN, running nowhere) at the tail of the queue it
 * belongs on and wake a CPU that may run it: a bound one its own, an
 * unbound one another idle CPU when kick says so.  Called with
 * sched_lock held.
 */
static inline void
sched_enqueue(struct thread *td, bool kick)
{
	if (td->t_bound != NULL) {
		sched_enqueue_bound(td);
		return;
	}
	td->t_runseq = ++runseq;
	TAILQ_INSERT_TAIL(&runq, td, t_runq);
	if (kick && ncpu > 1)
		sched_kick();
}

/*
 * Put td on its run queue.  Called with sched_lock held.  Another CPU
 * is woken for an unbound td unless this CPU is idle and has nothing
 * queued: an interrupt that lands on an idle CPU (the NIC's, the
 * clock's) returns to the idle loop, which takes the thread at once,
 * and an IPI to a halted CPU (under MTTCG a host thread to wake) would
 * cost more than the thread's work; netintr so runs where its
 * interrupt landed, unless it is bound (netintr.cpu=, ifnet(9)).
 */
void
setrunnable(struct thread *td)
{
	struct cpu_info *self = curcpu();

	MUTEX_ASSERT_LOCKED(&sched_lock);
	td->t_state = TS_RUN;
	td->t_wchan = NULL;
	sched_enqueue(td, ncpu > 1 &&
	    (self->ci_curthread != self->ci_idlethread ||
	    sched_runnable(self)));
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
		if (sched_runnable(ci)) {
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
	if (td != curcpu()->ci_idlethread)
		sched_enqueue(td, true);	/* an idle CPU may take it */
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

/*
 * Is ci a CPU threads may be bound to: one of cpu_info[] that has
 * started (the boot CPU is, from the start)?  Reads no field of a ci
 * that is not in the table.
 */
static bool
cpu_bindable(const struct cpu_info *ci)
{
	uintptr_t off = (uintptr_t)ci - (uintptr_t)&cpu_info[0];
	u_int i;

	if (off % sizeof(cpu_info[0]) != 0)
		return (false);
	i = off / sizeof(cpu_info[0]);
	return (i < (u_int)ncpu && (i == 0 || cpu_info[i].ci_running));
}

static void
bind_check(const char *fn, const char *name, const struct cpu_info *ci)
{
	if (ci == NULL)
		panic("%s: thread %s bound to a NULL cpu_info "
		    "(sched_unbind unbinds)", fn, name);
	if (!cpu_bindable(ci))
		panic("%s: thread %s bound to %p, which is no running CPU "
		    "(%d running, cpu_info[0..%d])", fn, name, (const void *)ci,
		    ncpu, ncpu - 1);
}

static struct thread *
thread_create(struct cpu_info *ci, void (*func)(void *), void *arg,
    const char *name)
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
	td->t_bound = ci;
	sched_enqueue(td, true);
	mtx_leave(&sched_lock);
	return (td);
}

struct thread *
kthread_create(void (*func)(void *), void *arg, const char *name)
{
	return (thread_create(NULL, func, arg, name));
}

/* A thread bound to ci from its birth: it never runs elsewhere. */
struct thread *
kthread_create_on(struct cpu_info *ci, void (*func)(void *), void *arg,
    const char *name)
{
	bind_check("kthread_create_on", name, ci);
	return (thread_create(ci, func, arg, name));
}

/* Is td some CPU's running thread?  Called with sched_lock held. */
static bool
thread_oncpu(const struct thread *td)
{
	int i;

	for (i = 0; i < ncpu; i++)
		if (cpu_info[i].ci_curthread == td)
			return (true);
	return (false);
}

static bool is_idlethread(const struct thread *);

/*
 * Bind td to ci.  When td is the caller and runs elsewhere it moves at
 * once: it queues itself on ci's queue and switches, and returns
 * running on ci (FreeBSD's sched_bind).  A queued td moves to ci's
 * queue; a sleeping one goes there when woken; one running on another
 * CPU moves when it next stops.  Binding to a CPU that is not running
 * panics, before anything changed, naming the thread and the CPUs.
 */
void
sched_bind(struct thread *td, struct cpu_info *ci)
{
	struct cpu_info *self = curcpu();

	if (td == NULL)
		panic("sched_bind: NULL thread (curthread binds the caller)");
	bind_check("sched_bind", td->t_name, ci);
	if (td == curthread && ci != self) {
		if (in_interrupt())
			panic("sched_bind: the interrupted thread %s cannot "
			    "move from interrupt context", td->t_name);
		if (self->ci_mtx_count != 0)
			panic("sched_bind: %s would switch with %d spin "
			    "mutexes held on cpu%u", td->t_name,
			    self->ci_mtx_count, self->ci_index);
	}
	mtx_enter(&sched_lock);
	if (is_idlethread(td)) {
		mtx_leave(&sched_lock);
		panic("sched_bind: %s is an idle thread (never bound)",
		    td->t_name);
	}
	if (td == curthread) {
		td->t_bound = ci;
		if (ci == self) {
			mtx_leave(&sched_lock);
			return;
		}
		sched_enqueue(td, false);
		mi_switch();		/* back on ci, sched_lock released */
		return;
	}
	if (td->t_state == TS_RUN && !thread_oncpu(td)) {
		TAILQ_REMOVE(td->t_bound != NULL ?
		    &boundq[td->t_bound->ci_index] : &runq, td, t_runq);
		td->t_bound = ci;
		sched_enqueue(td, true);
	} else
		td->t_bound = ci;
	mtx_leave(&sched_lock);
}

/* td may run on every CPU again; queued, it moves to the shared queue. */
void
sched_unbind(struct thread *td)
{
	if (td == NULL)
		panic("sched_unbind: NULL thread (curthread unbinds the "
		    "caller)");
	mtx_enter(&sched_lock);
	if (td->t_bound != NULL && td->t_state == TS_RUN &&
	    !thread_oncpu(td)) {
		TAILQ_REMOVE(&boundq[td->t_bound->ci_index], td, t_runq);
		td->t_bound = NULL;
		sched_enqueue(td, true);
	} else
		td->t_bound = NULL;
	mtx_leave(&sched_lock);
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
	printf("%4s %-16s %-7s %-10s %3s %5s %10s\n", "tid", "name", "state",
	    "wait", "cpu", "bound", "switches");
	LIST_FOREACH(td, &allthreads, t_all)
		printf("%4d %-16s %-7s %-10s %3d %5d %10lu%s\n", td->t_tid,
		    td->t_name, states[td->t_state], td->t_wmesg != NULL ?
		    td->t_wmesg : "-", td->t_cpu != NULL ?
		    (int)td->t_cpu->ci_index : -1, td->t_bound != NULL ?
		    (int)td->t_bound->ci_index : -1, td->t_switches,
		    td == curthread ? " *" : "");
	mtx_leave(&sched_lock);
}
