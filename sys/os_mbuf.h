/*
 * sys/os_mbuf.h: the Apache Mynewt mbuf interface (os_mempool, os_mbuf,
 * os_msys) as a thin layer on the native mbufs, see os_mbuf(9).
 *
 * An os_mbuf is a native struct mbuf: a chain built through this
 * interface is an ordinary mbuf chain and every mbuf(9) call works on
 * it, and the os_mbuf calls accept native chains.  A memory pool
 * (struct os_mempool) is a free list of fixed-size blocks carved from a
 * caller's memory; an mbuf pool (struct os_mbuf_pool) hands out mbufs
 * whose external storage is one such block, attached with m_extadd(9),
 * so a pool of N blocks gives at most N mbufs and the N+1st allocation
 * fails.  The mbuf header itself comes from the mbuf pipe, and the
 * packet header and user header live in that header (M_UHDR), not in the
 * block: every mbuf of a pool holds omp_databuf_len data bytes.
 *
 * os_msys keeps its own table of registered mbuf pools sorted by data
 * buffer length and chooses as msys(9) does: the smallest pool that
 * holds the request, the largest when none does, no fallback to another
 * pool when the chosen one is empty, no chaining.
 *
 * Invariants: a block is either on its pool's free list or the storage
 * of exactly one mbuf (shared by m_copym copies, freed once); mp_num_free
 * is the length of the free list; a pool's blocks lie inside the memory
 * given to os_mempool_init, on block boundaries.
 */
#ifndef _SYS_OS_MBUF_H_
#define _SYS_OS_MBUF_H_

#include <sys/mbuf_port.h>
#include <sys/queue.h>
#include <sys/mbuf.h>

/* Return codes, with Mynewt's values (os_error_t and sys/defs/error.h). */
enum os_error {
	OS_OK = 0,
	OS_ENOMEM = 1,
	OS_EINVAL = 2,
	OS_INVALID_PARM = 3,
	OS_MEM_NOT_ALIGNED = 4,
};
typedef enum os_error os_error_t;
#define SYS_EOK		0
#define SYS_ENOMEM	(-1)
#define SYS_EINVAL	(-2)

/* Memory pools: the caller's memory, in os_membuf_t units. */
#define OS_ALIGNMENT	8
typedef uint64_t os_membuf_t;
#define OS_ALIGN(x, a)	(((x) + ((a) - 1)) & ~((a) - 1))
#define OS_MEMPOOL_SIZE(n, blksize)					\
	((((blksize) + (OS_ALIGNMENT - 1)) / OS_ALIGNMENT) * (n))
#define OS_MEMPOOL_BYTES(n, blksize)					\
	(sizeof(os_membuf_t) * OS_MEMPOOL_SIZE((n), (blksize)))

struct os_memblock {
	SLIST_ENTRY(os_memblock) mb_next;	/* while free */
};

/*
 * The free list head is an anonymous member, as in Mynewt: SLIST_FIRST(mp)
 * is the first free block.
 */
struct os_mempool {
	uint32_t	 mp_block_size;		/* aligned block size */
	uint16_t	 mp_num_blocks;
	uint16_t	 mp_num_free;
	uint16_t	 mp_min_free;		/* low-water mark */
	uint8_t		 mp_flags;		/* OS_MEMPOOL_F_* */
	uintptr_t	 mp_membuf_addr;	/* first block */
	STAILQ_ENTRY(os_mempool) mp_list;	/* every registered pool */
	SLIST_HEAD(, os_memblock);		/* free blocks */
	const char	*name;
};
#define OS_MEMPOOL_F_EXT	0x01	/* an os_mempool_ext */
#define OS_MEMPOOL_F_LISTED	0x80	/* on the list (info_get_next) */

/* A pool whose puts may go through a callback first. */
struct os_mempool_ext;
typedef os_error_t os_mempool_put_fn(struct os_mempool_ext *, void *,
    void *);
struct os_mempool_ext {
	struct os_mempool	 mpe_mp;
	os_mempool_put_fn	*mpe_put_cb;
	void			*mpe_put_arg;
};

#define OS_MEMPOOL_INFO_NAME_LEN	32
struct os_mempool_info {
	int	omi_block_size;
	int	omi_num_blocks;
	int	omi_num_free;
	int	omi_min_free;
	char	omi_name[OS_MEMPOOL_INFO_NAME_LEN];
};

int	os_mempool_init(struct os_mempool *, uint16_t, uint32_t, void *,
	    const char *);
int	os_mempool_ext_init(struct os_mempool_ext *, uint16_t, uint32_t,
	    void *, const char *);
int	os_mempool_unregister(struct os_mempool *);
int	os_mempool_clear(struct os_mempool *);
bool	os_mempool_is_sane(const struct os_mempool *);
int	os_memblock_from(const struct os_mempool *, const void *);
void	*os_memblock_get(struct os_mempool *);
int	os_memblock_put(struct os_mempool *, void *);
int	os_memblock_put_from_cb(struct os_mempool *, void *);
struct os_mempool *os_mempool_info_get_next(struct os_mempool *,
	    struct os_mempool_info *);
/* Blocks out of every registered pool (for a leak check). */
long	os_mempool_nout(void);

/* mbuf pools. */
struct os_mbuf_pool {
	uint16_t	 omp_databuf_len;	/* data bytes per mbuf */
	uint16_t	 omp_mbuf_count;	/* mbufs when all are free */
	struct os_mempool *omp_pool;		/* where the blocks are */
	STAILQ_ENTRY(os_mbuf_pool) omp_next;	/* on the os_msys table */
};

/*
 * Mynewt's packet header is the native one (struct pkthdr) under
 * Mynewt's names: omp_len is the low 16 bits of the packet length,
 * omp_flags the user's flags (ph_uflags), omp_next (Mynewt's packet
 * queues) lies over rcvif.  It opens a packet header mbuf's data buffer.
 */
struct os_mbuf_pkthdr {
	union {
		struct pkthdr	 omp_native;	/* the native view */
		struct {
			STAILQ_ENTRY(os_mbuf_pkthdr) omp_next;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			uint16_t	 omp_len;
			uint16_t	 omp_lenhi;
#else
			uint16_t	 omp_lenhi;
			uint16_t	 omp_len;
#endif
			int		 omp_csum_flags;
			uint32_t	 omp_csum_data;
			uint8_t		 omp_uhlen;
			uint8_t		 omp_nregions;
			uint16_t	 omp_flags;
		};
	};
};
CTASSERT(sizeof(struct os_mbuf_pkthdr) == sizeof(struct pkthdr));
CTASSERT(offsetof(struct os_mbuf_pkthdr, omp_len) ==
    offsetof(struct pkthdr, len) + (__BYTE_ORDER__ ==
    __ORDER_LITTLE_ENDIAN__ ? 0 : 2));
CTASSERT(offsetof(struct os_mbuf_pkthdr, omp_flags) ==
    offsetof(struct pkthdr, ph_uflags));

/*
 * Mynewt's mbuf is the native mbuf's header under Mynewt's names, with
 * the block's data buffer after it (om_databuf).  om_len is the low 16
 * bits of m_len (an os_mbuf pool's mbuf never holds more than 65535
 * bytes); om_flags and om_pkthdr_len are the header's mh_uflags and
 * mh_pkthdr_len; om_omp is the pool whose block the mbuf is (NULL for
 * an MSIZE mbuf); m_hdr is the native view of the same bytes.
 * sizeof(struct os_mbuf) is the header alone, as in Mynewt.
 */
struct os_mbuf {
	union {
		struct m_hdr	 m_hdr;		/* the native view */
		struct {
			SLIST_ENTRY(os_mbuf) om_next;
			struct os_mbuf	*om_nextpkt;
			uint8_t		*om_data;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			uint16_t	 om_len;
			uint16_t	 om_lenhi;
#else
			uint16_t	 om_lenhi;
			uint16_t	 om_len;
#endif
			short		 om_type;
			u_short		 om_mflags;
			struct os_mbuf_pool *om_omp;
			uint16_t	 om_dlen;
			uint8_t		 om_flags;
			uint8_t		 om_pkthdr_len;
		};
	};
	uint8_t		 om_databuf[0];
};
CTASSERT(sizeof(struct os_mbuf) == sizeof(struct m_hdr));
CTASSERT(offsetof(struct os_mbuf, om_databuf) == offsetof(struct mbuf,
    m_dat));
CTASSERT(offsetof(struct os_mbuf, om_data) == offsetof(struct m_hdr,
    mh_data));
CTASSERT(offsetof(struct os_mbuf, om_len) == offsetof(struct m_hdr,
    mh_len) + (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 0 : 2));
CTASSERT(offsetof(struct os_mbuf, om_omp) == offsetof(struct m_hdr,
    mh_omp));
CTASSERT(offsetof(struct os_mbuf, om_flags) == offsetof(struct m_hdr,
    mh_uflags));
CTASSERT(offsetof(struct os_mbuf, om_pkthdr_len) ==
    offsetof(struct m_hdr, mh_pkthdr_len));

/* The two views of one mbuf. */
static inline struct mbuf *
os_mbuf_tom(const struct os_mbuf *om)
{
	return ((struct mbuf *)(uintptr_t)om);
}

static inline struct os_mbuf *
os_mbuf_fromm(const struct mbuf *m)
{
	return ((struct os_mbuf *)(uintptr_t)m);
}

int	os_mbuf_pool_init(struct os_mbuf_pool *, struct os_mempool *,
	    uint16_t, uint16_t);
struct os_mbuf *os_mbuf_get(struct os_mbuf_pool *, uint16_t);
struct os_mbuf *os_mbuf_get_pkthdr(struct os_mbuf_pool *, uint8_t);
struct os_mbuf *os_mbuf_dup(struct os_mbuf *);
struct os_mbuf *os_mbuf_off(const struct os_mbuf *, int, uint16_t *);
uint16_t os_mbuf_len(const struct os_mbuf *);
int	os_mbuf_append(struct os_mbuf *, const void *, uint16_t);
int	os_mbuf_appendfrom(struct os_mbuf *, const struct os_mbuf *,
	    uint16_t, uint16_t);
int	os_mbuf_copyinto(struct os_mbuf *, int, const void *, int);
int	os_mbuf_copydata(const struct os_mbuf *, int, int, void *);
void	os_mbuf_adj(struct os_mbuf *, int);
int	os_mbuf_cmpf(const struct os_mbuf *, int, const void *, int);
int	os_mbuf_cmpm(const struct os_mbuf *, uint16_t,
	    const struct os_mbuf *, uint16_t, uint16_t);
struct os_mbuf *os_mbuf_prepend(struct os_mbuf *, int);
struct os_mbuf *os_mbuf_prepend_pullup(struct os_mbuf *, uint16_t);
void	os_mbuf_concat(struct os_mbuf *, struct os_mbuf *);
void	*os_mbuf_extend(struct os_mbuf *, uint16_t);
struct os_mbuf *os_mbuf_pullup(struct os_mbuf *, uint16_t);
struct os_mbuf *os_mbuf_trim_front(struct os_mbuf *);
int	os_mbuf_widen(struct os_mbuf *, uint16_t, uint16_t);
struct os_mbuf *os_mbuf_pack_chains(struct os_mbuf *, struct os_mbuf *);
int	os_mbuf_free(struct os_mbuf *);
int	os_mbuf_free_chain(struct os_mbuf *);
struct os_mbuf_pool *os_mbuf_omp(const struct os_mbuf *);
int	os_mbuf_pkthdr_len(const struct os_mbuf *);

/* Accessors (Mynewt's macros, with Mynewt's geometry). */
#define OS_MBUF_F_MASK(n)		(1 << (n))
#define OS_MBUF_DATA(om, type)		((type)(void *)(om)->om_data)
#define OS_MBUF_PKTHDR(om)						\
	((struct os_mbuf_pkthdr *)(void *)&(om)->om_databuf[0])
#define OS_MBUF_PKTHDR_TO_MBUF(hdr)					\
	((struct os_mbuf *)(void *)((uint8_t *)(hdr) -			\
	    sizeof(struct os_mbuf)))
#define OS_MBUF_PKTLEN(om)		(OS_MBUF_PKTHDR(om)->omp_len)
#define OS_MBUF_IS_PKTHDR(om)		(os_mbuf_pkthdr_len(om) != 0)
#define OS_MBUF_USRHDR(om)		M_UHDR(os_mbuf_tom(om))
#define OS_MBUF_USRHDR_TO_MBUF(uh)					\
	((struct os_mbuf *)(void *)((uint8_t *)(uh) -			\
	    sizeof(struct os_mbuf_pkthdr) - sizeof(struct os_mbuf)))
#define OS_MBUF_USRHDR_LEN(om)		(OS_MBUF_PKTHDR(om)->omp_uhlen)
#define OS_MBUF_LEADINGSPACE(om)	m_leadingspace(os_mbuf_tom(om))
#define OS_MBUF_TRAILINGSPACE(om)	m_trailingspace(os_mbuf_tom(om))

/*
 * Mynewt's event and packet queues, as much of them as os_mqueue needs:
 * an event is queued on an event queue at most once at a time; a packet
 * queue is Mynewt's mq_head, packet headers linked through omp_next (so
 * a queued packet's rcvif, which omp_next lies over, is lost).
 */
struct os_event;
typedef void os_event_fn(struct os_event *);
struct os_event {
	uint8_t		 ev_queued;
	os_event_fn	*ev_cb;
	void		*ev_arg;
	STAILQ_ENTRY(os_event) ev_next;
};
struct os_eventq {
	STAILQ_HEAD(, os_event) evq_list;
};
void	os_eventq_init(struct os_eventq *);
void	os_eventq_put(struct os_eventq *, struct os_event *);
struct os_event *os_eventq_get_no_wait(struct os_eventq *);

struct os_mqueue {
	STAILQ_HEAD(, os_mbuf_pkthdr) mq_head;	/* oldest packet first */
	struct os_event	 mq_ev;		/* posted by os_mqueue_put */
};
int	os_mqueue_init(struct os_mqueue *, os_event_fn *, void *);
struct os_mbuf *os_mqueue_get(struct os_mqueue *);
int	os_mqueue_put(struct os_mqueue *, struct os_eventq *,
	    struct os_mbuf *);

/* System mbuf pools. */
int	os_msys_register(struct os_mbuf_pool *);
struct os_mbuf *os_msys_get(uint16_t, uint16_t);
struct os_mbuf *os_msys_get_pkthdr(uint16_t, uint16_t);
void	os_msys_reset(void);
int	os_msys_count(void);
int	os_msys_num_free(void);
void	os_msys_print(void);

#endif /* !_SYS_OS_MBUF_H_ */
