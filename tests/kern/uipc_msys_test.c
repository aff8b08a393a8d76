/*
 * uipc_msys_test.c: self-tests of msys(9) size classes and of the mbuf
 * allocation seam on mpipe(9), suite "msys".
 *
 * The selection table (smallest class that fits, the largest when none
 * does), the no-fallback rule for M_DONTWAIT and M_WAIT, mbufs carrying
 * class storage, and the cluster pipe's interrupt reserve surviving a
 * thread that takes every cluster it can.  Cases that swap the class
 * table put the kernel's default classes back (msys_default) before
 * they return or fail.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/callout.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/os_mbuf.h>
#include <sys/selftest.h>
#include "mbuf_testlib.h"

MALLOC_DEFINE(M_MSYSTEST, "msystest", "msys(9) self-tests");

/*
 * The seed's example: pools of 32, 256 and 2048 bytes of data, so
 * blocks of that plus the mbuf header (MSYSB).
 */
#define MSYSB(n)	((n) + (int)sizeof(struct m_hdr))
struct threepools {
	struct malloc_pipe	p32, p256, p2048;
};

static void
three_init(struct threepools *tp, int n256)
{
	mpipe_init(&tp->p32, M_MSYSTEST, MSYSB(32), 4, 4, 0, NULL, NULL, NULL);
	mpipe_setname(&tp->p32, "mst-32");
	mpipe_init(&tp->p256, M_MSYSTEST, MSYSB(256), n256, n256, 0, NULL, NULL,
	    NULL);
	mpipe_setname(&tp->p256, "mst-256");
	mpipe_init(&tp->p2048, M_MSYSTEST, MSYSB(2048), 2, 2, 0, NULL, NULL,
	    NULL);
	mpipe_setname(&tp->p2048, "mst-2048");
	msys_reset();
	/* out of order on purpose: the table sorts them */
	msys_register(&tp->p2048);
	msys_register(&tp->p32);
	msys_register(&tp->p256);
}

static void
three_done(struct threepools *tp)
{
	msys_default();
	mpipe_done(&tp->p32);
	mpipe_done(&tp->p256);
	mpipe_done(&tp->p2048);
}

SELFTEST(msys, selection_table)
{
	static const struct {
		int	size;
		int	want;		/* class size */
	} tab[] = {
		{ 1, 32 }, { 10, 32 }, { 32, 32 }, { 33, 256 }, { 250, 256 },
		{ 256, 256 }, { 257, 2048 }, { 2048, 2048 }, { 4000, 2048 },
	};
	struct threepools tp;
	struct malloc_pipe extra[MSYS_MAXCLASSES];
	int got[nitems(tab)], i, n, nclasses, dup, full = 0, order = 1;

	three_init(&tp, 2);
	nclasses = msys_nclasses();
	for (i = 1; i < nclasses; i++)
		if (msys_classlen(msys_class(i - 1)) >=
		    msys_classlen(msys_class(i)))
			order = 0;
	for (i = 0; i < (int)nitems(tab); i++)
		got[i] = msys_classlen(msys_select(tab[i].size));
	dup = msys_register(&tp.p32);
	/* Fill the table: one more is refused. */
	for (n = 0; n < MSYS_MAXCLASSES; n++) {
		mpipe_init(&extra[n], M_MSYSTEST, MSYSB(3000 + n), 0, 1, 0,
		    NULL, NULL, NULL);
		if (msys_register(&extra[n]) == ENOSPC)
			full++;
	}
	three_done(&tp);
	for (n = 0; n < MSYS_MAXCLASSES; n++)
		mpipe_done(&extra[n]);
	ST_ASSERT_EQ(nclasses, 3);
	ST_ASSERT(order);
	for (i = 0; i < (int)nitems(tab); i++)
		if (got[i] != tab[i].want)
			ST_FAIL("%d bytes chose the %d class, not %d",
			    tab[i].size, got[i], tab[i].want);
	ST_ASSERT_EQ(dup, EEXIST);
	ST_ASSERT_EQ(full, 3);		/* 3 + the rest fill the slots */
	/* The kernel's classes are back: 16 apart to 128, then 1.125x. */
	ST_ASSERT_EQ(msys_nclasses(), 40);
	ST_ASSERT_EQ(msys_classlen(msys_select(1)), 32);
	ST_ASSERT_EQ(msys_classlen(msys_select(100)), 112);
	ST_ASSERT_EQ(msys_classlen(msys_select(129)), 144);
	ST_ASSERT_EQ(msys_classlen(msys_select(576)), 576);
	ST_ASSERT_EQ(msys_classlen(msys_select(1514)), 1536);
	ST_ASSERT_EQ(msys_classlen(msys_select(1537)), 1664);
	ST_ASSERT(msys_select(1921) == &mb_cluster_pipe);
	ST_ASSERT_EQ(msys_classlen(msys_select(9000)), 9216);
	ST_ASSERT_EQ(msys_classlen(msys_select(65536)), 9216);
	for (i = 1; i < msys_nclasses() - 1; i++)
		if (msys_classlen(msys_class(i)) * 8 >
		    msys_classlen(msys_class(i - 1)) * 9 &&
		    msys_classlen(msys_class(i - 1)) >= 128)
			ST_FAIL("classes %d and %d are more than 1.125x apart",
			    msys_classlen(msys_class(i - 1)),
			    msys_classlen(msys_class(i)));
}

/* The 256 class is empty: no fallback to 32 or 2048. */
SELFTEST(msys, no_fallback_dontwait)
{
	struct threepools tp;
	struct malloc_pipe *mp = NULL, *mp2 = NULL;
	void *held, *b, *small;
	u_long f32, f2048;

	three_init(&tp, 1);
	held = msys_alloc(250, M_DONTWAIT, &mp);
	b = msys_alloc(250, M_DONTWAIT, NULL);
	small = msys_alloc(10, M_DONTWAIT, &mp2);
	f32 = tp.p32.mp_fails;
	f2048 = tp.p2048.mp_fails;
	if (held != NULL)
		msys_free(mp, held);
	if (b != NULL)
		msys_free(&tp.p256, b);
	if (small != NULL)
		msys_free(mp2, small);
	three_done(&tp);
	ST_ASSERT(held != NULL && mp == &tp.p256);
	ST_ASSERT(b == NULL);		/* though 32 and 2048 have some */
	ST_ASSERT(small != NULL && mp2 == &tp.p32);
	ST_ASSERT_EQ(tp.p256.mp_fails, 1);
	ST_ASSERT_EQ(f32, 0);
	ST_ASSERT_EQ(f2048, 0);
}

struct classwaiter {
	void			*buf;
	struct malloc_pipe	*mp;
	int			 started;
};

static void
class_waiter(void *arg)
{
	struct classwaiter *w = arg;

	w->started = 1;
	w->buf = msys_alloc(250, M_WAIT, &w->mp);
}

/* M_WAIT sleeps on the chosen class, and only its frees wake it. */
SELFTEST(msys, no_fallback_wait)
{
	struct threepools tp;
	struct classwaiter w;
	struct thread *td;
	void *held, *small;
	bool slept, stillslept;
	int ssw, i;

	three_init(&tp, 1);
	memset(&w, 0, sizeof(w));
	held = msys_alloc(250, M_WAIT, NULL);
	td = kthread_create(class_waiter, &w, "msyswait");
	/* It may run on another CPU: wait (bounded) until it sleeps. */
	for (i = 0; i < 10 * hz && !(w.started && tp.p256.mp_waiters == 1);
	    i++)
		tsleep(&w, 0, "msyswt", 1);
	slept = w.started && w.buf == NULL && tp.p256.mp_waiters == 1;
	/* Traffic in another class does not feed it. */
	small = msys_alloc(10, M_WAIT, NULL);
	msys_free(&tp.p32, small);
	ssw = td->t_switches;
	tsleep(&w, 0, "msyswt", 2);	/* time for a wrong wakeup to show */
	stillslept = w.buf == NULL && td->t_switches == ssw;
	msys_free(&tp.p256, held);		/* this one does */
	kthread_join(td);
	if (w.buf != NULL)
		msys_free(w.mp, w.buf);
	three_done(&tp);
	ST_ASSERT(slept);
	ST_ASSERT(stillslept);
	ST_ASSERT(w.buf == held && w.mp == &tp.p256);
	ST_ASSERT_EQ(tp.p256.mp_waits, 1);
	ST_ASSERT_EQ(tp.p32.mp_waits, 0);
	ST_ASSERT_EQ(tp.p2048.mp_waits, 0);
}

/*
 * The seed's walk-through, literally (the Msys document): pools of 32,
 * 256 and 2048 data bytes; 10 bytes come from the 32 pool, 33 from the
 * 256, 4000 from the 2048 (the largest, though it holds less: msys_get
 * refuses that, msys_alloc hands out its block); 250 bytes with the 256
 * pool empty give NULL while the others still have mbufs.  Mynewt's
 * choice is the same: apache/mynewt-core kernel/os/src/os_msys.c
 * (commit 289799ce) lines 89-106, os_msys_find_pool, the first pool in
 * size order whose omp_databuf_len holds dsize, else the last; and
 * lines 126-134, os_msys_get_pkthdr asks for dsize plus both headers.
 */
SELFTEST(msys, seed_walkthrough)
{
	struct threepools tp;
	struct mbuf *m10, *m33, *m250, *h;
	struct malloc_pipe *mp = NULL;
	void *b4000;
	int c4000, out32, out2048;

	three_init(&tp, 1);
	m10 = msys_get(M_DONTWAIT, MT_DATA, 10);
	m33 = msys_get(M_DONTWAIT, MT_DATA, 33);
	c4000 = msys_classlen(msys_select(4000));
	b4000 = msys_alloc(4000, M_DONTWAIT, &mp);
	m250 = msys_get(M_DONTWAIT, MT_DATA, 250);	/* 256 is empty */
	out32 = mpipe_out(&tp.p32);
	out2048 = mpipe_out(&tp.p2048);
	/* 250 bytes and a packet header need 290: the 2048 pool. */
	h = msys_gethdr(M_DONTWAIT, MT_HEADER, 250, 0);
	ST_ASSERT(m10 != NULL && m33 != NULL && h != NULL);
	ST_ASSERT(m10->m_flags & M_POOL);
	ST_ASSERT(!(m10->m_flags & M_EXT));
	ST_ASSERT_EQ(M_TRAILINGSPACE(m10), 32);
	ST_ASSERT_EQ(M_SIZE(m33), 256);
	ST_ASSERT_EQ(mpipe_out(&tp.p256), 1);
	ST_ASSERT_EQ(c4000, 2048);
	ST_ASSERT(b4000 != NULL && mp == &tp.p2048);
	ST_ASSERT(msys_get(M_DONTWAIT, MT_DATA, 4000) == NULL);
	ST_ASSERT(m250 == NULL);
	ST_ASSERT_EQ(tp.p256.mp_fails, 1);
	ST_ASSERT_EQ(out32, 1);			/* 3 of 4 still free */
	ST_ASSERT_EQ(out2048, 1);		/* 1 of 2 still free */
	ST_ASSERT_EQ(mpipe_out(&tp.p2048), 2);
	ST_ASSERT(h->m_flags & M_PKTHDR);
	ST_ASSERT_EQ(M_TRAILINGSPACE(h), 2048 - (int)sizeof(struct pkthdr));
	m_free(m10);
	m_free(m33);
	m_freem(h);
	msys_free(mp, b4000);
	ST_ASSERT_EQ(mpipe_out(&tp.p32) + mpipe_out(&tp.p256) +
	    mpipe_out(&tp.p2048), 0);
	three_done(&tp);
}

/* mbufs of the kernel's classes: pool mbufs, clusters above 1920. */
SELFTEST(msys, mbufs_by_size)
{
	static const struct {
		int	size;
		int	clen;		/* the class's data bytes */
	} tab[] = {
		{ 10, 32 }, { 250, 256 }, { 300, 320 }, { 1500, 1536 },
		{ 2000, MCLBYTES }, { 9000, 9216 },
	};
	struct mbuf *m[nitems(tab)], *h, *h2;
	char data[128];
	u_long cl = tl_mbstat().m_clusters;
	int i, out112 = mpipe_out(msys_select(112));

	for (i = 0; i < (int)nitems(tab); i++) {
		m[i] = msys_get(M_DONTWAIT, MT_DATA, tab[i].size);
		ST_ASSERT(m[i] != NULL);
	}
	/* More than the largest class holds in one mbuf: refused. */
	ST_ASSERT(msys_get(M_DONTWAIT, MT_DATA, 9217) == NULL);
	ST_ASSERT(msys_get(M_DONTWAIT, MT_DATA, 0x7fffffff) == NULL);
	ST_ASSERT(msys_gethdr(M_DONTWAIT, MT_DATA, 0x7fffffff, 8) == NULL);
	ST_ASSERT(msys_gethdr(M_DONTWAIT, MT_DATA, 20000, 0) == NULL);
	/* The packet and user headers count against the class. */
	h = msys_gethdr(M_WAIT, MT_HEADER, 64, 0);
	h2 = msys_gethdr(M_WAIT, MT_HEADER, 64, M_MAXUHLEN);
	for (i = 0; i < (int)nitems(tab); i++) {
		if (tab[i].clen == MCLBYTES) {
			ST_ASSERT(m[i]->m_flags & M_EXT);
			ST_ASSERT(m[i]->m_ext.ext_flags & EXT_CLUSTER);
		} else
			ST_ASSERT(m[i]->m_flags & M_POOL);
		ST_ASSERT_EQ(M_SIZE(m[i]), tab[i].clen);
		ST_ASSERT_EQ(M_TRAILINGSPACE(m[i]), tab[i].clen);
	}
	ST_ASSERT_EQ(tl_mbstat().m_clusters, cl + 1);
	ST_ASSERT(h->m_flags & M_PKTHDR && h->m_flags & M_POOL);
	ST_ASSERT_EQ(M_SIZE(h), 112 - (int)sizeof(struct pkthdr));
	ST_ASSERT_EQ(mpipe_out(msys_select(112)), out112 + 1);
	ST_ASSERT_EQ(h2->m_pkthdr.ph_uhlen, M_MAXUHLEN);
	ST_ASSERT_EQ(M_SIZE(h2), 176 - (int)sizeof(struct pkthdr) -
	    M_MAXUHLEN);
	memset(data, 0x77, sizeof(data));
	m_copyback(h, 0, 64, data, M_WAIT);
	ST_ASSERT_EQ(h->m_len, 64);			/* one mbuf */
	for (i = 0; i < (int)nitems(tab); i++)
		m_free(m[i]);
	m_freem(h);
	m_freem(h2);
	ST_ASSERT_EQ(mpipe_out(msys_select(112)), out112);
	ST_ASSERT_EQ(tl_mbstat().m_clusters, cl);
}

struct irqcl {
	struct mbuf	*m;
	int		 inintr;
	int		 cached;	/* clusters in this CPU's cache */
	int		 done;
};

static void
irq_getcl(void *arg)
{
	struct irqcl *ic = arg;

	ic->inintr = in_interrupt();
	ic->cached = mb_cluster_pipe.mp_cache != NULL ?
	    mpipe_mycache(&mb_cluster_pipe)->mc_n : 0;
	ic->m = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
	ic->done = 1;
	wakeup(ic);
}

/*
 * The seam: a thread takes every cluster M_DONTWAIT gives it; the
 * cluster pipe is then at its interrupt share, and a receive refill in
 * a timer interrupt still gets one.  Everything goes back.  Without a
 * NIC (the host build) nobody has set a share: the test sets one of 8
 * (mpipe_setintr) and puts the old one back.
 */
SELFTEST(msys, cluster_intr_reserve)
{
	struct malloc_pipe *cp = &mb_cluster_pipe;
	struct mbuf *list = NULL, *m;
	struct irqcl ic;
	struct callout c;
	u_long drops = tl_mbstat().m_drops, intres = cp->mp_intres;
	int n = 0, nfree, total, nint0 = cp->mp_nint, nint, icext = 0;

	if (nint0 == 0)
		mpipe_setintr(cp, MIN(8, cp->mp_nnom));
	nint = cp->mp_nint;

	while ((m = m_getcl(M_DONTWAIT, MT_DATA, 0)) != NULL) {
		m->m_nextpkt = list;
		list = m;
		n++;
	}
	nfree = cp->mp_nfree;
	total = cp->mp_total;
	memset(&ic, 0, sizeof(ic));
	callout_init(&c, irq_getcl, &ic);
	callout_reset(&c, 1);
	while (!ic.done)
		tsleep(&ic, 0, "msysirq", 1);
	while ((m = list) != NULL) {
		list = m->m_nextpkt;
		m->m_nextpkt = NULL;
		m_free(m);
	}
	if (ic.m != NULL) {
		icext = (ic.m->m_flags & M_EXT) != 0;
		m_free(ic.m);
	}
	mpipe_setintr(cp, nint0);
	ST_ASSERT(nint > 0);
	ST_ASSERT(n > 0);
	ST_ASSERT_EQ(nfree, nint);		/* only the reserve is left */
	ST_ASSERT_EQ(total, cp->mp_nmax);
	ST_ASSERT_EQ(cp->mp_nmax, nmbclusters);
	ST_ASSERT(tl_mbstat().m_drops > drops);
	ST_ASSERT(ic.inintr);
	ST_ASSERT(ic.m != NULL);
	ST_ASSERT(icext);
	/*
	 * From the reserve, unless the CPU the timer interrupt ran on had
	 * clusters in its cache (under -smp 2, with the thread's loop
	 * ended on the other CPU, likely freed there meanwhile): then the
	 * interrupt took one of those.
	 */
	if (ic.cached > 0)
		printf("# the interrupt's CPU had %d cached clusters\n",
		    ic.cached);
	else
		ST_ASSERT_EQ(cp->mp_intres, intres + 1);
}

/* Fill m's data with the pattern byte (base + i) & 0xff. */
static void
chain_fill(struct mbuf *m, int base)
{
	int i;

	for (; m != NULL; m = m->m_next)
		for (i = 0; i < m->m_len; i++)
			mtod(m, uint8_t *)[i] = (uint8_t)(base++);
}

/* Is m a sound chain of len pattern bytes from base? */
static bool
chain_is(struct mbuf *m, int base, int len)
{
	static uint8_t buf[4096];
	char why[160];
	int i;

	if (m_sanity(m, why, sizeof(why)) != 0 ||
	    m_region_sanity(m, why, sizeof(why)) != 0) {
		printf("# %s\n", why);
		return (false);
	}
	if (m_length(m) != len || len > (int)sizeof(buf))
		return (false);
	m_copydata(m, 0, len, buf);
	for (i = 0; i < len; i++)
		if (buf[i] != (uint8_t)(base + i))
			return (false);
	return (true);
}

/*
 * The chain calls on a packet held in one class mbuf bigger than a
 * standard one (the bugs the property test found once it built such
 * chains): m_split near its start recursed without end (FreeBSD's
 * m_split, freebsd-src sys/kern/uipc_mbuf.c at 00c22d17, recurses on m
 * when the rest exceeds MHLEN with the comment "m can't be the lead
 * packet", which a pool mbuf holding more than MHLEN breaks); m_prepend put
 * more than MHLEN bytes in a standard mbuf because it sized it by the
 * pool mbuf's area; m_copym cut a region of a pool mbuf into standard
 * mbufs; m_pullup with only the cluster pipe refused what a cluster
 * holds.  Every class mbuf goes back (msys_nout).
 */
SELFTEST(msys, chain_calls)
{
	struct mbuf *m, *n, *c;
	u_long out0 = msys_nout(), cl0 = tl_mbstat().m_clusters;
	void *p;

	/* m_split at 10 of a 600-byte class packet */
	m = msys_gethdr(M_WAIT, MT_DATA, 600, 0);
	ST_ASSERT(m != NULL && (m->m_flags & M_POOL));
	m->m_len = m->m_pkthdr.len = 600;
	chain_fill(m, 0);
	n = m_split(m, 10, M_DONTWAIT);
	ST_ASSERT(n != NULL);
	ST_ASSERT(chain_is(m, 0, 10) && m->m_pkthdr.len == 10);
	ST_ASSERT(chain_is(n, 10, 590) && n->m_pkthdr.len == 590);
	ST_ASSERT(n->m_next != NULL && n->m_next->m_len == 590);
	m_freem(n);
	/* m_prepend of 200 bytes (more than MHLEN) before it */
	ST_ASSERT_EQ(M_LEADINGSPACE(m), 0);	/* the header is before it */
	m = m_prepend(m, 200, M_DONTWAIT);
	ST_ASSERT(m != NULL && m->m_len == 200);
	ST_ASSERT(m->m_flags & M_EXT);		/* a cluster holds it */
	m_freem(m);
	/* m_copym keeps a region of a pool mbuf in one mbuf */
	m = msys_gethdr(M_WAIT, MT_DATA, 1500, 0);
	m->m_len = m->m_pkthdr.len = 1500;
	chain_fill(m, 7);
	p = m_datarange(&m, 100, 1000, M_DONTWAIT);
	ST_ASSERT(p != NULL && m->m_pkthdr.ph_nregions == 1);
	c = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
	ST_ASSERT(c != NULL && chain_is(c, 7, 1500));
	ST_ASSERT_EQ(c->m_pkthdr.ph_nregions, 1);
	ST_ASSERT(c->m_len == 1500);		/* one class mbuf */
	ST_ASSERT(c->m_flags & M_POOL);
	m_freem(c);
	c = m_copym(m, 100, 1000, M_DONTWAIT);	/* 1000, no header */
	ST_ASSERT(c != NULL && c->m_len == 1000 && (c->m_flags & M_POOL));
	ST_ASSERT_EQ(M_SIZE(c), msys_classlen(msys_select(1000)));
	m_freem(c);
	m_freem(m);
	/* m_pullup of 1979 bytes with the cluster pipe the only class */
	msys_reset();
	msys_register(&mb_cluster_pipe);
	m = m_gethdr(M_WAIT, MT_DATA);
	m->m_len = 100;
	m->m_next = m_getcl(M_WAIT, MT_DATA, 0);
	m->m_next->m_len = 1900;
	m->m_pkthdr.len = 2000;
	chain_fill(m, 3);
	m = m_pullup(m, 1979);
	msys_default();
	ST_ASSERT(m != NULL && m->m_len >= 1979 && chain_is(m, 3, 2000));
	m_freem(m);
	ST_ASSERT_EQ(msys_nout(), out0);
	ST_ASSERT_EQ(tl_mbstat().m_clusters, cl0);
}

/*
 * os_mbuf(9) growing a chain headed by a class mbuf takes more mbufs of
 * that class alone (Mynewt's os_mbuf_append takes them from the head's
 * pool: apache/mynewt-core kernel/os/src/os_mbuf.c, os_mbuf_append), and
 * when the class runs out it keeps what fit and says OS_ENOMEM, with no
 * other class tried; every class mbuf goes back.
 */
static struct malloc_pipe ost_pipe64;

SELFTEST(msys, os_mbuf_chain)
{
	static uint8_t data[200], back[200];
	struct mbuf *m, *n;
	struct os_mbuf *om;
	int rc, i, same = 1, nm = 0, plen, out, len = 0;
	bool empty, bytes = false;

	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = (uint8_t)(i * 7);
	mpipe_init(&ost_pipe64, M_MSYSTEST, MSYSB(64), 3, 3, 0, NULL, NULL,
	    NULL);
	msys_reset();
	msys_register(&ost_pipe64);
	msys_register(&mb_cluster_pipe);	/* a bigger class beside */
	m = msys_gethdr(M_DONTWAIT, MT_DATA, 10, 0);
	om = os_mbuf_fromm(m);
	rc = m != NULL ? os_mbuf_append(om, data, sizeof(data)) : -1;
	for (n = m; n != NULL; n = n->m_next, nm++)
		if (!(n->m_flags & M_POOL) ||
		    n->m_hdr.mh_omp != m->m_hdr.mh_omp)
			same = 0;
	plen = m != NULL ? m->m_pkthdr.len : -1;
	out = mpipe_out(&ost_pipe64);
	empty = msys_get(M_DONTWAIT, MT_DATA, 10) == NULL;
	if (m != NULL && (len = m_length(m)) <= (int)sizeof(back)) {
		m_copydata(m, 0, len, back);
		bytes = memcmp(back, data, len) == 0;
	}
	m_freem(m);
	msys_default();
	ST_ASSERT(m != NULL);
	ST_ASSERT_EQ(rc, OS_ENOMEM);
	ST_ASSERT_EQ(nm, 3);			/* the head and two more */
	ST_ASSERT(same);
	ST_ASSERT_EQ(plen, 64 - (int)sizeof(struct pkthdr) + 2 * 64);
	ST_ASSERT_EQ(len, plen);
	ST_ASSERT(bytes);			/* the first bytes, in order */
	ST_ASSERT_EQ(out, 3);
	ST_ASSERT(empty);			/* no fallback to clusters */
	ST_ASSERT_EQ(mpipe_out(&ost_pipe64), 0);
	mpipe_done(&ost_pipe64);
}

/*
 * What the default classes cost idle (msys.9, mpipe.9 CACHES): a class
 * no CPU has used holds its reserve and nothing more, about 4 KiB
 * (nnom is 4096 / block, at least 1), and a class's caches' share is
 * one cache per CPU that has used it, never more than the CPUs there
 * are.  Before, each class held its reserve plus MBP_MAXCPUS x
 * MPIPE_CACHE blocks from boot, 14303K for the 40 classes.
 */
SELFTEST(msys, idle_class_holds_its_reserve)
{
	struct malloc_pipe *mp;
	int i, c, joined, unused = 0, badidle = -1, badcap = -1;
	long idlebytes = 0;

	for (i = 0; i < msys_nclasses(); i++) {
		mp = msys_class(i);
		for (joined = 0, c = 0; c < MBP_MAXCPUS; c++)
			if (mp->mp_cache[c].mc_max != 0)
				joined++;
		if (mp->mp_ccap != joined * mp->mp_cmax ||
		    joined > (int)mbp_ncpu())
			badcap = i;
		if (mpipe_gets(mp) != 0 || mp->mp_nint != 0)
			continue;
		unused++;
		idlebytes += (long)mp->mp_total * mp->mp_bytes;
		if (mp->mp_total != mp->mp_nnom || mp->mp_ccap != 0 ||
		    (long)mp->mp_total * mp->mp_bytes > MAX(4096, mp->mp_bytes))
			badidle = i;
	}
	printf("# %d of %d classes unused, holding %ld bytes\n", unused,
	    msys_nclasses(), idlebytes);
	ST_ASSERT_EQ(badcap, -1);
	ST_ASSERT_EQ(badidle, -1);
}
