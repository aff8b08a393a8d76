/*
 * tests/pthread/pt_mbport.c: the threads-as-CPUs port of the mbuf
 * module, mbuf_port(9): every function sys/mbuf_port.h declares, over
 * POSIX threads, each thread pt_run starts being one CPU.  With
 * include/machine/mbuf_port.h it is all the port; the module's files
 * (tests/port/modfiles.sh) are compiled unchanged against the kernel's
 * headers, this file against the C library's.
 *
 * What the module's per-CPU caches (kern/kern_mpipe.c, sys/mpipe.h)
 * assume, and how it holds here:
 *   - a cache is touched only "on" its CPU with that CPU's interrupts
 *     masked (mpipe_take, mpipe_put, and under mp_lock), or by an
 *     mbp_xcall function run "on" it.  mbp_intr_disable marks the CPU
 *     busy (pt_busy, its thread's nesting, not 0), and mbp_xcall runs
 *     fn in the caller's thread with pt_curcpu set to the target once
 *     the target is not busy and cannot become so (its pt_xreq set),
 *     so the two never overlap and fn sees the target's cache.  The
 *     fast path pays no atomic read-modify-write, no fence and no test
 *     of its own for this: the outermost mbp_intr_disable is a load
 *     and a store of pt_busy and a load of pt_xreq, mbp_intr_restore
 *     one store of what mbp_intr_disable returned, each one
 *     %fs-relative instruction; the cross-caller reaches the target's
 *     two words through pt_cpus (pc_busyp, pc_xreqp, changed only
 *     under pc_xlock, which it holds) and pays membarrier(2), which
 *     runs a full barrier on every running thread of the process (an
 *     asymmetric Dekker exclusion, the heavy side of folly's
 *     asymmetricHeavyBarrier): after it, either the caller sees the
 *     target busy or the target sees pt_xreq and steps back.  A
 *     thread that is no CPU has pt_xreq always set: its first
 *     mbp_intr_disable steps back into pt_excl_wait, which panics
 *     naming the mistake, and under DIAGNOSTIC mbp_cpu_index panics
 *     there too, so no index of -1 is used;
 *   - nothing the fast path writes shares a cache line with another
 *     CPU's: each of pt_cpus is a line, the thread-local
 *     words are the thread's, and mbp_malloc starts a block of a line
 *     or more on a line, as this kernel's malloc(9) does (the pipes'
 *     per-CPU caches are whole lines);
 *   - mbp_cpu_index is stable inside a masked section: a thread is its
 *     CPU for its whole life (no migration), except while it runs an
 *     xcall function, which calls no mbp_ function;
 *   - an xcall is answered by a CPU that waits for a lock (the seam's
 *     contract): every wait here (an mbp_lock, the big lock, a target
 *     of mbp_xcall) clears the waiter's own pt_busy until the wait is
 *     over, so two CPUs that cross-call each other, or one that holds
 *     a pipe's lock and calls a CPU waiting for it, make progress; a
 *     sleeping CPU is never busy;
 *   - a wakeup issued under the sleeper's lock is never lost: the
 *     sleeper enters the sleep queue (under pt_sq_mtx) before it
 *     releases the lock, and mbp_wakeup takes pt_sq_mtx.
 * pt_interrupt runs a function as an interrupt handler of the calling
 * CPU (masked, mbp_in_interrupt() true), for a device's refill.
 * mbp_splhigh and mbp_splnet take a big lock on the way up from level
 * 0 (the rest of the module's shared state, as this kernel's interim
 * big lock, smp(9)); counters are atomic adds, as this kernel's
 * counter_add on several CPUs; a per-CPU counter (mbp_pcpu_add) is
 * one add to memory without a lock prefix, as this kernel's.
 *
 * Invariants: at most one thread runs as a CPU with its interrupts
 * masked (its own with pt_busy not 0 and pt_xreq clear, or the one
 * cross-caller holding pc_xlock once pt_busy was seen clear); the big
 * lock is held exactly by the threads whose pt_ipl is not 0 (one);
 * a memory type's mt_inuse and mt_memuse are what it holds now;
 * MBP_NOWAIT never sleeps; MBP_WAITOK never returns NULL.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <malloc.h>
#include <sys/queue.h>
#include <sys/syscall.h>
#include <linux/membarrier.h>

#include <sys/mbuf_port.h>
#include "pt.h"

_Static_assert(EPERM == 1 && EEXIST == 17 && EINVAL == 22 &&
    ENOSPC == 28 && EWOULDBLOCK == EAGAIN && EAGAIN == 11 &&
    EMSGSIZE == 90 && ENOBUFS == 105, "machine/mbuf_port.h errno");

#define PT_HZ		100
#define PT_SPINS	64	/* pauses before a contended wait yields */
#define PT_LINE		64	/* a cache line */
_Static_assert(sizeof(struct pt_cpu) == PT_LINE, "struct pt_cpu is a line");

struct pt_cpu pt_cpus[MBP_MAXCPUS] __attribute__((aligned(64)));
unsigned int pt_ncpus = 1;
__thread int pt_curcpu PT_TLS = -1;
__thread int pt_busy PT_TLS;
__thread int pt_xreq PT_TLS = 1;	/* cleared while the thread is a CPU */
__thread int pt_ipl PT_TLS;
__thread int pt_intr_nest PT_TLS;

static int pt_biglock;			/* spl's lock, a test-and-set word */
static u_long pt_nxcalls, pt_nsleeps;

/* Sleepers, one record each on its thread's stack. */
struct pt_sleeper {
	const void		*ps_chan;
	int			 ps_woken;
	pthread_cond_t		 ps_cv;
	TAILQ_ENTRY(pt_sleeper)	 ps_link;
};
static TAILQ_HEAD(, pt_sleeper) pt_sleepq =
    TAILQ_HEAD_INITIALIZER(pt_sleepq);
static pthread_mutex_t pt_sq_mtx = PTHREAD_MUTEX_INITIALIZER;

static pthread_mutex_t pt_mt_mtx = PTHREAD_MUTEX_INITIALIZER;
static struct mbp_memtype *pt_mtlist;

static void
pt_pause(int *spins)
{
	if (++*spins < PT_SPINS)
		__builtin_ia32_pause();
	else {
		*spins = 0;
		sched_yield();
	}
}

/*
 * mbp_intr_disable found pt_xreq set, with old the nesting it found:
 * nested (old > 0), this CPU was busy already and the cross-caller
 * waits for it, so go on; on the way in from 0, step back.  One test
 * on the fast path (pt_xreq) instead of two.
 */
void
pt_excl_enter(int old)
{
	if (old == 0)
		pt_excl_wait(1);
}

/*
 * This CPU was found cross-called on its way into a masked section of
 * nesting n: step back (not busy) until the call is done, and try
 * again.
 */
void
pt_excl_wait(int n)
{
	int spins = 0;

	if (pt_curcpu < 0)
		pt_nocpu("mbp_intr_disable");
	do {
		__atomic_store_n(&pt_busy, 0, __ATOMIC_RELEASE);
		while (__atomic_load_n(&pt_xreq, __ATOMIC_ACQUIRE) != 0)
			pt_pause(&spins);
		__atomic_store_n(&pt_busy, n, __ATOMIC_RELAXED);
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	} while (__atomic_load_n(&pt_xreq, __ATOMIC_ACQUIRE) != 0);
}

void
pt_unbalanced(int s, int n)
{
	mbp_panic("mbp_intr_restore(%d) at nesting %d on cpu%d: not what the "
	    "innermost mbp_intr_disable returned (the pairs nest)", s, n,
	    pt_curcpu);
}

/*
 * A wait begins: a masked CPU lets cross-calls in (not busy); the
 * nesting to put back, 0 if unmasked.
 */
static int
pt_wait_begin(void)
{
	int n = pt_masked();

	if (n != 0)
		__atomic_store_n(&pt_busy, 0, __ATOMIC_RELEASE);
	return (n);
}

/* ... and ends: masked again, as on the way into a section. */
static void
pt_wait_end(int n)
{
	if (n == 0)
		return;
	__atomic_store_n(&pt_busy, n, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&pt_xreq, __ATOMIC_ACQUIRE) != 0)
		pt_excl_wait(n);
}

/* Take a test-and-set word, answering cross-calls while it waits. */
static void
pt_spin_acquire(int *word)
{
	int n, spins = 0;

	if (__atomic_exchange_n(word, 1, __ATOMIC_ACQUIRE) == 0)
		return;
	n = pt_wait_begin();
	while (__atomic_exchange_n(word, 1, __ATOMIC_ACQUIRE) != 0)
		pt_pause(&spins);
	pt_wait_end(n);
}

/* A full barrier on every running thread of this process. */
static void
pt_membarrier(void)
{
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0,
	    0) != 0)
		mbp_panic("membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED): %s",
		    strerror(errno));
}

void
pt_nocpu(const char *what)
{
	mbp_panic("%s: called from a thread that is no CPU (not started by "
	    "pt_run)", what);
}

/* Raise this thread's level; from 0 it takes the big lock first. */
int
pt_splraise(int ipl)
{
	int s = pt_ipl;

	if (pt_curcpu < 0)
		pt_nocpu("mbp_splhigh");
	if (s == 0)
		pt_spin_acquire(&pt_biglock);
	if (ipl > s)
		pt_ipl = ipl;
	return (s);
}

void
pt_splx(int s)
{
	if (s < 0 || s > PT_IPL_HIGH || (pt_ipl == 0 && s != 0))
		mbp_panic("mbp_splx(%d) at level %d: not a level "
		    "mbp_splhigh or mbp_splnet returned", s, pt_ipl);
	if (pt_ipl != 0 && s == 0) {
		pt_ipl = 0;
		__atomic_store_n(&pt_biglock, 0, __ATOMIC_RELEASE);
	} else
		pt_ipl = s;
}

void *
mbp_malloc(size_t size, struct mbp_memtype *type, int flags)
{
	void *p;

	if ((flags & MBP_WAITOK) && !mbp_cansleep())
		mbp_panic("mbp_malloc: MBP_WAITOK for %zu bytes of %s where "
		    "cpu%d cannot sleep (level %d, %d masked)", size,
		    type->mt_name, pt_curcpu, pt_ipl, pt_masked());
	/*
	 * As this kernel's malloc(9), whose power-of-two buckets align a
	 * block to its size: a block of a line or more starts on a line,
	 * so that per-CPU slots laid out in lines (struct mpipe_cache)
	 * share none (the C library aligns to 16 bytes only).
	 */
	if (size > 0 && size % 4096 == 0)
		p = aligned_alloc(4096, size);
	else if (size >= PT_LINE)
		p = aligned_alloc(PT_LINE, roundup(size, PT_LINE));
	else
		p = malloc(size > 0 ? size : 1);
	if (p == NULL) {
		if (flags & MBP_WAITOK)
			mbp_panic("mbp_malloc: the host has no %zu bytes for %s",
			    size, type->mt_name);
		__atomic_fetch_add(&type->mt_fails, 1, __ATOMIC_RELAXED);
		return (NULL);
	}
	if (flags & MBP_ZERO)
		memset(p, 0, size);
	__atomic_fetch_add(&type->mt_inuse, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&type->mt_memuse, (long)malloc_usable_size(p),
	    __ATOMIC_RELAXED);
	__atomic_fetch_add(&type->mt_calls, 1, __ATOMIC_RELAXED);
	return (p);
}

void
mbp_free(void *addr, struct mbp_memtype *type)
{
	if (addr == NULL)
		return;
	if (__atomic_sub_fetch(&type->mt_inuse, 1, __ATOMIC_RELAXED) < 0)
		mbp_panic("mbp_free: %p: type %s has nothing allocated", addr,
		    type->mt_name);
	__atomic_fetch_sub(&type->mt_memuse, (long)malloc_usable_size(addr),
	    __ATOMIC_RELAXED);
	free(addr);
}

void
mbp_memtype_init(struct mbp_memtype *type)
{
	pthread_mutex_lock(&pt_mt_mtx);
	if (!type->mt_attached) {
		type->mt_attached = 1;
		type->mt_next = pt_mtlist;
		pt_mtlist = type;
	}
	pthread_mutex_unlock(&pt_mt_mtx);
}

const char *
mbp_memtype_name(const struct mbp_memtype *type)
{
	return (type->mt_name != NULL ? type->mt_name : "?");
}

struct mbp_memtype *
pt_memtypes(void)
{
	struct mbp_memtype *l;

	pthread_mutex_lock(&pt_mt_mtx);
	l = pt_mtlist;
	pthread_mutex_unlock(&pt_mt_mtx);
	return (l);
}

void
mbp_lock_init(struct mbp_lock *lk, const char *name)
{
	lk->ml_word = 0;
	lk->ml_owner = 0;
	lk->ml_name = name;
}

void
mbp_lock_enter(struct mbp_lock *lk)
{
	int me;

	(void)mbp_intr_disable();
	me = pt_curcpu + 1;
	if (__atomic_load_n(&lk->ml_owner, __ATOMIC_RELAXED) == me)
		mbp_panic("mbp_lock_enter: lock %s is already held by cpu%d",
		    lk->ml_name, me - 1);
	pt_spin_acquire(&lk->ml_word);
	__atomic_store_n(&lk->ml_owner, me, __ATOMIC_RELAXED);
}

void
mbp_lock_exit(struct mbp_lock *lk)
{
	int s;

	if (__atomic_load_n(&lk->ml_owner, __ATOMIC_RELAXED) !=
	    pt_curcpu + 1)
		mbp_panic("mbp_lock_exit: lock %s is not held by cpu%d",
		    lk->ml_name, pt_curcpu);
	__atomic_store_n(&lk->ml_owner, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&lk->ml_word, 0, __ATOMIC_RELEASE);
	/* One less, not a level: locks are released in any order. */
	s = pt_masked();
	if (s <= 0)
		pt_unbalanced(s - 1, s);
	mbp_intr_restore(s - 1);
}

/*
 * Run fn(arg) as CPU cpu: this thread announces the call (its pt_xreq),
 * makes every thread pass a barrier, waits until the target is not
 * busy (outside its masked sections, or waiting for a lock, or asleep;
 * it cannot become busy again while its pt_xreq is set), and sets
 * pt_curcpu to it while fn runs.
 */
void
mbp_xcall(u_int cpu, void (*fn)(void *), void *arg)
{
	struct pt_cpu *tc;
	int *busyp, *xreqp, me = pt_curcpu, n, s, spins = 0;

	if (me < 0)
		pt_nocpu("mbp_xcall");
	if (cpu >= mbp_ncpu())
		return;
	if ((int)cpu == me) {
		s = mbp_intr_disable();
		fn(arg);
		mbp_intr_restore(s);
		return;
	}
	tc = &pt_cpus[cpu];
	pt_spin_acquire(&tc->pc_xlock);
	busyp = tc->pc_busyp;
	xreqp = tc->pc_xreqp;
	__atomic_store_n(xreqp, 1, __ATOMIC_RELAXED);
	pt_membarrier();
	if (__atomic_load_n(busyp, __ATOMIC_ACQUIRE) != 0) {
		n = pt_wait_begin();
		while (__atomic_load_n(busyp, __ATOMIC_ACQUIRE) != 0)
			pt_pause(&spins);
		pt_wait_end(n);
	}
	pt_curcpu = (int)cpu;
	fn(arg);
	pt_curcpu = me;
	__atomic_store_n(xreqp, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&tc->pc_xlock, 0, __ATOMIC_RELEASE);
	__atomic_fetch_add(&pt_nxcalls, 1, __ATOMIC_RELAXED);
}

int
mbp_lock_sleep(struct mbp_lock *lk, const void *chan, const char *wmesg,
    int timo)
{
	struct pt_sleeper ps;
	struct timespec ts;
	int r = 0;

	if (__atomic_load_n(&lk->ml_owner, __ATOMIC_RELAXED) !=
	    pt_curcpu + 1 || pt_masked() != 1 || pt_ipl != 0)
		mbp_panic("mbp_lock_sleep(%s): cpu%d must hold lock %s alone "
		    "at level 0 (level %d, %d masked)", wmesg, pt_curcpu,
		    lk->ml_name, pt_ipl, pt_masked());
	ps.ps_chan = chan;
	ps.ps_woken = 0;
	pthread_cond_init(&ps.ps_cv, NULL);
	if (timo > 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)timo * (1000000000L / PT_HZ);
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
	}
	pthread_mutex_lock(&pt_sq_mtx);
	TAILQ_INSERT_TAIL(&pt_sleepq, &ps, ps_link);
	/* Queued: now the lock and this CPU's word may go. */
	mbp_lock_exit(lk);
	__atomic_fetch_add(&pt_nsleeps, 1, __ATOMIC_RELAXED);
	while (!ps.ps_woken && r == 0) {
		if (timo > 0)
			r = pthread_cond_timedwait(&ps.ps_cv, &pt_sq_mtx, &ts);
		else
			r = pthread_cond_wait(&ps.ps_cv, &pt_sq_mtx);
	}
	if (!ps.ps_woken)
		TAILQ_REMOVE(&pt_sleepq, &ps, ps_link);
	r = ps.ps_woken ? 0 : EWOULDBLOCK;
	pthread_mutex_unlock(&pt_sq_mtx);
	pthread_cond_destroy(&ps.ps_cv);
	mbp_lock_enter(lk);
	return (r);
}

void
mbp_wakeup(const void *chan)
{
	struct pt_sleeper *ps, *next;

	pthread_mutex_lock(&pt_sq_mtx);
	for (ps = TAILQ_FIRST(&pt_sleepq); ps != NULL; ps = next) {
		next = TAILQ_NEXT(ps, ps_link);
		if (ps->ps_chan != chan)
			continue;
		TAILQ_REMOVE(&pt_sleepq, ps, ps_link);
		ps->ps_woken = 1;
		pthread_cond_signal(&ps->ps_cv);
	}
	pthread_mutex_unlock(&pt_sq_mtx);
}

void
mbp_panic(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "panic: cpu%d: %s\n", pt_curcpu, msg);
	fflush(stdout);
	abort();
}

int
mbp_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
	return (n);
}

int
mbp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return (vsnprintf(buf, size, fmt, ap));
}

int
mbp_hz(void)
{
	return (PT_HZ);
}

/* Tunables: what the program set before mbinit. */
static struct {
	const char	*t_name;
	long		 t_val;
} pt_tunables[8];

void
pt_set_tunable(const char *name, long val)
{
	size_t i;

	for (i = 0; i < nitems(pt_tunables); i++) {
		if (pt_tunables[i].t_name == NULL ||
		    strcmp(pt_tunables[i].t_name, name) == 0) {
			pt_tunables[i].t_name = name;
			pt_tunables[i].t_val = val;
			return;
		}
	}
	mbp_panic("pt_set_tunable: no room for %s", name);
}

bool
mbp_tunable(const char *name, long *valp)
{
	size_t i;

	for (i = 0; i < nitems(pt_tunables); i++) {
		if (pt_tunables[i].t_name != NULL &&
		    strcmp(pt_tunables[i].t_name, name) == 0) {
			*valp = pt_tunables[i].t_val;
			return (true);
		}
	}
	return (false);
}

/* ---- starting CPUs ---------------------------------------------- */

static pthread_barrier_t pt_bar;

struct pt_start {
	int	  ps_cpu;
	void	(*ps_fn)(int, void *);
	void	 *ps_arg;
};

/*
 * This thread becomes CPU cpu (or stops being it, attach false): its
 * two words take the place of pc_idle, under pc_xlock so that no
 * cross-call is between its reads of the pointers.
 */
static void
pt_attach(int cpu, bool attach)
{
	struct pt_cpu *pc = &pt_cpus[cpu];

	pt_spin_acquire(&pc->pc_xlock);
	if (attach) {
		pt_curcpu = cpu;
		__atomic_store_n(&pt_xreq, 0, __ATOMIC_RELAXED);
		pc->pc_busyp = &pt_busy;
		pc->pc_xreqp = &pt_xreq;
	} else {
		pc->pc_busyp = &pc->pc_idle[0];
		pc->pc_xreqp = &pc->pc_idle[1];
		__atomic_store_n(&pt_xreq, 1, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&pc->pc_xlock, 0, __ATOMIC_RELEASE);
}

void
pt_init(void)
{
	int i;

	if (syscall(SYS_membarrier,
	    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) != 0)
		mbp_panic("pt_init: membarrier(2) cannot register (Linux 4.14 "
		    "or later is needed for mbp_xcall): %s", strerror(errno));
	for (i = 0; i < MBP_MAXCPUS; i++) {
		pt_cpus[i].pc_busyp = &pt_cpus[i].pc_idle[0];
		pt_cpus[i].pc_xreqp = &pt_cpus[i].pc_idle[1];
	}
	pt_attach(0, true);
	pt_ncpus = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void *
pt_cpu_main(void *v)
{
	struct pt_start *st = v;

	if (st->ps_cpu != 0)
		pt_attach(st->ps_cpu, true);
	st->ps_fn(st->ps_cpu, st->ps_arg);
	if (pt_masked() != 0 || pt_ipl != 0)
		mbp_panic("cpu%d returned with %d masked at level %d",
		    pt_curcpu, pt_masked(), pt_ipl);
	if (st->ps_cpu != 0)
		pt_attach(st->ps_cpu, false);
	return (NULL);
}

/* CPUs 1 .. ncpu-1 are new threads; CPU 0 is the caller. */
void
pt_run(int ncpu, void (*fn)(int, void *), void *arg)
{
	pthread_t td[MBP_MAXCPUS];
	struct pt_start st[MBP_MAXCPUS];
	int i;

	if (ncpu < 1 || ncpu > MBP_MAXCPUS || pt_curcpu != 0)
		mbp_panic("pt_run: %d CPUs (1..%d), from cpu0 only", ncpu,
		    MBP_MAXCPUS);
	pthread_barrier_init(&pt_bar, NULL, (unsigned)ncpu);
	__atomic_store_n(&pt_ncpus, (unsigned)ncpu, __ATOMIC_RELAXED);
	for (i = 0; i < ncpu; i++) {
		st[i].ps_cpu = i;
		st[i].ps_fn = fn;
		st[i].ps_arg = arg;
		if (i > 0 && pthread_create(&td[i], NULL, pt_cpu_main,
		    &st[i]) != 0)
			mbp_panic("pt_run: cannot start cpu%d", i);
	}
	pt_cpu_main(&st[0]);
	pt_curcpu = 0;
	for (i = 1; i < ncpu; i++)
		pthread_join(td[i], NULL);
	__atomic_store_n(&pt_ncpus, 1, __ATOMIC_RELAXED);
	pthread_barrier_destroy(&pt_bar);
}

struct pt_nocpu_start {
	void	(*pn_fn)(void *);
	void	 *pn_arg;
};

static void *
pt_nocpu_main(void *v)
{
	struct pt_nocpu_start *pn = v;

	pn->pn_fn(pn->pn_arg);
	return (NULL);
}

/* fn(arg) in a new thread that is no CPU (pt_curcpu -1, pt_xreq set). */
void
pt_run_nocpu(void (*fn)(void *), void *arg)
{
	struct pt_nocpu_start pn = { fn, arg };
	pthread_t td;

	if (pthread_create(&td, NULL, pt_nocpu_main, &pn) != 0)
		mbp_panic("pt_run_nocpu: cannot start a thread");
	pthread_join(td, NULL);
}

/*
 * An "interrupt" on this CPU: fn runs now, masked, with
 * mbp_in_interrupt() true, as a device's handler would.
 */
void
pt_interrupt(void (*fn)(void *), void *arg)
{
	int s;

	s = mbp_intr_disable();
	pt_intr_nest++;
	fn(arg);
	pt_intr_nest--;
	mbp_intr_restore(s);
}

void
pt_barrier(void)
{
	pthread_barrier_wait(&pt_bar);
}

uint64_t
pt_nsec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

void
pt_yield(void)
{
	sched_yield();
}

static int pt_wd_secs;
static const char *pt_wd_what;

static void *
pt_wd_main(void *v)
{
	(void)v;
	sleep((unsigned)pt_wd_secs);
	fprintf(stderr, "pt: watchdog: %s did not finish in %d s (a hang)\n",
	    pt_wd_what, pt_wd_secs);
	fflush(stdout);
	_exit(3);
}

/* Leave the process with status 3 if it is still running in secs. */
void
pt_watchdog(int secs, const char *what)
{
	pthread_t td;

	pt_wd_secs = secs;
	pt_wd_what = what;
	if (pthread_create(&td, NULL, pt_wd_main, NULL) == 0)
		pthread_detach(td);
}

void
pt_exit(int status)
{
	fflush(stdout);
	exit(status);
}

u_long
pt_xcalls(void)
{
	return (__atomic_load_n(&pt_nxcalls, __ATOMIC_RELAXED));
}

u_long
pt_sleeps(void)
{
	return (__atomic_load_n(&pt_nsleeps, __ATOMIC_RELAXED));
}

bool
pt_getenv_long(const char *name, long *valp)
{
	const char *v = getenv(name);
	char *end;

	if (v == NULL || *v == '\0')
		return (false);
	*valp = strtol(v, &end, 10);
	return (*end == '\0');
}
