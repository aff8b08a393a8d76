/*
 * smp_test.c: self-tests of the multiprocessor kernel, suite "smp".
 *
 * Each runs on whatever CPUs the machine has: with one (the host build,
 * QEMU -smp 1) the checks that need a second CPU are skipped or reduce
 * to the one-CPU case; with several (tests/suite-22-qemu-smp.sh runs
 * them at -smp 2, and they pass at -smp 4) they check that every CPU
 * runs threads, that a spin mutex excludes every CPU and interrupt,
 * that sleep and wakeup lose nothing across CPUs, that callouts fire
 * while every CPU is busy, that an IPI wakes a halted CPU, and that
 * mbufs allocated on one CPU and freed on another keep every pipe's
 * books, and that the mbuf module works on one CPU while another holds
 * the big lock.  Loops are bounded in iterations (the host's clock advances
 * only when every thread waits) and yield, so they cannot hang one CPU.
 * smp.panic_on_cpu1 runs only when named: its panic must stop the
 * machine and name the CPU (tests/suite-22-qemu-smp.sh).
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
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/os_mbuf.h>
#include <sys/selftest.h>

#define SMP_NTHREADS	8	/* at least as many threads as CPUs */

static int
smp_nthreads(void)
{
	return (MIN(SMP_NTHREADS, MAX(2, 2 * ncpu)));
}

/* Wait (bounded) until n threads reached the barrier, then go on. */
static void
smp_barrier(volatile int *count, int n)
{
	long spins;

	__atomic_fetch_add(count, 1, __ATOMIC_ACQ_REL);
	for (spins = 0; *count < n && spins < 1000000; spins++)
		if ((spins & 63) == 63)
			yield();
}

/* ---- every CPU came up and runs threads ------------------------- */

static volatile u_int seen_mask;
static volatile int seen_stop;

static void
seen_thread(void *arg)
{
	long i;

	for (i = 0; i < 200000 && !seen_stop; i++) {
		__atomic_fetch_or(&seen_mask, 1u << cpu_number(),
		    __ATOMIC_RELAXED);
		if (seen_mask == (1u << ncpu) - 1)
			break;
		if ((i & 255) == 255)
			yield();
	}
}

SELFTEST(smp, every_cpu_runs_threads)
{
	struct thread *td[SMP_NTHREADS];
	int i, n = smp_nthreads();

	for (i = 0; i < ncpu; i++) {
		ST_ASSERT_EQ(cpu_info[i].ci_index, i);
		ST_ASSERT(cpu_info[i].ci_self == &cpu_info[i]);
		ST_ASSERT(i == 0 || cpu_info[i].ci_running);
		ST_ASSERT(cpu_info[i].ci_idlethread != NULL);
	}
	seen_mask = 0;
	seen_stop = 0;
	for (i = 0; i < n; i++)
		td[i] = kthread_create(seen_thread, NULL, "seen");
	for (i = 0; i < n; i++)
		kthread_join(td[i]);
	printf("# %d CPUs, threads seen on mask 0x%x\n", ncpu, seen_mask);
	ST_ASSERT_EQ(seen_mask, (1u << ncpu) - 1);
}

/* ---- spin mutex: mutual exclusion under contention -------------- */

#define MTX_ITERS	20000

static struct {
	struct mutex	 mtx;
	volatile long	 count;		/* changed only under mtx */
	volatile long	 intr_count;	/* by the callout, under mtx */
	volatile int	 ready;
	volatile int	 stop;
	volatile int	 bad_ipl;	/* level not IPL_HIGH inside */
	int		 n;
	struct callout	 co;
} mt;

static void
mtx_tick(void *arg)
{
	mtx_enter(&mt.mtx);
	mt.intr_count++;
	mt.count++;
	mtx_leave(&mt.mtx);
	if (!mt.stop)
		callout_reset(&mt.co, 1);
}

static void
mtx_thread(void *arg)
{
	long v;
	int i, k;

	smp_barrier(&mt.ready, mt.n);
	for (i = 0; i < MTX_ITERS; i++) {
		mtx_enter(&mt.mtx);
		if (curipl() != IPL_HIGH)
			mt.bad_ipl++;
		v = mt.count;		/* a torn update shows as a loss */
		for (k = 0; k < 20; k++)
			__asm volatile("" : : : "memory");
		mt.count = v + 1;
		mtx_leave(&mt.mtx);
		if ((i & 1023) == 1023 && !md_async_interrupts)
			tsleep(&mt, 0, "mtxnap", 1);	/* the clock ticks */
	}
}

SELFTEST(smp, mutex_excludes_cpus_and_interrupts)
{
	struct thread *td[SMP_NTHREADS];
	int i;

	memset(&mt, 0, sizeof(mt));
	mtx_init(&mt.mtx, "smptest");
	mt.n = smp_nthreads();
	callout_init(&mt.co, mtx_tick, NULL);
	callout_reset(&mt.co, 1);
	for (i = 0; i < mt.n; i++)
		td[i] = kthread_create(mtx_thread, NULL, "mtxtest");
	for (i = 0; i < mt.n; i++)
		kthread_join(td[i]);
	tsleep(&mt, 0, "mtxlast", 2);	/* at least one tick's callout */
	mt.stop = 1;
	(void)callout_stop(&mt.co);
	printf("# mutex: %d threads x %d, %ld by the callout, %lu "
	    "contended entries\n", mt.n, MTX_ITERS, mt.intr_count,
	    mt.mtx.mtx_contended);
	ST_ASSERT(mt.intr_count > 0);
	ST_ASSERT_EQ(mt.count, (long)mt.n * MTX_ITERS + mt.intr_count);
	ST_ASSERT_EQ(mt.bad_ipl, 0);
	ST_ASSERT(mt.mtx.mtx_owner == NULL);
	ST_ASSERT_EQ(mt.mtx.mtx_lock, 0);
	ST_ASSERT_EQ(curcpu()->ci_mtx_count, 0);
	ST_ASSERT_EQ(curipl(), IPL_NONE);
}

static struct mutex misuse_mtx = MUTEX_INITIALIZER("misuse");

static void
mtx_twice(void *arg)
{
	mtx_enter(&misuse_mtx);
	mtx_enter(&misuse_mtx);
}

static void
mtx_leave_unheld(void *arg)
{
	mtx_leave(&misuse_mtx);
}

static void
mtx_sleep_held(void *arg)
{
	mtx_enter(&misuse_mtx);
	tsleep(&misuse_mtx, 0, "bad", 1);
}

/*
 * Taking a mutex this CPU holds, leaving one it does not hold, and
 * sleeping with one held each panic naming the mutex or the mistake
 * (NetBSD kern_mutex.c's "locking against myself" is the model).
 */
SELFTEST(smp, mutex_misuse_panics)
{
	struct panic_catch pc;

	ST_ASSERT(selftest_panics(mtx_twice, NULL, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "mtx_enter: misuse already held"));
	ST_ASSERT(mtx_owned(&misuse_mtx));
	mtx_leave(&misuse_mtx);
	ST_ASSERT(!mtx_owned(&misuse_mtx));

	ST_ASSERT(selftest_panics(mtx_leave_unheld, NULL, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "mtx_leave: misuse not held"));

	ST_ASSERT(selftest_panics(mtx_sleep_held, NULL, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "with 1 spin mutexes held"));
	mtx_leave(&misuse_mtx);
	ST_ASSERT_EQ(curcpu()->ci_mtx_count, 0);
	ST_ASSERT_EQ(curipl(), IPL_NONE);
	ST_ASSERT(mtx_enter_try(&misuse_mtx));
	mtx_leave(&misuse_mtx);
}

/* ---- tsleep/wakeup ping-pong across CPUs ------------------------ */

#define PP_ROUNDS	2000

static struct {
	int		 turn;
	int		 timeouts;	/* a lost wakeup shows as one */
	int		 seen[2];
	u_int		 cpu[2];	/* where each side ran last */
	int		 crossings;	/* rounds the sides were apart */
} xp;

/*
 * Stay busy a moment after the wakeup, so that the other side, if it
 * runs at all in that time, runs on another CPU (the one its wakeup's
 * IPI woke); otherwise this CPU would take it at its own next tsleep.
 */
static void
xp_linger(void)
{
	uint64_t t0 = md_nanotime();

	if (ncpu > 1)
		while (md_nanotime() - t0 < 200000)	/* 200 us */
			__asm volatile("" : : : "memory");
}

static void
xp_side(int me)
{
	int i, s;

	for (i = 0; i < PP_ROUNDS; i++) {
		s = splhigh();
		while (xp.turn != me)
			if (tsleep(&xp, 0, "xpong", hz) == EWOULDBLOCK)
				xp.timeouts++;
		xp.cpu[me] = cpu_number();
		if (xp.cpu[me] != xp.cpu[!me])
			xp.crossings++;
		xp.seen[me]++;
		xp.turn = !me;
		wakeup(&xp);
		splx(s);
		xp_linger();
	}
}

static void
xp_thread(void *arg)
{
	xp_side(1);
}

SELFTEST(smp, sleep_wakeup_across_cpus)
{
	struct thread *td;

	memset(&xp, 0, sizeof(xp));
	td = kthread_create(xp_thread, NULL, "xpong");
	xp_side(0);
	kthread_join(td);
	printf("# ping-pong: %d rounds, %d with the sides on different "
	    "CPUs\n", PP_ROUNDS, xp.crossings);
	ST_ASSERT_EQ(xp.seen[0], PP_ROUNDS);
	ST_ASSERT_EQ(xp.seen[1], PP_ROUNDS);
	ST_ASSERT_EQ(xp.timeouts, 0);
	if (ncpu > 1)
		ST_ASSERT(xp.crossings > 0);
}

/* ---- callouts fire while every CPU is busy ---------------------- */

#define CO_N		8

static struct {
	struct callout	 co[CO_N];
	uint64_t	 due[CO_N];
	uint64_t	 fired[CO_N];
	int		 intr[CO_N];
	volatile int	 nfired;
	volatile int	 stop;
	volatile int	 ready;
	volatile long	 spins;
} cb;

static void
cb_fire(void *arg)
{
	int i = (int)(intptr_t)arg;

	cb.fired[i] = ticks;
	cb.intr[i] = in_interrupt();
	__atomic_fetch_add(&cb.nfired, 1, __ATOMIC_RELAXED);
	wakeup(&cb);
}

/* Busy: spin, now and then inside an splhigh section (the big lock). */
static void
cb_busy(void *arg)
{
	long i;
	int s;

	__atomic_fetch_add(&cb.ready, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 50000000 && !cb.stop; i++) {
		if ((i & 1023) == 0) {
			s = splhigh();
			cb.spins++;
			splx(s);
		}
		if ((i & 0xfffff) == 0xfffff)
			yield();
	}
}

SELFTEST(smp, callouts_fire_while_cpus_busy)
{
	struct thread *td[MAXCPUS];
	int i, nbusy = md_async_interrupts ? ncpu : 0, s;
	long spins;

	memset(&cb, 0, sizeof(cb));
	for (i = 0; i < nbusy; i++)
		td[i] = kthread_create(cb_busy, NULL, "cobusy");
	for (spins = 0; cb.ready < nbusy && spins < 100000; spins++)
		tsleep(&cb, 0, "coready", 1);
	for (i = 0; i < CO_N; i++) {
		callout_init(&cb.co[i], cb_fire, (void *)(intptr_t)i);
		s = splhigh();
		cb.due[i] = ticks + 1 + i;
		callout_reset(&cb.co[i], 1 + i);
		splx(s);
	}
	for (spins = 0; cb.nfired < CO_N && spins < 10 * hz; spins++)
		tsleep(&cb, 0, "cowait", 1);
	cb.stop = 1;
	for (i = 0; i < nbusy; i++)
		kthread_join(td[i]);
	for (i = 0; i < CO_N; i++)
		(void)callout_stop(&cb.co[i]);
	ST_ASSERT_EQ(cb.nfired, CO_N);
	for (i = 0; i < CO_N; i++) {
		ST_ASSERT(cb.intr[i]);
		ST_ASSERT(cb.fired[i] >= cb.due[i]);
		/* Late by at most a tick or two, with every CPU busy. */
		if (md_async_interrupts)
			ST_ASSERT(cb.fired[i] <= cb.due[i] + 2);
	}
	if (nbusy > 0)
		ST_ASSERT(cb.spins > 0);
}

/* ---- an IPI wakes a halted CPU ---------------------------------- */

static volatile int ipi_ran = -1;

static void
ipi_thread(void *arg)
{
	ipi_ran = (int)cpu_number();
}

/*
 * This thread spins without yielding, so only another CPU can run the
 * new thread; the others halt in their idle loops, and the one that
 * runs it must have been woken: the IPI counters show by what.
 */
SELFTEST(smp, ipi_wakes_idle_cpu)
{
	struct thread *td;
	u_long before = 0, after = 0;
	u_int self;
	uint64_t t0;
	int i, idle = 0;

	if (ncpu < 2)
		ST_SKIP("one CPU: no other to wake");
	self = cpu_number();
	/* Give the others time to go idle (they halt within a tick). */
	t0 = md_nanotime();
	while (md_nanotime() - t0 < 2000000000ULL) {
		idle = 0;
		for (i = 0; i < ncpu; i++)
			if ((u_int)i != self && cpu_info[i].ci_idling)
				idle++;
		if (idle == ncpu - 1)
			break;
	}
	ST_ASSERT_EQ(idle, ncpu - 1);
	for (i = 0; i < ncpu; i++)
		before += cpu_info[i].ci_nipi;
	ipi_ran = -1;
	td = kthread_create(ipi_thread, NULL, "ipiwake");
	t0 = md_nanotime();
	while (ipi_ran < 0 && md_nanotime() - t0 < 2000000000ULL)
		__asm volatile("" : : : "memory");
	ST_ASSERT(cpu_number() == self);
	for (i = 0; i < ncpu; i++)
		after += cpu_info[i].ci_nipi;
	kthread_join(td);
	ST_ASSERT(ipi_ran >= 0);
	ST_ASSERT((u_int)ipi_ran != self);
	ST_ASSERT(after > before);
}

/* ---- mbufs passed between CPUs ---------------------------------- */

#define MS_ITERS	1500
#define MS_QLEN		32

static struct {
	struct mutex	 qmtx;		/* the hand-off queue */
	struct mbuf	*q[MS_QLEN];
	int		 qn;
	volatile long	 made, freed, cross;
	volatile int	 ready;
	int		 n;
} ms;

static struct mbuf *
ms_chain(int i)
{
	struct mbuf *m, *n;
	int how = (i & 7) == 0 ? M_WAIT : M_DONTWAIT;

	if ((m = m_gethdr(how, MT_DATA)) == NULL)
		return (NULL);
	m->m_len = sizeof(int);
	*mtod(m, int *) = (int)cpu_number();
	if ((i & 3) == 0)
		n = m_getcl(how, MT_DATA, 0);
	else
		n = msys_get(how, MT_DATA, 32 + (i * 37) % 1900);
	m->m_next = n;
	return (m);
}

static void
ms_thread(void *arg)
{
	struct mbuf *m, *mine;
	int i;

	smp_barrier(&ms.ready, ms.n);
	for (i = 0; i < MS_ITERS; i++) {
		mine = ms_chain(i);
		if (mine != NULL)
			__atomic_fetch_add(&ms.made, 1, __ATOMIC_RELAXED);
		m = NULL;
		mtx_enter(&ms.qmtx);
		if (ms.qn > 0)
			m = ms.q[--ms.qn];
		if (mine != NULL && ms.qn < MS_QLEN) {
			ms.q[ms.qn++] = mine;
			mine = NULL;
		}
		mtx_leave(&ms.qmtx);
		/* Freed outside the spin mutex: m_freem needs spl(9). */
		if (mine != NULL) {
			m_freem(mine);
			__atomic_fetch_add(&ms.freed, 1, __ATOMIC_RELAXED);
		}
		if (m != NULL) {
			if (*mtod(m, int *) != (int)cpu_number())
				__atomic_fetch_add(&ms.cross, 1,
				    __ATOMIC_RELAXED);
			m_freem(m);
			__atomic_fetch_add(&ms.freed, 1, __ATOMIC_RELAXED);
		}
		if ((i & 63) == 63)
			yield();
	}
}

static bool
ms_balanced(struct malloc_pipe *mp)
{
	int s;
	bool ok;

	s = splhigh();
	ok = mp->mp_nfree >= 0 && mp->mp_total <= mp->mp_nmax &&
	    mpipe_gets(mp) - mpipe_puts(mp) == (u_long)mpipe_out(mp);
	splx(s);
	return (ok);
}

SELFTEST(smp, mbufs_across_cpus)
{
	struct thread *td[SMP_NTHREADS];
	struct mbstat st0, st1;
	u_long out0, out1;
	int i;

	mbstat_read(&st0);
	memset(&ms, 0, sizeof(ms));
	mtx_init(&ms.qmtx, "mbufq");
	ms.n = smp_nthreads();
	out0 = mpipe_gets(&mb_mbuf_pipe) - mpipe_puts(&mb_mbuf_pipe);
	for (i = 0; i < ms.n; i++)
		td[i] = kthread_create(ms_thread, NULL, "mbstress");
	for (i = 0; i < ms.n; i++)
		kthread_join(td[i]);
	for (i = 0; i < ms.qn; i++) {
		m_freem(ms.q[i]);
		ms.freed++;
	}
	ms.qn = 0;
	out1 = mpipe_gets(&mb_mbuf_pipe) - mpipe_puts(&mb_mbuf_pipe);
	printf("# mbuf stress: %d threads on %d CPUs, %ld chains, %ld freed "
	    "on another CPU than their own\n", ms.n, ncpu, ms.made, ms.cross);
	ST_ASSERT(ms.made > 0);
	ST_ASSERT_EQ(ms.freed, ms.made);
	ST_ASSERT_EQ(out1, out0);
	ST_ASSERT(ms_balanced(&mb_mbuf_pipe));
	ST_ASSERT(ms_balanced(&mb_cluster_pipe));
	ST_ASSERT(ms_balanced(&mb_ref_pipe));
	for (i = 0; i < msys_nclasses(); i++)
		ST_ASSERT(ms_balanced(msys_class(i)));
	if (ncpu > 1)
		ST_ASSERT(ms.cross > 0);
	/*
	 * The per-CPU statistics: what one CPU counted out and another
	 * counted back sums to nothing, and the clusters counted out are
	 * the cluster pipe's (mbstat_read, mbuf(9)).
	 */
	i = splhigh();
	mbstat_read(&st1);
	out1 = (u_long)mpipe_out(&mb_cluster_pipe);
	splx(i);
	ST_ASSERT_EQ(st1.m_mtypes[MT_DATA], st0.m_mtypes[MT_DATA]);
	ST_ASSERT_EQ(st1.m_clusters, st0.m_clusters);
	ST_ASSERT_EQ(st1.m_clusters, out1);
	ST_ASSERT(st1.m_clgets > st0.m_clgets);
}

/* ---- M_WAIT at a pipe's cap, on every CPU ---------------------- */

/*
 * Threads on every CPU take mpipe_alloc_waitok from a pipe whose cap
 * is below what they hold plus what the CPUs' caches can keep, so they
 * meet the cap with free buffers sitting in other CPUs' caches: each
 * must be served, by a reclaim (mpipe_reclaim) or a free on another
 * CPU waking it, never left asleep (a lost wakeup or a stranded cache
 * hangs the run).  Afterwards the books balance and nothing is out.
 */
#define WS_HOLD		(2 * MPIPE_CACHE)	/* buffers a thread holds at once */
#define WS_ROUNDS	150

static struct {
	struct malloc_pipe	 mp;
	volatile int		 ready, n;
	volatile long		 moved;	/* batches freed on another CPU */
} ws;

static void
ws_thread(void *arg)
{
	void *b[WS_HOLD];
	u_int cpu;
	int r, i;

	(void)arg;
	smp_barrier(&ws.ready, ws.n);
	for (r = 0; r < WS_ROUNDS; r++) {
		cpu = cpu_number();
		for (i = 0; i < WS_HOLD; i++) {
			b[i] = mpipe_alloc_waitok(&ws.mp);
			if (i == WS_HOLD / 2)
				yield();	/* the others reach the cap too */
		}
		yield();
		if (cpu_number() != cpu)
			__atomic_fetch_add(&ws.moved, 1, __ATOMIC_RELAXED);
		for (i = 0; i < WS_HOLD; i++)
			mpipe_free(&ws.mp, b[i]);
	}
}

SELFTEST(smp, mpipe_waitok_at_cap)
{
	struct thread *td[SMP_NTHREADS];
	int i, nmax, out;
	u_long balance, gets;

	memset(&ws, 0, sizeof(ws));
	ws.n = smp_nthreads();
	/* Caches on (room for them) but the threads' holdings near the cap. */
	nmax = MAX(ws.n * WS_HOLD + 4, 4 + MAXCPUS * MPIPE_CACHE);
	mpipe_init(&ws.mp, M_TEMP, 64, 4, nmax, MPF_NOZERO, NULL, NULL,
	    NULL);
	mpipe_setname(&ws.mp, "smp-waitok");
	for (i = 0; i < ws.n; i++)
		td[i] = kthread_create(ws_thread, NULL, "wsstress");
	for (i = 0; i < ws.n; i++)
		kthread_join(td[i]);
	out = mpipe_out(&ws.mp);
	gets = mpipe_gets(&ws.mp);
	balance = gets - mpipe_puts(&ws.mp);
	printf("# waitok at the cap: %d threads on %d CPUs, cap %d, %lu "
	    "sleeps, %lu reclaims, %d most out, %ld batches freed on another "
	    "CPU\n", ws.n,
	    ncpu, nmax, ws.mp.mp_waits, ws.mp.mp_reclaims, ws.mp.mp_hiwat,
	    ws.moved);
	ST_ASSERT(ws.mp.mp_total <= nmax);
	ST_ASSERT(ws.mp.mp_hiwat <= nmax);
	mpipe_done(&ws.mp);		/* panics if any is out */
	ST_ASSERT_EQ(out, 0);
	ST_ASSERT_EQ(balance, 0);
	ST_ASSERT_EQ(gets, (u_long)ws.n * WS_ROUNDS * WS_HOLD);
}

/* ---- a panic on another CPU than 0 (named only) ----------------- */

static void
panic_here(void *arg)
{
	panic("deliberate panic from smp.panic_on_cpu1 on cpu%u (%s)",
	    cpu_number(), (const char *)arg);
}

/*
 * The thread yields until the scheduler moves it off cpu0, for at most
 * 5 s (a loaded host may leave cpu1's virtual CPU unscheduled that
 * long); then it has cpu1 panic by cross-call instead, so the test
 * never depends on where the run queue happened to put it.
 */
static void
panic_thread(void *arg)
{
	uint64_t t0 = ticks;

	while (cpu_number() == 0 && ticks - t0 < 5 * hz)
		yield();
	if (cpu_number() != 0)
		panic_here("from a thread");
	cpu_xcall(1, panic_here, "from a cross-call");
	panic("smp.panic_on_cpu1: cpu1 did not panic");
}

SELFTEST_FLAGS(smp, panic_on_cpu1, ST_EXPLICIT)
{
	struct thread *td;
	int i;

	if (ncpu < 2)
		ST_SKIP("one CPU");
	td = kthread_create(panic_thread, NULL, "panicker");
	for (i = 0; i < 20 * hz; i++)
		tsleep(&td, 0, "panicwait", 1);
	ST_FAIL("the panicking thread came back");
}

/* ---- the mbuf module takes no big lock -------------------------- */

/*
 * While one CPU holds the big lock (at splnet, as the network stack
 * runs), another CPU's thread uses every part of the module that once
 * protected itself with splnet or splhigh: a packet queue, the size
 * class table's slow lookup, a Mynewt pool, an event queue, and
 * malloc(9), which the pipes' slow paths reach.  With the
 * module's own locks it finishes while the big lock is held; with spl
 * it waits for the holder, who gives up after a bounded spin, so the
 * test fails rather than hangs (it failed so before the module had its
 * own locks).  The user must be on a CPU that takes no device interrupt
 * (not the clock's cpu0, not em0's), since a handler waits for the big
 * lock in intr_enter; the test thread and a second thread, each on a
 * CPU of its own, take the two parts by where they run.
 */
#define NBL_SPINS	50000000L	/* the holder's bound, >= 1 s */

static volatile int nbl_ready, nbl_armed, nbl_go, nbl_done, nbl_bad, nbl_held;
static volatile int nbl_cpu[2], nbl_user;	/* -1: none */
static long nbl_emcpu;
static uint8_t nbl_membuf[4 * 64] __attribute__((aligned(8)));

static bool
nbl_free_cpu(int cpu)
{
	return (cpu != 0 && (long)cpu != nbl_emcpu);
}

/* The module's calls that used spl, on a CPU with the big lock held. */
static void
nbl_use(void)
{
	struct os_mempool pool;
	struct os_eventq evq;
	struct os_event ev;
	struct mbufq q;
	struct mbuf *m;
	void *b;
	long i;

	__atomic_store_n(&nbl_armed, 1, __ATOMIC_RELEASE);
	for (i = 0; !__atomic_load_n(&nbl_go, __ATOMIC_ACQUIRE) &&
	    i < NBL_SPINS; i++)
		cpu_xcall_poll();
	if (!nbl_go)
		return;
	if ((b = malloc(64, M_TEMP, M_NOWAIT)) == NULL)
		nbl_bad |= 16;
	free(b, M_TEMP);
	mq_init(&q, 2);
	if ((m = m_get(M_DONTWAIT, MT_DATA)) == NULL ||
	    mq_enqueue(&q, m) != 0 || mq_dequeue(&q) != m)
		nbl_bad |= 1;
	if (m != NULL)
		m_free(m);
	if (msys_select(100) == NULL || msys_select(5000) == NULL)
		nbl_bad |= 2;
	if (os_mempool_init(&pool, 4, 64, nbl_membuf, "nbl") != OS_OK ||
	    (b = os_memblock_get(&pool)) == NULL ||
	    os_memblock_put(&pool, b) != OS_OK ||
	    os_mempool_unregister(&pool) != OS_OK)
		nbl_bad |= 4;
	os_eventq_init(&evq);
	memset(&ev, 0, sizeof(ev));
	os_eventq_put(&evq, &ev);
	if (os_eventq_get_no_wait(&evq) != &ev)
		nbl_bad |= 8;
	__atomic_store_n(&nbl_done, 1, __ATOMIC_RELEASE);
}

/* Take the big lock, let the user go, wait (bounded) for it. */
static void
nbl_hold(void)
{
	long i;
	int s;

	for (i = 0; !__atomic_load_n(&nbl_armed, __ATOMIC_ACQUIRE) &&
	    i < NBL_SPINS; i++)
		cpu_xcall_poll();
	s = splnet();
	__atomic_store_n(&nbl_go, 1, __ATOMIC_RELEASE);
	for (i = 0; !__atomic_load_n(&nbl_done, __ATOMIC_ACQUIRE) &&
	    i < NBL_SPINS; i++)
		cpu_xcall_poll();	/* a reclaim's cross-call is answered */
	nbl_held = nbl_done;
	splx(s);
}

/* Both threads: meet (no yield: each keeps its CPU), then a part each. */
static void
nbl_part(int me)
{
	long i;

	nbl_cpu[me] = cpu_number();
	__atomic_fetch_add(&nbl_ready, 1, __ATOMIC_ACQ_REL);
	for (i = 0; __atomic_load_n(&nbl_ready, __ATOMIC_ACQUIRE) < 2 &&
	    i < NBL_SPINS; i++)
		cpu_xcall_poll();
	if (nbl_ready < 2)
		return;
	if (me == 0) {
		nbl_user = nbl_free_cpu(nbl_cpu[1]) ? 1 :
		    nbl_free_cpu(nbl_cpu[0]) ? 0 : -1;
		if (nbl_cpu[0] == nbl_cpu[1])
			nbl_user = -1;
		__atomic_fetch_add(&nbl_ready, 1, __ATOMIC_ACQ_REL);
	} else
		for (i = 0; __atomic_load_n(&nbl_ready, __ATOMIC_ACQUIRE) < 3 &&
		    i < NBL_SPINS; i++)
			cpu_xcall_poll();
	if (nbl_ready < 3 || nbl_user < 0)
		return;
	if (me == nbl_user)
		nbl_use();
	else
		nbl_hold();
}

static void
nbl_thread(void *arg)
{
	nbl_part(1);
}

SELFTEST(smp, mbuf_module_takes_no_big_lock)
{
	struct thread *td;

	if (ncpu < 2)
		ST_SKIP("one CPU");
	nbl_ready = nbl_armed = nbl_go = nbl_done = nbl_bad = nbl_held = 0;
	nbl_cpu[0] = nbl_cpu[1] = nbl_user = -1;
	if (!kenv_getint("em.cpu", &nbl_emcpu))
		nbl_emcpu = 0;
	td = kthread_create(nbl_thread, NULL, "nobiglock");
	nbl_part(0);
	kthread_join(td);
	if (nbl_ready < 3 || nbl_user < 0)
		ST_SKIP("no CPU free of device interrupts for the user");
	ST_ASSERT_EQ(nbl_bad, 0);
	ST_ASSERT(nbl_held);		/* finished while the lock was held */
}
