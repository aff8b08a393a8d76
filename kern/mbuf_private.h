/*
 * kern/mbuf_private.h: what the mbuf module's files share and nobody
 * else needs: a formatter over the seam and the region bookkeeping that
 * uipc_mbuf.c, uipc_mbuf2.c and uipc_mbregion.c share.  Not part of the
 * module's interface (tests/ may include it).
 */
#ifndef _KERN_MBUF_PRIVATE_H_
#define _KERN_MBUF_PRIVATE_H_

#include <sys/mbuf_port.h>

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

#endif /* !_KERN_MBUF_PRIVATE_H_ */
