/*
 * uipc_mbuf2_test.c: self-tests of m_pulldown(9) (kern/uipc_mbuf2.c),
 * suite "mbuf2".
 *
 * The KAME cases one by one (already contiguous; in the current mbuf
 * with and without offp; the current mbuf's trailing space; the next
 * mbuf's leading space; a new mbuf; a cluster; a shared cluster and a
 * read-only external buffer that must not be written; a chain too
 * short or a range too long; zero-length mbufs in the way), the NetBSD
 * 2007 example with a recorded region, m_ensure_contig, m_makewritable
 * and m_copyback_cow, and the failure of each through mb_fail_after.
 * Each case checks the bytes, where they landed, the copy and
 * allocation counters, and frees everything it built.
 *
 * The helpers they share with other tests are in mbuf_testlib.c.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/selftest.h>
#include "../../kern/mbuf_private.h"
#include "mbuf_testlib.h"

/* Does p hold PDT_PAT(base .. base + len)? */
static bool
pat_at(const void *p, int base, int len)
{
	const uint8_t *b = p;
	int i;

	for (i = 0; i < len; i++)
		if (b[i] != PDT_PAT(base + i))
			return (false);
	return (true);
}

/* Already contiguous: nothing moves, nothing is allocated. */
SELFTEST(mbuf2, contiguous)
{
	struct mbuf *m, *n;
	u_long cp0 = tl_mbstat().m_cp_pulldown, al0 = tl_mbstat().m_pdallocs;
	u_long calls0 = tl_mbstat().m_pulldowns;
	int off = -1;

	m = pdt_build("i100 i50");
	n = m_pulldown(m, 10, 60, &off);
	ST_ASSERT(n == m);
	ST_ASSERT_EQ(off, 10);
	ST_ASSERT(pat_at(mtod(n, caddr_t) + off, 10, 60));
	ST_ASSERT(m_pulldown(m, 0, 100, NULL) == m);
	n = m_pulldown(m, 100, 50, NULL);	/* the whole second mbuf */
	ST_ASSERT(n == m->m_next);
	ST_ASSERT(pat_at(mtod(n, caddr_t), 100, 50));
	n = m_pulldown(m, 120, 30, &off);
	ST_ASSERT(n == m->m_next && off == 20);
	ST_ASSERT_EQ(tl_mbstat().m_cp_pulldown, cp0);
	ST_ASSERT_EQ(tl_mbstat().m_pdallocs, al0);
	ST_ASSERT_EQ(tl_mbstat().m_pulldowns, calls0 + 4);
	ST_ASSERT(pdt_holds(m, 0, 150));
	m_freem(m);
}

/*
 * In the current mbuf but not at its start, offp NULL: the tail is
 * copied to a new mbuf; the bytes before off stay where they were.
 */
SELFTEST(mbuf2, in_current_offp_null)
{
	struct mbuf *m, *n;
	u_long cp0 = tl_mbstat().m_cp_pulldown, al0 = tl_mbstat().m_pdallocs;
	caddr_t d0;

	m = pdt_build("i100 i50");
	d0 = m->m_data;
	n = m_pulldown(m, 30, 40, NULL);
	ST_ASSERT(n != NULL && n != m && n == m->m_next);
	ST_ASSERT(pat_at(mtod(n, caddr_t), 30, 40));
	ST_ASSERT_EQ(n->m_len, 70);
	ST_ASSERT(m->m_data == d0 && m->m_len == 30);
	ST_ASSERT(pat_at(d0, 0, 30));
	ST_ASSERT_EQ(tl_mbstat().m_cp_pulldown, cp0 + 70);
	ST_ASSERT_EQ(tl_mbstat().m_pdallocs, al0 + 1);
	ST_ASSERT(pdt_holds(m, 0, 150));
	m_freem(m);
}

/* The current mbuf's trailing space takes the tail. */
SELFTEST(mbuf2, trailing_space)
{
	struct mbuf *m, *n;
	u_long cp0 = tl_mbstat().m_cp_pulldown, al0 = tl_mbstat().m_pdallocs;
	int off = -1;

	m = pdt_build("i40 i40");
	n = m_pulldown(m, 30, 30, &off);
	ST_ASSERT(n == m && off == 30);
	ST_ASSERT_EQ(m->m_len, 60);
	ST_ASSERT_EQ(m->m_next->m_len, 20);
	ST_ASSERT(pat_at(mtod(n, caddr_t) + off, 30, 30));
	ST_ASSERT_EQ(tl_mbstat().m_cp_pulldown, cp0 + 20);
	ST_ASSERT_EQ(tl_mbstat().m_pdallocs, al0);
	ST_ASSERT(pdt_holds(m, 0, 80));
	/* off 0 with offp NULL may use it too: the data stays at mtod */
	n = m_pulldown(m, 0, 70, NULL);
	ST_ASSERT(n == m && m->m_len == 70);
	ST_ASSERT(pat_at(mtod(m, caddr_t), 0, 70));
	/* emptied mbufs are freed */
	n = m_pulldown(m, 0, 80, NULL);
	ST_ASSERT(n == m && m->m_len == 80 && m->m_next == NULL);
	ST_ASSERT(pdt_holds(m, 0, 80));
	m_freem(m);
}

/* The next mbuf's leading space takes the head; the cheaper side wins. */
SELFTEST(mbuf2, leading_space)
{
	struct mbuf *m, *n;
	u_long cp0 = tl_mbstat().m_cp_pulldown, al0 = tl_mbstat().m_pdallocs;
	int off = -1;

	m = pdt_build("i40:e i40:100");
	n = m_pulldown(m, 35, 20, &off);
	ST_ASSERT(n == m->m_next && off == 0);
	ST_ASSERT_EQ(n->m_len, 45);
	ST_ASSERT_EQ(m->m_len, 35);
	ST_ASSERT(pat_at(mtod(n, caddr_t), 35, 20));
	ST_ASSERT_EQ(tl_mbstat().m_cp_pulldown, cp0 + 5);
	ST_ASSERT(pdt_holds(m, 0, 80));
	m_freem(m);
	/* offp NULL and off inside the mbuf: leading space still works */
	m = pdt_build("i40:e i40:100");
	n = m_pulldown(m, 30, 20, NULL);
	ST_ASSERT(n == m->m_next);
	ST_ASSERT(pat_at(mtod(n, caddr_t), 30, 20));
	ST_ASSERT(pdt_holds(m, 0, 80));
	m_freem(m);
	/* both sides have room: trailing copies 10, leading would copy 30 */
	cp0 = tl_mbstat().m_cp_pulldown;
	m = pdt_build("i40 i40:100");
	n = m_pulldown(m, 10, 40, &off);
	ST_ASSERT(n == m && off == 10);
	ST_ASSERT_EQ(tl_mbstat().m_cp_pulldown, cp0 + 10);
	ST_ASSERT(pdt_holds(m, 0, 80));
	m_freem(m);
	/* ... and leading copies 2 where trailing would copy 38 */
	cp0 = tl_mbstat().m_cp_pulldown;
	m = pdt_build("i40 i40:100");
	n = m_pulldown(m, 38, 40, &off);
	ST_ASSERT(n == m->m_next && off == 0);
	ST_ASSERT_EQ(tl_mbstat().m_cp_pulldown, cp0 + 2);
	ST_ASSERT(pat_at(mtod(n, caddr_t), 38, 40));
	ST_ASSERT(pdt_holds(m, 0, 80));
	ST_ASSERT_EQ(tl_mbstat().m_pdallocs, al0);
	m_freem(m);
}

/* No room on either side: a new mbuf (internal) after the current one. */
SELFTEST(mbuf2, new_mbuf)
{
	struct mbuf *m, *n;
	u_long cp0 = tl_mbstat().m_cp_pulldown, al0 = tl_mbstat().m_pdallocs;
	u_long cl0 = tl_mbstat().m_clgets;
	int off = -1;

	m = pdt_build("i40:e i40");
	n = m_pulldown(m, 30, 20, &off);
	ST_ASSERT(n != NULL && n == m->m_next && off == 0);
	ST_ASSERT((n->m_flags & M_EXT) == 0);
	ST_ASSERT_EQ(n->m_len, 20);
	ST_ASSERT_EQ(m->m_len, 30);
	ST_ASSERT_EQ(n->m_next->m_len, 30);
	ST_ASSERT(pat_at(mtod(n, caddr_t), 30, 20));
	ST_ASSERT_EQ(tl_mbstat().m_cp_pulldown, cp0 + 20);
	ST_ASSERT_EQ(tl_mbstat().m_pdallocs, al0 + 1);
	ST_ASSERT_EQ(tl_mbstat().m_clgets, cl0);
	ST_ASSERT(pdt_holds(m, 0, 80));
	m_freem(m);
	/* offp NULL, off inside, no leading space: also a new mbuf */
	m = pdt_build("i40 i40");
	n = m_pulldown(m, 30, 20, NULL);
	ST_ASSERT(n == m->m_next && m->m_len == 30);
	ST_ASSERT(pat_at(mtod(n, caddr_t), 30, 20));
	ST_ASSERT(pdt_holds(m, 0, 80));
	m_freem(m);
}

/* More than MLEN bytes: storage of the smallest size class that fits. */
SELFTEST(mbuf2, cluster)
{
	struct mbuf *m, *n;
	int off = -1;

	m = pdt_build("i100 i200 i200");
	n = m_pulldown(m, 50, 300, &off);
	ST_ASSERT(n != NULL && n == m->m_next && off == 0);
	/*
	 * A class mbuf (header in its own block, no external storage) of
	 * the class that holds 300 bytes after the largest packet header
	 * that may move in (mb_getstorage).
	 */
	ST_ASSERT((n->m_flags & M_POOL) && (n->m_flags & M_EXT) == 0);
	ST_ASSERT(msys_select(300) != NULL);
	ST_ASSERT_EQ(M_SIZE(n), msys_classlen(msys_select(300 +
	    (int)sizeof(struct pkthdr) + M_MAXUHLEN)));
	ST_ASSERT(pat_at(mtod(n, caddr_t), 50, 300));
	ST_ASSERT_EQ(m->m_len, 50);
	ST_ASSERT(pdt_holds(m, 0, 500));
	/* the largest cluster is the limit */
	n = m_pulldown(m, 0, 500, &off);
	ST_ASSERT(n != NULL && pat_at(mtod(n, caddr_t) + off, 0, 500));
	ST_ASSERT(pdt_holds(m, 0, 500));
	m_freem(m);
}

/* A shared cluster is neither written nor used for its spaces. */
SELFTEST(mbuf2, shared_cluster)
{
	static uint8_t snap[MCLBYTES];
	struct mbuf *m, *n, *copy;
	caddr_t cl;
	int off = -1;

	/* trailing space of a shared cluster */
	m = pdt_build("c100 i100");
	copy = m_copym(m, 0, M_COPYALL, M_WAIT);
	cl = m->m_ext.ext_buf;
	memcpy(snap, cl, MCLBYTES);
	n = m_pulldown(m, 50, 100, &off);
	ST_ASSERT(n != NULL && n != m && off == 0);
	ST_ASSERT(pat_at(mtod(n, caddr_t), 50, 100));
	ST_ASSERT(memcmp(snap, cl, MCLBYTES) == 0);
	ST_ASSERT(pdt_holds(m, 0, 200));
	ST_ASSERT(pdt_holds(copy, 0, 200));
	m_freem(m);
	m_freem(copy);
	/* leading space of a shared cluster */
	m = pdt_build("i40:e c100:500");
	copy = m_copym(m, 0, M_COPYALL, M_WAIT);
	cl = m->m_next->m_ext.ext_buf;
	memcpy(snap, cl, MCLBYTES);
	n = m_pulldown(m, 35, 20, &off);
	ST_ASSERT(n != NULL && n != m->m_next->m_next && off == 0);
	ST_ASSERT((n->m_flags & M_EXT) == 0);
	ST_ASSERT(memcmp(snap, cl, MCLBYTES) == 0);
	ST_ASSERT(pdt_holds(m, 0, 140));
	ST_ASSERT(pdt_holds(copy, 0, 140));
	m_freem(copy);
	/* once no longer shared the cluster's space may be used */
	n = m_pulldown(m, 0, 140, &off);
	ST_ASSERT(n != NULL && pat_at(mtod(n, caddr_t) + off, 0, 140));
	m_freem(m);
}

/* A read-only external buffer (m_extadd M_RDONLY) is never written. */
SELFTEST(mbuf2, readonly_ext)
{
	static uint8_t snap[PDT_EXTSIZE];
	struct mbuf *m, *n;
	caddr_t buf;
	int off = -1, frees0 = pdt_extfrees;

	m = pdt_build("r100 i100");
	buf = m->m_ext.ext_buf;
	memcpy(snap, buf, PDT_EXTSIZE);
	n = m_pulldown(m, 90, 20, &off);
	ST_ASSERT(n != NULL && n != m && off == 0);
	ST_ASSERT(pat_at(mtod(n, caddr_t), 90, 20));
	ST_ASSERT(memcmp(snap, buf, PDT_EXTSIZE) == 0);
	ST_ASSERT(pdt_holds(m, 0, 200));
	m_freem(m);
	m = pdt_build("i40:e r100:500");
	buf = m->m_next->m_ext.ext_buf;
	memcpy(snap, buf, PDT_EXTSIZE);
	n = m_pulldown(m, 30, 20, &off);
	ST_ASSERT(n != NULL && n == m->m_next && off == 0);
	ST_ASSERT((n->m_flags & M_EXT) == 0);
	ST_ASSERT(memcmp(snap, buf, PDT_EXTSIZE) == 0);
	ST_ASSERT(pdt_holds(m, 0, 140));
	m_freem(m);
	ST_ASSERT_EQ(pdt_extfrees, frees0 + 2);
}

/* Failures free the chain: too short, too long, no memory. */
SELFTEST(mbuf2, failures)
{
	struct mbuf *m;
	u_long fail0 = tl_mbstat().m_pdfail;
	int off = -1, frees0 = pdt_extfrees;

	m = pdt_build("i100 e20");
	ST_ASSERT(m_pulldown(m, 50, 100, &off) == NULL);
	ST_ASSERT_EQ(pdt_extfrees, frees0 + 1);	/* freed */
	m = pdt_build("i100 i20");
	ST_ASSERT(m_pulldown(m, 120, 1, &off) == NULL);
	m = pdt_build("c2000 c2000 c2000 c2000 c2000 c2000");
	ST_ASSERT(m_contigmax() < 12000);
	ST_ASSERT(m_pulldown(m, 0, m_contigmax() + 1, &off) == NULL);
	m = pdt_build("i40:e i40");
	mb_fail_after(0);
	m = m_pulldown(m, 30, 20, &off);
	mb_fail_after(-1);
	ST_ASSERT(m == NULL);
	ST_ASSERT_EQ(tl_mbstat().m_pdfail, fail0 + 4);
	/* a cluster that cannot be had */
	m = pdt_build("i100 i200 i200");
	mb_fail_after(0);	/* a class mbuf is one allocation: its block */
	m = m_pulldown(m, 50, 300, &off);
	mb_fail_after(-1);
	ST_ASSERT(m == NULL);
}

/* Zero-length mbufs in the way are skipped (and left in place). */
SELFTEST(mbuf2, zero_length)
{
	struct mbuf *m, *n, *z;
	int off = -1;

	m = pdt_build("i30 z z i50");
	n = m_pulldown(m, 30, 10, NULL);	/* starts after the zeros */
	ST_ASSERT(n == m->m_next->m_next->m_next);
	ST_ASSERT(pat_at(mtod(n, caddr_t), 30, 10));
	n = m_pulldown(m, 20, 30, &off);	/* trailing, across the zeros */
	ST_ASSERT(n == m && off == 20);
	ST_ASSERT(pat_at(mtod(n, caddr_t) + off, 20, 30));
	ST_ASSERT(pdt_holds(m, 0, 80));
	m_freem(m);
	m = pdt_build("i30:e z z i50:100 z");
	z = m->m_next;
	n = m_pulldown(m, 25, 10, &off);	/* leading, past the zeros */
	ST_ASSERT(n == z->m_next->m_next && off == 0);
	ST_ASSERT(z->m_len == 0 && z->m_next->m_len == 0);
	ST_ASSERT(pat_at(mtod(n, caddr_t), 25, 10));
	ST_ASSERT(pdt_holds(m, 0, 80));
	m_freem(m);
	m = pdt_build("z z i20 i20");		/* an empty header mbuf */
	n = m_pulldown(m, 0, 30, &off);
	ST_ASSERT(n != NULL && pat_at(mtod(n, caddr_t) + off, 0, 30));
	ST_ASSERT(pdt_holds(m, 0, 40));
	m_freem(m);
}

/*
 * The NetBSD 2007 example: [0, 20) recorded, pull down [10, 40).  The
 * first mbuf has no trailing space and the next no leading space, so
 * the union [0, 40) goes to a new mbuf; both ranges are contiguous.
 */
SELFTEST(mbuf2, netbsd_2007)
{
	struct mbuf *m, *n;
	u_long cp0;
	int off = -1;
	void *p;

	m = pdt_build("i25:e i100");
	p = m_datarange(&m, 0, 20, M_WAIT);
	ST_ASSERT(p != NULL && p == mtod(m, void *));
	ST_ASSERT_EQ(m->m_pkthdr.ph_nregions, 1);
	cp0 = tl_mbstat().m_cp_pulldown;
	n = m_pulldown(m, 10, 30, &off);
	ST_ASSERT(n != NULL && n == m->m_next && off == 10);
	ST_ASSERT(pat_at(mtod(n, caddr_t) + off, 10, 30));
	ST_ASSERT(pat_at(mptr(m, uint8_t *, 0), 0, 20));
	ST_ASSERT(mptr(m, caddr_t, 0) == mtod(n, caddr_t));
	ST_ASSERT_EQ(tl_mbstat().m_cp_pulldown, cp0 + 40);
	ST_ASSERT_EQ(m->m_len, 0);
	ST_ASSERT(pdt_holds(m, 0, 125));
	m_freem(m);
	/* adjacent, not overlapping: nothing before off is touched */
	m = pdt_build("i25:e i100");
	ST_ASSERT(m_datarange(&m, 0, 20, M_WAIT) != NULL);
	n = m_pulldown(m, 20, 20, &off);
	ST_ASSERT(n == m->m_next && off == 0 && m->m_len == 20);
	ST_ASSERT(pdt_holds(m, 0, 125));
	m_freem(m);
	/* offp NULL cannot put 10 at an mbuf's start: it fails */
	m = pdt_build("i25:e i100");
	ST_ASSERT(m_datarange(&m, 0, 20, M_WAIT) != NULL);
	ST_ASSERT(m_pulldown(m, 10, 30, NULL) == NULL);
}

/* m_ensure_contig: like m_pullup, but the chain survives failure. */
SELFTEST(mbuf2, ensure_contig)
{
	struct mbuf *m, *m0;
	u_long cp0 = tl_mbstat().m_cp_contig;

	m = pdt_build("i10 i30 i30");
	m0 = m;
	ST_ASSERT(m_ensure_contig(&m, 50));
	ST_ASSERT(m == m0 && m->m_len == 50);
	ST_ASSERT_EQ(tl_mbstat().m_cp_contig, cp0 + 40);
	ST_ASSERT(pdt_holds(m, 0, 70));
	ST_ASSERT(m_ensure_contig(&m, 10));	/* already */
	ST_ASSERT(!m_ensure_contig(&m, 71));	/* too short: unchanged */
	ST_ASSERT(m == m0 && m->m_len == 50);
	ST_ASSERT(pdt_holds(m, 0, 70));
	m_freem(m);
	/* no room in the first mbuf: a new one takes the header */
	m = pdt_build("c10:e i100 i100");
	m0 = m;
	ST_ASSERT(m_ensure_contig(&m, 150));
	ST_ASSERT(m != m0 && (m->m_flags & M_PKTHDR) && m->m_len == 150);
	ST_ASSERT(pdt_holds(m, 0, 210));
	m_freem(m);
	/* no memory: false, and the chain is as it was */
	m = pdt_build("i10:e i100");
	m0 = m;
	mb_fail_after(0);
	ST_ASSERT(!m_ensure_contig(&m, 50));
	mb_fail_after(-1);
	ST_ASSERT(m == m0 && m->m_len == 10);
	ST_ASSERT(pdt_holds(m, 0, 110));
	ST_ASSERT(!m_ensure_contig(&m, MCLBYTES + 1));
	m_freem(m);
}

/* m_makewritable copies shared storage in the range, nothing else. */
SELFTEST(mbuf2, makewritable)
{
	struct mbuf *m, *copy, *x, *m0;
	u_long cp0 = tl_mbstat().m_cp_makewr;
	int pos, frees0 = pdt_extfrees;

	m = pdt_build("i20 c200 i20");
	copy = m_copym(m, 0, M_COPYALL, M_WAIT);
	ST_ASSERT(M_READONLY(m->m_next));
	ST_ASSERT_EQ(m_makewritable(&m, 50, 20, M_WAIT), 0);
	ST_ASSERT_EQ(tl_mbstat().m_cp_makewr, cp0 + 20);
	ST_ASSERT(pdt_holds(m, 0, 240));
	/* the range is writable, the rest of the cluster still shared */
	for (x = m, pos = 0; x != NULL; pos += x->m_len, x = x->m_next) {
		if (pos < 70 && pos + x->m_len > 50)
			ST_ASSERT(M_WRITABLE(x));
		else if (x->m_flags & M_EXT)
			ST_ASSERT(M_READONLY(x));
	}
	ST_ASSERT_EQ(pdt_nmbufs(m), 5);
	ST_ASSERT(m_copyback(m, 50, 20, "abcdefghijklmnopqrst", M_WAIT) == 0);
	ST_ASSERT(pdt_holds(copy, 0, 240));
	m_freem(copy);
	m_freem(m);
	/* a read-only head: a new mbuf takes the header and the range */
	m = pdt_build("r100 i20");
	m0 = m;
	ST_ASSERT_EQ(m_makewritable(&m, 0, 10, M_WAIT), 0);
	ST_ASSERT(m != m0 && (m->m_flags & M_PKTHDR) && M_WRITABLE(m));
	ST_ASSERT(m->m_len == 10 && m->m_next == m0);
	ST_ASSERT(m0->m_len == 90 && M_READONLY(m0));
	ST_ASSERT(pdt_holds(m, 0, 120));
	/* writable already: nothing copied */
	cp0 = tl_mbstat().m_cp_makewr;
	ST_ASSERT_EQ(m_makewritable(&m, 0, 10, M_WAIT), 0);
	ST_ASSERT_EQ(m_makewritable(&m, 100, 20, M_WAIT), 0);
	ST_ASSERT_EQ(tl_mbstat().m_cp_makewr, cp0);
	ST_ASSERT_EQ(m_makewritable(&m, 100, 21, M_WAIT), EINVAL);
	/* all of it: the buffer goes */
	ST_ASSERT_EQ(m_makewritable(&m, 0, 120, M_WAIT), 0);
	ST_ASSERT_EQ(pdt_extfrees, frees0 + 1);
	ST_ASSERT(pdt_holds(m, 0, 120));
	m_freem(m);
	/* no memory: ENOBUFS, the same bytes, nothing leaked */
	m = pdt_build("i20 r300 i20");
	mb_fail_after(0);
	ST_ASSERT_EQ(m_makewritable(&m, 30, 200, M_DONTWAIT), ENOBUFS);
	mb_fail_after(-1);
	ST_ASSERT(pdt_holds(m, 0, 340));
	m_freem(m);
}

/* m_copyback_cow: copy-on-write, and it grows the chain. */
SELFTEST(mbuf2, copyback_cow)
{
	static uint8_t src[400], buf[700];
	struct mbuf *m, *copy;
	u_long cp0 = tl_mbstat().m_cp_cbcow, cb0 = tl_mbstat().m_cp_copyback;
	int i;

	for (i = 0; i < (int)sizeof(src); i++)
		src[i] = (uint8_t)(i ^ 0x5a);
	m = pdt_build("i20 c200 i20");
	copy = m_copym(m, 0, M_COPYALL, M_WAIT);
	m = m_copyback_cow(m, 100, 300, src, M_WAIT);
	ST_ASSERT(m != NULL);
	ST_ASSERT_EQ(m->m_pkthdr.len, 400);
	m_copydata(m, 0, 400, buf);
	ST_ASSERT(pat_at(buf, 0, 100));
	ST_ASSERT(memcmp(buf + 100, src, 300) == 0);
	ST_ASSERT(pdt_holds(copy, 0, 240));
	/* the overwritten shared bytes were not copied first */
	ST_ASSERT_EQ(tl_mbstat().m_cp_cbcow, cp0 + 300);
	ST_ASSERT_EQ(tl_mbstat().m_cp_copyback, cb0);
	/* past the end: the gap is zero-filled */
	m = m_copyback_cow(m, 500, 10, src, M_WAIT);
	ST_ASSERT(m != NULL && m->m_pkthdr.len == 510);
	m_copydata(m, 0, 510, buf);
	for (i = 400; i < 500; i++)
		ST_ASSERT(buf[i] == 0);
	ST_ASSERT(memcmp(buf + 500, src, 10) == 0);
	m_freem(m);
	/* no memory: the chain is freed */
	m = m_copym(copy, 0, M_COPYALL, M_WAIT);
	mb_fail_after(0);
	m = m_copyback_cow(m, 30, 10, src, M_DONTWAIT);
	mb_fail_after(-1);
	ST_ASSERT(m == NULL);
	ST_ASSERT(pdt_holds(copy, 0, 240));
	m_freem(copy);
}

/*
 * Length limits (the audit of 2026-11): every call that makes bytes
 * contiguous checks what it copies against the storage it got.
 */

/* An m_extadd buffer of size bytes, writable, holding PDT_PAT(0 ..). */
static struct mbuf *
pdt_bigext(int size)
{
	struct mbuf *m;
	caddr_t buf;
	int i;

	m = m_gethdr(M_WAIT, MT_DATA);
	buf = malloc(size, M_PDTEST, M_WAITOK);
	for (i = 0; i < size; i++)
		buf[i] = PDT_PAT(i);
	m_extadd(m, buf, size, &pdt_extops, NULL, 0, M_WAIT);
	m->m_len = m->m_pkthdr.len = size;
	return (m);
}

/*
 * offp NULL, the range inside one mbuf but not at its start, and the
 * rest of that mbuf longer than any storage: only what can be held is
 * copied (before: the whole 19900-byte tail into one 9216-byte buffer).
 */
SELFTEST(mbuf2, long_tail)
{
	struct mbuf *m, *n;
	int frees0 = pdt_extfrees;

	m = pdt_bigext(20000);
	n = m_pulldown(m, 100, 8, NULL);
	ST_ASSERT(n != NULL && n != m);
	ST_ASSERT(pat_at(mtod(n, caddr_t), 100, 8));
	ST_ASSERT(!m_readonly(n));
	ST_ASSERT_EQ(m->m_len, 100);
	ST_ASSERT(pdt_holds(m, 0, 20000));
	/* and once more further in, over what the first call left */
	n = m_pulldown(m, 15000, 64, NULL);
	ST_ASSERT(n != NULL && pat_at(mtod(n, caddr_t), 15000, 64));
	ST_ASSERT(pdt_holds(m, 0, 20000));
	m_freem(m);
	ST_ASSERT_EQ(pdt_extfrees, frees0 + 1);
	/* a 64 KiB buffer, a range longer than one class buffer: refused */
	m = pdt_bigext(65536);
	ST_ASSERT(m_pulldown(m, 1, m_contigmax() + 1, NULL) == NULL);
	ST_ASSERT_EQ(pdt_extfrees, frees0 + 2);
	m = pdt_bigext(65536);
	n = m_pulldown(m, 1, m_contigmax(), NULL);
	ST_ASSERT(n != NULL && pat_at(mtod(n, caddr_t), 1, m_contigmax()));
	ST_ASSERT(pdt_holds(m, 0, 65536));
	m_freem(m);
}

/*
 * A class table with one small class: m_contigmax says what it can
 * hold, and every call refuses more by its contract instead of writing
 * past the buffer (before: m_contigmax said MCLBYTES and m_pullup(m,
 * 1500) wrote 860 bytes past a 640-byte buffer).
 */
static struct malloc_pipe pdt_pipe640;

SELFTEST(mbuf2, small_classes)
{
	struct mbuf *m, *m0, *n;
	int off, frees0 = pdt_extfrees;

	/*
	 * Blocks that are mbufs: 640 data bytes after the mbuf header and
	 * the largest packet header that may move in.
	 */
	mpipe_init(&pdt_pipe640, M_PDTEST, 640 + (int)sizeof(struct m_hdr) +
	    (int)sizeof(struct pkthdr) + M_MAXUHLEN, 4, 4, 0, NULL, NULL, NULL);
	msys_reset();
	msys_register(&pdt_pipe640);
	ST_ASSERT_EQ(m_contigmax(), 640);
	/* m_pullup: refused, the chain freed (its contract) */
	m = pdt_build("i100 e1000 e1000");
	ST_ASSERT(m_pullup(m, 1500) == NULL);
	m = pdt_build("i100 e1000");
	m = m_pullup(m, 600);
	ST_ASSERT(m != NULL && m->m_len >= 600 && pdt_holds(m, 0, 1100));
	m_freem(m);
	/* m_pulldown: freed */
	m = pdt_build("i100 e1000");
	ST_ASSERT(m_pulldown(m, 50, 700, &off) == NULL);
	/* m_ensure_contig, m_datarange: refused, the chain kept */
	m = pdt_build("i100 e1000");
	m0 = m;
	ST_ASSERT(!m_ensure_contig(&m, 700));
	ST_ASSERT(m == m0 && pdt_holds(m, 0, 1100));
	ST_ASSERT(m_datarange(&m, 10, 700, M_DONTWAIT) == NULL);
	ST_ASSERT(pdt_holds(m, 0, 1100));
	n = m_pulldown(m, 50, 640, &off);
	ST_ASSERT(n != NULL && pat_at(mtod(n, caddr_t) + off, 50, 640));
	ST_ASSERT(pdt_holds(m, 0, 1100));
	m_freem(m);
	/* msys_get cannot hold 1000 bytes in one 640-byte buffer */
	ST_ASSERT(msys_get(M_DONTWAIT, MT_DATA, 1000) == NULL);
	/* a shared 1000-byte buffer made writable: in 640-byte pieces */
	m = pdt_build("i10 e1000");
	n = m_copym(m, 0, M_COPYALL, M_WAIT);
	ST_ASSERT(m_makewritable(&m, 0, 1010, M_DONTWAIT) == 0);
	ST_ASSERT(pdt_holds(m, 0, 1010) && pdt_holds(n, 0, 1010));
	m_freem(n);
	m_freem(m);
	/* no class at all: only an mbuf's own area */
	msys_reset();
	ST_ASSERT(m_contigmax() < (int)MLEN + 1);
	m = pdt_build("i10 i200");
	ST_ASSERT(m_pullup(m, 210) == NULL);
	msys_default();
	ST_ASSERT(m_contigmax() >= MCLBYTES);
	ST_ASSERT_EQ(pdt_extfrees, frees0 + 6);
	mpipe_done(&pdt_pipe640);
}

/*
 * KAME's contract (NetBSD mbuf.9, m_pulldown: "it is guaranteed that
 * the mbuf pointed to by n does not have a shared external storage,
 * therefore it is safe to update the contiguous region"; the
 * sharedcluster test of NetBSD sys/kern/uipc_mbuf2.c rev 1.6.4.3,
 * lines 120 and 126, and its m_dup of the tail at 136-137): the range the
 * caller asked for may be written, even when it already lay in one
 * mbuf whose storage is shared or read-only.  Writing through the
 * result never changes a copy made with m_copym before the call.
 */
SELFTEST(mbuf2, result_writable)
{
	static const struct {
		const char	*spec;
		int		 off, len;
		bool		 offp;
	} tab[] = {
		{ "c300 i20", 0, 40, false },	/* at the start, offp NULL */
		{ "c300 i20", 0, 40, true },
		{ "c300 i20", 100, 40, true },	/* inside, offp given */
		{ "c300 i20", 100, 40, false },
		{ "c300 i20", 260, 40, true },	/* to the mbuf's end */
		{ "i20 c300", 30, 40, true },	/* not the head */
		{ "r300", 10, 8, true },	/* read-only storage */
		{ "r300", 0, 300, false },
		{ "i20 c300", 10, 40, true },	/* across: already copied */
	};
	struct mbuf *m, *n, *copy;
	caddr_t p;
	int i, off, len, o;

	for (i = 0; i < (int)nitems(tab); i++) {
		m = pdt_build(tab[i].spec);
		len = m->m_pkthdr.len;
		copy = m_copym(m, 0, M_COPYALL, M_WAIT);
		off = -1;
		n = m_pulldown(m, tab[i].off, tab[i].len,
		    tab[i].offp ? &off : NULL);
		ST_ASSERT(n != NULL);
		o = tab[i].offp ? off : 0;
		ST_ASSERT(!m_readonly(n));
		ST_ASSERT(o >= 0 && o + tab[i].len <= n->m_len);
		p = mtod(n, caddr_t) + o;
		ST_ASSERT(pat_at(p, tab[i].off, tab[i].len));
		memset(p, 0xa5, tab[i].len);
		ST_ASSERT(pdt_holds(copy, 0, len));
		ST_ASSERT(!pdt_holds(m, 0, len));
		ST_ASSERT((uint8_t)m_getptr(m, tab[i].off, &o)->m_data[o] ==
		    0xa5);
		m_freem(copy);
		m_freem(m);
	}
}

/*
 * len 0, as KAME takes it (NetBSD sys/kern/uipc_mbuf2.c rev 1.6.4.3:
 * line 100 checks only len > MCLBYTES; lines 105-118 walk to off and
 * free the chain, "mbuf chain too short", when off is at or past the
 * end): the mbuf holding off, nothing moved; past the end the chain is
 * freed.
 */
SELFTEST(mbuf2, len_zero)
{
	struct mbuf *m, *n;
	u_long cp0 = tl_mbstat().m_cp_pulldown;
	int off = -1;

	m = pdt_build("i40 z c100");
	n = m_pulldown(m, 10, 0, &off);
	ST_ASSERT(n == m && off == 10);
	n = m_pulldown(m, 40, 0, &off);		/* skips the empty mbuf */
	ST_ASSERT(n == m->m_next->m_next && off == 0);
	n = m_pulldown(m, 0, 0, NULL);
	ST_ASSERT(n == m);
	ST_ASSERT_EQ(tl_mbstat().m_cp_pulldown, cp0);
	ST_ASSERT(pdt_holds(m, 0, 140));
	ST_ASSERT(m_pulldown(m, 140, 0, &off) == NULL);	/* freed */
}
