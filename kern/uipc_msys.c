/*
 * uipc_msys.c: system mbuf size classes, msys(9).
 *
 * A class is an mpipe(9) whose buffers are blocks that *are* mbufs, as
 * in the Mynewt seed's msys: the mbuf header (struct m_hdr) at the
 * block's start, msys_classlen(mp) = mp_bytes - sizeof(struct m_hdr)
 * data bytes after it, a packet header and user header inside that
 * data buffer when the mbuf heads a packet (M_POOL, see os_mbuf(9)).
 * The mbuf module's cluster pipe may be a class too: its mbufs are
 * standard mbufs holding a cluster (m_getcl), MCLBYTES of data.
 *
 * The table holds up to MSYS_MAXCLASSES classes sorted by size.
 * msys_select(size) returns the smallest class whose mbufs hold size
 * data bytes, or the largest class when none does.  Allocation never
 * falls back to another class: when the chosen one is empty,
 * M_DONTWAIT gets NULL and M_WAIT sleeps on that class's pipe.
 *
 * Each registered pipe is bound to a slot (struct msys_pool) that its
 * mbufs point at (mh_omp): an os_mbuf_pool with omp_pool NULL, which
 * is how m_free (msys_blkput) tells a class block from a Mynewt
 * pool's.  A slot stays bound while any of its blocks is out, so a
 * block always goes back to the pipe it came from.
 *
 * The default table (msys_default) is general-purpose: data sizes of
 * 32 to 112 bytes in steps of 16, then eight classes per doubling from
 * 128 to 1920 (no two more than 1.125x apart: 16-byte steps up to 256,
 * 32 to 512, 64 to 1024, 128 to 2048), the cluster pipe at 2048 and a
 * 9216-byte class for jumbo frames.
 *
 * Invariants: msys_tab[0 .. msys_n-1] are distinct pipes in strictly
 * increasing order of msys_classlen, msys_len and msys_lut describe
 * them; the table, the lookup and the slots change only under msys_lock
 * (a spin lock of the seam, never the kernel's big lock).
 */
#include <sys/mbuf_port.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/os_mbuf.h>
#include "mbuf_private.h"

MBP_MEMTYPE_DEFINE(M_MSYS, "msys");

/*
 * A class's binding: what its mbufs' mh_omp points at.  A slot is bound
 * to its pipe while the pipe is in the table and, after it leaves the
 * table, until the pipe has no block out (msys_drain): an mbuf always
 * goes back to the pipe it came from, and the pipe of a bound slot is
 * alive (a caller destroys a pipe only with every block back).
 */
struct msys_pool {
	struct os_mbuf_pool	 msp_omp;	/* first: mh_omp points at it */
	struct malloc_pipe	*msp_pipe;	/* NULL: slot unused */
	int			 msp_intab;	/* in the class table */
};

static struct malloc_pipe *msys_tab[MSYS_MAXCLASSES];
static struct msys_pool *msys_slot[MSYS_MAXCLASSES];
static struct msys_pool msys_pools[2 * MSYS_MAXCLASSES];
static struct mbp_lock msys_lock;	/* the table, the lookup, the slots */
static int msys_n;

/*
 * The lookup: msys_len[i] is msys_classlen(msys_tab[i]); msys_lut[b] is
 * the first class holding b * MSYS_LUTSTEP bytes (msys_n when none), so
 * a request for size starts its scan there and passes few classes.
 */
#define MSYS_LUTSTEP	16
#define MSYS_LUTN	(9216 / MSYS_LUTSTEP + 1)
static int msys_len[MSYS_MAXCLASSES];
static uint8_t msys_lut[MSYS_LUTN];
/*
 * msys_get's shortcut: msys_fast[b] is the slot of the class for every
 * size in ((b - 1) * MSYS_LUTSTEP, b * MSYS_LUTSTEP] when one class is
 * it for all of them and it is not the cluster pipe, else NULL.
 */
static struct msys_pool *msys_fast[MSYS_LUTN];
CTASSERT(MSYS_MAXCLASSES < 256);

/* The default classes besides the cluster pipe (sizes: msys_init). */
#define MSYS_NDEFAULT	39
static struct malloc_pipe msys_defpipe[MSYS_NDEFAULT];
static int msys_ndef;

int
msys_classlen(const struct malloc_pipe *mp)
{
	if (mp == &mb_cluster_pipe)
		return (MCLBYTES);
	return (mp->mp_bytes - (int)sizeof(struct m_hdr));
}

/* Rebuild msys_len and msys_lut after the table changed; under msys_lock. */
static void
msys_relut(void)
{
	int b, i = 0;

	for (i = 0; i < msys_n; i++)
		msys_len[i] = msys_classlen(msys_tab[i]);
	i = 0;
	for (b = 0; b < MSYS_LUTN; b++) {
		while (i < msys_n && msys_len[i] < b * MSYS_LUTSTEP)
			i++;
		msys_lut[b] = (uint8_t)i;
		/* Released: msys_fastget reads it without msys_lock. */
		__atomic_store_n(&msys_fast[b], i < msys_n &&
		    msys_tab[i] != &mb_cluster_pipe && (i == 0 ||
		    msys_len[i - 1] <= (b - 1) * MSYS_LUTSTEP) ?
		    msys_slot[i] : NULL, __ATOMIC_RELEASE);
	}
}

/* Unbind p when it left the table and its pipe has every block back. */
static void
msys_drain1(struct msys_pool *p)
{
	if (!p->msp_intab && p->msp_pipe != NULL &&
	    mpipe_out(p->msp_pipe) == 0)
		p->msp_pipe = NULL;
}

static void
msys_drain(struct msys_pool *p)
{
	mbp_lock_enter(&msys_lock);
	msys_drain1(p);
	mbp_lock_exit(&msys_lock);
}

/* The slot bound to mp, binding a free one if none is; NULL: full. */
static struct msys_pool *
msys_bind(struct malloc_pipe *mp)
{
	struct msys_pool *free = NULL, *p;
	size_t i;

	for (i = 0; i < nitems(msys_pools); i++) {
		p = &msys_pools[i];
		if (p->msp_pipe == mp)
			return (p);
		if (free == NULL && p->msp_pipe == NULL)
			free = p;
	}
	if (free != NULL) {
		memset(free, 0, sizeof(*free));
		free->msp_pipe = mp;
	}
	return (free);
}

int
msys_register(struct malloc_pipe *mp)
{
	struct msys_pool *p;
	int i, j, len;

	if (mp != &mb_cluster_pipe && mp->mp_bytes <= (int)sizeof(struct m_hdr))
		return (EINVAL);
	len = msys_classlen(mp);
	mbp_lock_enter(&msys_lock);
	for (i = 0; i < msys_n; i++) {
		if (msys_tab[i] == mp || msys_classlen(msys_tab[i]) == len) {
			mbp_lock_exit(&msys_lock);
			return (EEXIST);
		}
	}
	if (msys_n == MSYS_MAXCLASSES || (p = msys_bind(mp)) == NULL) {
		mbp_lock_exit(&msys_lock);
		return (ENOSPC);
	}
	p->msp_intab = 1;
	p->msp_omp.omp_databuf_len = len;
	p->msp_omp.omp_mbuf_count = mp->mp_nmax;
	p->msp_omp.omp_pool = NULL;		/* marks a class block */
	for (i = 0; i < msys_n && msys_classlen(msys_tab[i]) < len; i++)
		continue;
	for (j = msys_n; j > i; j--) {
		msys_tab[j] = msys_tab[j - 1];
		msys_slot[j] = msys_slot[j - 1];
	}
	msys_tab[i] = mp;
	msys_slot[i] = p;
	msys_n++;
	msys_relut();
	mbp_lock_exit(&msys_lock);
	return (0);
}

void
msys_reset(void)
{
	int i;

	mbp_lock_enter(&msys_lock);
	for (i = 0; i < MSYS_MAXCLASSES; i++) {
		if (msys_slot[i] != NULL) {
			msys_slot[i]->msp_intab = 0;
			msys_drain1(msys_slot[i]);
		}
		msys_tab[i] = NULL;
		msys_slot[i] = NULL;
	}
	msys_n = 0;
	msys_relut();
	mbp_lock_exit(&msys_lock);
}

void
msys_default(void)
{
	int i;

	msys_reset();
	for (i = 0; i < msys_ndef; i++)
		msys_register(&msys_defpipe[i]);
	msys_register(&mb_cluster_pipe);
}

int
msys_nclasses(void)
{
	return (msys_n);
}

struct malloc_pipe *
msys_class(int i)
{
	return (i >= 0 && i < msys_n ? msys_tab[i] : NULL);
}

/* The class for size and its slot (NULL, NULL: the table is empty). */
static struct malloc_pipe *
msys_lookup(int size, struct msys_pool **pp)
{
	struct malloc_pipe *mp;
	int i;

	mbp_lock_enter(&msys_lock);
	i = msys_lut[size < 0 ? 0 : MIN(size / MSYS_LUTSTEP, MSYS_LUTN - 1)];
	while (i < msys_n && msys_len[i] < size)
		i++;
	if (i >= msys_n)
		i = msys_n - 1;
	mp = i >= 0 ? msys_tab[i] : NULL;
	*pp = i >= 0 ? msys_slot[i] : NULL;
	mbp_lock_exit(&msys_lock);
	return (mp);
}

struct malloc_pipe *
msys_select(int size)
{
	struct msys_pool *p;

	return (msys_lookup(size, &p));
}

/*
 * A block of mp, or NULL; M_WAIT sleeps on mp alone.  The common case,
 * a block in this CPU's cache and no failure injection, is inline.
 */
static inline void *
msys_take(struct malloc_pipe *mp, int how)
{
	void *blk;

	if (__predict_true(mb_failafter < 0) &&
	    (blk = mpipe_take(mp)) != NULL)
		return (blk);
	if (mb_fail_now(how))
		return (NULL);		/* injected (mb_fail_after) */
	if (how & M_WAIT)
		return (mpipe_alloc_waitok(mp));
	return (mpipe_alloc_nowait(mp));
}

/* A raw buffer of the class for size; no fallback to any other class. */
void *
msys_alloc(int size, int how, struct malloc_pipe **mpp)
{
	struct malloc_pipe *mp;
	void *buf;

	if ((mp = msys_select(size)) == NULL) {
		if (how & M_WAIT)
			mbp_panic("msys_alloc: M_WAIT for %d bytes and no size "
			    "class is registered", size);
		return (NULL);
	}
	if (mp == &mb_cluster_pipe)
		buf = mb_clalloc(how);		/* counted as a cluster */
	else
		buf = msys_take(mp, how);
	if (buf != NULL && mpp != NULL)
		*mpp = mp;
	return (buf);
}

void
msys_free(struct malloc_pipe *mp, void *buf)
{
	size_t i;

	if (mp == &mb_cluster_pipe) {
		mb_clrelease(buf);
		return;
	}
	mpipe_free(mp, buf);
	for (i = 0; i < nitems(msys_pools); i++)	/* a raw block, rare */
		if (msys_pools[i].msp_pipe == mp && !msys_pools[i].msp_intab)
			msys_drain(&msys_pools[i]);
}

/*
 * A class mbuf from os_mbuf(9)'s side (om_get, for a chain whose head
 * is a class mbuf): M_DONTWAIT, of omp's class alone.
 */
struct mbuf *
msys_poolget(struct os_mbuf_pool *omp, int flags, u_int uhlen, int lead)
{
	struct msys_pool *p = (struct msys_pool *)omp;
	struct mbuf *m;
	void *blk;

	if ((blk = msys_take(p->msp_pipe, M_DONTWAIT)) == NULL)
		return (NULL);
	m = m_poolinit(blk, omp, omp->omp_databuf_len, flags, uhlen, lead);
	return (m);
}

/* m_free's way back for a class mbuf. */
void
msys_blkput(struct mbuf *m)
{
	struct msys_pool *p = (struct msys_pool *)m->m_hdr.mh_omp;

#ifdef DIAGNOSTIC
	MBP_ASSERTMSG(p >= &msys_pools[0] &&
	    p < &msys_pools[nitems(msys_pools)] && p->msp_pipe != NULL,
	    "msys: mbuf %p is not a block of a size class", (void *)m);
#endif
	if (__predict_false(!p->msp_intab)) {
		mpipe_free(p->msp_pipe, m);
		msys_drain(p);		/* its class left the table */
	} else
		mpipe_put(p->msp_pipe, m);
}

/* Make the fresh class mbuf m (counted as MT_DATA) of type type. */
static inline struct mbuf *
msys_settype(struct mbuf *m, int type)
{
	m->m_type = type;
	if (type != MT_DATA) {
		MBSTAT_ADD(m_mtfrees[MT_DATA], 1);
		MBSTAT_ADD(m_mtypes[type], 1);
	}
	return (m);
}

/*
 * The body of msys_get and msys_gethdr: an mbuf of the class for size
 * data bytes (with flags M_PKTHDR, size plus the packet and user
 * headers, which sit in a class mbuf's data buffer).  NULL when no
 * class holds that much in one mbuf, or (M_DONTWAIT) the class is
 * empty.
 */
static inline struct mbuf *
msys_get1(int how, int type, int size, int flags, u_int uhlen)
{
	struct malloc_pipe *mp;
	struct msys_pool *p;
	struct mbuf *m;
	void *blk;
	int need;

	MBP_ASSERTMSG(type > MT_FREE && type < MT_NTYPES, "msys_get: type %d",
	    type);
	if (uhlen > M_MAXUHLEN)
		mbp_panic("msys_gethdr: user header of %u bytes (max %d)",
		    uhlen, M_MAXUHLEN);
	if (size < 0)
		mbp_panic("msys_get: %d bytes", size);
	/* No overflow: past M_COPYALL no class can hold it anyway. */
	need = MIN(size, M_COPYALL) + ((flags & M_PKTHDR) ?
	    (int)sizeof(struct pkthdr) + (int)uhlen : 0);
	mp = msys_lookup(need, &p);
	if (__predict_false(mp == &mb_cluster_pipe)) {
		/* Clusters: the header stays outside the storage. */
		if (size > MCLBYTES)
			goto toobig;
		m = (flags & M_PKTHDR) ? (uhlen > 0 ?
		    m_gethdr_uh(how, type, uhlen) : m_gethdr(how, type)) :
		    m_get(how, type);
		if (m != NULL && m_clget(m, how) != 0) {
			m_free(m);
			m = NULL;
		}
		return (m);
	}
	if (__predict_false(mp == NULL || p->msp_omp.omp_databuf_len < need))
		goto toobig;
	if ((blk = msys_take(mp, how)) == NULL)
		return (NULL);
	m = m_poolinit(blk, &p->msp_omp, p->msp_omp.omp_databuf_len, flags,
	    uhlen, 0);
	msys_settype(m, type);
	return (m);
toobig:
	if (how & M_WAIT)
		mbp_panic("msys_get: M_WAIT for %d bytes in one mbuf; the "
		    "largest class holds %d", need,
		    mp != NULL ? msys_classlen(mp) : 0);
	return (NULL);
}

/*
 * The common case of msys_get and msys_gethdr, inline and as short as
 * m_get's: need bytes (headers included) of a class msys_fast knows, a
 * mbuf in this CPU's cache, no failure injection.  NULL: msys_get1
 * decides.
 */
static inline struct mbuf *
msys_fastget(int type, int need, int flags, u_int uhlen)
{
	struct msys_pool *p;
	void *blk;

	if (__predict_true((u_int)need < (MSYS_LUTN - 1) * MSYS_LUTSTEP &&
	    (p = __atomic_load_n(&msys_fast[howmany(need, MSYS_LUTSTEP)],
	    __ATOMIC_ACQUIRE)) != NULL &&
	    type > MT_FREE && type < MT_NTYPES && mb_failafter < 0) &&
	    (blk = mpipe_take(p->msp_pipe)) != NULL)
		return (msys_settype(m_poolinit(blk, &p->msp_omp,
		    p->msp_omp.omp_databuf_len, flags, uhlen, 0), type));
	return (NULL);
}

struct mbuf *
msys_get(int how, int type, int size)
{
	struct mbuf *m;

	if ((m = msys_fastget(type, size, 0, 0)) != NULL)
		return (m);
	return (msys_get1(how, type, size, 0, 0));
}

struct mbuf *
msys_gethdr(int how, int type, int size, u_int uhlen)
{
	struct mbuf *m;

	if (size >= 0 && size <= M_COPYALL && uhlen <= M_MAXUHLEN &&
	    (m = msys_fastget(type, size + (int)sizeof(struct pkthdr) +
	    (int)uhlen, M_PKTHDR, uhlen)) != NULL)
		return (m);
	return (msys_get1(how, type, size, M_PKTHDR, uhlen));
}

/*
 * Blocks out of every bound slot's pipe, in the table or not; the
 * cluster pipe's are clusters (m_clusters), not class mbufs.
 */
u_long
msys_nout(void)
{
	u_long n = 0;
	size_t i;

	mbp_lock_enter(&msys_lock);
	for (i = 0; i < nitems(msys_pools); i++)
		if (msys_pools[i].msp_pipe != NULL &&
		    msys_pools[i].msp_pipe != &mb_cluster_pipe)
			n += (u_long)mpipe_out(msys_pools[i].msp_pipe);
	mbp_lock_exit(&msys_lock);
	return (n);
}

/*
 * netstat -m's size-class lines, BSD style, and the classes' sums for
 * its totals: bytes out and free, failures, sleeps.  The class that is
 * the cluster pipe is left out: netstat -m has a line of its own for it.
 */
void
msys_print_brief(u_long *outb, u_long *freeb, u_long *fails, u_long *waits)
{
	struct malloc_pipe *mp;
	int i;

	*outb = *freeb = *fails = *waits = 0;
	for (i = 0; i < msys_n; i++) {
		if ((mp = msys_tab[i]) == &mb_cluster_pipe)
			continue;
		/* Idle classes make no line, but count in the sums. */
		if (mpipe_out(mp) != 0 || mp->mp_fails != 0 ||
		    mp->mp_waits != 0)
			mbp_printf("%d/%d/%d/%d %d-byte size class mbufs in "
			    "use (current/cache/total/max)\n", mpipe_out(mp),
			    mpipe_nfree(mp), mp->mp_total, mp->mp_nmax,
			    msys_classlen(mp));
		*outb += (u_long)mpipe_out(mp) * mp->mp_bytes;
		*freeb += (u_long)mpipe_nfree(mp) * mp->mp_bytes;
		*fails += mp->mp_fails;
		*waits += mp->mp_waits;
	}
}

void
msys_print(void)
{
	struct malloc_pipe *mp;
	int i;

	if (msys_n == 0)
		return;
	mbp_printf("%-8s %-12s %5s %5s %5s %5s %8s %5s %5s\n", "class", "pipe",
	    "nnom", "nmax", "free", "out", "gets", "fails", "waits");
	for (i = 0; i < msys_n; i++) {
		mp = msys_tab[i];
		mbp_printf("%-8d %-12s %5d %5d %5d %5d %8lu %5lu %5lu\n",
		    msys_classlen(mp), mp->mp_name, mp->mp_nnom, mp->mp_nmax,
		    mpipe_nfree(mp), mpipe_out(mp), mpipe_gets(mp), mp->mp_fails,
		    mp->mp_waits);
	}
}

/* The default class sizes (data bytes), the cluster pipe's 2048 aside. */
static int
msys_defsize(int k)
{
	int step, base;

	if (k < 6)
		return (32 + 16 * k);		/* 32 .. 112 */
	k -= 6;				/* 8 per doubling from 128 */
	base = 128 << (k / 8);
	step = base / 8;
	if (base >= 2048)
		return (9216);			/* jumbo */
	return (base + step * (k % 8));
}

/* Called once from mb_poolinit, after the cluster pipe exists. */
void
msys_init(void)
{
	struct malloc_pipe *mp;
	long n = nmbclusters;
	int k, len, bytes, nnom, nmax;
	char name[MPIPE_NAMELEN];

	for (k = 0; k < MSYS_NDEFAULT; k++) {
		len = msys_defsize(k);
		bytes = len + (int)sizeof(struct m_hdr);
		/* A reserve of about 4 KiB; room for the cluster count. */
		nnom = MAX(1, 4096 / bytes);
		nmax = len <= 256 ? MAX(n * 2, 256) : len > MCLBYTES ?
		    MAX(n / 8, 16) : MAX(n, 128);
		mp = &msys_defpipe[k];
		mpipe_init(mp, M_MSYS, bytes, nnom, nmax, MPF_NOZERO | MPF_INT,
		    NULL, NULL, NULL);
		mb_snprintf(name, sizeof(name), "msys%d", len);
		mpipe_setname(mp, name);
	}
	mbp_lock_init(&msys_lock, "msys");
	msys_ndef = MSYS_NDEFAULT;
	msys_default();
}
