/*
 * bench_memory.c: memory held for a mixed packet load, and how the
 * calls scale.
 *
 * Memory: IMIX (7 x 64 B, 4 x 576 B, 1 x 1500 B) repeated to 10,000
 * packets, held at once; the figure is payload bytes over buffer bytes
 * held.  This kernel's row allocates the packets for real through the
 * default size classes (msys) and counts what the pools handed out; the
 * fixed-layout rows are computed from their layouts; DPDK's allocates.
 *
 * Scaling: time per call as the chain grows, to show which calls are
 * O(1), O(mbufs) and O(bytes).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/machdep.h>

#include "../peer/peer.h"
#include "bench.h"

#define NPKT	10000

static int imix[NPKT];

static void
imix_fill(void)
{
	static const int pattern[12] = { 64, 64, 64, 64, 64, 64, 64,
	    576, 576, 576, 576, 1500 };

	for (int i = 0; i < NPKT; i++)
		imix[i] = pattern[i % 12];
}

static void
mem_row(const char *name, long payload, long bytes)
{
	char a[24];

	if (bytes <= 0) {
		printf("  %-40s %10s\n", name, "n/a");
		return;
	}
	printf("  %-40s %10ld %10ld %7s%%\n", name, payload, bytes,
	    bench_fix2((uint64_t)payload * 10000 / bytes, a, sizeof(a)));
}

void
bench_memory(void)
{
	long pay = 0, bytes;

	imix_fill();
	for (int i = 0; i < NPKT; i++)
		pay += imix[i];
	printf("\n3. memory: IMIX, %d packets held (payload / buffer bytes)\n"
	    "  %-40s %10s %10s %8s\n", NPKT, "", "payload", "buffers",
	    "ratio");

	mem_row("one 2 KiB buffer per packet", pay, (long)NPKT * 2048);
	bytes = 0;
	for (int i = 0; i < NPKT; i++)
		bytes += imix[i] <= MHLEN ? MSIZE : MSIZE + MCLBYTES;
	mem_row("BSD mbuf (+ 2 KiB cluster when > MHLEN)", pay, bytes);
	bytes = 0;
	for (int i = 0; i < NPKT; i++)
		bytes += howmany(imix[i], 128) * 128;
	mem_row("chained 128-byte pool (no headers)", pay, bytes);
	{
		long p2 = 0, b2 = peer_lwip_imix_bytes(imix, NPKT, &p2);

		mem_row("lwIP PBUF_POOL (default bufsize)", p2, b2);
	}
	if (peer_dpdk_init() == 0) {
		long p2 = 0, b2 = peer_dpdk_imix_bytes(imix, NPKT, &p2);

		mem_row("DPDK pktmbuf (default data room)", p2, b2);
	}
	bench_memory_msys(imix, NPKT);
}

/* ---- scaling ----------------------------------------------------------- */

static struct mbuf *sc_chain;
static int sc_len;
static char sc_buf[262144];

static long
s_copym(long n)
{
	for (long i = 0; i < n; i++)
		m_freem(m_copym(sc_chain, 0, M_COPYALL, M_WAIT));
	return (n);
}

static long
s_copydata(long n)
{
	for (long i = 0; i < n; i++)
		m_copydata(sc_chain, 0, sc_len, sc_buf);
	return (n);
}

static volatile int sc_sink;

static long
s_cksum(long n)
{
	for (long i = 0; i < n; i++)
		sc_sink += in_cksum(sc_chain, sc_len);
	return (n);
}

static long
s_length(long n)
{
	for (long i = 0; i < n; i++)
		sc_sink += m_length(sc_chain);
	return (n);
}

static long
s_prepend(long n)
{
	for (long i = 0; i < n; i++) {
		struct mbuf *m = m_copym(sc_chain, 0, M_COPYALL, M_WAIT);

		M_PREPEND(m, 20, M_WAIT);
		m_freem(m);
	}
	return (n);
}

static long
s_gethdr(long n)
{
	for (long i = 0; i < n; i++)
		m_freem(m_gethdr(M_WAIT, MT_DATA));
	return (n);
}

void
bench_scaling(void)
{
	static const struct {
		const char *name;
		long (*fn)(long);
	} calls[] = {
		{ "m_gethdr+m_freem", s_gethdr },
		{ "m_length", s_length },
		{ "m_copym COPYALL", s_copym },
		{ "m_copym+M_PREPEND", s_prepend },
		{ "m_copydata all", s_copydata },
		{ "in_cksum all", s_cksum },
	};
	static const int shapes[][2] = {	/* mbufs, bytes each */
		{ 1, 2048 }, { 4, 2048 }, { 16, 2048 }, { 64, 2048 },
		{ 64, 64 }, { 64, 512 },
	};
	char a[24];

	printf("\n4. scaling: ns per call by chain shape (mbufs x bytes)\n"
	    "  %-20s", "");
	for (size_t s = 0; s < nitems(shapes); s++) {
		char h[24];

		snprintf(h, sizeof(h), "%dx%d", shapes[s][0], shapes[s][1]);
		printf(" %10s", h);
	}
	printf("\n");
	for (size_t c = 0; c < nitems(calls); c++) {
		printf("  %-20s", calls[c].name);
		for (size_t s = 0; s < nitems(shapes); s++) {
			struct mbuf *last = NULL;
			struct bres r;

			sc_chain = NULL;
			sc_len = shapes[s][0] * shapes[s][1];
			for (int k = 0; k < shapes[s][0]; k++) {
				struct mbuf *m = shapes[s][1] > MLEN ?
				    m_getcl(M_WAIT, MT_DATA, k == 0 ? M_PKTHDR :
				    0) : (k == 0 ? m_gethdr(M_WAIT, MT_DATA) :
				    m_get(M_WAIT, MT_DATA));

				m->m_len = shapes[s][1];
				memset(mtod(m, char *), k, m->m_len);
				if (last == NULL)
					sc_chain = m;
				else
					last->m_next = m;
				last = m;
			}
			sc_chain->m_pkthdr.len = sc_len;
			bench_measure(calls[c].fn, bench_iters / 50 + 1, &r);
			printf(" %10s", bench_fix2(r.ns * 100 / r.ops, a,
			    sizeof(a)));
			m_freem(sc_chain);
		}
		printf("\n");
	}
	printf("  (O(1): same across columns; O(mbufs): grows with the first "
	    "number; O(bytes): with the product)\n");
}
