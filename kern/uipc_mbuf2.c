/*
 * uipc_mbuf2.c: the m_pulldown family: ranges made contiguous or
 * writable on demand; see m_pulldown(9).
 *
 * What it is for: m_pulldown (the KAME contract), m_ensure_contig,
 * m_makewritable and m_copyback_cow make part of a chain contiguous or
 * writable while copying as little as they can (every BSD keeps
 * m_pulldown in a file of this name).  The regions they must keep whole
 * are uipc_mbregion.c's.
 *
 * Invariants:
 *   - a call that moves bytes never cuts a guaranteed region: the range
 *     it works on is first widened to the union of every region it
 *     overlaps, and a call that would have to copy more than
 *     m_contigmax() fails instead;
 *   - nothing here writes storage that is shared or read-only: bytes
 *     are copied out of it, never into it;
 *   - m_pulldown touches no byte before off unless a region straddles
 *     off, and frees the chain when it fails; m_ensure_contig and
 *     m_makewritable leave the chain valid and holding the same bytes
 *     when they fail; m_copyback_cow frees it (NetBSD).
 */
#include <sys/mbuf_port.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include "mbuf_private.h"

/*
 * Moving bytes.
 */

/* mb_getstorage, counted as this family's. */
static struct mbuf *
m_getfor3(int how, int type, int len, int cap)
{
	struct mbuf *m;

	if ((m = mb_getstorage(how, type, len, cap)) != NULL)
		MBSTAT_ADD(m_pdallocs, 1);
	return (m);
}

/*
 * Take the first len bytes that follow prev in its chain, copying them
 * to cp: the mbufs they came from are trimmed at the front and freed
 * when this empties them (zero-length mbufs already there stay).
 */
static void
m_take(struct mbuf *prev, int len, caddr_t cp)
{
	struct mbuf *m;
	int count;

	while (len > 0) {
		m = prev->m_next;
		MBP_ASSERTMSG(m != NULL, "m_take: chain ends %d bytes early",
		    len);
		count = MIN(len, m->m_len);
		memcpy(cp, mtod(m, caddr_t), count);
		cp += count;
		len -= count;
		m->m_data += count;
		m->m_len -= count;
		if (m->m_len == 0 && count > 0)
			prev->m_next = m_free(m);
		else
			prev = m;
	}
}


/*
 * Bytes [off, off + hlen) of n, the range being made contiguous first,
 * go to new storage after n, which keeps [0, off): KAME's answer when
 * the range lies in one mbuf but the caller wants it at an mbuf's start
 * or n's storage may not be written.  When one buffer holds the whole
 * rest of n and n is writable, all of it moves (KAME's m_dup of the
 * tail); otherwise only the len bytes of the range are copied and a
 * new mbuf shares the rest of n's storage, so that no copy is longer
 * than m_contigmax().  Returns the new mbuf, or NULL (ENOBUFS) with
 * nothing changed.
 */
static struct mbuf *
m_contig_tail(struct mbuf *n, int off, int len, int how, u_long *copied)
{
	struct mbuf *o, *suf = NULL;
	int hlen = n->m_len - off, clen;

	clen = (hlen > m_contigmax() || m_readonly(n)) ? len : hlen;
	if ((o = m_getfor3(how, n->m_type, clen, MLEN)) == NULL)
		return (NULL);
	if (clen < hlen &&
	    (suf = m_copym(n, off + clen, hlen - clen, how)) == NULL) {
		m_free(o);
		return (NULL);
	}
	memcpy(mtod(o, caddr_t), mtod(n, caddr_t) + off, clen);
	*copied += clen;
	o->m_len = clen;
	if (suf != NULL) {
		suf->m_next = n->m_next;
		o->m_next = suf;
	} else
		o->m_next = n->m_next;
	n->m_len = off;
	n->m_next = o;
	return (o);
}

/*
 * The KAME algorithm, on a range already widened over the regions:
 * make [off, off + len) of the chain m0 contiguous and return the mbuf
 * holding it, its offset there in *offp (0 with MC_ATSTART), in
 * writable storage with MC_WRITABLE.  Never frees and never changes m0
 * itself; on failure (*errp: EMSGSIZE too long, EINVAL chain too
 * short, ENOBUFS no memory) the chain is untouched.
 */
struct mbuf *
m_contig1(struct mbuf *m0, int off, int len, int flags, int *offp,
    int how, int *errp, u_long *copied)
{
	struct mbuf *n, *o, *q;
	int hlen, tlen, olen;
	bool trail, lead, atstart = (flags & MC_ATSTART) != 0;

	if (len > m_contigmax()) {
		*errp = EMSGSIZE;
		return (NULL);
	}
	if ((n = m_seek(m0, off, &off)) == NULL) {
		*errp = EINVAL;
		return (NULL);
	}
	if (off + len <= n->m_len) {
		if ((off == 0 || !atstart) &&
		    ((flags & MC_WRITABLE) == 0 || !m_readonly(n)))
			goto ok;
		if ((n = m_contig_tail(n, off, len, how, copied)) == NULL)
			goto nomem;
		off = 0;
		goto ok;
	}

	/* hlen bytes from n at off, tlen from the mbufs after it. */
	hlen = n->m_len - off;
	tlen = len - hlen;
	olen = 0;
	for (q = n->m_next; q != NULL && olen < tlen; q = q->m_next)
		olen += q->m_len;
	if (olen < tlen) {
		*errp = EINVAL;
		return (NULL);
	}
	for (q = n->m_next; q->m_len == 0; q = q->m_next)
		;
	trail = (off == 0 || !atstart) && m_trailingspace(n) >= tlen;
	lead = q->m_len >= tlen && m_leadingspace(q) >= hlen;
	if (trail && (!lead || tlen <= hlen)) {
		/* The tail moves up into n's trailing space. */
		m_take(n, tlen, mtod(n, caddr_t) + n->m_len);
		n->m_len += tlen;
		*copied += tlen;
		goto ok;
	}
	if (lead) {
		/* The head moves down into q's leading space. */
		q->m_data -= hlen;
		memcpy(mtod(q, caddr_t), mtod(n, caddr_t) + off, hlen);
		q->m_len += hlen;
		n->m_len -= hlen;
		*copied += hlen;
		n = q;
		off = 0;
		goto ok;
	}
	/* Neither: both parts go to a new mbuf after n. */
	if ((o = m_getfor3(how, n->m_type, len, MLEN)) == NULL)
		goto nomem;
	memcpy(mtod(o, caddr_t), mtod(n, caddr_t) + off, hlen);
	n->m_len -= hlen;
	o->m_next = n->m_next;
	n->m_next = o;
	m_take(o, tlen, mtod(o, caddr_t) + hlen);
	o->m_len = len;
	*copied += len;
	n = o;
	off = 0;
ok:
	*offp = off;
	return (n);
nomem:
	*errp = ENOBUFS;
	return (NULL);
}

struct mbuf *
m_pulldown(struct mbuf *m, int off, int len, int *offp)
{
	struct mbuf *n;
	u_long copied = 0;
	int a = off, b = off + len, o, error;

	if (m == NULL || off < 0 || len < 0)
		mbp_panic("m_pulldown: mbuf %p, off %d, len %d", (void *)m, off,
		    len);
	MBSTAT_ADD(m_pulldowns, 1);
	m_region_closure(m, &a, &b);
	if (a < off && offp == NULL) {
		/* A region straddles off: off cannot start an mbuf. */
		n = NULL;
	} else {
		n = m_contig1(m, a, b - a, (len > 0 ? MC_WRITABLE : 0) |
		    (offp == NULL ? MC_ATSTART : 0), &o, M_DONTWAIT, &error,
		    &copied);
		MBSTAT_ADD(m_cp_pulldown, copied);
	}
	if (n == NULL) {
		MBSTAT_ADD(m_pdfail, 1);
		m_freem(m);
		return (NULL);
	}
	if (offp != NULL)
		*offp = o + (off - a);
	M_REGION_VERIFY(m, "m_pulldown");
	return (n);
}

bool
m_ensure_contig(struct mbuf **mp, int len0)
{
	struct mbuf *m = *mp, *n;
	int len, cap;

	if (m == NULL || len0 < 0)
		mbp_panic("m_ensure_contig: mbuf %p, len %d", (void *)m, len0);
	len = m_region_extend(m, len0);
	if (len <= m->m_len)
		return (true);
	if (len > m_contigmax() || m_length(m) < len)
		return (false);
	if (m_trailingspace(m) >= len - m->m_len) {
		MBSTAT_ADD(m_cp_contig, len - m->m_len);
		m_take(m, len - m->m_len, mtod(m, caddr_t) + m->m_len);
		m->m_len = len;
	} else {
		cap = m_stdintsize(m);
		if ((n = m_getfor3(M_DONTWAIT, m->m_type, len, cap)) == NULL)
			return (false);
		if (m->m_flags & M_PKTHDR)
			m_move_pkthdr(n, m);
		n->m_next = m;
		m_take(n, len, mtod(n, caddr_t));
		n->m_len = len;
		MBSTAT_ADD(m_cp_contig, len);
		*mp = m = n;
	}
	M_REGION_VERIFY(m, "m_ensure_contig");
	return (true);
}

/*
 * Copy-on-write.
 */

/*
 * One copy-on-write job: the range [cw_off, cw_off + cw_len) of
 * *cw_mp, whose bytes are copied into new storage only with
 * cw_preserve (otherwise the caller overwrites them), and what must
 * stay whole: the regions and one more range.
 */
struct m_keep {
	struct m_region	kp_r[M_MAXREGIONS + 1];
	int		kp_n;
};
struct m_cow {
	struct mbuf	**cw_mp;
	int		  cw_off, cw_len;
	bool		  cw_preserve;
	int		  cw_how;
	u_long		 *cw_copied;	/* counter for the bytes copied */
	struct m_keep	  cw_keep;
};

/*
 * Where the chunk of new storage that starts at pos and may reach e
 * ends: at most m_contigmax() bytes, and never inside a kept range.
 */
static int
m_cow_chunkend(const struct m_keep *kp, int pos, int e)
{
	int end, i, again, r0, r1;

	end = MIN(e, pos + m_contigmax());
	do {
		again = 0;
		for (i = 0; i < kp->kp_n; i++) {
			r0 = kp->kp_r[i].mr_off;
			r1 = r0 + kp->kp_r[i].mr_len;
			if (r0 < end && end < r1) {
				end = r0;
				again = 1;
			}
		}
	} while (again);
	/*
	 * end == pos: a kept range at pos is longer than any storage now
	 * (a region recorded before the class table shrank).
	 */
	return (end);
}

/*
 * Give bytes [s, e) of the packet, which lie in the read-only mbuf x
 * at packet offset x0 (prev before it, NULL when x heads the packet),
 * storage of their own; the rest of x keeps sharing.  All allocation
 * comes first: on failure nothing has changed.  *lastp gets the last
 * mbuf of what stands where x stood.
 */
static int
m_cow1(const struct m_cow *cw, struct mbuf *prev, struct mbuf *x, int x0,
    int s, int e, struct mbuf **lastp)
{
	const struct m_keep *kp = &cw->cw_keep;
	struct mbuf *chunks = NULL, **cp = &chunks, *c, *last = NULL;
	struct mbuf *suf = NULL;
	int x1 = x0 + x->m_len, pos, end, cap, c0, c1, how = cw->cw_how;
	int off = cw->cw_off, len = cw->cw_len;
	bool head = prev == NULL && s == x0, preserve = cw->cw_preserve;

	for (pos = s; pos < e; pos = end) {
		if ((end = m_cow_chunkend(kp, pos, e)) == pos) {
			m_freem(chunks);
			return (EMSGSIZE);
		}
		cap = head && chunks == NULL ? m_stdintsize(x) : (int)MLEN;
		if ((c = m_getfor3(how, x->m_type, end - pos, cap)) == NULL)
			goto nomem;
		*cp = last = c;
		cp = &c->m_next;
	}
	if (s > x0 && e < x1 &&
	    (suf = m_copym(x, e - x0, x1 - e, how)) == NULL)
		goto nomem;

	/* Commit. */
	if (head) {
		if (x->m_flags & M_PKTHDR)
			m_move_pkthdr(chunks, x);
		*cw->cw_mp = chunks;
	}
	for (pos = s, c = chunks; pos < e; pos = end, c = c->m_next) {
		end = m_cow_chunkend(kp, pos, e);
		c->m_len = end - pos;
		/* copy [pos, end) less [off, off + len) unless preserve */
		c0 = preserve ? end : MAX(pos, MIN(off, end));
		c1 = preserve ? end : MIN(end, MAX(off + len, pos));
		if (c0 > pos)
			memcpy(mtod(c, caddr_t), mtod(x, caddr_t) + (pos - x0),
			    c0 - pos);
		if (end > c1)
			memcpy(mtod(c, caddr_t) + (c1 - pos),
			    mtod(x, caddr_t) + (c1 - x0), end - c1);
		*cw->cw_copied += (c0 - pos) + (end - c1);
	}
	if (s > x0) {
		/* x keeps the prefix; a new mbuf shares the suffix. */
		x->m_len = s - x0;
		if (suf != NULL) {
			suf->m_next = x->m_next;
			last->m_next = suf;
			last = suf;
		} else
			last->m_next = x->m_next;
		x->m_next = chunks;
	} else {
		/* x keeps the suffix, or goes. */
		if (prev != NULL)
			prev->m_next = chunks;
		if (e < x1) {
			x->m_data += e - x0;
			x->m_len = x1 - e;
			last->m_next = x;
			last = x;
		} else
			last->m_next = m_free(x);
	}
	*lastp = last;
	return (0);
nomem:
	m_freem(chunks);
	return (ENOBUFS);
}

/*
 * Make [off, off + len) of *mp writable, keeping every region and the
 * extra range [koff, koff + klen) whole (klen 0: none).
 */
int
m_makewr1(struct mbuf **mp, int off, int len, int how, bool preserve,
    int koff, int klen, u_long *copied)
{
	struct m_cow cw = { mp, off, len, preserve, how, copied, { .kp_n = 0 } };
	struct m_keep *kp = &cw.cw_keep;
	struct m_region *r;
	struct mbuf *x, *prev = NULL, *last;
	int pos = 0, x0, x1, s, e, n, error;

	r = m_regions(*mp, &n);
	kp->kp_n = n;
	if (n > 0)
		memcpy(kp->kp_r, r, n * sizeof(*r));
	if (klen > 0) {
		kp->kp_r[kp->kp_n].mr_off = koff;
		kp->kp_r[kp->kp_n++].mr_len = klen;
	}
	for (x = *mp; x != NULL && pos < off + len; prev = x, x = x->m_next) {
		x0 = pos;
		x1 = pos + x->m_len;
		pos = x1;
		if (x1 <= off || x->m_len == 0 || !m_readonly(x))
			continue;
		s = MAX(off, x0);
		e = MIN(off + len, x1);
		m_closure(kp->kp_r, kp->kp_n, &s, &e);
		MBP_ASSERTMSG(s >= x0 && e <= x1, "m_makewritable: a region "
		    "around [%d, %d) leaves mbuf %p", s, e, (void *)x);
		if ((error = m_cow1(&cw, prev, x, x0, s, e, &last)) != 0)
			return (error);
		x = last;
	}
	return (0);
}

int
m_makewritable(struct mbuf **mp, int off, int len, int how)
{
	u_long copied = 0;
	int error;

	if (*mp == NULL || off < 0 || len < 0)
		mbp_panic("m_makewritable: mbuf %p, off %d, len %d",
		    (void *)*mp, off, len);
	if (len == 0)
		return (0);
	if (off + len > m_length(*mp))
		return (EINVAL);
	error = m_makewr1(mp, off, len, how, true, 0, 0, &copied);
	MBSTAT_ADD(m_cp_makewr, copied);
	M_REGION_VERIFY(*mp, "m_makewritable");
	return (error);
}

struct mbuf *
m_copyback_cow(struct mbuf *m, int off, int len, const void *cp, int how)
{
	u_long copied = 0;
	int total, n, error;

	if (m == NULL || off < 0 || len < 0)
		mbp_panic("m_copyback_cow: mbuf %p, off %d, len %d", (void *)m,
		    off, len);
	total = m_length(m);
	if (len == 0 && off <= total)
		return (m);		/* nothing to write */
	n = MIN(len, total - off);
	if (n > 0) {
		error = m_makewr1(&m, off, n, how, false, 0, 0, &copied);
		MBSTAT_ADD(m_cp_cbcow, copied);
		if (error != 0)
			goto bad;
	}
	/* Nothing read-only is left in the range: m_copyback writes it. */
	if (m_copyback(m, off, len, cp, how) != 0)
		goto bad;
	MBSTAT_SUB(m_cp_copyback, len);		/* count it here instead */
	MBSTAT_ADD(m_cp_cbcow, len);
	M_REGION_VERIFY(m, "m_copyback_cow");
	return (m);
bad:
	m_freem(m);
	return (NULL);
}

