/*
 * peer.h: the benchmark's view of its peers (lwIP, DPDK), shared by
 * the kernel-side benchmarks (kernel headers only) and the adapters in
 * tests/bench/peer/ (libc and the peers' headers).  Only plain C types
 * cross this line.  Each loop runs inside the peer's own object so that
 * every row pays the same call overhead: one call per loop, none per
 * iteration.
 */
#ifndef _BENCH_PEER_H_
#define _BENCH_PEER_H_

/* lwIP (liblwip-dev). kind: 0 PBUF_POOL, 1 PBUF_RAM. */
int	peer_lwip_init(void);
long	peer_lwip_pairs(int kind, int len, long iters);
long	peer_lwip_hold(int kind, int len, int hold, long rounds);
int	peer_lwip_pool_size(void);
int	peer_lwip_pool_bufsize(void);
long	peer_lwip_copy_partial(int chainlen, int total, long iters);
long	peer_lwip_cksum(int chainlen, int total, long iters);
long	peer_lwip_imix_bytes(const int *sizes, int n, long *payload);

/* DPDK (libdpdk-dev), EAL with --no-huge --no-pci. cache: 0 or 256. */
int	peer_dpdk_init(void);
long	peer_dpdk_pairs(int cache, long iters);
long	peer_dpdk_hold(int cache, int hold, long rounds);
long	peer_dpdk_imix_bytes(const int *sizes, int n, long *payload);

#endif /* !_BENCH_PEER_H_ */
