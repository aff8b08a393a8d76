/*
 * tests/pthread/pt_bench.c: allocation pairs per second on the
 * threads-as-CPUs port (each POSIX thread a CPU; -O2, no DIAGNOSTIC, no
 * sanitizer), beside DPDK's mempool with a per-lcore cache, for
 * "make bench" (tests/bench/run.sh, section 8).
 *
 *   pt_bench		PT_ITERS pairs a thread a run (2000000),
 *			PT_RUNS runs a row (7), PT_ROWS a bit mask of the
 *			rows to run (all; bit 0 the first row)
 *
 * Rows: m_get+m_free and m_getcl+m_freem on 1 and 2 CPUs at once (each
 * CPU its own loop; the 2-CPU figure is both CPUs' pairs over the wall
 * time from the first start to the last end), the cross-CPU case (CPU 0
 * allocates, CPU 1 frees what it receives through a single-producer
 * ring of 256 slots), and DPDK's cached rte_pktmbuf pair on 1 and 2
 * lcores.  Every row is run PT_RUNS times, the rows taking turns so
 * that the machine's load falls on all of them alike; each figure is
 * the median, with the fastest and slowest run beside it.  Figures,
 * never pass/fail.
 *
 * Invariants: nothing is held between rows (each loop frees what it
 * took; the ring is empty when a cross-CPU run returns).
 */
#include <sys/mbuf_port.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include "pt.h"

int	pt_dpdk_init(void);
int	pt_dpdk_lcores(void);
int64_t	pt_dpdk_run(int nlcores, long iters);

#define PB_MAXRUNS	15
#define PB_RING		256	/* the cross-CPU ring's slots */

enum { PB_MGET, PB_MGETCL, PB_CROSS, PB_DPDK, PB_NKIND };

struct pb_row {
	const char	*r_name;
	int		 r_kind;
	int		 r_ncpu;
	int64_t		 r_ns[PB_MAXRUNS];	/* wall time of each run */
	long		 r_pairs;		/* pairs in one run */
	bool		 r_na;
};

static long pb_iters = 2000000;
static long pb_runs = 7;
static uint64_t pb_t0[MBP_MAXCPUS], pb_t1[MBP_MAXCPUS];
static int pb_kind;

/* The cross-CPU ring: CPU 0 produces, CPU 1 consumes. */
static struct mbuf *pb_ring[PB_RING];
static u_long pb_head __attribute__((aligned(64)));	/* written by 0 */
static u_long pb_tail __attribute__((aligned(64)));	/* written by 1 */

static void
pb_loop_mget(long n)
{
	struct mbuf *m;
	long i;

	for (i = 0; i < n; i++) {
		m = m_get(M_DONTWAIT, MT_DATA);
		if (__predict_false(m == NULL))
			mbp_panic("pt_bench: m_get failed");
		m_free(m);
	}
}

static void
pb_loop_mgetcl(long n)
{
	struct mbuf *m;
	long i;

	for (i = 0; i < n; i++) {
		m = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
		if (__predict_false(m == NULL))
			mbp_panic("pt_bench: m_getcl failed");
		m_freem(m);
	}
}

/* The other end is not there yet: spin, then give the core away. */
static inline void
pb_pause(int *spins)
{
	if (++*spins < 64)
		__builtin_ia32_pause();
	else {
		*spins = 0;
		pt_yield();
	}
}

static void
pb_produce(long n)
{
	struct mbuf *m;
	u_long h = 0;
	long i;
	int spins = 0;

	for (i = 0; i < n; i++) {
		m = m_get(M_DONTWAIT, MT_DATA);
		if (__predict_false(m == NULL))
			mbp_panic("pt_bench: m_get failed");
		while (h - __atomic_load_n(&pb_tail, __ATOMIC_ACQUIRE) >=
		    PB_RING)
			pb_pause(&spins);
		pb_ring[h % PB_RING] = m;
		__atomic_store_n(&pb_head, ++h, __ATOMIC_RELEASE);
	}
}

static void
pb_consume(long n)
{
	u_long t = 0;
	long i;
	int spins = 0;

	for (i = 0; i < n; i++) {
		while (__atomic_load_n(&pb_head, __ATOMIC_ACQUIRE) == t)
			pb_pause(&spins);
		m_free(pb_ring[t % PB_RING]);
		__atomic_store_n(&pb_tail, ++t, __ATOMIC_RELEASE);
	}
}

static void
pb_cpu(int cpu, void *arg)
{
	long n = *(long *)arg;

	pt_barrier();
	pb_t0[cpu] = pt_nsec();
	switch (pb_kind) {
	case PB_MGET:
		pb_loop_mget(n);
		break;
	case PB_MGETCL:
		pb_loop_mgetcl(n);
		break;
	case PB_CROSS:
		if (cpu == 0)
			pb_produce(n);
		else
			pb_consume(n);
		break;
	}
	pb_t1[cpu] = pt_nsec();
}

/* One run of a row: wall nanoseconds, first start to last end. */
static int64_t
pb_run(struct pb_row *r, long n)
{
	uint64_t t0, t1;
	int i;

	if (r->r_kind == PB_DPDK)
		return (pt_dpdk_run(r->r_ncpu, n));
	pb_kind = r->r_kind;
	pb_head = pb_tail = 0;
	pt_run(r->r_ncpu, pb_cpu, &n);
	t0 = pb_t0[0];
	t1 = pb_t1[0];
	for (i = 1; i < r->r_ncpu; i++) {
		t0 = MIN(t0, pb_t0[i]);
		t1 = MAX(t1, pb_t1[i]);
	}
	return ((int64_t)(t1 - t0));
}

static int64_t
pb_median(const struct pb_row *r)
{
	int64_t v[PB_MAXRUNS], x;
	int i, j;

	for (i = 0; i < pb_runs; i++) {
		x = r->r_ns[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return (v[pb_runs / 2]);
}

static int64_t
pb_extreme(const struct pb_row *r, bool max)
{
	int64_t x = r->r_ns[0];
	int i;

	for (i = 1; i < pb_runs; i++)
		if (max ? r->r_ns[i] > x : r->r_ns[i] < x)
			x = r->r_ns[i];
	return (x);
}

/* x as "d.ddx" in buf (mbp_printf has no %f). */
static void
pb_fmtratio(char *buf, double x)
{
	int w = (int)(x * 100.0 + 0.5), f = w % 100;

	buf[0] = (char)('0' + w / 100 % 10);
	buf[1] = '.';
	buf[2] = (char)('0' + f / 10);
	buf[3] = (char)('0' + f % 10);
	buf[4] = 'x';
	buf[5] = '\0';
}

/* Nanoseconds a pair on one CPU, the median run. */
static double
pb_ns(const struct pb_row *r)
{
	return ((double)pb_median(r) * r->r_ncpu / (double)r->r_pairs);
}

/* Pairs a second, in millions, from wall ns and the pairs done. */
static void
pb_print(const struct pb_row *r, const struct pb_row *one)
{
	long pairs = r->r_pairs;
	int64_t med = pb_median(r);
	double mps = (double)pairs * 1e3 / (double)med;
	double ns = pb_ns(r);
	double lo = (double)pb_extreme(r, false) * r->r_ncpu / (double)pairs;
	double hi = (double)pb_extreme(r, true) * r->r_ncpu / (double)pairs;
	char ratio[16];

	if (r->r_na) {
		mbp_printf("  %-32s %8s\n", r->r_name, "n/a");
		return;
	}
	ratio[0] = '\0';
	if (one != NULL && !one->r_na)
		/* 2 CPUs' pairs a second over 1 CPU's, two decimals. */
		pb_fmtratio(ratio, mps / ((double)one->r_pairs * 1e3 /
		    (double)pb_median(one)));
	/* mbp_printf has no %f: tenths by hand. */
	mbp_printf("  %-32s %5ld.%02ld %5ld.%ld %6ld.%ld-%ld.%ld",
	    r->r_name, (long)mps, (long)(mps * 100) % 100, (long)ns,
	    (long)(ns * 10) % 10, (long)lo, (long)(lo * 10) % 10, (long)hi,
	    (long)(hi * 10) % 10);
	mbp_printf(ratio[0] != '\0' ? " %5s\n" : "\n", ratio);
}

int
main(int argc, char **argv)
{
	static struct pb_row rows[] = {
		{ .r_name = "m_get+m_free, 1 CPU",
		  .r_kind = PB_MGET, .r_ncpu = 1 },
		{ .r_name = "m_get+m_free, 2 CPUs",
		  .r_kind = PB_MGET, .r_ncpu = 2 },
		{ .r_name = "m_getcl+m_freem, 1 CPU",
		  .r_kind = PB_MGETCL, .r_ncpu = 1 },
		{ .r_name = "m_getcl+m_freem, 2 CPUs",
		  .r_kind = PB_MGETCL, .r_ncpu = 2 },
		{ .r_name = "m_get on CPU 0, m_free on 1",
		  .r_kind = PB_CROSS, .r_ncpu = 2 },
		{ .r_name = "DPDK cached pair, 1 lcore",
		  .r_kind = PB_DPDK, .r_ncpu = 1 },
		{ .r_name = "DPDK cached pair, 2 lcores",
		  .r_kind = PB_DPDK, .r_ncpu = 2 },
	};
	bool dpdk;
	long run, warm, mask = -1;
	size_t i;

	(void)argc;
	(void)argv;
	pt_init();
	(void)pt_getenv_long("PT_ITERS", &pb_iters);
	(void)pt_getenv_long("PT_RUNS", &pb_runs);
	(void)pt_getenv_long("PT_ROWS", &mask);
	pb_runs = MAX(1, MIN(pb_runs, PB_MAXRUNS));
	mbinit();
	/* The EAL only when a DPDK row is asked for (the last two). */
	dpdk = (mask & (3L << (nitems(rows) - 2))) != 0 && pt_dpdk_init() == 0;
	for (i = 0; i < nitems(rows); i++) {
		rows[i].r_pairs = pb_iters * (rows[i].r_kind == PB_CROSS ? 1 :
		    rows[i].r_ncpu);
		rows[i].r_na = (rows[i].r_kind == PB_DPDK &&
		    (!dpdk || pt_dpdk_lcores() < rows[i].r_ncpu)) ||
		    (mask & (1L << i)) == 0;
	}
	/* Warm-up: a run of each, not counted. */
	for (i = 0; i < nitems(rows); i++)
		if (!rows[i].r_na)
			(void)pb_run(&rows[i], pb_iters / 4);
	for (run = 0; run < pb_runs; run++)
		for (i = 0; i < nitems(rows); i++)
			if (!rows[i].r_na &&
			    (rows[i].r_ns[run] = pb_run(&rows[i], pb_iters)) <= 0)
				rows[i].r_na = true;
	warm = pb_iters / 4;
	mbp_printf("8. SMP: allocation pairs on the threads-as-CPUs port "
	    "(tests/pthread, -O2),\n   each thread a CPU; %ld pairs a CPU a "
	    "run, %ld runs a row, the rows taking\n   turns, after %ld "
	    "warm-up pairs; the median run, the fastest-slowest beside\n"
	    "   it; DPDK %s\n", pb_iters, pb_runs, warm, dpdk ? "linked" :
	    "not linked (n/a)");
	mbp_printf("  %-32s %8s %7s %13s %5s\n", "", "Mpairs/s", "ns/pair",
	    "range ns", "2/1");
	for (i = 0; i < nitems(rows); i++)
		pb_print(&rows[i], rows[i].r_ncpu == 2 && i > 0 &&
		    rows[i - 1].r_kind == rows[i].r_kind ? &rows[i - 1] : NULL);
	mbp_printf("  (ns/pair is per CPU: wall time x CPUs / pairs; the "
	    "cross-CPU row counts\n   the mbufs passed, on 2 CPUs; 2/1 is "
	    "pairs a second on 2 over 1; DPDK's own\n   2/1 in the same run "
	    "is the yardstick of how much of a second core the\n   machine "
	    "gave, the targets being ours >= 1.8x and 1 CPU no dearer than\n"
	    "   DPDK's cached pair)\n");
	if (!rows[0].r_na && !rows[5].r_na) {
		char ratio[16];

		pb_fmtratio(ratio, pb_ns(&rows[0]) / pb_ns(&rows[5]));
		mbp_printf("  m_get+m_free on 1 CPU over DPDK's cached pair on 1 "
		    "lcore: %s the time\n", ratio);
	}
	if (mpipe_total_out() != 0 || mbstat_mbufs() != 0)
		mbp_panic("pt_bench: %ld pipe buffers still out",
		    mpipe_total_out());
	pt_exit(0);
}
