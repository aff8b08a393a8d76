/*
 * uipc_mbuf.c: mbuf allocation, external storage and the chain calls.
 *
 * What it is for: building, sharing, copying and rearranging chains of
 * mbufs (see mbuf(9)).  Memory comes only through the seam in
 * uipc_mbpool.c (mb_alloc, mb_clalloc, mb_refalloc, mb_getstorage).
 *
 * Invariants kept by every call here:
 *   - external storage is freed exactly once, by its free method, when
 *     the last mbuf holding it is freed; ext_refcnt is NULL while one
 *     mbuf holds it and is created the first time it is shared;
 *   - shared or read-only storage is never written (m_copym and
 *     m_split share clusters, m_copyback refuses to write them,
 *     m_prepend/m_pullup/m_cat only use space M_WRITABLE mbufs own);
 *   - a call that may fail with M_DONTWAIT either leaves the caller's
 *     chain exactly as it was or frees it, as its manual page says;
 *   - M_WAIT where sleeping is not allowed panics naming the call and
 *     its caller;
 *   - under DIAGNOSTIC every entry checks that the mbuf it is given is
 *     live (a freed mbuf is MT_FREE and junk, see uipc_mbpool.c), and
 *     the calls that return a packet check it with m_verify.
 */
#include <sys/mbuf_port.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/os_mbuf.h>
#include "mbuf_private.h"


static __dead void
m_waitpanic(const char *fn, void *caller)
{
	mbp_panic("%s: M_WAIT where sleeping is not allowed (caller %p)", fn,
	    caller);
}

/* Every allocating entry point checks M_WAIT first: names the caller. */
#define M_WAITCHECK(how) do {						\
	if (((how) & M_WAIT) && !mbp_cansleep())				\
		m_waitpanic(__func__, __builtin_return_address(0));	\
} while (0)

#ifdef DIAGNOSTIC
#if defined(__SANITIZE_ADDRESS__)
#define M_POISONED(m)	mbp_ispoisoned(&(m)->m_type)
#else
#define M_POISONED(m)	0
#endif

/* Panic when m is a freed mbuf (double free, use after free). */
static void
m_checklive(struct mbuf *m, const char *fn)
{
	int type;

	if (m == NULL)
		mbp_panic("%s: NULL mbuf", fn);
	type = M_POISONED(m) ? -1 : m->m_type;
	if (type <= MT_FREE || type >= MT_NTYPES)
		mbp_panic("%s: mbuf %p is not live (type %d): freed already "
		    "(double free or use after free)", fn, (void *)m, type);
}
#define M_LIVE(m)	m_checklive((m), __func__)
#define M_VERIFY(m)	m_verify((m), __func__)
#else
#define M_LIVE(m)	do { } while (0)
#define M_VERIFY(m)	do { } while (0)
#endif

/*
 * Start and size of the storage m_data points into (FreeBSD's M_START
 * and M_SIZE): the external buffer, or the mbuf's own data area.
 */
caddr_t
m_start(struct mbuf *m)
{
	if (m->m_flags & M_EXT)
		return (m->m_ext.ext_buf);
	if (m->m_flags & M_PKTHDR)
		return (m->m_pktdat + M_UHSPACE(m));
	return (m->m_dat);
}

int
m_size(struct mbuf *m)
{
	if (m->m_flags & M_EXT)
		return (m->m_ext.ext_size);
	return (m_intsize(m));
}

/*
 * The walk to an offset: the mbuf of chain m that holds byte off (empty
 * mbufs and those wholly before it skipped), off's place in it in
 * *offp.  NULL when the chain ends first; *offp is then how far past
 * its end off lies (0: off is the chain's length).
 */
struct mbuf *
m_seek(struct mbuf *m, int off, int *offp)
{
	for (; m != NULL; m = m->m_next) {
		M_LIVE(m);
		if (off < m->m_len)
			break;
		off -= m->m_len;
	}
	*offp = off;
	return (m);
}

int
m_readonly(struct mbuf *m)
{
	if ((m->m_flags & M_EXT) == 0)
		return (0);
	return ((m->m_flags & M_RDONLY) != 0 ||
	    (m->m_ext.ext_flags & EXT_RDONLY) != 0 ||
	    (m->m_ext.ext_refcnt != NULL && *m->m_ext.ext_refcnt > 1));
}

int
m_leadingspace(struct mbuf *m)
{
	if (m_readonly(m))
		return (0);
	return (m->m_data - m_start(m));
}

int
m_trailingspace(struct mbuf *m)
{
	if (m_readonly(m))
		return (0);
	return (m_start(m) + m_size(m) - (m->m_data + m->m_len));
}

void
m_align(struct mbuf *m, int len)
{
	int size = m_size(m);

	MBP_ASSERTMSG(len >= 0 && len <= size && m->m_len == 0,
	    "m_align: mbuf %p: %d bytes do not fit %d (or not empty)",
	    (void *)m, len, size);
	m->m_data = m_start(m) + ((size - len) & ~(int)(sizeof(long) - 1));
}

/*
 * Allocation.
 */
static struct mbuf *
m_init(struct mbuf *m, int type, int flags)
{
	m->m_next = NULL;
	m->m_nextpkt = NULL;
	m->m_len = 0;
	m->m_type = type;
	m->m_flags = flags;
	m->m_hdr.mh_omp = NULL;
	m->m_hdr.mh_uflags = 0;
	if (flags & M_PKTHDR) {
		m->m_hdr.mh_pkthdr_len = sizeof(struct pkthdr);
		memset(&m->m_pkthdr, 0, sizeof(m->m_pkthdr));
		m->m_data = m->m_pktdat;
	} else {
		m->m_hdr.mh_pkthdr_len = 0;
		m->m_data = m->m_dat;
	}
	MBSTAT_ADD(m_mtypes[type], 1);
	return (m);
}

/*
 * The slow half of m_get and m_gethdr, out of line so that their fast
 * path makes no call and saves no register.
 */
static __attribute__((noinline)) struct mbuf *
m_getslow(int how, int type, int flags)
{
	struct mbuf *m;

	if ((m = mb_alloc(how)) == NULL)
		return (NULL);
	return (m_init(m, type, flags));
}

/* The body of m_get and m_gethdr: the common case inline, no call. */
static inline struct mbuf *
m_get1(int how, int type, int flags)
{
	struct mbuf *m;

	MBP_ASSERTMSG(type > MT_FREE && type < MT_NTYPES, "m_get%s: type %d",
	    (flags & M_PKTHDR) ? "hdr" : "", type);
	if (__predict_false((m = mb_tryalloc()) == NULL))
		return (m_getslow(how, type, flags));
	return (m_init(m, type, flags));
}

struct mbuf *
m_get(int how, int type)
{
	M_WAITCHECK(how);
	return (m_get1(how, type, 0));
}

struct mbuf *
m_gethdr(int how, int type)
{
	M_WAITCHECK(how);
	return (m_get1(how, type, M_PKTHDR));
}

struct mbuf *
m_gethdr_uh(int how, int type, u_int uhlen)
{
	struct mbuf *m;

	M_WAITCHECK(how);
	if (uhlen > M_MAXUHLEN)
		mbp_panic("m_gethdr_uh: user header of %u bytes (max %d)", uhlen,
		    M_MAXUHLEN);
	if ((m = m_gethdr(how, type)) == NULL)
		return (NULL);
	m->m_pkthdr.ph_uhlen = uhlen;
	m->m_hdr.mh_pkthdr_len += uhlen;
	memset(M_UHDR(m), 0, uhlen);
	m->m_data = m_start(m);
	return (m);
}

struct mbuf *
m_getclr(int how, int type)
{
	struct mbuf *m;

	M_WAITCHECK(how);
	if ((m = m_get(how, type)) == NULL)
		return (NULL);
	memset(m->m_dat, 0, MLEN);
	return (m);
}

static void
m_clfree(caddr_t buf, size_t size, void *arg)
{
	mb_clrelease(buf);
}

static const struct m_extops m_clops = { m_clfree, NULL };

static void
m_setext(struct mbuf *m, caddr_t buf, u_int size,
    const struct m_extops *ops, void *arg, u_int flags)
{
	MBP_ASSERTMSG((m->m_flags & M_EXT) == 0 && m->m_len == 0,
	    "m_setext: mbuf %p already has storage or data", (void *)m);
	MBP_ASSERTMSG((m->m_flags & M_POOL) == 0, "m_setext: mbuf %p is a "
	    "pool's block (os_mbuf(9)): its storage is the block", (void *)m);
	m->m_ext.ext_buf = buf;
	m->m_ext.ext_size = size;
	m->m_ext.ext_flags = flags;
	m->m_ext.ext_refcnt = NULL;
	m->m_ext.ext_ops = ops;
	m->m_ext.ext_arg = arg;
	m->m_flags |= M_EXT;
	m->m_data = buf;
}

/* Give m the cluster buf. */
static void
m_setcl(struct mbuf *m, caddr_t buf)
{
	m_setext(m, buf, MCLBYTES, &m_clops, NULL, EXT_CLUSTER);
	MBSTAT_ADD(m_clgets, 1);
}

int
m_clget(struct mbuf *m, int how)
{
	caddr_t buf;

	M_WAITCHECK(how);
	M_LIVE(m);
	if ((buf = mb_clalloc(how)) == NULL)
		return (ENOBUFS);
	m_setcl(m, buf);
	return (0);
}

/* The slow half of m_getcl: every decision the seam must take. */
static struct mbuf *
m_getclslow(int how, int type, int flags)
{
	struct mbuf *m;

	if (flags & M_PKTHDR)
		m = m_gethdr(how, type);
	else
		m = m_get(how, type);
	if (m == NULL)
		return (NULL);
	if (m_clget(m, how) != 0) {
		m_free(m);
		return (NULL);
	}
	return (m);
}

struct mbuf *
m_getcl(int how, int type, int flags)
{
	struct mbuf *m;
	caddr_t buf;

	M_WAITCHECK(how);
	MBP_ASSERTMSG(type > MT_FREE && type < MT_NTYPES, "m_getcl: type %d",
	    type);
	if (__predict_true((m = mb_tryalloc()) != NULL)) {
		if (__predict_true((buf = mb_cltryalloc()) != NULL)) {
			m_init(m, type, flags & M_PKTHDR);
			m_setcl(m, buf);
			return (m);
		}
		mb_release(m);
	}
	return (m_getclslow(how, type, flags));
}

int
m_extadd(struct mbuf *m, caddr_t buf, u_int size,
    const struct m_extops *ops, void *arg, int flags, int how)
{
	M_WAITCHECK(how);
	M_LIVE(m);
	MBP_ASSERTMSG(ops != NULL && ops->free != NULL,
	    "m_extadd: mbuf %p: no free method", (void *)m);
	m_setext(m, buf, size, ops, arg,
	    EXT_EXTADD | ((flags & M_RDONLY) ? EXT_RDONLY : 0));
	m->m_flags |= flags & M_RDONLY;
	MBSTAT_ADD(m_extbufs, 1);
	MBSTAT_ADD(m_extadds, 1);
	return (0);
}

/* Let n hold o's external storage too; fails only making the count. */
static int
m_extref(struct mbuf *o, struct mbuf *n, int how)
{
	u_int *rc;

	MBP_ASSERT((o->m_flags & M_EXT) && (n->m_flags & M_EXT) == 0);
	if ((rc = o->m_ext.ext_refcnt) == NULL) {
		if ((rc = mb_refalloc(how)) == NULL)
			return (ENOBUFS);
		*rc = 1;
		o->m_ext.ext_refcnt = rc;
	}
	mbp_refcnt_add(rc, 1);
	n->m_ext = o->m_ext;
	n->m_flags |= M_EXT | (o->m_flags & M_RDONLY);
	MBSTAT_ADD(m_shared, 1);
	return (0);
}

/* Drop m's hold on its external storage; free it with the last one. */
static void
m_extfree(struct mbuf *m)
{
	__typeof__(m->m_ext) *ext = &m->m_ext;
	u_int *rc = ext->ext_refcnt;

	if (rc != NULL) {
		/* Other CPUs' holders drop theirs meanwhile: read once. */
		MBP_ASSERTMSG(__atomic_load_n(rc, __ATOMIC_RELAXED) > 0,
		    "m_free: mbuf %p: storage %p has a reference count of 0",
		    (void *)m, ext->ext_buf);
		if (mbp_refcnt_add(rc, -1) > 0)
			return;
		mb_refrelease(rc);
	}
	if (ext->ext_flags & EXT_EXTADD)
		MBSTAT_SUB(m_extbufs, 1);
	ext->ext_ops->free(ext->ext_buf, ext->ext_size, ext->ext_arg);
}

struct mbuf *
m_free(struct mbuf *m)
{
	struct mbuf *n;

	M_LIVE(m);
	n = m->m_next;
	if (m->m_flags & M_EXT)
		m_extfree(m);
	MBSTAT_ADD(m_mtfrees[m->m_type], 1);
	if (__predict_false(m->m_flags & M_POOL)) {
		if (m->m_hdr.mh_omp->omp_pool == NULL)
			msys_blkput(m);		/* a size class's */
		else
			os_mbuf_blkput(m);	/* a Mynewt pool's */
	} else
		mb_release(m);
	return (n);
}

void
m_freem(struct mbuf *m)
{
	while (m != NULL)
		m = m_free(m);
}

/*
 * Packet headers.
 */

/* Copy from's header to to; returns the user header bytes copied. */
static int
m_copy_pkthdr(struct mbuf *to, struct mbuf *from)
{
	int uhlen = from->m_pkthdr.ph_uhlen;

	MBP_ASSERTMSG(from->m_flags & M_PKTHDR, "pkthdr: mbuf %p has no "
	    "packet header", (void *)from);
	MBP_ASSERTMSG(to->m_len == 0, "pkthdr: mbuf %p is not empty",
	    (void *)to);
	MBP_ASSERTMSG((to->m_flags & M_POOL) == 0 || to->m_hdr.mh_dlen >=
	    (int)sizeof(struct pkthdr) + uhlen, "pkthdr: pool mbuf %p cannot "
	    "hold a packet header and %d bytes of user header", (void *)to,
	    uhlen);
	to->m_flags = (to->m_flags & (M_EXT | M_RDONLY | M_POOL)) |
	    (from->m_flags & M_COPYFLAGS);
	to->m_pkthdr = from->m_pkthdr;		/* regions included */
	to->m_hdr.mh_pkthdr_len = sizeof(struct pkthdr) + uhlen;
	if (uhlen > 0)
		memcpy(M_UHDR(to), M_UHDR(from), uhlen);
	if ((to->m_flags & M_EXT) == 0)
		to->m_data = m_start(to);
	return (uhlen);
}

static int
m_move_pkthdr1(struct mbuf *to, struct mbuf *from)
{
	int n = m_copy_pkthdr(to, from);

	m_pkthdr_drop(from);
	from->m_pkthdr.ph_uhlen = 0;
	from->m_pkthdr.ph_nregions = 0;
	return (n);
}

void
m_move_pkthdr(struct mbuf *to, struct mbuf *from)
{
	M_LIVE(to);
	M_LIVE(from);
	MBSTAT_ADD(m_cp_pkthdr, m_move_pkthdr1(to, from));
}

int
m_dup_pkthdr(struct mbuf *to, struct mbuf *from, int how)
{
	M_LIVE(to);
	M_LIVE(from);
	MBSTAT_ADD(m_cp_pkthdr, m_copy_pkthdr(to, from));
	return (0);
}

/*
 * Reading a chain.
 */
int
m_length(struct mbuf *m)
{
	int len = 0;

	for (; m != NULL; m = m->m_next) {
		M_LIVE(m);
		len += m->m_len;
	}
	return (len);
}

/* Copy out without counting (the counting callers say who copied). */
static void
m_copydata1(struct mbuf *m, int off, int len, caddr_t cp, const char *fn)
{
	int count;

	if (off < 0 || len < 0)
		mbp_panic("%s: off %d, len %d", fn, off, len);
	if ((m = m_seek(m, off, &off)) == NULL && off > 0)
		mbp_panic("%s: offset beyond the chain", fn);
	while (len > 0) {
		if (m == NULL)
			mbp_panic("%s: %d bytes beyond the chain", fn, len);
		count = MIN(m->m_len - off, len);
		memcpy(cp, mtod(m, caddr_t) + off, count);
		len -= count;
		cp += count;
		off = 0;
		m = m->m_next;
	}
}

void
m_copydata(struct mbuf *m, int off, int len, void *cp)
{
	M_LIVE(m);
	m_copydata1(m, off, len, cp, "m_copydata");
	MBSTAT_ADD(m_cp_copydata, len);
}

struct mbuf *
m_getptr(struct mbuf *m, int loc, int *off)
{
	struct mbuf *n;

	if (loc < 0 || m == NULL)
		return (NULL);
	if ((n = m_seek(m, loc, off)) != NULL || *off != 0)
		return (n);
	while (m->m_next != NULL)	/* loc is the length: past the end */
		m = m->m_next;
	*off = m->m_len;
	return (m);
}

int
m_apply(struct mbuf *m, int off, int len,
    int (*f)(void *, caddr_t, u_int), void *arg)
{
	int count, rval;

	if (off < 0 || len < 0)
		mbp_panic("m_apply: off %d, len %d", off, len);
	if ((m = m_seek(m, off, &off)) == NULL && off > 0)
		mbp_panic("m_apply: offset beyond the chain");
	while (len > 0) {
		if (m == NULL)
			mbp_panic("m_apply: %d bytes beyond the chain", len);
		M_LIVE(m);
		count = MIN(m->m_len - off, len);
		if (count > 0 &&
		    (rval = f(arg, mtod(m, caddr_t) + off, count)) != 0)
			return (rval);
		len -= count;
		off = 0;
		m = m->m_next;
	}
	return (0);
}

/*
 * Copying.
 */

/*
 * The mbuf m_copym copies count bytes of m into (with copyhdr, m0's
 * packet header too): a standard mbuf, unless m is a pool mbuf whose
 * bytes a standard one cannot hold, then one of the size class that
 * holds them and the header, a cluster when that class is the cluster
 * pipe (so a region inside them stays contiguous); a standard one when
 * no class can.
 */
static struct mbuf *
m_copym_get(struct mbuf *m, struct mbuf *m0, int count, int copyhdr,
    int how)
{
	struct malloc_pipe *mp;
	int cap = MLEN, need = count;

	if ((m->m_flags & (M_POOL | M_EXT)) == M_POOL) {
		if (copyhdr) {
			cap = m_stdintsize(m0);
			need += (int)sizeof(struct pkthdr) +
			    m0->m_pkthdr.ph_uhlen;
		}
		if (count > cap && (mp = msys_select(need)) != NULL) {
			if (mp == &mb_cluster_pipe && count <= MCLBYTES)
				return (m_getcl(how, m->m_type, 0));
			if (mp != &mb_cluster_pipe && msys_classlen(mp) >= need)
				return (msys_get(how, m->m_type, need));
		}
	}
	return (m_get(how, m->m_type));
}

struct mbuf *
m_copym(struct mbuf *m0, int off0, int len, int how)
{
	struct mbuf *m = m0, *n, *top = NULL, **np = &top;
	int off = off0, copyhdr = 0, count;

	M_WAITCHECK(how);
	M_LIVE(m0);
	if (off < 0 || len < 0)
		mbp_panic("m_copym: off %d, len %d", off, len);
	if (len == 0)
		return (NULL);		/* nothing to copy, as in every BSD */
	if (off == 0 && (m0->m_flags & M_PKTHDR))
		copyhdr = 1;
	else if ((m = m_seek(m0, off, &off)) == NULL && off > 0)
		mbp_panic("m_copym: offset %d beyond the chain %p", off0,
		    (void *)m0);
	while (len > 0 || copyhdr) {
		if (m == NULL) {
			if (len != M_COPYALL && len > 0)
				mbp_panic("m_copym: %d bytes beyond the chain %p",
				    len, (void *)m0);
			break;
		}
		count = MIN(len, m->m_len - off);
		if (count == 0 && !copyhdr) {
			m = m->m_next;	/* skip empty mbufs */
			off = 0;
			continue;
		}
		if ((n = m_copym_get(m, m0, count, copyhdr, how)) == NULL)
			goto nospace;
		*np = n;
		np = &n->m_next;
		if (copyhdr) {
			MBSTAT_ADD(m_cp_copym, m_copy_pkthdr(n, m0));
			if (len == M_COPYALL)
				n->m_pkthdr.len -= off0;
			else
				n->m_pkthdr.len = len;
			m_region_keep(n, 0, n->m_pkthdr.len);
			copyhdr = 0;
		}
		if (m->m_flags & M_EXT) {
			if (m_extref(m, n, how) != 0)
				goto nospace;
			n->m_data = m->m_data + off;
		} else {
			/* Deep; n may still hold less (no class fits). */
			count = MIN(count, m_trailingspace(n));
			memcpy(mtod(n, caddr_t), mtod(m, caddr_t) + off, count);
			MBSTAT_ADD(m_cp_copym, count);
		}
		n->m_len = count;
		if (len != M_COPYALL)
			len -= count;
		off += count;
		if (off >= m->m_len) {
			off = 0;
			m = m->m_next;
		}
	}
	if (top != NULL && (top->m_flags & M_PKTHDR))
		M_VERIFY(top);
	return (top);
nospace:
	m_freem(top);
	return (NULL);
}

/* Allocate one empty mbuf to hold up to len bytes (a cluster if big). */
static struct mbuf *
m_getfor(int how, int type, int len)
{
	if (len > MLEN)
		return (m_getcl(how, type, 0));
	return (m_get(how, type));
}

struct mbuf *
m_dup(struct mbuf *m0, int how)
{
	struct mbuf *n, *top, **np = &top;
	int off = 0, remain, count;

	M_WAITCHECK(how);
	M_LIVE(m0);
	remain = m_length(m0);
	if (m0->m_flags & M_PKTHDR) {
		if ((top = m_gethdr(how, m0->m_type)) == NULL)
			return (NULL);
		MBSTAT_ADD(m_cp_dup, m_copy_pkthdr(top, m0));
		if (remain > m_size(top) && m_clget(top, how) != 0) {
			m_free(top);
			return (NULL);
		}
	} else if ((top = m_getfor(how, m0->m_type, remain)) == NULL)
		return (NULL);
	n = top;
	for (;;) {
		count = MIN(remain, m_size(n));
		m_copydata1(m0, off, count, mtod(n, caddr_t), "m_dup");
		n->m_len = count;
		off += count;
		remain -= count;
		MBSTAT_ADD(m_cp_dup, count);
		np = &n->m_next;
		if (remain == 0)
			break;
		if ((n = m_getfor(how, m0->m_type, remain)) == NULL) {
			m_freem(top);
			return (NULL);
		}
		*np = n;
	}
	/* The bytes were laid out afresh: regions may need pulling. */
	if ((top->m_flags & M_PKTHDR) && m_region_restore(top, how) != 0) {
		m_freem(top);
		return (NULL);
	}
	if (top->m_flags & M_PKTHDR)
		M_VERIFY(top);
	return (top);
}

/*
 * Copy len bytes from cp into the chain at off, growing the chain (and
 * m_pkthdr.len) when it ends before off + len; a gap between the end
 * and off is zero-filled.  Everything it needs is allocated first, so
 * on failure the chain is untouched.  It refuses (EPERM, nothing
 * written) when a byte to overwrite lies in read-only storage.
 */
int
m_copyback(struct mbuf *m0, int off, int len, const void *vp, int how)
{
	const char *cp = vp;
	struct mbuf *m, *last = NULL, *ext = NULL, *n, **np = &ext;
	int total = 0, need, tail, pos, count, skip;

	M_WAITCHECK(how);
	M_LIVE(m0);
	if (off < 0 || len < 0)
		mbp_panic("m_copyback: off %d, len %d", off, len);
	/* Refuse to write read-only storage (a zero-length write writes none). */
	for (m = m0; m != NULL; m = m->m_next) {
		M_LIVE(m);
		if (len > 0 && m->m_len > 0 && total < off + len &&
		    total + m->m_len > off && m_readonly(m))
			return (EPERM);
		total += m->m_len;
		last = m;
	}
	/* Grow: the last mbuf's trailing space, then new mbufs. */
	need = off + len - total;
	tail = 0;
	if (need > 0) {
		tail = MIN(need, m_trailingspace(last));
		need -= tail;
	}
	while (need > 0) {
		if ((n = m_getfor(how, m0->m_type, need)) == NULL) {
			m_freem(ext);
			return (ENOBUFS);
		}
		n->m_len = MIN(need, m_size(n));
		need -= n->m_len;
		*np = n;
		np = &n->m_next;
	}
	last->m_len += tail;
	last->m_next = ext;
	/* Write: zeros over a gap past the old end, then the data. */
	pos = 0;
	for (m = m0; m != NULL && pos < off + len; m = m->m_next) {
		if (pos + m->m_len > total && total < off) {
			skip = MAX(total - pos, 0);
			count = MIN(off, pos + m->m_len) - (pos + skip);
			if (count > 0)
				memset(mtod(m, caddr_t) + skip, 0, count);
		}
		if (pos + m->m_len > off) {
			skip = MAX(off - pos, 0);
			count = MIN(off + len, pos + m->m_len) - (pos + skip);
			memcpy(mtod(m, caddr_t) + skip,
			    cp + (pos + skip - off), count);
		}
		pos += m->m_len;
	}
	if ((m0->m_flags & M_PKTHDR) && m0->m_pkthdr.len < off + len)
		m0->m_pkthdr.len = off + len;
	MBSTAT_ADD(m_cp_copyback, len);
	return (0);
}

/*
 * Rearranging.
 */
struct mbuf *
m_prepend(struct mbuf *m, int len, int how)
{
	struct mbuf *mn;
	int room;

	M_WAITCHECK(how);
	M_LIVE(m);
	if (len < 0 || len > MCLBYTES)
		mbp_panic("m_prepend: mbuf %p: %d bytes", (void *)m, len);
	if (m_leadingspace(m) >= len) {
		m->m_data -= len;
		m->m_len += len;
	} else {
		room = m_stdintsize(m);		/* mn takes m's header */
		if (len > room)
			mn = m_getcl(how, m->m_type, 0);
		else
			mn = m_get(how, m->m_type);
		if (mn == NULL) {
			m_freem(m);
			return (NULL);
		}
		if (m->m_flags & M_PKTHDR)
			MBSTAT_ADD(m_cp_prepend, m_move_pkthdr1(mn, m));
		mn->m_next = m;
		m = mn;
		m_align(m, len);
		m->m_len = len;
	}
	if (m->m_flags & M_PKTHDR) {
		m->m_pkthdr.len += len;
		m_region_insert(m, 0, len);
	}
	return (m);
}

/*
 * Make the first len bytes contiguous in the first mbuf.  It pulls into
 * the first mbuf when that one is writable and has the room, otherwise
 * into a new mbuf (a cluster when len does not fit an mbuf).  On
 * failure (no memory, len > MCLBYTES, chain shorter than len) the chain
 * is freed and NULL returned.
 */
struct mbuf *
m_pullup(struct mbuf *n, int len)
{
	return (m_pullup1(n, len, NULL, NULL));
}

/*
 * The body of m_pullup and os_mbuf_pullup: getnew, when not NULL, makes
 * the new head (NULL when it cannot hold len bytes); otherwise it comes
 * through the allocation seam, as large as m_contigmax allows.
 */
struct mbuf *
m_pullup1(struct mbuf *n, int len, struct mbuf *(*getnew)(struct mbuf *,
    int, void *), void *arg)
{
	struct mbuf *m;
	int count, copied = 0;

	M_LIVE(n);
	len = m_region_extend(n, len);		/* cut no region */
	if (len <= n->m_len)
		return (n);
	if (getnew == NULL && len > m_contigmax())
		goto bad;
	if (n->m_next != NULL && !m_readonly(n) &&
	    n->m_len + m_trailingspace(n) >= len) {
		m = n;
		n = n->m_next;
	} else {
		if (getnew != NULL)
			m = getnew(n, len, arg);
		else
			m = mb_getstorage(M_DONTWAIT, n->m_type, len,
			    m_stdintsize(n));
		if (m == NULL)
			goto bad;
		if (n->m_flags & M_PKTHDR)
			copied += m_move_pkthdr1(m, n);
	}
	while (m->m_len < len && n != NULL) {
		M_LIVE(n);
		count = MIN(len - m->m_len, n->m_len);
		memcpy(mtod(m, caddr_t) + m->m_len, mtod(n, caddr_t), count);
		copied += count;
		m->m_len += count;
		n->m_len -= count;
		if (n->m_len > 0)
			n->m_data += count;
		else
			n = m_free(n);
	}
	m->m_next = n;
	MBSTAT_ADD(m_cp_pullup, copied);
	if (m->m_len < len) {
		m_freem(m);
		MBSTAT_ADD(m_pullupfail, 1);
		return (NULL);
	}
	MBSTAT_ADD(m_pullups, 1);
	if (m->m_flags & M_PKTHDR)
		M_VERIFY(m);
	return (m);
bad:
	m_freem(n);
	MBSTAT_ADD(m_pullupfail, 1);
	return (NULL);
}

void
m_adj(struct mbuf *mp, int req_len)
{
	struct mbuf *m;
	int len = req_len, count;

	if (mp == NULL)
		return;
	M_LIVE(mp);
	if (len >= 0) {
		/* Trim from the head. */
		for (m = mp; m != NULL && len > 0; m = m->m_next) {
			count = MIN(len, m->m_len);
			m->m_len -= count;
			m->m_data += count;
			len -= count;
		}
		if (mp->m_flags & M_PKTHDR) {
			mp->m_pkthdr.len -= req_len - len;
			m_region_keep(mp, req_len - len, mp->m_pkthdr.len);
		}
	} else {
		/* Trim from the tail: keep the first count bytes. */
		count = m_length(mp) + len;
		if (count < 0)
			count = 0;
		if (mp->m_flags & M_PKTHDR) {
			mp->m_pkthdr.len = count;
			m_region_keep(mp, 0, count);
		}
		for (m = mp; m != NULL; m = m->m_next) {
			if (m->m_len >= count) {
				m->m_len = count;
				count = 0;
			} else
				count -= m->m_len;
		}
	}
}

/*
 * Append n to m.  Small mbufs are copied into m's trailing space when
 * it is writable; the rest is linked.  n's packet header, if it has
 * one, is dropped; m_pkthdr.len is not changed (m_catpkt does).
 */
void
m_cat(struct mbuf *m, struct mbuf *n)
{
	M_LIVE(m);
	while (m->m_next != NULL)
		m = m->m_next;
	while (n != NULL) {
		M_LIVE(n);
		m_pkthdr_drop(n);
		if (n->m_len > m_trailingspace(m)) {
			m->m_next = n;
			return;
		}
		memcpy(mtod(m, caddr_t) + m->m_len, mtod(n, caddr_t),
		    n->m_len);
		m->m_len += n->m_len;
		MBSTAT_ADD(m_cp_cat, n->m_len);
		n = m_free(n);
	}
}

/*
 * Strip the packet header from every mbuf of the chain m0 after the
 * first, and from m0 too when all is set, as FreeBSD's m_demote does:
 * each loses M_PKTHDR with its user header and regions, and its os_mbuf
 * om_pkthdr_len (even one left stale by clearing M_PKTHDR by hand), and
 * keeps of its other flags only the storage ones (M_EXT, M_RDONLY,
 * M_POOL) and those in flags.  A demoted mbuf may not be on a packet
 * queue (m_nextpkt set): that is the caller's mistake and panics.
 */
void
m_demote(struct mbuf *m0, int all, int flags)
{
	struct mbuf *m;

	for (m = all ? m0 : m0->m_next; m != NULL; m = m->m_next) {
		M_LIVE(m);
		if (m->m_nextpkt != NULL)
			mbp_panic("m_demote: mbuf %p of chain %p is on a "
			    "packet queue (m_nextpkt %p)", (void *)m,
			    (void *)m0, (void *)m->m_nextpkt);
		if (m->m_flags & M_PKTHDR) {
			m->m_pkthdr.ph_uhlen = 0;
			m->m_pkthdr.ph_nregions = 0;
		}
		m_pkthdr_drop(m);	/* a stale om_pkthdr_len too */
		m->m_flags &= M_EXT | M_RDONLY | M_POOL | flags;
	}
}

void
m_catpkt(struct mbuf *m, struct mbuf *n)
{
	MBP_ASSERTMSG((m->m_flags & M_PKTHDR) && (n->m_flags & M_PKTHDR),
	    "m_catpkt: %p and %p must both be packets", (void *)m,
	    (void *)n);
	m->m_pkthdr.len += n->m_pkthdr.len;
	m_cat(m, n);
}

/*
 * m_split's copy of an internal mbuf's rest: m's bytes past len go to
 * new mbufs (of the class that holds them when m is a pool mbuf bigger
 * than a standard one, m_copym_get), linked after the copy; m is cut
 * at len.  The first of them, or NULL with m unchanged.
 */
static struct mbuf *
m_split_copytail(struct mbuf *m, int len, int how)
{
	struct mbuf *top = NULL, **np = &top, *t;
	int off = len, count;

	while (off < m->m_len) {
		t = m_copym_get(m, NULL, m->m_len - off, 0, how);
		if (t == NULL) {
			m_freem(top);
			return (NULL);
		}
		count = MIN(m->m_len - off, m_trailingspace(t));
		memcpy(mtod(t, caddr_t), mtod(m, caddr_t) + off, count);
		MBSTAT_ADD(m_cp_split, count);
		t->m_len = count;
		off += count;
		*np = t;
		np = &t->m_next;
	}
	*np = m->m_next;
	m->m_next = NULL;
	m->m_len = len;
	return (top);
}

/*
 * Split the chain at len0: m0 keeps the first len0 bytes, the returned
 * chain holds the rest (a packet header copy when m0 has one; an empty
 * mbuf when nothing is left).  Storage is shared, internal data copied.
 * NULL when len0 is beyond the chain or memory is short; m0 is then
 * unchanged.
 */
struct mbuf *
m_split(struct mbuf *m0, int len0, int how)
{
	struct mbuf *m, *n;
	int len = len0, remain, olen;

	M_WAITCHECK(how);
	M_LIVE(m0);
	if (len0 < 0)
		mbp_panic("m_split: mbuf %p: len %d", (void *)m0, len0);
	for (m = m0; m != NULL && len > m->m_len; m = m->m_next)
		len -= m->m_len;
	if (m == NULL)
		return (NULL);
	remain = m->m_len - len;
	if (m0->m_flags & M_PKTHDR) {
		if ((n = m_gethdr(how, m0->m_type)) == NULL)
			return (NULL);
		MBSTAT_ADD(m_cp_split, m_copy_pkthdr(n, m0));
		olen = m0->m_pkthdr.len;
		n->m_pkthdr.len = olen - len0;
		m_region_keep(n, len0, olen - len0);
		if (remain == 0) {
			m0->m_pkthdr.len = len0;
			m_region_keep(m0, 0, len0);
			n->m_next = m->m_next;
			m->m_next = NULL;
			return (n);
		}
		if (!(m->m_flags & M_EXT) && remain > m_size(n)) {
			/*
			 * The rest does not fit beside the header (m may be
			 * m0 itself, a pool mbuf bigger than a standard one).
			 */
			if ((n->m_next = m_split_copytail(m, len, how)) ==
			    NULL) {
				m_free(n);
				return (NULL);
			}
			m0->m_pkthdr.len = len0;
			m_region_keep(m0, 0, len0);
			return (n);
		}
	} else {
		if (remain == 0 && m->m_next != NULL) {
			n = m->m_next;
			m->m_next = NULL;
			return (n);
		}
		if (!(m->m_flags & M_EXT) && remain > (int)MLEN) {
			/* A pool mbuf's rest, too big for a standard one. */
			if ((n = m_split_copytail(m, len, how)) != NULL)
				m_region_keep(m0, 0, len0);
			return (n);
		}
		if ((n = m_get(how, m->m_type)) == NULL)
			return (NULL);
	}
	if (remain == 0)
		;		/* the chain ends at len0: n stays empty */
	else if (m->m_flags & M_EXT) {
		if (m_extref(m, n, how) != 0) {
			m_free(n);
			return (NULL);
		}
		n->m_data = m->m_data + len;
	} else {
		m_align(n, remain);
		memcpy(mtod(n, caddr_t), mtod(m, caddr_t) + len, remain);
		MBSTAT_ADD(m_cp_split, remain);
	}
	if (m0->m_flags & M_PKTHDR)
		m0->m_pkthdr.len = len0;
	m_region_keep(m0, 0, len0);
	n->m_len = remain;
	m->m_len = len;
	n->m_next = m->m_next;
	m->m_next = NULL;
	return (n);
}

/*
 * Packet queues.
 */
void
mq_init(struct mbufq *mq, u_int maxlen)
{
	mbp_lock_init(&mq->mq_lock, "mbufq");
	mq->mq_head = mq->mq_tail = NULL;
	mq->mq_len = 0;
	mq->mq_maxlen = maxlen;
	mq->mq_drops = 0;
}

int
mq_enqueue(struct mbufq *mq, struct mbuf *m)
{
	mbp_lock_enter(&mq->mq_lock);
	if (mq->mq_len >= mq->mq_maxlen) {
		__atomic_store_n(&mq->mq_drops, mq->mq_drops + 1,
		    __ATOMIC_RELAXED);
		mbp_lock_exit(&mq->mq_lock);
		m_freem(m);
		return (ENOBUFS);
	}
	m->m_nextpkt = NULL;
	if (mq->mq_tail == NULL)
		mq->mq_head = m;
	else
		mq->mq_tail->m_nextpkt = m;
	mq->mq_tail = m;
	__atomic_store_n(&mq->mq_len, mq->mq_len + 1, __ATOMIC_RELAXED);
	mbp_lock_exit(&mq->mq_lock);
	return (0);
}

struct mbuf *
mq_dequeue(struct mbufq *mq)
{
	struct mbuf *m;

	mbp_lock_enter(&mq->mq_lock);
	if ((m = mq->mq_head) != NULL) {
		if ((mq->mq_head = m->m_nextpkt) == NULL)
			mq->mq_tail = NULL;
		m->m_nextpkt = NULL;
		__atomic_store_n(&mq->mq_len, mq->mq_len - 1,
		    __ATOMIC_RELAXED);
	}
	mbp_lock_exit(&mq->mq_lock);
	return (m);
}

u_int
mq_purge(struct mbufq *mq)
{
	struct mbuf *m, *n;
	u_int count;

	mbp_lock_enter(&mq->mq_lock);
	m = mq->mq_head;
	count = mq->mq_len;
	mq->mq_head = mq->mq_tail = NULL;
	__atomic_store_n(&mq->mq_len, 0, __ATOMIC_RELAXED);
	mbp_lock_exit(&mq->mq_lock);
	for (; m != NULL; m = n) {
		n = m->m_nextpkt;
		m->m_nextpkt = NULL;
		m_freem(m);
	}
	return (count);
}

/*
 * Start of the module: the storage behind it (uipc_mbpool.c) and the
 * size classes.  The kernel calls it once at boot, in thread context,
 * after its memory allocator and before any other mbuf call.
 */
void
mbinit(void)
{
	mb_poolinit();
}
