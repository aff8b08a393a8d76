/*
 * uipc_osmbuf.c: the Apache Mynewt mbuf interface on the native mbufs,
 * os_mbuf(9).
 *
 * What it is for: running code written against Mynewt's os_mempool,
 * os_mbuf and os_msys calls on this kernel's mbufs.  A memory pool is a
 * free list threaded through fixed-size blocks of the caller's memory.
 * An mbuf pool takes one block per mbuf and attaches it to a native mbuf
 * as external storage (m_extadd); the storage's free method puts the
 * block back, so m_free(9) and os_mbuf_free_chain are the same thing and
 * a pool of N blocks runs out after N mbufs, as in Mynewt.  The mbuf
 * itself comes from the mbuf pipe; the packet header and the user header
 * live in it (M_UHDR), so the block is all data.  Following Mynewt's
 * definition, a pool's data buffer is its block length less
 * sizeof(struct os_mbuf).
 *
 * Invariants:
 *   - a block is on its pool's free list or is the storage of one mbuf
 *     (and of the m_copym copies sharing it); it goes back exactly once;
 *   - mp_num_free counts the free list; os_mempool_out counts the blocks
 *     out over every pool (the "os_mempool blocks" leak probe);
 *   - every call that fails for want of memory leaves what the caller
 *     holds as it was, except os_mbuf_pullup, which frees the chain (as
 *     Mynewt and m_pullup(9) do);
 *   - the os_msys table is sorted by omp_databuf_len and changes only at
 *     splhigh; allocation from it never falls back to another pool.
 * Nothing here sleeps: every allocation is M_DONTWAIT.
 */
#include <sys/mbuf_port.h>
#include <sys/queue.h>
#include <sys/mbuf.h>
#include <sys/os_mbuf.h>
#include "mbuf_private.h"

/* ---- memory pools ---------------------------------------------------- */

static long os_mempool_out;		/* blocks out, every pool */

/* Blocks out of every pool: the kernel's leak probe reads it. */
long
os_mempool_nout(void)
{
	return (os_mempool_out);
}

int
os_mempool_init(struct os_mempool *mp, uint16_t blocks, uint32_t block_size,
    void *membuf, const char *name)
{
	struct os_memblock *b;
	uint32_t bsize;
	int i;

	if (mp == NULL || block_size == 0 || (membuf == NULL && blocks > 0))
		return (OS_INVALID_PARM);
	if ((uintptr_t)membuf & (OS_ALIGNMENT - 1))
		return (OS_MEM_NOT_ALIGNED);
	bsize = OS_ALIGN(block_size, OS_ALIGNMENT);
	mp->mp_block_size = bsize;
	mp->mp_num_blocks = blocks;
	mp->mp_num_free = blocks;
	mp->mp_min_free = blocks;
	mp->mp_membuf_addr = (uintptr_t)membuf;
	mp->name = name;
	SLIST_INIT(&mp->mp_head);
	/* Block 0 first on the list. */
	for (i = blocks - 1; i >= 0; i--) {
		b = (struct os_memblock *)((char *)membuf + (size_t)i * bsize);
		SLIST_INSERT_HEAD(&mp->mp_head, b, mb_next);
	}
	return (OS_OK);
}

void *
os_memblock_get(struct os_mempool *mp)
{
	struct os_memblock *b;
	int s;

	if (mp == NULL)
		return (NULL);
	s = mbp_splhigh();
	if ((b = SLIST_FIRST(&mp->mp_head)) != NULL) {
		SLIST_REMOVE_HEAD(&mp->mp_head, mb_next);
		mp->mp_num_free--;
		if (mp->mp_num_free < mp->mp_min_free)
			mp->mp_min_free = mp->mp_num_free;
		os_mempool_out++;
	}
	mbp_splx(s);
	return (b);
}

/* Is p the start of one of mp's blocks? */
static bool
os_memblock_from(struct os_mempool *mp, void *p)
{
	uintptr_t a = (uintptr_t)p, start = mp->mp_membuf_addr;

	return (a >= start && a < start + (uintptr_t)mp->mp_num_blocks *
	    mp->mp_block_size && (a - start) % mp->mp_block_size == 0);
}

int
os_memblock_put(struct os_mempool *mp, void *block)
{
	struct os_memblock *b = block;
	int s;

	if (mp == NULL || b == NULL || !os_memblock_from(mp, b))
		return (OS_INVALID_PARM);
	s = mbp_splhigh();
#ifdef DIAGNOSTIC
	{
		struct os_memblock *f;

		SLIST_FOREACH(f, &mp->mp_head, mb_next)
			if (f == b) {
				mbp_splx(s);
				mbp_panic("os_memblock_put: pool %s: block %p is "
				    "already free (double free)", mp->name ?
				    mp->name : "?", block);
			}
	}
#endif
	SLIST_INSERT_HEAD(&mp->mp_head, b, mb_next);
	mp->mp_num_free++;
	os_mempool_out--;
	mbp_splx(s);
	return (OS_OK);
}

/* ---- mbuf pools ------------------------------------------------------ */

static void
os_mbuf_extfree(caddr_t buf, size_t size, void *arg)
{
	struct os_mbuf_pool *omp = arg;

	if (os_memblock_put(omp->omp_pool, buf) != OS_OK)
		mbp_panic("os_mbuf: storage %p is not a block of pool %s", buf,
		    omp->omp_pool->name ? omp->omp_pool->name : "?");
}

static const struct m_extops os_mbuf_extops = { os_mbuf_extfree, NULL };

int
os_mbuf_pool_init(struct os_mbuf_pool *omp, struct os_mempool *mp,
    uint16_t buf_len, uint16_t nbufs)
{
	if (omp == NULL || mp == NULL)
		return (OS_INVALID_PARM);
	if (buf_len <= sizeof(struct os_mbuf) || buf_len > mp->mp_block_size ||
	    nbufs > mp->mp_num_blocks)
		return (OS_EINVAL);
	omp->omp_databuf_len = buf_len - sizeof(struct os_mbuf);
	omp->omp_mbuf_count = nbufs;
	omp->omp_pool = mp;
	return (OS_OK);
}

/* The pool whose block m holds, or NULL for native storage. */
struct os_mbuf_pool *
os_mbuf_omp(const struct os_mbuf *m)
{
	if ((m->m_flags & M_EXT) && m->m_ext.ext_ops == &os_mbuf_extops)
		return (m->m_ext.ext_arg);
	return (NULL);
}

int
os_mbuf_pkthdr_len(const struct os_mbuf *m)
{
	if ((m->m_flags & M_PKTHDR) == 0)
		return (0);
	return (sizeof(struct os_mbuf_pkthdr) + m->m_pkthdr.ph_uhlen);
}

/* Give the new mbuf m a block of omp; on failure free m. */
static struct mbuf *
os_mbuf_attach(struct os_mbuf_pool *omp, struct mbuf *m, void *blk,
    int lead)
{
	if (m == NULL) {
		os_memblock_put(omp->omp_pool, blk);
		return (NULL);
	}
	m_extadd(m, blk, omp->omp_databuf_len, &os_mbuf_extops, omp, 0,
	    M_DONTWAIT);
	m->m_data += lead;
	return (m);
}

struct os_mbuf *
os_mbuf_get(struct os_mbuf_pool *omp, uint16_t leadingspace)
{
	void *blk;

	if (omp == NULL || leadingspace > omp->omp_databuf_len)
		return (NULL);
	if ((blk = os_memblock_get(omp->omp_pool)) == NULL)
		return (NULL);
	return (os_mbuf_attach(omp, m_get(M_DONTWAIT, MT_DATA), blk,
	    leadingspace));
}

struct os_mbuf *
os_mbuf_get_pkthdr(struct os_mbuf_pool *omp, uint8_t user_pkthdr_len)
{
	void *blk;

	if (omp == NULL || user_pkthdr_len > M_MAXUHLEN)
		return (NULL);
	if ((blk = os_memblock_get(omp->omp_pool)) == NULL)
		return (NULL);
	return (os_mbuf_attach(omp, m_gethdr_uh(M_DONTWAIT, MT_DATA,
	    user_pkthdr_len), blk, 0));
}

/* ---- chains ---------------------------------------------------------- */

/*
 * The last mbuf of the chain m, and the pool more mbufs come from: the
 * first pool found along the chain (the head's, for Mynewt's chains),
 * NULL when every mbuf has native storage.
 */
static struct mbuf *
os_mbuf_last(struct mbuf *m, struct os_mbuf_pool **ompp)
{
	*ompp = NULL;
	for (;; m = m->m_next) {
		if (*ompp == NULL)
			*ompp = os_mbuf_omp(m);
		if (m->m_next == NULL)
			return (m);
	}
}

/*
 * Allocate empty mbufs with room for need bytes, from omp or natively
 * when omp is NULL.  All or nothing.
 */
static int
os_mbuf_more(struct os_mbuf_pool *omp, int type, int need,
    struct mbuf **listp)
{
	struct mbuf *top = NULL, **np = &top, *n;

	while (need > 0) {
		if (omp != NULL)
			n = os_mbuf_get(omp, 0);
		else if (need > (int)MLEN)
			n = m_getcl(M_DONTWAIT, type, 0);
		else
			n = m_get(M_DONTWAIT, type);
		if (n == NULL) {
			m_freem(top);
			return (OS_ENOMEM);
		}
		need -= m_trailingspace(n);
		*np = n;
		np = &n->m_next;
	}
	*listp = top;
	return (OS_OK);
}

/* Copy len bytes after last's data and on into list, then link list. */
static void
os_mbuf_fill(struct mbuf *last, struct mbuf *list, const char *src,
    int len)
{
	struct mbuf *m;
	int n;

	last->m_next = list;
	for (m = last; m != NULL && len > 0; m = m->m_next) {
		n = MIN(len, m_trailingspace(m));
		memcpy(mtod(m, char *) + m->m_len, src, n);
		m->m_len += n;
		src += n;
		len -= n;
	}
	MBP_ASSERTMSG(len == 0, "os_mbuf_fill: %d bytes left over", len);
}

int
os_mbuf_append(struct os_mbuf *om, const void *data, uint16_t len)
{
	struct os_mbuf_pool *omp;
	struct mbuf *last, *list = NULL;
	int rc;

	if (om == NULL)
		return (OS_INVALID_PARM);
	if (len == 0)
		return (OS_OK);
	last = os_mbuf_last(om, &omp);
	rc = os_mbuf_more(omp, om->m_type, len - m_trailingspace(last), &list);
	if (rc != OS_OK)
		return (rc);
	os_mbuf_fill(last, list, data, len);
	if (om->m_flags & M_PKTHDR)
		om->m_pkthdr.len += len;
	return (OS_OK);
}

int
os_mbuf_copyinto(struct os_mbuf *om, int off, const void *src, int len)
{
	struct os_mbuf_pool *omp;
	struct mbuf *last, *list = NULL;
	int total, over, rest, rc;

	if (om == NULL || off < 0 || len < 0)
		return (OS_INVALID_PARM);
	total = m_length(om);
	if (off > total)
		return (OS_EINVAL);
	over = MIN(len, total - off);
	rest = len - over;
	last = os_mbuf_last(om, &omp);
	if (rest > 0) {
		rc = os_mbuf_more(omp, om->m_type, rest -
		    m_trailingspace(last), &list);
		if (rc != OS_OK)
			return (rc);
	}
	/* Overwrite in place; never allocates, refuses read-only bytes. */
	if (over > 0 && m_copyback(om, off, over, src, M_DONTWAIT) != 0) {
		m_freem(list);
		return (OS_EINVAL);
	}
	if (rest > 0) {
		os_mbuf_fill(last, list, (const char *)src + over, rest);
		if (om->m_flags & M_PKTHDR)
			om->m_pkthdr.len += rest;
	}
	return (OS_OK);
}

int
os_mbuf_copydata(const struct os_mbuf *m, int off, int len, void *dst)
{
	if (len == 0)
		return (0);
	if (m == NULL || off < 0 || len < 0 ||
	    (long)off + len > m_length((struct mbuf *)m))
		return (-1);
	m_copydata((struct mbuf *)m, off, len, dst);
	return (0);
}

/*
 * Make the first len bytes contiguous in the first mbuf.  A chain with
 * no pool storage goes to m_pullup(9); otherwise Mynewt's algorithm:
 * pull into the first mbuf when it has the room and a successor, else
 * into a new mbuf of the chain's pool.  Guaranteed regions of mbuf(9)
 * are not cut (len grows to cover them).  On failure the chain is
 * freed.
 */
struct os_mbuf *
os_mbuf_pullup(struct os_mbuf *om, uint16_t len0)
{
	struct os_mbuf_pool *omp;
	struct mbuf *m2;
	int len, count;

	if (om == NULL)
		return (NULL);
	(void)os_mbuf_last(om, &omp);
	if (omp == NULL)
		return (m_pullup(om, len0));
	len = m_region_extend(om, len0);
	if (len <= om->m_len)
		return (om);
	if (len > m_length(om))
		goto bad;
	if (om->m_next != NULL && !m_readonly(om) &&
	    om->m_len + m_trailingspace(om) >= len) {
		m2 = om;
		om = om->m_next;
	} else {
		if (len > omp->omp_databuf_len)
			goto bad;
		if ((m2 = os_mbuf_get(omp, 0)) == NULL)
			goto bad;
		if (om->m_flags & M_PKTHDR)
			m_move_pkthdr(m2, om);
	}
	while (m2->m_len < len && om != NULL) {
		count = MIN(len - m2->m_len, om->m_len);
		memcpy(mtod(m2, char *) + m2->m_len, mtod(om, char *), count);
		m2->m_len += count;
		om->m_len -= count;
		if (om->m_len > 0)
			om->m_data += count;
		else
			om = m_free(om);
	}
	m2->m_next = om;
	return (m2);
bad:
	m_freem(om);
	return (NULL);
}

int
os_mbuf_free(struct os_mbuf *om)
{
	if (om != NULL)
		m_free(om);
	return (OS_OK);
}

int
os_mbuf_free_chain(struct os_mbuf *om)
{
	m_freem(om);
	return (OS_OK);
}

/* ---- msys ------------------------------------------------------------ */

static STAILQ_HEAD(, os_mbuf_pool) os_msys_pools =
    STAILQ_HEAD_INITIALIZER(os_msys_pools);

int
os_msys_register(struct os_mbuf_pool *omp)
{
	struct os_mbuf_pool *p, **pp;
	int s;

	if (omp == NULL || omp->omp_pool == NULL)
		return (OS_INVALID_PARM);
	s = mbp_splhigh();
	STAILQ_FOREACH(p, &os_msys_pools, omp_next) {
		if (p == omp) {
			mbp_splx(s);
			return (OS_EINVAL);
		}
	}
	/* After every pool of the same size or smaller. */
	pp = &STAILQ_FIRST(&os_msys_pools);
	while (*pp != NULL && (*pp)->omp_databuf_len <= omp->omp_databuf_len)
		pp = &STAILQ_NEXT(*pp, omp_next);
	STAILQ_NEXT(omp, omp_next) = *pp;
	if (*pp == NULL)
		os_msys_pools.stqh_last = &STAILQ_NEXT(omp, omp_next);
	*pp = omp;
	mbp_splx(s);
	return (OS_OK);
}

void
os_msys_reset(void)
{
	int s;

	s = mbp_splhigh();
	STAILQ_INIT(&os_msys_pools);
	mbp_splx(s);
}

/* The smallest pool holding dsize bytes, else the largest; or NULL. */
static struct os_mbuf_pool *
os_msys_find(int dsize)
{
	struct os_mbuf_pool *p, *last = NULL;
	int s;

	s = mbp_splhigh();
	STAILQ_FOREACH(p, &os_msys_pools, omp_next) {
		last = p;
		if (dsize <= p->omp_databuf_len)
			break;
	}
	mbp_splx(s);
	return (p != NULL ? p : last);
}

struct os_mbuf *
os_msys_get(uint16_t dsize, uint16_t leadingspace)
{
	struct os_mbuf_pool *omp;

	if ((omp = os_msys_find(dsize)) == NULL)
		return (NULL);
	return (os_mbuf_get(omp, leadingspace));
}

struct os_mbuf *
os_msys_get_pkthdr(uint16_t dsize, uint16_t user_hdr_len)
{
	struct os_mbuf_pool *omp;

	if (user_hdr_len > M_MAXUHLEN ||
	    (omp = os_msys_find(dsize)) == NULL)
		return (NULL);
	return (os_mbuf_get_pkthdr(omp, user_hdr_len));
}

int
os_msys_count(void)
{
	struct os_mbuf_pool *p;
	int n = 0, s;

	s = mbp_splhigh();
	STAILQ_FOREACH(p, &os_msys_pools, omp_next)
		n += p->omp_mbuf_count;
	mbp_splx(s);
	return (n);
}

int
os_msys_num_free(void)
{
	struct os_mbuf_pool *p;
	int n = 0, s;

	s = mbp_splhigh();
	STAILQ_FOREACH(p, &os_msys_pools, omp_next)
		n += p->omp_pool->mp_num_free;
	mbp_splx(s);
	return (n);
}

/* netstat -m: the registered os_msys pools, smallest first. */
void
os_msys_print(void)
{
	struct os_mbuf_pool *p;
	struct os_mempool *mp;
	int s;

	s = mbp_splhigh();
	if (STAILQ_EMPTY(&os_msys_pools)) {
		mbp_splx(s);
		return;
	}
	mbp_printf("%-8s %-12s %6s %6s %6s %6s\n", "os_msys", "pool", "block",
	    "blocks", "free", "minfree");
	STAILQ_FOREACH(p, &os_msys_pools, omp_next) {
		mp = p->omp_pool;
		mbp_printf("%-8u %-12s %6u %6u %6u %6u\n", p->omp_databuf_len,
		    mp->name != NULL ? mp->name : "-", mp->mp_block_size,
		    mp->mp_num_blocks, mp->mp_num_free, mp->mp_min_free);
	}
	mbp_splx(s);
}
