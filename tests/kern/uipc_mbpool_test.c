/*
 * uipc_mbpool_test.c: self-tests of the mbuf module's allocation seam
 * (kern/uipc_mbpool.c), suite "mbpool": every M_DONTWAIT allocation
 * failing in turn (mb_fail_after) under each chain call, M_WAIT where
 * sleeping is not allowed, M_WAIT sleeping when memory is short, double
 * free and use after free caught, and the inline fast paths of m_get,
 * m_getcl and m_free against interrupts (fast_paths_vs_interrupts).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/callout.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/machdep.h>
#include <sys/selftest.h>
#include "../../kern/mbuf_private.h"
#include "mbuf_testlib.h"
#include <sys/shell.h>

/*
 * Every M_DONTWAIT allocation of each call fails in turn: the call
 * fails cleanly (the caller's chain intact, or freed when the call says
 * so), and once enough succeed it works.
 */
SELFTEST(mbpool, fail_injection)
{
	struct mbuf *m, *r;
	int n, op, failures, err;
	u_long drops = tl_mbstat().m_drops;

	for (op = 0; op < 9; op++) {
		failures = 0;
		for (n = 0; n < 64; n++) {
			m = tl_mixed();
			mb_fail_after(n);
			r = NULL;
			err = 0;
			switch (op) {
			case 0:
				r = m_copym(m, 10, 1200, M_DONTWAIT);
				break;
			case 1:
				r = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
				break;
			case 2:
				r = m_dup(m, M_DONTWAIT);
				break;
			case 3:
				r = m_split(m, 700, M_DONTWAIT);
				break;
			case 4:
				r = m_split(m, 20, M_DONTWAIT);
				break;
			case 5:
				err = m_copyback(m, 1400, 3000, tl_extstore[1],
				    M_DONTWAIT);
				break;
			case 6:
				r = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
				err = r == NULL;
				break;
			case 7:
				m = m_prepend(m, 100, M_DONTWAIT);
				err = m == NULL;
				break;
			case 8:
				m = m_pullup(m, 400);
				err = m == NULL;
				break;
			}
			mb_fail_after(-1);
			if (op < 5 && r == NULL)
				err = 1;
			if (err) {
				failures++;
				if (op == 5)
					ST_ASSERT_EQ(err, ENOBUFS);
				/* prepend and pullup free the chain */
				if (op < 7)
					ST_ASSERT(tl_holds(m, 0, TL_MIXED_LEN));
				m_freem(m);
				continue;
			}
			if (op < 3)
				ST_ASSERT(tl_holds(r, op == 0 ? 10 : 0,
				    op == 0 ? 1200 : TL_MIXED_LEN));
			if (op == 3 || op == 4) {
				int at = op == 3 ? 700 : 20;

				ST_ASSERT(tl_holds(m, 0, at));
				ST_ASSERT(tl_holds(r, at, TL_MIXED_LEN - at));
			}
			if (op == 5)
				ST_ASSERT_EQ(m->m_pkthdr.len, 4400);
			if (op == 7)
				ST_ASSERT_EQ(m->m_pkthdr.len, TL_MIXED_LEN + 100);
			if (op == 8)
				ST_ASSERT(m->m_len >= 400 &&
				    tl_holds(m, 0, TL_MIXED_LEN));
			m_freem(r);
			m_freem(m);
			break;
		}
		ST_ASSERT(n < 64);
		if (op != 8)		/* m_pullup here allocates nothing */
			ST_ASSERT(failures > 0);
	}
	ST_ASSERT(tl_mbstat().m_drops > drops);
	ST_ASSERT_EQ(tl_extcount[0] > 0, 1);
}

/* M_WAIT in interrupt context or at a raised level must panic. */
static void
mget_wait(void *arg)
{
	m_free(m_get(M_WAIT, MT_DATA));
}

static void
mgetcl_wait_at_splnet(void *arg)
{
	struct mbuf *m;
	int s;

	s = splnet();
	m = m_getcl(M_WAIT, MT_DATA, M_PKTHDR);
	splx(s);
	m_free(m);
}

SELFTEST(mbpool, wait_in_interrupt_panics)
{
	struct panic_catch pc;
	struct mbuf *m;
	int s;

	ST_ASSERT(selftest_panics_intr(mget_wait, NULL, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "m_get: M_WAIT where sleeping is "
	    "not allowed (caller 0x") != NULL);
	/* raised spl in a thread: the same */
	ST_ASSERT(selftest_panics(mgetcl_wait_at_splnet, NULL, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "m_getcl") != NULL);
	/* M_DONTWAIT there is fine */
	s = splnet();
	m = m_get(M_DONTWAIT, MT_DATA);
	splx(s);
	ST_ASSERT(m != NULL);
	m_free(m);
}

/* A callout frees the mbuf that holds the last room. */
static void
release_later(void *arg)
{
	struct mbuf **mp = arg;

	m_free(*mp);
	*mp = NULL;
}

/* M_WAIT sleeps while the mbuf pool is exhausted and gets one afterwards. */
SELFTEST(mbpool, wait_sleeps)
{
	struct mbuf *got, *hold, *list = NULL, *m;
	struct callout co;
	u_long waits = tl_mbstat().m_wait;

	/* Take every mbuf M_DONTWAIT gives: the pool's cap stops it. */
	while ((m = m_get(M_DONTWAIT, MT_DATA)) != NULL) {
		m->m_nextpkt = list;
		list = m;
	}
	ST_ASSERT(list != NULL);
	hold = list;
	list = list->m_nextpkt;
	hold->m_nextpkt = NULL;
	callout_init(&co, release_later, &hold);
	callout_reset(&co, 3);
	got = m_get(M_WAIT, MT_DATA);		/* sleeps until the callout */
	while ((m = list) != NULL) {
		list = m->m_nextpkt;
		m->m_nextpkt = NULL;
		m_free(m);
	}
	ST_ASSERT(got != NULL);
	ST_ASSERT(hold == NULL);
	ST_ASSERT(tl_mbstat().m_wait > waits);
	m_free(got);
}

SELFTEST(mbpool, double_free_panics)
{
	struct panic_catch pc;
	struct mbuf *m, *c;
	char name[32];

#ifndef DIAGNOSTIC
	ST_SKIP("the double-free checks need DIAGNOSTIC");
#endif
	m = m_get(M_WAIT, MT_DATA);
	snprintf(name, sizeof(name), "%p", (void *)m);
	m_free(m);
	if (PANIC_TRY(&pc)) {
		m_free(m);
		panic_catch_pop(&pc);
		ST_FAIL("double free did not panic");
	}
	ST_ASSERT(strstr(pc.pc_msg, "double free") != NULL);
	ST_ASSERT(strstr(pc.pc_msg, name) != NULL);
	/* use after free */
	m = m_get(M_WAIT, MT_DATA);
	m->m_len = 4;
	m_free(m);
	if (PANIC_TRY(&pc)) {
		c = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
		panic_catch_pop(&pc);
		m_freem(c);
		ST_FAIL("use after free did not panic");
	}
	ST_ASSERT(strstr(pc.pc_msg, "m_copym") != NULL);
	ST_ASSERT(strstr(pc.pc_msg, "not live") != NULL);
}

#define FT_HOLD		8	/* buffers the callout holds between runs */
#define FT_RUNS		5	/* callout runs to wait for */

static struct {
	struct callout	 co;
	struct mbuf	*held[FT_HOLD];
	int		 runs;
	int		 got;		/* allocations that succeeded */
	int		 intr;		/* runs that saw interrupt context */
	bool		 stop;
} ft;

static void
ft_tick(void *arg)
{
	int i;

	ft.runs++;
	if (in_interrupt())
		ft.intr++;
	for (i = 0; i < FT_HOLD; i++) {
		m_freem(ft.held[i]);
		ft.held[i] = (i & 1) ? m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR) :
		    m_get(M_DONTWAIT, MT_DATA);
		if (ft.held[i] != NULL)
			ft.got++;
	}
	if (!ft.stop)
		callout_reset(&ft.co, 1);
}

/*
 * A pipe's books: every buffer out was counted going out and not
 * coming back (gets - puts), and free plus out is what exists.
 */
static bool
ft_balanced(struct malloc_pipe *mp)
{
	int s;
	bool ok;

	s = splhigh();
	ok = mp->mp_nfree >= 0 && mp->mp_nfree <= mp->mp_slots &&
	    mpipe_nfree(mp) <= mp->mp_total && mp->mp_total <= mp->mp_nmax &&
	    mpipe_gets(mp) - mpipe_puts(mp) == (u_long)mpipe_out(mp);
	splx(s);
	return (ok);
}

SELFTEST(mbpool, fast_paths_vs_interrupts)
{
	struct mbuf *m, *c;
	long pairs = 0, start, nulls = 0;
	uint64_t t0;
	int i;

	memset(&ft, 0, sizeof(ft));
	ST_ASSERT(ft_balanced(&mb_mbuf_pipe));
	ST_ASSERT(ft_balanced(&mb_cluster_pipe));
	callout_init(&ft.co, ft_tick, NULL);
	callout_reset(&ft.co, 1);
	t0 = ticks;
	/* Until the callout ran FT_RUNS times (a second at most). */
	while (ft.runs < FT_RUNS && ticks - t0 < (uint64_t)hz) {
		start = pairs;
		while (pairs - start < 2000) {
			m = m_get(M_DONTWAIT, MT_DATA);
			c = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
			if (m == NULL || c == NULL)
				nulls++;
			m_freem(m);
			m_freem(c);
			pairs++;
		}
		if (!md_async_interrupts)
			tsleep(&ft, 0, "fastpath", 1);
	}
	ft.stop = true;			/* it does not come back... */
	(void)callout_stop(&ft.co);	/* ...nor is it still pending */
	for (i = 0; i < FT_HOLD; i++)
		m_freem(ft.held[i]);
	printf("# fast paths: %ld pairs in the thread, %d callout runs "
	    "(%d in interrupt context), %d allocations there\n", pairs,
	    ft.runs, ft.intr, ft.got);
	ST_ASSERT_EQ(nulls, 0);
	ST_ASSERT(ft.runs >= FT_RUNS);
	ST_ASSERT_EQ(ft.intr, ft.runs);
	ST_ASSERT_EQ(ft.got, ft.runs * FT_HOLD);
	ST_ASSERT(ft_balanced(&mb_mbuf_pipe));
	ST_ASSERT(ft_balanced(&mb_cluster_pipe));
}
