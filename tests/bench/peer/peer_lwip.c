/*
 * peer_lwip.c: lwIP's packet buffers, driven the way the kernel-side
 * benchmarks drive mbufs.  lwIP is Debian's liblwip (its default
 * lwipopts: PBUF_POOL of PBUF_POOL_SIZE buffers of PBUF_POOL_BUFSIZE).
 * Every function returns the number of successful operations, so a pool
 * that runs dry shows as a short count, never as a fast one.
 */
#include <stdio.h>
#include <string.h>
#include <lwip/init.h>
#include <lwip/pbuf.h>
#include <lwip/inet_chksum.h>

#include "peer.h"

static int lwip_ready;

int
peer_lwip_init(void)
{
	if (!lwip_ready) {
		lwip_init();
		lwip_ready = 1;
	}
	return (0);
}

int
peer_lwip_pool_size(void)
{
	return (PBUF_POOL_SIZE);
}

int
peer_lwip_pool_bufsize(void)
{
	return (PBUF_POOL_BUFSIZE);
}

static pbuf_type
kind2type(int kind)
{
	return (kind == 0 ? PBUF_POOL : PBUF_RAM);
}

long
peer_lwip_pairs(int kind, int len, long iters)
{
	pbuf_type t = kind2type(kind);
	long ok = 0;

	for (long i = 0; i < iters; i++) {
		struct pbuf *p = pbuf_alloc(PBUF_RAW, len, t);

		if (p == NULL)
			continue;
		pbuf_free(p);
		ok++;
	}
	return (ok);
}

long
peer_lwip_hold(int kind, int len, int hold, long rounds)
{
	static struct pbuf *held[8192];
	pbuf_type t = kind2type(kind);
	long ok = 0;
	int n;

	if (hold > 8192)
		hold = 8192;
	for (long r = 0; r < rounds; r++) {
		for (n = 0; n < hold; n++)
			if ((held[n] = pbuf_alloc(PBUF_RAW, len, t)) == NULL)
				break;
		ok += n;
		while (n > 0)
			pbuf_free(held[--n]);
	}
	return (ok);
}

static struct pbuf *
lwip_chain(int chainlen, int total)
{
	struct pbuf *head = NULL;
	int each = total / chainlen;

	for (int i = 0; i < chainlen; i++) {
		int len = i == chainlen - 1 ? total - each * i : each;
		struct pbuf *p = pbuf_alloc(PBUF_RAW, len, PBUF_RAM);

		if (p == NULL)
			break;
		memset(p->payload, 0x5a + i, len);
		if (head == NULL)
			head = p;
		else
			pbuf_cat(head, p);
	}
	return (head);
}

long
peer_lwip_copy_partial(int chainlen, int total, long iters)
{
	static char buf[65536];
	struct pbuf *p = lwip_chain(chainlen, total);
	long bytes = 0;

	if (p == NULL)
		return (0);
	for (long i = 0; i < iters; i++)
		bytes += pbuf_copy_partial(p, buf, total, 0);
	pbuf_free(p);
	return (bytes);
}

long
peer_lwip_cksum(int chainlen, int total, long iters)
{
	struct pbuf *p = lwip_chain(chainlen, total);
	volatile unsigned sum = 0;

	if (p == NULL)
		return (0);
	for (long i = 0; i < iters; i++)
		sum += inet_chksum_pbuf(p);
	pbuf_free(p);
	return (iters);
}

/*
 * Buffer bytes PBUF_POOL would hold for these packets: each packet is a
 * chain of pool buffers of PBUF_POOL_BUFSIZE (struct pbuf included, as
 * lwIP's pool element is header plus buffer).  Computed rather than
 * allocated, because the default pool holds only PBUF_POOL_SIZE.
 */
long
peer_lwip_imix_bytes(const int *sizes, int n, long *payload)
{
	long elt = LWIP_MEM_ALIGN_SIZE(sizeof(struct pbuf)) +
	    LWIP_MEM_ALIGN_SIZE(PBUF_POOL_BUFSIZE);
	long bytes = 0, pay = 0;

	for (int i = 0; i < n; i++) {
		bytes += ((sizes[i] + PBUF_POOL_BUFSIZE - 1) /
		    PBUF_POOL_BUFSIZE) * elt;
		pay += sizes[i];
	}
	*payload = pay;
	return (bytes);
}
