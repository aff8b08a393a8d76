/*
 * kern_mpipe_test.c: self-tests of mpipe(9) (kern/kern_mpipe.c), suite "mpipe".
 *
 * Exhaustion and recovery, the nnom reserve under a type limit, forced
 * malloc failures and a dry heap, sleeping at the cap and being woken
 * by a free, DragonFly's rules (callbacks called as (buf, priv), zeroing
 * on free and not on allocation, a free going back to malloc(9) only
 * from a full array, nnom and nmax raised to their minimums, MPF_INT
 * taking nothing from threads, mpipe_done on a zeroed pipe), the
 * interrupt share of mpipe_setintr from a real callout, panics for
 * mpipe_alloc_waitok where sleeping is forbidden and for mpipe_done with
 * buffers out, drain hooks, and a multi-thread stress run.  Every case
 * gives back every buffer it took and tears its pipes down (the harness
 * checks the "pipe buffers" probe and every malloc type).
 *
 * References are to DragonFly's sys/kern/kern_mpipe.c (DragonFlyBSD/
 * DragonFlyBSD, commit 0a5a7d91e181) and its mpipe(9) page.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/callout.h>
#include <sys/mpipe.h>
#include <sys/selftest.h>

MALLOC_DEFINE(M_MPTEST, "mptest", "mpipe(9) self-tests");

static bool
all_bytes(const void *buf, int c, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (unsigned char)c)
			return (false);
	return (true);
}

/*
 * The pipe table as KTAP diagnostics ("# " lines), so that it cannot
 * be read as a result; returns whether the table names pipe name.
 */
static bool
mpt_print_table(const char *name)
{
	static char out[4096];
	char *line, *nl;
	bool found;

	cons_capture_start(out, sizeof(out));
	mpipe_print_all();
	cons_capture_stop();
	found = strstr(out, name) != NULL;
	for (line = out; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		printf("# %s\n", line);
	}
	return (found);
}

/* Prefill, LIFO reuse, the counters. */
SELFTEST(mpipe, basic)
{
	struct malloc_pipe mp;
	u_long inuse0 = M_MPTEST->ks_inuse;
	long out0 = mpipe_total_out();
	void *a, *b;
	bool listed;

	mpipe_init(&mp, M_MPTEST, 100, 4, 8, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-basic");
	ST_ASSERT_EQ(mp.mp_nfree, 4);
	ST_ASSERT_EQ(mp.mp_total, 4);
	ST_ASSERT_EQ(M_MPTEST->ks_inuse, inuse0 + 4);
	ST_ASSERT_EQ(mp.mp_nint, 0);
	a = mpipe_alloc_nowait(&mp);
	b = mpipe_alloc_waitok(&mp);
	ST_ASSERT(a != NULL && b != NULL && a != b);
	ST_ASSERT_EQ(mpipe_out(&mp), 2);
	ST_ASSERT_EQ(mpipe_total_out(), out0 + 2);
	mpipe_free(&mp, b);
	ST_ASSERT(mpipe_alloc_nowait(&mp) == b);	/* LIFO */
	mpipe_free(&mp, b);
	mpipe_free(&mp, a);
	ST_ASSERT_EQ(mpipe_gets(&mp), 3);	/* depot's and caches' */
	ST_ASSERT_EQ(mpipe_puts(&mp), 3);
	/* Seen by the depot: b may have come from the cache. */
	ST_ASSERT(mp.mp_hiwat >= 1 && mp.mp_hiwat <= 2);
	ST_ASSERT_EQ(mp.mp_mallocs, 0);
	ST_ASSERT_EQ(mpipe_out(&mp), 0);
	ST_ASSERT_EQ(M_MPTEST->ks_inuse, inuse0 + 4);
	listed = mpt_print_table("\nmpt-basic ");
	mpipe_done(&mp);
	ST_ASSERT_EQ(M_MPTEST->ks_inuse, inuse0);
	ST_ASSERT(listed);
}

/* Drain the pipe with nowait until NULL, give it all back, do it again. */
SELFTEST(mpipe, exhaust_recover)
{
	struct malloc_pipe mp;
	void *bufs[8];
	int i, n, round;

	mpipe_init(&mp, M_MPTEST, 64, 4, 6, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-exhaust");
	for (round = 0; round < 2; round++) {
		for (n = 0; n < 8; n++)
			if ((bufs[n] = mpipe_alloc_nowait(&mp)) == NULL)
				break;
		ST_ASSERT_EQ(n, 6);
		ST_ASSERT_EQ(mpipe_out(&mp), 6);
		ST_ASSERT_EQ(mpipe_nfree(&mp), 0);
		ST_ASSERT(mpipe_alloc_nowait(&mp) == NULL);
		for (i = 0; i < n; i++)
			mpipe_free(&mp, bufs[i]);
		/* All kept: the depot has room for nnom and a cache. */
		ST_ASSERT_EQ(mpipe_nfree(&mp), 6);
		ST_ASSERT_EQ(mp.mp_total, 6);
		ST_ASSERT_EQ(mpipe_trim(&mp), 2);
		ST_ASSERT_EQ(mpipe_nfree(&mp), 4);
		ST_ASSERT_EQ(mp.mp_total, 4);
	}
	ST_ASSERT_EQ(mp.mp_fails, 4);		/* two NULLs per round */
	ST_ASSERT_EQ(mp.mp_mallocs, 4);		/* two per round */
	ST_ASSERT_EQ(mp.mp_sysfrees, 4);	/* the 2 beyond nnom, trimmed */
	ST_ASSERT_EQ(mp.mp_hiwat, 6);
	ST_ASSERT_EQ(mpipe_gets(&mp), mpipe_puts(&mp));
	mpipe_done(&mp);
}

/* The nnom reserve holds when the malloc type is at its limit. */
SELFTEST(mpipe, reserve_type_limit)
{
	struct malloc_pipe mp;
	void *bufs[5], *p;
	int n;

	mpipe_init(&mp, M_MPTEST, 200, 4, 16, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-limit");
	malloc_setlimit(M_MPTEST, M_MPTEST->ks_memuse);
	p = malloc(200, M_MPTEST, M_NOWAIT);
	for (n = 0; n < 5; n++)
		if ((bufs[n] = mpipe_alloc_nowait(&mp)) == NULL)
			break;
	malloc_setlimit(M_MPTEST, 0);
	if (p != NULL)
		free(p, M_MPTEST);
	ST_ASSERT(p == NULL);		/* the type really is exhausted */
	ST_ASSERT_EQ(n, 4);		/* the whole reserve, no more */
	ST_ASSERT_EQ(mp.mp_fails, 1);
	/* The limit is gone: the pipe borrows again. */
	bufs[4] = mpipe_alloc_nowait(&mp);
	ST_ASSERT(bufs[4] != NULL);
	ST_ASSERT_EQ(mp.mp_mallocs, 1);
	for (n = 0; n < 5; n++)
		mpipe_free(&mp, bufs[n]);
	mpipe_done(&mp);
}

/* ... and when malloc(9) is told to fail. */
SELFTEST(mpipe, reserve_fail_after)
{
	struct malloc_pipe mp;
	void *bufs[4];
	int n;

	mpipe_init(&mp, M_MPTEST, 48, 3, 10, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-failafter");
	malloc_fail_after(M_MPTEST, 0);
	for (n = 0; n < 4; n++)
		if ((bufs[n] = mpipe_alloc_nowait(&mp)) == NULL)
			break;
	malloc_fail_after(M_MPTEST, -1);
	ST_ASSERT_EQ(n, 3);
	ST_ASSERT(M_MPTEST->ks_fails > 0);
	while (n > 0)
		mpipe_free(&mp, bufs[--n]);
	mpipe_done(&mp);
}

/* ... and when the whole heap is gone (buffers of whole pages). */
SELFTEST(mpipe, reserve_heap_exhausted)
{
	static void *run[256];
	static size_t runlen[256];
	struct malloc_pipe mp;
	void *bufs[4], *p;
	size_t len, nrun = 0, pagesleft;
	int n;

	mpipe_init(&mp, M_MPTEST, 2 * PAGE_SIZE, 3, 8, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-heap");
	for (len = vm_page_free_count(); len > 0; len /= 2)
		while (nrun < nitems(run) &&
		    (run[nrun] = vm_page_alloc(len, 0)) != NULL)
			runlen[nrun++] = len;
	pagesleft = vm_page_free_count();
	p = malloc(2 * PAGE_SIZE, M_TEMP, M_NOWAIT);
	for (n = 0; n < 4; n++)
		if ((bufs[n] = mpipe_alloc_nowait(&mp)) == NULL)
			break;
	while (nrun > 0) {
		nrun--;
		vm_page_free(run[nrun], runlen[nrun]);
	}
	if (p != NULL)
		free(p, M_TEMP);
	ST_ASSERT_EQ(pagesleft, 0);
	ST_ASSERT(p == NULL);
	ST_ASSERT_EQ(n, 3);
	ST_ASSERT_EQ(mp.mp_fails, 1);
	bufs[3] = mpipe_alloc_nowait(&mp);	/* memory is back */
	ST_ASSERT(bufs[3] != NULL);
	for (n = 0; n < 4; n++)
		mpipe_free(&mp, bufs[n]);
	mpipe_done(&mp);
}

/* What a cross-call frees on its CPU: into that CPU's cache. */
struct xfree {
	struct malloc_pipe	*mp;
	void			**bufs;
	int			 n;
};

static void
xfree_here(void *arg)
{
	struct xfree *x = arg;
	int i;

	for (i = 0; i < x->n; i++)
		mpipe_free(x->mp, x->bufs[i]);
}

/*
 * The cap is reachable from any CPU.  With every buffer out, another
 * CPU frees a cache's worth (mbp_xcall, so they land in its cache);
 * this CPU, masked so that it stays where it is, then takes buffers
 * until the pipe says no: all nmax come out, those the other CPU
 * cached through mpipe_reclaim, and only then does it fail.  Before
 * the reclaim they were stranded and the pipe failed with half its
 * buffers free.  FreeBSD drains per-CPU buckets into the zone the same
 * way before it gives up (sys/vm/uma_core.c, pcpu_cache_drain_safe).
 */
#define XNMAX	(4 + MBP_MAXCPUS * MPIPE_CACHE + 16)

SELFTEST(mpipe, cap_reached_across_cpus)
{
	static struct malloc_pipe mp;
	static void *bufs[XNMAX];
	static char line[256];
	char want[32];
	struct xfree x;
	u_long r0, c0, f0, balance;
	u_int me, other;
	int i, n, s, out;
	bool stayed, cached, printed;
	void *extra;

	mpipe_init(&mp, M_MPTEST, 64, 4, XNMAX, MPF_NOZERO, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-xcpu");
	cached = mp.mp_cmax == MPIPE_CACHE;
	s = mbp_splhigh();
	for (n = 0; n < XNMAX; n++)
		if ((bufs[n] = mpipe_alloc_nowait(&mp)) == NULL)
			break;
	me = mbp_cpu_index();
	other = mbp_ncpu() > 1 ? (me + 1) % mbp_ncpu() : me;
	/*
	 * The test's own pipe: xfree_here may take its lock on the other
	 * CPU (mpipe_putslow), since nothing else ever holds it.
	 */
	x.mp = &mp;
	x.bufs = bufs;
	x.n = MIN(n, MPIPE_CACHE);	/* one cache's worth */
	mbp_xcall(other, xfree_here, &x);
	r0 = mp.mp_reclaims;
	c0 = mp.mp_xcalls;
	f0 = mp.mp_fails;
	for (i = 0; i < x.n; i++)
		if ((bufs[i] = mpipe_alloc_nowait(&mp)) == NULL)
			break;
	stayed = mbp_cpu_index() == me;
	mbp_splx(s);
	out = mpipe_out(&mp);
	extra = mpipe_alloc_nowait(&mp);	/* at the cap: NULL */
	mpipe_free(&mp, extra);
	/* The pipe's line ends with the two counters the reclaim moved. */
	cons_capture_start(line, sizeof(line));
	mpipe_print(&mp);
	cons_capture_stop();
	snprintf(want, sizeof(want), " %6lu %5lu\n", mp.mp_reclaims,
	    mp.mp_xcalls);
	printed = strlen(line) > strlen(want) &&
	    strcmp(line + strlen(line) - strlen(want), want) == 0;
	for (; i < x.n; i++)
		bufs[i] = NULL;
	for (i = 0; i < n; i++)
		mpipe_free(&mp, bufs[i]);
	balance = mpipe_gets(&mp) - mpipe_puts(&mp);
	mpipe_done(&mp);		/* panics if any is still out */
	ST_ASSERT(printed);
	ST_ASSERT(cached);
	ST_ASSERT(stayed);
	ST_ASSERT_EQ(n, XNMAX);
	ST_ASSERT_EQ(out, XNMAX);
	ST_ASSERT_EQ(mp.mp_fails, f0 + 1);	/* only the extra one */
	if (other != me) {
		/* Every buffer the other CPU cached came back, by cross-call. */
		ST_ASSERT_EQ(mp.mp_reclaims - r0, (u_long)x.n);
		ST_ASSERT(mp.mp_xcalls > c0);
	} else
		ST_ASSERT_EQ(mp.mp_xcalls, c0);
	ST_ASSERT(extra == NULL);
	ST_ASSERT_EQ(balance, 0);
}

/* On another CPU (mbp_xcall): take up to want buffers there. */
struct xtake {
	struct malloc_pipe	*mp;
	void			**bufs;
	int			 want, got;
};

static void
xtake_here(void *arg)
{
	struct xtake *t = arg;
	void *buf;

	while (t->got < t->want) {
		if ((buf = mpipe_alloc_nowait(t->mp)) == NULL)
			break;
		t->bufs[t->got++] = buf;
	}
}

/*
 * The reclaim reaches the boot CPU's cache too.  With every buffer out,
 * a cache's worth is freed on CPU 0 (it lands in its cache); CPU 1 then
 * takes them, all through mpipe_reclaim's cross-call to CPU 0.  The
 * boot CPU was never marked running (ci_running), so cpu_xcall did
 * nothing for it: its cache was out of everyone else's reach, which the
 * prefill of every cache's share used to hide.  The threads of the
 * test may be on either CPU, so both calls go by mbp_xcall.
 */
SELFTEST(mpipe, reclaim_reaches_boot_cpu)
{
	static struct malloc_pipe mp;
	static void *bufs[XNMAX];
	struct xfree x;
	struct xtake t;
	int i, n, s, cached0;
	u_long balance;

	if (mbp_ncpu() < 2)
		ST_SKIP("one CPU: no other CPU's cache to reach");
	mpipe_init(&mp, M_MPTEST, 64, 4, XNMAX, MPF_NOZERO, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-cpu0");
	s = mbp_splhigh();
	for (n = 0; n < XNMAX; n++)
		if ((bufs[n] = mpipe_alloc_nowait(&mp)) == NULL)
			break;
	x.mp = &mp;
	x.bufs = bufs;
	x.n = MIN(n, MPIPE_CACHE);
	mbp_xcall(0, xfree_here, &x);
	cached0 = mp.mp_cache[0].mc_n;
	t.mp = &mp;
	t.bufs = bufs;
	t.want = x.n;
	t.got = 0;
	mbp_xcall(1, xtake_here, &t);
	mbp_splx(s);
	for (i = t.got; i < x.n; i++)
		bufs[i] = NULL;		/* freed above, not taken again */
	for (i = 0; i < n; i++)
		mpipe_free(&mp, bufs[i]);
	balance = mpipe_gets(&mp) - mpipe_puts(&mp);
	mpipe_done(&mp);		/* panics if any is still out */
	ST_ASSERT_EQ(n, XNMAX);
	ST_ASSERT_EQ(cached0, MPIPE_CACHE);
	ST_ASSERT_EQ(t.got, MPIPE_CACHE);
	ST_ASSERT_EQ(balance, 0);
}

/* On another CPU (mbp_xcall): one allocation and its free there. */
struct xuse {
	struct malloc_pipe	*mp;
	bool			 got;
};

static void
xuse_here(void *arg)
{
	struct xuse *xu = arg;
	void *buf;

	buf = mpipe_alloc_nowait(xu->mp);
	xu->got = buf != NULL;
	mpipe_free(xu->mp, buf);
}

/*
 * A pipe costs its reserve until it is used, and a CPU's cache only
 * once that CPU has used it (mpipe.9, CACHES).  mpipe_init used to
 * prefill nnom + MBP_MAXCPUS * MPIPE_CACHE buffers (4 + 512 here), the
 * cost that made msys(9)'s 40 classes hold 14303K at boot.  Joining
 * allocates nothing: the first use on this CPU takes from the depot,
 * one on another CPU at most the one buffer it asked for.  FreeBSD's
 * UMA likewise allocates a CPU's bucket only when that CPU first frees
 * or allocates (sys/vm/uma_core.c, cache_alloc and cache_free).
 */
SELFTEST(mpipe, idle_cost_is_the_reserve)
{
	static struct malloc_pipe mp;
	struct xuse xu;
	u_int me, other;
	int s, total0, ccap0, total1, ccap1, total2 = 0, ccap2 = 0;
	u_long balance;
	bool cached, stayed;
	void *buf;

	mpipe_init(&mp, M_MPTEST, 64, 4, XNMAX, MPF_NOZERO, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-idle");
	cached = mp.mp_cmax == MPIPE_CACHE;
	total0 = mp.mp_total;
	ccap0 = mp.mp_ccap;
	s = mbp_splhigh();
	me = mbp_cpu_index();
	other = mbp_ncpu() > 1 ? (me + 1) % mbp_ncpu() : me;
	buf = mpipe_alloc_nowait(&mp);
	mpipe_free(&mp, buf);
	total1 = mp.mp_total;
	ccap1 = mp.mp_ccap;
	xu.mp = &mp;
	xu.got = false;
	if (other != me) {
		mbp_xcall(other, xuse_here, &xu);
		total2 = mp.mp_total;
		ccap2 = mp.mp_ccap;
	}
	stayed = mbp_cpu_index() == me;
	mbp_splx(s);
	balance = mpipe_gets(&mp) - mpipe_puts(&mp);
	mpipe_done(&mp);		/* panics if any is still out */
	ST_ASSERT(cached);
	ST_ASSERT(stayed);
	ST_ASSERT(buf != NULL);
	ST_ASSERT_EQ(total0, 4);		/* the reserve, nothing more */
	ST_ASSERT_EQ(ccap0, 0);			/* no cache granted yet */
	ST_ASSERT_EQ(total1, 4);		/* joining allocated nothing */
	ST_ASSERT_EQ(ccap1, MPIPE_CACHE);	/* this CPU's cache only */
	if (other != me) {
		ST_ASSERT(xu.got);
		ST_ASSERT(total2 <= 5);
		ST_ASSERT_EQ(ccap2, 2 * MPIPE_CACHE);
	}
	ST_ASSERT_EQ(balance, 0);
}

struct waiter {
	struct malloc_pipe	*mp;
	void			*buf;
	int			 started;
};

static void
waiter_thread(void *arg)
{
	struct waiter *w = arg;

	w->started = 1;
	w->buf = mpipe_alloc_waitok(w->mp);
}

static void
freer_thread(void *arg)
{
	struct waiter *w = arg;

	mpipe_free(w->mp, w->buf);
}

/*
 * Start a waiter_thread on w's pipe, at its cap, and let it run (on
 * this CPU or another) until it sleeps there, for a bounded time;
 * *blocked says whether it did.
 */
static struct thread *
waiter_start(struct waiter *w, bool *blocked)
{
	struct thread *td;
	int i;

	td = kthread_create(waiter_thread, w, "mpwaiter");
	for (i = 0; i < 100000 &&
	    *(volatile int *)&w->mp->mp_waiters == 0; i++)
		yield();
	*blocked = w->started && w->buf == NULL && w->mp->mp_waiters == 1;
	return (td);
}

/* A waitok allocator sleeps at the cap; a free in another thread wakes it. */
SELFTEST(mpipe, waitok_sleeps_at_cap)
{
	struct malloc_pipe mp;
	struct waiter w = { &mp, NULL, 0 }, f;
	struct thread *wt, *ft;
	void *a, *b;
	bool blocked;

	mpipe_init(&mp, M_MPTEST, 64, 1, 2, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-cap");
	a = mpipe_alloc_waitok(&mp);
	b = mpipe_alloc_waitok(&mp);
	wt = waiter_start(&w, &blocked);
	f.mp = &mp;
	f.buf = a;
	ft = kthread_create(freer_thread, &f, "mpfreer");
	kthread_join(ft);
	kthread_join(wt);
	ST_ASSERT(blocked);
	/* a went into the empty array and the waiter took it from there. */
	ST_ASSERT(w.buf == a);
	ST_ASSERT_EQ(mp.mp_waits, 1);
	ST_ASSERT_EQ(mp.mp_sysfrees, 0);
	ST_ASSERT_EQ(mp.mp_mallocs, 1);
	ST_ASSERT_EQ(mp.mp_waiters, 0);
	ST_ASSERT_EQ(mp.mp_hiwat, 2);
	mpipe_free(&mp, w.buf);
	mpipe_free(&mp, b);
	mpipe_done(&mp);
}

struct intrtest {
	struct malloc_pipe	*mp;
	void			*got[3];
	int			 inintr;
	int			 done;
	struct callout		 c;	/* lives as long as the case */
};

/* Run fn on it from a real timer interrupt (a callout) and wait for it. */
static void
intr_run(struct intrtest *it, struct malloc_pipe *mp, void (*fn)(void *))
{
	memset(it, 0, sizeof(*it));
	it->mp = mp;
	callout_init(&it->c, fn, it);
	callout_reset(&it->c, 1);
	while (!it->done)
		tsleep(it, 0, "mpintr", 1);
}

/* Callout: interrupt context draws on the MPF_INT reserve. */
static void
intr_alloc(void *arg)
{
	struct intrtest *it = arg;
	int i;

	it->inintr = in_interrupt();
	for (i = 0; i < 3; i++)
		it->got[i] = mpipe_alloc_nowait(it->mp);
	it->done = 1;
	wakeup(it);
}

SELFTEST(mpipe, intr_reserve)
{
	struct malloc_pipe mp;
	struct intrtest it;
	void *t[3];
	int i;

	mpipe_init(&mp, M_MPTEST, 128, 4, 4, MPF_INT, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-intr");
	mpipe_setintr(&mp, 2);
	/* Thread context gets the two above the reserve, then nothing. */
	for (i = 0; i < 3; i++)
		t[i] = mpipe_alloc_nowait(&mp);
	ST_ASSERT(t[0] != NULL && t[1] != NULL);
	ST_ASSERT(t[2] == NULL);
	ST_ASSERT_EQ(mp.mp_nfree, 2);
	ST_ASSERT_EQ(mp.mp_intres, 0);
	/* A real timer interrupt takes the reserve. */
	intr_run(&it, &mp, intr_alloc);
	for (i = 0; i < 2; i++) {
		mpipe_free(&mp, t[i]);
		mpipe_free(&mp, it.got[i]);
	}
	mpipe_free(&mp, it.got[2]);
	ST_ASSERT(it.inintr);
	ST_ASSERT(it.got[0] != NULL && it.got[1] != NULL);
	ST_ASSERT(it.got[2] == NULL);
	ST_ASSERT_EQ(mp.mp_intres, 2);
	ST_ASSERT_EQ(mp.mp_fails, 2);
	ST_ASSERT_EQ(mpipe_out(&mp), 0);
	mpipe_done(&mp);
}

/* Callout: one allocation in interrupt context. */
static void
intr_take1(void *arg)
{
	struct intrtest *it = arg;

	it->inintr = in_interrupt();
	it->got[0] = mpipe_alloc_nowait(it->mp);
	it->done = 1;
	wakeup(it);
}

/*
 * Every free refills the array, the interrupt share first because it is
 * the array's bottom; only frees into a full array go to malloc(9).
 */
SELFTEST(mpipe, intr_reserve_refilled_first)
{
	struct malloc_pipe mp;
	struct intrtest it;
	void *t[4];
	int i, nfree1, nfree2, total2, total3;

	mpipe_init(&mp, M_MPTEST, 64, 4, 8, MPF_INT, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-refill");
	mpipe_setintr(&mp, 2);
	for (i = 0; i < 4; i++)		/* two from the array, two borrowed */
		t[i] = mpipe_alloc_nowait(&mp);
	intr_run(&it, &mp, intr_take1);
	nfree1 = mp.mp_nfree;			/* the share is short */
	mpipe_free(&mp, t[3]);			/* refills it */
	nfree2 = mp.mp_nfree;
	total2 = mp.mp_total;
	mpipe_free(&mp, t[2]);			/* a slot is free: kept */
	total3 = mp.mp_total;
	mpipe_free(&mp, it.got[0]);
	mpipe_free(&mp, t[1]);
	mpipe_free(&mp, t[0]);
	ST_ASSERT(t[0] != NULL && t[1] != NULL && t[2] != NULL &&
	    t[3] != NULL);
	ST_ASSERT(it.inintr && it.got[0] != NULL);
	ST_ASSERT_EQ(mp.mp_mallocs, 2);
	ST_ASSERT_EQ(nfree1, 1);
	ST_ASSERT_EQ(nfree2, 2);
	ST_ASSERT_EQ(total2, 6);
	ST_ASSERT_EQ(total3, 6);
	ST_ASSERT_EQ(mp.mp_total, 6);		/* nnom + a cache kept */
	ST_ASSERT_EQ(mp.mp_sysfrees, 0);
	ST_ASSERT_EQ(mpipe_trim(&mp), 2);
	ST_ASSERT_EQ(mp.mp_total, 4);		/* back to the reserve */
	ST_ASSERT_EQ(mpipe_nfree(&mp), 4);
	ST_ASSERT_EQ(mp.mp_sysfrees, 2);
	mpipe_done(&mp);
}

/*
 * Pipes whose cap leaves no room for a full cache on every CPU, such as
 * a DragonFly-style pipe whose cap is its reserve (nnom == nmax), have
 * per-CPU caches too, sized to the cap (mpipe.9, CACHES): 16 buffers
 * give caches of 2 on 8 CPUs.  On one CPU, the allocation and free
 * pairs after the first are served by this CPU's cache and never reach
 * the depot.  In a build without the per-buffer hooks (the release
 * build, suites 15 and 25) they enter no slow path at all: the depot's
 * counters, which mpipe_get and mpipe_putslow bump under mp_lock every
 * time, do not move, so no lock was taken.  Before, such a pipe had no
 * cache (mp_cmax 0) and every call pushed to or popped from the depot
 * under its lock (make bench's raw mpipe loop, 331 instructions a
 * pair).  FreeBSD's UMA gives every zone its per-CPU buckets whatever
 * its limit, and counts the cached items against it
 * (sys/vm/uma_core.c, zone_alloc_limit and cache_alloc).
 */
#define SMALLN		16
#define SMALLPAIRS	1000

SELFTEST(mpipe, small_pipe_pairs_in_cache)
{
	struct malloc_pipe mp;
	struct mpipe_cache *mc;
	void *buf;
	u_long g0, p0, cg0, cp0, dg, dp, cg, cp;
	int i, s, d0, moved = 0, cmax, mcmax, total, out;
	bool hooks;

	mpipe_init(&mp, M_MPTEST, 64, SMALLN, SMALLN, MPF_NOZERO, NULL, NULL,
	    NULL);
	mpipe_setname(&mp, "mpt-smallfast");
	hooks = mp.mp_hooks != 0;
	cmax = mp.mp_cmax;
	s = mbp_splhigh();
	buf = mpipe_alloc_nowait(&mp);		/* joins, the cache fills */
	mpipe_free(&mp, buf);
	mc = mpipe_mycache(&mp);
	mcmax = mc->mc_max;
	d0 = mp.mp_nfree;
	g0 = mp.mp_gets;
	p0 = mp.mp_puts;
	cg0 = mc->mc_gets;
	cp0 = mc->mc_puts;
	for (i = 0; i < SMALLPAIRS; i++) {
		buf = mpipe_alloc_nowait(&mp);
		if (buf == NULL || mp.mp_nfree != d0)
			moved++;
		mpipe_free(&mp, buf);
		if (mp.mp_nfree != d0)
			moved++;
	}
	dg = mp.mp_gets - g0;
	dp = mp.mp_puts - p0;
	cg = mc->mc_gets - cg0;
	cp = mc->mc_puts - cp0;
	mbp_splx(s);
	total = mp.mp_total;
	out = mpipe_out(&mp);
	ST_ASSERT_EQ(mp.mp_mallocs, 0);
	mpipe_done(&mp);
	ST_ASSERT(cmax >= 2 && cmax <= SMALLN);
	ST_ASSERT_EQ(mcmax, cmax);
	ST_ASSERT_EQ(moved, 0);			/* the depot never moved */
	ST_ASSERT_EQ(total, SMALLN);
	ST_ASSERT_EQ(out, 0);
	if (!hooks) {
		ST_ASSERT_EQ(dg, 0);		/* no slow path: no lock */
		ST_ASSERT_EQ(dp, 0);
		ST_ASSERT_EQ(cg, SMALLPAIRS);
		ST_ASSERT_EQ(cp, SMALLPAIRS);
	} else {
		/* The hooks take every call through the locked slow path. */
		printf("# per-buffer hooks (DIAGNOSTIC or ASan): %lu gets "
		    "and %lu puts through the slow path, the depot untouched\n",
		    dg, dp);
		ST_ASSERT_EQ(dg + cg, SMALLPAIRS);
		ST_ASSERT_EQ(dp + cp, SMALLPAIRS);
	}
}

/*
 * A small pipe's guarantees across CPUs.  With nnom == nmax == 16 all
 * 16 come out on this CPU and the 17th M_DONTWAIT gets NULL; another
 * CPU frees half of them (mbp_xcall, so its cache keeps what it can);
 * this CPU, masked so that it stays, then takes the 8 back, the last
 * ones from the other CPU's cache through mpipe_reclaim's cross-call,
 * and the 9th gets NULL: nnom are always obtainable, nmax never
 * exceeded, and nothing borrowed from malloc(9), since the cap is the
 * reserve.  DragonFly's pipe (kern_mpipe.c:122-160) fails only when
 * the array is empty and nmax are out; cached buffers are in the
 * books as free ones here, as FreeBSD's zone drains its per-CPU
 * buckets before it fails (sys/vm/uma_core.c, pcpu_cache_drain_safe).
 */
SELFTEST(mpipe, small_pipe_cap_across_cpus)
{
	static void *bufs[SMALLN + 1], *again[SMALLN / 2 + 1];
	struct malloc_pipe mp;
	struct xfree x;
	u_long r0, c0, balance;
	u_int me, other;
	int i, n, n2, s, cachedother, total, out, maxtotal;
	bool stayed;

	mpipe_init(&mp, M_MPTEST, 64, SMALLN, SMALLN, MPF_NOZERO, NULL, NULL,
	    NULL);
	mpipe_setname(&mp, "mpt-smallcap");
	s = mbp_splhigh();
	me = mbp_cpu_index();
	other = mbp_ncpu() > 1 ? (me + 1) % mbp_ncpu() : me;
	for (n = 0; n <= SMALLN; n++)
		if ((bufs[n] = mpipe_alloc_nowait(&mp)) == NULL)
			break;
	x.mp = &mp;
	x.bufs = bufs;
	x.n = MIN(n, SMALLN / 2);
	mbp_xcall(other, xfree_here, &x);
	cachedother = mp.mp_cache[other].mc_n;
	r0 = mp.mp_reclaims;
	c0 = mp.mp_xcalls;
	maxtotal = mp.mp_total;
	for (n2 = 0; n2 <= x.n; n2++) {
		if ((again[n2] = mpipe_alloc_nowait(&mp)) == NULL)
			break;
		maxtotal = MAX(maxtotal, mp.mp_total);
	}
	out = mpipe_out(&mp);
	stayed = mbp_cpu_index() == me;
	mbp_splx(s);
	total = mp.mp_total;
	for (i = 0; i < n2; i++)
		mpipe_free(&mp, again[i]);
	for (i = x.n; i < n; i++)
		mpipe_free(&mp, bufs[i]);
	balance = mpipe_gets(&mp) - mpipe_puts(&mp);
	ST_ASSERT_EQ(mp.mp_mallocs, 0);
	ST_ASSERT_EQ(mp.mp_total, SMALLN);
	mpipe_done(&mp);		/* panics if any is still out */
	ST_ASSERT(stayed);
	ST_ASSERT_EQ(n, SMALLN);		/* the 17th was NULL */
	ST_ASSERT_EQ(n2, SMALLN / 2);		/* all 8 back, then NULL */
	ST_ASSERT_EQ(out, SMALLN);
	ST_ASSERT_EQ(total, SMALLN);
	ST_ASSERT_EQ(maxtotal, SMALLN);
	ST_ASSERT_EQ(balance, 0);
	if (other != me) {
		/* What the other CPU kept came back by cross-call. */
		ST_ASSERT(cachedother > 0);
		ST_ASSERT_EQ(mp.mp_reclaims - r0, (u_long)cachedother);
		ST_ASSERT(mp.mp_xcalls > c0);
	}
}

/*
 * An M_WAIT sleeper on a small pipe is woken by a free on another CPU:
 * with all 16 out a thread sleeps in mpipe_alloc_waitok, and one buffer
 * freed by a cross-call on the CPU next to this one must reach it, not
 * sit in that CPU's cache of 2 (mp_putgate sends every free to the
 * depot while a thread waits).  The wait for it is bounded; if it never
 * came, freeing the rest wakes the sleeper (they fill the cache and
 * overflow into the depot) so that the case ends either way.
 */
SELFTEST(mpipe, small_pipe_waiter_woken_across_cpus)
{
	static void *bufs[SMALLN];
	struct malloc_pipe mp;
	struct waiter w = { &mp, NULL, 0 };
	struct thread *wt;
	struct xfree x;
	u_int other;
	int i, n, s;
	bool blocked, woke;

	mpipe_init(&mp, M_MPTEST, 64, SMALLN, SMALLN, MPF_NOZERO, NULL, NULL,
	    NULL);
	mpipe_setname(&mp, "mpt-smallwait");
	s = mbp_splhigh();
	for (n = 0; n < SMALLN; n++)
		if ((bufs[n] = mpipe_alloc_nowait(&mp)) == NULL)
			break;
	other = mbp_ncpu() > 1 ? (mbp_cpu_index() + 1) % mbp_ncpu() : 0;
	mbp_splx(s);
	wt = waiter_start(&w, &blocked);
	x.mp = &mp;
	x.bufs = bufs;
	x.n = 1;
	mbp_xcall(other, xfree_here, &x);
	for (i = 0; i < 100000 && *(void * volatile *)&w.buf == NULL; i++)
		yield();
	woke = *(void * volatile *)&w.buf == bufs[0];
	for (i = 1; i < n; i++)
		mpipe_free(&mp, bufs[i]);
	kthread_join(wt);
	mpipe_free(&mp, w.buf);
	ST_ASSERT_EQ(mp.mp_total, SMALLN);
	mpipe_done(&mp);
	ST_ASSERT_EQ(n, SMALLN);
	ST_ASSERT(blocked);
	ST_ASSERT(woke);
	ST_ASSERT(mp.mp_waits >= 1);
}

/*
 * The interrupt share is refilled first on a pipe with full caches too.
 * Threads take the 4 above a share of 4; a real timer interrupt takes 3
 * of the share; the next 3 thread frees must go to the depot, which
 * is below its share (MPIPE_GSHORT in mp_putgate), and the 4th, with
 * the share whole again, to the cache.  Before the gate those frees
 * went into the freeing CPU's cache and the share stayed short: an
 * interrupt handler's next allocation could find the depot empty while
 * threads took the cached buffers.  The seed's single array is
 * refilled by every free (kern_mpipe.c:234-246).
 */
SELFTEST(mpipe, cached_pipe_share_refilled_first)
{
	static struct malloc_pipe mp;
	struct intrtest it;
	void *t[4];
	int i, nshort, nrefilled, nafter;
	bool cached;

	mpipe_init(&mp, M_MPTEST, 64, 8, XNMAX, MPF_INT | MPF_NOZERO, NULL,
	    NULL, NULL);
	mpipe_setname(&mp, "mpt-cshare");
	mpipe_setintr(&mp, 4);
	cached = mp.mp_cmax == MPIPE_CACHE;
	for (i = 0; i < 4; i++)
		t[i] = mpipe_alloc_nowait(&mp);
	intr_run(&it, &mp, intr_alloc);
	nshort = mp.mp_nfree;
	for (i = 0; i < 3; i++)
		mpipe_free(&mp, t[i]);
	nrefilled = mp.mp_nfree;
	mpipe_free(&mp, t[3]);
	nafter = mp.mp_nfree;
	for (i = 0; i < 3; i++)
		mpipe_free(&mp, it.got[i]);
	ST_ASSERT_EQ(mpipe_out(&mp), 0);
	mpipe_done(&mp);
	ST_ASSERT(cached);
	ST_ASSERT(t[0] != NULL && t[1] != NULL && t[2] != NULL &&
	    t[3] != NULL);
	ST_ASSERT(it.inintr);
	ST_ASSERT(it.got[0] != NULL && it.got[1] != NULL &&
	    it.got[2] != NULL);
	ST_ASSERT_EQ(nshort, 1);
	ST_ASSERT_EQ(nrefilled, 4);		/* the share, whole */
	ST_ASSERT_EQ(nafter, 4);		/* then the cache */
}

/* mpipe_alloc_waitok in interrupt context must panic. */
static void
waitok_fn(void *arg)
{
	struct malloc_pipe *mp = arg;

	mpipe_free(mp, mpipe_alloc_waitok(mp));
}

SELFTEST(mpipe, waitok_in_interrupt_panics)
{
	struct malloc_pipe mp;
	struct panic_catch pc;
	bool panicked;

	mpipe_init(&mp, M_MPTEST, 64, 2, 2, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-irqwait");
	panicked = selftest_panics_intr(waitok_fn, &mp, &pc);
	ST_ASSERT_EQ(mpipe_out(&mp), 0);
	mpipe_done(&mp);
	ST_ASSERT(panicked);
	ST_ASSERT(strstr(pc.pc_msg, "mpt-irqwait") != NULL);
	ST_ASSERT(strstr(pc.pc_msg, "caller") != NULL);
	ST_ASSERT(strstr(pc.pc_msg, "interrupt") != NULL);
}

/* Thread context with the spl raised may not sleep either. */
SELFTEST(mpipe, waitok_at_splnet_panics)
{
	struct malloc_pipe mp;
	struct panic_catch pc;
	int s;

	mpipe_init(&mp, M_MPTEST, 64, 1, 1, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-splwait");
	s = splnet();
	if (PANIC_TRY(&pc)) {
		void *p = mpipe_alloc_waitok(&mp);

		panic_catch_pop(&pc);
		splx(s);
		mpipe_free(&mp, p);
		mpipe_done(&mp);
		ST_FAIL("mpipe_alloc_waitok at splnet did not panic");
	}
	splx(s);
	ST_ASSERT_EQ(mpipe_out(&mp), 0);
	mpipe_done(&mp);
	ST_ASSERT(strstr(pc.pc_msg, "mpt-splwait") != NULL);
	ST_ASSERT(strstr(pc.pc_msg, "spl raised") != NULL);
}

struct ctorcount {
	int			 ctor, dtor;
	int			 dtorzero, dtormagic;	/* what dtor found */
	struct malloc_pipe	*mp;
	bool			 badarg;
};

#define CTOR_MAGIC	0x6d706970u

/* Is buf one of mp's buffers' addresses?  (Not the pipe, not priv.) */
static bool
ctor_isbuf(struct ctorcount *cc, void *buf)
{
	return (buf != NULL && buf != cc && buf != cc->mp);
}

static void
count_ctor(void *buf, void *priv)
{
	struct ctorcount *cc = priv;

	if (!ctor_isbuf(cc, buf))
		cc->badarg = true;
	*(uint32_t *)buf = CTOR_MAGIC;
	cc->ctor++;
}

static void
count_dtor(void *buf, void *priv)
{
	struct ctorcount *cc = priv;

	if (!ctor_isbuf(cc, buf))
		cc->badarg = true;
	if (*(uint32_t *)buf == CTOR_MAGIC)
		cc->dtormagic++;
	else if (all_bytes(buf, 0, 64))
		cc->dtorzero++;
	cc->dtor++;
}

/*
 * The constructor runs once per buffer from malloc, the destructor once
 * per buffer given back, both as (buf, priv) (the seed; DragonFly
 * kern_mpipe.c:94, :119 and :258); with MPF_CACHEDATA the constructed state
 * stays.  On the old code priv was read from the pipe and the
 * callbacks got (pipe, buf).
 */
SELFTEST(mpipe, ctor_dtor)
{
	struct malloc_pipe mp;
	struct ctorcount cc = { 0, 0, 0, 0, &mp, false };
	void *bufs[4];
	int i;

	mpipe_init(&mp, M_MPTEST, 64, 2, 4, MPF_CACHEDATA, count_ctor,
	    count_dtor, &cc);
	mpipe_setname(&mp, "mpt-ctor");
	ST_ASSERT_EQ(cc.ctor, 2);
	ST_ASSERT_EQ(cc.dtor, 0);
	for (i = 0; i < 4; i++) {
		bufs[i] = mpipe_alloc_nowait(&mp);
		ST_ASSERT(bufs[i] != NULL);
		ST_ASSERT_EQ(*(uint32_t *)bufs[i], CTOR_MAGIC);
	}
	ST_ASSERT_EQ(cc.ctor, 4);
	for (i = 0; i < 4; i++)
		mpipe_free(&mp, bufs[i]);
	ST_ASSERT_EQ(cc.dtor, 0);		/* nnom + a cache: all kept */
	ST_ASSERT_EQ(mpipe_trim(&mp), 2);
	ST_ASSERT_EQ(cc.dtor, 2);		/* the two above nnom */
	bufs[0] = mpipe_alloc_nowait(&mp);	/* recycled: no new ctor */
	ST_ASSERT_EQ(cc.ctor, 4);
	ST_ASSERT_EQ(*(uint32_t *)bufs[0], CTOR_MAGIC);
	mpipe_free(&mp, bufs[0]);
	mpipe_done(&mp);
	ST_ASSERT_EQ(cc.dtor, 4);
	ST_ASSERT_EQ(cc.dtormagic, 4);
	ST_ASSERT(!cc.badarg);
}

/*
 * Without MPF_CACHEDATA: a prefilled buffer keeps its constructor's
 * work until its first free (DragonFly constructs at init,
 * kern_mpipe.c:90-97, and never zeroes on allocation, :145-152); the free
 * zeroes it (kern_mpipe.c:240-241), so mpipe_done's destructor finds zeroes in
 * it and the constructed state in the buffer never handed out.  The old
 * code zeroed on allocation (the magic was gone) and junk-filled freed
 * buffers under DIAGNOSTIC.
 */
SELFTEST(mpipe, ctor_prefill_zero_on_free)
{
	struct malloc_pipe mp;
	struct ctorcount cc = { 0, 0, 0, 0, &mp, false };
	uint32_t first;
	void *a;
	bool kept;

	mpipe_init(&mp, M_MPTEST, 64, 2, 2, 0, count_ctor, count_dtor, &cc);
	mpipe_setname(&mp, "mpt-ctorzero");
	a = mpipe_alloc_nowait(&mp);
	ST_ASSERT(a != NULL);
	first = *(uint32_t *)a;
	memset(a, 0x77, 64);
	mpipe_free(&mp, a);			/* zeroed into the array */
	a = mpipe_alloc_nowait(&mp);
	kept = a != NULL && all_bytes(a, 0, 64);
	mpipe_free(&mp, a);
	mpipe_done(&mp);
	ST_ASSERT_EQ(first, CTOR_MAGIC);
	ST_ASSERT(kept);
	ST_ASSERT_EQ(cc.ctor, 2);
	ST_ASSERT_EQ(cc.dtor, 2);
	ST_ASSERT_EQ(cc.dtorzero, 1);		/* the one that was freed */
	ST_ASSERT_EQ(cc.dtormagic, 1);		/* the one never used */
	ST_ASSERT(!cc.badarg);
}

/*
 * Default flags: every buffer handed out is zero, from the array (zeroed
 * when freed) or from malloc (M_ZERO).  The free into an empty array
 * keeps the buffer even though more than nnom exist (kern_mpipe.c:234);
 * here both are kept (the depot has room for nnom and a cache) until
 * mpipe_trim gives back the one above nnom, the last freed.  The frees
 * and the trim stay on one CPU, so that the order is this CPU's.
 */
SELFTEST(mpipe, zero_default)
{
	struct malloc_pipe mp;
	void *a, *b, *c;
	int s, trimmed;
	u_long sysfrees;

	mpipe_init(&mp, M_MPTEST, 120, 1, 2, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-zero");
	a = mpipe_alloc_nowait(&mp);		/* from the array */
	b = mpipe_alloc_nowait(&mp);		/* from malloc */
	ST_ASSERT(a != NULL && b != NULL);
	ST_ASSERT(all_bytes(a, 0, 120));
	ST_ASSERT(all_bytes(b, 0, 120));
	memset(a, 0xaa, 120);
	memset(b, 0xbb, 120);
	s = mbp_splhigh();
	mpipe_free(&mp, b);			/* into the empty array */
	mpipe_free(&mp, a);			/* kept too */
	sysfrees = mp.mp_sysfrees;
	trimmed = mpipe_trim(&mp);		/* a goes to malloc */
	mbp_splx(s);
	ST_ASSERT_EQ(sysfrees, 0);
	ST_ASSERT_EQ(trimmed, 1);
	ST_ASSERT_EQ(mp.mp_sysfrees, 1);
	c = mpipe_alloc_nowait(&mp);
	ST_ASSERT(c == b);
	ST_ASSERT(all_bytes(c, 0, 120));
	mpipe_free(&mp, c);
	mpipe_done(&mp);
}

/* MPF_NOZERO: nothing is zeroed; MPF_CACHEDATA: contents survive. */
SELFTEST(mpipe, nozero_cachedata)
{
	struct malloc_pipe nz, cd, both;
	void *a, *b;
	bool nzfresh, nzrecycled, cdfresh;

	mpipe_init(&nz, M_MPTEST, 96, 1, 1, MPF_NOZERO, NULL, NULL, NULL);
	mpipe_setname(&nz, "mpt-nozero");
	a = mpipe_alloc_nowait(&nz);
	ST_ASSERT(a != NULL);
	nzfresh = all_bytes(a, 0, 96);
	memset(a, 0xaa, 96);
	mpipe_free(&nz, a);
	b = mpipe_alloc_nowait(&nz);
	ST_ASSERT(b == a);
	nzrecycled = all_bytes(b, 0xaa, 96);
	mpipe_free(&nz, b);
	mpipe_done(&nz);
#ifdef DIAGNOSTIC
	/* Dead contents are junk, never zero, never the old data. */
	ST_ASSERT(!nzfresh);
	ST_ASSERT(!nzrecycled);
#else
	/* Nothing touches them: the old data is still there. */
	(void)nzfresh;
	ST_ASSERT(nzrecycled);
#endif

	mpipe_init(&cd, M_MPTEST, 96, 1, 1, MPF_CACHEDATA, NULL, NULL, NULL);
	mpipe_setname(&cd, "mpt-cache");
	a = mpipe_alloc_nowait(&cd);
	ST_ASSERT(a != NULL);
	cdfresh = all_bytes(a, 0, 96);		/* zeroed from malloc */
	memset(a, 0x5c, 96);
	mpipe_free(&cd, a);
	b = mpipe_alloc_nowait(&cd);
	ST_ASSERT(b == a);
	ST_ASSERT(all_bytes(b, 0x5c, 96));	/* as it was freed */
	mpipe_free(&cd, b);
	mpipe_done(&cd);
	ST_ASSERT(cdfresh);

	/* Both: never zeroed, never junked, even under DIAGNOSTIC. */
	mpipe_init(&both, M_MPTEST, 96, 1, 1, MPF_CACHEDATA | MPF_NOZERO,
	    NULL, NULL, NULL);
	mpipe_setname(&both, "mpt-cachenz");
	a = mpipe_alloc_nowait(&both);
	ST_ASSERT(a != NULL);
	memset(a, 0x3c, 96);
	mpipe_free(&both, a);
	b = mpipe_alloc_nowait(&both);
	ST_ASSERT(b == a);
	ST_ASSERT(all_bytes(b, 0x3c, 96));
	mpipe_free(&both, b);
	mpipe_done(&both);
}

/*
 * A free goes back to malloc(9) only when the array is full (the seed;
 * kern_mpipe.c:234-261), the array being the depot, whose room is nnom
 * plus a cache for each CPU that used the pipe (mpipe.9, CACHES).  With
 * buffers borrowed above nnom and the array empty, a free and an
 * allocation are a push and a pop: nothing borrowed again.  With all
 * nmax out, the frees fill the cache and the depot and give the rest
 * back;
 * mpipe_trim then takes the pipe down to nnom.  On one CPU (masked), so
 * that one cache is granted.  The old code gave the buffer back to
 * malloc(9) as soon as more than nnom existed and borrowed a new one.
 */
#define FULLMAX	8

SELFTEST(mpipe, free_to_system_only_when_full)
{
	struct malloc_pipe mp;
	void *bufs[FULLMAX + 1];
	int i, n, s, keep, ccap, total1, total2, nfree2, trimmed;
	u_long mallocs1, sysfrees1, sysfrees2;

	mpipe_init(&mp, M_MPTEST, 64, 2, FULLMAX, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-full");
	s = mbp_splhigh();
	for (i = 0; i < 4; i++)			/* 2 from the array, 2 more */
		bufs[i] = mpipe_alloc_nowait(&mp);
	for (i = 0; i < 100; i++) {		/* 4 out, array empty */
		mpipe_free(&mp, bufs[3]);
		bufs[3] = mpipe_alloc_nowait(&mp);
	}
	mallocs1 = mp.mp_mallocs;
	sysfrees1 = mp.mp_sysfrees;
	total1 = mp.mp_total;
	for (n = 4; n <= FULLMAX; n++)		/* the rest, and one more */
		if ((bufs[n] = mpipe_alloc_nowait(&mp)) == NULL)
			break;
	for (i = 0; i < n; i++)
		mpipe_free(&mp, bufs[i]);
	ccap = mp.mp_ccap;
	sysfrees2 = mp.mp_sysfrees;
	total2 = mp.mp_total;
	nfree2 = mpipe_nfree(&mp);
	trimmed = mpipe_trim(&mp);
	mbp_splx(s);
	/* The depot's room, nnom + ccap, and the cache itself. */
	keep = MIN(FULLMAX, 2 + 2 * mp.mp_cmax);
	ST_ASSERT(bufs[0] && bufs[1] && bufs[2] && bufs[3]);
	ST_ASSERT_EQ(mallocs1, 2);
	ST_ASSERT_EQ(sysfrees1, 0);
	ST_ASSERT_EQ(total1, 4);
	ST_ASSERT_EQ(n, FULLMAX);		/* the cap, then NULL */
	ST_ASSERT_EQ(mp.mp_mallocs, FULLMAX - 2);
	ST_ASSERT_EQ(ccap, mp.mp_cmax);		/* this CPU's cache only */
	ST_ASSERT_EQ(total2, keep);
	ST_ASSERT_EQ(nfree2, keep);
	ST_ASSERT_EQ(sysfrees2, (u_long)(FULLMAX - keep));
	ST_ASSERT_EQ(trimmed, keep - 2);
	ST_ASSERT_EQ(mp.mp_total, 2);		/* nnom, as after init */
	ST_ASSERT_EQ(mpipe_nfree(&mp), 2);
	ST_ASSERT_EQ(mp.mp_sysfrees, (u_long)(FULLMAX - 2));
	mpipe_done(&mp);
}

/*
 * nnom below 1 is 1 and an nmax below nnom (0 included) is nnom; a
 * negative nmax is no cap (kern_mpipe.c:68-73).  The old code prefilled
 * nothing for nnom 0 and took nmax 0 for no cap.
 */
SELFTEST(mpipe, nnom_nmax_limits)
{
	struct malloc_pipe z, neg, low;
	void *a, *b, *bufs[10];
	int i, n;

	mpipe_init(&z, M_MPTEST, 32, 0, 0, 0, NULL, NULL, NULL);
	mpipe_setname(&z, "mpt-zero0");
	ST_ASSERT_EQ(z.mp_nnom, 1);
	ST_ASSERT_EQ(z.mp_nmax, 1);
	ST_ASSERT_EQ(z.mp_nfree, 1);		/* prefilled */
	malloc_fail_after(M_MPTEST, 0);
	a = mpipe_alloc_nowait(&z);		/* the reserve, no malloc */
	malloc_fail_after(M_MPTEST, -1);
	b = mpipe_alloc_nowait(&z);		/* at the cap */
	if (b != NULL)
		mpipe_free(&z, b);
	mpipe_free(&z, a);
	mpipe_done(&z);
	ST_ASSERT(a != NULL);
	ST_ASSERT(b == NULL);

	mpipe_init(&neg, M_MPTEST, 32, -5, -1, 0, NULL, NULL, NULL);
	mpipe_setname(&neg, "mpt-nocap");
	ST_ASSERT_EQ(neg.mp_nnom, 1);
	for (n = 0; n < 10; n++)
		if ((bufs[n] = mpipe_alloc_nowait(&neg)) == NULL)
			break;
	for (i = 0; i < n; i++)
		mpipe_free(&neg, bufs[i]);
	mpipe_done(&neg);
	ST_ASSERT_EQ(n, 10);

	mpipe_init(&low, M_MPTEST, 32, 4, 2, 0, NULL, NULL, NULL);
	mpipe_setname(&low, "mpt-lowmax");
	ST_ASSERT_EQ(low.mp_nmax, 4);
	for (n = 0; n < 6; n++)
		if ((bufs[n] = mpipe_alloc_nowait(&low)) == NULL)
			break;
	for (i = 0; i < n; i++)
		mpipe_free(&low, bufs[i]);
	mpipe_done(&low);
	ST_ASSERT_EQ(n, 4);
}

/*
 * MPF_INT takes nothing from threads: a pipe made with the seed's
 * arguments gives every caller its nnom (DragonFly's MPF_INT only adds
 * malloc flags, kern_mpipe.c:83-84).  The old code kept a quarter of
 * nnom back from threads.
 */
SELFTEST(mpipe, mpf_int_keeps_guarantee)
{
	struct malloc_pipe mp;
	void *bufs[5];
	int i, n;

	mpipe_init(&mp, M_MPTEST, 48, 4, 4, MPF_INT, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-mpfint");
	ST_ASSERT_EQ(mp.mp_nint, 0);
	for (n = 0; n < 5; n++)
		if ((bufs[n] = mpipe_alloc_nowait(&mp)) == NULL)
			break;
	for (i = 0; i < n; i++)
		mpipe_free(&mp, bufs[i]);
	ST_ASSERT_EQ(n, 4);
	ST_ASSERT_EQ(mp.mp_mallocs, 0);
	ST_ASSERT_EQ(mp.mp_intres, 0);
	mpipe_done(&mp);
}

/*
 * mpipe_setintr sets a share aside and tops the array up to all its
 * nnom at once, from what the caches hold and then from malloc(9) under
 * the cap, however many buffers are out; threads take only from above
 * the share.  (The old call only set the number; before every pipe had
 * caches, the buffer a cache held was not counted and one more was
 * borrowed.)
 */
SELFTEST(mpipe, setintr_fills_share)
{
	struct malloc_pipe mp;
	void *bufs[3], *d, *e;
	int i, nfree, total, nfree_d, trimmed;

	mpipe_init(&mp, M_MPTEST, 64, 4, 8, MPF_INT, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-setintr");
	for (i = 0; i < 3; i++)			/* a driver's ring, say */
		bufs[i] = mpipe_alloc_nowait(&mp);
	mpipe_setintr(&mp, 3);
	nfree = mp.mp_nfree;
	total = mp.mp_total;
	d = mpipe_alloc_nowait(&mp);		/* above the share */
	nfree_d = mp.mp_nfree;
	e = mpipe_alloc_nowait(&mp);		/* at the share: borrows */
	ST_ASSERT(d != NULL && e != NULL);
	ST_ASSERT_EQ(mp.mp_nfree, 3);
	mpipe_free(&mp, d);
	mpipe_free(&mp, e);
	for (i = 0; i < 3; i++)
		mpipe_free(&mp, bufs[i]);
	mpipe_setintr(&mp, 0);
	trimmed = mpipe_trim(&mp);		/* all above nnom */
	ST_ASSERT_EQ(nfree, 4);
	ST_ASSERT_EQ(total, 7);
	ST_ASSERT_EQ(nfree_d, 3);
	ST_ASSERT_EQ(mp.mp_mallocs, 4);
	ST_ASSERT_EQ(trimmed, 4);
	ST_ASSERT_EQ(mp.mp_sysfrees, 4);
	ST_ASSERT_EQ(mp.mp_total, 4);
	ST_ASSERT_EQ(mpipe_nfree(&mp), 4);
	mpipe_done(&mp);
}

/*
 * mpipe_done on a zeroed pipe, or twice, does nothing (DragonFly's
 * comment above mpipe_done, kern_mpipe.c:102-106).  The old code
 * dereferenced the zeroed list linkage.
 */
SELFTEST(mpipe, done_on_zeroed_pipe)
{
	static struct malloc_pipe zp;
	struct malloc_pipe mp;
	u_long inuse0 = M_MPTEST->ks_inuse;

	memset(&zp, 0, sizeof(zp));
	mpipe_done(&zp);
	mpipe_init(&mp, M_MPTEST, 32, 2, 2, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-donetwice");
	mpipe_done(&mp);
	mpipe_done(&mp);
	ST_ASSERT(zp.mp_array == NULL);
	ST_ASSERT_EQ(M_MPTEST->ks_inuse, inuse0);
}

/* A double free into the array panics naming the pipe. */
SELFTEST(mpipe, double_free_panics)
{
	struct malloc_pipe mp;
	struct panic_catch pc;
	void *a;

#ifndef DIAGNOSTIC
	ST_SKIP("the double-free checks need DIAGNOSTIC");
#endif
	mpipe_init(&mp, M_MPTEST, 64, 2, 2, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-dblfree");
	a = mpipe_alloc_nowait(&mp);
	mpipe_free(&mp, a);
	if (PANIC_TRY(&pc)) {
		mpipe_free(&mp, a);
		panic_catch_pop(&pc);
		ST_FAIL("double free was not caught");
	}
	ST_ASSERT_EQ(mpipe_nfree(&mp), 2);
	ST_ASSERT_EQ(mp.mp_puts, 1);
	mpipe_done(&mp);
	ST_ASSERT(strstr(pc.pc_msg, "mpt-dblfree") != NULL);
	ST_ASSERT(strstr(pc.pc_msg, "double free") != NULL);
}

/*
 * A buffer of a page or more that a full depot gave back to malloc(9)
 * keeps the junk the pipe wrote into it (malloc junks only its small
 * chunks, not whole pages), so when malloc hands the same pages back the
 * pipe must not take the buffer for a free one: freeing it unwritten
 * once is not a double free.  Before the pipe marked what it takes from
 * malloc, the second round's free of b panicked "already free (double
 * free)" (found by mstress at -smp 2 on the 9216-byte size class).
 */
#define PGBUF	(2 * PAGE_SIZE + 1024)

SELFTEST(mpipe, page_buffers_back_from_malloc)
{
	struct malloc_pipe mp;
	struct panic_catch pc;
	void *a, *b;
	u_long balance;
	int r = 0, out;

	mpipe_init(&mp, M_MPTEST, PGBUF, 1, 4, MPF_NOZERO, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-pages");
	if (PANIC_TRY(&pc)) {
		for (r = 0; r < 4; r++) {
			a = mpipe_alloc_nowait(&mp);	/* the reserve */
			b = mpipe_alloc_nowait(&mp);	/* from malloc */
			mpipe_free(&mp, a);
			mpipe_free(&mp, b);
			(void)mpipe_trim(&mp);		/* b back to malloc */
			if (a == NULL || b == NULL)
				break;
		}
		panic_catch_pop(&pc);
	} else
		ST_FAIL("%s", pc.pc_msg);
	ST_ASSERT_EQ(r, 4);
	out = mpipe_out(&mp);
	balance = mpipe_gets(&mp) - mpipe_puts(&mp);
	ST_ASSERT_EQ(mp.mp_mallocs, 4);
	ST_ASSERT_EQ(mp.mp_sysfrees, 4);
	mpipe_done(&mp);
	ST_ASSERT_EQ(out, 0);
	ST_ASSERT_EQ(balance, 0);
}

/*
 * Under DIAGNOSTIC a write to a free buffer is caught when the buffer is
 * handed out again: by the junk of an MPF_NOZERO pipe, by the zeroes of
 * a zeroing pipe.  (AddressSanitizer would stop the write itself.)
 */
#if defined(DIAGNOSTIC) && !defined(__SANITIZE_ADDRESS__)
static bool
waf_panics(int flags, const char *name)
{
	struct malloc_pipe mp;
	struct panic_catch pc;
	volatile bool caught = false;
	unsigned char *a;

	mpipe_init(&mp, M_MPTEST, 64, 1, 1, flags, NULL, NULL, NULL);
	mpipe_setname(&mp, name);
	a = mpipe_alloc_nowait(&mp);
	mpipe_free(&mp, a);
	a[17] = 0x42;			/* the bug under test */
	if (PANIC_TRY(&pc)) {
		a = mpipe_alloc_nowait(&mp);
		panic_catch_pop(&pc);
	} else
		caught = strstr(pc.pc_msg, name) != NULL &&
		    strstr(pc.pc_msg, "written after it was freed") != NULL;
	memset(a, 0, 64);		/* taken by the panicking call */
	mpipe_free(&mp, a);
	mpipe_done(&mp);
	return (caught);
}
#endif

SELFTEST(mpipe, write_after_free_panics)
{
#if !defined(DIAGNOSTIC) || defined(__SANITIZE_ADDRESS__)
	ST_SKIP("needs DIAGNOSTIC without AddressSanitizer");
#else
	ST_ASSERT(waf_panics(MPF_NOZERO, "mpt-wafjunk"));
	ST_ASSERT(waf_panics(0, "mpt-wafzero"));
#endif
}

/* mpipe_done with a buffer out panics naming the pipe; nothing changes. */
SELFTEST(mpipe, done_with_buffers_out_panics)
{
	struct malloc_pipe mp;
	struct panic_catch pc;
	void *a;

	mpipe_init(&mp, M_MPTEST, 64, 2, 3, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-done");
	a = mpipe_alloc_nowait(&mp);
	if (PANIC_TRY(&pc)) {
		mpipe_done(&mp);
		panic_catch_pop(&pc);
		ST_FAIL("mpipe_done with a buffer out did not panic");
	}
	ST_ASSERT(strstr(pc.pc_msg, "mpt-done") != NULL);
	ST_ASSERT(strstr(pc.pc_msg, "1 buffers outstanding") != NULL);
	ST_ASSERT_EQ(mpipe_out(&mp), 1);
	mpipe_free(&mp, a);
	mpipe_done(&mp);
}

/* A stand-in for the IP reassembly queue: holds buffers until drained. */
struct hoard {
	struct malloc_pipe	*mp;
	void			*held[4];
	int			 nheld;
	int			 calls;
	u_long			 fails_at_call;
};

static void
hoard_drain(void *arg)
{
	struct hoard *h = arg;

	h->calls++;
	h->fails_at_call = h->mp->mp_fails;
	if (h->nheld > 0)
		mpipe_free(h->mp, h->held[--h->nheld]);
}

SELFTEST(mpipe, drain_hook)
{
	struct malloc_pipe mp;
	struct hoard h;
	void *a, *b, *c;

	mpipe_init(&mp, M_MPTEST, 64, 2, 2, 0, NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-drain");
	memset(&h, 0, sizeof(h));
	h.mp = &mp;
	ST_ASSERT_EQ(mpipe_drain_register(hoard_drain, &h), 0);
	h.held[h.nheld++] = mpipe_alloc_nowait(&mp);
	h.held[h.nheld++] = mpipe_alloc_nowait(&mp);
	/* Exhausted: the hook gives one back and nowait succeeds. */
	a = mpipe_alloc_nowait(&mp);
	ST_ASSERT(a != NULL);
	ST_ASSERT_EQ(h.calls, 1);
	ST_ASSERT_EQ(mp.mp_drains, 1);
	ST_ASSERT_EQ(mp.mp_fails, 0);
	/* waitok at the cap is served by the hook without sleeping. */
	b = mpipe_alloc_waitok(&mp);
	ST_ASSERT(b != NULL);
	ST_ASSERT_EQ(h.calls, 2);
	ST_ASSERT_EQ(mp.mp_waits, 0);
	/* Nothing left to give: the hook runs, then nowait fails. */
	c = mpipe_alloc_nowait(&mp);
	mpipe_drain_deregister(hoard_drain, &h);
	ST_ASSERT(c == NULL);
	ST_ASSERT_EQ(h.calls, 3);
	ST_ASSERT_EQ(h.fails_at_call, 0);	/* called before failing */
	ST_ASSERT_EQ(mp.mp_fails, 1);
	ST_ASSERT_EQ(mp.mp_drains, 3);
	mpipe_free(&mp, a);
	mpipe_free(&mp, b);
	/* Deregistered: no longer called. */
	a = mpipe_alloc_nowait(&mp);
	b = mpipe_alloc_nowait(&mp);
	c = mpipe_alloc_nowait(&mp);
	ST_ASSERT(c == NULL);
	ST_ASSERT_EQ(h.calls, 3);
	mpipe_free(&mp, a);
	mpipe_free(&mp, b);
	mpipe_done(&mp);
}

/*
 * Stress: NSTRESS threads take 1..KMAX buffers each round (mostly
 * waitok, sometimes nowait), stamp them, yield, check the stamps and
 * give them back, while a callout allocates from the interrupt reserve
 * every tick.  Deadlock is impossible by construction (the pipe can
 * hold NSTRESS * (KMAX - 1) + 1 buffers for threads), so the run must
 * finish; the interrupt side must never fail.
 */
#define NSTRESS		4
#define KMAX		4
#define SROUNDS		2000

struct stress {
	struct malloc_pipe	*mp;
	int			 id;
	int			 rounds;
	int			 bad;
	int			 nullnowait;
};

struct stressirq {
	struct malloc_pipe	*mp;
	struct callout		 c;
	int			 stop;
	int			 ok, failed;
};

static void
stress_thread(void *arg)
{
	struct stress *st = arg;
	uint32_t *b[KMAX];
	int r, i, k;

	for (r = 0; r < SROUNDS; r++) {
		k = 1 + kern_random() % KMAX;
		for (i = 0; i < k; i++) {
			if (kern_random() % 8 == 0) {
				b[i] = mpipe_alloc_nowait(st->mp);
				if (b[i] == NULL) {
					st->nullnowait++;
					break;
				}
			} else
				b[i] = mpipe_alloc_waitok(st->mp);
			b[i][0] = st->id;
			b[i][1] = r;
			if (kern_random() % 4 == 0)
				yield();
		}
		k = i;
		if (kern_random() % 64 == 0)
			tsleep(st, 0, "mpnap", 1);	/* the clock ticks */
		else if (kern_random() % 2 == 0)
			yield();
		for (i = 0; i < k; i++) {
			if (b[i][0] != (uint32_t)st->id ||
			    b[i][1] != (uint32_t)r)
				st->bad++;
			mpipe_free(st->mp, b[i]);
		}
		st->rounds++;
	}
}

static void
stress_irq(void *arg)
{
	struct stressirq *si = arg;
	void *p;

	if (si->stop)
		return;
	if ((p = mpipe_alloc_nowait(si->mp)) != NULL) {
		si->ok++;
		mpipe_free(si->mp, p);
	} else
		si->failed++;
	callout_reset(&si->c, 1);
}

SELFTEST(mpipe, stress)
{
	static struct stress st[NSTRESS];
	static struct stressirq si;
	struct thread *td[NSTRESS];
	struct malloc_pipe mp;
	u_long inuse0 = M_MPTEST->ks_inuse, gets, puts, waits;
	int i, bad = 0, rounds = 0, out, hiwat, waiters;
	bool listed;

	mpipe_init(&mp, M_MPTEST, 64, 4, NSTRESS * (KMAX - 1) + 2, MPF_INT,
	    NULL, NULL, NULL);
	mpipe_setname(&mp, "mpt-stress");
	mpipe_setintr(&mp, 1);
	memset(&si, 0, sizeof(si));
	si.mp = &mp;
	callout_init(&si.c, stress_irq, &si);
	callout_reset(&si.c, 1);
	for (i = 0; i < NSTRESS; i++) {
		memset(&st[i], 0, sizeof(st[i]));
		st[i].mp = &mp;
		st[i].id = i + 1;
		td[i] = kthread_create(stress_thread, &st[i], "mpstress");
	}
	for (i = 0; i < NSTRESS; i++) {
		kthread_join(td[i]);
		bad += st[i].bad;
		rounds += st[i].rounds;
	}
	si.stop = 1;
	callout_stop(&si.c);
	/* Take the figures, then tear down, so a failure leaks nothing. */
	out = mpipe_out(&mp);
	gets = mpipe_gets(&mp);
	puts = mpipe_puts(&mp);
	waits = mp.mp_waits;
	hiwat = mp.mp_hiwat;
	waiters = mp.mp_waiters;
	listed = mpt_print_table("\nmpt-stress ");
	if (out == 0 && waiters == 0)
		mpipe_done(&mp);
	ST_ASSERT(listed);
	ST_ASSERT_EQ(bad, 0);
	ST_ASSERT_EQ(rounds, NSTRESS * SROUNDS);
	ST_ASSERT_EQ(out, 0);
	ST_ASSERT_EQ(waiters, 0);
	ST_ASSERT_EQ(gets, puts);
	ST_ASSERT(waits > 0);			/* the cap was really hit */
	ST_ASSERT(hiwat <= NSTRESS * (KMAX - 1) + 2);
	ST_ASSERT(si.ok > 0);
	ST_ASSERT_EQ(si.failed, 0);
	ST_ASSERT_EQ(M_MPTEST->ks_inuse, inuse0);
}
