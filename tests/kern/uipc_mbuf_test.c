/*
 * uipc_mbuf_test.c: self-tests of mbuf(9) (kern/uipc_mbuf.c), suite "mbuf": every call in its
 * ordinary case, at the boundaries (offset 0, an offset on an mbuf
 * boundary, a length to the exact end, zero-length mbufs inside the
 * chain, M_COPYALL), with shared storage, and with every M_DONTWAIT
 * allocation failing in turn (mb_fail_after).  The harness checks after
 * each case that every mbuf, cluster and external buffer came back.
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
#include <sys/selftest.h>
#include "../../kern/mbuf_private.h"
#include "mbuf_testlib.h"
#include <sys/shell.h>

MALLOC_DEFINE(M_MBTEST, "mbtest", "mbuf self-tests");

#define PAT(i)		((uint8_t)((i) * 7 + 3))

/* External buffers for tests: malloc'd, counted when freed. */
static int ext_frees;
static int ext_csums;

static void
ext_free(caddr_t buf, size_t size, void *arg)
{
	free(buf, M_MBTEST);
	ext_frees++;
	if (arg != NULL)
		(*(int *)arg)++;
}

static uint16_t
ext_csum(caddr_t buf, int off, int len, void *arg)
{
	ext_csums++;
	return (in_cksum_sum(buf + off, len));
}

static const struct m_extops ext_ops = { ext_free, NULL };
static const struct m_extops ext_ops_csum = { ext_free, ext_csum };

/* A new mbuf of kind k ('i', 'c', 'e', 'r') holding len bytes. */
static struct mbuf *
mk_one(char k, int len, int hdr)
{
	struct mbuf *m;
	caddr_t buf;

	m = hdr ? m_gethdr(M_WAIT, MT_DATA) : m_get(M_WAIT, MT_DATA);
	switch (k) {
	case 'c':
		m_clget(m, M_WAIT);
		break;
	case 'e':
	case 'r':
		buf = malloc(1024, M_MBTEST, M_WAITOK);
		m_extadd(m, buf, 1024, &ext_ops_csum, NULL,
		    k == 'r' ? M_RDONLY : 0, M_WAIT);
		break;
	}
	m->m_len = len;
	return (m);
}

/*
 * Build a packet from a spec like "i10 c100 i0 e50": kind and length
 * of each mbuf; byte i of the packet is PAT(i).
 */
static struct mbuf *
mk_chain(const char *spec)
{
	struct mbuf *top = NULL, **np = &top, *m;
	int total = 0, len, i;
	char k;

	while (*spec != '\0') {
		while (*spec == ' ')
			spec++;
		k = *spec++;
		len = (int)strtoul(spec, (char **)&spec, 10);
		m = mk_one(k, 0, top == NULL);
		if (k == 'c' || k == 'e' || k == 'r')
			m->m_data += 3;		/* not at the start */
		for (i = 0; i < len; i++)
			m->m_data[i] = PAT(total + i);
		m->m_len = len;
		total += len;
		*np = m;
		np = &m->m_next;
	}
	top->m_pkthdr.len = total;
	return (top);
}

/* Does the packet hold PAT(base .. base + len)? */
static bool
holds_pat(struct mbuf *m, int base, int len)
{
	static uint8_t buf[8192];
	char why[160];
	int i;

	if (m_sanity(m, why, sizeof(why)) != 0) {
		printf("# %s\n", why);
		return (false);
	}
	if (m_length(m) != len ||
	    ((m->m_flags & M_PKTHDR) && m->m_pkthdr.len != len))
		return (false);
	m_copydata(m, 0, len, buf);
	for (i = 0; i < len; i++)
		if (buf[i] != PAT(base + i))
			return (false);
	return (true);
}

SELFTEST(mbuf, layout)
{
	struct mbuf m;

	memset(&m, 0, sizeof(m));	/* M_UHDR reads m_flags (M_POOL) */
	ST_ASSERT_EQ(sizeof(struct mbuf), MSIZE);
	/*
	 * m_hdr: three pointers, an int, two shorts, then os_mbuf(9)'s pool
	 * pointer, data length and two bytes (48 bytes on LP64, 28 ILP32).
	 */
	ST_ASSERT_EQ(MLEN, MSIZE - roundup(4 * sizeof(void *) + 12,
	    sizeof(void *)));
	ST_ASSERT_EQ(MHLEN, MLEN - sizeof(struct pkthdr));
	/*
	 * pkthdr: a pointer, three 32-bit fields, four bytes, then four
	 * regions of two 16-bit fields (40 bytes on LP64, 36 ILP32), so
	 * that m_hdr and pkthdr fit the 89 bytes Mynewt's extend test
	 * allows (os_mbuf_test_extend, mynewt-core os_mbuf_test.c).
	 */
	ST_ASSERT_EQ(sizeof(struct m_region), 4);
	ST_ASSERT_EQ(sizeof(struct pkthdr), roundup(sizeof(void *) + 16,
	    sizeof(void *)) + 4 * M_MAXREGIONS);
	ST_ASSERT(sizeof(struct m_hdr) + sizeof(struct pkthdr) <= 89);
	ST_ASSERT(MINCLSIZE > MHLEN && MINCLSIZE > MLEN);
	ST_ASSERT_EQ(MCLBYTES, 2048);
	ST_ASSERT_EQ(M_WAIT, M_WAITOK);
	ST_ASSERT_EQ(M_DONTWAIT, M_NOWAIT);
	ST_ASSERT((caddr_t)&m.m_ext > (caddr_t)&m.m_pkthdr);
	ST_ASSERT((caddr_t)M_UHDR(&m) >= (caddr_t)&m.m_ext + sizeof(m.m_ext));
	ST_ASSERT(m.m_pktdat + MHLEN == m.m_dat + MLEN);
	ST_ASSERT_EQ(M_MAXREGIONS, 4);
	ST_ASSERT_EQ(nitems(m.m_pkthdr.ph_regions), M_MAXREGIONS);
}

SELFTEST(mbuf, get)
{
	struct mbuf *m, *h, *c, *z;
	u_long gets = mbstat_gets(), data = tl_mbstat().m_mtypes[MT_DATA];
	int i;

	m = m_get(M_WAIT, MT_DATA);
	h = m_gethdr(M_DONTWAIT, MT_HEADER);
	ST_ASSERT(m != NULL && h != NULL);
	ST_ASSERT_EQ(mbstat_gets(), gets + 2);
	ST_ASSERT_EQ(tl_mbstat().m_mtypes[MT_DATA], data + 1);
	ST_ASSERT(m->m_type == MT_DATA && m->m_flags == 0 && m->m_len == 0);
	ST_ASSERT(m->m_next == NULL && m->m_nextpkt == NULL);
	ST_ASSERT(m->m_data == m->m_dat);
	ST_ASSERT_EQ(M_LEADINGSPACE(m), 0);
	ST_ASSERT_EQ(M_TRAILINGSPACE(m), MLEN);
	ST_ASSERT(h->m_flags == M_PKTHDR && h->m_data == h->m_pktdat);
	ST_ASSERT(h->m_pkthdr.len == 0 && h->m_pkthdr.rcvif == NULL &&
	    h->m_pkthdr.ph_uhlen == 0 && h->m_pkthdr.ph_nregions == 0);
	ST_ASSERT_EQ(M_TRAILINGSPACE(h), MHLEN);
	ST_ASSERT(M_WRITABLE(m) && !M_READONLY(h));
	M_ALIGN(m, 10);
	ST_ASSERT_EQ(M_TRAILINGSPACE(m) + M_LEADINGSPACE(m), MLEN);
	ST_ASSERT(M_TRAILINGSPACE(m) >= 10 && M_TRAILINGSPACE(m) < 10 + 8);
	MH_ALIGN(h, 20);
	ST_ASSERT(M_TRAILINGSPACE(h) >= 20 && M_TRAILINGSPACE(h) < 20 + 8);
	ST_ASSERT(((uintptr_t)h->m_data & (sizeof(long) - 1)) == 0);
	m_free(h);

	z = m_getclr(M_WAIT, MT_DATA);
	for (i = 0; i < (int)MLEN; i++)
		ST_ASSERT(z->m_dat[i] == 0);
	ST_ASSERT(m_free(z) == NULL);

	c = m_getcl(M_WAIT, MT_DATA, M_PKTHDR);
	ST_ASSERT((c->m_flags & (M_EXT | M_PKTHDR)) == (M_EXT | M_PKTHDR));
	ST_ASSERT(c->m_ext.ext_flags & EXT_CLUSTER);
	ST_ASSERT_EQ(c->m_ext.ext_size, MCLBYTES);
	ST_ASSERT(c->m_ext.ext_refcnt == NULL && M_WRITABLE(c));
	ST_ASSERT_EQ(M_TRAILINGSPACE(c), MCLBYTES);
	m_free(c);

	MCLGET(m, M_DONTWAIT);
	ST_ASSERT(m->m_flags & M_EXT);
	ST_ASSERT(m->m_data == m->m_ext.ext_buf);
	m->m_next = m_get(M_WAIT, MT_DATA);
	z = m->m_next;
	ST_ASSERT(m_free(m) == z);	/* m_free returns the next */
	ST_ASSERT_EQ(tl_mbstat().m_mtypes[MT_DATA], data + 1);
	m_freem(z);
	m_freem(NULL);
	ST_ASSERT_EQ(tl_mbstat().m_mtypes[MT_DATA], data);
}

SELFTEST(mbuf, user_header)
{
	struct mbuf *m, *n, *c;
	uint8_t *uh;
	int i;

	m = m_gethdr_uh(M_WAIT, MT_DATA, 12);
	ST_ASSERT_EQ(m->m_pkthdr.ph_uhlen, 12);
	ST_ASSERT_EQ(M_TRAILINGSPACE(m), MHLEN - M_UHSPACE(m));
	ST_ASSERT_EQ(M_LEADINGSPACE(m), 0);
	uh = M_UHDR(m);
	for (i = 0; i < 12; i++) {
		ST_ASSERT(uh[i] == 0);
		uh[i] = 0xa0 + i;
	}
	ST_ASSERT(m->m_data >= (caddr_t)uh + 12);
	m_copyback(m, 0, 40, "0123456789012345678901234567890123456789",
	    M_WAIT);
	/* m_prepend moves the header and its user header. */
	m = m_prepend(m, MHLEN, M_WAIT);
	ST_ASSERT(m != NULL && (m->m_flags & M_PKTHDR));
	ST_ASSERT(m->m_flags & M_EXT);		/* did not fit: a cluster */
	ST_ASSERT_EQ(m->m_pkthdr.len, 40 + MHLEN);
	ST_ASSERT_EQ(m->m_pkthdr.ph_uhlen, 12);
	uh = M_UHDR(m);
	for (i = 0; i < 12; i++)
		ST_ASSERT(uh[i] == 0xa0 + i);
	/* copies keep it, in their own storage */
	n = m_copym(m, 0, M_COPYALL, M_WAIT);
	c = m_dup(m, M_WAIT);
	ST_ASSERT(M_UHDR(n) != M_UHDR(m) && M_UHDR(c) != M_UHDR(m));
	ST_ASSERT(memcmp(M_UHDR(n), M_UHDR(m), 12) == 0);
	ST_ASSERT(memcmp(M_UHDR(c), M_UHDR(m), 12) == 0);
	m_freem(n);
	m_freem(c);
	/* a cluster taken by a header mbuf leaves the user header alone */
	n = m_gethdr_uh(M_WAIT, MT_DATA, M_MAXUHLEN);
	memset(M_UHDR(n), 0x5a, M_MAXUHLEN);
	ST_ASSERT(M_TRAILINGSPACE(n) > 0);
	ST_ASSERT_EQ(m_clget(n, M_WAIT), 0);
	for (i = 0; i < M_MAXUHLEN; i++)
		ST_ASSERT(((uint8_t *)M_UHDR(n))[i] == 0x5a);
	ST_ASSERT_EQ(M_TRAILINGSPACE(n), MCLBYTES);
	m_verify(n, "user_header");
	m_freem(n);
	m_freem(m);
}

SELFTEST(mbuf, extadd_free_once)
{
	struct mbuf *m, *c1, *c2, *t;
	caddr_t buf;
	int mine = 0, frees = ext_frees;
	u_long out = tl_mbstat().m_extbufs;

	buf = malloc(600, M_MBTEST, M_WAITOK);
	for (int i = 0; i < 600; i++)
		buf[i] = PAT(i);
	m = m_gethdr(M_WAIT, MT_DATA);
	ST_ASSERT_EQ(m_extadd(m, buf, 600, &ext_ops, &mine, 0, M_WAIT), 0);
	m->m_len = m->m_pkthdr.len = 600;
	ST_ASSERT(m->m_data == buf && (m->m_ext.ext_flags & EXT_EXTADD));
	ST_ASSERT_EQ(tl_mbstat().m_extbufs, out + 1);
	ST_ASSERT(M_WRITABLE(m));
	c1 = m_copym(m, 0, M_COPYALL, M_WAIT);
	ST_ASSERT(c1->m_data == buf);		/* shared, not copied */
	ST_ASSERT(*m->m_ext.ext_refcnt == 2);
	ST_ASSERT(M_READONLY(m) && M_READONLY(c1));
	ST_ASSERT_EQ(M_LEADINGSPACE(c1), 0);
	ST_ASSERT_EQ(M_TRAILINGSPACE(m), 0);
	c2 = m_copym(c1, 100, 50, M_WAIT);
	ST_ASSERT(c2->m_data == buf + 100 && c2->m_len == 50);
	t = m_split(m, 300, M_WAIT);
	ST_ASSERT(t != NULL && t->m_data == buf + 300);
	ST_ASSERT_EQ(*m->m_ext.ext_refcnt, 4);
	ST_ASSERT(holds_pat(m, 0, 300) && holds_pat(t, 300, 300));
	ST_ASSERT(holds_pat(c2, 100, 50) && holds_pat(c1, 0, 600));
	m_freem(m);
	m_freem(c1);
	m_freem(t);
	ST_ASSERT_EQ(mine, 0);			/* c2 still holds it */
	ST_ASSERT(M_READONLY(c2) == 0);		/* the last holder */
	m_freem(c2);
	ST_ASSERT_EQ(mine, 1);			/* exactly once */
	ST_ASSERT_EQ(ext_frees, frees + 1);
	ST_ASSERT_EQ(tl_mbstat().m_extbufs, out);

	/* read-only storage is never writable, even alone */
	buf = malloc(64, M_MBTEST, M_WAITOK);
	m = m_get(M_WAIT, MT_DATA);
	m_extadd(m, buf, 64, &ext_ops, &mine, M_RDONLY, M_WAIT);
	ST_ASSERT(M_READONLY(m) && (m->m_ext.ext_flags & EXT_RDONLY));
	ST_ASSERT_EQ(M_TRAILINGSPACE(m), 0);
	m->m_len = 10;
	ST_ASSERT_EQ(m_copyback(m, 0, 4, "abcd", M_WAIT), EPERM);
	m_free(m);
	ST_ASSERT_EQ(mine, 2);
}

/*
 * m_copym of zero bytes copies nothing and returns NULL, as mbuf(9)
 * says and every BSD does (NetBSD m_copym0 and FreeBSD m_copym loop
 * while len > 0, so top stays NULL): no empty header mbuf holding a
 * reference that would leave the original read-only.
 */
SELFTEST(mbuf, copym_zero)
{
	struct mbuf *m;
	u_long shared0 = tl_mbstat().m_shared;

	m = mk_chain("c100 i20");
	ST_ASSERT(m_copym(m, 0, 0, M_WAIT) == NULL);
	ST_ASSERT(m_copym(m, 0, 0, M_DONTWAIT) == NULL);
	ST_ASSERT(m_copym(m, 50, 0, M_WAIT) == NULL);
	ST_ASSERT(m_copym(m, 120, 0, M_WAIT) == NULL);
	ST_ASSERT_EQ(tl_mbstat().m_shared, shared0);
	ST_ASSERT(!M_READONLY(m) && m->m_ext.ext_refcnt == NULL);
	ST_ASSERT_EQ(m_copyback(m, 0, 4, "abcd", M_WAIT), 0);
	m_freem(m);
}

SELFTEST(mbuf, copym)
{
	struct mbuf *m, *c;
	static const char *const specs[] = {
		"i10 c100 i0 e50 i208", "h0 i0 i5 i0", "c2000 c2000",
		"r30 i0 i1 c1",
	};
	static char out[1024];
	char want[80];
	int s, total, off, len;
	size_t n;

	for (s = 0; s < (int)nitems(specs); s++) {
		m = mk_chain(specs[s]);
		total = m->m_pkthdr.len;
		/* whole, M_COPYALL: shares the header */
		c = m_copym(m, 0, M_COPYALL, M_WAIT);
		ST_ASSERT(c->m_flags & M_PKTHDR);
		ST_ASSERT(holds_pat(c, 0, total));
		m_freem(c);
		c = m_copym(m, 0, total, M_DONTWAIT);
		ST_ASSERT(holds_pat(c, 0, total));
		m_freem(c);
		/* every offset, to the exact end and shorter */
		for (off = 1; off < total; off += 1 + off / 3) {
			c = m_copym(m, off, M_COPYALL, M_WAIT);
			ST_ASSERT(c != NULL && !(c->m_flags & M_PKTHDR));
			ST_ASSERT(holds_pat(c, off, total - off));
			m_freem(c);
			len = (total - off) / 2 + 1;
			c = m_copym(m, off, len, M_WAIT);
			ST_ASSERT(holds_pat(c, off, len));
			m_freem(c);
		}
		/* nothing left after the offset */
		ST_ASSERT(m_copym(m, total, M_COPYALL, M_WAIT) == NULL ||
		    total == 0);
		ST_ASSERT(holds_pat(m, 0, total));
		m_freem(m);
	}
	/* clusters are shared, internal data copied */
	m = mk_chain("i20 c100");
	c = m_copym(m, 5, 100, M_WAIT);
	ST_ASSERT(c->m_data != m->m_data + 5);
	ST_ASSERT(c->m_next->m_data == m->m_next->m_data);
	ST_ASSERT(c->m_next->m_ext.ext_buf == m->m_next->m_ext.ext_buf);
	ST_ASSERT(M_READONLY(m->m_next) && !M_READONLY(m));
	/* writing through the copy is refused and changes nothing */
	ST_ASSERT_EQ(m_copyback(c, 20, 4, "xxxx", M_WAIT), EPERM);
	ST_ASSERT(holds_pat(m, 0, 120) && holds_pat(c, 5, 100));
	/* ...but writing nothing there is no error */
	ST_ASSERT_EQ(m_copyback(c, 20, 0, "", M_WAIT), 0);
	/* m_print: one line per mbuf (c has no packet header) */
	cons_capture_start(out, sizeof(out));
	m_print(c);
	m_print(NULL);
	n = cons_capture_stop();
	snprintf(want, sizeof(want), "  0 %p data    -           off    0 "
	    "len   15 ", (void *)c);
	ST_ASSERT(n > 0 && strncmp(out, want, strlen(want)) == 0);
	snprintf(want, sizeof(want), "\n  1 %p data    EXT ", (void *)c->m_next);
	ST_ASSERT(strstr(out, want) != NULL);
	ST_ASSERT(strstr(out, "len   85 ") != NULL);
	ST_ASSERT(strstr(out, " internal : ") != NULL);
	ST_ASSERT(strstr(out, " cluster refs 2 ro : ") != NULL);
	ST_ASSERT(strstr(out, "\nmbuf chain NULL\n") != NULL);
	m_freem(c);
	ST_ASSERT(M_WRITABLE(m->m_next));
	m_freem(m);
}

SELFTEST(mbuf, dup)
{
	static const uint8_t zeros[2160];
	struct mbuf *m, *d, *n;

	m = mk_chain("i10 c100 i0 r50 e500 c1500");
	m->m_pkthdr.csum_flags = 0x0004;
	m->m_flags |= M_BCAST;
	d = m_dup(m, M_WAIT);
	ST_ASSERT(holds_pat(d, 0, 2160));
	ST_ASSERT(d->m_pkthdr.csum_flags == 0x0004);
	ST_ASSERT(d->m_flags & M_BCAST);
	for (n = d; n != NULL; n = n->m_next) {
		ST_ASSERT(M_WRITABLE(n));
		ST_ASSERT(!(n->m_flags & M_EXT) ||
		    (n->m_ext.ext_flags & EXT_CLUSTER));
	}
	ST_ASSERT(pdt_nmbufs(d) <= 3);
	/* writable: writing the copy leaves the original alone */
	ST_ASSERT_EQ(m_copyback(d, 0, sizeof(zeros), zeros, M_WAIT), 0);
	ST_ASSERT(!holds_pat(d, 0, 2160));
	ST_ASSERT(holds_pat(m, 0, 2160));
	m_freem(d);
	m_adj(m, 2160);
	d = m_dup(m, M_WAIT);		/* an empty packet */
	ST_ASSERT(d != NULL && holds_pat(d, 0, 0));
	m_freem(d);
	m_freem(m);
}

SELFTEST(mbuf, copydata_copyback)
{
	struct mbuf *m;
	uint8_t buf[1200], want[1200];
	int i;

	m = mk_chain("h10 i0 c100 i20");
	m_copydata(m, 0, 0, buf);
	m_copydata(m, 10, 100, buf);		/* at a boundary */
	for (i = 0; i < 100; i++)
		ST_ASSERT(buf[i] == PAT(10 + i));
	m_copydata(m, 129, 1, buf);		/* the last byte */
	ST_ASSERT(buf[0] == PAT(129));
	/* overwrite inside, across the boundaries */
	for (i = 0; i < 130; i++)
		want[i] = PAT(i);
	memset(buf, 0xee, sizeof(buf));
	ST_ASSERT_EQ(m_copyback(m, 5, 110, buf, M_WAIT), 0);
	memset(want + 5, 0xee, 110);
	ST_ASSERT_EQ(m->m_pkthdr.len, 130);
	m_copydata(m, 0, 130, buf);
	ST_ASSERT(memcmp(buf, want, 130) == 0);
	/* grow: a gap of zeros then data, into new mbufs */
	for (i = 0; i < 500; i++)
		buf[i] = (uint8_t)i;
	ST_ASSERT_EQ(m_copyback(m, 200, 500, buf, M_WAIT), 0);
	memset(want + 130, 0, 70);
	memcpy(want + 200, buf, 500);
	ST_ASSERT_EQ(m->m_pkthdr.len, 700);
	ST_ASSERT_EQ(m_length(m), 700);
	m_copydata(m, 0, 700, buf + 0);
	ST_ASSERT(memcmp(buf, want, 700) == 0);
	m_verify(m, "copyback");
	/* grow from the exact end */
	ST_ASSERT_EQ(m_copyback(m, 700, 3, "abc", M_WAIT), 0);
	m_copydata(m, 697, 6, buf);
	ST_ASSERT(memcmp(buf + 3, "abc", 3) == 0);
	ST_ASSERT_EQ(m->m_pkthdr.len, 703);
	m_freem(m);
}

SELFTEST(mbuf, prepend)
{
	struct mbuf *m, *h;
	u_long cp;

	m = m_gethdr(M_WAIT, MT_DATA);
	MH_ALIGN(m, 20);
	m->m_len = m->m_pkthdr.len = 20;
	/* Long-aligned, as in BSD: MHLEN - 24 on LP64, MHLEN - 20 on ILP32. */
	ST_ASSERT_EQ(M_LEADINGSPACE(m), rounddown(MHLEN - 20, sizeof(long)));
	h = m;
	M_PREPEND(m, 16, M_DONTWAIT);		/* fits in front */
	ST_ASSERT(m == h && m->m_len == 36 && m->m_pkthdr.len == 36);
	M_PREPEND(m, 200, M_WAIT);		/* does not: a new mbuf */
	ST_ASSERT(m != h && (m->m_flags & M_PKTHDR));
	ST_ASSERT(!(h->m_flags & M_PKTHDR) && m->m_next == h);
	ST_ASSERT(m->m_flags & M_EXT);		/* 200 > MHLEN */
	ST_ASSERT_EQ(m->m_pkthdr.len, 236);
	m_verify(m, "prepend");
	m = m_prepend(m, 0, M_WAIT);
	ST_ASSERT_EQ(m->m_pkthdr.len, 236);
	m_freem(m);
	/* an mbuf without a header */
	m = m_get(M_WAIT, MT_DATA);
	m = m_prepend(m, 8, M_WAIT);
	ST_ASSERT(m->m_len == 8 && m->m_next != NULL);
	m_freem(m);
	/* failure: the chain is freed, the pointer set to NULL */
	m = mk_chain("h100 c100");
	cp = tl_mbstat().m_drops;
	mb_fail_after(0);
	M_PREPEND(m, 10, M_DONTWAIT);
	mb_fail_after(-1);
	ST_ASSERT(m == NULL);
	ST_ASSERT(tl_mbstat().m_drops > cp);
}

SELFTEST(mbuf, pullup)
{
	struct mbuf *m, *h;

	m = mk_chain("h10 i0 i30 c100");
	h = m;
	ST_ASSERT(m_pullup(m, 10) == h);	/* already there */
	m = m_pullup(m, 40);			/* into the first mbuf */
	ST_ASSERT(m == h && m->m_len >= 40);
	ST_ASSERT(holds_pat(m, 0, 140));
	m = m_pullup(m, 140);			/* to the exact end */
	ST_ASSERT(m != NULL && m->m_len == 140 && m->m_next == NULL);
	ST_ASSERT(holds_pat(m, 0, 140));
	m_freem(m);
	/* first mbuf read-only or a cluster too big: a new mbuf */
	m = mk_chain("r10 c1000");
	h = m;
	m = m_pullup(m, 700);		/* > MHLEN: the class that fits */
	/*
	 * A class mbuf (its header in its own block, no M_EXT), of the
	 * class that holds 700 bytes after the largest packet header that
	 * may move in; the header sits in its data buffer.
	 */
	ST_ASSERT(m != NULL && m != h && (m->m_flags & M_POOL) &&
	    (m->m_flags & M_EXT) == 0);
	ST_ASSERT(m->m_len >= 700 && holds_pat(m, 0, 1010));
	ST_ASSERT(msys_select(700) != NULL);
	ST_ASSERT_EQ(M_SIZE(m), msys_classlen(msys_select(700 +
	    (int)sizeof(struct pkthdr) + M_MAXUHLEN)) -
	    (int)sizeof(struct pkthdr));
	m_freem(m);
	/* too long, or longer than the chain: freed, NULL */
	m = mk_chain("i10 c2000 c2000 c2000 c2000 c2000 c100");
	ST_ASSERT(m_contigmax() < 10000);
	ST_ASSERT(m_pullup(m, m_contigmax() + 1) == NULL);
	m = mk_chain("i10 i20");
	ST_ASSERT(m_pullup(m, 31) == NULL);
	/* failure injection: no memory, the chain is freed */
	m = mk_chain("r10 i100");
	mb_fail_after(0);
	m = m_pullup(m, 50);
	mb_fail_after(-1);
	ST_ASSERT(m == NULL);
}

SELFTEST(mbuf, adj)
{
	struct mbuf *m;

	m = mk_chain("h10 i0 c100 i20");
	m_adj(m, 0);
	ST_ASSERT(holds_pat(m, 0, 130));
	m_adj(m, 10);				/* to a boundary */
	ST_ASSERT(holds_pat(m, 10, 120));
	m_adj(m, 5);
	ST_ASSERT(holds_pat(m, 15, 115));
	m_adj(m, -20);				/* to a boundary */
	ST_ASSERT(holds_pat(m, 15, 95));
	m_adj(m, -1);
	ST_ASSERT(holds_pat(m, 15, 94));
	m_adj(m, -1000);			/* everything */
	ST_ASSERT(holds_pat(m, 0, 0));
	m_freem(m);
	m = mk_chain("h10 i20");
	m_adj(m, 1000);
	ST_ASSERT(holds_pat(m, 0, 0) && m->m_pkthdr.len == 0);
	m_freem(m);
	m_adj(NULL, 5);
}

SELFTEST(mbuf, cat)
{
	struct mbuf *m, *n;
	int nm;

	m = mk_chain("h10");
	n = mk_chain("h0 i5 c100");
	m_adj(n, 0);
	/* n's pieces: the header is dropped, small data copied */
	for (struct mbuf *x = n; x != NULL; x = x->m_next)
		for (int i = 0; i < x->m_len; i++)
			x->m_data[i] = PAT(10 + (x == n->m_next ? i : 5 + i));
	nm = pdt_nmbufs(m) + pdt_nmbufs(n);
	m_catpkt(m, n);
	ST_ASSERT_EQ(m->m_pkthdr.len, 115);
	ST_ASSERT(holds_pat(m, 0, 115));
	ST_ASSERT(pdt_nmbufs(m) < nm);		/* some were copied */
	/* m_cat does not touch the length */
	n = m_get(M_WAIT, MT_DATA);
	n->m_len = 0;
	m_cat(m, n);
	ST_ASSERT_EQ(m->m_pkthdr.len, 115);
	ST_ASSERT(holds_pat(m, 0, 115));
	m_freem(m);
}

/*
 * m_demote strips packet headers as FreeBSD's does (sys/kern/uipc_mbuf.c,
 * m_demote: every mbuf after the first, the first too with all, keeping
 * the storage flags and the caller's); here it also clears the os_mbuf
 * om_pkthdr_len that clearing M_PKTHDR by hand left stale (m_sanity
 * now reports that), and it panics on an mbuf still on a queue.
 */
SELFTEST(mbuf, demote)
{
	struct panic_catch pc;
	struct mbuf *m, *n;
	char why[160];

	m = pdt_build("i10");
	n = pdt_build("c100 i5");
	ST_ASSERT(m_datarange(&n, 0, 10, M_WAIT) != NULL);
	n->m_flags |= M_BCAST | M_EOR;
	n->m_next->m_flags |= M_MCAST;
	m_demote(n, 0, 0);			/* the first keeps all */
	ST_ASSERT((n->m_flags & (M_PKTHDR | M_BCAST | M_EOR | M_EXT)) ==
	    (M_PKTHDR | M_BCAST | M_EOR | M_EXT));
	ST_ASSERT_EQ(n->m_next->m_flags & M_MCAST, 0);
	ST_ASSERT_EQ(n->m_pkthdr.ph_nregions, 1);
	ST_ASSERT(n->m_hdr.mh_pkthdr_len != 0);
	m_demote(n, 1, M_EOR);
	ST_ASSERT_EQ(n->m_flags, M_EXT | M_EOR);
	ST_ASSERT_EQ(n->m_hdr.mh_pkthdr_len, 0);
	ST_ASSERT(m_sanity(n, why, sizeof(why)) == 0);
	m->m_next = n;
	m->m_pkthdr.len += 105;
	ST_ASSERT(m_sanity(m, why, sizeof(why)) == 0);
	ST_ASSERT(pdt_holds(m->m_next, 0, 105));
	/* the old way, by hand: the stale om_pkthdr_len is caught */
	n = pdt_build("c7");
	n->m_flags &= ~M_PKTHDR;
	m->m_next->m_next->m_next = n;
	m->m_pkthdr.len += 7;
	ST_ASSERT(m_sanity(m, why, sizeof(why)) != 0);
	ST_ASSERT(strstr(why, "om_pkthdr_len") != NULL);
	m_demote(m, 0, 0);
	ST_ASSERT(m_sanity(m, why, sizeof(why)) == 0);
	/* a demoted mbuf on a queue is the caller's mistake */
	n = pdt_build("i3");
	n->m_nextpkt = m;
	if (PANIC_TRY(&pc)) {
		m_demote(n, 1, 0);
		panic_catch_pop(&pc);
		n->m_nextpkt = NULL;
		m_freem(n);
		m_freem(m);
		ST_FAIL("m_demote of a queued mbuf did not panic");
	}
	ST_ASSERT(strstr(pc.pc_msg, "m_demote") != NULL);
	n->m_nextpkt = NULL;
	m_freem(n);
	m_freem(m);
}

SELFTEST(mbuf, split)
{
	struct mbuf *m, *t;
	int at, total = 10 + 100 + 208 + 1000;

	for (at = 0; at <= total; at += (at < 20 || at > total - 20) ? 1 : 37) {
		m = mk_chain("h10 i0 c100 i208 r1000");
		t = m_split(m, at, M_WAIT);
		ST_ASSERT(t != NULL);
		ST_ASSERT(holds_pat(m, 0, at));
		ST_ASSERT(holds_pat(t, at, total - at));
		ST_ASSERT(t->m_flags & M_PKTHDR);
		m_freem(m);
		m_freem(t);
	}
	m = mk_chain("h10 c100");
	ST_ASSERT(m_split(m, 111, M_WAIT) == NULL);	/* beyond */
	ST_ASSERT(holds_pat(m, 0, 110));
	m_freem(m);
	/* without a packet header, at the exact end: an empty mbuf */
	m = mk_chain("h10 i20");
	t = m_split(m->m_next, 20, M_WAIT);
	ST_ASSERT(t != NULL && t->m_len == 0);
	m_freem(t);
	t = m_split(m->m_next, 7, M_WAIT);
	ST_ASSERT(t != NULL && t->m_len == 13 && m->m_next->m_len == 7);
	m_cat(m, t);
	ST_ASSERT(holds_pat(m, 0, 30));
	m_freem(m);
}

static int
apply_sum(void *arg, caddr_t data, u_int len)
{
	int *sum = arg;

	for (u_int i = 0; i < len; i++)
		*sum += (uint8_t)data[i];
	return (*sum > 100000 ? 7 : 0);
}

SELFTEST(mbuf, length_getptr_apply)
{
	struct mbuf *m, *p;
	int off, sum = 0, want = 0, i;

	m = mk_chain("h10 i0 c100 i20");
	ST_ASSERT_EQ(m_length(m), 130);
	ST_ASSERT_EQ(m_length(NULL), 0);
	p = m_getptr(m, 0, &off);
	ST_ASSERT(p == m && off == 0);
	p = m_getptr(m, 10, &off);		/* a boundary: not the empty one */
	ST_ASSERT(p == m->m_next->m_next && off == 0);
	p = m_getptr(m, 129, &off);
	ST_ASSERT(p->m_next == NULL && off == 19);
	p = m_getptr(m, 130, &off);		/* just past the end */
	ST_ASSERT(p != NULL && p->m_next == NULL && off == 20);
	ST_ASSERT(m_getptr(m, 131, &off) == NULL);
	ST_ASSERT_EQ(m_apply(m, 5, 120, apply_sum, &sum), 0);
	for (i = 5; i < 125; i++)
		want += PAT(i);
	ST_ASSERT_EQ(sum, want);
	sum = 100000;
	ST_ASSERT_EQ(m_apply(m, 0, 130, apply_sum, &sum), 7);
	m_freem(m);
}

SELFTEST(mbuf, pkthdr)
{
	struct mbuf *m, *to, *d;

	m = m_gethdr_uh(M_WAIT, MT_DATA, 4);
	memcpy(M_UHDR(m), "uhdr", 4);
	m->m_pkthdr.csum_flags = 0x0010;
	m->m_pkthdr.csum_data = 0x1234;
	m->m_pkthdr.ph_nregions = 2;
	m->m_pkthdr.ph_regions[1].mr_off = 7;
	m->m_pkthdr.ph_regions[1].mr_len = 9;
	m->m_flags |= M_MCAST;
	d = m_gethdr(M_WAIT, MT_DATA);
	ST_ASSERT_EQ(m_dup_pkthdr(d, m, M_WAIT), 0);
	to = m_get(M_WAIT, MT_DATA);
	m_move_pkthdr(to, m);
	ST_ASSERT(!(m->m_flags & M_PKTHDR));
	for (int i = 0; i < 2; i++) {
		struct mbuf *x = i ? d : to;

		ST_ASSERT((x->m_flags & (M_PKTHDR | M_MCAST)) ==
		    (M_PKTHDR | M_MCAST));
		ST_ASSERT(x->m_pkthdr.csum_flags == 0x0010);
		ST_ASSERT(x->m_pkthdr.csum_data == 0x1234);
		ST_ASSERT(x->m_pkthdr.ph_nregions == 2);
		ST_ASSERT(x->m_pkthdr.ph_regions[1].mr_off == 7);
		ST_ASSERT(x->m_pkthdr.ph_regions[1].mr_len == 9);
		ST_ASSERT(x->m_pkthdr.ph_uhlen == 4);
		ST_ASSERT(memcmp(M_UHDR(x), "uhdr", 4) == 0);
		ST_ASSERT(x->m_data == x->m_pktdat + M_UHSPACE(x));
	}
	m_free(m);
	m_free(to);
	m_free(d);
}

/*
 * A bounded queue with its own lock, as OpenBSD's mbuf_queue
 * (sys/kern/uipc_mbuf.c rev. 1.302, mq_enqueue: the drop counted under
 * mq_mtx, the packet freed after it); mq_enqueue returns ENOBUFS like
 * FreeBSD's mbufq_enqueue (sys/sys/mbuf.h), which does not free it.  smp.mbuf_module_takes_no_big_lock checks
 * the lock is the queue's own, not the network lock.
 */
SELFTEST(mbuf, mbufq)
{
	struct mbufq mq;
	struct mbuf *m;
	int i;

	mq_init(&mq, 3);
	ST_ASSERT(mq_empty(&mq) && !mq_full(&mq));
	ST_ASSERT(mq_dequeue(&mq) == NULL);
	for (i = 0; i < 5; i++) {
		m = m_gethdr(M_WAIT, MT_DATA);
		m->m_pkthdr.len = i;		/* a tag to check the order */
		ST_ASSERT_EQ(mq_enqueue(&mq, m), i < 3 ? 0 : ENOBUFS);
	}
	ST_ASSERT(mq_full(&mq));
	ST_ASSERT_EQ(mq_len(&mq), 3);
	ST_ASSERT_EQ(mq_drops(&mq), 2);
	m = mq_dequeue(&mq);
	ST_ASSERT(m != NULL && m->m_pkthdr.len == 0 && m->m_nextpkt == NULL);
	m_freem(m);
	m = mq_dequeue(&mq);
	ST_ASSERT(m->m_pkthdr.len == 1);
	ST_ASSERT_EQ(mq_enqueue(&mq, m), 0);	/* back at the tail */
	ST_ASSERT_EQ(mq_purge(&mq), 2);
	ST_ASSERT(mq_empty(&mq) && mq_dequeue(&mq) == NULL);
}
