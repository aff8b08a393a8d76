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

/* Return codes, with Mynewt's values. */
enum os_error {
	OS_OK = 0,
	OS_ENOMEM = 1,
	OS_EINVAL = 2,
	OS_INVALID_PARM = 3,
	OS_MEM_NOT_ALIGNED = 4,
};
typedef enum os_error os_error_t;

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

struct os_mempool {
	uint32_t	 mp_block_size;		/* aligned block size */
	uint16_t	 mp_num_blocks;
	uint16_t	 mp_num_free;
	uint16_t	 mp_min_free;		/* low-water mark */
	uintptr_t	 mp_membuf_addr;	/* first block */
	SLIST_HEAD(os_memblock_list, os_memblock) mp_head;	/* free */
	const char	*name;
};

int	os_mempool_init(struct os_mempool *, uint16_t, uint32_t, void *,
	    const char *);
void	*os_memblock_get(struct os_mempool *);
int	os_memblock_put(struct os_mempool *, void *);
/* Blocks out of every pool (for a leak check). */
long	os_mempool_nout(void);

/* mbuf pools. */
struct os_mbuf_pool {
	uint16_t	 omp_databuf_len;	/* data bytes per mbuf */
	uint16_t	 omp_mbuf_count;	/* mbufs when all are free */
	struct os_mempool *omp_pool;		/* where the blocks are */
	STAILQ_ENTRY(os_mbuf_pool) omp_next;	/* on the os_msys table */
};

/*
 * Mynewt's packet header, kept for the block-size formula
 * (sizeof(struct os_mbuf_pkthdr)); the native struct pkthdr is what a
 * packet header mbuf really carries.
 */
struct os_mbuf_pkthdr {
	uint16_t	 omp_len;
	uint16_t	 omp_flags;
	STAILQ_ENTRY(os_mbuf_pkthdr) omp_next;
};

/* The os_mbuf is the native mbuf; Mynewt's field names map onto it. */
#define os_mbuf		mbuf
#define om_data		m_data
#define om_len		m_len

int	os_mbuf_pool_init(struct os_mbuf_pool *, struct os_mempool *,
	    uint16_t, uint16_t);
struct os_mbuf *os_mbuf_get(struct os_mbuf_pool *, uint16_t);
struct os_mbuf *os_mbuf_get_pkthdr(struct os_mbuf_pool *, uint8_t);
int	os_mbuf_append(struct os_mbuf *, const void *, uint16_t);
int	os_mbuf_copyinto(struct os_mbuf *, int, const void *, int);
int	os_mbuf_copydata(const struct os_mbuf *, int, int, void *);
struct os_mbuf *os_mbuf_pullup(struct os_mbuf *, uint16_t);
int	os_mbuf_free(struct os_mbuf *);
int	os_mbuf_free_chain(struct os_mbuf *);
struct os_mbuf_pool *os_mbuf_omp(const struct os_mbuf *);
int	os_mbuf_pkthdr_len(const struct os_mbuf *);

/* Accessors (Mynewt's macros); each is a function underneath. */
#define OS_MBUF_DATA(om, type)		((type)(void *)(om)->m_data)
#define OS_MBUF_PKTHDR(om)		(&(om)->m_pkthdr)
#define OS_MBUF_PKTLEN(om)		((om)->m_pkthdr.len)
#define OS_MBUF_IS_PKTHDR(om)		(os_mbuf_pkthdr_len(om) != 0)
#define OS_MBUF_USRHDR(om)		M_UHDR(om)
#define OS_MBUF_USRHDR_LEN(om)		((om)->m_pkthdr.ph_uhlen)
#define OS_MBUF_LEADINGSPACE(om)	m_leadingspace(om)
#define OS_MBUF_TRAILINGSPACE(om)	m_trailingspace(om)

/* System mbuf pools. */
int	os_msys_register(struct os_mbuf_pool *);
struct os_mbuf *os_msys_get(uint16_t, uint16_t);
struct os_mbuf *os_msys_get_pkthdr(uint16_t, uint16_t);
void	os_msys_reset(void);
int	os_msys_count(void);
int	os_msys_num_free(void);
void	os_msys_print(void);

#endif /* !_SYS_OS_MBUF_H_ */
