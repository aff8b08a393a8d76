/*
 * uipc_mbregion.c: the guaranteed-contiguous regions of a packet; see
 * m_datarange(9).
 *
 * What it is for: m_datarange and m_datarange_rw make a range contiguous
 * (or writable) and record it in the packet header as a guaranteed region,
 * which mptr and mptr_rw then read without another length check.  The
 * m_region_* helpers let the rearranging calls of uipc_mbuf.c and
 * uipc_mbuf2.c keep the regions true.
 *
 * Invariants: a packet records at most M_MAXREGIONS regions, sorted by
 * offset, pairwise disjoint, each non-empty, inside the packet, ending
 * at or below M_REGIONMAX (16-bit fields) and no longer than
 * m_contigmax() was when it was recorded; between calls each
 * lies in the data of one mbuf (m_region_sanity checks it).
 */
#include <sys/mbuf_port.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include "mbuf_private.h"

/*
 * The longest range that can be made contiguous: the largest storage
 * the size classes (msys(9)) hand out, or, when no class is larger, a
 * packet header mbuf's own data area (MHLEN), which every call can
 * fill without a class.  What the classes really hold, so that a
 * caller that checks against it is never handed less (a table without
 * the cluster pipe holds no cluster's worth).
 */
int
m_contigmax(void)
{
	struct malloc_pipe *mp = msys_class(msys_nclasses() - 1);
	int len;

	if (mp == NULL)
		return ((int)MHLEN);
	len = msys_classlen(mp);
	if (mp != &mb_cluster_pipe)	/* a header moving in takes room */
		len -= (int)sizeof(struct pkthdr) + M_MAXUHLEN;
	return (MAX(len, (int)MHLEN));
}

/*
 * Regions.
 */

/* m's recorded regions and their number (none without a header). */
struct m_region *
m_regions(struct mbuf *m, int *np)
{
	if (m == NULL || (m->m_flags & M_PKTHDR) == 0) {
		*np = 0;
		return (NULL);
	}
	*np = m->m_pkthdr.ph_nregions;
	return (m->m_pkthdr.ph_regions);
}

/*
 * Widen [*ap, *bp) to the union with every region in r[0 .. n) that
 * overlaps it, until none overlaps it only in part.
 */
void
m_closure(const struct m_region *r, int n, int *ap, int *bp)
{
	int a = *ap, b = *bp, i, r0, r1, again;

	do {
		again = 0;
		for (i = 0; i < n; i++) {
			r0 = r[i].mr_off;
			r1 = r0 + r[i].mr_len;
			if (r0 < b && r1 > a && (r0 < a || r1 > b)) {
				a = MIN(a, r0);
				b = MAX(b, r1);
				again = 1;
			}
		}
	} while (again);
	*ap = a;
	*bp = b;
}

void
m_region_closure(struct mbuf *m, int *ap, int *bp)
{
	struct m_region *r;
	int n;

	r = m_regions(m, &n);
	m_closure(r, n, ap, bp);
}

/* How far m_pullup(m, len) must pull so that it cuts no region. */
int
m_region_extend(struct mbuf *m, int len)
{
	int a = 0, b = len;

	m_region_closure(m, &a, &b);
	return (b);
}

/*
 * The packet m now holds only bytes [off, off + len) of what it held:
 * clip every region to that range, shift it down by off, and drop the
 * ones left empty.
 */
void
m_region_keep(struct mbuf *m, int off, int len)
{
	struct m_region *r;
	int i, j, n, r0, r1;

	if ((r = m_regions(m, &n)) == NULL)
		return;
	for (i = j = 0; i < n; i++) {
		r0 = MAX((int)r[i].mr_off, off);
		r1 = MIN((int)(r[i].mr_off + r[i].mr_len), off + len);
		if (r1 <= r0)
			continue;
		r[j].mr_off = r0 - off;
		r[j].mr_len = r1 - r0;
		j++;
	}
	m->m_pkthdr.ph_nregions = j;
}

/*
 * len bytes were inserted at off: shift the regions at or after off.
 * A region the shift would carry past M_REGIONMAX is dropped (its
 * guarantee ends; a 16-bit offset cannot say where it went).  Inserting
 * inside a region would cut it.
 */
void
m_region_insert(struct mbuf *m, int off, int len)
{
	struct m_region *r;
	int i, j, n, r0, r1;

	if ((r = m_regions(m, &n)) == NULL)
		return;
	for (i = j = 0; i < n; i++) {
		r0 = r[i].mr_off;
		r1 = r0 + r[i].mr_len;
		if (r0 >= off) {
			if (r1 + len > M_REGIONMAX)
				continue;
			r0 += len;
		} else if (r1 > off)
			mbp_panic("m_region_insert: packet %p: %d bytes inserted "
			    "at %d inside region [%d, %d)", (void *)m, len,
			    off, r0, r1);
		r[j].mr_off = r0;
		r[j].mr_len = r[i].mr_len;
		j++;
	}
	m->m_pkthdr.ph_nregions = j;
}

/* Record [a, b): it replaces the regions inside it; the table has room. */
void
m_region_add(struct mbuf *m, int a, int b)
{
	struct m_region *r = m->m_pkthdr.ph_regions;
	int i, j, n = m->m_pkthdr.ph_nregions;

	for (i = j = 0; i < n; i++) {
		if ((int)r[i].mr_off >= a &&
		    (int)(r[i].mr_off + r[i].mr_len) <= b)
			continue;
		r[j++] = r[i];
	}
	MBP_ASSERTMSG(j < M_MAXREGIONS, "m_region_add: packet %p: no room",
	    (void *)m);
	for (i = j; i > 0 && (int)r[i - 1].mr_off > a; i--)
		r[i] = r[i - 1];
	r[i].mr_off = a;
	r[i].mr_len = b - a;
	m->m_pkthdr.ph_nregions = j + 1;
}

/* The mbuf whose data holds all of [off, off + len), len > 0; or NULL. */
struct mbuf *
m_locate(struct mbuf *m, int off, int len, int *offp)
{
	if ((m = m_seek(m, off, offp)) == NULL || *offp + len > m->m_len)
		return (NULL);
	return (m);
}

/*
 * Check m's regions: sorted, disjoint, non-empty, inside the packet,
 * each in one mbuf.  Returns 0, or -1 with the reason in why.
 */
int
m_region_sanity(struct mbuf *m, char *why, size_t whylen)
{
	struct m_region *r;
	int i, n, o;

	if ((r = m_regions(m, &n)) == NULL)
		return (0);
	if (n > M_MAXREGIONS) {
		mb_snprintf(why, whylen, "packet %p: %d regions", (void *)m, n);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (r[i].mr_len == 0 ||
		    (int)(r[i].mr_off + r[i].mr_len) > m->m_pkthdr.len ||
		    (i > 0 && r[i].mr_off < r[i - 1].mr_off +
		    r[i - 1].mr_len)) {
			mb_snprintf(why, whylen, "packet %p (len %d): region %d "
			    "[%d, %d) out of place", (void *)m,
			    m->m_pkthdr.len, i, r[i].mr_off,
			    r[i].mr_off + r[i].mr_len);
			return (-1);
		}
		if (m_locate(m, r[i].mr_off, r[i].mr_len, &o) == NULL) {
			mb_snprintf(why, whylen, "packet %p: region %d "
			    "[%d, %d) is not contiguous", (void *)m, i,
			    r[i].mr_off, r[i].mr_off + r[i].mr_len);
			return (-1);
		}
	}
	return (0);
}

#ifdef DIAGNOSTIC
void
m_region_verify(struct mbuf *m, const char *fn)
{
	char why[160];

	if (m_region_sanity(m, why, sizeof(why)) != 0)
		mbp_panic("%s: %s", fn, why);
}
#endif


/*
 * Guaranteed-contiguous regions.
 */
static void *
m_datarange1(struct mbuf **mp, int off, int len, int how, bool rw)
{
	struct mbuf *m = *mp, *n;
	struct m_region *r;
	u_long copied = 0;
	int a = off, b = off + len, i, nr, out, best, bestlen, o, error;

	if (m == NULL || (m->m_flags & M_PKTHDR) == 0 || off < 0 || len <= 0)
		mbp_panic("m_datarange: mbuf %p (a packet?), off %d, len %d",
		    (void *)m, off, len);
	if (off + len > m->m_pkthdr.len || off + len > M_REGIONMAX)
		return (NULL);
	r = m_regions(m, &nr);
	m_closure(r, nr, &a, &b);
	for (i = out = 0; i < nr; i++)
		if ((int)r[i].mr_off < a ||
		    (int)(r[i].mr_off + r[i].mr_len) > b)
			out++;
	if (out == M_MAXREGIONS) {
		/* Full: merge with the region whose union is shortest. */
		best = 0;
		bestlen = 0x7fffffff;
		for (i = 0; i < nr; i++) {
			o = MAX(b, (int)(r[i].mr_off + r[i].mr_len)) -
			    MIN(a, (int)r[i].mr_off);
			if (o < bestlen) {
				bestlen = o;
				best = i;
			}
		}
		a = MIN(a, (int)r[best].mr_off);
		b = MAX(b, (int)(r[best].mr_off + r[best].mr_len));
		m_closure(r, nr, &a, &b);
	}
	if (b - a > m_contigmax())
		return (NULL);
	n = m_contig1(m, a, b - a, 0, &o, how, &error, &copied);
	if (n != NULL && rw)
		error = m_makewr1(mp, off, len, how, true, a, b - a, &copied);
	MBSTAT_ADD(m_cp_datarange, copied);
	if (n == NULL || (rw && error != 0))
		return (NULL);
	m = *mp;
	m_region_add(m, a, b);
	M_REGION_VERIFY(m, "m_datarange");
	n = m_locate(m, off, len, &o);
	MBP_ASSERTMSG(n != NULL, "m_datarange: [%d, %d) not contiguous", off,
	    off + len);
	return (mtod(n, caddr_t) + o);
}

void *
m_datarange(struct mbuf **mp, int off, int len, int how)
{
	return (m_datarange1(mp, off, len, how, false));
}

void *
m_datarange_rw(struct mbuf **mp, int off, int len, int how)
{
	return (m_datarange1(mp, off, len, how, true));
}

/*
 * The address of byte off of the packet m, for len bytes inside a
 * recorded region (writable storage when rw).  Under DIAGNOSTIC a range
 * outside every region, a region not contiguous or, for rw, storage
 * that may not be written panics.
 */
void *
m_mptr(struct mbuf *m, int off, int len, int rw)
{
	struct mbuf *n;
	int o;
#ifdef DIAGNOSTIC
	struct m_region *r;
	int i, nr;

	r = m_regions(m, &nr);
	for (i = 0; i < nr; i++)
		if (off >= (int)r[i].mr_off &&
		    off + len <= (int)(r[i].mr_off + r[i].mr_len))
			break;
	if (i == nr)
		mbp_panic("mptr: [%d, %d) of packet %p lies in no recorded region",
		    off, off + len, (void *)m);
#endif
	n = m_locate(m, off, len, &o);
#ifdef DIAGNOSTIC
	if (n == NULL)
		mbp_panic("mptr: region around [%d, %d) of packet %p is not "
		    "contiguous", off, off + len, (void *)m);
	if (rw && m_readonly(n))
		mbp_panic("mptr_rw: [%d, %d) of packet %p is in shared or "
		    "read-only storage (m_datarange_rw again after sharing)",
		    off, off + len, (void *)m);
#endif
	if (n == NULL)
		return (NULL);
	return (mtod(n, caddr_t) + o);
}

/*
 * Make every region of m contiguous again after a call that laid the
 * bytes out afresh (m_dup).  ENOBUFS when memory is short.
 */
int
m_region_restore(struct mbuf *m, int how)
{
	struct m_region *r;
	struct mbuf *c;
	u_long copied;
	int i, n, o, a, b, error;

	r = m_regions(m, &n);
	for (i = 0; i < n; i++) {
		if (m_locate(m, r[i].mr_off, r[i].mr_len, &o) != NULL)
			continue;
		a = r[i].mr_off;
		b = a + r[i].mr_len;
		m_closure(r, n, &a, &b);
		copied = 0;
		c = m_contig1(m, a, b - a, 0, &o, how, &error, &copied);
		MBSTAT_ADD(m_cp_dup, copied);
		if (c == NULL)
			return (error);
	}
	M_REGION_VERIFY(m, "m_region_restore");
	return (0);
}
