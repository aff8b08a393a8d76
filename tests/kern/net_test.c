/*
 * net_test.c: self-tests of the network stack over the loopback and a
 * capture interface (suite "net").
 *
 * A capture interface cap0 (192.0.2.130/25) stands for an Ethernet with
 * one peer, 192.0.2.131: the tests build the peer's frames byte by byte,
 * inject them (split into mbufs of various sizes so headers straddle
 * mbufs), run the input queues with netintr_poll, and check every byte
 * of what the stack sent back.  Each case ends with net_flush and
 * capif_destroy so that the harness finds every mbuf, cluster and
 * malloc'd byte given back.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/proc.h>
#include <sys/selftest.h>
#include "mbuf_testlib.h"
#include <sys/mpipe.h>
#include <sys/msys.h>

#include <net/in.h>
#include <net/ip.h>
#include <net/icmp.h>
#include <net/udp.h>
#include <net/if.h>
#include <net/if_ether.h>
#include <net/ip_var.h>

int	ping_run(struct in_addr, int, int, int, int);
extern int ping_wait_ms;		/* net/ip_icmp.c */

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
#define OUR_IP		0xc0000282U	/* 192.0.2.130 */
#define PEER_IP		0xc0000283U	/* 192.0.2.131 */
#define TPORT		5001

static uint8_t fbuf[9000];		/* a frame being built */
static uint8_t rbuf[9000];		/* a frame taken from cap0 */
static uint8_t frags[8][1600];		/* captured fragments */
static int fraglen[8];

static struct ifnet *
cap_up(void)
{
	return (capif_create("cap0", our_mac, "192.0.2.130",
	    "255.255.255.128"));
}

static void
cap_down(struct ifnet *ifp)
{
	net_flush();
	capif_destroy(ifp);
}

/* Take the next frame cap0 sent into rbuf; its length or -1. */
static int
take(struct ifnet *ifp)
{
	struct mbuf *m;
	int len;

	if ((m = capif_take(ifp)) == NULL)
		return (-1);
	len = m->m_pkthdr.len;
	if (len > (int)sizeof(rbuf))
		len = sizeof(rbuf);
	m_copydata(m, 0, len, rbuf);
	m_freem(m);
	return (len);
}

static void
drain_frames(struct ifnet *ifp)
{
	struct mbuf *m;

	while ((m = capif_take(ifp)) != NULL)
		m_freem(m);
}

static int
mk_eth(uint8_t *b, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	be16enc(b + 12, type);
	return (ETHER_HDR_LEN);
}

static void
mk_ip(uint8_t *b, int len, uint16_t id, uint16_t off, int p, uint32_t src,
    uint32_t dst)
{
	uint16_t sum;

	memset(b, 0, 20);
	b[0] = 0x45;
	be16enc(b + 2, len);
	be16enc(b + 4, id);
	be16enc(b + 6, off);
	b[8] = 64;
	b[9] = p;
	be32enc(b + 12, src);
	be32enc(b + 16, dst);
	sum = in_cksum_flat(b, 20);
	memcpy(b + 10, &sum, 2);
}

static void
ip_resum(uint8_t *b)
{
	uint16_t sum = 0;

	memcpy(b + 10, &sum, 2);
	sum = in_cksum_flat(b, IP_HL(b[0]));
	memcpy(b + 10, &sum, 2);
}

static uint16_t
udp_sum(const uint8_t *u, int ulen, uint32_t src, uint32_t dst)
{
	uint8_t ph[12];
	uint32_t s;

	be32enc(ph, src);
	be32enc(ph + 4, dst);
	ph[8] = 0;
	ph[9] = IPPROTO_UDP;
	be16enc(ph + 10, ulen);
	s = in_cksum_sum(ph, 12) + in_cksum_sum(u, ulen);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (uint16_t)~s;
	return (s == 0 ? 0xffff : s);
}

/* A UDP datagram from the peer in fbuf; returns the frame length. */
static int
mk_udp(int sport, int dport, const uint8_t *data, int dlen)
{
	uint8_t *u = fbuf + 34;
	uint16_t sum;

	mk_eth(fbuf, our_mac, peer_mac, ETHERTYPE_IP);
	mk_ip(fbuf + 14, 28 + dlen, 77, 0, IPPROTO_UDP, PEER_IP, OUR_IP);
	be16enc(u, sport);
	be16enc(u + 2, dport);
	be16enc(u + 4, 8 + dlen);
	be16enc(u + 6, 0);
	memcpy(u + 8, data, dlen);
	sum = udp_sum(u, 8 + dlen, PEER_IP, OUR_IP);
	memcpy(u + 6, &sum, 2);
	return (42 + dlen);
}

/* An echo request from the peer in fbuf. */
static int
mk_echo(uint16_t id, uint16_t seq, int dlen)
{
	uint8_t *c = fbuf + 34;
	uint16_t sum;
	int i;

	mk_eth(fbuf, our_mac, peer_mac, ETHERTYPE_IP);
	mk_ip(fbuf + 14, 28 + dlen, 99, 0, IPPROTO_ICMP, PEER_IP, OUR_IP);
	memset(c, 0, 8);
	c[0] = ICMP_ECHO;
	be16enc(c + 4, id);
	be16enc(c + 6, seq);
	for (i = 0; i < dlen; i++)
		c[8 + i] = (i * 7 + seq) & 0xff;
	sum = in_cksum_flat(c, 8 + dlen);
	memcpy(c + 2, &sum, 2);
	return (42 + dlen);
}

static int
mk_arp(int op, const uint8_t *sha, uint32_t spa, uint32_t tpa)
{
	uint8_t *a = fbuf + 14;

	mk_eth(fbuf, op == ARPOP_REQUEST ? etherbroadcastaddr : our_mac,
	    sha, ETHERTYPE_ARP);
	be16enc(a, ARPHRD_ETHER);
	be16enc(a + 2, ETHERTYPE_IP);
	a[4] = 6;
	a[5] = 4;
	be16enc(a + 6, op);
	memcpy(a + 8, sha, 6);
	be32enc(a + 14, spa);
	memset(a + 18, 0, 6);
	be32enc(a + 24, tpa);
	return (42);
}

static void
inject(struct ifnet *ifp, int len, int chunk)
{
	capif_inject(ifp, fbuf, len, chunk);
	netintr_poll();
}

/* Teach the stack the peer's address and throw the ARP reply away. */
static void
learn_peer(struct ifnet *ifp)
{
	inject(ifp, mk_arp(ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP), 0);
	drain_frames(ifp);
}

/*
 * htons and friends put values in memory in network (big-endian) order
 * on either kind of machine, and ntohs undoes them.  Once they swapped
 * unconditionally, which is right only on a little-endian machine: the
 * big-endian build (tests/suite-16-be.sh) failed this case and every
 * exchange with the peer.
 */
SELFTEST(net, byteorder)
{
	uint16_t s = htons(0x1234);
	uint32_t l = htonl(OUR_IP);
	uint8_t b[4];

	memcpy(b, &s, sizeof(s));
	ST_ASSERT(b[0] == 0x12 && b[1] == 0x34);
	memcpy(b, &l, sizeof(l));
	ST_ASSERT(b[0] == 192 && b[1] == 0 && b[2] == 2 && b[3] == 130);
	ST_ASSERT_EQ(ntohs(s), 0x1234);
	ST_ASSERT_EQ(ntohl(l), OUR_IP);
	ST_ASSERT_EQ(be16dec(&s), 0x1234);
	ST_ASSERT_EQ(be32dec(&l), OUR_IP);
	be32enc(b, OUR_IP);
	memcpy(&l, b, sizeof(l));
	ST_ASSERT_EQ(ntohl(l), OUR_IP);
}

SELFTEST(net, arp_exchange)
{
	struct ifnet *ifp = cap_up();
	uint8_t ha[6];
	u_long req = arpstat.as_reqrcvd;
	int len;

	/* A request from the peer: answered byte for byte. */
	inject(ifp, mk_arp(ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP), 3);
	len = take(ifp);
	ST_ASSERT_EQ(arpstat.as_reqrcvd, req + 1);
	ST_ASSERT_EQ(len, 42);
	ST_ASSERT(memcmp(rbuf, peer_mac, 6) == 0);
	ST_ASSERT(memcmp(rbuf + 6, our_mac, 6) == 0);
	ST_ASSERT_EQ(be16dec(rbuf + 12), ETHERTYPE_ARP);
	ST_ASSERT_EQ(be16dec(rbuf + 14), ARPHRD_ETHER);
	ST_ASSERT_EQ(be16dec(rbuf + 16), ETHERTYPE_IP);
	ST_ASSERT(rbuf[18] == 6 && rbuf[19] == 4);
	ST_ASSERT_EQ(be16dec(rbuf + 20), ARPOP_REPLY);
	ST_ASSERT(memcmp(rbuf + 22, our_mac, 6) == 0);
	ST_ASSERT_EQ(be32dec(rbuf + 28), OUR_IP);
	ST_ASSERT(memcmp(rbuf + 32, peer_mac, 6) == 0);
	ST_ASSERT_EQ(be32dec(rbuf + 38), PEER_IP);
	ST_ASSERT_EQ(take(ifp), -1);
	{
		struct in_addr a = { htonl(PEER_IP) };

		ST_ASSERT(arp_lookup(a, ha) == 0);
		ST_ASSERT(memcmp(ha, peer_mac, 6) == 0);
	}

	/* Resolving: a datagram waits for the reply, then goes out. */
	arp_flush();
	{
		struct in_addr a = { htonl(PEER_IP) };

		ST_ASSERT_EQ(udp_send_buf(TPORT, a, 9, "abc", 3), 0);
	}
	len = take(ifp);
	ST_ASSERT_EQ(len, 42);
	ST_ASSERT(memcmp(rbuf, etherbroadcastaddr, 6) == 0);
	ST_ASSERT_EQ(be16dec(rbuf + 20), ARPOP_REQUEST);
	ST_ASSERT_EQ(be32dec(rbuf + 28), OUR_IP);
	ST_ASSERT_EQ(be32dec(rbuf + 38), PEER_IP);
	ST_ASSERT_EQ(take(ifp), -1);		/* the datagram is held */
	inject(ifp, mk_arp(ARPOP_REPLY, peer_mac, PEER_IP, OUR_IP), 0);
	len = take(ifp);
	ST_ASSERT_EQ(len, 14 + 20 + 8 + 3);
	ST_ASSERT(memcmp(rbuf, peer_mac, 6) == 0);
	ST_ASSERT_EQ(in_cksum_flat(rbuf + 14, 20), 0);
	ST_ASSERT_EQ(rbuf[23], IPPROTO_UDP);
	ST_ASSERT(memcmp(rbuf + 42, "abc", 3) == 0);
	{
		uint16_t want, got;

		memcpy(&got, rbuf + 40, 2);
		rbuf[40] = rbuf[41] = 0;
		want = udp_sum(rbuf + 34, 11, OUR_IP, PEER_IP);
		ST_ASSERT_EQ(got, want);
	}
	/* A gratuitous ARP goes out as a broadcast request for ourselves. */
	arp_gratuitous(ifp);
	ST_ASSERT_EQ(take(ifp), 42);
	ST_ASSERT_EQ(be32dec(rbuf + 28), OUR_IP);
	ST_ASSERT_EQ(be32dec(rbuf + 38), OUR_IP);
	cap_down(ifp);
}

SELFTEST(net, echo_loopback)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	u_long c0 = tl_copied();

	/* Back to back (no gap): the case times the stack, not a timer. */
	ST_ASSERT_EQ(ping_run(lo, 3, 56, 0, 0), 3);
	ST_ASSERT_EQ(ping_run(lo, 2, 3000, 0, 0), 2);
	/* The request is built in place and the reply reuses it. */
	ST_ASSERT_EQ(tl_copied() - c0, 0);
	/* Larger than lo0's MTU: fragmented and reassembled. */
	ST_ASSERT_EQ(ping_run(lo, 1, 20000, 0, 0), 1);
	net_flush();
}

SELFTEST(net, echo_capture)
{
	static const int chunks[] = { 0, 1, 7, 13, 40 };
	struct ifnet *ifp = cap_up();
	int i, len, n;
	u_long c0;

	learn_peer(ifp);
	for (i = 0; i < (int)nitems(chunks); i++) {
		n = mk_echo(0x1234, i, 200);
		c0 = tl_copied();
		inject(ifp, n, chunks[i]);
		if (chunks[i] == 0)
			ST_ASSERT_EQ(tl_copied() - c0, 0);
		len = take(ifp);
		ST_ASSERT_EQ(len, n);
		ST_ASSERT(memcmp(rbuf, peer_mac, 6) == 0);
		ST_ASSERT(memcmp(rbuf + 6, our_mac, 6) == 0);
		ST_ASSERT_EQ(in_cksum_flat(rbuf + 14, 20), 0);
		ST_ASSERT_EQ(be32dec(rbuf + 26), OUR_IP);
		ST_ASSERT_EQ(be32dec(rbuf + 30), PEER_IP);
		ST_ASSERT_EQ(rbuf[34], ICMP_ECHOREPLY);
		ST_ASSERT_EQ(in_cksum_flat(rbuf + 34, len - 34), 0);
		ST_ASSERT(memcmp(rbuf + 36 + 2, fbuf + 36 + 2, len - 38) == 0);
		ST_ASSERT_EQ(take(ifp), -1);
	}
	cap_down(ifp);
}

static struct {
	int	count;
	int	len;
	int	bad;
	const uint8_t *want;
	int	wantlen;
} rx;

static void
rx_cb(void *arg, struct mbuf *m, struct in_addr src, uint16_t sport,
    uint16_t dport)
{
	static uint8_t tmp[9000];
	char why[160];
	int len = m->m_pkthdr.len;

	rx.count++;
	rx.len = len;
	/* a sound chain: reassembly demotes its fragments (m_demote) */
	if (m_sanity(m, why, sizeof(why)) != 0)
		rx.bad++;
	if (rx.want != NULL) {
		if (len != rx.wantlen || len > (int)sizeof(tmp))
			rx.bad++;
		else {
			m_copydata(m, 0, len, tmp);
			if (memcmp(tmp, rx.want, len) != 0)
				rx.bad++;
		}
	}
	m_freem(m);
}

SELFTEST(net, udp_roundtrip)
{
	struct ifnet *ifp = cap_up();
	struct udp_pcb *up;
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	static const uint8_t msg[] = "the quick brown fox";
	u_long d0 = udpstat.udps_discarded, c0;
	int len, n;

	learn_peer(ifp);
	memset(&rx, 0, sizeof(rx));
	up = udp_bind(TPORT, rx_cb, NULL);
	ST_ASSERT(up != NULL);
	ST_ASSERT(udp_bind(TPORT, rx_cb, NULL) == NULL);
	rx.want = msg;
	rx.wantlen = sizeof(msg);

	/* Delivered to the bound callback. */
	inject(ifp, mk_udp(4000, TPORT, msg, sizeof(msg)), 5);
	ST_ASSERT_EQ(rx.count, 1);
	ST_ASSERT_EQ(rx.bad, 0);

	/* Echo: the same bytes back, ports swapped, checksum still right. */
	n = mk_udp(4000, 7, msg, sizeof(msg));
	c0 = tl_copied();
	inject(ifp, n, 0);
	ST_ASSERT_EQ(tl_copied() - c0, 0);
	len = take(ifp);
	ST_ASSERT_EQ(len, n);
	ST_ASSERT_EQ(be16dec(rbuf + 34), 7);
	ST_ASSERT_EQ(be16dec(rbuf + 36), 4000);
	ST_ASSERT(memcmp(rbuf + 42, msg, sizeof(msg)) == 0);
	{
		uint16_t got, want;

		memcpy(&got, rbuf + 40, 2);
		rbuf[40] = rbuf[41] = 0;
		want = udp_sum(rbuf + 34, 8 + sizeof(msg), OUR_IP, PEER_IP);
		ST_ASSERT_EQ(got, want);
	}

	/* Discard: nothing comes back. */
	inject(ifp, mk_udp(4000, 9, msg, sizeof(msg)), 0);
	ST_ASSERT_EQ(udpstat.udps_discarded, d0 + 1);
	ST_ASSERT_EQ(take(ifp), -1);

	/* No port: ICMP port unreachable quoting header and 8 bytes. */
	n = mk_udp(4000, 4444, msg, sizeof(msg));
	inject(ifp, n, 0);
	len = take(ifp);
	ST_ASSERT_EQ(len, 14 + 20 + 8 + 28);
	ST_ASSERT_EQ(rbuf[34], ICMP_UNREACH);
	ST_ASSERT_EQ(rbuf[35], ICMP_UNREACH_PORT);
	ST_ASSERT_EQ(in_cksum_flat(rbuf + 34, len - 34), 0);
	ST_ASSERT(memcmp(rbuf + 42, fbuf + 14, 28) == 0);

	/*
	 * Over the loopback our own echo service does not answer: the
	 * source is one of our addresses (udps_echoself), and echoing
	 * ourselves is how a loop starts.  The datagram is freed.
	 */
	rx.count = 0;
	c0 = udpstat.udps_echoself;
	ST_ASSERT_EQ(udp_send_buf(TPORT, lo, 7, msg, sizeof(msg)), 0);
	netintr_poll();
	ST_ASSERT_EQ(rx.count, 0);
	ST_ASSERT_EQ(udpstat.udps_echoself, c0 + 1);
	udp_unbind(up);
	cap_down(ifp);
}

/* Next lexicographic permutation of p[0..n); 0 after the last. */
static int
next_perm(int *p, int n)
{
	int i, j, t;

	for (i = n - 2; i >= 0 && p[i] >= p[i + 1]; i--)
		continue;
	if (i < 0)
		return (0);
	for (j = n - 1; p[j] <= p[i]; j--)
		continue;
	t = p[i]; p[i] = p[j]; p[j] = t;
	for (i++, j = n - 1; i < j; i++, j--) {
		t = p[i]; p[i] = p[j]; p[j] = t;
	}
	return (1);
}

static uint8_t payload[8000];

/* Send an 8000-byte datagram to the peer, keep its fragments in frags. */
static int
capture_frags(struct ifnet *ifp)
{
	struct in_addr peer = { htonl(PEER_IP) };
	int i, n = 0, len;

	for (i = 0; i < (int)sizeof(payload); i++)
		payload[i] = kern_random() & 0xff;
	if (udp_send_buf(TPORT, peer, TPORT, payload, sizeof(payload)) != 0)
		return (-1);
	while ((len = take(ifp)) > 0 && n < 8) {
		memcpy(frags[n], rbuf, len);
		fraglen[n++] = len;
	}
	return (n);
}

/* Turn a captured fragment around: from the peer, to us. */
static int
inbound(int i)
{
	memcpy(fbuf, frags[i], fraglen[i]);
	memcpy(fbuf, our_mac, 6);
	memcpy(fbuf + 6, peer_mac, 6);
	memcpy(fbuf + 26, frags[i] + 30, 4);
	memcpy(fbuf + 30, frags[i] + 26, 4);
	return (fraglen[i]);
}

SELFTEST(net, fragment_8000)
{
	struct ifnet *ifp = cap_up();
	int i, n, off, total = 0, mf;

	learn_peer(ifp);
	n = capture_frags(ifp);
	ST_ASSERT_EQ(n, 6);
	for (i = 0; i < n; i++) {
		uint8_t *ip = frags[i] + 14;

		ST_ASSERT_EQ(be16dec(frags[i] + 12), ETHERTYPE_IP);
		ST_ASSERT(memcmp(frags[i], peer_mac, 6) == 0);
		ST_ASSERT_EQ(in_cksum_flat(ip, 20), 0);
		ST_ASSERT_EQ(be16dec(ip + 2), fraglen[i] - 14);
		ST_ASSERT(fraglen[i] - 14 <= 1500);
		off = (be16dec(ip + 6) & IP_OFFMASK) * 8;
		mf = (be16dec(ip + 6) & IP_MF) != 0;
		ST_ASSERT_EQ(off, total);
		ST_ASSERT_EQ(mf, i < n - 1);
		ST_ASSERT_EQ(be16dec(ip + 4), be16dec(frags[0] + 18));
		if (mf)
			ST_ASSERT_EQ((fraglen[i] - 34) % 8, 0);
		/* The payload bytes themselves. */
		if (i == 0)
			ST_ASSERT(memcmp(frags[0] + 42, payload,
			    fraglen[0] - 42) == 0);
		else
			ST_ASSERT(memcmp(frags[i] + 34, payload + off - 8,
			    fraglen[i] - 34) == 0);
		total += fraglen[i] - 34;
	}
	ST_ASSERT_EQ(total, 8008);
	ST_ASSERT_EQ(ipstat.ips_ofragments > 0, 1);
	cap_down(ifp);
}

/*
 * A header with options, fragmented: the first fragment keeps them all,
 * the others only the copied one (RFC 791 3.2), NOP kept, EOL padding.
 * A header that is not IPv4 is refused and counted.
 */
SELFTEST(net, fragment_options)
{
	static const uint8_t opts[12] = {
	    IPOPT_NOP,
	    0x94, 4, 0, 0,			/* router alert: copied */
	    0x07, 7, 4, 0, 0, 0, 0 };		/* record route: not copied */
	static const uint8_t later[8] = {
	    IPOPT_NOP, 0x94, 4, 0, 0, IPOPT_EOL, IPOPT_EOL, IPOPT_EOL };
	struct ifnet *ifp = cap_up();
	struct mbuf *m;
	struct ip ip;
	int i, n = 0, len, hl, off, total = 0;
	u_long d0;

	learn_peer(ifp);
	for (i = 0; i < 3000; i++)
		payload[i] = kern_random() & 0xff;
	m = m_gethdr(M_WAIT, MT_DATA);
	memset(&ip, 0, sizeof(ip));
	ip.ip_vhl = IP_VHL(4, 32);
	ip.ip_ttl = IP_DEFTTL;
	ip.ip_p = 253;				/* experimental (RFC 3692) */
	ip.ip_dst.s_addr = htonl(PEER_IP);
	m_copyback(m, 0, sizeof(ip), &ip, M_WAIT);
	m_copyback(m, 20, sizeof(opts), opts, M_WAIT);
	m_copyback(m, 32, 3000, payload, M_WAIT);
	ST_ASSERT_EQ(ip_output(m, 0), 0);
	while ((len = take(ifp)) > 0 && n < 8) {
		uint8_t *h = rbuf + 14;

		hl = IP_HL(h[0]);
		off = (be16dec(h + 6) & IP_OFFMASK) * 8;
		ST_ASSERT_EQ(in_cksum_flat(h, hl), 0);
		ST_ASSERT_EQ(be16dec(h + 2), len - 14);
		ST_ASSERT(len - 14 <= 1500);
		ST_ASSERT_EQ(off, total);
		if (n == 0) {
			ST_ASSERT_EQ(hl, 32);
			ST_ASSERT(memcmp(h + 20, opts, sizeof(opts)) == 0);
		} else {
			ST_ASSERT_EQ(hl, 28);
			ST_ASSERT(memcmp(h + 20, later, sizeof(later)) == 0);
		}
		ST_ASSERT(memcmp(h + hl, payload + off, len - 14 - hl) == 0);
		total += len - 14 - hl;
		n++;
	}
	ST_ASSERT_EQ(n, 3);
	ST_ASSERT_EQ(total, 3000);

	/* Header length 16: not a header; consumed, counted, EINVAL. */
	d0 = ipstat.ips_odropped;
	m = m_gethdr(M_WAIT, MT_DATA);
	ip.ip_vhl = IP_VHL(4, 16);
	m_copyback(m, 0, sizeof(ip), &ip, M_WAIT);
	ST_ASSERT_EQ(ip_output(m, 0), EINVAL);
	ST_ASSERT_EQ(ipstat.ips_odropped, d0 + 1);
	ST_ASSERT_EQ(take(ifp), -1);
	cap_down(ifp);
}

SELFTEST(net, reassemble_every_order)
{
	struct ifnet *ifp = cap_up();
	struct udp_pcb *up;
	int perm[6], i, n, orders = 0;
	u_long r0 = ipstat.ips_reassembled, d0;

	learn_peer(ifp);
	n = capture_frags(ifp);
	ST_ASSERT_EQ(n, 6);
	memset(&rx, 0, sizeof(rx));
	rx.want = payload;
	rx.wantlen = sizeof(payload);
	up = udp_bind(TPORT, rx_cb, NULL);
	ST_ASSERT(up != NULL);
	for (i = 0; i < n; i++)
		perm[i] = i;
	do {
		for (i = 0; i < n; i++)
			capif_inject(ifp, fbuf, inbound(perm[i]),
			    (orders % 3) == 0 ? 0 : 100 + orders % 500);
		netintr_poll();
		orders++;
		if (rx.count != orders || rx.bad != 0)
			break;
	} while (next_perm(perm, n));
	ST_ASSERT_EQ(orders, 720);
	ST_ASSERT_EQ(rx.count, 720);
	ST_ASSERT_EQ(rx.bad, 0);
	ST_ASSERT_EQ(ipstat.ips_reassembled - r0, 720);

	/* Duplicates of every fragment, interleaved, in reverse. */
	d0 = ipstat.ips_fragdup;
	for (i = n - 1; i >= 0; i--) {
		inject(ifp, inbound(i), 0);
		if (i > 0)
			inject(ifp, inbound(i), 0);
	}
	inject(ifp, inbound(3), 0);	/* a new datagram's fragment */
	ST_ASSERT_EQ(rx.count, 721);
	ST_ASSERT_EQ(rx.bad, 0);
	ST_ASSERT_EQ(ipstat.ips_fragdup - d0, 5);
	ST_ASSERT_EQ(ip_reass_count(), 1);
	ip_reass_drain();
	ST_ASSERT_EQ(ip_reass_count(), 0);
	ST_ASSERT_EQ(ip_reass_mbufs(), 0);
	ST_ASSERT_EQ(take(ifp), -1);
	udp_unbind(up);
	cap_down(ifp);
}

/*
 * Overlaps, resolved as BSD does: the newcomer's front is trimmed by the
 * fragment before it, fragments after it that it covers are trimmed or
 * removed.  With A = [0, 1600) and B = [1000, 3000) carrying different
 * bytes in the overlap, A's bytes win in either order.
 */
static int
mk_frag(uint16_t id, int off, int len, int mf, const uint8_t *data)
{
	mk_eth(fbuf, our_mac, peer_mac, ETHERTYPE_IP);
	mk_ip(fbuf + 14, 20 + len, id, (off / 8) | (mf ? IP_MF : 0),
	    IPPROTO_UDP, PEER_IP, OUR_IP);
	memcpy(fbuf + 34, data + off, len);
	return (34 + len);
}

SELFTEST(net, reassemble_overlaps)
{
	static uint8_t a[3000], b[3000], want[3000];
	struct ifnet *ifp = cap_up();
	struct udp_pcb *up;
	uint16_t sum;
	int i, order;
	u_long ov0 = ipstat.ips_fragoverlap;

	learn_peer(ifp);
	up = udp_bind(TPORT, rx_cb, NULL);
	ST_ASSERT(up != NULL);
	for (i = 0; i < 3000; i++) {
		a[i] = i & 0xff;
		b[i] = (i * 3 + 1) & 0xff;
	}
	for (i = 0; i < 3000; i++)
		want[i] = i < 1600 ? a[i] : b[i];
	/* The UDP header, valid for the expected result, in both. */
	be16enc(want, 4000);
	be16enc(want + 2, TPORT);
	be16enc(want + 4, 3000);
	want[6] = want[7] = 0;
	sum = udp_sum(want, 3000, PEER_IP, OUR_IP);
	memcpy(want + 6, &sum, 2);
	memcpy(a, want, 8);
	memcpy(b, want, 8);
	memset(&rx, 0, sizeof(rx));
	rx.want = want + 8;
	rx.wantlen = 2992;
	for (order = 0; order < 2; order++) {
		if (order == 0) {
			inject(ifp, mk_frag(500 + order, 0, 1600, 1, a), 0);
			inject(ifp, mk_frag(500 + order, 1000, 2000, 0, b), 64);
		} else {
			inject(ifp, mk_frag(500 + order, 1000, 2000, 0, b), 64);
			inject(ifp, mk_frag(500 + order, 0, 1600, 1, a), 0);
		}
		ST_ASSERT_EQ(rx.count, order + 1);
		ST_ASSERT_EQ(rx.bad, 0);
	}
	/* A fragment wholly inside another, and a superset of another. */
	inject(ifp, mk_frag(600, 800, 400, 1, a), 0);
	inject(ifp, mk_frag(600, 0, 1600, 1, a), 0);	/* covers it */
	inject(ifp, mk_frag(600, 1200, 200, 1, a), 0);	/* inside: dup */
	inject(ifp, mk_frag(600, 1000, 2000, 0, b), 0);
	ST_ASSERT_EQ(rx.count, 3);
	ST_ASSERT_EQ(rx.bad, 0);
	ST_ASSERT(ipstat.ips_fragoverlap - ov0 >= 3);
	ST_ASSERT_EQ(ip_reass_count(), 0);
	ST_ASSERT_EQ(ip_reass_mbufs(), 0);
	udp_unbind(up);
	cap_down(ifp);
}

SELFTEST(net, reassembly_timeout)
{
	static uint8_t d[64];
	struct ifnet *ifp = cap_up();
	int saved = ip_reass_ttl, len, i;
	u_long t0 = ipstat.ips_fragtimeout;
	uint64_t until;

	learn_peer(ifp);
	ip_reass_ttl = 5;
	for (i = 0; i < 64; i++)
		d[i] = i;
	inject(ifp, mk_frag(700, 0, 48, 1, d), 0);
	inject(ifp, mk_frag(701, 48, 16, 1, d), 0);	/* no first fragment */
	ST_ASSERT_EQ(ip_reass_count(), 2);
	until = ticks + 20;
	while (ticks < until && ip_reass_count() != 0)
		tsleep(&until, 0, "reasstmo", 1);
	ip_reass_ttl = saved;
	ST_ASSERT_EQ(ip_reass_count(), 0);
	ST_ASSERT_EQ(ipstat.ips_fragtimeout - t0, 2);
	/* One time exceeded, for the datagram whose first fragment came. */
	len = take(ifp);
	ST_ASSERT_EQ(len, 14 + 20 + 8 + 28);
	ST_ASSERT_EQ(rbuf[34], ICMP_TIMXCEED);
	ST_ASSERT_EQ(rbuf[35], ICMP_TIMXCEED_REASS);
	ST_ASSERT_EQ(be32dec(rbuf + 30), PEER_IP);
	mk_frag(700, 0, 48, 1, d);
	ST_ASSERT(memcmp(rbuf + 42, fbuf + 14, 28) == 0);
	ST_ASSERT_EQ(take(ifp), -1);
	cap_down(ifp);
}

SELFTEST(net, reassembly_budget)
{
	static uint8_t d[64];
	struct ifnet *ifp = cap_up();
	u_long dr0 = ipstat.ips_fragdropped, dn0 = ipstat.ips_fragdrained;
	int i;

	learn_peer(ifp);
	for (i = 0; i < 20; i++)
		inject(ifp, mk_frag(800 + i, 0, 48, 1, d), 0);
	ST_ASSERT_EQ(ip_reass_count(), 16);
	ST_ASSERT_EQ(ipstat.ips_fragdropped - dr0, 4);
	ip_reass_drain();
	ST_ASSERT_EQ(ipstat.ips_fragdrained - dn0, 16);
	ST_ASSERT_EQ(ip_reass_count(), 0);
	ST_ASSERT_EQ(take(ifp), -1);
	cap_down(ifp);
}

/*
 * Memory pressure: reassembly holds four first fragments, each in a
 * cluster; a thread then takes every cluster M_DONTWAIT gives.  When
 * the cluster pipe runs dry its drain hooks run before anything fails:
 * ip_reass_drain frees the four datagrams (ips_fragdrained) and their
 * clusters are handed out again, so the pool ends fully used with
 * nothing left in reassembly.
 */
SELFTEST(net, reassembly_drained_by_pool)
{
	static uint8_t d[1200];
	struct malloc_pipe *cp = &mb_cluster_pipe;
	struct ifnet *ifp = cap_up();
	struct mbuf *list = NULL, *m;
	u_long dn0, drains0, fails0;
	long before;
	int i, n = 0;

	learn_peer(ifp);
	for (i = 0; i < 4; i++)
		inject(ifp, mk_frag(900 + i, 0, sizeof(d), 1, d), 0);
	ST_ASSERT_EQ(ip_reass_count(), 4);
	ST_ASSERT_EQ(ip_reass_mbufs(), 4);
	dn0 = ipstat.ips_fragdrained;
	drains0 = cp->mp_drains;
	fails0 = cp->mp_fails;
	before = (long)tl_mbstat().m_clusters;	/* the fragments' included */
	while ((m = m_getcl(M_DONTWAIT, MT_DATA, 0)) != NULL) {
		m->m_nextpkt = list;
		list = m;
		n++;
	}
	/* At the cap: every cluster out but the interrupt reserve. */
	i = (long)tl_mbstat().m_clusters == (long)mpipe_out(cp) &&
	    cp->mp_total == cp->mp_nmax;
	while ((m = list) != NULL) {
		list = m->m_nextpkt;
		m->m_nextpkt = NULL;
		m_free(m);
	}
	ST_ASSERT(i);
	ST_ASSERT(cp->mp_drains > drains0);
	ST_ASSERT_EQ(cp->mp_fails, fails0 + 1);
	ST_ASSERT_EQ(ipstat.ips_fragdrained - dn0, 4);
	ST_ASSERT_EQ(ip_reass_count(), 0);
	ST_ASSERT_EQ(ip_reass_mbufs(), 0);
	/*
	 * The four fragment clusters were given out again, and so was
	 * every cluster another CPU had cached (mpipe_reclaim).
	 */
	ST_ASSERT(n >= cp->mp_nmax - cp->mp_nint - before + 4);
	ST_ASSERT_EQ(take(ifp), -1);
	cap_down(ifp);
}

/*
 * Malformed input: each kind dropped under its own counter, nothing
 * sent back (except where an ICMP error is the right answer).
 */
enum {
	X_RUNT, X_ETYPE, X_EOTHER, X_IPSMALL, X_IPVERS, X_HLSMALL, X_HLBIG,
	X_IPSUM, X_LENSMALL, X_LENBIG, X_SRCBC, X_SRCMC, X_NOTUS, X_PROTO,
	X_FRAGLEN, X_POD, X_ICMPSHORT, X_ICMPSUM, X_UDPSHORT, X_ULENBIG,
	X_ULENSMALL, X_UDPSUM, X_ARPSHORT, X_ARPHRD, X_ARPPRO, X_ARPOP,
	X_ARPSHA, X_ARPSPA, X_BCECHO, X_BCUDP,
	X_SRCZERO, X_SRCDBC, X_SRCCLASSE, X_SRCLOOP, X_SRCOURS, X_LAND,
	X_LANDFRAG, X_DSTLOOPECHO, X_DSTLOOPUDP, X_DSTLOOPNOPORT, X_ECHO7,
	X_ECHO0, X_ECHO9, X_ECHO13, X_ECHO19, X_ECHO37, X_NCASES
};

static const struct {
	const char	*name;
	u_long		*ctr;
	int		 reply;		/* frames expected back */
} mcase[X_NCASES] = {
	[X_RUNT] = { "runt", &etherstat.es_runt, 0 },
	[X_ETYPE] = { "ethertype", &etherstat.es_noproto, 0 },
	[X_EOTHER] = { "other station", &etherstat.es_notforus, 0 },
	[X_IPSMALL] = { "ip too small", &ipstat.ips_toosmall, 0 },
	[X_IPVERS] = { "ip version", &ipstat.ips_badvers, 0 },
	[X_HLSMALL] = { "ip hlen < 20", &ipstat.ips_badhlen, 0 },
	[X_HLBIG] = { "ip hlen > packet", &ipstat.ips_badhlen, 0 },
	[X_IPSUM] = { "ip checksum", &ipstat.ips_badsum, 0 },
	[X_LENSMALL] = { "ip_len < hlen", &ipstat.ips_badlen, 0 },
	[X_LENBIG] = { "ip_len > frame", &ipstat.ips_tooshort, 0 },
	[X_SRCBC] = { "src broadcast", &ipstat.ips_srcbcast, 0 },
	[X_SRCMC] = { "src multicast", &ipstat.ips_srcmcast, 0 },
	[X_NOTUS] = { "not for us", &ipstat.ips_notforus, 0 },
	[X_PROTO] = { "unknown protocol", &ipstat.ips_noproto, 1 },
	[X_FRAGLEN] = { "fragment length", &ipstat.ips_fragbad, 0 },
	[X_POD] = { "ping of death", &ipstat.ips_toolong, 0 },
	[X_ICMPSHORT] = { "icmp short", &icmpstat.icps_tooshort, 0 },
	[X_ICMPSUM] = { "icmp checksum", &icmpstat.icps_checksum, 0 },
	[X_UDPSHORT] = { "udp short", &udpstat.udps_hdrops, 0 },
	[X_ULENBIG] = { "udp len > ip", &udpstat.udps_badlen, 0 },
	[X_ULENSMALL] = { "udp len < 8", &udpstat.udps_badlen, 0 },
	[X_UDPSUM] = { "udp checksum", &udpstat.udps_badsum, 0 },
	[X_ARPSHORT] = { "arp short", &arpstat.as_tooshort, 0 },
	[X_ARPHRD] = { "arp hardware", &arpstat.as_badhrd, 0 },
	[X_ARPPRO] = { "arp protocol", &arpstat.as_badpro, 0 },
	[X_ARPOP] = { "arp op", &arpstat.as_badop, 0 },
	[X_ARPSHA] = { "arp sender hw", &arpstat.as_badsrc, 0 },
	[X_ARPSPA] = { "arp sender ip", &arpstat.as_badaddr, 0 },
	[X_BCECHO] = { "broadcast echo", &icmpstat.icps_bmcastecho, 0 },
	[X_BCUDP] = { "broadcast udp", &udpstat.udps_noportbcast, 0 },
	/*
	 * Martians (RFC 1122 3.2.1.3): each source class, and 127/8 from
	 * the wire.  The BSDs drop 127/8 off lo0 alike (OpenBSD
	 * sys/netinet/ip_input.c "127/8 must not appear on wire").
	 * X_LAND is the finding itself: our address to our address, port
	 * 7 to 7, valid checksum; before the filter it looped through lo0
	 * for ever at splnet.
	 */
	[X_SRCZERO] = { "src 0.0.0.0", &ipstat.ips_srczero, 0 },
	[X_SRCDBC] = { "src directed broadcast", &ipstat.ips_srcbcast, 0 },
	[X_SRCCLASSE] = { "src class E", &ipstat.ips_srcclasse, 0 },
	[X_SRCLOOP] = { "src 127.0.0.1", &ipstat.ips_srcloop, 0 },
	[X_SRCOURS] = { "src ours", &ipstat.ips_srcours, 0 },
	[X_LAND] = { "land 7 -> 7", &ipstat.ips_srcours, 0 },
	[X_LANDFRAG] = { "land fragment", &ipstat.ips_srcours, 0 },
	[X_DSTLOOPECHO] = { "echo to 127.0.0.1", &ipstat.ips_dstloop, 0 },
	[X_DSTLOOPUDP] = { "udp echo to 127.0.0.1", &ipstat.ips_dstloop, 0 },
	[X_DSTLOOPNOPORT] = { "closed port on 127.0.0.1", &ipstat.ips_dstloop,
	    0 },
	/* Echo ping-pong: FreeBSD usr.sbin/inetd/builtins.c check_loop. */
	[X_ECHO7] = { "echo from port 7", &udpstat.udps_echoloop, 0 },
	[X_ECHO0] = { "echo from port 0", &udpstat.udps_echoloop, 0 },
	[X_ECHO9] = { "echo from port 9", &udpstat.udps_echoloop, 0 },
	[X_ECHO13] = { "echo from port 13", &udpstat.udps_echoloop, 0 },
	[X_ECHO19] = { "echo from port 19", &udpstat.udps_echoloop, 0 },
	[X_ECHO37] = { "echo from port 37", &udpstat.udps_echoloop, 0 },
};

/* Rewrite the addresses (and ports when sport > 0) of the UDP in fbuf. */
static void
udp_readdress(uint32_t src, uint32_t dst, int sport, int dport)
{
	uint8_t *ip = fbuf + 14, *u = fbuf + 34;
	uint16_t sum;

	be32enc(ip + 12, src);
	be32enc(ip + 16, dst);
	ip_resum(ip);
	if (sport >= 0) {
		be16enc(u, sport);
		be16enc(u + 2, dport);
	}
	be16enc(u + 6, 0);
	sum = udp_sum(u, be16dec(u + 4), src, dst);
	memcpy(u + 6, &sum, 2);
}

/* The source ports of X_ECHO7 .. X_ECHO37, in the enum's order. */
static const int echo_sport[] = { 7, 0, 9, 13, 19, 37 };
_Static_assert(nitems(echo_sport) == X_ECHO37 - X_ECHO7 + 1, "echo_sport");

static int
mk_malformed(int k)
{
	static const uint8_t data[32] = "0123456789abcdef0123456789abcde";
	uint8_t *ip = fbuf + 14;
	int len = mk_udp(4000, 9, data, sizeof(data));

	switch (k) {
	case X_RUNT:
		return (10);
	case X_ETYPE:
		be16enc(fbuf + 12, 0x88b5);	/* local experimental */
		break;
	case X_EOTHER:
		fbuf[5] = 0x99;
		break;
	case X_IPSMALL:
		return (14 + 12);
	case X_IPVERS:
		ip[0] = 0x65;
		ip_resum(ip);
		break;
	case X_HLSMALL:
		ip[0] = 0x44;
		break;
	case X_HLBIG:
		ip[0] = 0x4f;
		len = 14 + 40;
		break;
	case X_IPSUM:
		ip[10] ^= 0x5a;
		break;
	case X_LENSMALL:
		be16enc(ip + 2, 12);
		ip_resum(ip);
		break;
	case X_LENBIG:
		be16enc(ip + 2, 2000);
		ip_resum(ip);
		break;
	case X_SRCBC:
		be32enc(ip + 12, 0xffffffffU);
		ip_resum(ip);
		break;
	case X_SRCMC:
		be32enc(ip + 12, 0xe0000001U);
		ip_resum(ip);
		break;
	case X_NOTUS:
		be32enc(ip + 16, 0xc00002c8U);
		ip_resum(ip);
		break;
	case X_PROTO:
		ip[9] = 99;
		ip_resum(ip);
		break;
	case X_FRAGLEN:
		be16enc(ip + 2, 20 + 13);
		be16enc(ip + 6, IP_MF);
		ip_resum(ip);
		len = 14 + 33;
		break;
	case X_POD:
		be16enc(ip + 6, 8189);
		ip_resum(ip);
		break;
	case X_ICMPSHORT:
		ip[9] = IPPROTO_ICMP;
		be16enc(ip + 2, 24);
		ip_resum(ip);
		len = 14 + 24;
		break;
	case X_ICMPSUM:
		len = mk_echo(1, 1, 32);
		fbuf[36] ^= 0xff;
		break;
	case X_UDPSHORT:
		be16enc(ip + 2, 24);
		ip_resum(ip);
		len = 14 + 24;
		break;
	case X_ULENBIG:
		be16enc(fbuf + 38, 500);
		break;
	case X_ULENSMALL:
		be16enc(fbuf + 38, 4);
		break;
	case X_UDPSUM:
		fbuf[40] ^= 0x11;
		break;
	case X_ARPSHORT:
		mk_arp(ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
		return (14 + 20);
	case X_ARPHRD:
		len = mk_arp(ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
		be16enc(fbuf + 14, 6);
		break;
	case X_ARPPRO:
		len = mk_arp(ARPOP_REQUEST, peer_mac, PEER_IP, OUR_IP);
		fbuf[19] = 16;
		break;
	case X_ARPOP:
		len = mk_arp(3, peer_mac, PEER_IP, OUR_IP);
		break;
	case X_ARPSHA:
		len = mk_arp(ARPOP_REQUEST, etherbroadcastaddr, PEER_IP,
		    OUR_IP);
		memcpy(fbuf + 6, peer_mac, 6);
		break;
	case X_ARPSPA:
		len = mk_arp(ARPOP_REQUEST, peer_mac, 0, OUR_IP);
		break;
	case X_BCECHO:
		len = mk_echo(1, 1, 32);
		memcpy(fbuf, etherbroadcastaddr, 6);
		be32enc(ip + 16, 0xc00002ffU);
		ip_resum(ip);
		break;
	case X_BCUDP:
		be16enc(fbuf + 36, 4444);
		memcpy(fbuf, etherbroadcastaddr, 6);
		be32enc(ip + 16, 0xffffffffU);
		ip_resum(ip);
		fbuf[40] = fbuf[41] = 0;	/* no checksum */
		break;
	case X_SRCZERO:
		udp_readdress(0, OUR_IP, -1, 0);
		break;
	case X_SRCDBC:
		udp_readdress(0xc00002ffU, OUR_IP, -1, 0);
		break;
	case X_SRCCLASSE:
		udp_readdress(0xf0000001U, OUR_IP, -1, 0);
		break;
	case X_SRCLOOP:
		udp_readdress(INADDR_LOOPBACK, OUR_IP, 4000, 7);
		break;
	case X_SRCOURS:
		udp_readdress(OUR_IP, OUR_IP, 4000, 7);
		break;
	case X_LAND:
		udp_readdress(OUR_IP, OUR_IP, 7, 7);
		break;
	case X_LANDFRAG:
		udp_readdress(OUR_IP, OUR_IP, 7, 7);
		be16enc(ip + 6, IP_MF);
		ip_resum(ip);
		break;
	case X_DSTLOOPECHO:
		len = mk_echo(1, 1, 32);
		be32enc(ip + 16, INADDR_LOOPBACK);
		ip_resum(ip);
		break;
	case X_DSTLOOPUDP:
		udp_readdress(PEER_IP, INADDR_LOOPBACK, 4000, 7);
		break;
	case X_DSTLOOPNOPORT:
		udp_readdress(PEER_IP, INADDR_LOOPBACK, 4000, 4444);
		break;
	case X_ECHO7:
	case X_ECHO0:
	case X_ECHO9:
	case X_ECHO13:
	case X_ECHO19:
	case X_ECHO37:
		udp_readdress(PEER_IP, OUR_IP, echo_sport[k - X_ECHO7], 7);
		break;
	}
	return (len);
}

SELFTEST(net, malformed)
{
	static const int chunks[] = { 0, 7 };
	struct ifnet *ifp = cap_up();
	int k, c, got;
	u_long before, lo0in = lo0ifp->if_ipackets;

	learn_peer(ifp);
	for (k = 0; k < X_NCASES; k++) {
		for (c = 0; c < (int)nitems(chunks); c++) {
			int len = mk_malformed(k);

			before = *mcase[k].ctr;
			inject(ifp, len, chunks[c]);
			if (*mcase[k].ctr != before + 1)
				ST_FAIL("%s (chunk %d): counter %lu -> %lu",
				    mcase[k].name, chunks[c], before,
				    *mcase[k].ctr);
			for (got = 0; take(ifp) > 0; got++)
				continue;
			if (got != mcase[k].reply)
				ST_FAIL("%s: %d frames sent back", mcase[k].name,
				    got);
		}
	}
	ST_ASSERT_EQ(ip_reass_count(), 0);
	/* Not one of them was answered through the loopback either. */
	ST_ASSERT_EQ(lo0ifp->if_ipackets, lo0in);
	cap_down(ifp);
}

/*
 * lo0's address is ours only on lo0 (RFC 1122 3.2.1.3): in_ours used to
 * find 127.0.0.1 whatever interface the packet came in on.
 */
SELFTEST(net, in_ours_loopback)
{
	struct ifnet *ifp = cap_up();
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct in_addr lo2 = { htonl(INADDR_LOOPBACK + 1) };
	struct in_addr us = { htonl(OUR_IP) };

	ST_ASSERT(!in_ours(lo, ifp));
	ST_ASSERT(!in_ours(lo2, ifp));
	ST_ASSERT(in_ours(lo, lo0ifp));
	ST_ASSERT(in_ours(lo2, lo0ifp));
	ST_ASSERT(in_ours(us, ifp));
	ST_ASSERT(in_ours(us, lo0ifp));
	cap_down(ifp);
}

/* A header from src to dst with 8 bytes of payload, for ip_output. */
static struct mbuf *
mk_outpacket(uint32_t src, uint32_t dst)
{
	struct mbuf *m = m_gethdr(M_WAIT, MT_DATA);
	struct ip ip;

	memset(&ip, 0, sizeof(ip));
	ip.ip_vhl = IP_VHL(4, IP_MINHLEN);
	ip.ip_ttl = IP_DEFTTL;
	ip.ip_p = 253;				/* experimental (RFC 3692) */
	ip.ip_src.s_addr = htonl(src);
	ip.ip_dst.s_addr = htonl(dst);
	m_copyback(m, 0, sizeof(ip), &ip, M_WAIT);
	m_copyback(m, sizeof(ip), 8, "payload!", M_WAIT);
	return (m);
}

#ifdef DIAGNOSTIC
static void
output_loopsrc(void *arg)
{
	(void)ip_output(arg, 0);
}
#endif

/*
 * Nothing leaves a real interface with a loopback source: the caller's
 * mistake panics under DIAGNOSTIC and is a counted drop in every build
 * (as FreeBSD's ip_output "passout:" check, sys/netinet/ip_output.c).
 */
SELFTEST(net, loopback_source_not_sent)
{
	struct ifnet *ifp = cap_up();
	struct mbuf *m;
	u_long d0 = ipstat.ips_oloopsrc;
#ifdef DIAGNOSTIC
	struct panic_catch pc;
	bool panicked;
#endif

	learn_peer(ifp);
	m = mk_outpacket(INADDR_LOOPBACK, PEER_IP);
#ifdef DIAGNOSTIC
	panicked = selftest_panics(output_loopsrc, m, &pc);
	if (panicked)
		m_freem(m);	/* the panic came before it was consumed */
	ST_ASSERT(panicked);
	ST_ASSERT(strstr(pc.pc_msg, "loopback source 127.0.0.1") != NULL);
	ST_ASSERT(strstr(pc.pc_msg, "caller") != NULL);
	ST_ASSERT_EQ(ipstat.ips_oloopsrc, d0);
#else
	ST_ASSERT_EQ(ip_output(m, 0), EADDRNOTAVAIL);
	ST_ASSERT_EQ(ipstat.ips_oloopsrc, d0 + 1);
#endif
	ST_ASSERT_EQ(take(ifp), -1);
	/* The same source to lo0 is fine: it stays in the host. */
	m = mk_outpacket(INADDR_LOOPBACK, INADDR_LOOPBACK);
	ST_ASSERT_EQ(ip_output(m, 0), 0);
	netintr_poll();
	ST_ASSERT_EQ(take(ifp), -1);
	cap_down(ifp);
}

/*
 * icps_reflect and udps_echoed count replies that were sent: with
 * cap0's output queue refusing everything, ip_send fails and neither
 * moves (the refusal is counted by ip_output, in ips_odropped).
 */
SELFTEST(net, echo_counted_when_sent)
{
	static const uint8_t msg[] = "refused";
	struct ifnet *ifp = cap_up();
	u_long r0, e0, o0, d0;
	u_int saved;

	learn_peer(ifp);
	r0 = icmpstat.icps_reflect;
	e0 = udpstat.udps_echoed;
	o0 = udpstat.udps_opackets;
	d0 = ipstat.ips_odropped;
	saved = ifp->if_snd.mq_maxlen;
	ifp->if_snd.mq_maxlen = 0;
	inject(ifp, mk_echo(0x77, 1, 16), 0);
	inject(ifp, mk_udp(4000, 7, msg, sizeof(msg)), 0);
	ifp->if_snd.mq_maxlen = saved;
	ST_ASSERT_EQ(ipstat.ips_odropped, d0 + 2);
	ST_ASSERT_EQ(icmpstat.icps_reflect, r0);
	ST_ASSERT_EQ(udpstat.udps_echoed, e0);
	ST_ASSERT_EQ(udpstat.udps_opackets, o0);
	ST_ASSERT_EQ(take(ifp), -1);
	/* And once the queue takes them again, each counts once. */
	inject(ifp, mk_echo(0x77, 2, 16), 0);
	inject(ifp, mk_udp(4000, 7, msg, sizeof(msg)), 0);
	ST_ASSERT_EQ(icmpstat.icps_reflect, r0 + 1);
	ST_ASSERT_EQ(udpstat.udps_echoed, e0 + 1);
	ST_ASSERT_EQ(udpstat.udps_opackets, o0 + 1);
	drain_frames(ifp);
	cap_down(ifp);
}

/*
 * The budget of netintr.  A datagram that requeues itself to lo0 for
 * ever (a bound port whose callback sends what it got back to itself
 * over 127.0.0.1, which no martian or echo check refuses) stands for
 * the LAND loop.  While it runs: the clock ticks and a callout fires,
 * another thread (standing in for the shell on the console) sleeps and
 * runs five times, the passes are cut at NETINTR_BUDGET and counted.
 * Then the loop is stopped and every buffer comes back.  Before the
 * budget, netintr_poll never returned and this case never ended.
 */
#define LOOPPORT	5002
#define LOOPFLIGHT	4		/* datagrams in the loop */

static struct {
	int		stop;
	u_long		turns;
	int		fired;
	int		shell;
	int		inflight;
} lp;

static void
loop_cb(void *arg, struct mbuf *m, struct in_addr src, uint16_t sport,
    uint16_t dport)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };

	lp.turns++;
	if (lp.stop) {
		m_freem(m);
		lp.inflight--;
		return;
	}
	if (udp_sendto(LOOPPORT, lo, LOOPPORT, m) != 0)
		lp.inflight--;
}

static void
loop_callout(void *arg)
{
	lp.fired = 1;
	wakeup(&lp);
}

static void
loop_shell(void *arg)
{
	int i;

	for (i = 0; i < 5; i++) {
		tsleep(&lp.shell, 0, "stshell", 1);
		lp.shell++;
	}
}

SELFTEST(net, netintr_budget)
{
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };
	struct udp_pcb *up;
	struct thread *td;
	struct callout c;
	uint64_t t0, until;
	u_long cut0 = netintrstat.ni_cut, turns;
	int i;

	memset(&lp, 0, sizeof(lp));
	up = udp_bind(LOOPPORT, loop_cb, NULL);
	ST_ASSERT(up != NULL);
	for (i = 0; i < LOOPFLIGHT; i++)
		if (udp_send_buf(LOOPPORT, lo, LOOPPORT, "loop", 4) == 0)
			lp.inflight++;
	ST_ASSERT_EQ(lp.inflight, LOOPFLIGHT);
	/* The netintr thread runs it from here on, not this thread. */
	t0 = ticks;
	callout_init(&c, loop_callout, NULL);
	callout_reset(&c, 3);
	td = kthread_create(loop_shell, NULL, "stshell");
	until = ticks + 10 * hz;
	while ((!lp.fired || lp.shell < 5) && ticks < until)
		tsleep(&lp, 0, "stbudget", 1);
	turns = lp.turns;
	lp.stop = 1;
	kthread_join(td);
	callout_stop(&c);
	/* The loop drains: every datagram freed by the callback. */
	until = ticks + 10 * hz;
	while (lp.inflight > 0 && ticks < until)
		tsleep(&lp, 0, "stbudget", 1);
	udp_unbind(up);
	net_flush();
	ST_ASSERT(lp.fired);
	ST_ASSERT(ticks >= t0 + 3);
	ST_ASSERT_EQ(lp.shell, 5);
	ST_ASSERT(turns > 2 * NETINTR_BUDGET);	/* it looped meanwhile */
	ST_ASSERT(netintrstat.ni_cut > cut0);
	ST_ASSERT_EQ(lp.inflight, 0);
	ST_ASSERT_EQ(mq_len(&lo0ifp->if_inq), 0);
}

/*
 * The shell's ping takes a reply only from the address it pings and
 * with its own identifier: a forged reply from another host (right id
 * and sequence, right data) used to count as the answer.
 */
static struct {
	struct in_addr	dst;
	int		got;
} pg;

static void
ping_thread(void *arg)
{
	pg.got = ping_run(pg.dst, 1, 24, 0, 0);
}

/* Wait for ping's request on cap0; turn it into a reply from src. */
static int
ping_answer(struct ifnet *ifp, uint32_t src)
{
	uint64_t until = ticks + hz / 2;
	uint16_t sum;
	int len;

	while (capif_count(ifp) == 0 && ticks < until)
		tsleep(&pg, 0, "stping", 1);
	if ((len = take(ifp)) != 14 + 20 + 8 + 24 || rbuf[34] != ICMP_ECHO)
		return (-1);
	memcpy(fbuf, rbuf, len);
	memcpy(fbuf, our_mac, 6);
	memcpy(fbuf + 6, peer_mac, 6);
	be32enc(fbuf + 26, src);
	be32enc(fbuf + 30, OUR_IP);
	ip_resum(fbuf + 14);
	fbuf[34] = ICMP_ECHOREPLY;
	fbuf[36] = fbuf[37] = 0;
	sum = in_cksum_flat(fbuf + 34, len - 34);
	memcpy(fbuf + 36, &sum, 2);
	capif_inject(ifp, fbuf, len, 0);
	return (len);
}

SELFTEST(net, ping_checks_source)
{
	struct ifnet *ifp = cap_up();
	struct thread *td;
	int len;

	learn_peer(ifp);
	pg.dst.s_addr = htonl(PEER_IP);
	/* From another host on the link (192.0.2.140): not an answer. */
	ping_wait_ms = 100;		/* the unanswered ping's wait */
	pg.got = -2;
	td = kthread_create(ping_thread, NULL, "stping");
	len = ping_answer(ifp, 0xc000028cU);
	kthread_join(td);
	ping_wait_ms = 1000;
	ST_ASSERT(len > 0);
	ST_ASSERT_EQ(pg.got, 0);
	/* From the peer itself: the answer. */
	pg.got = -2;
	td = kthread_create(ping_thread, NULL, "stping");
	ST_ASSERT(ping_answer(ifp, PEER_IP) > 0);
	kthread_join(td);
	ST_ASSERT_EQ(pg.got, 1);
	ST_ASSERT_EQ(take(ifp), -1);
	cap_down(ifp);
}

/*
 * Duplicate-address ARP frames: every one is counted, but the console
 * line is rate-limited (ratecheck(9), as BSD's arp logs it): 20 of them
 * within an interval print one line and count 19 as not logged; once
 * the interval has passed the next one is logged again.
 */
SELFTEST(net, arp_dup_ratelimited)
{
	static const uint8_t other_mac[6] = { 0x02, 0, 0, 0, 0, 0x66 };
	struct ifnet *ifp = cap_up();
	int saved = arp_duplog_interval, i;
	u_long d0 = arpstat.as_dupaddr, q0 = arpstat.as_dupquiet;
	uint64_t until;

	arp_duplog_interval = 5;
	for (i = 0; i < 20; i++)
		inject(ifp, mk_arp(ARPOP_REQUEST, other_mac, OUR_IP, OUR_IP),
		    0);
	ST_ASSERT_EQ(arpstat.as_dupaddr, d0 + 20);
	/* One may have been let through earlier in the run: 19 or 20. */
	ST_ASSERT(arpstat.as_dupquiet - q0 >= 19);
	q0 = arpstat.as_dupquiet;
	until = ticks + 6;
	while (ticks < until)
		tsleep(&until, 0, "stdup", 1);
	inject(ifp, mk_arp(ARPOP_REQUEST, other_mac, OUR_IP, OUR_IP), 0);
	arp_duplog_interval = saved;
	ST_ASSERT_EQ(arpstat.as_dupaddr, d0 + 21);
	ST_ASSERT_EQ(arpstat.as_dupquiet, q0);
	ST_ASSERT_EQ(take(ifp), -1);
	cap_down(ifp);
}
