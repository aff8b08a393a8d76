/*
 * tests/pthread/pt_dpdk.c: DPDK's rte_mempool with a per-lcore cache on
 * one and two lcores, beside the threads-as-CPUs rows of pt_bench.c.
 * The pool and the loop are the benchmark peer's
 * (tests/bench/peer/peer_dpdk.c: rte_pktmbuf_alloc and
 * rte_pktmbuf_free on a pool with a cache of 256); this file only runs
 * that loop on the main lcore and, for two, on a worker lcore at once
 * (rte_eal_remote_launch), since DPDK's cache is per lcore and a thread
 * that is no lcore has none.
 *
 * Invariants: the EAL pins the thread that calls rte_eal_init to its
 * first core; pt_dpdk_init puts that thread's affinity back as it was,
 * so the pt_run threads it creates later are not pinned with it.
 * Without DPDK (built without PT_DPDK) every call says "not here".
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#ifdef PT_DPDK
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include "peer.h"
#endif

#include <sys/mbuf_port.h>
#include "pt.h"

int	pt_dpdk_init(void);
int	pt_dpdk_lcores(void);
int64_t	pt_dpdk_run(int nlcores, long iters);

#ifdef PT_DPDK
struct pt_dpdk_arg {
	long		iters;
	uint64_t	t0, t1;
};

static int
pt_dpdk_loop(void *v)
{
	struct pt_dpdk_arg *a = v;

	a->t0 = pt_nsec();
	(void)peer_dpdk_pairs(1, a->iters);
	a->t1 = pt_nsec();
	return (0);
}
#endif

/* 0 when the EAL and the peer's pools are up, -1 otherwise. */
int
pt_dpdk_init(void)
{
#ifdef PT_DPDK
	cpu_set_t set;
	int have, r;

	have = pthread_getaffinity_np(pthread_self(), sizeof(set), &set) == 0;
	r = peer_dpdk_init();
	if (have)
		(void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	return (r);
#else
	return (-1);
#endif
}

int
pt_dpdk_lcores(void)
{
#ifdef PT_DPDK
	return ((int)rte_lcore_count());
#else
	return (0);
#endif
}

/*
 * Wall-clock nanoseconds for nlcores lcores (1 or 2) each running iters
 * cached alloc+free pairs at once; -1 when there are not so many.
 */
int64_t
pt_dpdk_run(int nlcores, long iters)
{
#ifdef PT_DPDK
	struct pt_dpdk_arg a[2] = { { .iters = iters }, { .iters = iters } };
	unsigned int w = 0;
	uint64_t t0, t1;

	if (nlcores < 1 || nlcores > 2 || pt_dpdk_lcores() < nlcores)
		return (-1);
	if (nlcores == 2) {
		w = rte_get_next_lcore(-1, 1, 0);
		if (rte_eal_remote_launch(pt_dpdk_loop, &a[1], w) != 0)
			return (-1);
	}
	pt_dpdk_loop(&a[0]);
	t0 = a[0].t0;
	t1 = a[0].t1;
	if (nlcores == 2) {
		rte_eal_wait_lcore(w);
		t0 = MIN(t0, a[1].t0);
		t1 = MAX(t1, a[1].t1);
	}
	return ((int64_t)(t1 - t0));
#else
	(void)nlcores;
	(void)iters;
	return (-1);
#endif
}
