/*
 * uipc_osmbuf.c: the Apache Mynewt mbuf interface on the native mbufs,
 * os_mbuf(9).
 *
 * What it is for: running code written against Mynewt's os_mempool,
 * os_mbuf and os_msys calls on this kernel's mbufs.  A memory pool is a
 * free list threaded through fixed-size blocks of the caller's memory.
 * An mbuf pool's block is an mbuf (M_POOL): struct os_mbuf, the native
 * struct m_hdr, opens it and the data buffer is the rest, so a pool's
 * data buffer is its block length less sizeof(struct os_mbuf), as in
 * Mynewt.  A packet header mbuf's data buffer opens with the packet
 * header and the user header (om_pkthdr_len bytes), as in Mynewt.
 * m_free(9) gives the block back (os_mbuf_blkput), so m_free and
 * os_mbuf_free_chain are the same thing and a pool of N blocks runs out
 * after N mbufs.
 *
 * Invariants:
 *   - a block is on its pool's free list or is one live mbuf (copies of
 *     a pool mbuf are deep); it goes back exactly once;
 *   - mp_num_free counts the free list; os_mempool_out counts the blocks
 *     out over every pool (the "os_mempool blocks" leak probe);
 *   - every call that fails for want of memory leaves what the caller
 *     holds as it was, except os_mbuf_pullup, which frees the chain (as
 *     Mynewt and m_pullup(9) do);
 *   - the pools' free lists and counts, the pool list, the event queues,
 *     the os_mqueues and the os_msys table change only under os_lock,
 *     the module's own spin lock (never the kernel's big lock), held
 *     for a few list operations and never across a call out of this
 *     file but mbp_printf; the os_msys table is sorted by
 *     omp_databuf_len; allocation from it never falls back to another
 *     pool.
 * Nothing here sleeps: every allocation is M_DONTWAIT.
 */
#include <sys/mbuf_port.h>
#include <sys/queue.h>
#include <sys/mbuf.h>
#include <sys/os_mbuf.h>
#include <sys/msys.h>
#include "mbuf_private.h"

#ifndef INT_MAX
#define INT_MAX		0x7fffffff	/* os_mbuf_cmpf: chain ended */
#endif

/* ---- memory pools ---------------------------------------------------- */

static struct mbp_lock os_lock;	/* see the invariants above */

/* Called once from mb_poolinit, before any os_ call. */
void
os_mbuf_modinit(void)
{
	mbp_lock_init(&os_lock, "os_mbuf");
}

/* Every pool os_mempool_init made and os_mempool_unregister did not drop. */
static STAILQ_HEAD(, os_mempool) os_mempools =
    STAILQ_HEAD_INITIALIZER(os_mempools);
static long os_mempool_out;		/* blocks out, registered pools */

/* Blocks out of every registered pool: the kernel's leak probe reads it. */
long
os_mempool_nout(void)
{
	return (os_mempool_out);
}

static bool
os_mempool_registered(const struct os_mempool *mp)
{
	struct os_mempool *p;

	STAILQ_FOREACH(p, &os_mempools, mp_list)
		if (p == mp)
			return (true);
	return (false);
}

/* Take the registered pool mp off the list; what it has out is lost. */
static void
os_mempool_delist(struct os_mempool *mp)
{
	struct os_mempool **pp = &STAILQ_FIRST(&os_mempools);

	while (*pp != mp)
		pp = &STAILQ_NEXT(*pp, mp_list);
	if ((*pp = STAILQ_NEXT(mp, mp_list)) == NULL)
		os_mempools.stqh_last = pp;
	os_mempool_out -= mp->mp_num_blocks - mp->mp_num_free;
	mp->mp_flags &= ~OS_MEMPOOL_F_LISTED;
}

/* Thread every block onto the free list, block 0 first. */
static void
os_mempool_fill(struct os_mempool *mp)
{
	struct os_memblock *b;
	int i;

	SLIST_INIT(mp);
	for (i = mp->mp_num_blocks - 1; i >= 0; i--) {
		b = (struct os_memblock *)(mp->mp_membuf_addr +
		    (uintptr_t)i * mp->mp_block_size);
		SLIST_INSERT_HEAD(mp, b, mb_next);
	}
	mp->mp_num_free = mp->mp_num_blocks;
	mp->mp_min_free = mp->mp_num_blocks;
}

static int
os_mempool_init1(struct os_mempool *mp, uint16_t blocks, uint32_t block_size,
    void *membuf, const char *name, uint8_t flags)
{
	if (mp == NULL || block_size == 0 || (membuf == NULL && blocks > 0))
		return (OS_INVALID_PARM);
	if ((uintptr_t)membuf & (OS_ALIGNMENT - 1))
		return (OS_MEM_NOT_ALIGNED);
	mbp_lock_enter(&os_lock);
	/*
	 * Made again (Mynewt's tests do it with blocks out): the pool is
	 * reclaimed whole; what was out is no longer counted.
	 */
	if (os_mempool_registered(mp))
		os_mempool_delist(mp);
	mp->mp_block_size = OS_ALIGN(block_size, OS_ALIGNMENT);
	mp->mp_num_blocks = blocks;
	mp->mp_flags = flags | OS_MEMPOOL_F_LISTED;
	mp->mp_membuf_addr = (uintptr_t)membuf;
	mp->name = name;
	os_mempool_fill(mp);
	STAILQ_INSERT_TAIL(&os_mempools, mp, mp_list);
	mbp_lock_exit(&os_lock);
	return (OS_OK);
}

int
os_mempool_init(struct os_mempool *mp, uint16_t blocks, uint32_t block_size,
    void *membuf, const char *name)
{
	return (os_mempool_init1(mp, blocks, block_size, membuf, name, 0));
}

int
os_mempool_ext_init(struct os_mempool_ext *mpe, uint16_t blocks,
    uint32_t block_size, void *membuf, const char *name)
{
	int rc;

	if (mpe == NULL)
		return (OS_INVALID_PARM);
	rc = os_mempool_init1(&mpe->mpe_mp, blocks, block_size, membuf, name,
	    OS_MEMPOOL_F_EXT);
	if (rc == OS_OK) {
		mpe->mpe_put_cb = NULL;
		mpe->mpe_put_arg = NULL;
	}
	return (rc);
}

int
os_mempool_unregister(struct os_mempool *mp)
{
	int rc = OS_INVALID_PARM;

	mbp_lock_enter(&os_lock);
	if (mp != NULL && os_mempool_registered(mp)) {
		os_mempool_delist(mp);
		rc = OS_OK;
	}
	mbp_lock_exit(&os_lock);
	return (rc);
}

int
os_mempool_clear(struct os_mempool *mp)
{
	if (mp == NULL)
		return (OS_INVALID_PARM);
	mbp_lock_enter(&os_lock);
	if (mp->mp_flags & OS_MEMPOOL_F_LISTED)
		os_mempool_out -= mp->mp_num_blocks - mp->mp_num_free;
	os_mempool_fill(mp);
	mbp_lock_exit(&os_lock);
	return (OS_OK);
}

/* Is p the start of one of mp's blocks? */
int
os_memblock_from(const struct os_mempool *mp, const void *p)
{
	uintptr_t a = (uintptr_t)p, start = mp->mp_membuf_addr;

	return (a >= start && a < start + (uintptr_t)mp->mp_num_blocks *
	    mp->mp_block_size && (a - start) % mp->mp_block_size == 0);
}

bool
os_mempool_is_sane(const struct os_mempool *mp)
{
	struct os_memblock *b;
	int n = 0;
	bool sane = true;

	mbp_lock_enter(&os_lock);
	SLIST_FOREACH(b, mp, mb_next) {
		/* A foreign block, or a loop (more than the pool holds). */
		if (!os_memblock_from(mp, b) || ++n > mp->mp_num_blocks) {
			sane = false;
			break;
		}
	}
	if (sane && n != mp->mp_num_free)
		sane = false;
	mbp_lock_exit(&os_lock);
	return (sane);
}

void *
os_memblock_get(struct os_mempool *mp)
{
	struct os_memblock *b;

	if (mp == NULL)
		return (NULL);
	mbp_lock_enter(&os_lock);
	if ((b = SLIST_FIRST(mp)) != NULL) {
		SLIST_REMOVE_HEAD(mp, mb_next);
		mp->mp_num_free--;
		if (mp->mp_num_free < mp->mp_min_free)
			mp->mp_min_free = mp->mp_num_free;
		if (mp->mp_flags & OS_MEMPOOL_F_LISTED)
			os_mempool_out++;
	}
	mbp_lock_exit(&os_lock);
	return (b);
}

int
os_memblock_put_from_cb(struct os_mempool *mp, void *block)
{
	struct os_memblock *b = block;

	if (mp == NULL || b == NULL || !os_memblock_from(mp, b))
		return (OS_INVALID_PARM);
	mbp_lock_enter(&os_lock);
	if (mp->mp_num_free >= mp->mp_num_blocks) {
		mbp_lock_exit(&os_lock);
		mbp_panic("os_memblock_put: pool %s: block %p is already free "
		    "(every block is: double free)", mp->name ? mp->name :
		    "?", block);
	}
#ifdef DIAGNOSTIC
	{
		struct os_memblock *f;

		SLIST_FOREACH(f, mp, mb_next)
			if (f == b) {
				mbp_lock_exit(&os_lock);
				mbp_panic("os_memblock_put: pool %s: block %p "
				    "is already free (double free)", mp->name ?
				    mp->name : "?", block);
			}
	}
#endif
	SLIST_INSERT_HEAD(mp, b, mb_next);
	mp->mp_num_free++;
	if (mp->mp_flags & OS_MEMPOOL_F_LISTED)
		os_mempool_out--;
	mbp_lock_exit(&os_lock);
	return (OS_OK);
}

int
os_memblock_put(struct os_mempool *mp, void *block)
{
	struct os_mempool_ext *mpe;

	if (mp == NULL || block == NULL)
		return (OS_INVALID_PARM);
	if (mp->mp_flags & OS_MEMPOOL_F_EXT) {
		mpe = (struct os_mempool_ext *)mp;
		if (mpe->mpe_put_cb != NULL)
			return (mpe->mpe_put_cb(mpe, block, mpe->mpe_put_arg));
	}
	return (os_memblock_put_from_cb(mp, block));
}

struct os_mempool *
os_mempool_info_get_next(struct os_mempool *mp, struct os_mempool_info *omi)
{
	struct os_mempool *cur;
	const char *n;
	int i;

	mbp_lock_enter(&os_lock);
	if (mp == NULL)
		cur = STAILQ_FIRST(&os_mempools);
	else
		cur = STAILQ_NEXT(mp, mp_list);
	if (cur != NULL) {
		omi->omi_block_size = cur->mp_block_size;
		omi->omi_num_blocks = cur->mp_num_blocks;
		omi->omi_num_free = cur->mp_num_free;
		omi->omi_min_free = cur->mp_min_free;
		n = cur->name != NULL ? cur->name : "";
		for (i = 0; i < OS_MEMPOOL_INFO_NAME_LEN - 1 && n[i] != '\0';
		    i++)
			omi->omi_name[i] = n[i];
		omi->omi_name[i] = '\0';
	}
	mbp_lock_exit(&os_lock);
	return (cur);
}

/* ---- mbuf pools ------------------------------------------------------ */

/*
 * m_free's way back for a Mynewt pool's mbuf: its block returns to the
 * pool (a size class's mbuf, omp_pool NULL, goes to msys_blkput).
 */
void
os_mbuf_blkput(struct mbuf *m)
{
	struct os_mbuf_pool *omp = m->m_hdr.mh_omp;

	if (os_memblock_put(omp->omp_pool, m) != OS_OK)
		mbp_panic("os_mbuf: mbuf %p is not a block of pool %s",
		    (void *)m, omp->omp_pool->name ? omp->omp_pool->name : "?");
}

/*
 * Mynewt's geometry: a block of buf_len bytes is an os_mbuf header and
 * buf_len - sizeof(struct os_mbuf) bytes of data buffer, whatever its
 * size (only a block too small for the header itself is refused).
 */
int
os_mbuf_pool_init(struct os_mbuf_pool *omp, struct os_mempool *mp,
    uint16_t buf_len, uint16_t nbufs)
{
	if (omp == NULL || mp == NULL)
		return (OS_INVALID_PARM);
	if (buf_len < sizeof(struct os_mbuf) || buf_len > mp->mp_block_size ||
	    nbufs > mp->mp_num_blocks)
		return (OS_EINVAL);
	omp->omp_databuf_len = buf_len - sizeof(struct os_mbuf);
	omp->omp_mbuf_count = nbufs;
	omp->omp_pool = mp;
	return (OS_OK);
}

/* The pool whose block m is, or NULL for a native mbuf. */
static inline struct os_mbuf_pool *
om_pool(const struct mbuf *m)
{
	return ((m->m_flags & M_POOL) ? m->m_hdr.mh_omp : NULL);
}

struct os_mbuf_pool *
os_mbuf_omp(const struct os_mbuf *om)
{
	return (om_pool(os_mbuf_tom(om)));
}

int
os_mbuf_pkthdr_len(const struct os_mbuf *om)
{
	const struct mbuf *m = os_mbuf_tom(om);

	if ((m->m_flags & M_PKTHDR) == 0)
		return (0);
	return (sizeof(struct os_mbuf_pkthdr) + m->m_pkthdr.ph_uhlen);
}

/* An mbuf of omp: leadingspace free bytes, or a packet header. */
static struct mbuf *
om_get(struct os_mbuf_pool *omp, int lead, int flags, u_int uhlen)
{
	void *blk;

	if (omp->omp_pool == NULL)	/* a size class, msys(9) */
		return (msys_poolget(omp, flags, uhlen, lead));
	if ((blk = os_memblock_get(omp->omp_pool)) == NULL)
		return (NULL);
	return (m_poolinit(blk, omp, omp->omp_databuf_len, flags, uhlen,
	    lead));
}

struct os_mbuf *
os_mbuf_get(struct os_mbuf_pool *omp, uint16_t leadingspace)
{
	if (omp == NULL || leadingspace > omp->omp_databuf_len)
		return (NULL);
	return (os_mbuf_fromm(om_get(omp, leadingspace, 0, 0)));
}

/* A packet header mbuf of omp, or NULL when its headers do not fit. */
static struct mbuf *
om_gethdr(struct os_mbuf_pool *omp, u_int uhlen)
{
	u_int hdr = sizeof(struct os_mbuf_pkthdr) + uhlen;

	if (hdr > 255 || hdr > omp->omp_databuf_len)
		return (NULL);
	return (om_get(omp, 0, M_PKTHDR, uhlen));
}

struct os_mbuf *
os_mbuf_get_pkthdr(struct os_mbuf_pool *omp, uint8_t user_pkthdr_len)
{
	if (omp == NULL)
		return (NULL);
	return (os_mbuf_fromm(om_gethdr(omp, user_pkthdr_len)));
}

/* ---- chains ---------------------------------------------------------- */

/*
 * An empty mbuf for the chain whose head is m: of the pool omp when it
 * is not NULL (Mynewt takes more mbufs from the head's pool), else a
 * native one with room for want bytes where one buffer can hold them.
 */
static struct mbuf *
os_mbuf_new(struct os_mbuf_pool *omp, struct mbuf *m, int want)
{
	if (omp != NULL)
		return (om_get(omp, 0, 0, 0));
	if (want > (int)MLEN)
		return (msys_get(M_DONTWAIT, m->m_type, want));
	return (m_get(M_DONTWAIT, m->m_type));
}

/* The largest number of bytes one new mbuf of the chain holds. */
static int
os_mbuf_maxnew(struct os_mbuf_pool *omp)
{
	struct malloc_pipe *mp;

	if (omp != NULL)
		return (omp->omp_databuf_len);
	mp = msys_select(M_COPYALL);
	return (mp != NULL ? MAX(msys_classlen(mp), (int)MLEN) : (int)MLEN);
}

static struct mbuf *
os_mbuf_last(struct mbuf *m)
{
	while (m->m_next != NULL)
		m = m->m_next;
	return (m);
}

/* Add n to the packet length of the chain headed by om, if a packet. */
static void
os_mbuf_pktadd(struct mbuf *om, int n)
{
	if (om->m_flags & M_PKTHDR)
		om->m_pkthdr.len += n;
}

uint16_t
os_mbuf_len(const struct os_mbuf *om)
{
	struct mbuf *m = os_mbuf_tom(om);
	uint16_t len = 0;

	for (; m != NULL; m = m->m_next)
		len += m->m_len;
	return (len);
}

static struct mbuf *
om_off(struct mbuf *m, int off, uint16_t *out_off)
{
	if (off < 0)
		return (NULL);
	for (; m != NULL; m = m->m_next) {
		if (m->m_len > off || (m->m_len == off && m->m_next == NULL)) {
			*out_off = off;
			return (m);
		}
		off -= m->m_len;
	}
	return (NULL);
}

struct os_mbuf *
os_mbuf_off(const struct os_mbuf *om, int off, uint16_t *out_off)
{
	return (os_mbuf_fromm(om_off(os_mbuf_tom(om), off, out_off)));
}

/*
 * Append what fits: the last mbuf's trailing space, then new mbufs of
 * the head's pool (native ones for a native head) until one cannot be
 * had.  The packet length counts what went in; OS_ENOMEM says the rest
 * did not (Mynewt's contract).
 */
static int
om_append(struct mbuf *om, const void *data, int len)
{
	struct os_mbuf_pool *omp;
	struct mbuf *last, *n;
	const char *src = data;
	int rem = len, count;

	if (om == NULL)
		return (OS_EINVAL);
	omp = om_pool(om);
	last = os_mbuf_last(om);
	for (n = last; rem > 0; n = NULL) {
		if (n == NULL) {
			if ((n = os_mbuf_new(omp, om, rem)) == NULL)
				break;
			last->m_next = n;
			last = n;
		}
		count = MIN(rem, m_trailingspace(n));
		memcpy(mtod(n, char *) + n->m_len, src, count);
		n->m_len += count;
		src += count;
		rem -= count;
	}
	os_mbuf_pktadd(om, len - rem);
	return (rem == 0 ? OS_OK : OS_ENOMEM);
}

int
os_mbuf_append(struct os_mbuf *om, const void *data, uint16_t len)
{
	return (om_append(os_mbuf_tom(om), data, len));
}

int
os_mbuf_appendfrom(struct os_mbuf *dst, const struct os_mbuf *src,
    uint16_t src_off, uint16_t len)
{
	struct mbuf *to = os_mbuf_tom(dst);
	struct mbuf *from = os_mbuf_tom(src);
	const struct mbuf *m;
	uint16_t off;
	int count, rc;

	m = om_off(from, src_off, &off);
	while (len > 0) {
		if (m == NULL)
			return (OS_EINVAL);
		count = MIN(len, m->m_len - off);
		if ((rc = om_append(to, mtod(m, char *) + off, count)) != 0)
			return (rc);
		len -= count;
		m = m->m_next;
		off = 0;
	}
	return (OS_OK);
}

/* One mbuf like m (its pool, leading space and packet header), empty. */
static struct mbuf *
os_mbuf_dup1(struct mbuf *m)
{
	struct os_mbuf_pool *omp = om_pool(m);
	struct mbuf *n;
	int lead = m_leadingspace(m);

	if (omp != NULL) {
		if (m->m_flags & M_PKTHDR)
			n = om_gethdr(omp, m->m_pkthdr.ph_uhlen);
		else
			n = om_get(omp, 0, 0, 0);
	} else if (m->m_flags & M_PKTHDR)
		n = msys_gethdr(M_DONTWAIT, m->m_type, lead + m->m_len,
		    m->m_pkthdr.ph_uhlen);
	else
		n = msys_get(M_DONTWAIT, m->m_type, lead + m->m_len);
	if (n == NULL)
		return (NULL);
	if (m->m_flags & M_PKTHDR)
		m_dup_pkthdr(n, m, M_DONTWAIT);
	if (m_trailingspace(n) < lead + m->m_len) {
		m_free(n);		/* the largest class is too small */
		return (NULL);
	}
	n->m_data += lead;
	return (n);
}

/*
 * A copy of the chain mbuf for mbuf: each from the pool (or the kind of
 * storage) of the one it copies, with its leading space, so that the
 * copy's layout, and its guaranteed regions, are the original's.
 */
struct os_mbuf *
os_mbuf_dup(struct os_mbuf *om)
{
	struct mbuf *m = os_mbuf_tom(om);
	struct mbuf *top = NULL, **np = &top, *n;

	for (; m != NULL; m = m->m_next) {
		if ((n = os_mbuf_dup1(m)) == NULL) {
			m_freem(top);
			return (NULL);
		}
		memcpy(mtod(n, char *), mtod(m, char *), m->m_len);
		n->m_len = m->m_len;
		*np = n;
		np = &n->m_next;
	}
	return (os_mbuf_fromm(top));
}

/*
 * Overwrite from off, then append what goes past the end (Mynewt's
 * contract, so -1 when off is past the end, OS_ENOMEM when the append
 * ran short, with what fitted kept).  Read-only storage in the range is
 * refused first, with OS_EINVAL and nothing written.
 */
int
os_mbuf_copyinto(struct os_mbuf *om, int off, const void *src, int len)
{
	struct mbuf *m = os_mbuf_tom(om);
	struct mbuf *cur, *x;
	const char *sp = src;
	uint16_t coff;
	int count, rc, pos;

	if (m == NULL || len < 0)
		return (-1);
	if ((cur = om_off(m, off, &coff)) == NULL)
		return (-1);
	for (x = cur, pos = -coff; x != NULL && pos < len; x = x->m_next) {
		if (x->m_len > 0 && pos + x->m_len > 0 && m_readonly(x))
			return (OS_EINVAL);
		pos += x->m_len;
	}
	for (;;) {
		count = MIN(cur->m_len - coff, len);
		if (count > 0) {
			memcpy(mtod(cur, char *) + coff, sp, count);
			sp += count;
			len -= count;
		}
		if (len == 0)
			return (0);
		if (cur->m_next == NULL)
			break;
		cur = cur->m_next;
		coff = 0;
	}
	/* Append the rest; the packet length covers what went in. */
	rc = om_append(cur, sp, len);
	if ((m->m_flags & M_PKTHDR) && cur != m)
		m->m_pkthdr.len = m_length(m);
	return (rc);
}

int
os_mbuf_copydata(const struct os_mbuf *om, int off, int len, void *dst)
{
	struct mbuf *m = os_mbuf_tom(om);

	if (len == 0)
		return (0);
	if (m == NULL || off < 0 || len < 0 ||
	    (long)off + len > m_length(m))
		return (-1);
	m_copydata(m, off, len, dst);
	return (0);
}

/*
 * m_adj(9), with Mynewt's difference: trimming from the tail past the
 * last mbuf frees the mbufs left empty at the end.
 */
void
os_mbuf_adj(struct os_mbuf *om, int req_len)
{
	struct mbuf *m = os_mbuf_tom(om);
	struct mbuf *x;
	int rem;

	if (m == NULL)
		return;
	if (req_len >= 0 || os_mbuf_last(m)->m_len >= -req_len) {
		m_adj(m, req_len);
		return;
	}
	rem = MAX(m_length(m) + req_len, 0);
	m_adj(m, req_len);
	for (x = m; x->m_len != rem; x = x->m_next)
		rem -= x->m_len;
	m_freem(x->m_next);
	x->m_next = NULL;
}

/* 0 when equal, memcmp's sign otherwise, INT_MAX when the chain ends. */
int
os_mbuf_cmpf(const struct os_mbuf *om, int off, const void *data, int len)
{
	struct mbuf *m = os_mbuf_tom(om);
	const char *d = data;
	uint16_t moff;
	int count, rc;

	if (len <= 0)
		return (0);
	if ((m = om_off(m, off, &moff)) == NULL)
		return (INT_MAX);
	for (;;) {
		count = MIN(m->m_len - moff, len);
		if (count > 0 && (rc = memcmp(mtod(m, char *) + moff, d,
		    count)) != 0)
			return (rc);
		d += count;
		len -= count;
		if (len == 0)
			return (0);
		if ((m = m->m_next) == NULL)
			return (INT_MAX);
		moff = 0;
	}
}

int
os_mbuf_cmpm(const struct os_mbuf *om1, uint16_t offset1,
    const struct os_mbuf *om2, uint16_t offset2, uint16_t len)
{
	struct mbuf *m1 = os_mbuf_tom(om1);
	struct mbuf *m2 = os_mbuf_tom(om2);
	const struct mbuf *a, *b;
	uint16_t ao = 0, bo = 0;
	int count, rc;

	a = om_off(m1, offset1, &ao);
	b = om_off(m2, offset2, &bo);
	while (len > 0) {
		while (a != NULL && ao >= a->m_len) {
			a = a->m_next;
			ao = 0;
		}
		while (b != NULL && bo >= b->m_len) {
			b = b->m_next;
			bo = 0;
		}
		if (a == NULL || b == NULL)
			return (INT_MAX);
		count = MIN(MIN(a->m_len - ao, b->m_len - bo), len);
		if ((rc = memcmp(mtod(a, char *) + ao, mtod(b, char *) + bo,
		    count)) != 0)
			return (rc);
		ao += count;
		bo += count;
		len -= count;
	}
	return (0);
}

/*
 * Make room for len bytes in front: the head's leading space, then new
 * heads of the head's pool (each filled from its end), moving the
 * packet header forward each time.  On failure the chain is freed.
 */
struct os_mbuf *
os_mbuf_prepend(struct os_mbuf *om, int len)
{
	struct mbuf *m = os_mbuf_tom(om);
	struct os_mbuf_pool *omp;
	struct mbuf *p;
	int lead, total = len;

	if (m == NULL || len < 0)
		return (NULL);
	omp = om_pool(m);
	for (;;) {
		lead = MIN(len, m_leadingspace(m));
		m->m_data -= lead;
		m->m_len += lead;
		len -= lead;
		if (len == 0)
			break;
		if ((m->m_flags & M_PKTHDR) && omp != NULL)
			p = om_gethdr(omp, m->m_pkthdr.ph_uhlen);
		else if (m->m_flags & M_PKTHDR)
			p = msys_gethdr(M_DONTWAIT, m->m_type, len,
			    m->m_pkthdr.ph_uhlen);
		else
			p = os_mbuf_new(omp, m, len);
		if (p == NULL) {
			m_freem(m);
			return (NULL);
		}
		if (m->m_flags & M_PKTHDR)
			m_move_pkthdr(p, m);
		p->m_data += m_trailingspace(p);
		p->m_next = m;
		m = p;
	}
	if (m->m_flags & M_PKTHDR) {
		m->m_pkthdr.len += total;
		m_region_insert(m, 0, total);
	}
	return (os_mbuf_fromm(m));
}

struct os_mbuf *
os_mbuf_prepend_pullup(struct os_mbuf *om, uint16_t len)
{
	struct os_mbuf *p;

	if ((p = os_mbuf_prepend(om, len)) == NULL)
		return (NULL);
	return (os_mbuf_pullup(p, len));
}

/*
 * Link second after first, without copying (unlike m_cat); the packet
 * length of first grows by second's; second's header goes.
 */
void
os_mbuf_concat(struct os_mbuf *first, struct os_mbuf *second)
{
	struct mbuf *m = os_mbuf_tom(first);
	struct mbuf *n = os_mbuf_tom(second);
	struct mbuf *x;
	int add = 0;

	if (n == NULL)
		return;
	os_mbuf_last(m)->m_next = n;
	if (n->m_flags & M_PKTHDR)
		add = n->m_pkthdr.len;
	else
		for (x = n; x != NULL; x = x->m_next)
			add += x->m_len;
	os_mbuf_pktadd(m, add);
	if (n->m_flags & M_PKTHDR) {
		m_pkthdr_drop(n);
		n->m_pkthdr.ph_uhlen = 0;
		n->m_pkthdr.ph_nregions = 0;
	}
}

/*
 * len more bytes at the end, in the last mbuf or in one new mbuf; a
 * pointer to them, or NULL (nothing changed) when len is more than one
 * mbuf of the pool holds or none can be had.
 */
void *
os_mbuf_extend(struct os_mbuf *om, uint16_t len)
{
	struct mbuf *m = os_mbuf_tom(om);
	struct os_mbuf_pool *omp;
	struct mbuf *last, *n;
	void *p;

	if (m == NULL)
		return (NULL);
	omp = om_pool(m);
	if (len > os_mbuf_maxnew(omp))
		return (NULL);
	last = os_mbuf_last(m);
	if (m_trailingspace(last) < len) {
		if ((n = os_mbuf_new(omp, m, len)) == NULL)
			return (NULL);
		if (m_trailingspace(n) < len) {
			m_free(n);
			return (NULL);
		}
		last->m_next = n;
		last = n;
	}
	p = mtod(last, char *) + last->m_len;
	last->m_len += len;
	os_mbuf_pktadd(m, len);
	return (p);
}

/*
 * Drop empty mbufs at the front: those after the head, then the head
 * itself when the next one can take its packet header.
 */
struct os_mbuf *
os_mbuf_trim_front(struct os_mbuf *om)
{
	struct mbuf *m = os_mbuf_tom(om);
	struct mbuf *cur;

	if (m == NULL || m->m_len != 0)
		return (os_mbuf_fromm(m));
	while ((cur = m->m_next) != NULL && cur->m_len == 0)
		m->m_next = m_free(cur);
	if (cur == NULL)
		return (os_mbuf_fromm(m));
	if (m->m_flags & M_PKTHDR) {
		/*
		 * A native mbuf keeps its header beside its storage; a pool's
		 * keeps it at the front of its data buffer, so it needs that
		 * much leading space (Mynewt's os_mbuf_trim_front).
		 */
		if ((cur->m_flags & M_POOL) ? m_leadingspace(cur) <
		    m->m_hdr.mh_pkthdr_len : (cur->m_flags & M_EXT) == 0)
			return (os_mbuf_fromm(m));
		cur->m_flags |= m->m_flags & M_COPYFLAGS;
		cur->m_pkthdr = m->m_pkthdr;
		cur->m_hdr.mh_pkthdr_len = m->m_hdr.mh_pkthdr_len;
		if (m->m_pkthdr.ph_uhlen > 0)
			memcpy(M_UHDR(cur), M_UHDR(m), m->m_pkthdr.ph_uhlen);
		m_pkthdr_drop(m);
	}
	m->m_next = NULL;
	m_free(m);
	return (os_mbuf_fromm(cur));
}

/*
 * Open a gap of len bytes at off (its contents undefined): in place
 * when the mbuf at off has the trailing space, else in new mbufs linked
 * in after it.  SYS_EINVAL for an offset past the end or a gap inside
 * a guaranteed region (m_datarange(9)), SYS_ENOMEM (nothing changed)
 * when mbufs run out.
 */
int
os_mbuf_widen(struct os_mbuf *om, uint16_t off, uint16_t len)
{
	struct mbuf *m = os_mbuf_tom(om);
	struct os_mbuf_pool *omp;
	struct mbuf *edge, *first = NULL, **np = &first, *n, *last = NULL;
	struct m_region *r;
	uint16_t sub;
	int rem, i, nr;

	if (m == NULL || (edge = om_off(m, off, &sub)) == NULL)
		return (SYS_EINVAL);
	if ((m->m_flags & M_PKTHDR) && (r = m_regions(m, &nr)) != NULL)
		for (i = 0; i < nr; i++)
			if (r[i].mr_off < off &&
			    r[i].mr_off + r[i].mr_len > off)
				return (SYS_EINVAL);
	if (m_trailingspace(edge) >= len) {
		memmove(mtod(edge, char *) + sub + len,
		    mtod(edge, char *) + sub, edge->m_len - sub);
		edge->m_len += len;
	} else {
		omp = om_pool(m);
		for (rem = len; rem > 0; rem -= n->m_len) {
			if ((n = os_mbuf_new(omp, m, rem)) == NULL) {
				m_freem(first);
				return (SYS_ENOMEM);
			}
			n->m_len = MIN(rem, m_trailingspace(n));
			*np = last = n;
			np = &n->m_next;
		}
		/* The bytes after the gap move behind it. */
		if (om_append(last, mtod(edge, char *) + sub,
		    edge->m_len - sub) != 0) {
			m_freem(first);
			return (SYS_ENOMEM);
		}
		edge->m_len = sub;
		os_mbuf_last(last)->m_next = edge->m_next;
		edge->m_next = first;
	}
	if (m->m_flags & M_PKTHDR) {
		m->m_pkthdr.len += len;
		m_region_insert(m, off, len);
	}
	return (0);
}

/*
 * How much of next's data cur may take at packet offset end without a
 * guaranteed region straddling the two: the cut moves back to the start
 * of any region it would fall inside.
 */
static int
os_mbuf_packcut(struct mbuf *head, int end, int count)
{
	struct m_region *r;
	int i, n, cut = end + count;
	bool moved;

	if ((head->m_flags & M_PKTHDR) == 0 ||
	    (r = m_regions(head, &n)) == NULL)
		return (count);
	do {
		moved = false;
		for (i = 0; i < n; i++)
			if ((int)r[i].mr_off < cut &&
			    (int)(r[i].mr_off + r[i].mr_len) > cut &&
			    (int)r[i].mr_off >= end) {
				cut = r[i].mr_off;
				moved = true;
			}
	} while (moved);
	return (cut - end);
}

/*
 * Concatenate m2 to m1 and pack the chain: each mbuf's data moves to
 * the start of its buffer and takes what follows into its trailing
 * space; emptied mbufs are freed.  Guaranteed regions stay whole.
 */
struct os_mbuf *
os_mbuf_pack_chains(struct os_mbuf *m1, struct os_mbuf *m2)
{
	struct mbuf *m = os_mbuf_tom(m1);
	struct mbuf *n = os_mbuf_tom(m2);
	struct mbuf *cur, *next;
	caddr_t start;
	int room, count, end = 0;

	if (m == NULL)
		return (NULL);
	if (n != NULL)
		os_mbuf_concat(m1, m2);
	for (cur = m; cur != NULL; cur = next) {
		if ((room = m_leadingspace(cur)) > 0) {
			start = mtod(cur, caddr_t) - room;
			memmove(start, mtod(cur, caddr_t), cur->m_len);
			cur->m_data = start;
		}
		end += cur->m_len;
		next = cur->m_next;
		room = m_trailingspace(cur);
		while (room > 0 && next != NULL) {
			count = os_mbuf_packcut(m, end, MIN(room, next->m_len));
			if (count == 0 && next->m_len > 0)
				break;
			memcpy(mtod(cur, char *) + cur->m_len,
			    mtod(next, char *), count);
			cur->m_len += count;
			end += count;
			room -= count;
			next->m_data += count;
			next->m_len -= count;
			while (next != NULL && next->m_len == 0)
				cur->m_next = next = m_free(next);
		}
	}
	return (os_mbuf_fromm(m));
}

/*
 * A new head for os_mbuf_pullup: a block of the chain's pool, refused
 * when len and the packet and user headers it takes over do not fit
 * its data buffer (Mynewt's os_mbuf_pullup: len > omp_databuf_len -
 * om_pkthdr_len fails).
 */
static struct mbuf *
os_mbuf_pullnew(struct mbuf *n, int len, void *arg)
{
	struct os_mbuf_pool *omp = arg;

	if (len > omp->omp_databuf_len - n->m_hdr.mh_pkthdr_len)
		return (NULL);
	return (om_get(omp, 0, 0, 0));
}

/*
 * m_pullup(9) itself (the same body, m_pullup1), except that a new head
 * comes from the pool of the chain's head, as in Mynewt, so len may not
 * exceed its data buffer; a native head gets m_pullup's storage.
 * Guaranteed regions are not cut; on failure the chain is freed.
 */
struct os_mbuf *
os_mbuf_pullup(struct os_mbuf *om, uint16_t len)
{
	struct mbuf *m = os_mbuf_tom(om);
	struct os_mbuf_pool *omp;

	if (m == NULL)
		return (NULL);
	if ((omp = om_pool(m)) == NULL)
		return (os_mbuf_fromm(m_pullup(m, len)));
	return (os_mbuf_fromm(m_pullup1(m, len, os_mbuf_pullnew, omp)));
}

int
os_mbuf_free(struct os_mbuf *om)
{
	struct mbuf *m = os_mbuf_tom(om);

	if (m != NULL)
		m_free(m);
	return (OS_OK);
}

int
os_mbuf_free_chain(struct os_mbuf *om)
{
	m_freem(os_mbuf_tom(om));
	return (OS_OK);
}

/* ---- packet queues ----------------------------------------------------- */

void
os_eventq_init(struct os_eventq *evq)
{
	STAILQ_INIT(&evq->evq_list);
}

/* Queue ev on evq unless it is queued already (on any queue). */
void
os_eventq_put(struct os_eventq *evq, struct os_event *ev)
{
	mbp_lock_enter(&os_lock);
	if (!ev->ev_queued) {
		ev->ev_queued = 1;
		STAILQ_INSERT_TAIL(&evq->evq_list, ev, ev_next);
	}
	mbp_lock_exit(&os_lock);
}

struct os_event *
os_eventq_get_no_wait(struct os_eventq *evq)
{
	struct os_event *ev;

	mbp_lock_enter(&os_lock);
	if ((ev = STAILQ_FIRST(&evq->evq_list)) != NULL) {
		STAILQ_REMOVE_HEAD(&evq->evq_list, ev_next);
		ev->ev_queued = 0;
	}
	mbp_lock_exit(&os_lock);
	return (ev);
}

int
os_mqueue_init(struct os_mqueue *mq, os_event_fn *ev_cb, void *arg)
{
	STAILQ_INIT(&mq->mq_head);
	memset(&mq->mq_ev, 0, sizeof(mq->mq_ev));
	mq->mq_ev.ev_cb = ev_cb;
	mq->mq_ev.ev_arg = arg;
	return (OS_OK);
}

/* The oldest packet, its omp_next (the native rcvif) cleared. */
struct os_mbuf *
os_mqueue_get(struct os_mqueue *mq)
{
	struct os_mbuf_pkthdr *hdr;

	mbp_lock_enter(&os_lock);
	if ((hdr = STAILQ_FIRST(&mq->mq_head)) != NULL) {
		STAILQ_REMOVE_HEAD(&mq->mq_head, omp_next);
		STAILQ_NEXT(hdr, omp_next) = NULL;
	}
	mbp_lock_exit(&os_lock);
	return (hdr != NULL ? OS_MBUF_PKTHDR_TO_MBUF(hdr) : NULL);
}

/* Only a packet (a header mbuf) goes on a queue: OS_EINVAL otherwise. */
int
os_mqueue_put(struct os_mqueue *mq, struct os_eventq *evq,
    struct os_mbuf *om)
{
	struct mbuf *m = os_mbuf_tom(om);

	if (m == NULL || (m->m_flags & M_PKTHDR) == 0)
		return (OS_EINVAL);
	mbp_lock_enter(&os_lock);
	STAILQ_INSERT_TAIL(&mq->mq_head, OS_MBUF_PKTHDR(om), omp_next);
	mbp_lock_exit(&os_lock);
	if (evq != NULL)
		os_eventq_put(evq, &mq->mq_ev);
	return (OS_OK);
}

/* ---- msys ------------------------------------------------------------ */

static STAILQ_HEAD(, os_mbuf_pool) os_msys_pools =
    STAILQ_HEAD_INITIALIZER(os_msys_pools);

int
os_msys_register(struct os_mbuf_pool *omp)
{
	struct os_mbuf_pool *p, **pp;

	if (omp == NULL || omp->omp_pool == NULL)
		return (OS_INVALID_PARM);
	mbp_lock_enter(&os_lock);
	STAILQ_FOREACH(p, &os_msys_pools, omp_next) {
		if (p == omp) {
			mbp_lock_exit(&os_lock);
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
	mbp_lock_exit(&os_lock);
	return (OS_OK);
}

void
os_msys_reset(void)
{
	mbp_lock_enter(&os_lock);
	STAILQ_INIT(&os_msys_pools);
	mbp_lock_exit(&os_lock);
}

/* The smallest pool holding dsize bytes, else the largest; or NULL. */
static struct os_mbuf_pool *
os_msys_find(int dsize)
{
	struct os_mbuf_pool *p, *last = NULL;

	mbp_lock_enter(&os_lock);
	STAILQ_FOREACH(p, &os_msys_pools, omp_next) {
		last = p;
		if (dsize <= p->omp_databuf_len)
			break;
	}
	mbp_lock_exit(&os_lock);
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

	/* The pool must hold the headers too (Mynewt's rule). */
	if (user_hdr_len > M_MAXUHLEN || (omp = os_msys_find(dsize +
	    sizeof(struct os_mbuf_pkthdr) + user_hdr_len)) == NULL)
		return (NULL);
	return (os_mbuf_get_pkthdr(omp, user_hdr_len));
}

int
os_msys_count(void)
{
	struct os_mbuf_pool *p;
	int n = 0;

	mbp_lock_enter(&os_lock);
	STAILQ_FOREACH(p, &os_msys_pools, omp_next)
		n += p->omp_pool->mp_num_blocks;
	mbp_lock_exit(&os_lock);
	return (n);
}

int
os_msys_num_free(void)
{
	struct os_mbuf_pool *p;
	int n = 0;

	mbp_lock_enter(&os_lock);
	STAILQ_FOREACH(p, &os_msys_pools, omp_next)
		n += p->omp_pool->mp_num_free;
	mbp_lock_exit(&os_lock);
	return (n);
}

/* netstat -m: the registered os_msys pools, smallest first. */
void
os_msys_print(void)
{
	struct os_mbuf_pool *p;
	struct os_mempool *mp;

	mbp_lock_enter(&os_lock);
	if (STAILQ_EMPTY(&os_msys_pools)) {
		mbp_lock_exit(&os_lock);
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
	mbp_lock_exit(&os_lock);
}
