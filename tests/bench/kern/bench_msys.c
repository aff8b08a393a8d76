/*
 * bench_msys.c: the size classes (msys) in the allocation and memory
 * benchmarks.
 *
 * Allocation: one msys_get + m_free pair for 64, 576 and 1500-byte
 * requests (the IMIX sizes, each a class mbuf), a packet header mbuf
 * for the IMIX sequence in turn, and Mynewt's os_msys_get through
 * os_mbuf(9), each beside the free list reference of bench.c.
 *
 * Memory: the IMIX packets are allocated for real through the kernel's
 * msys classes (msys_gethdr: one class mbuf, its header, packet header
 * and data in one block of the smallest class that holds them; more
 * mbufs chained only when no class holds the packet) and the bytes held
 * are what the pipes handed out: for every pipe, buffers out times its
 * buffer size (a class's block, a cluster, an MSIZE mbuf).  The pipes'
 * caps (nmbufs, nmbclusters) are below 10,000 packets, so the packets
 * are held in batches of BM_BATCH, a whole number of IMIX periods;
 * every batch is held at once, counted, and freed.  Mynewt's default
 * msys (one pool of 292-byte blocks, MSYS_1_BLOCK_SIZE in its
 * kernel/os/syscfg.yml) is measured the same way through os_mbuf(9):
 * os_msys_get_pkthdr, then os_mbuf_append chaining more blocks of the
 * pool.  The bound rows are what any class sizes could reach while
 * every packet pays a whole MSIZE mbuf, and while it pays only this
 * kernel's mbuf header and packet header with not one byte of rounding
 * (exact-size blocks).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/os_mbuf.h>

#include "bench.h"

MALLOC_DEFINE(M_BENCHMSYS, "benchmsys", "msys benchmarks");

/* ---- allocation ------------------------------------------------------ */

static int bm_size;

static long
b_msys_get(long n)
{
	long ok = 0;

	for (long i = 0; i < n; i++) {
		struct mbuf *m = msys_get(M_DONTWAIT, MT_DATA, bm_size);

		if (m != NULL) {
			m_free(m);
			ok++;
		}
	}
	return (ok);
}

static const int bm_imix[12] = { 64, 64, 64, 64, 64, 64, 64, 576, 576,
	576, 576, 1500 };

static long
b_msys_gethdr_imix(long n)
{
	long ok = 0;

	for (long i = 0; i < n; i++) {
		struct mbuf *m = msys_gethdr(M_DONTWAIT, MT_DATA,
		    bm_imix[i % 12], 0);

		if (m != NULL) {
			m_freem(m);
			ok++;
		}
	}
	return (ok);
}

static long
b_os_msys_get(long n)
{
	long ok = 0;

	for (long i = 0; i < n; i++) {
		struct os_mbuf *om = os_msys_get(64, 0);

		if (om != NULL) {
			os_mbuf_free(om);
			ok++;
		}
	}
	return (ok);
}

void
bench_msys(long n, long (*reffn)(long))
{
	static const int sizes[] = { 64, 576, 1500 };
	struct os_mempool mp;
	struct os_mbuf_pool omp;
	char name[48];
	void *mem;
	int bsize = 128 + sizeof(struct os_mbuf);

	for (size_t i = 0; i < nitems(sizes); i++) {
		bm_size = sizes[i];
		snprintf(name, sizeof(name), "msys_get %d B (%s)+m_free",
		    sizes[i], msys_select(sizes[i])->mp_name);
		bench_pair(name, b_msys_get, reffn, n);
	}
	bench_pair("msys_gethdr IMIX sizes+m_freem", b_msys_gethdr_imix, reffn,
	    n);

	/* Mynewt's interface: a pool of 64 blocks of 128 data bytes. */
	mem = malloc(OS_MEMPOOL_BYTES(64, bsize), M_BENCHMSYS, M_WAITOK);
	if (os_mempool_init(&mp, 64, bsize, mem, "benchosm") == OS_OK &&
	    os_mbuf_pool_init(&omp, &mp, bsize, 64) == OS_OK) {
		os_msys_reset();
		os_msys_register(&omp);
		bench_pair("os_msys_get 64 B+os_mbuf_free", b_os_msys_get, reffn,
		    n);
		os_msys_reset();
	}
	os_mempool_unregister(&mp);	/* off the list before it goes */
	free(mem, M_BENCHMSYS);
}

/* ---- memory ---------------------------------------------------------- */

#define BM_BATCH	2400		/* 200 IMIX periods held at once */

struct bm_count {
	long	payload;
	long	bytes;
	long	mbufs;
	long	inclass;	/* packets held in one class mbuf */
	long	failed;
};

/* Buffers out of every msys class and of the mbuf pipe, in bytes. */
static long
bm_held(void)
{
	long b = (long)mpipe_out(&mb_mbuf_pipe) * mb_mbuf_pipe.mp_bytes;

	for (int i = 0; i < msys_nclasses(); i++)
		b += (long)mpipe_out(msys_class(i)) * msys_class(i)->mp_bytes;
	return (b);
}

/*
 * One packet of len bytes as msys_gethdr makes it: one mbuf of the
 * class that holds len and the packet header; more class mbufs chained
 * only when none holds it.
 */
static struct mbuf *
bm_packet(int len, struct bm_count *c)
{
	struct mbuf *top, *m, **mp;
	int left = len, n;

	if ((top = msys_gethdr(M_DONTWAIT, MT_DATA, len, 0)) == NULL)
		return (NULL);
	if ((top->m_flags & M_POOL) && m_trailingspace(top) >= len)
		c->inclass++;
	m = top;
	mp = &top->m_next;
	for (;;) {
		n = MIN(left, m_trailingspace(m));
		m->m_len = n;
		left -= n;
		c->mbufs++;
		if (left == 0)
			break;
		if ((m = msys_get(M_DONTWAIT, MT_DATA, left)) == NULL) {
			m_freem(top);
			return (NULL);
		}
		*mp = m;
		mp = &m->m_next;
	}
	top->m_pkthdr.len = len;
	return (top);
}

static void
bm_run(const int *sizes, int n, struct bm_count *c)
{
	static struct mbuf *held[BM_BATCH];
	long before;

	memset(c, 0, sizeof(*c));
	for (int i0 = 0; i0 < n; i0 += BM_BATCH) {
		int k, nb = MIN(BM_BATCH, n - i0);

		before = bm_held();
		for (k = 0; k < nb; k++) {
			held[k] = bm_packet(sizes[i0 + k], c);
			if (held[k] == NULL)
				c->failed++;
			else
				c->payload += sizes[i0 + k];
		}
		c->bytes += bm_held() - before;
		for (k = 0; k < nb; k++)
			m_freem(held[k]);
	}
}

static void
bm_row(const char *name, struct bm_count *c)
{
	char a[24];

	if (c->bytes <= 0 || c->failed > 0) {
		printf("  %-40s %10s (%ld packets not allocated)\n", name,
		    "n/a", c->failed);
		return;
	}
	printf("  %-40s %10ld %10ld %7s%%\n", name, c->payload, c->bytes,
	    bench_fix2((uint64_t)c->payload * 10000 / c->bytes, a,
	    sizeof(a)));
}

/*
 * Mynewt's default msys: one os_mbuf pool of BM_MNBLK-byte blocks, a
 * packet chained through it (os_mbuf_append); bytes held are the
 * pool's blocks out times its (aligned) block size.
 */
#define BM_MNBLK	292
#define BM_MNBLOCKS	(BM_BATCH / 12 * 27)	/* 7x1 + 4x3 + 1x8 */

static void
bm_run_mynewt(const int *sizes, int n, struct bm_count *c)
{
	static struct os_mbuf *held[BM_BATCH];
	static uint8_t data[1500];
	struct os_mempool mp;
	struct os_mbuf_pool omp;
	void *mem;

	memset(c, 0, sizeof(*c));
	mem = malloc(OS_MEMPOOL_BYTES(BM_MNBLOCKS, BM_MNBLK), M_BENCHMSYS,
	    M_WAITOK);
	if (os_mempool_init(&mp, BM_MNBLOCKS, BM_MNBLK, mem, "benchmn292") !=
	    OS_OK || os_mbuf_pool_init(&omp, &mp, BM_MNBLK, BM_MNBLOCKS) !=
	    OS_OK) {
		c->failed = n;
		free(mem, M_BENCHMSYS);
		return;
	}
	os_msys_reset();
	os_msys_register(&omp);
	for (int i0 = 0; i0 < n; i0 += BM_BATCH) {
		int k, nb = MIN(BM_BATCH, n - i0);

		for (k = 0; k < nb; k++) {
			held[k] = os_msys_get_pkthdr(sizes[i0 + k], 0);
			if (held[k] != NULL && os_mbuf_append(held[k], data,
			    sizes[i0 + k]) != 0) {
				os_mbuf_free_chain(held[k]);
				held[k] = NULL;
			}
			if (held[k] == NULL)
				c->failed++;
			else
				c->payload += sizes[i0 + k];
		}
		c->bytes += (long)(mp.mp_num_blocks - mp.mp_num_free) *
		    mp.mp_block_size;
		c->mbufs += mp.mp_num_blocks - mp.mp_num_free;
		for (k = 0; k < nb; k++)
			os_mbuf_free_chain(held[k]);
	}
	os_msys_reset();
	os_mempool_unregister(&mp);
	free(mem, M_BENCHMSYS);
}

void
bench_memory_msys(const int *sizes, int n)
{
	struct bm_count c;
	long pay = 0, floor = 0, blocks = 0;
	int hdr = (int)(sizeof(struct m_hdr) + sizeof(struct pkthdr));
	char name[64];

	bm_run(sizes, n, &c);
	bm_row("this kernel, default msys classes", &c);
	printf("    (%ld of %d packets in one class mbuf, %ld mbufs; header "
	    "%d bytes: %d mbuf + %d packet)\n", c.inclass, n, c.mbufs, hdr,
	    (int)sizeof(struct m_hdr), (int)sizeof(struct pkthdr));

	for (int i = 0; i < n; i++) {
		pay += sizes[i];
		floor += sizes[i] <= (int)MHLEN ? MSIZE : MSIZE + sizes[i];
	}
	c.payload = pay;
	c.failed = 0;
	c.bytes = pay + (long)n * hdr;
	snprintf(name, sizeof(name), "  bound: exact blocks, %d-byte header",
	    hdr);
	bm_row(name, &c);
	c.bytes = floor;
	bm_row("  bound: a 256-byte mbuf + exact storage", &c);

	bm_run_mynewt(sizes, n, &c);
	bm_row("Mynewt default msys (292-byte blocks)", &c);
	printf("    (%ld blocks; here a block's headers are %d + %d bytes)\n",
	    c.mbufs, (int)sizeof(struct os_mbuf),
	    (int)sizeof(struct os_mbuf_pkthdr));
	/* The same pool with Mynewt's own 32-bit headers: 16 + 8 bytes. */
	for (int i = 0; i < n; i++) {
		int first = BM_MNBLK - 16 - 8, rest = BM_MNBLK - 16;

		blocks += 1 + (sizes[i] <= first ? 0 :
		    howmany(sizes[i] - first, rest));
	}
	c.payload = pay;
	c.bytes = blocks * BM_MNBLK;
	c.failed = 0;
	bm_row("  same pool, 32-bit headers (16 + 8)", &c);
}
