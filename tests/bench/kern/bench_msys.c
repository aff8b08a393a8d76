/*
 * bench_msys.c: the size classes (msys) in the allocation and memory
 * benchmarks.
 *
 * Allocation: one msys_get + m_free pair for 64, 576 and 1500-byte
 * requests (the IMIX sizes), a packet header mbuf for the IMIX sequence
 * in turn, and Mynewt's os_msys_get through os_mbuf(9), each beside the
 * free list reference of bench.c.
 *
 * Memory: the IMIX packets are allocated for real through the kernel's
 * msys classes (one packet header mbuf with storage from the smallest
 * class that fits, more mbufs chained only when no class holds the
 * packet) and the bytes held are what the pipes handed out: for every
 * pipe, buffers out times its buffer size, the mbuf pipe included
 * (MSIZE per mbuf).  The pipes' caps (nmbufs, nmbclusters) are below
 * 10,000 packets, so the packets are held in batches of BM_BATCH, a
 * whole number of IMIX periods; every batch is held at once, counted,
 * and freed.  The bound rows are what any class sizes could reach while
 * every packet pays one MSIZE mbuf, and while it pays only the mbuf's
 * header and packet header (no MSIZE, no m_ext: data in the same block,
 * as Mynewt's pools do) with not one byte of rounding.
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
		    sizes[i], sizes[i] <= (int)MLEN ? "in mbuf" :
		    msys_select(sizes[i])->mp_name);
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
	free(mem, M_BENCHMSYS);
}

/* ---- memory ---------------------------------------------------------- */

#define BM_BATCH	2400		/* 200 IMIX periods held at once */

struct bm_count {
	long	payload;
	long	bytes;
	long	mbufs;
	long	inmbuf;		/* packets held in the mbuf alone */
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
 * One packet of len bytes as msys_gethdr makes it: in the mbuf alone
 * when it fits, else storage of the class for len; more class mbufs
 * chained only when one buffer cannot hold it.
 */
static struct mbuf *
bm_packet(int len, struct bm_count *c)
{
	struct mbuf *top, *m, **mp;
	int left = len, n;

	if ((top = msys_gethdr(M_DONTWAIT, MT_DATA, len, 0)) == NULL)
		return (NULL);
	if (!(top->m_flags & M_EXT))
		c->inmbuf++;
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

void
bench_memory_msys(const int *sizes, int n)
{
	struct bm_count c;
	long pay = 0, floor = 0;
	char name[64];

	bm_run(sizes, n, &c);
	bm_row("this kernel, default msys classes", &c);
	printf("    (MHLEN %d, MSIZE %d: %ld of %d packets in the mbuf "
	    "alone, %ld mbufs)\n", (int)MHLEN, MSIZE, c.inmbuf, n, c.mbufs);

	/* The bound: every packet pays one MSIZE header at least. */
	for (int i = 0; i < n; i++) {
		pay += sizes[i];
		floor += sizes[i] <= (int)MHLEN ? MSIZE : MSIZE + sizes[i];
	}
	c.payload = pay;
	c.bytes = floor;
	c.failed = 0;
	bm_row("  bound: one mbuf + exact-size storage", &c);
	c.bytes = pay + (long)n * (sizeof(struct m_hdr) + sizeof(struct pkthdr));
	snprintf(name, sizeof(name), "  bound: %d-byte headers in exact blocks",
	    (int)(sizeof(struct m_hdr) + sizeof(struct pkthdr)));
	bm_row(name, &c);
}
