/*
 * fuzz_frame6.c: fuzz target "frame6": IPv6 packets through the stack,
 * built from the input so that the fuzzer gets past the checksums.
 *
 * The "frame" target takes whole Ethernet frames; a mutated IPv6 frame
 * there almost never has a right ICMPv6 or UDP checksum (RFC 8200 8.1:
 * the pseudo header covers both addresses), and a fragmented one never
 * does.  Here an input is a run of records -- a control byte, a 16-bit
 * big-endian length and that many bytes: flags, hop limit, next header,
 * aux, then the packet's payload (what follows the IPv6 header) -- and
 * this file writes the Ethernet and IPv6 headers (from 2001:db8::1 or
 * fe80::1 of 02:00:00:00:00:01), finds the upper-layer header behind
 * the extension headers and sets its checksum, then gives the frame to
 * fuzz_frame_input (fuzz_frame.c), which cuts it into a random chain.
 *
 * flags:  bits 0-1  destination: 2001:db8::2, our link-local address,
 *                   our solicited-node group, all-nodes (ff02::1)
 *         bit 2     source fe80::1 instead of 2001:db8::1
 *         bit 3     payload length off by aux - 128 (not fragmenting)
 *         bit 4     fragment: the payload, checksummed whole, is sent
 *                   as fragments of 8 * (1 + aux % 64) bytes (at most
 *                   FZ6_MAXFRAGS; larger when needed) behind a fragment
 *                   header naming the next header
 *         bit 5     leave the checksum as the input has it
 *         bit 6     fragments in reverse order
 *         bit 7     a UDP header's length set to what follows it
 *
 * The control byte's low bits advance the clock after the record (after
 * its last fragment), as in "frame".  After the input every mbuf,
 * cluster and external buffer must be back (fuzz_leak_check).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <net/in.h>
#include <net/if.h>
#include <net/if_ether.h>
#include <net/ip6.h>

#include "fuzz.h"

#define FZ6_MAXFRAGS	64
#define FZ6_MAXPAYLOAD	65535

#define FZ6_DST		0x03
#define FZ6_SRCLL	0x04
#define FZ6_BADPLEN	0x08
#define FZ6_FRAG	0x10
#define FZ6_KEEPSUM	0x20
#define FZ6_REVERSE	0x40
#define FZ6_UDPLEN	0x80

static const uint8_t fz6_peer[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t fz6_us[6] = { 2, 0, 0, 0, 0, 2 };
static uint8_t fz6_frame[14 + 40 + 8 + FZ6_MAXPAYLOAD];
static uint8_t fz6_dgram[FZ6_MAXPAYLOAD];
static uint32_t fz6_ident;

/* The sum of RFC 1071 over len bytes at p, added to sum; not folded. */
static uint32_t
fz6_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += ((uint32_t)p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return (sum);
}

static void
fz6_addrs(uint8_t flags, uint8_t *src, uint8_t *dst, uint8_t *dmac)
{
	memset(src, 0, 16);
	memset(dst, 0, 16);
	if (flags & FZ6_SRCLL) {
		src[0] = 0xfe;
		src[1] = 0x80;
	} else {
		src[0] = 0x20;
		src[1] = 0x01;
		src[2] = 0x0d;
		src[3] = 0xb8;
	}
	src[15] = 1;
	memcpy(dmac, fz6_us, 6);
	switch (flags & FZ6_DST) {
	case 0:			/* 2001:db8::2 */
		dst[0] = 0x20;
		dst[1] = 0x01;
		dst[2] = 0x0d;
		dst[3] = 0xb8;
		dst[15] = 2;
		break;
	case 1:			/* fe80::ff:fe00:2, from fz0's MAC */
		dst[0] = 0xfe;
		dst[1] = 0x80;
		dst[11] = 0xff;
		dst[12] = 0xfe;
		dst[15] = 2;
		break;
	case 2:			/* ff02::1:ff00:2 */
		dst[0] = 0xff;
		dst[1] = 0x02;
		dst[11] = 1;
		dst[12] = 0xff;
		dst[15] = 2;
		break;
	default:		/* ff02::1 */
		dst[0] = 0xff;
		dst[1] = 0x02;
		dst[15] = 1;
		break;
	}
	if (dst[0] == 0xff) {
		dmac[0] = dmac[1] = 0x33;
		memcpy(dmac + 2, dst + 12, 4);
	}
}

/*
 * Walk the extension headers of payload p (len bytes, first header
 * nxt) as ip6_input would and set the ICMPv6 or UDP checksum behind
 * them; a fragment other than an atomic one ends the walk unsummed.
 */
static void
fz6_fixsum(uint8_t flags, uint8_t *p, size_t len, int nxt,
    const uint8_t *src, const uint8_t *dst)
{
	size_t off = 0, n;
	uint32_t sum;
	uint16_t c;
	int at;

	for (;;) {
		if (nxt == IPPROTO_HOPOPTS || nxt == IPPROTO_DSTOPTS ||
		    nxt == IPPROTO_ROUTING) {
			if (off + 2 > len)
				return;
			nxt = p[off];
			off += ((size_t)p[off + 1] + 1) * 8;
		} else if (nxt == IPPROTO_FRAGMENT) {
			if (off + 8 > len || (be16dec(p + off + 2) &
			    (IP6F_OFF_MASK | IP6F_MORE_FRAG)) != 0)
				return;
			nxt = p[off];
			off += 8;
		} else
			break;
	}
	if (nxt == IPPROTO_ICMPV6)
		at = 2;
	else if (nxt == IPPROTO_UDP)
		at = 6;
	else
		return;
	if (off + at + 2 > len)
		return;
	n = len - off;
	if (nxt == IPPROTO_UDP && (flags & FZ6_UDPLEN))
		be16enc(p + off + 4, (uint16_t)n);
	p[off + at] = p[off + at + 1] = 0;
	sum = fz6_sum(src, 16, 0);
	sum = fz6_sum(dst, 16, sum);
	sum += (uint32_t)(n >> 16) + (uint32_t)(n & 0xffff) + (uint32_t)nxt;
	sum = fz6_sum(p + off, n, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	c = ~sum & 0xffff;
	if (nxt == IPPROTO_UDP && c == 0)
		c = 0xffff;
	be16enc(p + off + at, c);
}

/* Ethernet and IPv6 headers into fz6_frame; returns their length. */
static size_t
fz6_headers(uint8_t flags, uint8_t hlim, int nxt, size_t plen,
    const uint8_t *src, const uint8_t *dst, const uint8_t *dmac)
{
	uint8_t *f = fz6_frame;

	memcpy(f, dmac, 6);
	memcpy(f + 6, fz6_peer, 6);
	be16enc(f + 12, ETHERTYPE_IPV6);
	be32enc(f + 14, 0x60000000);
	be16enc(f + 18, (uint16_t)plen);
	f[20] = nxt;
	f[21] = hlim;
	memcpy(f + 22, src, 16);
	memcpy(f + 38, dst, 16);
	return (14 + 40);
}

/* The payload p (len bytes, next header nxt) as fragments. */
static void
fz6_fragments(uint8_t ctl, uint8_t flags, uint8_t hlim, int nxt,
    uint8_t aux, const uint8_t *p, size_t len, const uint8_t *src,
    const uint8_t *dst, const uint8_t *dmac)
{
	size_t size = 8 * (1 + (size_t)(aux % 64)), nfrag, i, k, off, n, h;

	if ((len + size - 1) / size > FZ6_MAXFRAGS)
		size = roundup((len + FZ6_MAXFRAGS - 1) / FZ6_MAXFRAGS, 8);
	nfrag = len == 0 ? 1 : (len + size - 1) / size;
	fz6_ident++;
	for (k = 0; k < nfrag; k++) {
		i = (flags & FZ6_REVERSE) ? nfrag - 1 - k : k;
		off = i * size;
		n = MIN(size, len - off);
		h = fz6_headers(flags, hlim, IPPROTO_FRAGMENT, 8 + n, src, dst,
		    dmac);
		fz6_frame[h] = nxt;
		fz6_frame[h + 1] = 0;
		be16enc(fz6_frame + h + 2, (uint16_t)(off |
		    (i + 1 < nfrag ? IP6F_MORE_FRAG : 0)));
		be32enc(fz6_frame + h + 4, fz6_ident);
		memcpy(fz6_frame + h + 8, p + off, n);
		/* The clock moves after the last fragment only. */
		fuzz_frame_input(k + 1 < nfrag ? ctl & ~7 : ctl, fz6_frame,
		    h + 8 + n);
	}
}

static void
fz6_record(uint8_t ctl, const uint8_t *r, size_t rlen)
{
	uint8_t src[16], dst[16], dmac[6], flags, hlim, aux;
	size_t len, h, plen;
	int nxt;

	if (rlen < 4)
		return;
	flags = r[0];
	hlim = r[1];
	nxt = r[2];
	aux = r[3];
	len = MIN(rlen - 4, sizeof(fz6_dgram));
	memcpy(fz6_dgram, r + 4, len);
	fz6_addrs(flags, src, dst, dmac);
	if ((flags & FZ6_KEEPSUM) == 0)
		fz6_fixsum(flags, fz6_dgram, len, nxt, src, dst);
	if (flags & FZ6_FRAG) {
		fz6_fragments(ctl, flags, hlim, nxt, aux, fz6_dgram, len, src,
		    dst, dmac);
		return;
	}
	plen = len;
	if (flags & FZ6_BADPLEN)
		plen = (len + aux - 128) & 0xffff;
	h = fz6_headers(flags, hlim, nxt, plen, src, dst, dmac);
	memcpy(fz6_frame + h, fz6_dgram, len);
	fuzz_frame_input(ctl, fz6_frame, h + len);
}

int
fuzz_frame6_one(const uint8_t *data, size_t size)
{
	struct fuzz_mark k;
	size_t pos = 0, len;

	fuzz_leak_mark(&k);
	while (pos + 3 <= size) {
		len = ((size_t)data[pos + 1] << 8) | data[pos + 2];
		if (len > size - pos - 3)
			len = size - pos - 3;
		fz6_record(data[pos], data + pos + 3, len);
		pos += 3 + len;
	}
	fuzz_leak_check(&k, "fuzz_frame6");
	return (0);
}
