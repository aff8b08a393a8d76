/*
 * sched_test.c: self-tests of threads bound to a CPU, suite "sched".
 *
 * sched_bind, sched_unbind and kthread_create_on (kthread(9)) keep
 * FreeBSD's sched_bind(9) contract (sys/kern/sched_4bsd.c: sched_bind
 * queues the caller on its CPU's runq_pcpu and switches, sched_add puts
 * a bound thread there and kick_other_cpu wakes only that CPU,
 * sched_choose looks at the shared queue and its own CPU's only) and
 * NetBSD's kthread_create(9) with a cpu_info.  Checked here: a bound
 * thread woken from every CPU runs only on its own, many times over; a
 * wakeup of a bound thread whose CPU is halted sends the IPI to that
 * CPU; an idle CPU leaves another CPU's bound thread alone however long
 * that CPU is busy; sched_bind moves the caller at once and
 * sched_unbind lets it move; binding to a CPU that is not running, to
 * NULL, an idle thread, or the caller from interrupt context panics
 * naming the mistake and changes nothing.  With one CPU (the host
 * build, QEMU -smp 1) the cases that need a second skip or test the
 * one-CPU case.  Every wait is bounded in time or rounds, and every
 * thread is joined (the harness checks the thread memory came back).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/cpu.h>
#include <sys/machdep.h>
#include <sys/selftest.h>

#define SEC_NS		1000000000ULL

/* Spin (no switch) while *v == old, at most 2 s: true if it changed. */
static bool
spin_while_eq(volatile int *v, int old)
{
	uint64_t t0 = md_nanotime();

	while (*v == old && md_nanotime() - t0 < 2 * SEC_NS)
		__asm volatile("" : : : "memory");
	return (*v != old);
}

static bool
on_cpu(const struct cpu_info *ci)
{
	return (curcpu() == ci && curthread->t_cpu == ci &&
	    curthread->t_bound == ci);
}

/* ---- a bound thread woken from every CPU stays on its own ------- */

#define PP_ROUNDS	100

static struct {
	int		 turn;		/* 0: the bound side, 1: the waker */
	int		 timeouts;	/* a lost wakeup shows as one */
	int		 off[2];	/* rounds a side ran off its CPU */
	int		 rounds[2];
	struct cpu_info	*ci[2];
} pp;

static void
pp_side(int me)
{
	int i, s;

	for (i = 0; i < PP_ROUNDS; i++) {
		s = splhigh();
		while (pp.turn != me)
			if (tsleep(&pp, 0, "bindpp", hz) == EWOULDBLOCK)
				pp.timeouts++;
		if (!on_cpu(pp.ci[me]))
			pp.off[me]++;
		pp.rounds[me]++;
		pp.turn = !me;
		wakeup(&pp);
		splx(s);
		if ((i & 7) == 7) {
			yield();	/* a yield keeps it there too */
			if (!on_cpu(pp.ci[me]))
				pp.off[me]++;
		}
	}
}

static void
pp_bound(void *arg)
{
	pp_side(0);
}

static void
pp_waker(void *arg)
{
	pp_side(1);
}

SELFTEST(sched, bound_thread_woken_from_every_cpu)
{
	struct thread *b, *w;
	int c, k, pairs = 0;

	for (c = 0; c < ncpu; c++) {
		for (k = 0; k < ncpu; k++) {
			memset(&pp, 0, sizeof(pp));
			pp.ci[0] = &cpu_info[c];
			pp.ci[1] = &cpu_info[k];
			b = kthread_create_on(pp.ci[0], pp_bound, NULL,
			    "bindpp");
			w = kthread_create_on(pp.ci[1], pp_waker, NULL,
			    "bindwk");
			ST_ASSERT(b->t_bound == pp.ci[0]);
			kthread_join(b);
			kthread_join(w);
			ST_ASSERT_EQ(pp.rounds[0], PP_ROUNDS);
			ST_ASSERT_EQ(pp.rounds[1], PP_ROUNDS);
			ST_ASSERT_EQ(pp.timeouts, 0);
			if (pp.off[0] != 0 || pp.off[1] != 0)
				ST_FAIL("bound to cpu%d woken from cpu%d: %d "
				    "and %d rounds off their CPUs", c, k,
				    pp.off[0], pp.off[1]);
			pairs++;
		}
	}
	printf("# %d pairs (bound CPU, waking CPU), %d rounds each, every "
	    "one on its CPU\n", pairs, PP_ROUNDS);
}

/* ---- the wakeup's IPI goes to the bound thread's CPU ------------ */

#define IPI_TRIALS	5

static struct {
	volatile int	 go, ran, stop;
	volatile int	 where;		/* the CPU it last ran on */
	int		 timeouts;
} bi;

static void
bi_thread(void *arg)
{
	int s;

	for (;;) {
		s = splhigh();
		while (!bi.go && !bi.stop)
			if (tsleep(&bi, 0, "bindipi", 2 * hz) == EWOULDBLOCK)
				bi.timeouts++;
		bi.go = 0;
		splx(s);
		if (bi.stop)
			break;
		bi.where = (int)cpu_number();
		__atomic_fetch_add(&bi.ran, 1, __ATOMIC_RELEASE);
	}
}

/* Every CPU but self halted idle (bounded wait): true when they are. */
static bool
others_idle(u_int self)
{
	uint64_t t0 = md_nanotime();
	int i, idle;

	do {
		idle = 0;
		for (i = 0; i < ncpu; i++)
			if ((u_int)i != self && cpu_info[i].ci_idling)
				idle++;
		if (idle == ncpu - 1)
			return (true);
	} while (md_nanotime() - t0 < 2 * SEC_NS);
	return (false);
}

/*
 * This thread spins between the wakeup and the bound thread's run, so
 * only the target CPU can run it, and only after an IPI: the target's
 * IPI count rises, and no other halted CPU's does (the old rule, "wake
 * the first idle CPU", picks cpu1 for every target).  With more than
 * two CPUs the last is the target, never the first idle one.
 */
SELFTEST(sched, bound_wakeup_ipis_its_cpu)
{
	struct thread *td;
	u_long before[MAXCPUS], stray = 0;
	u_int self;
	int c, i, n, ran;

	if (ncpu < 2)
		ST_SKIP("one CPU: no other to wake");
	memset(&bi, 0, sizeof(bi));
	sched_bind(curthread, &cpu_info[0]);
	self = cpu_number();
	c = ncpu - 1;
	td = kthread_create_on(&cpu_info[c], bi_thread, NULL, "bindipi");
	for (n = 0; n < IPI_TRIALS; n++) {
		/* Let it sleep and its CPU halt. */
		for (i = 0; td->t_state != TS_SLEEP && i < 2 * hz; i++)
			tsleep(&n, 0, "bistart", 1);
		if (td->t_state != TS_SLEEP || !others_idle(self))
			break;
		for (i = 0; i < ncpu; i++)
			before[i] = cpu_info[i].ci_nipi;
		ran = bi.ran;
		bi.go = 1;
		wakeup(&bi);
		if (!spin_while_eq(&bi.ran, ran) ||
		    cpu_info[c].ci_nipi == before[c])
			break;
		for (i = 1; i < c; i++)
			stray += cpu_info[i].ci_nipi - before[i];
	}
	bi.stop = 1;
	wakeup(&bi);
	kthread_join(td);
	sched_unbind(curthread);
	ST_ASSERT(curthread->t_bound == NULL);
	printf("# %d wakeups of a thread bound to cpu%d from cpu%u: IPIs to "
	    "cpu%d, %lu to the other CPUs\n", n, c, self, c, stray);
	ST_ASSERT_EQ(n, IPI_TRIALS);
	ST_ASSERT_EQ(bi.where, c);
	ST_ASSERT_EQ(bi.timeouts, 0);
	ST_ASSERT_EQ(stray, 0);
}

/* ---- an idle CPU never takes another CPU's bound thread --------- */

static struct {
	volatile int	 hogging, stop, done;
	volatile int	 ran[2];	/* created, woken */
	volatile int	 saw_done[2];	/* the hog had finished by then */
	volatile int	 where[2];
	volatile int	 go;
} ib;

/* Keeps its CPU for up to 2 s without a switch, then says so. */
static void
ib_hog(void *arg)
{
	uint64_t t0 = md_nanotime();

	ib.hogging = 1;
	while (!ib.stop && md_nanotime() - t0 < 2 * SEC_NS)
		__asm volatile("" : : : "memory");
	ib.done = 1;
}

static void
ib_bound(void *arg)
{
	int k = (int)(intptr_t)arg, s;

	if (k == 1) {
		s = splhigh();
		while (!ib.go)
			tsleep(&ib, 0, "ibsleep", hz);
		splx(s);
	}
	ib.saw_done[k] = ib.done;
	ib.where[k] = (int)cpu_number();
	ib.ran[k] = 1;
}

/*
 * Thread 1 sleeps on cpu c's queue-to-be; a hog then keeps c; thread 0
 * is created bound to c and thread 1 is woken, while every other CPU
 * idles (this thread sleeps).  Neither may run until the hog is done:
 * with the shared queue alone an idle CPU would take them at once.
 */
SELFTEST(sched, idle_cpu_leaves_bound_thread)
{
	struct cpu_info *ci;
	struct thread *hog, *td[2];
	int i;

	if (ncpu < 2)
		ST_SKIP("one CPU: no other to take it");
	memset(&ib, 0, sizeof(ib));
	ci = &cpu_info[ncpu - 1];
	td[1] = kthread_create_on(ci, ib_bound, (void *)(intptr_t)1, "ibwoken");
	for (i = 0; td[1]->t_state != TS_SLEEP && i < 2 * hz; i++)
		tsleep(&ib, 0, "ibstart", 1);
	hog = kthread_create_on(ci, ib_hog, NULL, "ibhog");
	for (i = 0; !ib.hogging && i < 2 * hz; i++)
		tsleep(&ib, 0, "ibstart", 1);
	td[0] = kthread_create_on(ci, ib_bound, (void *)(intptr_t)0, "ibnew");
	ib.go = 1;
	wakeup(&ib);
	for (i = 0; i < hz / 10 + 1; i++)	/* the others idle meanwhile */
		tsleep(&ib, 0, "ibwait", 1);
	ib.stop = 1;
	kthread_join(hog);
	kthread_join(td[0]);
	kthread_join(td[1]);
	ST_ASSERT(ib.hogging);
	for (i = 0; i < 2; i++) {
		ST_ASSERT(ib.ran[i]);
		ST_ASSERT_EQ(ib.where[i], ci->ci_index);
		if (!ib.saw_done[i])
			ST_FAIL("thread %d bound to cpu%u ran while its CPU "
			    "was busy", i, ci->ci_index);
	}
}

/* ---- sched_bind moves the caller at once; sched_unbind frees it -- */

static struct {
	int		 bad_bind;	/* after sched_bind, not on it */
	int		 bad_stay;	/* after a yield or sleep, moved */
	int		 unbound_on;	/* where it woke once unbound */
	int		 born_unbound;	/* kthread_create binds nothing */
	volatile int	 hog_stop, hogging;
} bm;

static void
bm_hog(void *arg)
{
	uint64_t t0 = md_nanotime();

	bm.hogging = 1;
	while (!bm.hog_stop && md_nanotime() - t0 < 2 * SEC_NS)
		__asm volatile("" : : : "memory");
}

static void
bm_thread(void *arg)
{
	struct cpu_info *ci;
	struct thread *hog;
	int d;

	bm.born_unbound = curthread->t_bound == NULL;
	for (d = 0; d < ncpu; d++) {
		ci = &cpu_info[d];
		sched_bind(curthread, ci);
		if (!on_cpu(ci))
			bm.bad_bind++;
		yield();
		if (!on_cpu(ci))
			bm.bad_stay++;
		tsleep(&bm, 0, "bmnap", 1);
		if (!on_cpu(ci))
			bm.bad_stay++;
	}
	/*
	 * On the last CPU: with another CPU, a hog queued behind it, then
	 * unbound; the hog takes the CPU when this thread sleeps.
	 */
	ci = &cpu_info[ncpu - 1];
	hog = ncpu > 1 ? kthread_create_on(ci, bm_hog, NULL, "bmhog") : NULL;
	sched_unbind(curthread);
	bm.unbound_on = -1;
	if (curthread->t_bound == NULL && curcpu() == ci) {
		tsleep(&bm, 0, "bmnap", 1);
		bm.unbound_on = (int)cpu_number();
	}
	bm.hog_stop = 1;
	if (hog != NULL)
		kthread_join(hog);
}

SELFTEST(sched, bind_moves_unbind_frees)
{
	struct thread *td;

	memset(&bm, 0, sizeof(bm));
	td = kthread_create(bm_thread, NULL, "bindmove");
	kthread_join(td);
	ST_ASSERT(bm.born_unbound);
	ST_ASSERT_EQ(bm.bad_bind, 0);
	ST_ASSERT_EQ(bm.bad_stay, 0);
	if (ncpu > 1) {
		ST_ASSERT(bm.hogging);
		/* The last CPU was the hog's: only another could run it. */
		ST_ASSERT(bm.unbound_on >= 0);
		ST_ASSERT(bm.unbound_on != ncpu - 1);
	} else
		ST_ASSERT_EQ(bm.unbound_on, 0);
}

/* ---- misuse panics, naming it, before anything changed ---------- */

static void
bind_missing(void *arg)
{
	sched_bind(curthread, arg);
}

static void
nothing(void *arg)
{
}

static void
create_on_missing(void *arg)
{
	(void)kthread_create_on(arg, nothing, NULL, "nocpu");
}

static void
bind_null_thread(void *arg)
{
	sched_bind(NULL, &cpu_info[0]);
}

static void
unbind_null_thread(void *arg)
{
	sched_unbind(NULL);
}

static void
bind_idle(void *arg)
{
	sched_bind(cpu_info[0].ci_idlethread, &cpu_info[0]);
}

static void
bind_from_intr(void *arg)
{
	sched_bind(curthread, arg);
}

SELFTEST(sched, bind_misuse_panics)
{
	struct panic_catch pc;
	struct cpu_info *missing = NULL;
	char *mid = (char *)&cpu_info[0] + sizeof(cpu_info[0]) / 2;
	int n = thread_count();

	if (ncpu < MAXCPUS)
		missing = &cpu_info[ncpu];
	if (missing != NULL) {
		ST_ASSERT(selftest_panics(bind_missing, missing, &pc));
		ST_ASSERT(strstr(pc.pc_msg, "sched_bind: thread ") != NULL);
		ST_ASSERT(strstr(pc.pc_msg, "which is no running CPU") != NULL);
		ST_ASSERT(selftest_panics(create_on_missing, missing, &pc));
		ST_ASSERT(strstr(pc.pc_msg,
		    "kthread_create_on: thread nocpu bound to") != NULL);
		ST_ASSERT_EQ(thread_count(), n);
	}
	ST_ASSERT(selftest_panics(bind_missing, mid, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "which is no running CPU") != NULL);
	ST_ASSERT(selftest_panics(bind_missing, NULL, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "bound to a NULL cpu_info") != NULL);
	ST_ASSERT(selftest_panics(bind_null_thread, NULL, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "sched_bind: NULL thread") != NULL);
	ST_ASSERT(selftest_panics(unbind_null_thread, NULL, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "sched_unbind: NULL thread") != NULL);
	ST_ASSERT(selftest_panics(bind_idle, NULL, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "sched_bind: idle0 is an idle thread") !=
	    NULL);
	ST_ASSERT(curthread->t_bound == NULL);
	ST_ASSERT(cpu_info[0].ci_idlethread->t_bound == NULL);
	ST_ASSERT_EQ(curcpu()->ci_mtx_count, 0);
	ST_ASSERT_EQ(curipl(), IPL_NONE);
	if (ncpu > 1) {
		/* The interrupted thread cannot move from a callout. */
		ST_ASSERT(selftest_panics_intr(bind_from_intr,
		    &cpu_info[ncpu - 1], &pc));
		ST_ASSERT(strstr(pc.pc_msg, "from interrupt context") != NULL);
	}
	ST_ASSERT(curthread->t_bound == NULL);
}
