/*
 * uipc_osmbuf_test.c: self-tests of the Mynewt mbuf layer, os_mbuf(9),
 * suite "os_mbuf".
 *
 * The seed's pool set-up and its two usage examples run here nearly as
 * written (the three slips in the seed are fixed and marked), then its
 * msys walk-through (pools of 32, 256 and 2048 bytes), then each chain
 * call with its failure case.  The pools live in static memory, carved
 * by os_mempool_init as the caller's memory; every case gives every
 * block back (the "os_mempool blocks" leak probe checks) and puts the
 * os_msys table back to empty.
 *
 * The cases are registered with SELFTEST_FLAGS, not SELFTEST: os_mbuf
 * is a macro for mbuf, and SELFTEST's arguments are expanded on their
 * way to SELFTEST_FLAGS, which would name the suite "mbuf".
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/selftest.h>
#include "../../kern/mbuf_private.h"
#include <sys/os_mbuf.h>
#include <sys/msys.h>
#include <sys/shell.h>
#include <net/in.h>

#ifndef INT_MAX
#define INT_MAX	0x7fffffff	/* os_mbuf_cmpf: the chain ended */
#endif

/* ---- helpers ------------------------------------------------------- */

struct tpool {
	struct os_mempool	mp;
	struct os_mbuf_pool	omp;
};

/* A pool of n mbufs holding databuf data bytes each, in mem. */
static int
tpool_init(struct tpool *tp, os_membuf_t *mem, int n, int databuf,
    const char *name)
{
	int bsize = databuf + sizeof(struct os_mbuf);

	if (os_mempool_init(&tp->mp, n, bsize, mem, name) != OS_OK)
		return (-1);
	return (os_mbuf_pool_init(&tp->omp, &tp->mp, bsize, n));
}

#define TPOOL_MEM(n, databuf)						\
	OS_MEMPOOL_SIZE((n), (databuf) + sizeof(struct os_mbuf))

static int
om_count(struct os_mbuf *m)
{
	int n = 0;

	for (; m != NULL; m = SLIST_NEXT(m, om_next))
		n++;
	return (n);
}

/* Every mbuf of the chain has storage of pool omp. */
static bool
all_from(struct os_mbuf *m, struct os_mbuf_pool *omp)
{
	for (; m != NULL; m = SLIST_NEXT(m, om_next))
		if (os_mbuf_omp(m) != omp)
			return (false);
	return (true);
}

/* The chain holds exactly want[0 .. len-1]. */
static bool
holds(struct os_mbuf *m, const uint8_t *want, int len)
{
	static uint8_t buf[8192];

	if (m_length(os_mbuf_tom(m)) != len || len > (int)sizeof(buf))
		return (false);
	if (os_mbuf_copydata(m, 0, len, buf) != 0)
		return (false);
	return (memcmp(buf, want, len) == 0);
}

static void
pattern(uint8_t *p, int len, int seed)
{
	for (int i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/* ---- the seed's pool and its two examples --------------------------- */

struct user_hdr {
	uint8_t	uh_bytes[12];
};

/* The seed's sizing, as written there. */
#define MBUF_PKTHDR_OVERHEAD    sizeof(struct os_mbuf_pkthdr) + sizeof(struct user_hdr)
#define MBUF_MEMBLOCK_OVERHEAD  sizeof(struct os_mbuf) + MBUF_PKTHDR_OVERHEAD

#define MBUF_NUM_MBUFS      (32)
#define MBUF_PAYLOAD_SIZE   (64)
#define MBUF_BUF_SIZE       OS_ALIGN(MBUF_PAYLOAD_SIZE, 4)
#define MBUF_MEMBLOCK_SIZE  (MBUF_BUF_SIZE + MBUF_MEMBLOCK_OVERHEAD)
#define MBUF_MEMPOOL_SIZE   OS_MEMPOOL_SIZE(MBUF_NUM_MBUFS, MBUF_MEMBLOCK_SIZE)

static struct os_mbuf_pool g_mbuf_pool;
static struct os_mempool g_mbuf_mempool;
static os_membuf_t g_mbuf_buffer[MBUF_MEMPOOL_SIZE];

static int
create_mbuf_pool(void)
{
	int rc;

	rc = os_mempool_init(&g_mbuf_mempool, MBUF_NUM_MBUFS,
	    MBUF_MEMBLOCK_SIZE, &g_mbuf_buffer[0], "mbuf_pool");
	if (rc != 0)
		return (rc);
	rc = os_mbuf_pool_init(&g_mbuf_pool, &g_mbuf_mempool,
	    MBUF_MEMBLOCK_SIZE, MBUF_NUM_MBUFS);
	return (rc);
}

static struct os_mbuf *sent_pkt;

static void
send_pkt(struct os_mbuf *om)
{
	sent_pkt = om;
}

/*
 * The seed's example1.  Fixed: it returns int (the seed's is void but
 * returns -1), copies mydata_length bytes (the seed says len), and frees
 * the packet when the copy fails (the seed leaks it).
 */
static int
mbuf_usage_example1(uint8_t *mydata, int mydata_length)
{
	int rc;
	struct os_mbuf *om;

	/* get a packet header mbuf */
	om = os_mbuf_get_pkthdr(&g_mbuf_pool, sizeof(struct user_hdr));
	if (om) {
		/*
		 * Copy user data into mbuf; mbufs are allocated and chained
		 * when mydata_length is greater than one mbuf's payload.
		 */
		rc = os_mbuf_copyinto(om, 0, mydata, mydata_length);
		if (rc) {
			os_mbuf_free_chain(om);
			return (-1);
		}
		send_pkt(om);
		return (0);
	}
	return (-2);
}

SELFTEST_FLAGS(os_mbuf, example1, 0)
{
	/*
	 * The head's payload, one byte more, a few, all 32 mbufs'.  As in
	 * Mynewt the head's data buffer opens with the packet and user
	 * headers, so it holds MBUF_PAYLOAD_SIZE bytes and every other mbuf
	 * its whole data buffer (the buffer's size differs between LP64 and
	 * ILP32, so the lengths follow it).
	 */
	static uint8_t data[MBUF_NUM_MBUFS * (MBUF_MEMBLOCK_SIZE -
	    sizeof(struct os_mbuf)) + 1];
	int lens[5];
	int databuf, head, all, i, rc, n, lenok, pool, held;
	struct os_mbuf *om;

	ST_ASSERT_EQ(create_mbuf_pool(), 0);
	databuf = g_mbuf_pool.omp_databuf_len;
	/* Mynewt's data buffer: payload + packet header + user header. */
	ST_ASSERT_EQ(databuf, MBUF_PAYLOAD_SIZE +
	    sizeof(struct os_mbuf_pkthdr) + sizeof(struct user_hdr));
	ST_ASSERT_EQ(databuf, MBUF_MEMBLOCK_SIZE - sizeof(struct os_mbuf));
	head = MBUF_PAYLOAD_SIZE;
	all = head + (MBUF_NUM_MBUFS - 1) * databuf;
	lens[0] = 10;
	lens[1] = head;
	lens[2] = head + 1;
	lens[3] = 500;
	lens[4] = all;
	ST_ASSERT_EQ(g_mbuf_mempool.mp_num_free, MBUF_NUM_MBUFS);
	pattern(data, sizeof(data), 3);
	for (i = 0; i < (int)nitems(lens); i++) {
		sent_pkt = NULL;
		rc = mbuf_usage_example1(data, lens[i]);
		om = sent_pkt;
		if (rc != 0 || om == NULL)
			ST_FAIL("%d bytes: example1 returned %d", lens[i], rc);
		n = om_count(om);
		lenok = OS_MBUF_PKTLEN(om) == lens[i] && holds(om, data,
		    lens[i]);
		pool = all_from(om, &g_mbuf_pool);
		held = MBUF_NUM_MBUFS - g_mbuf_mempool.mp_num_free;
		os_mbuf_free_chain(om);
		ST_ASSERT(lenok);
		ST_ASSERT(pool);
		ST_ASSERT_EQ(n, 1 + howmany(MAX(lens[i] - head, 0), databuf));
		ST_ASSERT_EQ(held, n);
		ST_ASSERT_EQ(g_mbuf_mempool.mp_num_free, MBUF_NUM_MBUFS);
	}
	/* The last one took all 32: the low-water mark says so. */
	ST_ASSERT_EQ(g_mbuf_mempool.mp_min_free, 0);
	/* One byte more than 32 mbufs hold: the copy fails, nothing leaks. */
	sent_pkt = NULL;
	rc = mbuf_usage_example1(data, all + 1);
	ST_ASSERT_EQ(rc, -1);
	ST_ASSERT(sent_pkt == NULL);
	ST_ASSERT_EQ(g_mbuf_mempool.mp_num_free, MBUF_NUM_MBUFS);
}

struct my_protocol_header {
	uint16_t	prot_type;
	uint16_t	prot_length;
	uint32_t	prot_tif;
} __attribute__((packed));

#define MY_PROTOCOL_TYPE	0x88b5

/*
 * The seed's example2.  Fixed: os_mbuf_pullup takes the packet (the seed
 * passes the pool), and the data is copied from om, the head pullup
 * returned (rxpkt may have been freed by the pullup); it returns what it
 * found so the test can check it.
 */
static int
mbuf_usage_example2(struct os_mbuf *rxpkt, uint8_t *out, uint32_t *tifp)
{
	int rc;
	uint8_t packet_data[16];
	struct os_mbuf *om;
	struct my_protocol_header *phdr;
	uint16_t type, length;
	uint32_t time_in_flight;

	/* Make sure that "my_protocol_header" bytes are contiguous */
	om = os_mbuf_pullup(rxpkt, sizeof(struct my_protocol_header));
	if (!om) {
		/* Not able to pull up data into contiguous area */
		return (-1);
	}
	phdr = OS_MBUF_DATA(om, struct my_protocol_header *);
	type = ntohs(phdr->prot_type);
	length = ntohs(phdr->prot_length);
	time_in_flight = ntohl(phdr->prot_tif);
	rc = -2;
	if ((type == MY_PROTOCOL_TYPE) && (length > 0) &&
	    (time_in_flight > 0)) {
		rc = os_mbuf_copydata(om, sizeof(struct my_protocol_header),
		    16, packet_data);
		if (!rc) {
			memcpy(out, packet_data, 16);
			*tifp = time_in_flight;
		}
	}
	/* Free passed in packet (mbuf chain) since we don't need it */
	os_mbuf_free_chain(om);
	return (rc);
}

/* A received packet whose 8-byte header straddles two mbufs (3 + 5). */
static struct os_mbuf *
rx_packet(uint8_t *wire)
{
	struct os_mbuf *om;
	struct user_hdr *uh;

	wire[0] = 0x88;
	wire[1] = 0xb5;			/* type */
	wire[2] = 0;
	wire[3] = 16;			/* length */
	wire[4] = 0;
	wire[5] = 0;
	wire[6] = 0x12;
	wire[7] = 0x34;			/* time in flight */
	pattern(wire + 8, 16, 100);
	om = os_mbuf_get_pkthdr(&g_mbuf_pool, sizeof(struct user_hdr));
	if (om == NULL)
		return (NULL);
	uh = OS_MBUF_USRHDR(om);
	memset(uh->uh_bytes, 0xa5, sizeof(uh->uh_bytes));
	om->om_data += OS_MBUF_TRAILINGSPACE(om) - 3;
	if (os_mbuf_append(om, wire, 24) != 0) {
		os_mbuf_free_chain(om);
		return (NULL);
	}
	return (om);
}

SELFTEST_FLAGS(os_mbuf, example2, 0)
{
	struct os_mbuf *rx, *hold[MBUF_NUM_MBUFS];
	uint8_t wire[24], got[16];
	uint32_t tif = 0;
	u_long mbufs0 = mbstat_mbufs();
	int rc, n, i, nheld, free2;

	ST_ASSERT_EQ(create_mbuf_pool(), 0);
	rx = rx_packet(wire);
	ST_ASSERT(rx != NULL);
	ST_ASSERT_EQ(rx->om_len, 3);
	ST_ASSERT_EQ(om_count(rx), 2);
	memset(got, 0, sizeof(got));
	rc = mbuf_usage_example2(rx, got, &tif);
	ST_ASSERT_EQ(rc, 0);
	ST_ASSERT_EQ(tif, 0x1234);
	ST_ASSERT(memcmp(got, wire + 8, 16) == 0);
	ST_ASSERT_EQ(g_mbuf_mempool.mp_num_free, MBUF_NUM_MBUFS);
	ST_ASSERT_EQ(mbstat_mbufs(), mbufs0);

	/* The pullup's new head keeps the packet and user headers. */
	rx = rx_packet(wire);
	ST_ASSERT(rx != NULL);
	rx = os_mbuf_pullup(rx, sizeof(struct my_protocol_header));
	ST_ASSERT(rx != NULL);
	n = OS_MBUF_IS_PKTHDR(rx) && OS_MBUF_PKTLEN(rx) == 24 &&
	    OS_MBUF_USRHDR_LEN(rx) == sizeof(struct user_hdr) &&
	    ((uint8_t *)OS_MBUF_USRHDR(rx))[11] == 0xa5 && rx->om_len >= 8 &&
	    os_mbuf_omp(rx) == &g_mbuf_pool && holds(rx, wire, 24);
	os_mbuf_free_chain(rx);
	ST_ASSERT(n);

	/* Pool exhausted: the pullup fails and the packet is freed. */
	rx = rx_packet(wire);
	ST_ASSERT(rx != NULL);
	for (nheld = 0; nheld < MBUF_NUM_MBUFS; nheld++)
		if ((hold[nheld] = os_mbuf_get(&g_mbuf_pool, 0)) == NULL)
			break;
	rc = mbuf_usage_example2(rx, got, &tif);
	free2 = g_mbuf_mempool.mp_num_free;
	for (i = 0; i < nheld; i++)
		os_mbuf_free(hold[i]);
	ST_ASSERT_EQ(nheld, MBUF_NUM_MBUFS - 2);
	ST_ASSERT_EQ(rc, -1);
	ST_ASSERT_EQ(free2, 2);		/* the packet's two came back */
	ST_ASSERT_EQ(g_mbuf_mempool.mp_num_free, MBUF_NUM_MBUFS);
	ST_ASSERT_EQ(mbstat_mbufs(), mbufs0);
}

/* ---- the msys walk-through ------------------------------------------ */

static struct tpool p32, p256, p2048;
static os_membuf_t mem32[TPOOL_MEM(4, 32)];
static os_membuf_t mem256[TPOOL_MEM(1, 256)];
static os_membuf_t mem2048[TPOOL_MEM(2, 2048)];

SELFTEST_FLAGS(os_mbuf, msys_walkthrough, 0)
{
	struct os_mbuf *m10, *m33, *m4000, *m250, *h, *h20, *after;
	static const struct {
		int			 size;
		struct os_mbuf_pool	*want;
	} edge[] = {
		{ 1, &p32.omp }, { 32, &p32.omp }, { 256, &p256.omp },
		{ 257, &p2048.omp }, { 2048, &p2048.omp },
		{ 65535, &p2048.omp },
	};
	struct os_mbuf_pool *o10, *o33, *o4000, *oh, *eo[nitems(edge)];
	int i;
	int count, nfree, nfree2, dup, nul, t4000, one4000, uh, f32, f2048;

	ST_ASSERT_EQ(tpool_init(&p32, mem32, 4, 32, "osm32"), 0);
	ST_ASSERT_EQ(tpool_init(&p256, mem256, 1, 256, "osm256"), 0);
	ST_ASSERT_EQ(tpool_init(&p2048, mem2048, 2, 2048, "osm2048"), 0);
	os_msys_reset();
	/* out of order on purpose: the table sorts them */
	os_msys_register(&p2048.omp);
	os_msys_register(&p32.omp);
	os_msys_register(&p256.omp);
	dup = os_msys_register(&p32.omp);
	nul = os_msys_register(NULL);
	count = os_msys_count();
	nfree = os_msys_num_free();

	/* The edges: a pool holds exactly its size. */
	for (i = 0; i < (int)nitems(edge); i++) {
		m10 = os_msys_get(edge[i].size, 0);
		eo[i] = m10 ? os_mbuf_omp(m10) : NULL;
		os_mbuf_free(m10);
	}
	m10 = os_msys_get(10, 0);
	m33 = os_msys_get(33, 0);		/* takes the only 256 */
	m4000 = os_msys_get(4000, 0);
	m250 = os_msys_get(250, 0);		/* 256 is empty: NULL */
	f32 = p32.mp.mp_num_free;
	f2048 = p2048.mp.mp_num_free;
	/*
	 * A packet header request counts the headers (Mynewt's os_msys.c,
	 * os_msys_get_pkthdr: dsize + pkthdr + user header), which open
	 * the data buffer: 20 + 12 would fit the 32 pool, but with the
	 * packet header it wants the 256 pool, empty: NULL.  With the 256
	 * block back, 4 + 12 + the header is served from it.
	 */
	h20 = os_msys_get_pkthdr(20, sizeof(struct user_hdr));
	o33 = m33 ? os_mbuf_omp(m33) : NULL;
	os_mbuf_free(m33);
	m33 = NULL;
	h = os_msys_get_pkthdr(4, sizeof(struct user_hdr));
	nfree2 = os_msys_num_free();
	o10 = m10 ? os_mbuf_omp(m10) : NULL;
	o4000 = m4000 ? os_mbuf_omp(m4000) : NULL;
	oh = h ? os_mbuf_omp(h) : NULL;
	t4000 = m4000 ? OS_MBUF_TRAILINGSPACE(m4000) : -1;
	one4000 = m4000 != NULL && SLIST_NEXT(m4000, om_next) == NULL;
	uh = h != NULL ? OS_MBUF_USRHDR_LEN(h) : -1;
	os_mbuf_free(m10);
	os_mbuf_free(m33);
	os_mbuf_free(m4000);
	os_mbuf_free(m250);
	os_mbuf_free(h);
	os_msys_reset();
	after = os_msys_get(10, 0);		/* nothing registered */
	os_mbuf_free(after);

	ST_ASSERT_EQ(dup, OS_EINVAL);
	ST_ASSERT_EQ(nul, OS_INVALID_PARM);
	ST_ASSERT_EQ(count, 7);
	ST_ASSERT_EQ(nfree, 7);
	for (i = 0; i < (int)nitems(edge); i++)
		if (eo[i] != edge[i].want)
			ST_FAIL("%d bytes: pool %p, not %p", edge[i].size,
			    (void *)eo[i], (void *)edge[i].want);
	ST_ASSERT(o10 == &p32.omp);		/* 10 bytes -> 32 */
	ST_ASSERT(o33 == &p256.omp);		/* 33 -> 256 */
	ST_ASSERT(o4000 == &p2048.omp);		/* 4000 -> 2048, the largest */
	ST_ASSERT_EQ(t4000, 2048);		/* one buffer, not chained */
	ST_ASSERT(one4000);
	ST_ASSERT(m250 == NULL);		/* no fallback ... */
	ST_ASSERT_EQ(f32, 3);			/* ... though 32 had some */
	ST_ASSERT_EQ(f2048, 1);			/* ... and 2048 too */
	ST_ASSERT(h20 == NULL);			/* 20 + headers > 32 */
	ST_ASSERT(oh == &p256.omp);		/* 4 + headers > 32 */
	ST_ASSERT_EQ(uh, 12);
	ST_ASSERT_EQ(nfree2, 4);		/* m10, m4000 and h out */
	ST_ASSERT(after == NULL);
	ST_ASSERT_EQ(p32.mp.mp_num_free + p256.mp.mp_num_free +
	    p2048.mp.mp_num_free, 7);
}

/* ---- pools ---------------------------------------------------------- */

static os_membuf_t mem5[OS_MEMPOOL_SIZE(5, 20)];
static struct tpool ptiny;
/*
 * The chain tests' pool: a packet header mbuf of it holds 32 bytes (its
 * data buffer opens with the packet header, as in Mynewt), any other
 * TINY_DB.
 */
#define TINY_PH		((int)sizeof(struct os_mbuf_pkthdr))
#define TINY_DB		(TINY_PH + 32)
static os_membuf_t memtiny[TPOOL_MEM(4, TINY_DB)];

SELFTEST_FLAGS(os_mbuf, pools, 0)
{
	struct os_mempool mp;
	struct os_mbuf_pool omp;
	struct os_mbuf *m, *h;
	void *b[6];
	int i, bs = 32 + sizeof(struct os_mbuf);

	ST_ASSERT_EQ(OS_MEMPOOL_BYTES(5, 20), 5 * 24);
	ST_ASSERT_EQ(os_mempool_init(&mp, 5, 20, mem5, "five"), OS_OK);
	ST_ASSERT_EQ(mp.mp_block_size, 24);
	for (i = 0; i < 6; i++)
		b[i] = os_memblock_get(&mp);
	for (i = 0; i < 5; i++)		/* carved in order from the memory */
		ST_ASSERT(b[i] == (char *)mem5 + i * 24);
	ST_ASSERT(b[5] == NULL);	/* five blocks, no more */
	ST_ASSERT_EQ(mp.mp_num_free, 0);
	for (i = 0; i < 5; i++)
		ST_ASSERT_EQ(os_memblock_put(&mp, b[i]), OS_OK);
	ST_ASSERT_EQ(mp.mp_num_free, 5);
	ST_ASSERT_EQ(mp.mp_min_free, 0);
	/* Not a block of the pool. */
	ST_ASSERT_EQ(os_memblock_put(&mp, (char *)mem5 + 4), OS_INVALID_PARM);
	ST_ASSERT_EQ(os_memblock_put(&mp, &mp), OS_INVALID_PARM);
	ST_ASSERT_EQ(mp.mp_num_free, 5);
	/* Bad arguments. */
	ST_ASSERT_EQ(os_mempool_init(NULL, 5, 20, mem5, "x"),
	    OS_INVALID_PARM);
	ST_ASSERT_EQ(os_mempool_init(&mp, 5, 0, mem5, "x"), OS_INVALID_PARM);
	ST_ASSERT_EQ(os_mempool_init(&mp, 5, 20, NULL, "x"), OS_INVALID_PARM);
	ST_ASSERT_EQ(os_mempool_init(&mp, 4, 20, (char *)mem5 + 4, "x"),
	    OS_MEM_NOT_ALIGNED);
	/* mp is on the stack: off the list of pools before it goes. */
	ST_ASSERT_EQ(os_mempool_unregister(&mp), OS_OK);
	ST_ASSERT_EQ(os_mempool_unregister(&mp), OS_INVALID_PARM);

	ST_ASSERT_EQ(os_mempool_init(&ptiny.mp, 4, bs, memtiny, "tiny"),
	    OS_OK);
	ST_ASSERT_EQ(os_mbuf_pool_init(NULL, &ptiny.mp, bs, 4),
	    OS_INVALID_PARM);
	ST_ASSERT_EQ(os_mbuf_pool_init(&omp, &ptiny.mp,
	    sizeof(struct os_mbuf) - 1, 4), OS_EINVAL);	/* not a header */
	ST_ASSERT_EQ(os_mbuf_pool_init(&omp, &ptiny.mp, sizeof(struct os_mbuf),
	    4), OS_OK);		/* Mynewt: a header and no data is a pool */
	ST_ASSERT_EQ(omp.omp_databuf_len, 0);
	ST_ASSERT_EQ(os_mbuf_pool_init(&omp, &ptiny.mp, bs + 8, 4),
	    OS_EINVAL);		/* larger than the blocks */
	ST_ASSERT_EQ(os_mbuf_pool_init(&omp, &ptiny.mp, bs, 5), OS_EINVAL);
	ST_ASSERT_EQ(os_mbuf_pool_init(&ptiny.omp, &ptiny.mp, bs, 4), OS_OK);
	ST_ASSERT_EQ(ptiny.omp.omp_databuf_len, 32);
	ST_ASSERT_EQ(ptiny.omp.omp_mbuf_count, 4);

	/* os_mbuf_get: leading space, no packet header. */
	ST_ASSERT(os_mbuf_get(&ptiny.omp, 33) == NULL);
	m = os_mbuf_get(&ptiny.omp, 10);
	ST_ASSERT(m != NULL);
	i = OS_MBUF_LEADINGSPACE(m) == 10 && OS_MBUF_TRAILINGSPACE(m) == 22 &&
	    !OS_MBUF_IS_PKTHDR(m) && os_mbuf_pkthdr_len(m) == 0 &&
	    m->om_len == 0 && (m->om_mflags & M_POOL) &&
	    (caddr_t)m == (caddr_t)memtiny;
	os_mbuf_free(m);
	ST_ASSERT(i);
	/*
	 * os_mbuf_get_pkthdr: the packet and user headers open the data
	 * buffer (Mynewt's os_mbuf.c, os_mbuf_get_pkthdr); a pool whose
	 * buffer cannot hold them gives NULL, as Mynewt's would.
	 */
	ST_ASSERT(os_mbuf_get_pkthdr(&ptiny.omp, 0) == NULL);
	ST_ASSERT_EQ(ptiny.mp.mp_num_free, 4);
	ST_ASSERT_EQ(tpool_init(&ptiny, memtiny, 4, TINY_DB, "tiny"), 0);
	ST_ASSERT(os_mbuf_get_pkthdr(&ptiny.omp, 33) == NULL);
	h = os_mbuf_get_pkthdr(&ptiny.omp, 12);
	ST_ASSERT(h != NULL);
	i = OS_MBUF_IS_PKTHDR(h) && os_mbuf_pkthdr_len(h) == TINY_PH + 12 &&
	    h->om_pkthdr_len == TINY_PH + 12 &&
	    (void *)OS_MBUF_PKTHDR(h) == (void *)h->om_databuf &&
	    OS_MBUF_PKTHDR_TO_MBUF(OS_MBUF_PKTHDR(h)) == h &&
	    (uint8_t *)OS_MBUF_USRHDR(h) == h->om_databuf + TINY_PH &&
	    OS_MBUF_USRHDR_TO_MBUF(OS_MBUF_USRHDR(h)) == h &&
	    h->om_data == h->om_databuf + TINY_PH + 12 &&
	    OS_MBUF_USRHDR_LEN(h) == 12 &&
	    ((uint8_t *)OS_MBUF_USRHDR(h))[0] == 0 &&
	    OS_MBUF_LEADINGSPACE(h) == 0 &&
	    OS_MBUF_TRAILINGSPACE(h) == 20 && OS_MBUF_PKTLEN(h) == 0 &&
	    OS_MBUF_PKTHDR(h)->omp_uhlen == 12 && h->om_omp == &ptiny.omp;
	os_mbuf_free_chain(h);
	ST_ASSERT(i);
	ST_ASSERT_EQ(ptiny.mp.mp_num_free, 4);
}

/* ---- the chain calls, each with its failure ------------------------- */

SELFTEST_FLAGS(os_mbuf, append, 0)
{
	static uint8_t data[2400];
	struct os_mbuf *om, *m;
	int rc1, rc2, rc3, n1, n2, n3, last2, free2, len2, ok2, ok3;
	int rc5, rc6, rc7, ok7, len7;

	ST_ASSERT_EQ(tpool_init(&ptiny, memtiny, 4, TINY_DB, "tiny"), 0);
	pattern(data, sizeof(data), 1);
	om = os_mbuf_get_pkthdr(&ptiny.omp, 0);
	ST_ASSERT(om != NULL);
	rc1 = os_mbuf_append(om, data, 30);
	rc1 |= os_mbuf_append(om, data + 30, 2);	/* fills the first */
	n1 = om_count(om);
	rc1 |= os_mbuf_append(om, data + 32, 8);	/* 32 + 8 */
	n1 = n1 * 10 + om_count(om);
	/*
	 * 3 x TINY_DB more need the second mbuf's TINY_DB - 8 and three
	 * whole ones, but only two blocks are left: what fits goes in
	 * (3 x TINY_DB - 8) and OS_ENOMEM says the rest did not (Mynewt's
	 * os_mbuf.c, os_mbuf_append: "break" out of the allocation loop,
	 * then omp_len += len - remainder).
	 */
	rc2 = os_mbuf_append(om, data + 40, 3 * TINY_DB);
	n2 = om_count(om);
	last2 = SLIST_NEXT(om, om_next)->om_len;
	free2 = ptiny.mp.mp_num_free;
	len2 = OS_MBUF_PKTLEN(om);
	ok2 = holds(om, data, 32 + 3 * TINY_DB) && all_from(om, &ptiny.omp);
	rc3 = os_mbuf_append(om, data, 1);		/* pool empty */
	n3 = om_count(om);
	ok3 = holds(om, data, 32 + 3 * TINY_DB) &&
	    OS_MBUF_PKTLEN(om) == 32 + 3 * TINY_DB;
	rc5 = os_mbuf_append(om, data, 0);
	rc6 = os_mbuf_append(NULL, data, 1);
	os_mbuf_free_chain(om);
	ST_ASSERT_EQ(rc1, 0);
	ST_ASSERT_EQ(n1, 12);
	ST_ASSERT_EQ(rc2, OS_ENOMEM);
	ST_ASSERT_EQ(n2, 4);
	ST_ASSERT_EQ(last2, TINY_DB);
	ST_ASSERT_EQ(len2, 32 + 3 * TINY_DB);
	ST_ASSERT(ok2);
	ST_ASSERT_EQ(free2, 0);
	ST_ASSERT_EQ(rc3, OS_ENOMEM);
	ST_ASSERT_EQ(n3, 4);
	ST_ASSERT(ok3);
	ST_ASSERT_EQ(rc5, 0);
	ST_ASSERT_EQ(rc6, OS_EINVAL);
	ST_ASSERT_EQ(ptiny.mp.mp_num_free, 4);

	/* A native chain grows with native mbufs; short, it keeps what fit. */
	m = os_mbuf_fromm(m_gethdr(M_WAIT, MT_DATA));
	rc1 = os_mbuf_append(m, data, 300);
	mb_fail_after(0);
	rc7 = os_mbuf_append(m, data + 300, 2000);
	mb_fail_after(-1);
	len7 = OS_MBUF_PKTLEN(m);
	ok7 = len7 >= 300 && len7 < 2300 && holds(m, data, len7);
	rc2 = os_mbuf_append(m, data + len7, 2300 - len7);
	ok2 = holds(m, data, 2300) && os_mbuf_omp(m) == NULL;
	os_mbuf_free_chain(m);
	ST_ASSERT_EQ(rc1, 0);
	ST_ASSERT_EQ(rc7, OS_ENOMEM);
	ST_ASSERT(ok7);
	ST_ASSERT_EQ(rc2, 0);
	ST_ASSERT(ok2);
}

SELFTEST_FLAGS(os_mbuf, copyinto, 0)
{
	uint8_t model[32 + 3 * TINY_DB], x[3 * TINY_DB];
	uint8_t snap[32 + 3 * TINY_DB];
	struct os_mbuf *om, *om2, *c;
	int rc[8], n, ok1, ok2, ok3, ok4, fr, full = 32 + 3 * TINY_DB;

	ST_ASSERT_EQ(tpool_init(&ptiny, memtiny, 4, TINY_DB, "tiny"), 0);
	pattern(model, sizeof(model), 5);
	pattern(x, sizeof(x), 77);
	om = os_mbuf_get_pkthdr(&ptiny.omp, 0);
	ST_ASSERT(om != NULL);
	rc[0] = os_mbuf_copyinto(om, 0, model, 40);	/* fresh: appends */
	rc[1] = os_mbuf_copyinto(om, 41, x, 5);		/* past the end: -1 */
	rc[2] = os_mbuf_copyinto(om, 40, x, 0);
	rc[3] = os_mbuf_copyinto(om, 10, x, 3);		/* overwrite */
	memcpy(model + 10, x, 3);
	rc[4] = os_mbuf_copyinto(om, 30, x + 10, 40);	/* both */
	memcpy(model + 30, x + 10, 40);
	n = om_count(om);
	ok1 = holds(om, model, 70) && OS_MBUF_PKTLEN(om) == 70 &&
	    all_from(om, &ptiny.omp);
	/*
	 * 10 overwritten + the rest new, more than the two blocks left
	 * hold: the chain fills (32 + 3 x TINY_DB bytes), OS_ENOMEM for the
	 * rest (Mynewt's os_mbuf_copyinto returns os_mbuf_append's code).
	 */
	memcpy(model + 60, x, full - 60);
	rc[5] = os_mbuf_copyinto(om, 60, x, 3 * TINY_DB);
	fr = ptiny.mp.mp_num_free;
	ok2 = holds(om, model, full) && OS_MBUF_PKTLEN(om) == full &&
	    om_count(om) == 4;
	os_mbuf_adj(om, -(full - 70));		/* back to 70 bytes */
	memcpy(snap, model, 70);
	ok2 = ok2 && holds(om, snap, 70) && om_count(om) == 2 &&
	    ptiny.mp.mp_num_free == 2;
	/*
	 * A pool mbuf's data is its own block, never shared: m_copym(9)
	 * copies it, and writing the original leaves the copy alone.
	 */
	c = os_mbuf_fromm(m_copym(os_mbuf_tom(om), 0, M_COPYALL, M_WAIT));
	rc[6] = os_mbuf_copyinto(om, 0, x, 4);
	memcpy(model, x, 4);
	ok3 = holds(om, model, 70) && holds(c, snap, 70);
	os_mbuf_free_chain(c);
	/* Shared native storage is read-only: refused, nothing written. */
	c = os_mbuf_fromm(m_getcl(M_WAIT, MT_DATA, M_PKTHDR));
	os_mbuf_append(c, snap, 70);
	om2 = os_mbuf_fromm(m_copym(os_mbuf_tom(c), 0, M_COPYALL, M_WAIT));
	rc[7] = os_mbuf_copyinto(om2, 0, x, 4);
	ok4 = holds(om2, snap, 70) && holds(c, snap, 70);
	os_mbuf_free_chain(om2);
	os_mbuf_free_chain(c);
	os_mbuf_free_chain(om);
	ST_ASSERT_EQ(rc[0], 0);
	ST_ASSERT_EQ(rc[1], -1);
	ST_ASSERT_EQ(rc[2], 0);
	ST_ASSERT_EQ(rc[3], 0);
	ST_ASSERT_EQ(rc[4], 0);
	ST_ASSERT_EQ(n, 2);			/* 32 + 38 */
	ST_ASSERT(ok1);
	ST_ASSERT_EQ(rc[5], OS_ENOMEM);
	ST_ASSERT_EQ(fr, 0);
	ST_ASSERT(ok2);
	ST_ASSERT_EQ(rc[6], 0);
	ST_ASSERT(ok3);
	ST_ASSERT_EQ(rc[7], OS_EINVAL);
	ST_ASSERT(ok4);
	ST_ASSERT_EQ(os_mbuf_copyinto(NULL, 0, x, 1), -1);
	ST_ASSERT_EQ(ptiny.mp.mp_num_free, 4);
}

SELFTEST_FLAGS(os_mbuf, copydata, 0)
{
	uint8_t model[70], buf[80], sentinel[80];
	struct os_mbuf *om, *nat;
	int rc[6], ok1, ok2, ok3;

	ST_ASSERT_EQ(tpool_init(&ptiny, memtiny, 4, TINY_DB, "tiny"), 0);
	pattern(model, sizeof(model), 9);
	om = os_mbuf_get_pkthdr(&ptiny.omp, 0);
	ST_ASSERT(om != NULL);
	ST_ASSERT_EQ(os_mbuf_append(om, model, 70), 0);	/* 32+32+6 */
	rc[0] = os_mbuf_copydata(om, 5, 60, buf);	/* across all three */
	ok1 = memcmp(buf, model + 5, 60) == 0;
	memset(buf, 0xee, sizeof(buf));
	memset(sentinel, 0xee, sizeof(sentinel));
	rc[1] = os_mbuf_copydata(om, 60, 11, buf);	/* one short */
	rc[2] = os_mbuf_copydata(om, -1, 2, buf);
	rc[3] = os_mbuf_copydata(om, 70, 0, buf);
	rc[4] = os_mbuf_copydata(NULL, 0, 1, buf);
	ok2 = memcmp(buf, sentinel, sizeof(buf)) == 0;	/* untouched */
	/* A native chain reads the same way. */
	nat = os_mbuf_fromm(m_gethdr(M_WAIT, MT_DATA));
	m_copyback(os_mbuf_tom(nat), 0, 70, model, M_WAIT);
	rc[5] = os_mbuf_copydata(nat, 0, 70, buf);
	ok3 = memcmp(buf, model, 70) == 0;
	os_mbuf_free_chain(nat);
	os_mbuf_free_chain(om);
	ST_ASSERT_EQ(rc[0], 0);
	ST_ASSERT(ok1);
	ST_ASSERT_EQ(rc[1], -1);
	ST_ASSERT_EQ(rc[2], -1);
	ST_ASSERT_EQ(rc[3], 0);
	ST_ASSERT_EQ(rc[4], -1);
	ST_ASSERT(ok2);
	ST_ASSERT_EQ(rc[5], 0);
	ST_ASSERT(ok3);
}

/* Head with 3 bytes and no room, then 17 bytes: a pullup needs a block. */
static struct os_mbuf *
split_packet(const uint8_t *data)
{
	struct os_mbuf *om;

	if ((om = os_mbuf_get_pkthdr(&ptiny.omp, 4)) == NULL)
		return (NULL);
	om->om_data += OS_MBUF_TRAILINGSPACE(om) - 3;
	if (os_mbuf_append(om, data, 20) != 0) {
		os_mbuf_free_chain(om);
		return (NULL);
	}
	return (om);
}

SELFTEST_FLAGS(os_mbuf, pullup, 0)
{
	uint8_t data[100];
	struct os_mbuf *om, *n, *r, *hold[4];
	u_long mbufs0 = mbstat_mbufs();
	int ok[6], fr[4], i, nheld;

	ST_ASSERT_EQ(tpool_init(&ptiny, memtiny, 4, TINY_DB, "tiny"), 0);
	pattern(data, sizeof(data), 11);

	/* Already contiguous: the same mbuf, nothing taken. */
	om = os_mbuf_get_pkthdr(&ptiny.omp, 0);
	ST_ASSERT(om != NULL);
	os_mbuf_append(om, data, 20);
	r = os_mbuf_pullup(om, 10);
	ok[0] = r == om && ptiny.mp.mp_num_free == 3;
	os_mbuf_free_chain(r);

	/* Room in the first mbuf: pulled there. */
	om = os_mbuf_get_pkthdr(&ptiny.omp, 0);
	n = os_mbuf_get(&ptiny.omp, 0);
	ST_ASSERT(om != NULL && n != NULL);
	os_mbuf_append(om, data, 10);
	os_mbuf_append(n, data + 10, 20);
	SLIST_NEXT(om, om_next) = n;
	OS_MBUF_PKTLEN(om) = 30;
	r = os_mbuf_pullup(om, 25);
	ok[1] = r == om && r->om_len == 25 && SLIST_NEXT(r, om_next) == n &&
	    n->om_len == 5 && holds(r, data, 30) &&
	    ptiny.mp.mp_num_free == 2;
	os_mbuf_free_chain(r);

	/* No room: a new head from the same pool, headers moved. */
	om = split_packet(data);
	ST_ASSERT(om != NULL);
	memset(OS_MBUF_USRHDR(om), 0x5a, 4);
	r = os_mbuf_pullup(om, 8);
	ok[2] = r != NULL && r != om && os_mbuf_omp(r) == &ptiny.omp &&
	    r->om_len == 8 && OS_MBUF_PKTLEN(r) == 20 &&
	    OS_MBUF_USRHDR_LEN(r) == 4 &&
	    ((uint8_t *)OS_MBUF_USRHDR(r))[3] == 0x5a && holds(r, data, 20);
	os_mbuf_free_chain(r);

	/* Failure, pool exhausted: NULL, and the chain is freed. */
	om = split_packet(data);
	ST_ASSERT(om != NULL);
	for (nheld = 0; nheld < 4; nheld++)
		if ((hold[nheld] = os_mbuf_get(&ptiny.omp, 0)) == NULL)
			break;
	fr[0] = ptiny.mp.mp_num_free;
	r = os_mbuf_pullup(om, 8);
	fr[1] = ptiny.mp.mp_num_free;
	fr[2] = (int)(mbstat_mbufs() - mbufs0);
	for (i = 0; i < nheld; i++)
		os_mbuf_free(hold[i]);
	/* (a pool's mbufs are its blocks: mbstat counts no native one) */
	ok[3] = r == NULL && nheld == 2 && fr[0] == 0 && fr[1] == 2 &&
	    fr[2] == 0;

	/* Failure, longer than one block: NULL, chain freed. */
	om = os_mbuf_get_pkthdr(&ptiny.omp, 0);
	ST_ASSERT(om != NULL);
	os_mbuf_append(om, data, 70);
	r = os_mbuf_pullup(om, 40);
	fr[3] = ptiny.mp.mp_num_free;
	ok[4] = r == NULL && fr[3] == 4;

	/* A native chain goes through m_pullup. */
	om = os_mbuf_fromm(m_gethdr(M_WAIT, MT_DATA));
	n = os_mbuf_fromm(m_get(M_WAIT, MT_DATA));
	memcpy(mtod(om, char *), data, 5);
	om->m_len = 5;
	memcpy(mtod(n, char *), data + 5, 30);
	n->m_len = 30;
	SLIST_NEXT(om, om_next) = n;
	OS_MBUF_PKTLEN(om) = 35;
	r = os_mbuf_pullup(om, 20);
	ok[5] = r != NULL && r->m_len >= 20 && holds(r, data, 35);
	os_mbuf_free_chain(r);

	for (i = 0; i < (int)nitems(ok); i++)
		if (!ok[i])
			ST_FAIL("pullup case %d", i);
	ST_ASSERT_EQ(ptiny.mp.mp_num_free, 4);
	ST_ASSERT_EQ(mbstat_mbufs(), mbufs0);
}

SELFTEST_FLAGS(os_mbuf, free_chain, 0)
{
	struct panic_catch pc;
	uint8_t data[40];
	struct os_mbuf *om, *c, *n;
	struct mbuf *nm;
	char name[32];
	void *b;
	int fr[3], ok1, ok2;

	ST_ASSERT_EQ(tpool_init(&ptiny, memtiny, 4, TINY_DB, "tiny"), 0);
	pattern(data, sizeof(data), 13);
	/* Mixed: a native header mbuf prepended, a shared copy. */
	om = os_mbuf_get_pkthdr(&ptiny.omp, 0);
	ST_ASSERT(om != NULL);
	os_mbuf_append(om, data + 20, 20);
	nm = os_mbuf_tom(om);
	M_PREPEND(nm, 20, M_WAIT);
	m_copyback(nm, 0, 20, data, M_WAIT);
	om = os_mbuf_fromm(nm);
	ok1 = om != NULL && os_mbuf_omp(om) == NULL && holds(om, data, 40) &&
	    OS_MBUF_PKTLEN(om) == 40 && in_cksum(nm, 40) ==
	    in_cksum_flat(data, 40);
	/* More mbufs come as the head's are (Mynewt: om->om_omp): native. */
	os_mbuf_append(om, data, 30);
	c = os_mbuf_fromm(m_copym(nm, 0, M_COPYALL, M_WAIT));
	fr[0] = ptiny.mp.mp_num_free;
	ST_ASSERT_EQ(os_mbuf_free_chain(om), 0);
	fr[1] = ptiny.mp.mp_num_free;		/* c copied the block's data */
	ST_ASSERT_EQ(os_mbuf_free_chain(c), 0);
	fr[2] = ptiny.mp.mp_num_free;
	ST_ASSERT(ok1);
	ST_ASSERT_EQ(fr[0], 3);
	ST_ASSERT_EQ(fr[1], 4);
	ST_ASSERT_EQ(fr[2], 4);
	ST_ASSERT_EQ(os_mbuf_free_chain(NULL), 0);
	ST_ASSERT_EQ(os_mbuf_free(NULL), 0);

	/* Failure: freeing twice panics and gives nothing back twice. */
#ifndef DIAGNOSTIC
	return;		/* the double-free checks are DIAGNOSTIC's */
#endif
	n = os_mbuf_get(&ptiny.omp, 0);
	ST_ASSERT(n != NULL);
	snprintf(name, sizeof(name), "%p", (void *)n);
	os_mbuf_free_chain(n);
	if (PANIC_TRY(&pc)) {
		os_mbuf_free_chain(n);
		panic_catch_pop(&pc);
		ST_FAIL("double os_mbuf_free_chain did not panic");
	}
	ok1 = strstr(pc.pc_msg, "double free") != NULL &&
	    strstr(pc.pc_msg, name) != NULL;
	b = os_memblock_get(&ptiny.mp);
	os_memblock_put(&ptiny.mp, b);
	if (PANIC_TRY(&pc)) {
		os_memblock_put(&ptiny.mp, b);
		panic_catch_pop(&pc);
		ST_FAIL("double os_memblock_put did not panic");
	}
	ok2 = strstr(pc.pc_msg, "already free") != NULL;
	ST_ASSERT(ok1);
	ST_ASSERT(ok2);
	ST_ASSERT_EQ(ptiny.mp.mp_num_free, 4);
}

/* netstat -m lists the registered os_msys pools with their counts. */
SELFTEST_FLAGS(os_mbuf, netstat, 0)	/* os_mbuf is a macro */
{
	static struct tpool pa, pb;
	static os_membuf_t mema[TPOOL_MEM(4, 32)], memb[TPOOL_MEM(2, 512)];
	static char out[16384];	/* a row per msys class too */
	char line[32], want[80];
	struct os_mbuf *m;
	size_t n;
	int rc;

	ST_ASSERT_EQ(tpool_init(&pa, mema, 4, 32, "osnet32"), 0);
	ST_ASSERT_EQ(tpool_init(&pb, memb, 2, 512, "osnet512"), 0);
	os_msys_reset();
	os_msys_register(&pb.omp);
	os_msys_register(&pa.omp);
	m = os_msys_get(20, 0);			/* one block of osnet32 */
	strlcpy(line, "netstat -m -v", sizeof(line));
	cons_capture_start(out, sizeof(out));
	rc = shell_exec(line);
	n = cons_capture_stop();
	os_mbuf_free(m);
	os_msys_reset();
	ST_ASSERT(m != NULL);
	ST_ASSERT_EQ(rc, 0);
	ST_ASSERT(n > 0 && n < sizeof(out) - 1);
	ST_ASSERT(strstr(out, "os_msys  pool") != NULL);
	snprintf(want, sizeof(want), "\n%-8u %-12s %6u %6u %6u %6u\n", 32,
	    "osnet32", (u_int)pa.mp.mp_block_size, 4, 3, 3);
	ST_ASSERT(strstr(out, want) != NULL);
	snprintf(want, sizeof(want), "\n%-8u %-12s %6u %6u %6u %6u\n", 512,
	    "osnet512", (u_int)pb.mp.mp_block_size, 2, 2, 2);
	ST_ASSERT(strstr(out, want) != NULL);
	/* smallest first */
	ST_ASSERT(strstr(out, "osnet32") < strstr(out, "osnet512"));
}


/* ---- the rest of Mynewt's chain calls (os_mbuf.c), each failing too --- */

/* A packet of pool mbufs: len bytes of data, lead bytes before them. */
static struct os_mbuf *
tpacket(struct tpool *tp, const uint8_t *data, int len, int lead)
{
	struct os_mbuf *om;

	if ((om = os_mbuf_get_pkthdr(&tp->omp, 0)) == NULL)
		return (NULL);
	om->om_data += lead;
	if (os_mbuf_append(om, data, len) != 0) {
		os_mbuf_free_chain(om);
		return (NULL);
	}
	return (om);
}

static struct tpool pbig;
static os_membuf_t membig[TPOOL_MEM(4, 128)];

SELFTEST_FLAGS(os_mbuf, off_len_dup, 0)
{
	uint8_t data[80];
	struct os_mbuf *om, *d, *hold[4];
	uint16_t o[4];
	struct os_mbuf *r[4];
	int ok1, ok2, ok3, i, n, fr;

	ST_ASSERT_EQ(tpool_init(&ptiny, memtiny, 4, TINY_DB, "tiny"), 0);
	ST_ASSERT_EQ(tpool_init(&pbig, membig, 4, 128, "big"), 0);
	pattern(data, sizeof(data), 3);
	om = tpacket(&ptiny, data, 40, 0);		/* 32 + 8 */
	ST_ASSERT(om != NULL);
	r[0] = os_mbuf_off(om, 0, &o[0]);
	r[1] = os_mbuf_off(om, 33, &o[1]);
	r[2] = os_mbuf_off(om, 40, &o[2]);		/* the end: last mbuf */
	r[3] = os_mbuf_off(om, 41, &o[3]);
	ok1 = os_mbuf_len(om) == 40 && r[0] == om && o[0] == 0 &&
	    r[1] == SLIST_NEXT(om, om_next) && o[1] == 1 &&
	    r[2] == SLIST_NEXT(om, om_next) &&
	    o[2] == 8 && r[3] == NULL;
	/* A tail from another pool: the copy's mbufs come from each one's. */
	d = os_mbuf_get(&pbig.omp, 5);
	ST_ASSERT(d != NULL);
	os_mbuf_append(d, data + 40, 30);
	os_mbuf_concat(om, d);
	d = os_mbuf_dup(om);
	ok2 = d != NULL && holds(d, data, 70) && OS_MBUF_PKTLEN(d) == 70 &&
	    os_mbuf_omp(d) == &ptiny.omp &&
	    os_mbuf_omp(SLIST_NEXT(d, om_next)) == &ptiny.omp &&
	    os_mbuf_omp(SLIST_NEXT(SLIST_NEXT(d, om_next), om_next)) ==
	    &pbig.omp &&
	    OS_MBUF_LEADINGSPACE(SLIST_NEXT(SLIST_NEXT(d, om_next),
	    om_next)) == 5 && om_count(d) == 3;
	os_mbuf_free_chain(d);
	/* The small pool has one block left: the copy fails, takes none. */
	for (n = 0; n < 4; n++)
		if ((hold[n] = os_mbuf_get(&ptiny.omp, 0)) == NULL)
			break;
	os_mbuf_free(hold[--n]);
	d = os_mbuf_dup(om);
	fr = ptiny.mp.mp_num_free * 10 + pbig.mp.mp_num_free;
	for (i = 0; i < n; i++)
		os_mbuf_free(hold[i]);
	ok3 = d == NULL && fr == 13 && holds(om, data, 70);
	os_mbuf_free_chain(om);
	ST_ASSERT(ok1);
	ST_ASSERT(ok2);
	ST_ASSERT(ok3);
	ST_ASSERT_EQ(ptiny.mp.mp_num_free + pbig.mp.mp_num_free, 8);
}

SELFTEST_FLAGS(os_mbuf, appendfrom_adj_cmp, 0)
{
	uint8_t data[38 + TINY_DB], other[38 + TINY_DB];
	struct os_mbuf *om, *src, *b;
	int rc[3], c[6], ok1, ok2, ok3, n2, fr2, len = 38 + TINY_DB;

	ST_ASSERT_EQ(tpool_init(&ptiny, memtiny, 4, TINY_DB, "tiny"), 0);
	pattern(data, sizeof(data), 21);
	memcpy(other, data, sizeof(other));
	other[50] ^= 1;
	src = tpacket(&ptiny, data, 40, 0);
	om = os_mbuf_get_pkthdr(&ptiny.omp, 0);
	ST_ASSERT(src != NULL && om != NULL);
	rc[0] = os_mbuf_appendfrom(om, src, 28, 10);	/* straddles */
	/* One too many: the 5 there go in, then OS_EINVAL (as Mynewt). */
	rc[1] = os_mbuf_appendfrom(om, src, 35, 6);
	ok1 = OS_MBUF_PKTLEN(om) == 15 && os_mbuf_cmpf(om, 0, data + 28,
	    10) == 0 && os_mbuf_cmpf(om, 10, data + 35, 5) == 0;
	/* cmpf and cmpm: equal, a difference, past the end. */
	c[0] = os_mbuf_cmpf(src, 3, data + 3, 37);
	c[1] = os_mbuf_cmpf(src, 30, other + 30, 5);
	other[31] ^= 0x80;
	c[2] = os_mbuf_cmpf(src, 30, other + 30, 5);
	c[3] = os_mbuf_cmpf(src, 30, data + 30, 11);
	c[4] = os_mbuf_cmpm(src, 28, om, 0, 10);
	c[5] = os_mbuf_cmpm(src, 35, om, 10, 6);	/* both end at 5 */
	os_mbuf_free_chain(om);
	os_mbuf_free_chain(src);

	/* adj: Mynewt frees what a tail trim empties beyond the last. */
	om = tpacket(&ptiny, data, len, 0);	/* 32 + TINY_DB + 6 */
	ST_ASSERT(om != NULL);
	os_mbuf_adj(om, -3);				/* last mbuf only */
	ok2 = om_count(om) == 3 && OS_MBUF_PKTLEN(om) == len - 3 &&
	    holds(om, data, len - 3);
	os_mbuf_adj(om, -(len - 3 - 27));		/* 27 left, in one */
	n2 = om_count(om);
	fr2 = ptiny.mp.mp_num_free;
	os_mbuf_adj(om, 7);
	ok3 = OS_MBUF_PKTLEN(om) == 20 && holds(om, data + 7, 20);
	os_mbuf_free_chain(om);
	/* A native chain: the same, with m_adj(9)'s trim kept. */
	b = os_mbuf_fromm(m_gethdr(M_WAIT, MT_DATA));
	os_mbuf_append(b, data, 10);
	SLIST_NEXT(b, om_next) = os_mbuf_fromm(m_get(M_WAIT, MT_DATA));
	memcpy(SLIST_NEXT(b, om_next)->om_data, data + 10, 10);
	SLIST_NEXT(b, om_next)->om_len = 10;
	OS_MBUF_PKTLEN(b) = 20;
	os_mbuf_adj(b, -15);
	ok3 = ok3 && SLIST_NEXT(b, om_next) == NULL &&
	    OS_MBUF_PKTLEN(b) == 5 && holds(b, data, 5);
	os_mbuf_free_chain(b);
	ST_ASSERT_EQ(rc[0], 0);
	ST_ASSERT_EQ(rc[1], OS_EINVAL);
	ST_ASSERT(ok1);
	ST_ASSERT_EQ(c[0], 0);
	ST_ASSERT_EQ(c[1], 0);		/* other differs at 50, past 35 */
	ST_ASSERT(c[2] != 0 && c[2] != INT_MAX);
	ST_ASSERT_EQ(c[3], INT_MAX);
	ST_ASSERT_EQ(c[4], 0);
	ST_ASSERT_EQ(c[5], INT_MAX);
	ST_ASSERT(ok2);
	ST_ASSERT_EQ(n2, 1);
	ST_ASSERT_EQ(fr2, 3);
	ST_ASSERT(ok3);
	ST_ASSERT_EQ(ptiny.mp.mp_num_free, 4);
}

SELFTEST_FLAGS(os_mbuf, prepend_concat_extend, 0)
{
	uint8_t data[80];
	struct os_mbuf *om, *s2, *hold[4];
	void *p[3];
	int ok1, ok2, ok3, ok4, n, i, fr;

	ST_ASSERT_EQ(tpool_init(&ptiny, memtiny, 4, TINY_DB, "tiny"), 0);
	pattern(data, sizeof(data), 31);
	/* 4 bytes of leading space, then 40 more: two new heads. */
	om = tpacket(&ptiny, data + 44, 10, 4);
	ST_ASSERT(om != NULL);
	om = os_mbuf_prepend(om, 44);
	ST_ASSERT(om != NULL);
	os_mbuf_copyinto(om, 0, data, 44);
	ok1 = OS_MBUF_PKTLEN(om) == 54 && holds(om, data, 54) &&
	    om_count(om) == 3 && OS_MBUF_IS_PKTHDR(om) &&
	    !OS_MBUF_IS_PKTHDR(SLIST_NEXT(om, om_next)) &&
	    OS_MBUF_LEADINGSPACE(om) == 24 &&
	    all_from(om, &ptiny.omp);
	om = os_mbuf_prepend_pullup(om, 2);
	ok1 = ok1 && om != NULL && om->om_len >= 2 &&
	    OS_MBUF_PKTLEN(om) == 56;
	os_mbuf_free_chain(om);
	/* The pool runs out: NULL and the chain freed. */
	om = tpacket(&ptiny, data, 10, 0);
	for (n = 0; n < 4; n++)
		if ((hold[n] = os_mbuf_get(&ptiny.omp, 0)) == NULL)
			break;
	om = os_mbuf_prepend(om, 1);
	fr = ptiny.mp.mp_num_free;
	for (i = 0; i < n; i++)
		os_mbuf_free(hold[i]);
	ok2 = om == NULL && n == 3 && fr == 1;

	/* concat links without copying; extend in place, then a new mbuf. */
	om = tpacket(&ptiny, data, 10, 0);
	s2 = tpacket(&ptiny, data + 10, 5, 0);
	os_mbuf_concat(om, s2);
	ok3 = SLIST_NEXT(om, om_next) == s2 && !OS_MBUF_IS_PKTHDR(s2) &&
	    OS_MBUF_PKTLEN(om) == 15 && holds(om, data, 15);
	/* (s2 was a packet head: its data buffer still opens past one) */
	p[0] = os_mbuf_extend(om, 27);			/* 5 + 27 = 32 */
	p[1] = os_mbuf_extend(om, TINY_DB + 1);		/* more than a block */
	p[2] = os_mbuf_extend(om, 1);			/* a new mbuf */
	ok4 = p[0] == mtod(s2, char *) + 5 && p[1] == NULL &&
	    p[2] != NULL && om_count(om) == 3 && OS_MBUF_PKTLEN(om) == 43 &&
	    p[2] == mtod(s2->m_next, void *);
	os_mbuf_free_chain(om);
	ST_ASSERT(ok1);
	ST_ASSERT(ok2);
	ST_ASSERT(ok3);
	ST_ASSERT(ok4);
	ST_ASSERT_EQ(ptiny.mp.mp_num_free, 4);
}

SELFTEST_FLAGS(os_mbuf, trim_widen_pack, 0)
{
	uint8_t data[80], model[80];
	struct os_mbuf *om, *e, *hold[4];
	int ok1, ok2, ok3, ok4, rc[4], n, i;

	ST_ASSERT_EQ(tpool_init(&ptiny, memtiny, 4, TINY_DB, "tiny"), 0);
	pattern(data, sizeof(data), 41);
	/*
	 * Empty head, empty second, then data with room before it for the
	 * headers: the data mbuf leads, headers moved in front of its data.
	 */
	om = os_mbuf_get_pkthdr(&ptiny.omp, 2);
	memset(OS_MBUF_USRHDR(om), 0x3c, 2);
	e = os_mbuf_get(&ptiny.omp, 0);
	os_mbuf_concat(om, e);
	e = os_mbuf_get(&ptiny.omp, TINY_PH + 2);
	os_mbuf_append(e, data, 9);
	os_mbuf_concat(om, e);
	om = os_mbuf_trim_front(om);
	ok1 = om == e && OS_MBUF_IS_PKTHDR(om) && OS_MBUF_PKTLEN(om) == 9 &&
	    OS_MBUF_USRHDR_LEN(om) == 2 && om_count(om) == 1 &&
	    ((uint8_t *)OS_MBUF_USRHDR(om))[1] == 0x3c &&
	    om->om_pkthdr_len == TINY_PH + 2 && holds(om, data, 9) &&
	    ptiny.mp.mp_num_free == 3;
	os_mbuf_free_chain(om);
	/* No room for them (Mynewt's check): the head stays, empties go. */
	om = os_mbuf_get_pkthdr(&ptiny.omp, 2);
	e = os_mbuf_get(&ptiny.omp, 0);
	os_mbuf_concat(om, e);
	e = os_mbuf_get(&ptiny.omp, TINY_PH + 1);
	os_mbuf_append(e, data, 9);
	os_mbuf_concat(om, e);
	ok1 = ok1 && os_mbuf_trim_front(om) == om && om_count(om) == 2 &&
	    SLIST_NEXT(om, om_next) == e && OS_MBUF_PKTLEN(om) == 9 &&
	    ptiny.mp.mp_num_free == 2;
	os_mbuf_free_chain(om);

	/* widen: in place, across mbufs, and both failures. */
	om = tpacket(&ptiny, data, 20, 0);
	rc[0] = os_mbuf_widen(om, 5, 3);		/* room in place */
	memcpy(model, data, 5);
	memcpy(model + 8, data + 5, 15);
	ok2 = OS_MBUF_PKTLEN(om) == 23 && os_mbuf_cmpf(om, 0, model, 5) == 0 &&
	    os_mbuf_cmpf(om, 8, model + 8, 15) == 0 && om_count(om) == 1;
	rc[1] = os_mbuf_widen(om, 10, 20);		/* 23 + 20 > 32 */
	memmove(model + 30, model + 10, 13);
	ok2 = ok2 && OS_MBUF_PKTLEN(om) == 43 && os_mbuf_len(om) == 43 &&
	    os_mbuf_cmpf(om, 0, model, 5) == 0 &&
	    os_mbuf_cmpf(om, 8, model + 8, 2) == 0 &&
	    os_mbuf_cmpf(om, 30, model + 30, 13) == 0;
	rc[2] = os_mbuf_widen(om, 44, 1);		/* past the end */
	for (n = 0; n < 4; n++)
		if ((hold[n] = os_mbuf_get(&ptiny.omp, 0)) == NULL)
			break;
	rc[3] = os_mbuf_widen(om, 0, 40);		/* pool empty */
	for (i = 0; i < n; i++)
		os_mbuf_free(hold[i]);
	ok3 = OS_MBUF_PKTLEN(om) == 43 && os_mbuf_len(om) == 43 &&
	    os_mbuf_cmpf(om, 30, model + 30, 13) == 0;
	os_mbuf_free_chain(om);

	/* pack: three mbufs with leading space become two, data intact. */
	om = tpacket(&ptiny, data, 10, 20);
	e = os_mbuf_get(&ptiny.omp, 12);
	os_mbuf_append(e, data + 10, 15);
	os_mbuf_concat(om, e);
	e = os_mbuf_get(&ptiny.omp, 3);
	os_mbuf_append(e, data + 25, 20);
	om = os_mbuf_pack_chains(om, e);
	ok4 = om != NULL && holds(om, data, 45) && om_count(om) == 2 &&
	    om->om_len == 32 && OS_MBUF_LEADINGSPACE(om) == 0 &&
	    OS_MBUF_PKTLEN(om) == 45 && ptiny.mp.mp_num_free == 2 &&
	    os_mbuf_pack_chains(NULL, NULL) == NULL;
	os_mbuf_free_chain(om);
	ST_ASSERT(ok1);
	ST_ASSERT_EQ(rc[0], 0);
	ST_ASSERT_EQ(rc[1], 0);
	ST_ASSERT(ok2);
	ST_ASSERT_EQ(rc[2], SYS_EINVAL);
	ST_ASSERT_EQ(rc[3], SYS_ENOMEM);
	ST_ASSERT(ok3);
	ST_ASSERT(ok4);
	ST_ASSERT_EQ(ptiny.mp.mp_num_free, 4);
}

/* pack and widen keep a guaranteed region whole (m_datarange(9)). */
SELFTEST_FLAGS(os_mbuf, regions, 0)
{
	uint8_t data[80];
	struct os_mbuf *om, *e;
	struct mbuf *at, *nm;
	int off, ok1, rc;

	ST_ASSERT_EQ(tpool_init(&ptiny, memtiny, 4, TINY_DB, "tiny"), 0);
	pattern(data, sizeof(data), 51);
	om = tpacket(&ptiny, data, 10, 0);
	e = os_mbuf_get(&ptiny.omp, 0);
	os_mbuf_append(e, data + 10, 30);
	os_mbuf_concat(om, e);
	/* [12, 40) is in the second mbuf; record it as guaranteed. */
	nm = os_mbuf_tom(om);
	ST_ASSERT(m_datarange(&nm, 12, 28, M_DONTWAIT) != NULL);
	om = os_mbuf_fromm(nm);
	rc = os_mbuf_widen(om, 20, 2);			/* inside: refused */
	om = os_mbuf_pack_chains(om, NULL);		/* 22 fit, 28 don't */
	at = m_getptr(os_mbuf_tom(om), 12, &off);
	ok1 = holds(om, data, 40) && at != NULL && at->m_len - off >= 28 &&
	    OS_MBUF_PKTHDR(om)->omp_nregions == 1;
	os_mbuf_free_chain(om);
	ST_ASSERT_EQ(rc, SYS_EINVAL);
	ST_ASSERT(ok1);
	ST_ASSERT_EQ(ptiny.mp.mp_num_free, 4);
}

static int mq_events;

static void
mq_cb(struct os_event *ev)
{
	mq_events++;
}

/*
 * Mynewt's packet queue: mq_head, the packet headers linked through
 * omp_next, as Mynewt code reads it (kernel/os/src/os_mbuf.c,
 * os_mqueue_put and os_mqueue_get: STAILQ_INSERT_TAIL and
 * STAILQ_REMOVE_HEAD on mq_head); a native packet and a class mbuf go
 * through it too, the native one losing its rcvif (omp_next lies over
 * it).
 */
SELFTEST_FLAGS(os_mbuf, mqueue, 0)
{
	struct os_mqueue mq;
	struct os_eventq evq;
	struct os_event *ev[2];
	struct os_mbuf *a, *b, *n, *g[3], *na, *ca, *ng[2];
	struct os_mbuf_pkthdr *first, *second;
	int rc[3], putok, emptyend;

	ST_ASSERT_EQ(tpool_init(&ptiny, memtiny, 4, TINY_DB, "tiny"), 0);
	os_eventq_init(&evq);
	ST_ASSERT_EQ(os_mqueue_init(&mq, mq_cb, &mq), 0);
	a = os_mbuf_get_pkthdr(&ptiny.omp, 0);
	b = os_mbuf_get_pkthdr(&ptiny.omp, 0);
	n = os_mbuf_get(&ptiny.omp, 0);
	rc[0] = os_mqueue_put(&mq, &evq, a);
	rc[1] = os_mqueue_put(&mq, &evq, b);		/* event queued once */
	rc[2] = os_mqueue_put(&mq, NULL, n);		/* not a packet */
	first = STAILQ_FIRST(&mq.mq_head);
	second = first != NULL ? STAILQ_NEXT(first, omp_next) : NULL;
	ev[0] = os_eventq_get_no_wait(&evq);
	ev[1] = os_eventq_get_no_wait(&evq);
	if (ev[0] != NULL)
		ev[0]->ev_cb(ev[0]);
	g[0] = os_mqueue_get(&mq);
	g[1] = os_mqueue_get(&mq);
	g[2] = os_mqueue_get(&mq);
	emptyend = STAILQ_EMPTY(&mq.mq_head);
	/* a native packet with an interface, then a class mbuf */
	na = os_mbuf_fromm(m_gethdr(M_WAIT, MT_DATA));
	os_mbuf_tom(na)->m_pkthdr.rcvif = (struct ifnet *)&mq;
	ca = os_mbuf_fromm(msys_gethdr(M_WAIT, MT_DATA, 100, 0));
	putok = os_mqueue_put(&mq, NULL, na) == 0 &&
	    os_mqueue_put(&mq, NULL, ca) == 0;
	ng[0] = os_mqueue_get(&mq);
	ng[1] = os_mqueue_get(&mq);
	ST_ASSERT(putok && ng[0] == na && ng[1] == ca);
	ST_ASSERT(os_mbuf_tom(na)->m_pkthdr.rcvif == NULL);
	ST_ASSERT(STAILQ_EMPTY(&mq.mq_head));
	os_mbuf_free_chain(na);
	os_mbuf_free_chain(ca);
	os_mbuf_free(a);
	os_mbuf_free(b);
	os_mbuf_free(n);
	ST_ASSERT_EQ(rc[0], 0);
	ST_ASSERT_EQ(rc[1], 0);
	ST_ASSERT_EQ(rc[2], OS_EINVAL);
	ST_ASSERT(ev[0] == &mq.mq_ev && ev[0]->ev_arg == &mq);
	ST_ASSERT(ev[1] == NULL);
	ST_ASSERT_EQ(mq_events, 1);
	ST_ASSERT(g[0] == a && g[1] == b && g[2] == NULL);
	ST_ASSERT(first == OS_MBUF_PKTHDR(a) && second == OS_MBUF_PKTHDR(b));
	ST_ASSERT(emptyend);
	ST_ASSERT_EQ(ptiny.mp.mp_num_free, 4);
}

/* os_mempool_ext's callback, the list, clear, sanity, a pool made again. */
static struct os_mempool_ext xpool;
static os_membuf_t xmem[OS_MEMPOOL_SIZE(3, 24)];
static void *xfreed;

static os_error_t
xput(struct os_mempool_ext *mpe, void *block, void *arg)
{
	xfreed = block;
	if (arg != NULL)
		return (OS_OK);			/* keeps the block */
	return (os_memblock_put_from_cb(&mpe->mpe_mp, block));
}

SELFTEST_FLAGS(os_mbuf, mempool_more, 0)
{
	struct os_mempool_info omi;
	struct os_mempool *mp;
	void *b[3];
	long out0 = os_mempool_nout();
	int found = 0, ok1, ok2, ok3, ok4, rc;

	ST_ASSERT_EQ(os_mempool_ext_init(&xpool, 3, 24, xmem, "xpool"), 0);
	b[0] = os_memblock_get(&xpool.mpe_mp);
	rc = os_memblock_put(&xpool.mpe_mp, b[0]);	/* no callback yet */
	ok1 = rc == 0 && xfreed == NULL && xpool.mpe_mp.mp_num_free == 3;
	xpool.mpe_put_cb = xput;
	b[0] = os_memblock_get(&xpool.mpe_mp);
	os_memblock_put(&xpool.mpe_mp, b[0]);
	ok1 = ok1 && xfreed == b[0] && xpool.mpe_mp.mp_num_free == 3;
	xpool.mpe_put_arg = &xpool;			/* the callback keeps it */
	b[0] = os_memblock_get(&xpool.mpe_mp);
	os_memblock_put(&xpool.mpe_mp, b[0]);
	ok2 = xpool.mpe_mp.mp_num_free == 2 && os_mempool_nout() == out0 + 1;
	xpool.mpe_put_cb = NULL;
	/* On the list, described. */
	for (mp = os_mempool_info_get_next(NULL, &omi); mp != NULL;
	    mp = os_mempool_info_get_next(mp, &omi))
		if (mp == &xpool.mpe_mp)
			found = omi.omi_num_blocks == 3 && omi.omi_num_free == 2 &&
			    omi.omi_block_size == 24 &&
			    strcmp(omi.omi_name, "xpool") == 0;
	/* Sane; then a foreign block on the free list is not. */
	ok3 = os_mempool_is_sane(&xpool.mpe_mp) &&
	    os_memblock_from(&xpool.mpe_mp, b[0]) &&
	    !os_memblock_from(&xpool.mpe_mp, (char *)b[0] + 8);
	b[1] = os_memblock_get(&xpool.mpe_mp);
	SLIST_NEXT((struct os_memblock *)b[1], mb_next) = SLIST_FIRST(&xpool.mpe_mp);
	SLIST_FIRST(&xpool.mpe_mp) = (struct os_memblock *)((char *)b[1] + 8);
	ok3 = ok3 && !os_mempool_is_sane(&xpool.mpe_mp);
	/* clear and init again reclaim the pool; nothing counted out. */
	os_mempool_clear(&xpool.mpe_mp);
	ok4 = os_mempool_is_sane(&xpool.mpe_mp) &&
	    xpool.mpe_mp.mp_num_free == 3 && os_mempool_nout() == out0;
	b[2] = os_memblock_get(&xpool.mpe_mp);
	ok4 = ok4 && os_mempool_nout() == out0 + 1 &&
	    os_mempool_init(&xpool.mpe_mp, 3, 24, xmem, "again") == 0 &&
	    os_mempool_nout() == out0 && xpool.mpe_mp.mp_num_free == 3 &&
	    os_mempool_unregister(&xpool.mpe_mp) == 0 &&
	    os_mempool_unregister(&xpool.mpe_mp) == OS_INVALID_PARM;
	ST_ASSERT(ok1);
	ST_ASSERT(ok2);
	ST_ASSERT(found);
	ST_ASSERT(ok3);
	ST_ASSERT(ok4);
	ST_ASSERT_EQ(os_mempool_nout(), out0);
}
