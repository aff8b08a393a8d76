/*
 * bench.c: "make bench", the host-side benchmarks (kernel side).
 *
 * Linked only into build/bench/kernel (optimised, no DIAGNOSTIC, no
 * sanitizers) beside the peers lwIP and DPDK (tests/bench/peer/).  Every
 * figure is measured in this run beside its reference and printed with
 * the ratio; each timing is the best of BENCH_REPS runs, because these
 * machines are shared and noise only ever adds time.  The allocation
 * rows go further: each row and the free list are run alternately
 * (bench_pair), and the row's ratio is to the free list of its own
 * rounds, so a burst of load from a neighbour slows both sides of a
 * ratio, not one row.  Nothing here
 * passes or fails.  bench=NAME on the command line picks a section
 * (alloc, chain, memory, scaling, or all); iters=N scales the loops;
 * bench=loop:NAME runs one loop once for callgrind (tests/bench/run.sh).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/queue.h>
#include <sys/machdep.h>

#include "../peer/peer.h"
#include "bench.h"

#define BENCH_REPS	5
/*
 * bench_pair alternates more often, in shorter runs: the host's other
 * hardware thread, when busy, halves the throughput of wide code (an
 * allocation) for seconds at a time but hardly slows a latency-bound
 * loop (the free list), so a ratio needs rounds spread over time.
 */
#define BENCH_PAIR_REPS	15

long bench_iters = 200000;
static int have_lwip, have_dpdk;

/* Time fn(n) once. */
static void
bench_measure1(long (*fn)(long), long n, struct bres *r)
{
	uint64_t t0 = md_nanotime(), c0 = md_cycles();

	r->ops = fn(n);
	r->cyc = md_cycles() - c0;
	r->ns = md_nanotime() - t0;
}

/* Time fn(n) BENCH_REPS times; keep the fastest.  Returns ops done. */
long
bench_measure(long (*fn)(long), long n, struct bres *r)
{
	struct bres one;

	r->ns = r->cyc = UINT64_MAX;
	for (int rep = 0; rep < BENCH_REPS; rep++) {
		bench_measure1(fn, n, &one);
		r->ns = MIN(r->ns, one.ns);
		r->cyc = MIN(r->cyc, one.cyc);
		r->ops = one.ops;
	}
	return (r->ops);
}

/*
 * Time fn(n) and reffn(n) alternately, BENCH_PAIR_REPS times each; keep
 * the fastest of each.  Returns fn's ops.
 */
long
bench_measure_vs(long (*fn)(long), long (*reffn)(long), long n,
    struct bres *r, struct bres *ref)
{
	struct bres one;

	r->ns = r->cyc = ref->ns = ref->cyc = UINT64_MAX;
	for (int rep = 0; rep < BENCH_PAIR_REPS; rep++) {
		bench_measure1(reffn, n, &one);
		ref->ns = MIN(ref->ns, one.ns);
		ref->cyc = MIN(ref->cyc, one.cyc);
		ref->ops = one.ops;
		bench_measure1(fn, n, &one);
		r->ns = MIN(r->ns, one.ns);
		r->cyc = MIN(r->cyc, one.cyc);
		r->ops = one.ops;
	}
	return (r->ops);
}

/* One row measured against its own reference (bench_measure_vs). */
void
bench_pair(const char *name, long (*fn)(long), long (*reffn)(long), long n)
{
	struct bres r, ref;

	bench_measure_vs(fn, reffn, n, &r, &ref);
	bench_row(name, &r, &ref);
}

/* "12.34" from a value scaled by 100. */
const char *
bench_fix2(uint64_t v100, char *buf, size_t len)
{
	snprintf(buf, len, "%llu.%02llu", (unsigned long long)(v100 / 100),
	    (unsigned long long)(v100 % 100));
	return (buf);
}

void
bench_row(const char *name, struct bres *r, struct bres *ref)
{
	char a[24], b[24], c[24];
	uint64_t ns100, cyc100, ratio100;

	if (r->ops <= 0) {
		printf("  %-34s %10s\n", name, "n/a");
		return;
	}
	ns100 = r->ns * 100 / r->ops;
	cyc100 = r->cyc * 100 / r->ops;
	ratio100 = ref != NULL && ref->ops > 0 && ref->cyc > 0 ?
	    (r->cyc * 100 * ref->ops) / (ref->cyc * r->ops) : 0;
	printf("  %-34s %10s %10s %8s\n", name, bench_fix2(ns100, a,
	    sizeof(a)), bench_fix2(cyc100, b, sizeof(b)), ref == NULL ? "" :
	    bench_fix2(ratio100, c, sizeof(c)));
}

void
bench_header(const char *title, const char *unit)
{
	printf("\n%s\n  %-34s %10s %10s %8s\n", title, "", unit, "cycles",
	    "ratio");
}

/* ---- allocation ------------------------------------------------------ */

/* The limit: a bare singly-linked free list, pop and push. */
struct fl_node {
	SLIST_ENTRY(fl_node) link;
	char pad[MSIZE - sizeof(void *)];
};
static SLIST_HEAD(, fl_node) fl_head;
static struct fl_node *fl_nodes;

/*
 * The reference allocator: pop and push, each behind a call as any
 * allocator's interface is, with no counters and no interrupt masking.
 */
__attribute__((noinline)) static void *
fl_alloc(void)
{
	struct fl_node *x = SLIST_FIRST(&fl_head);

	if (x != NULL)
		SLIST_REMOVE_HEAD(&fl_head, link);
	return (x);
}

__attribute__((noinline)) static void
fl_free(void *p)
{
	struct fl_node *x = p;

	SLIST_INSERT_HEAD(&fl_head, x, link);
}

static long
b_freelist(long n)
{
	for (long i = 0; i < n; i++)
		fl_free(fl_alloc());
	return (n);
}

#define HOLD	4096
static void *held[HOLD];

static long
b_freelist_hold(long rounds)
{
	for (long r = 0; r < rounds; r++) {
		for (int i = 0; i < HOLD; i++)
			held[i] = fl_alloc();
		for (int i = HOLD - 1; i >= 0; i--)
			fl_free(held[i]);
	}
	return (rounds * HOLD);
}

/*
 * The physical reference for a burst of mbufs: the free list holding
 * HOLD 256-byte objects, each written on the way out where m_get
 * writes an mbuf's header (its first 40 bytes) and read on the way back
 * where m_free reads it, so the same lines move in and out of the cache.
 */
static long
b_freelist_hold_hdr(long rounds)
{
	for (long r = 0; r < rounds; r++) {
		for (int i = 0; i < HOLD; i++) {
			uint64_t *w = fl_alloc();

			w[1] = w[2] = w[3] = w[4] = 0;
			held[i] = w;
		}
		for (int i = HOLD - 1; i >= 0; i--) {
			uint64_t *w = held[i];

			if (__predict_false(w[3] != 0))
				break;
			fl_free(w);
		}
	}
	return (rounds * HOLD);
}

/* msys_get of a small size: a class mbuf, its header in the block. */
static long
b_msys64(long n)
{
	long ok = 0;

	for (long i = 0; i < n; i++) {
		struct mbuf *m = msys_get(M_DONTWAIT, MT_DATA, 64);

		if (m != NULL) {
			m_free(m);
			ok++;
		}
	}
	return (ok);
}

static long
b_mget(long n)
{
	long ok = 0;

	for (long i = 0; i < n; i++) {
		struct mbuf *m = m_get(M_DONTWAIT, MT_DATA);

		if (m != NULL) {
			m_free(m);
			ok++;
		}
	}
	return (ok);
}

static long
b_mgethdr(long n)
{
	long ok = 0;

	for (long i = 0; i < n; i++) {
		struct mbuf *m = m_gethdr(M_DONTWAIT, MT_DATA);

		if (m != NULL) {
			m_freem(m);
			ok++;
		}
	}
	return (ok);
}

static long
b_mgetcl(long n)
{
	long ok = 0;

	for (long i = 0; i < n; i++) {
		struct mbuf *m = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);

		if (m != NULL) {
			m_freem(m);
			ok++;
		}
	}
	return (ok);
}

static long
b_mget_hold(long rounds)
{
	long ok = 0;

	for (long r = 0; r < rounds; r++) {
		int k;

		for (k = 0; k < HOLD; k++)
			if ((held[k] = m_get(M_DONTWAIT, MT_DATA)) == NULL)
				break;
		ok += k;
		while (k > 0)
			m_free(held[--k]);
	}
	return (ok);
}

/*
 * n m_get+m_free pairs while HOLD other mbufs are out, far above the
 * pipe's reserve: the pipe's array is empty, so each free and the next
 * m_get are a push and a pop (mpipe(9): back to malloc(9) only from a
 * full array).  Taking and giving back the HOLD is counted in the
 * figure, spread over the n pairs.
 */
static long
b_mget_above(long n)
{
	long ok;
	int k;

	for (k = 0; k < HOLD; k++)
		if ((held[k] = m_get(M_DONTWAIT, MT_DATA)) == NULL)
			break;
	ok = b_mget(n);
	while (k > 0)
		m_free(held[--k]);
	return (ok);
}

static long
b_mgetcl_hold(long rounds)
{
	long ok = 0;

	for (long r = 0; r < rounds; r++) {
		int k;

		for (k = 0; k < HOLD; k++)
			if ((held[k] = m_getcl(M_DONTWAIT, MT_DATA,
			    M_PKTHDR)) == NULL)
				break;
		ok += k;
		while (k > 0)
			m_freem(held[--k]);
	}
	return (ok);
}

/*
 * The burst rows against the single pair in the same rounds
 * (bench_measure_vs), as many pairs as the single row: the ratio the
 * issue asks about is then free of the machine's load, which moves
 * rows measured seconds apart by up to 2x.
 */
static long
b_freelist_burst(long n)
{
	return (b_freelist_hold(n / HOLD + 1));
}

static long
b_mget_burst(long n)
{
	return (b_mget_hold(n / HOLD + 1));
}

MALLOC_DEFINE(M_BENCH, "bench", "benchmarks");
static struct malloc_pipe bench_pipe;

static long
b_mpipe(long n)
{
	long ok = 0;

	for (long i = 0; i < n; i++) {
		void *p = mpipe_alloc_nowait(&bench_pipe);

		if (p != NULL) {
			mpipe_free(&bench_pipe, p);
			ok++;
		}
	}
	return (ok);
}

static long
b_mpipe_hold(long rounds)
{
	long ok = 0;

	for (long r = 0; r < rounds; r++) {
		int k;

		for (k = 0; k < HOLD; k++)
			if ((held[k] = mpipe_alloc_nowait(&bench_pipe)) ==
			    NULL)
				break;
		ok += k;
		while (k > 0)
			mpipe_free(&bench_pipe, held[--k]);
	}
	return (ok);
}

static long b_lwip_pool(long n) { return (peer_lwip_pairs(0, 64, n)); }
static long b_lwip_ram(long n) { return (peer_lwip_pairs(1, 64, n)); }
static long b_lwip_ram_hold(long r) { return (peer_lwip_hold(1, 64, HOLD, r)); }
static long b_lwip_pool_hold(long r)
{
	return (peer_lwip_hold(0, 64, peer_lwip_pool_size(), r));
}
static long b_dpdk_nocache(long n) { return (peer_dpdk_pairs(0, n)); }
static long b_dpdk_cache(long n) { return (peer_dpdk_pairs(256, n)); }
static long b_dpdk_nocache_hold(long r) { return (peer_dpdk_hold(0, HOLD, r)); }
static long b_dpdk_cache_hold(long r) { return (peer_dpdk_hold(256, HOLD, r)); }

/*
 * The first few hundred milliseconds of a run are slow for the code
 * measured first, by up to 2x (the CPU settling; seen on every run
 * here), so the allocation table starts after a second of the loops it
 * measures.
 */
static void
bench_warmup(void)
{
	uint64_t t0 = md_nanotime();

	while (md_nanotime() - t0 < 1000000000ULL) {
		b_freelist(100000);
		b_mget(100000);
		b_mpipe(100000);
	}
}

static void
bench_alloc(void)
{
	struct bres ref, refh;
	long n = bench_iters, rounds = bench_iters / HOLD + 1;

	bench_warmup();
	bench_header("1. allocation: one alloc+free pair (ratio = cycles / free "
	    "list; each row run\n   15 times alternately with the free list, "
	    "best of each)", "ns/pair");
	bench_measure(b_freelist, n, &ref);
	bench_row("free list pop+push calls (the limit)", &ref, &ref);
	bench_pair("m_get+m_free", b_mget, b_freelist, n);
	bench_pair("m_gethdr+m_freem", b_mgethdr, b_freelist, n);
	bench_pair("m_getcl+m_freem", b_mgetcl, b_freelist, n);
	bench_msys(n, b_freelist);
	bench_pair("mpipe_alloc_nowait+mpipe_free", b_mpipe, b_freelist, n);
	if (have_lwip) {
		bench_pair("lwIP pbuf_alloc+free PBUF_POOL", b_lwip_pool,
		    b_freelist, n);
		bench_pair("lwIP pbuf_alloc+free PBUF_RAM", b_lwip_ram,
		    b_freelist, n);
	}
	if (have_dpdk) {
		bench_pair("DPDK pktmbuf alloc+free, no cache", b_dpdk_nocache,
		    b_freelist, n);
		bench_pair("DPDK pktmbuf alloc+free, cache 256", b_dpdk_cache,
		    b_freelist, n);
	}

	bench_header("   with 4096 buffers held before freeing (per pair)",
	    "ns/pair");
	bench_measure(b_freelist_hold, rounds, &refh);
	bench_row("free list (the limit)", &refh, &refh);
	bench_pair("free list x4096, 40 B written", b_freelist_hold_hdr,
	    b_freelist_hold, rounds);
	bench_pair("m_get x4096, m_free x4096", b_mget_hold, b_freelist_hold,
	    rounds);
	bench_pair("m_getcl x4096, m_freem x4096", b_mgetcl_hold,
	    b_freelist_hold, rounds);
	bench_pair("m_get+m_free, 4096 others held", b_mget_above,
	    b_freelist, n);
	bench_pair("mpipe x4096", b_mpipe_hold, b_freelist_hold, rounds);
	printf("    (ratio = cycles / the single pair, alternately:)\n");
	bench_pair("free list x4096 / one pair", b_freelist_burst, b_freelist,
	    n);
	bench_pair("m_get x4096 / m_get+m_free", b_mget_burst, b_mget, n);
	if (have_lwip) {
		bench_pair("lwIP PBUF_RAM x4096", b_lwip_ram_hold,
		    b_freelist_hold, rounds);
		printf("    (lwIP's default PBUF_POOL holds only %d buffers:)\n",
		    peer_lwip_pool_size());
		bench_pair("lwIP PBUF_POOL x whole pool", b_lwip_pool_hold,
		    b_freelist_hold, rounds);
	}
	if (have_dpdk) {
		bench_pair("DPDK x4096, no cache", b_dpdk_nocache_hold,
		    b_freelist_hold, rounds);
		bench_pair("DPDK x4096, cache 256", b_dpdk_cache_hold,
		    b_freelist_hold, rounds);
	}
}

/* callgrind counts only inside this function (--toggle-collect). */
__attribute__((noinline)) long
bench_loop_entry(long (*fn)(long), long n)
{
	return (fn(n));
}

/* For callgrind: one named loop, once, so its instructions are counted. */
static const struct bench_loop {
	const char	*name;
	long		(*fn)(long);
} bench_loops[] = {
	{ "freelist", b_freelist },
	{ "freelist_hold", b_freelist_hold },
	{ "freelist_hold_hdr", b_freelist_hold_hdr },
	{ "m_get_hold", b_mget_hold },
	{ "m_getcl_hold", b_mgetcl_hold },
	{ "mpipe_hold", b_mpipe_hold },
	{ "m_get", b_mget },
	{ "m_get_above", b_mget_above },
	{ "m_gethdr", b_mgethdr },
	{ "m_getcl", b_mgetcl },
	{ "mpipe", b_mpipe },
	{ "msys64", b_msys64 },
	{ "lwip_pool", b_lwip_pool },
	{ "lwip_ram", b_lwip_ram },
	{ "dpdk_nocache", b_dpdk_nocache },
	{ "dpdk_cache", b_dpdk_cache },
};

void
bench_run(const char *what)
{
	long v;

	if (kenv_getint("iters", &v) && v > 0)
		bench_iters = v;
	fl_nodes = malloc(sizeof(*fl_nodes) * HOLD * 2, M_BENCH, M_WAITOK);
	for (int i = 0; i < HOLD * 2; i++)
		SLIST_INSERT_HEAD(&fl_head, &fl_nodes[i], link);
	mpipe_init(&bench_pipe, M_BENCH, MSIZE, HOLD, HOLD, MPF_NOZERO,
	    NULL, NULL, NULL);
	have_lwip = peer_lwip_init() == 0;
	have_dpdk = peer_dpdk_init() == 0;

	if (strncmp(what, "loop:", 5) == 0) {
		for (size_t i = 0; i < nitems(bench_loops); i++)
			if (strcmp(bench_loops[i].name, what + 5) == 0) {
				printf("loop %s: %ld ops\n", what + 5,
				    bench_loop_entry(bench_loops[i].fn,
				    bench_iters));
				md_exit(0);
			}
		printf("bench: no loop %s\n", what + 5);
		md_exit(1);
	}
	printf("bench: %ld iterations per figure, best of %d; peers: lwIP %s, "
	    "DPDK %s\n", bench_iters, BENCH_REPS, have_lwip ? "yes" : "no",
	    have_dpdk ? "yes" : "no");
	if (strcmp(what, "all") == 0 || strcmp(what, "alloc") == 0)
		bench_alloc();
	if (strcmp(what, "all") == 0 || strcmp(what, "chain") == 0)
		bench_chain();
	if (strcmp(what, "all") == 0 || strcmp(what, "memory") == 0)
		bench_memory();
	if (strcmp(what, "all") == 0 || strcmp(what, "scaling") == 0)
		bench_scaling();
	md_exit(0);
}
