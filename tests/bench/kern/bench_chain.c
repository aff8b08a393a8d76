/*
 * bench_chain.c: cost of the chain calls beside a flat reference.
 *
 * m_copym must cost per mbuf, not per byte (storage is shared; m_dup,
 * the deep copy, is beside it); the
 * pull-up calls are measured on a header already contiguous and on one
 * split across two mbufs, with the bytes they copied read from mbstat;
 * m_copydata/m_copyback beside memcpy of the same bytes; in_cksum over
 * a chain beside the same bytes flat; lwIP's equivalents beside them.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/machdep.h>

#include "../peer/peer.h"
#include "bench.h"

/* m_pulldown is in uipc_mbuf3.c; benchmarked when the build has it. */
struct mbuf *m_pulldown(struct mbuf *, int, int, int *) __attribute__((weak));

static struct mbuf *chain;
static int chain_len;
static char flat[262144], flat2[262144];

/* A packet of len bytes in clusters of MCLBYTES, or in n equal mbufs. */
static struct mbuf *
build_chain(int len, int permbuf)
{
	struct mbuf *m0 = NULL, *last = NULL;
	int off = 0;

	while (off < len) {
		int n = MIN(permbuf, len - off);
		struct mbuf *m;

		if (n > MLEN || m0 == NULL)
			m = m_getcl(M_WAIT, MT_DATA, m0 == NULL ? M_PKTHDR : 0);
		else
			m = m_get(M_WAIT, MT_DATA);
		memcpy(mtod(m, char *), flat + off, n);
		m->m_len = n;
		if (m0 == NULL)
			m0 = m;
		else
			last->m_next = m;
		last = m;
		off += n;
	}
	m0->m_pkthdr.len = len;
	return (m0);
}

static int
nmbufs(struct mbuf *m)
{
	int n = 0;

	for (; m != NULL; m = m->m_next)
		n++;
	return (n);
}

static long
b_copym(long n)
{
	for (long i = 0; i < n; i++)
		m_freem(m_copym(chain, 0, M_COPYALL, M_WAIT));
	return (n);
}

static long
b_dup(long n)
{
	for (long i = 0; i < n; i++)
		m_freem(m_dup(chain, M_WAIT));
	return (n);
}

static long
b_memcpy_chainlen(long n)
{
	for (long i = 0; i < n; i++) {
		memcpy(flat2, flat, chain_len);
		__asm volatile("" : : : "memory");
	}
	return (n);
}

static long
b_copydata(long n)
{
	for (long i = 0; i < n; i++) {
		m_copydata(chain, 0, chain_len, flat2);
		__asm volatile("" : : : "memory");
	}
	return (n);
}

static long
b_copyback(long n)
{
	for (long i = 0; i < n; i++)
		m_copyback(chain, 0, chain_len, flat, M_WAIT);
	return (n);
}

static volatile int sink;

static long
b_cksum_chain(long n)
{
	for (long i = 0; i < n; i++)
		sink += in_cksum(chain, chain_len);
	return (n);
}

static long
b_cksum_flat(long n)
{
	for (long i = 0; i < n; i++)
		sink += in_cksum_flat(flat, chain_len);
	return (n);
}

/* Header pull-ups: a 14+40 byte header, contiguous or split at 14. */
static int pu_split;

static struct mbuf *
pu_packet(void)
{
	struct mbuf *m = m_gethdr(M_WAIT, MT_DATA), *n;

	if (!pu_split) {
		m->m_len = 54;
		m->m_pkthdr.len = 54 + 1000;
		n = m_getcl(M_WAIT, MT_DATA, 0);
		n->m_len = 1000;
		m->m_next = n;
		return (m);
	}
	m->m_len = 14;
	n = m_getcl(M_WAIT, MT_DATA, 0);
	n->m_len = 1040;
	m->m_next = n;
	m->m_pkthdr.len = 1054;
	return (m);
}

/*
 * Pull-ups change their packet, so each timed pass works on PU_BATCH
 * packets built beforehand, outside the timing, and freed after it.
 */
#define PU_BATCH	1024
static struct mbuf *pu_pkts[PU_BATCH];
static int pu_down;		/* m_pulldown rather than m_pullup */

static void
pu_pass(struct bres *r)
{
	uint64_t t0, c0, t1, c1;
	int i, off;

	for (i = 0; i < PU_BATCH; i++)
		pu_pkts[i] = pu_packet();
	t0 = md_nanotime();
	c0 = md_cycles();
	for (i = 0; i < PU_BATCH; i++) {
		if (pu_down)
			m_pulldown(pu_pkts[i], 14, 40, &off);
		else
			pu_pkts[i] = m_pullup(pu_pkts[i], 54);
	}
	c1 = md_cycles();
	t1 = md_nanotime();
	for (i = 0; i < PU_BATCH; i++)
		m_freem(pu_pkts[i]);
	if (t1 - t0 < r->ns)
		r->ns = t1 - t0;
	if (c1 - c0 < r->cyc)
		r->cyc = c1 - c0;
	r->ops = PU_BATCH;
}

static uint64_t
copied_total(void)
{
	struct mbstat st;

	mbstat_read(&st);
	return (st.m_cp_pullup + st.m_cp_copym + st.m_cp_dup +
	    st.m_cp_copyback + st.m_cp_copydata + st.m_cp_prepend +
	    st.m_cp_cat + st.m_cp_split + st.m_cp_pkthdr);
}

static void
pullup_rows(const char *what)
{
	struct bres r;
	char name[64], a[24];
	uint64_t c0;
	int k, passes = 2 * bench_iters / PU_BATCH + 5;

	for (pu_down = 0; pu_down < 2; pu_down++) {
		if (pu_down && m_pulldown == NULL)
			break;
		r.ns = r.cyc = UINT64_MAX;
		c0 = copied_total();
		for (k = 0; k < passes; k++)
			pu_pass(&r);
		snprintf(name, sizeof(name), "%s, %s", pu_down ?
		    "m_pulldown 14..54" : "m_pullup 54", what);
		bench_row(name, &r, NULL);
		printf("  %-34s %10s bytes copied per call\n", "", bench_fix2(
		    (copied_total() - c0) * 100 / ((uint64_t)passes * PU_BATCH),
		    a, sizeof(a)));
	}
}

static long lw_chainlen, lw_total;
static long b_lwip_copy(long n) { return (peer_lwip_copy_partial(lw_chainlen, lw_total, n) ? n : 0); }
static long b_lwip_cksum(long n) { return (peer_lwip_cksum(lw_chainlen, lw_total, n)); }

void
bench_chain(void)
{
	static const int sizes[] = { 16384, 65536, 262144 };
	struct bres ref, r;
	char name[64], a[24];
	long n;

	for (size_t i = 0; i < sizeof(flat); i++)
		flat[i] = (char)(i * 7 + 3);

	bench_header("2. chain calls (ratio = cycles / memcpy of the same "
	    "bytes)", "ns/call");
	for (size_t i = 0; i < nitems(sizes); i++) {
		chain_len = sizes[i];
		chain = build_chain(chain_len, MCLBYTES);
		n = bench_iters / 20 + 1;
		bench_measure(b_memcpy_chainlen, n, &ref);
		snprintf(name, sizeof(name), "memcpy %d KiB", chain_len / 1024);
		bench_row(name, &ref, &ref);
		bench_measure(b_copym, n, &r);
		snprintf(name, sizeof(name), "m_copym %d KiB (%d mbufs)",
		    chain_len / 1024, nmbufs(chain));
		bench_row(name, &r, &ref);
		printf("  %-34s %10s ns per mbuf\n", "", bench_fix2(r.ns * 100 /
		    ((uint64_t)r.ops * nmbufs(chain)), a, sizeof(a)));
		bench_measure(b_dup, n, &r);
		snprintf(name, sizeof(name), "m_dup %d KiB (deep copy)",
		    chain_len / 1024);
		bench_row(name, &r, &ref);
		m_freem(chain);
	}

	chain_len = 1500;
	chain = build_chain(chain_len, 500);
	n = bench_iters;
	bench_measure(b_memcpy_chainlen, n, &ref);
	bench_row("memcpy 1500 B", &ref, &ref);
	bench_measure(b_copydata, n, &r);
	bench_row("m_copydata 1500 B, 3 mbufs", &r, &ref);
	bench_measure(b_copyback, n, &r);
	bench_row("m_copyback 1500 B, 3 mbufs", &r, &ref);
	lw_chainlen = 3;
	lw_total = 1500;
	bench_measure(b_lwip_copy, n, &r);
	bench_row("lwIP pbuf_copy_partial 1500 B, 3", &r, &ref);

	bench_header("   checksum (ratio = cycles / in_cksum over the flat "
	    "bytes)", "ns/call");
	bench_measure(b_cksum_flat, n, &ref);
	bench_row("in_cksum_flat 1500 B", &ref, &ref);
	bench_measure(b_cksum_chain, n, &r);
	bench_row("in_cksum 1500 B, 3 mbufs", &r, &ref);
	bench_measure(b_lwip_cksum, n, &r);
	bench_row("lwIP inet_chksum_pbuf 1500 B, 3", &r, &ref);
	m_freem(chain);

	bench_header("   header pull-up (packets built outside the timing)",
	    "ns/call");
	pu_split = 0;
	pullup_rows("already contiguous");
	pu_split = 1;
	pullup_rows("split at 14");
}
