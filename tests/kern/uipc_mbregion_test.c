/*
 * uipc_mbregion_test.c: self-tests of m_datarange(9) (kern/uipc_mbregion.c), suite "mbregion".
 *
 * Recording a region, reading it with mptr, the union of overlapping
 * ranges, the M_MAXREGIONS limit (merge with the nearest region, or
 * fail when the union is too long), and how each rearranging call of
 * the core treats the regions: m_prepend shifts them, m_adj clips them
 * at both ends, m_split and m_copym clip and shift the two packets,
 * m_pullup does not cut one, m_dup pulls a cut one together again,
 * m_cat leaves them be.  Also m_datarange_rw on read-only and shared
 * storage, the DIAGNOSTIC panics of mptr and mptr_rw, and a failing
 * m_datarange that leaves the packet as it was; the 16-bit limit
 * (M_REGIONMAX) of m_datarange and m_prepend.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/selftest.h>
#include "../../kern/mbuf_private.h"
#include "mbuf_testlib.h"

/* Is region i of m [off, off + len)? */
static bool
region_is(struct mbuf *m, int i, int off, int len)
{
	return (i < m->m_pkthdr.ph_nregions &&
	    (int)m->m_pkthdr.ph_regions[i].mr_off == off &&
	    (int)m->m_pkthdr.ph_regions[i].mr_len == len);
}

/* Record, read, widen to the union of what overlaps. */
SELFTEST(mbregion, record)
{
	struct mbuf *m;
	uint8_t *p;
	u_long cp0;

	m = pdt_build("i30 i60:e i40");
	p = m_datarange(&m, 40, 30, M_WAIT);
	ST_ASSERT(p != NULL && p[0] == PDT_PAT(40) && p[29] == PDT_PAT(69));
	ST_ASSERT_EQ(m->m_pkthdr.ph_nregions, 1);
	ST_ASSERT(region_is(m, 0, 40, 30));
	ST_ASSERT(mptr(m, uint8_t *, 40) == p);
	ST_ASSERT(mptr(m, uint32_t *, 66) == (uint32_t *)(p + 26));
	/* inside it: nothing copied, nothing new */
	cp0 = tl_mbstat().m_cp_datarange;
	ST_ASSERT(m_datarange(&m, 50, 10, M_WAIT) == p + 10);
	ST_ASSERT_EQ(tl_mbstat().m_cp_datarange, cp0);
	ST_ASSERT_EQ(m->m_pkthdr.ph_nregions, 1);
	/* overlapping it, across an mbuf boundary: the union is recorded */
	p = m_datarange(&m, 60, 40, M_WAIT);
	ST_ASSERT(p != NULL && p[0] == PDT_PAT(60) && p[39] == PDT_PAT(99));
	ST_ASSERT_EQ(m->m_pkthdr.ph_nregions, 1);
	ST_ASSERT(region_is(m, 0, 40, 60));
	ST_ASSERT(mptr(m, uint8_t *, 40) + 20 == p);
	/* adjacent: a second region, kept sorted */
	ST_ASSERT(m_datarange(&m, 0, 40, M_WAIT) != NULL);
	ST_ASSERT(region_is(m, 0, 0, 40) && region_is(m, 1, 40, 60));
	ST_ASSERT(m_datarange(&m, 100, 31, M_WAIT) == NULL);	/* past end */
	ST_ASSERT(pdt_holds(m, 0, 130));
	m_freem(m);
}

/* M_MAXREGIONS: the next disjoint range merges with the nearest one. */
SELFTEST(mbregion, limit)
{
	struct mbuf *m;
	int i;

	m = pdt_build("i100 c1900 c1900 c1900 c1900 c1900 c1900");
	for (i = 0; i < M_MAXREGIONS; i++)
		ST_ASSERT(m_datarange(&m, 20 * i, 10, M_WAIT) != NULL);
	ST_ASSERT_EQ(m->m_pkthdr.ph_nregions, M_MAXREGIONS);
	ST_ASSERT(m_datarange(&m, 20 * M_MAXREGIONS + 30, 10,
	    M_WAIT) != NULL);
	ST_ASSERT_EQ(m->m_pkthdr.ph_nregions, M_MAXREGIONS);
	ST_ASSERT(region_is(m, M_MAXREGIONS - 1, 20 * (M_MAXREGIONS - 1),
	    20 + 30 + 10));
	for (i = 0; i < M_MAXREGIONS - 1; i++)
		ST_ASSERT(region_is(m, i, 20 * i, 10));
	ST_ASSERT(pdt_holds(m, 0, 11500));
	/* the union would pass the largest storage: fails, nothing moves */
	ST_ASSERT(11000 - 20 * (M_MAXREGIONS - 1) > m_contigmax());
	ST_ASSERT(m_datarange(&m, 11000, 10, M_WAIT) == NULL);
	ST_ASSERT_EQ(m->m_pkthdr.ph_nregions, M_MAXREGIONS);
	ST_ASSERT(pdt_holds(m, 0, 11500));
	m_freem(m);
}

/* m_prepend shifts, m_adj clips at both ends. */
SELFTEST(mbregion, prepend_adj)
{
	struct mbuf *m;

	m = pdt_build("i30 i30");
	ST_ASSERT(m_datarange(&m, 10, 10, M_WAIT) != NULL);
	ST_ASSERT(m_datarange(&m, 40, 15, M_WAIT) != NULL);
	m = m_prepend(m, 8, M_WAIT);
	ST_ASSERT(m != NULL);
	ST_ASSERT(region_is(m, 0, 18, 10) && region_is(m, 1, 48, 15));
	ST_ASSERT(*mptr(m, uint8_t *, 18) == PDT_PAT(10));
	m = m_prepend(m, 200, M_WAIT);		/* a new mbuf in front */
	ST_ASSERT(region_is(m, 0, 218, 10));
	m_adj(m, 223);				/* clips the first one */
	ST_ASSERT(region_is(m, 0, 0, 5) && region_is(m, 1, 25, 15));
	ST_ASSERT(*mptr(m, uint8_t *, 0) == PDT_PAT(15));
	m_adj(m, -8);				/* clips the second */
	ST_ASSERT_EQ(m->m_pkthdr.len, 37);
	ST_ASSERT(region_is(m, 1, 25, 12));
	m_adj(m, -12);				/* drops it */
	ST_ASSERT_EQ(m->m_pkthdr.ph_nregions, 1);
	m_adj(m, 5);				/* drops the first */
	ST_ASSERT_EQ(m->m_pkthdr.ph_nregions, 0);
	ST_ASSERT(pdt_holds(m, 20, 20));
	m_freem(m);
}

/* m_split and m_copym clip; the tail's regions shift down. */
SELFTEST(mbregion, split_copym)
{
	struct mbuf *m, *n, *c;

	m = pdt_build("i100 i100 i100");
	ST_ASSERT(m_datarange(&m, 50, 20, M_WAIT) != NULL);
	ST_ASSERT(m_datarange(&m, 150, 20, M_WAIT) != NULL);
	ST_ASSERT(m_datarange(&m, 250, 20, M_WAIT) != NULL);
	c = m_copym(m, 0, 160, M_WAIT);
	ST_ASSERT(c != NULL);
	ST_ASSERT_EQ(c->m_pkthdr.ph_nregions, 2);
	ST_ASSERT(region_is(c, 0, 50, 20) && region_is(c, 1, 150, 10));
	ST_ASSERT(pdt_holds(c, 0, 160));
	m_freem(c);
	n = m_split(m, 160, M_WAIT);
	ST_ASSERT(n != NULL);
	ST_ASSERT_EQ(m->m_pkthdr.ph_nregions, 2);
	ST_ASSERT(region_is(m, 1, 150, 10));
	ST_ASSERT_EQ(n->m_pkthdr.ph_nregions, 2);
	ST_ASSERT(region_is(n, 0, 0, 10) && region_is(n, 1, 90, 20));
	ST_ASSERT(*mptr(n, uint8_t *, 90) == PDT_PAT(250));
	ST_ASSERT(pdt_holds(m, 0, 160));
	ST_ASSERT(pdt_holds(n, 160, 140));
	m_freem(n);
	/* split on a region's end */
	n = m_split(m, 70, M_WAIT);
	ST_ASSERT(n != NULL && m->m_pkthdr.ph_nregions == 1);
	ST_ASSERT(region_is(n, 0, 80, 10));
	m_freem(n);
	m_freem(m);
}

/* m_pullup never cuts a region; m_cat keeps them; m_dup restores. */
SELFTEST(mbregion, pullup_cat_dup)
{
	struct mbuf *m, *n, *d;

	m = pdt_build("i20 i100");
	ST_ASSERT(m_datarange(&m, 30, 30, M_WAIT) != NULL);
	m = m_pullup(m, 40);			/* would cut [30, 60) */
	ST_ASSERT(m != NULL && m->m_len >= 60);
	ST_ASSERT(pdt_holds(m, 0, 120));
	n = pdt_build("i10");
	m_catpkt(m, n);
	ST_ASSERT(region_is(m, 0, 30, 30));
	ST_ASSERT(pdt_holds(m, 0, 120) == false);	/* new bytes at end */
	m_adj(m, -10);
	ST_ASSERT(pdt_holds(m, 0, 120));
	m_freem(m);
	/* m_dup lays out 2048-byte clusters: [2040, 2060) is cut, then not */
	m = pdt_build("c1500 c1000");
	ST_ASSERT(m_datarange(&m, 2040, 20, M_WAIT) != NULL);
	d = m_dup(m, M_WAIT);
	ST_ASSERT(d != NULL && region_is(d, 0, 2040, 20));
	ST_ASSERT(pdt_holds(d, 0, 2500));
	ST_ASSERT(*mptr(d, uint8_t *, 2059) == PDT_PAT(2059));
	m_freem(d);
	mb_fail_after(2);			/* dup's header and cluster */
	d = m_dup(m, M_DONTWAIT);
	mb_fail_after(-1);
	ST_ASSERT(d == NULL);
	m_freem(m);
}

/* m_datarange_rw: read-only and shared storage in the range is copied. */
SELFTEST(mbregion, datarange_rw)
{
	static uint8_t snap[PDT_EXTSIZE];
	struct mbuf *m, *c;
	uint8_t *p;
	caddr_t buf;

	m = pdt_build("r100 i20");
	buf = m->m_ext.ext_buf;
	memcpy(snap, buf, PDT_EXTSIZE);
	p = m_datarange_rw(&m, 10, 20, M_WAIT);
	ST_ASSERT(p != NULL && p[0] == PDT_PAT(10));
	ST_ASSERT(mptr_rw(m, uint8_t *, 10) == p);
	p[0] = PDT_PAT(10);			/* writable */
	ST_ASSERT(memcmp(snap, buf, PDT_EXTSIZE) == 0);
	ST_ASSERT(pdt_holds(m, 0, 120));
	ST_ASSERT_EQ(pdt_nmbufs(m), 4);		/* r10, new 20, r70, i20 */
	m_freem(m);
	/* a writable cluster, shared by m_copym, copied by _rw again */
	m = pdt_build("c300");
	p = m_datarange_rw(&m, 10, 190, M_WAIT);
	ST_ASSERT(p != NULL && p == mtod(m, uint8_t *) + 10);
	c = m_copym(m, 0, M_COPYALL, M_WAIT);
	ST_ASSERT(c != NULL && region_is(c, 0, 10, 190));
	p = m_datarange_rw(&m, 10, 190, M_WAIT);
	ST_ASSERT(p != NULL && M_WRITABLE(m->m_next));
	memset(p, 0, 190);
	ST_ASSERT(pdt_holds(c, 0, 300));
	m_freem(m);
	m_freem(c);
}

/* mptr outside every region, and mptr_rw on shared storage, panic. */
SELFTEST(mbregion, mptr_panics)
{
	struct panic_catch pc;
	struct mbuf *m, *c;
	void *p;

#ifndef DIAGNOSTIC
	ST_SKIP("mptr checks its region only under DIAGNOSTIC");
#endif
	m = pdt_build("c300");
	ST_ASSERT(m_datarange(&m, 10, 20, M_WAIT) != NULL);
	if (PANIC_TRY(&pc)) {
		p = mptr(m, uint32_t *, 28);		/* [28, 32) */
		panic_catch_pop(&pc);
		m_freem(m);
		ST_FAIL("mptr outside the region did not panic (%p)", p);
	}
	ST_ASSERT(strstr(pc.pc_msg, "no recorded region") != NULL);
	c = m_copym(m, 0, M_COPYALL, M_WAIT);
	if (PANIC_TRY(&pc)) {
		p = mptr_rw(m, uint8_t *, 10);
		panic_catch_pop(&pc);
		m_freem(m);
		m_freem(c);
		ST_FAIL("mptr_rw on a shared cluster did not panic (%p)", p);
	}
	ST_ASSERT(strstr(pc.pc_msg, "read-only") != NULL);
	ST_ASSERT(mptr(m, uint8_t *, 10) != NULL);	/* reading is fine */
	m_freem(c);
	m_freem(m);
}

/* A failing m_datarange leaves the packet as it was. */
SELFTEST(mbregion, failure)
{
	struct mbuf *m, *m0;

	m = pdt_build("i40:e i40");
	m0 = m;
	mb_fail_after(0);
	ST_ASSERT(m_datarange(&m, 30, 20, M_DONTWAIT) == NULL);
	mb_fail_after(-1);
	ST_ASSERT(m == m0 && m->m_pkthdr.ph_nregions == 0);
	ST_ASSERT(pdt_holds(m, 0, 80));
	m_freem(m);
	m = pdt_build("r100 i20");
	m0 = m;
	mb_fail_after(0);
	ST_ASSERT(m_datarange_rw(&m, 10, 20, M_DONTWAIT) == NULL);
	mb_fail_after(-1);
	ST_ASSERT(m == m0 && m->m_pkthdr.ph_nregions == 0);
	ST_ASSERT(pdt_holds(m, 0, 120));
	m_freem(m);
}

/*
 * Regions are 16 bits (M_REGIONMAX): on a packet of 66100 bytes,
 * m_datarange records a range ending at 65535 and refuses one ending
 * at 65536 or later, leaving the packet and its regions as they were;
 * m_prepend drops a region it would carry past 65535 and shifts the
 * others.
 */
#define C2000X5		" c2000 c2000 c2000 c2000 c2000"
#define C2000X10	C2000X5 C2000X5
SELFTEST(mbregion, limit16)
{
	struct mbuf *m;
	uint8_t *p;

	m = pdt_build("i100" C2000X10 C2000X10 C2000X10 " c2000 c2000 c2000");
	ST_ASSERT_EQ(m->m_pkthdr.len, 66100);
	p = m_datarange(&m, M_REGIONMAX - 35, 35, M_WAIT);
	ST_ASSERT(p != NULL && p[34] == PDT_PAT(M_REGIONMAX - 1));
	ST_ASSERT(region_is(m, 0, M_REGIONMAX - 35, 35));
	ST_ASSERT(m_datarange(&m, M_REGIONMAX - 35, 36, M_WAIT) == NULL);
	ST_ASSERT(m_datarange(&m, 66000, 10, M_WAIT) == NULL);
	ST_ASSERT(m_datarange(&m, M_REGIONMAX, 1, M_WAIT) == NULL);
	ST_ASSERT_EQ(m->m_pkthdr.ph_nregions, 1);
	ST_ASSERT(m_datarange(&m, 10, 10, M_WAIT) != NULL);
	ST_ASSERT(m_datarange(&m, 65000, 20, M_WAIT) != NULL);
	ST_ASSERT_EQ(m->m_pkthdr.ph_nregions, 3);
	ST_ASSERT(pdt_holds(m, 0, 66100));
	/* one byte in front: [65500, 65535) would end at 65536 */
	m = m_prepend(m, 1, M_WAIT);
	ST_ASSERT(m != NULL && m->m_pkthdr.len == 66101);
	ST_ASSERT_EQ(m->m_pkthdr.ph_nregions, 2);
	ST_ASSERT(region_is(m, 0, 11, 10) && region_is(m, 1, 65001, 20));
	ST_ASSERT(*mptr(m, uint8_t *, 65001) == PDT_PAT(65000));
	/* 600 more: [65001, 65021) goes too, [11, 21) moves to [611, 621) */
	m = m_prepend(m, 600, M_WAIT);
	ST_ASSERT(m != NULL && m->m_pkthdr.ph_nregions == 1);
	ST_ASSERT(region_is(m, 0, 611, 10));
	ST_ASSERT(*mptr(m, uint8_t *, 611) == PDT_PAT(10));
	m_adj(m, 601);
	ST_ASSERT(region_is(m, 0, 10, 10));
	ST_ASSERT(pdt_holds(m, 0, 66100));
	m_freem(m);
}
