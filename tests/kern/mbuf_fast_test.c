/*
 * mbuf_fast_test.c: self-tests of the inline fast paths of m_get,
 * m_getcl and m_free (mb_tryalloc, mpipe_take, mpipe_put), suite "mbuf".
 *
 * A callout allocates and frees mbufs and clusters at every tick, in
 * interrupt context, while this thread allocates and frees them as fast
 * as it can; afterwards every pipe's books must balance and every
 * buffer be back.  Under QEMU the clock interrupt lands wherever it
 * likes in the thread's loop; on the host, where interrupts arrive only
 * when every thread waits, the loop sleeps a tick now and then.  Five
 * interrupts rarely land inside a critical section, so this is a smoke
 * test of the level changes, not a proof: the proof is that each inline
 * path does all its work between one splhigh and its splx.  In the
 * release builds (no DIAGNOSTIC) these are the inline paths; in the
 * DIAGNOSTIC builds the same calls take the checked slow paths.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/callout.h>
#include <sys/machdep.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/selftest.h>
#include "../../kern/mbuf_private.h"

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
	ok = mp->mp_nfree >= 0 && mp->mp_nfree <= mp->mp_nnom &&
	    mp->mp_nfree <= mp->mp_total && mp->mp_total <= mp->mp_nmax &&
	    mp->mp_gets - mp->mp_puts == (u_long)(mp->mp_total - mp->mp_nfree);
	splx(s);
	return (ok);
}

SELFTEST(mbuf, fast_paths_vs_interrupts)
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
