/*
 * peer_dpdk.c: DPDK's rte_mbuf on a mempool, with and without a
 * per-lcore cache, as the benchmark's second peer.  The EAL runs with
 * --no-huge --no-pci --no-shconf so that it needs neither hugepages nor
 * devices.  Each function returns its count of successful operations.
 */
#include <stdio.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "peer.h"

static struct rte_mempool *dpdk_pool[2];	/* no cache, cache 256 */
static int dpdk_ready = -1;

int
peer_dpdk_init(void)
{
	char *argv[] = { "bench", "--no-huge", "--no-pci", "-m", "512",
	    "--no-telemetry", "--no-shconf", "--log-level=lib.*:error", NULL };

	if (dpdk_ready >= 0)
		return (dpdk_ready);
	if (rte_eal_init(8, argv) < 0) {
		fprintf(stderr, "peer_dpdk: rte_eal_init: %s\n",
		    rte_strerror(rte_errno));
		return (dpdk_ready = -1);
	}
	dpdk_pool[0] = rte_pktmbuf_pool_create("nocache", 16383, 0, 0,
	    RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	dpdk_pool[1] = rte_pktmbuf_pool_create("cache", 16383, 256, 0,
	    RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	dpdk_ready = dpdk_pool[0] != NULL && dpdk_pool[1] != NULL ? 0 : -1;
	return (dpdk_ready);
}

long
peer_dpdk_pairs(int cache, long iters)
{
	struct rte_mempool *mp = dpdk_pool[cache != 0];
	long ok = 0;

	for (long i = 0; i < iters; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

		if (m == NULL)
			continue;
		rte_pktmbuf_free(m);
		ok++;
	}
	return (ok);
}

long
peer_dpdk_hold(int cache, int hold, long rounds)
{
	static struct rte_mbuf *held[8192];
	struct rte_mempool *mp = dpdk_pool[cache != 0];
	long ok = 0;
	int n;

	if (hold > 8192)
		hold = 8192;
	for (long r = 0; r < rounds; r++) {
		for (n = 0; n < hold; n++)
			if ((held[n] = rte_pktmbuf_alloc(mp)) == NULL)
				break;
		ok += n;
		while (n > 0)
			rte_pktmbuf_free(held[--n]);
	}
	return (ok);
}

/*
 * Hold one mbuf chain per packet (segments of the default data room) and
 * return the bytes of mempool elements held; the payload through
 * *payload.  A short payload means the pool ran dry.
 */
long
peer_dpdk_imix_bytes(const int *sizes, int n, long *payload)
{
	static struct rte_mbuf *held[16384];
	struct rte_mempool *mp = dpdk_pool[0];
	long elt = mp->header_size + mp->elt_size + mp->trailer_size;
	long bytes = 0, pay = 0;
	int room = RTE_MBUF_DEFAULT_DATAROOM, k = 0;

	for (int i = 0; i < n; i++) {
		int segs = (sizes[i] + room - 1) / room, s;

		if (k + segs > 16384)
			break;
		for (s = 0; s < segs; s++)
			if ((held[k + s] = rte_pktmbuf_alloc(mp)) == NULL)
				break;
		k += s;
		bytes += s * elt;
		if (s < segs)
			break;
		pay += sizes[i];
	}
	while (k > 0)
		rte_pktmbuf_free(held[--k]);
	*payload = pay;
	return (bytes);
}
