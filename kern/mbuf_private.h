/*
 * kern/mbuf_private.h: what the mbuf module's files share and nobody
 * else needs: a formatter over the seam, the walk to an offset, the
 * region bookkeeping that uipc_mbuf.c, uipc_mbuf2.c and uipc_mbregion.c
 * share, and the allocation seam of uipc_mbpool.c.  Not part of the
 * module's interface (tests/ may include it).
 */
#ifndef _KERN_MBUF_PRIVATE_H_
#define _KERN_MBUF_PRIVATE_H_

#include <sys/mbuf_port.h>
#include <sys/mbuf.h>

/* snprintf over the seam's mbp_vsnprintf. */
static inline int __printflike(3, 4)
mb_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = mbp_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return (n);
}

struct mbuf;
struct m_region;

/*
 * The size of the data area an mbuf has of its own: MLEN, or what a
 * packet header and its user header leave of it; for a pool's mbuf
 * (M_POOL) its block less the header, less the packet and user headers
 * it holds.
 */
static inline int
m_intsize(struct mbuf *m)
{
	if (__predict_false(m->m_flags & M_POOL))
		return (m->m_hdr.mh_dlen - ((m->m_flags & M_PKTHDR) ?
		    (int)sizeof(struct pkthdr) + m->m_pkthdr.ph_uhlen : 0));
	return ((m->m_flags & M_PKTHDR) ? (int)(MHLEN - M_UHSPACE(m)) :
	    (int)MLEN);
}

/*
 * What a new standard mbuf holds once it takes over m's packet header
 * (when m has one): m_intsize(m) for a standard m, but not for a pool
 * mbuf, whose own area may be larger or smaller.  The callers that put
 * m's first bytes into a new mbuf choose it by this.
 */
static inline int
m_stdintsize(struct mbuf *m)
{
	int uh;

	if ((m->m_flags & M_PKTHDR) == 0)
		return ((int)MLEN);
	uh = m->m_pkthdr.ph_uhlen;
	return ((int)MHLEN - (uh == 0 ? 0 : (int)M_UHOFF + roundup(uh, 8)));
}

/*
 * Pool mbufs (M_POOL: os_mbuf(9) pools, msys(9) classes): m_poolinit
 * makes the block blk of the pool omp an mbuf, its header at the
 * block's start, dlen data bytes after it; with M_PKTHDR the packet
 * header and uhlen bytes of user header open the data buffer, as in
 * Mynewt.  m_free gives it back through msys_blkput (a class's) or
 * os_mbuf_blkput (a Mynewt pool's).  Inline, so that a class
 * allocation is as short as m_get.
 */
static inline struct mbuf *
m_poolinit(void *blk, struct os_mbuf_pool *omp, int dlen, int flags,
    u_int uhlen, int lead)
{
	struct mbuf *m = blk;
	int hdr = (flags & M_PKTHDR) ? (int)sizeof(struct pkthdr) + uhlen : 0;

	MBP_ASSERTMSG(hdr + lead <= dlen && hdr <= 255, "m_poolinit: %d "
	    "header and %d leading bytes do not fit a %d-byte block", hdr,
	    lead, dlen);
	m->m_next = NULL;
	m->m_nextpkt = NULL;
	m->m_len = 0;
	m->m_type = MT_DATA;
	m->m_flags = M_POOL | (flags & M_PKTHDR);
	m->m_hdr.mh_omp = omp;
	m->m_hdr.mh_dlen = dlen;
	m->m_hdr.mh_uflags = 0;
	m->m_hdr.mh_pkthdr_len = hdr;
	if (flags & M_PKTHDR) {
		memset(&m->m_pkthdr, 0, sizeof(m->m_pkthdr));
		m->m_pkthdr.ph_uhlen = uhlen;
		memset(M_UHDR(m), 0, uhlen);
	}
	m->m_data = m->m_dat + hdr + lead;
	MBSTAT_ADD(m_mtypes[MT_DATA], 1);
	return (m);
}

void	 os_mbuf_blkput(struct mbuf *m);

/* Drop m's packet header flag, and its Mynewt length with it. */
static inline void
m_pkthdr_drop(struct mbuf *m)
{
	m->m_flags &= ~M_PKTHDR;
	m->m_hdr.mh_pkthdr_len = 0;
}

/* The walk to an offset (uipc_mbuf.c). */
struct mbuf *m_seek(struct mbuf *m, int off, int *offp);

/* Region bookkeeping (uipc_mbregion.c). */
struct m_region *m_regions(struct mbuf *m, int *np);
void	 m_closure(const struct m_region *r, int n, int *ap, int *bp);
void	 m_region_closure(struct mbuf *m, int *ap, int *bp);
void	 m_region_add(struct mbuf *m, int a, int b);
struct mbuf *m_locate(struct mbuf *m, int off, int len, int *offp);
void	 m_region_verify(struct mbuf *m, const char *fn);
#ifdef DIAGNOSTIC
#define M_REGION_VERIFY(m, fn)	m_region_verify((m), (fn))
#else
#define M_REGION_VERIFY(m, fn)	do { } while (0)
#endif

/* The workers of uipc_mbuf2.c that the regions reuse. */
#define MC_ATSTART	0x01	/* at the start of an mbuf (offp NULL) */
#define MC_WRITABLE	0x02	/* in storage the caller may write */
struct mbuf *m_contig1(struct mbuf *m0, int off, int len, int flags,
	    int *offp, int how, int *errp, u_long *copied);
int	 m_makewr1(struct mbuf **mp, int off, int len, int how, bool preserve,
	    int koff, int klen, u_long *copied);


/* Region bookkeeping, called by the rearranging calls of uipc_mbuf.c. */
int	 m_region_extend(struct mbuf *m, int len);
void	 m_region_keep(struct mbuf *m, int off, int len);
void	 m_region_insert(struct mbuf *m, int off, int len);
int	 m_region_restore(struct mbuf *m, int how);

/*
 * The allocation seam (uipc_mbpool.c): where mbufs and clusters come
 * from, for every file of the module (msys(9) names the pipes to
 * drivers).  The common cases of getting and putting
 * an mbuf are inline, so that m_get and m_free make no call for them:
 * mb_tryalloc returns an mbuf when the pipe has one at hand and failure
 * injection is off, NULL when mb_alloc must decide.
 */
#define MB_JUNK		0xdb	/* fills a released mbuf under DIAGNOSTIC */
extern struct malloc_pipe mb_mbuf_pipe;
extern struct malloc_pipe mb_cluster_pipe;
extern long	 mb_failafter;
struct mbuf	*mb_alloc(int);
void		 os_mbuf_modinit(void);	/* uipc_osmbuf.c, from mb_poolinit */

static inline struct mbuf *
mb_tryalloc(void)
{
	if (__predict_false(mb_failafter >= 0))
		return (NULL);
	return (mpipe_take(&mb_mbuf_pipe));
}

/* The same for a cluster: mb_clalloc decides when it returns NULL. */
static inline caddr_t
mb_cltryalloc(void)
{
	caddr_t p;

	if (__predict_false(mb_failafter >= 0))
		return (NULL);
	if ((p = mpipe_take(&mb_cluster_pipe)) != NULL)
		MBSTAT_ADD(m_clusters, 1);
	return (p);
}

static inline void
mb_release(struct mbuf *m)
{
#ifdef DIAGNOSTIC
	memset(m, MB_JUNK, sizeof(*m));	/* and the pipe junks it again */
	m->m_type = MT_FREE;
#endif
	mpipe_put(&mb_mbuf_pipe, m);
}

struct mbuf	*mb_getstorage(int how, int type, int len, int cap);
/* m_pullup with the new head made by getnew (os_mbuf_pullup's pool). */
struct mbuf	*m_pullup1(struct mbuf *n, int len,
		    struct mbuf *(*getnew)(struct mbuf *, int, void *), void *arg);
caddr_t		 mb_clalloc(int);
void		 mb_clrelease(caddr_t);
u_int		*mb_refalloc(int);
void		 mb_refrelease(u_int *);
void		 mb_fail_after(long);
bool		 mb_fail_now(int);
/* Class mbufs (uipc_msys.c), for os_mbuf(9)'s pool calls. */
struct os_mbuf_pool;
struct mbuf	*msys_poolget(struct os_mbuf_pool *, int, u_int, int);
void		 msys_blkput(struct mbuf *);
void		 mb_poolinit(void);
u_long		 mb_waits(void);	/* M_WAIT sleeps in every pipe */
/* The memory types of mbufs, clusters and shared reference counts. */
MBP_MEMTYPE_DECLARE(M_MBUF);
MBP_MEMTYPE_DECLARE(M_CLUSTER);
MBP_MEMTYPE_DECLARE(M_MBUFREF);

#endif /* !_KERN_MBUF_PRIVATE_H_ */
