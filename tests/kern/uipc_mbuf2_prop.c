/*
 * uipc_mbuf2_prop.c: the seeded randomized property test of m_pulldown(9)
 * and m_datarange(9), suite "mbuf2", name "prop".
 *
 * One packet, built from random internal mbufs, clusters, writable
 * m_extadd buffers with a csum method, read-only ones without, mbufs of
 * a random msys(9) class of the run's table (pool mbufs, M_POOL, whose
 * header sits in their own block, so a chain mixes block sizes) and
 * empty mbufs at random places in their storage, goes through a long
 * run of random calls: m_pulldown,
 * m_ensure_contig, m_makewritable (then written through the mbufs),
 * m_copyback_cow, m_datarange and m_datarange_rw (then written through
 * the pointer), and the core's m_pullup, m_prepend, m_adj, m_catpkt,
 * m_split, m_copym, m_dup and m_copyback, some of them with allocation
 * failures injected (mb_fail_after).  Beside it runs a flat model: the
 * bytes, and the regions as m_datarange(9) says they must be.  After
 * every step:
 *   - the packet is sound and holds the model's bytes;
 *   - its recorded regions are exactly the model's, and each one read
 *     through mptr equals the model (so it is contiguous at its offset);
 *   - m_copydata, in_cksum_skip and m_getptr of a moving window and
 *     in_cksum of the whole packet agree with the model;
 *   - a witness (a copy sharing the packet's storage, kept for a while)
 *     still holds the bytes it had when it was made: nothing shared was
 *     written;
 *   - the outstanding mbufs, class mbufs (msys_nout), clusters and
 *     external buffers are exactly those reachable from the packet and
 *     the witness: nothing leaked.
 * The run is cut into runs of PROP_RUNSTEPS steps (100 for the
 * fuzzer), each with a fresh packet, a class table of msys(9) (the
 * kernel's, fewer, smaller, none above a cluster, none at all) and a
 * packet limit of 4000 bytes or 64 KiB, with external buffers of up to
 * 64 KiB, so that every call meets m_contigmax() and storage shorter
 * than what it moves.
 * A call predicted to succeed must succeed unless failures were
 * injected.  Seeded and repeatable: kenv mbuf_prop_seed and
 * mbuf_prop_steps override the seed and the step count (100000 on the
 * host, 20000 under QEMU).  The seed, the step count and the bytes each
 * kind of call copied are printed as KTAP comments.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/selftest.h>
#include "../../kern/mbuf_private.h"
#include <sys/machdep.h>
#include <sys/msys.h>
#include "mbuf_testlib.h"

/*
 * Runs: every PROP_RUNSTEPS steps a fresh packet, a class table (see
 * prop_table) and a limit: the packet is trimmed back to prop_max,
 * 4000 bytes or, one run in four, 64 KiB.  A new chain holds at most
 * PROP_CHAINMAX bytes; external buffers are PDT_EXTSIZE bytes or, one
 * in four, any size up to 64 KiB.
 */
#define PROP_RUNSTEPS	2500
#define PROP_BIGMAX	65536
#define PROP_CHAINMAX	65536
#define PROP_BUF	(PROP_BIGMAX + PROP_CHAINMAX + 4 * MCLBYTES)
#define PROP_OBJS	256

enum {
	OP_PULLDOWN, OP_CONTIG, OP_MAKEWR, OP_CBCOW, OP_DATARANGE,
	OP_DATARANGE_RW, OP_PULLUP, OP_PREPEND, OP_ADJ, OP_CAT, OP_SPLIT,
	OP_COPYM, OP_DUP, OP_COPYBACK, OP_N
};
static const char *const op_names[OP_N] = {
	"pulldown", "ensure_contig", "makewritable", "copyback_cow",
	"datarange", "datarange_rw", "pullup", "prepend", "adj", "catpkt",
	"split", "copym", "dup", "copyback"
};

static uint8_t model[PROP_BUF], wmodel[PROP_BUF], scratch[PROP_BUF];
static int mlen, wlen;
static struct m_region mreg[M_MAXREGIONS];
static int mnreg;
static uint64_t rstate;
static u_long op_calls[OP_N], op_fails[OP_N];
static char detail[96];			/* the step's call, for failures */
static int prop_max;			/* this run's packet limit */
static int prop_tab;			/* and class table */
static int prop_longest;		/* the longest packet seen */

/*
 * The fuzzer (tests/fuzz/kern/fuzz_mbuf.c) replaces the generator with
 * its input: each draw takes the next four bytes, zeros past the end.
 */
static const uint8_t *fuzzsrc;
static size_t fuzzlen, fuzzpos;

static uint32_t
rnd32(void)
{
	if (fuzzsrc != NULL) {
		uint32_t v = 0;

		for (int i = 0; i < 4; i++, fuzzpos++)
			v = v << 8 | (fuzzpos < fuzzlen ? fuzzsrc[fuzzpos] : 0);
		return (v);
	}
	rstate ^= rstate >> 12;
	rstate ^= rstate << 25;
	rstate ^= rstate >> 27;
	return ((uint32_t)((rstate * 0x2545f4914f6cdd1dULL) >> 32));
}

static int
rndn(int n)			/* 0 .. n-1 */
{
	return (n <= 0 ? 0 : (int)(rnd32() % (uint32_t)n));
}

static void
rndfill(uint8_t *p, int len)
{
	int i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)rnd32();
}

/*
 * The model of the regions, as m_datarange(9) states it, but written
 * another way than uipc_mbuf3.c's m_closure so that one cannot share a
 * mistake with the other.  That code widens [a, b) step by step while a
 * region overlaps it partly; here the answer is found by search: the
 * shortest interval that holds [a, b), ends at one of the given ends or
 * a region's ends, and cuts no region (each region inside it or
 * outside).  The shortest is unique: two such intervals holding [a, b)
 * intersect in a third.
 */
static bool
mr_cuts(int a, int b)
{
	int i, r0, r1;

	for (i = 0; i < mnreg; i++) {
		r0 = mreg[i].mr_off;
		r1 = r0 + mreg[i].mr_len;
		if (r0 < b && r1 > a && (r0 < a || r1 > b))
			return (true);
	}
	return (false);
}

static void
mr_closure(int *ap, int *bp)
{
	int lo[M_MAXREGIONS + 1], hi[M_MAXREGIONS + 1];
	int i, j, a, b, best_a = *ap, best_b = -1;

	lo[0] = *ap;
	hi[0] = *bp;
	for (i = 0; i < mnreg; i++) {
		lo[i + 1] = mreg[i].mr_off;
		hi[i + 1] = mreg[i].mr_off + mreg[i].mr_len;
	}
	for (i = 0; i <= mnreg; i++)
		for (j = 0; j <= mnreg; j++) {
			a = lo[i];
			b = hi[j];
			if (a > *ap || b < *bp || mr_cuts(a, b))
				continue;
			if (best_b < 0 || b - a < best_b - best_a) {
				best_a = a;
				best_b = b;
			}
		}
	/* [*ap, *bp) widened to every region's ends always qualifies. */
	KASSERT(best_b >= 0);
	*ap = best_a;
	*bp = best_b;
}

/* The packet now holds the old bytes [off, off + len). */
static void
mr_keep(int off, int len)
{
	int i, j, r0, r1;

	for (i = j = 0; i < mnreg; i++) {
		r0 = MAX((int)mreg[i].mr_off, off);
		r1 = MIN((int)(mreg[i].mr_off + mreg[i].mr_len), off + len);
		if (r1 > r0) {
			mreg[j].mr_off = r0 - off;
			mreg[j].mr_len = r1 - r0;
			j++;
		}
	}
	mnreg = j;
}

/*
 * What m_datarange(off, len) records: [*ap, *bp), or false when it
 * must fail (ending past M_REGIONMAX, or the union longer than the
 * largest cluster).
 */
static bool
mr_datarange(int off, int len, int *ap, int *bp)
{
	int a = off, b = off + len, i, out = 0, best = 0, bl = 0x7fffffff, u;

	if (b > M_REGIONMAX)
		return (false);	/* past a 16-bit region's reach */
	mr_closure(&a, &b);
	for (i = 0; i < mnreg; i++)
		if ((int)mreg[i].mr_off < a ||
		    (int)(mreg[i].mr_off + mreg[i].mr_len) > b)
			out++;
	if (out == M_MAXREGIONS) {
		for (i = 0; i < mnreg; i++) {
			u = MAX(b, (int)(mreg[i].mr_off + mreg[i].mr_len)) -
			    MIN(a, (int)mreg[i].mr_off);
			if (u < bl) {
				bl = u;
				best = i;
			}
		}
		a = MIN(a, (int)mreg[best].mr_off);
		b = MAX(b, (int)(mreg[best].mr_off + mreg[best].mr_len));
		mr_closure(&a, &b);
	}
	*ap = a;
	*bp = b;
	return (b - a <= m_contigmax());
}

/*
 * len bytes were prepended: every region moves up by len, and one that
 * would end past M_REGIONMAX is dropped.
 */
static void
mr_prepend(int len)
{
	int i, j;

	for (i = j = 0; i < mnreg; i++) {
		if (mreg[i].mr_off + mreg[i].mr_len + len > M_REGIONMAX)
			continue;
		mreg[j] = mreg[i];
		mreg[j++].mr_off += len;
	}
	mnreg = j;
}

static void
mr_add(int a, int b)
{
	int i, j;

	for (i = j = 0; i < mnreg; i++)
		if ((int)mreg[i].mr_off < a ||
		    (int)(mreg[i].mr_off + mreg[i].mr_len) > b)
			mreg[j++] = mreg[i];
	for (i = j; i > 0 && (int)mreg[i - 1].mr_off > a; i--)
		mreg[i] = mreg[i - 1];
	mreg[i].mr_off = a;
	mreg[i].mr_len = b - a;
	mnreg = j + 1;
}

/*
 * Building packets.
 */

/*
 * A mbuf of a random class of the table (not the cluster pipe, whose
 * mbufs are standard ones), a packet header one when hdr; NULL when the
 * draw falls on the cluster pipe or an empty table, or the class is out
 * of mbufs (M_DONTWAIT: a class's cap is no reason to sleep here).
 */
static struct mbuf *
prop_poolmbuf(bool hdr)
{
	struct malloc_pipe *mp = msys_class(rndn(msys_nclasses()));
	int len;

	if (mp == NULL || mp == &mb_cluster_pipe)
		return (NULL);
	len = msys_classlen(mp);
	if (!hdr)
		return (msys_get(M_DONTWAIT, MT_DATA, len));
	/* a class too small for a packet header gives the one that holds it */
	return (msys_gethdr(M_DONTWAIT, MT_DATA, MAX(0, len -
	    (int)sizeof(struct pkthdr)), 0));
}

/*
 * One random mbuf holding random bytes; appended to the model at *lenp.
 * The chain it joins holds chainlen bytes so far.
 */
static struct mbuf *
prop_mbuf(bool hdr, uint8_t *mod, int *lenp, int chainlen)
{
	struct mbuf *m = NULL;
	caddr_t buf, start;
	int kind = rndn(12), size, len;

	if (kind >= 10)
		m = prop_poolmbuf(hdr);
	if (m == NULL)
		m = hdr ? m_gethdr(M_WAIT, MT_DATA) : m_get(M_WAIT, MT_DATA);
	if (kind < 3)
		m_clget(m, M_WAIT);
	else if (kind < 5) {
		size = rndn(4) == 0 ? 1 + rndn(65536) : PDT_EXTSIZE;
		buf = malloc(size, M_PDTEST, M_WAITOK);
		/* writable ones sum themselves (the csum method) */
		m_extadd(m, buf, size, kind == 4 ? &pdt_extops :
		    &pdt_csumops, NULL, kind == 4 ? M_RDONLY : 0, M_WAIT);
	}
	start = pdt_storage(m, &size);
	len = kind == 9 ? 0 : rndn(MIN(size, 700) + 1);
	if (size > MCLBYTES && rndn(2) == 0)
		len = rndn(size + 1);	/* a long one, up to 64 KiB */
	len = MIN(len, PROP_CHAINMAX - chainlen);
	m->m_data = start + rndn(size - len + 1);
	rndfill(mod + *lenp, len);
	memcpy(m->m_data, mod + *lenp, len);
	m->m_len = len;
	*lenp += len;
	return (m);
}

/* A random chain of 1 to 6 mbufs, a packet when hdr. */
static struct mbuf *
prop_chain(bool hdr, uint8_t *mod, int *lenp)
{
	struct mbuf *top, *m;
	int i, n = 1 + rndn(6), base = *lenp;

	top = m = prop_mbuf(hdr, mod, lenp, 0);
	for (i = 1; i < n; i++)
		m = m->m_next = prop_mbuf(false, mod, lenp, *lenp - base);
	return (top);
}

static struct mbuf *
prop_new(void)
{
	struct mbuf *m;

	mlen = 0;
	mnreg = 0;
	m = prop_chain(true, model, &mlen);
	m->m_pkthdr.len = mlen;
	return (m);
}

/*
 * Checking.
 */

/* Storage seen so far in this check (to count each once). */
static caddr_t seen[PROP_OBJS];
static int nseen;

static void
count_chain(struct mbuf *m, long *mbufs, long *pools, long *cls, long *exts)
{
	int i;

	for (; m != NULL; m = m->m_next) {
		if (m->m_flags & M_POOL)
			(*pools)++;	/* a class mbuf, msys_nout's */
		else
			(*mbufs)++;
		if ((m->m_flags & M_EXT) == 0)
			continue;
		for (i = 0; i < nseen; i++)
			if (seen[i] == m->m_ext.ext_buf)
				break;
		if (i < nseen)
			continue;
		if (nseen < PROP_OBJS)
			seen[nseen++] = m->m_ext.ext_buf;
		if (m->m_ext.ext_flags & EXT_CLUSTER)
			(*cls)++;
		else
			(*exts)++;
	}
}

/* Does m hold mod[0 .. len) and sound? */
static bool
chain_is(struct mbuf *m, const uint8_t *mod, int len, const char *what)
{
	char why[160];

	if (m_sanity(m, why, sizeof(why)) != 0 ||
	    m_region_sanity(m, why, sizeof(why)) != 0) {
		printf("# prop: %s: %s\n", what, why);
		return (false);
	}
	if (m_length(m) != len || m->m_pkthdr.len != len) {
		printf("# prop: %s: length %d, %d expected\n", what,
		    m_length(m), len);
		return (false);
	}
	m_copydata(m, 0, len, scratch);
	if (memcmp(scratch, mod, len) != 0) {
		printf("# prop: %s: bytes differ\n", what);
		return (false);
	}
	return (true);
}

/*
 * The reading calls on a window of the packet that moves with every
 * step (no random draw, so a seed or a fuzz input means what it meant):
 * m_copydata and in_cksum_skip of up to 64 bytes against the model,
 * in_cksum of the whole packet, and m_getptr of the window's start.
 * The csum method of the writable m_extadd buffers (pdt_csumops) takes
 * part in both sums.
 */
static const char *
prop_window(struct mbuf *m)
{
	static u_long turn;
	struct mbuf *n;
	uint8_t buf[64];
	int off, len, o;

	turn++;
	off = mlen == 0 ? 0 : (int)((turn * 37) % (u_long)(mlen + 1));
	len = MIN(mlen - off, (int)(turn % 65));
	m_copydata(m, off, len, buf);
	if (memcmp(buf, model + off, len) != 0)
		return ("m_copydata of a window");
	if (in_cksum_skip(m, len, off) != in_cksum_flat(model + off, len))
		return ("in_cksum_skip of a window");
	if (in_cksum(m, mlen) != in_cksum_flat(model, mlen))
		return ("in_cksum of the packet");
	n = m_getptr(m, off, &o);
	if (n == NULL || (off < mlen && (uint8_t)n->m_data[o] != model[off]) ||
	    (off == mlen && (n->m_next != NULL || o != n->m_len)))
		return ("m_getptr");
	return (NULL);
}

/* The whole state: packet, regions, witness, counts.  0 or a reason. */
static const char *
prop_check(struct mbuf *m, struct mbuf *wit, long mb0, long po0, long cl0,
    long ex0)
{
	long mbufs = 0, pools = 0, cls = 0, exts = 0;
	const char *why;
	uint8_t *p;
	int i;

	if (!chain_is(m, model, mlen, "packet"))
		return ("packet bytes");
	if (m->m_pkthdr.ph_nregions != mnreg)
		return ("number of regions");
	for (i = 0; i < mnreg; i++) {
		if (m->m_pkthdr.ph_regions[i].mr_off != mreg[i].mr_off ||
		    m->m_pkthdr.ph_regions[i].mr_len != mreg[i].mr_len)
			return ("a region's place");
		p = mptr(m, uint8_t *, (int)mreg[i].mr_off);
		if (memcmp(p, model + mreg[i].mr_off, mreg[i].mr_len) != 0)
			return ("bytes read through mptr");
	}
	if (wit != NULL && !chain_is(wit, wmodel, wlen, "witness"))
		return ("witness bytes (shared storage written)");
	if ((why = prop_window(m)) != NULL)
		return (why);
	nseen = 0;
	count_chain(m, &mbufs, &pools, &cls, &exts);
	count_chain(wit, &mbufs, &pools, &cls, &exts);
	if ((long)mbstat_mbufs() - mb0 != mbufs ||
	    (long)msys_nout() - po0 != pools ||
	    (long)tl_mbstat().m_clusters - cl0 != cls ||
	    (long)tl_mbstat().m_extbufs - ex0 != exts) {
		printf("# prop: mbufs %ld/%ld class mbufs %ld/%ld clusters "
		    "%ld/%ld ext %ld/%ld\n", (long)mbstat_mbufs() - mb0, mbufs,
		    (long)msys_nout() - po0, pools,
		    (long)tl_mbstat().m_clusters - cl0, cls,
		    (long)tl_mbstat().m_extbufs - ex0, exts);
		return ("outstanding counts (a leak)");
	}
	return (NULL);
}

/* What m_copyback(off, len, src) does to the model: zeros up to off. */
static void
model_write(int off, const uint8_t *src, int len)
{
	if (off > mlen)
		memset(model + mlen, 0, off - mlen);
	memcpy(model + off, src, len);
	mlen = MAX(mlen, off + len);
}

/* Write random bytes over [off, off + len) through the mbufs. */
static bool
write_through(struct mbuf *m, int off, int len)
{
	int pos = 0, i, s, e;

	for (; m != NULL && pos < off + len; pos += m->m_len, m = m->m_next) {
		if (pos + m->m_len <= off || m->m_len == 0)
			continue;
		if (!M_WRITABLE(m))
			return (false);
		s = MAX(off, pos);
		e = MIN(off + len, pos + m->m_len);
		for (i = s; i < e; i++)
			model[i] = m->m_data[i - pos] = (uint8_t)rnd32();
	}
	return (true);
}

/*
 * One random step on *mp.  Returns NULL, or what went wrong.
 */
static const char *
prop_step(struct mbuf **mp, bool inject)
{
	static uint8_t src[PROP_BUF];
	struct mbuf *m = *mp, *n;
	int op = rndn(OP_N), how = inject ? M_DONTWAIT : M_WAIT;
	int off, len, a, b, o, i, len0;
	bool want;
	uint8_t *p;

	op_calls[op]++;
	off = rndn(mlen);
	/* past the limit at times (MIN evaluates twice) */
	len = rndn(8) == 0 ? m_contigmax() + 64 : 300;
	len = mlen == 0 ? 0 : 1 + rndn(MIN(mlen - off, len));
	snprintf(detail, sizeof(detail), "%s off %d len %d (of %d)",
	    op_names[op], off, len, mlen);
	switch (op) {
	case OP_PULLDOWN:
		if (mlen == 0)
			break;
		a = off;
		b = off + len;
		mr_closure(&a, &b);
		i = rndn(3);
		want = b - a <= m_contigmax() && (i != 0 || a == off);
		snprintf(detail, sizeof(detail), "pulldown off %d len %d%s "
		    "(of %d, union [%d, %d))", off, len, i == 0 ? " offp NULL" :
		    "", mlen, a, b);
		n = m_pulldown(m, off, len, i == 0 ? NULL : &o);
		if (n == NULL) {
			op_fails[op]++;
			*mp = prop_new();
			if (want && !inject)
				return ("m_pulldown failed");
			break;
		}
		if (!want)
			return ("m_pulldown did what it cannot");
		if (i == 0)
			o = 0;
		if (o < 0 || o + len > n->m_len ||
		    memcmp(mtod(n, caddr_t) + o, model + off, len) != 0)
			return ("m_pulldown: the range is not at mtod + off");
		/*
		 * KAME's contract: the range may be written (the witness,
		 * a copy sharing storage, must not change).
		 */
		if (!M_WRITABLE(n))
			return ("m_pulldown: the range is in read-only storage");
		for (a = 0; a < len; a++)
			model[off + a] = n->m_data[o + a] = (uint8_t)rnd32();
		break;
	case OP_CONTIG:
		len = rndn(MIN(mlen, m_contigmax() + 64) + 1);
		a = m_region_extend(m, len);
		want = a <= m->m_len || a <= m_contigmax();
		if (!m_ensure_contig(mp, len)) {
			op_fails[op]++;
			if (want && !inject)
				return ("m_ensure_contig failed");
			break;
		}
		if (!want || (*mp)->m_len < len ||
		    memcmp(mtod(*mp, caddr_t), model, len) != 0)
			return ("m_ensure_contig: first bytes not in place");
		break;
	case OP_MAKEWR:
		if (m_makewritable(mp, off, len, how) != 0) {
			op_fails[op]++;
			if (!inject)
				return ("m_makewritable failed");
			break;
		}
		if (!write_through(*mp, off, len))
			return ("m_makewritable left read-only storage");
		break;
	case OP_CBCOW:
		off = rndn(mlen + 100);
		len = rndn(400);
		snprintf(detail, sizeof(detail), "%s off %d len %d (of %d)",
		    op_names[op], off, len, mlen);
		rndfill(src, len);
		if ((*mp = m_copyback_cow(m, off, len, src, how)) == NULL) {
			op_fails[op]++;
			*mp = prop_new();
			if (!inject)
				return ("m_copyback_cow failed");
			break;
		}
		model_write(off, src, len);
		break;
	case OP_DATARANGE:
	case OP_DATARANGE_RW:
		if (mlen == 0)
			break;
		want = mr_datarange(off, len, &a, &b);
		if (op == OP_DATARANGE)
			p = m_datarange(mp, off, len, how);
		else
			p = m_datarange_rw(mp, off, len, how);
		if (p == NULL) {
			op_fails[op]++;
			if (want && !inject)
				return ("m_datarange failed");
			break;
		}
		if (!want)
			return ("m_datarange did what it cannot");
		mr_add(a, b);
		if (memcmp(p, model + off, len) != 0)
			return ("m_datarange: wrong bytes at the pointer");
		if (op == OP_DATARANGE_RW) {
			if (mptr_rw(*mp, uint8_t *, off) != p)
				return ("mptr_rw differs from m_datarange_rw");
			for (i = 0; i < len; i++)
				model[off + i] = p[i] = (uint8_t)rnd32();
		}
		break;
	case OP_PULLUP:
		if (mlen == 0)
			break;
		a = m_region_extend(m, len);
		want = a <= m->m_len || a <= m_contigmax();
		if ((n = m_pullup(m, len)) == NULL) {
			op_fails[op]++;
			*mp = prop_new();
			if (want && !inject)
				return ("m_pullup failed");
			break;
		}
		*mp = n;
		if (!want || n->m_len < len)
			return ("m_pullup: first bytes not in place");
		break;
	case OP_PREPEND:
		len = 1 + rndn(rndn(4) == 0 ? 1000 : 60);
		if ((n = m_prepend(m, len, how)) == NULL) {
			op_fails[op]++;
			*mp = prop_new();
			if (!inject)
				return ("m_prepend failed");
			break;
		}
		*mp = n;
		memmove(model + len, model, mlen);
		mlen += len;
		for (i = 0; i < len; i++)
			model[i] = n->m_data[i] = (uint8_t)rnd32();
		mr_prepend(len);
		break;
	case OP_ADJ:
		len = rndn(mlen / 3 + 1);
		if (rndn(2)) {
			m_adj(m, len);
			memmove(model, model + len, mlen - len);
			mr_keep(len, mlen - len);
		} else {
			m_adj(m, -len);
			mr_keep(0, mlen - len);
		}
		mlen -= len;
		break;
	case OP_CAT:
		len0 = mlen;
		n = prop_chain(true, model, &mlen);
		n->m_pkthdr.len = mlen - len0;
		m_catpkt(m, n);
		break;
	case OP_SPLIT:
		len0 = rndn(mlen + 1);
		if ((n = m_split(m, len0, how)) == NULL) {
			op_fails[op]++;
			if (!inject)
				return ("m_split failed");
			break;
		}
		if (!chain_is(n, model + len0, mlen - len0, "split tail"))
			return ("m_split: the tail");
		if (rndn(2)) {
			m_freem(n);
			mr_keep(0, len0);
			mlen = len0;
		} else {
			m_freem(m);
			*mp = n;
			memmove(model, model + len0, mlen - len0);
			mr_keep(len0, mlen - len0);
			mlen -= len0;
		}
		break;
	case OP_COPYM:
		len = rndn(mlen + 1);
		if (rndn(4) == 0)
			len = M_COPYALL;
		if ((n = m_copym(m, 0, len, how)) == NULL) {
			if (len == 0)
				break;	/* nothing to copy: NULL, as in BSD */
			op_fails[op]++;
			if (!inject)
				return ("m_copym failed");
			break;
		}
		len = n->m_pkthdr.len;		/* len, or all of it */
		if (!chain_is(n, model, len, "copym"))
			return ("m_copym: the copy");
		/* the copy, with its clipped regions, becomes the packet */
		m_freem(m);
		*mp = n;
		mlen = len;
		mr_keep(0, len);
		break;
	case OP_DUP:
		if ((n = m_dup(m, how)) == NULL) {
			op_fails[op]++;
			if (!inject)
				return ("m_dup failed");
			break;
		}
		if (rndn(2)) {
			m_freem(m);
			*mp = n;
		} else
			m_freem(n);
		break;
	case OP_COPYBACK:
		off = rndn(mlen + 50);
		len = rndn(200);
		snprintf(detail, sizeof(detail), "%s off %d len %d (of %d)",
		    op_names[op], off, len, mlen);
		rndfill(src, len);
		i = m_copyback(m, off, len, src, how);
		if (i == EPERM)
			break;		/* read-only storage in the way */
		if (i != 0) {
			op_fails[op]++;
			if (!inject)
				return ("m_copyback failed");
			break;
		}
		model_write(off, src, len);
		break;
	}
	prop_longest = MAX(prop_longest, mlen);
	if (mlen > prop_max) {
		m_adj(*mp, prop_max - mlen);
		mr_keep(0, prop_max);
		mlen = prop_max;
	}
	return (NULL);
}

/*
 * The class tables (msys(9)) the runs choose from: the kernel's own
 * (40 classes of 32 to 1920 data bytes, the cluster pipe, 9216) and
 * tables made of some of them or of a class of the test's own (blocks
 * of 1000 bytes: 952 data bytes), so that m_contigmax() takes many
 * values and every call meets a limit below a cluster.
 */
#define PROP_NTABS	6
static const char *const prop_tabnames[PROP_NTABS] = {
	"default", "none above a cluster", "the cluster alone",
	"up to 640", "one of 1000 bytes", "none",
};
static struct malloc_pipe *prop_kclass[MSYS_MAXCLASSES];
static int prop_nkclass;
static struct malloc_pipe prop_pipe1000;

static void
prop_table(int t)
{
	int i;

	msys_reset();
	for (i = 0; i < prop_nkclass; i++) {
		if ((t == 0) ||
		    (t == 1 && msys_classlen(prop_kclass[i]) <= MCLBYTES) ||
		    (t == 2 && prop_kclass[i] == &mb_cluster_pipe) ||
		    (t == 3 && msys_classlen(prop_kclass[i]) <= 640))
			msys_register(prop_kclass[i]);
	}
	if (t == 4)
		msys_register(&prop_pipe1000);
	prop_tab = t;
}

/*
 * Run steps random steps, a fresh packet, class table and limit every
 * PROP_RUNSTEPS (trace: m_print before that step).  Frees everything
 * and puts the kernel's classes back.  Returns NULL, or what went
 * wrong, with the step and the call in prop_detail.
 */
char prop_detail[160];

const char *
prop_run(long steps, long trace)
{
	struct mbuf *m, *wit = NULL;
	long mb0 = mbstat_mbufs(), cl0 = tl_mbstat().m_clusters;
	long ex0 = tl_mbstat().m_extbufs, po0 = (long)msys_nout(), step;
	const char *why = NULL;
	bool inject = false;

	prop_longest = 0;

	msys_default();
	prop_nkclass = msys_nclasses();
	for (step = 0; step < prop_nkclass; step++)
		prop_kclass[step] = msys_class(step);
	mpipe_init(&prop_pipe1000, M_PDTEST, 1000, 2, 512, 0, NULL, NULL,
	    NULL);
	m = NULL;
	for (step = 0; step < steps && why == NULL; step++) {
		/* the fuzzer's short inputs change runs more often */
		if (step % (fuzzsrc != NULL ? 100 : PROP_RUNSTEPS) == 0) {
			m_freem(m);
			m_freem(wit);
			wit = NULL;
			prop_table(step == 0 && fuzzsrc == NULL ? 0 :
			    rndn(PROP_NTABS));
			prop_max = rndn(4) == 0 ? PROP_BIGMAX : 4000;
			m = prop_new();
		}
		/* a witness sharing the storage comes and goes */
		if (rndn(8) == 0) {
			if (wit != NULL) {
				m_freem(wit);
				wit = NULL;
			} else {
				wit = m_copym(m, 0, M_COPYALL, M_WAIT);
				memcpy(wmodel, model, mlen);
				wlen = mlen;
			}
		}
		inject = rndn(16) == 0;
		if (inject)
			mb_fail_after(rndn(3));
		if (step == trace)
			m_print(m);
		why = prop_step(&m, inject);
		mb_fail_after(-1);
		if (why == NULL)
			why = prop_check(m, wit, mb0, po0, cl0, ex0);
		if (why != NULL) {
			m_print(m);
			snprintf(prop_detail, sizeof(prop_detail),
			    "step %ld: %s%s (classes: %s, limit %d)", step,
			    detail, inject ? " (failures injected)" : "",
			    prop_tabnames[prop_tab], prop_max);
		}
	}
	m_freem(m);
	m_freem(wit);
	msys_default();
	mpipe_done(&prop_pipe1000);
	return (why);
}

/* The fuzzer's entry: the input drives every choice. */
const char *
prop_fuzz(const uint8_t *data, size_t len)
{
	const char *why;

	fuzzsrc = data;
	fuzzlen = len;
	fuzzpos = 0;
	why = prop_run(MIN(len / 16 + 1, 400), -1);
	fuzzsrc = NULL;
	return (why);
}

SELFTEST(mbuf2, prop)
{
	static const struct {
		const char	*name;
		size_t		 off;	/* a counter of struct mbstat */
	} copied[] = {
		{ "pulldown", offsetof(struct mbstat, m_cp_pulldown) },
		{ "ensure_contig", offsetof(struct mbstat, m_cp_contig) },
		{ "makewritable", offsetof(struct mbstat, m_cp_makewr) },
		{ "copyback_cow", offsetof(struct mbstat, m_cp_cbcow) },
		{ "datarange", offsetof(struct mbstat, m_cp_datarange) },
		{ "pullup", offsetof(struct mbstat, m_cp_pullup) },
		{ "prepend", offsetof(struct mbstat, m_cp_prepend) },
		{ "cat", offsetof(struct mbstat, m_cp_cat) },
		{ "split", offsetof(struct mbstat, m_cp_split) },
		{ "copym", offsetof(struct mbstat, m_cp_copym) },
		{ "dup", offsetof(struct mbstat, m_cp_dup) },
		{ "copyback", offsetof(struct mbstat, m_cp_copyback) },
	};
	struct mbstat st0, st;
	long seed = 0x5eed2007, steps = 100000, trace = -1;
	long mb0 = mbstat_mbufs();
	u_long allocs0 = tl_mbstat().m_pdallocs;
	long csums0 = pdt_csums;
	const char *why;
	size_t k;

	/*
	 * 100000 steps take about a quarter of a second on the host but
	 * over a second under QEMU's TCG, where the whole boot must stay
	 * under two: a machine with real interrupts runs 20000.
	 */
	if (md_async_interrupts)
		steps = 20000;
	kenv_getint("mbuf_prop_seed", &seed);
	kenv_getint("mbuf_prop_steps", &steps);
	kenv_getint("mbuf_prop_trace", &trace);	/* m_print before it */
	printf("# prop seed 0x%lx steps %ld\n", (u_long)seed, steps);
	rstate = (uint64_t)seed ^ 0x9e3779b97f4a7c15ULL;
	memset(op_calls, 0, sizeof(op_calls));
	memset(op_fails, 0, sizeof(op_fails));
	mbstat_read(&st0);
	why = prop_run(steps, trace);
	if (why != NULL)
		ST_FAIL("seed 0x%lx: %s: %s", (u_long)seed, prop_detail, why);
	for (k = 0; k < OP_N; k++)
		printf("# prop %-14s %6lu calls %5lu failed\n", op_names[k],
		    op_calls[k], op_fails[k]);
	printf("# prop bytes copied:");
	mbstat_read(&st);
	for (k = 0; k < nitems(copied); k++)
		printf(" %s %lu", copied[k].name,
		    *(u_long *)((char *)&st + copied[k].off) -
		    *(u_long *)((char *)&st0 + copied[k].off));
	printf("\n# prop %lu mbufs allocated by uipc_mbuf3.c, %ld csum method "
	    "calls; the longest packet %d bytes\n",
	    st.m_pdallocs - allocs0, pdt_csums - csums0, prop_longest);
	ST_ASSERT_EQ(mbstat_mbufs(), mb0);
}
