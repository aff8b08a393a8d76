/*
 * net6_test.c: self-tests of the IPv6 stack over a capture interface
 * (suite "net6").
 *
 * cap6 (MAC 02:00:00:00:00:11) gets IPv6 with its link-local address
 * and 2001:db8:1::2/64; the peer is 2001:db8:1::3 at 02:00:00:00:00:12.
 * As in net_test.c the peer's frames are built byte by byte (with
 * checksums computed here, independently of the stack), injected split
 * into mbufs of various sizes, and what the stack sends back is checked
 * byte by byte.  DAD is off (nd6_dad_count 0) except in the case that
 * tests it, and the ICMPv6 rate limit off except in the case that tests
 * it.  Each case ends with cap6_down, which gives back every buffer.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/proc.h>
#include <sys/selftest.h>
#include "mbuf_testlib.h"

#include <net/in.h>
#include <net/udp.h>
#include <net/if.h>
#include <net/if_ether.h>
#include <net/ip_var.h>
#include <net/ip6.h>
#include <net/icmp6.h>
#include <net/ip6_var.h>

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x11 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x12 };
static struct in6_addr our6, peer6, ourll;
static uint8_t fb[9000];		/* a frame being built */
static uint8_t rb[9000];		/* a frame taken from cap6 */
static int saved_dad, saved_retrans, saved_pps;

static struct in6_addr
a6(const char *s)
{
	struct in6_addr a;

	if (in6_parse(s, &a) != 0)
		panic("net6_test: bad address %s", s);
	return (a);
}

static struct ifnet *
cap6_up(int dad)
{
	struct ifnet *ifp;

	our6 = a6("2001:db8:1::2");
	peer6 = a6("2001:db8:1::3");
	ourll = a6("fe80::ff:fe00:11");
	saved_dad = nd6_dad_count;
	saved_retrans = nd6_retrans_ms;
	saved_pps = icmp6_errpps;
	nd6_dad_count = dad;
	nd6_retrans_ms = 100;		/* the timeouts waited for: 0.1 s */
	icmp6_errpps = 0;
	ifp = capif_create("cap6", our_mac, "192.0.2.200", "255.255.255.248");
	if (in6_ifattach(ifp) != 0 || in6_addr_add(ifp, &our6, 64) != 0)
		panic("net6_test: no IPv6 on cap6");
	return (ifp);
}

static void
cap6_down(struct ifnet *ifp)
{
	nd6_dad_count = saved_dad;
	nd6_retrans_ms = saved_retrans;
	icmp6_errpps = saved_pps;
	net_flush();
	capif_destroy(ifp);
}

static int
take(struct ifnet *ifp)
{
	struct mbuf *m;
	int len;

	if ((m = capif_take(ifp)) == NULL)
		return (-1);
	len = MIN(m->m_pkthdr.len, (int)sizeof(rb));
	m_copydata(m, 0, len, rb);
	m_freem(m);
	return (len);
}

static void
drain(struct ifnet *ifp)
{
	while (take(ifp) >= 0)
		continue;
}

static void
inject(struct ifnet *ifp, int len, int chunk)
{
	capif_inject(ifp, fb, len, chunk);
	netintr_poll();
}

/* The transport checksum of u[0, len) under the IPv6 pseudo header. */
static uint16_t
sum6(const uint8_t *u, int len, int nxt, const void *src, const void *dst)
{
	uint8_t ph[40];
	uint32_t s;

	memcpy(ph, src, 16);
	memcpy(ph + 16, dst, 16);
	be32enc(ph + 32, len);
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = nxt;
	s = in_cksum_sum(ph, 40) + in_cksum_sum(u, len);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return ((uint16_t)~s);
}

/* Ethernet and IPv6 headers from the peer; payload at fb + 54. */
static int
mk6(const uint8_t *edst, const struct in6_addr *src,
    const struct in6_addr *dst, int nxt, int hlim, int plen)
{
	memcpy(fb, edst, 6);
	memcpy(fb + 6, peer_mac, 6);
	be16enc(fb + 12, ETHERTYPE_IPV6);
	be32enc(fb + 14, 0x60000000);
	be16enc(fb + 18, plen);
	fb[20] = nxt;
	fb[21] = hlim;
	memcpy(fb + 22, src, 16);
	memcpy(fb + 38, dst, 16);
	return (54 + plen);
}

/* Set the checksum of the ICMPv6 message of len bytes at fb + off. */
static void
icmp6_fix(int off, int len)
{
	uint16_t s;

	fb[off + 2] = fb[off + 3] = 0;
	s = sum6(fb + off, len, IPPROTO_ICMPV6, fb + 22, fb + 38);
	memcpy(fb + off + 2, &s, 2);
}

/*
 * An echo request from the peer to dst: ext (extlen bytes, its last
 * header naming 58) after the IPv6 header whose next header is nxt0.
 */
static int
mk_echo6(const struct in6_addr *dst, int nxt0, const uint8_t *ext,
    int extlen, int dlen, int seq)
{
	uint8_t *c = fb + 54 + extlen;
	int i;

	mk6(our_mac, &peer6, dst, nxt0, 64, extlen + 8 + dlen);
	if (extlen > 0)
		memcpy(fb + 54, ext, extlen);
	memset(c, 0, 8);
	c[0] = ICMP6_ECHO_REQUEST;
	be16enc(c + 4, 0x6666);
	be16enc(c + 6, seq);
	for (i = 0; i < dlen; i++)
		c[8 + i] = (i * 5 + seq) & 0xff;
	icmp6_fix(54 + extlen, 8 + dlen);
	return (54 + extlen + 8 + dlen);
}

/* A neighbor solicitation or advertisement from the peer. */
static int
mk_nd(int type, const struct in6_addr *src, const struct in6_addr *dst,
    const uint8_t *edst, const struct in6_addr *target, int flags,
    int withopt, int hlim)
{
	uint8_t *c = fb + 54;
	int len = 24 + (withopt ? 8 : 0);

	mk6(edst, src, dst, IPPROTO_ICMPV6, hlim, len);
	memset(c, 0, len);
	c[0] = type;
	c[4] = flags;
	memcpy(c + 8, target, 16);
	if (withopt) {
		c[24] = type == ND_NEIGHBOR_SOLICIT ? ND_OPT_SOURCE_LINKADDR :
		    ND_OPT_TARGET_LINKADDR;
		c[25] = 1;
		memcpy(c + 26, peer_mac, 6);
	}
	icmp6_fix(54, len);
	return (54 + len);
}

/* Teach the stack the peer (an NS with its address) and drop the NA. */
static void
learn6(struct ifnet *ifp)
{
	inject(ifp, mk_nd(ND_NEIGHBOR_SOLICIT, &peer6, &our6, our_mac, &our6,
	    0, 1, 255), 0);
	drain(ifp);
}

/* A frame in rb is an ICMPv6 message to the peer with a good sum. */
static int
icmp6_ok(int len, int type)
{
	return (len >= 62 && be16dec(rb + 12) == ETHERTYPE_IPV6 &&
	    (rb[14] >> 4) == 6 && rb[20] == IPPROTO_ICMPV6 &&
	    be16dec(rb + 18) == len - 54 && rb[54] == type &&
	    sum6(rb + 54, len - 54, IPPROTO_ICMPV6, rb + 22, rb + 38) == 0);
}

SELFTEST(net6, addr_text)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "2001:db8::2", "2001:db8::2" },
		{ "2001:0DB8:0:0:0:0:0:0002", "2001:db8::2" },
		{ "::", "::" },
		{ "::1", "::1" },
		{ "fe80::ff:fe00:11", "fe80::ff:fe00:11" },
		{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
		{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },	/* RFC 5952 */
		{ "2001:db8::/64", "2001:db8::" },
		{ "ff02::1:ff00:11", "ff02::1:ff00:11" },
	};
	static const char *bad[] = { "", ":", "1::2::3", "12345::", "1:2:3",
	    "1:2:3:4:5:6:7:8:9", "2001:db8:", "g::1", "1:2:3:4:5:6:7::8" };
	struct in6_addr a;
	char b[INET6_ADDRSTRLEN];
	int i;

	for (i = 0; i < (int)nitems(ok); i++) {
		ST_ASSERT_EQ(in6_parse(ok[i].in, &a), 0);
		if (strcmp(in6_fmt(&a, b), ok[i].out) != 0)
			ST_FAIL("%s -> %s, not %s", ok[i].in, b, ok[i].out);
	}
	for (i = 0; i < (int)nitems(bad); i++)
		if (in6_parse(bad[i], &a) == 0)
			ST_FAIL("\"%s\" parsed", bad[i]);
	a = a6("2001:db8::1:2:3");
	in6_solicited_node(&a, &a);
	ST_ASSERT(strcmp(in6_fmt(&a, b), "ff02::1:ff02:3") == 0);
}

SELFTEST(net6, nd_answer)
{
	struct ifnet *ifp = cap6_up(0);
	u_long hl0 = nd6stat.nd6s_badhlim;
	uint8_t ea[6];
	struct in6_addr sn;
	int len;

	/* The link-local address comes from the MAC (EUI-64). */
	ST_ASSERT(in6_ours(ifp, &ourll));
	ST_ASSERT(in6_ours(ifp, &our6));
	/* NS to our solicited-node group: a solicited NA back. */
	in6_solicited_node(&our6, &sn);
	in6_mcast_ether(&sn, ea);
	ST_ASSERT(ea[0] == 0x33 && ea[1] == 0x33 && ea[2] == 0xff &&
	    ea[5] == 0x02);
	inject(ifp, mk_nd(ND_NEIGHBOR_SOLICIT, &peer6, &sn, ea, &our6, 0, 1,
	    255), 7);
	len = take(ifp);
	ST_ASSERT_EQ(len, 54 + 32);
	ST_ASSERT(icmp6_ok(len, ND_NEIGHBOR_ADVERT));
	ST_ASSERT(memcmp(rb, peer_mac, 6) == 0);
	ST_ASSERT_EQ(rb[21], 255);
	ST_ASSERT(memcmp(rb + 22, &our6, 16) == 0);
	ST_ASSERT(memcmp(rb + 38, &peer6, 16) == 0);
	ST_ASSERT_EQ(rb[58], ND_NA_FLAG_SOLICITED | ND_NA_FLAG_OVERRIDE);
	ST_ASSERT(memcmp(rb + 62, &our6, 16) == 0);
	ST_ASSERT(rb[78] == ND_OPT_TARGET_LINKADDR && rb[79] == 1);
	ST_ASSERT(memcmp(rb + 80, our_mac, 6) == 0);
	/* The solicitation taught us the peer (STALE), and the answer
	 * through that entry moved it to DELAY (RFC 4861 7.3.3). */
	ST_ASSERT_EQ(nd6_state(&peer6), ND6_LLINFO_DELAY);
	ST_ASSERT_EQ(nd6_lookup(&peer6, ea), 0);
	ST_ASSERT(memcmp(ea, peer_mac, 6) == 0);
	/* Hop limit below 255: not from this link, ignored. */
	inject(ifp, mk_nd(ND_NEIGHBOR_SOLICIT, &peer6, &our6, our_mac,
	    &our6, 0, 1, 254), 0);
	ST_ASSERT_EQ(nd6stat.nd6s_badhlim, hl0 + 1);
	ST_ASSERT_EQ(take(ifp), -1);
	/* Multicast to a group we are not in: dropped by Ethernet. */
	ea[5] ^= 0x40;
	inject(ifp, mk_nd(ND_NEIGHBOR_SOLICIT, &peer6, &sn, ea, &our6, 0, 1,
	    255), 0);
	ST_ASSERT_EQ(take(ifp), -1);
	cap6_down(ifp);
}

SELFTEST(net6, nd_resolve)
{
	struct ifnet *ifp = cap6_up(0);
	static const uint8_t msg[] = "over ipv6";
	struct in6_addr sn;
	int len, i;

	/* A datagram to an unknown neighbour: held, NS multicast. */
	ST_ASSERT_EQ(udp6_send_buf(5001, &peer6, 9, msg, sizeof(msg)), 0);
	ST_ASSERT_EQ(nd6_state(&peer6), ND6_LLINFO_INCOMPLETE);
	len = take(ifp);
	ST_ASSERT(icmp6_ok(len, ND_NEIGHBOR_SOLICIT));
	in6_solicited_node(&peer6, &sn);
	ST_ASSERT(rb[0] == 0x33 && rb[1] == 0x33 && rb[2] == 0xff);
	ST_ASSERT(memcmp(rb + 38, &sn, 16) == 0);
	ST_ASSERT_EQ(rb[21], 255);
	ST_ASSERT(memcmp(rb + 62, &peer6, 16) == 0);
	ST_ASSERT(rb[78] == ND_OPT_SOURCE_LINKADDR);
	ST_ASSERT(memcmp(rb + 80, our_mac, 6) == 0);
	ST_ASSERT_EQ(take(ifp), -1);
	/* The solicited NA: REACHABLE, and the datagram goes out. */
	inject(ifp, mk_nd(ND_NEIGHBOR_ADVERT, &peer6, &our6, our_mac, &peer6,
	    ND_NA_FLAG_SOLICITED | ND_NA_FLAG_OVERRIDE, 1, 255), 3);
	ST_ASSERT_EQ(nd6_state(&peer6), ND6_LLINFO_REACHABLE);
	len = take(ifp);
	ST_ASSERT_EQ(len, 54 + 8 + (int)sizeof(msg));
	ST_ASSERT(memcmp(rb, peer_mac, 6) == 0);
	ST_ASSERT_EQ(rb[20], IPPROTO_UDP);
	ST_ASSERT(memcmp(rb + 62, msg, sizeof(msg)) == 0);
	ST_ASSERT_EQ(sum6(rb + 54, len - 54, IPPROTO_UDP, rb + 22, rb + 38),
	    0);
	/* An unsolicited NA with the same address: still REACHABLE. */
	inject(ifp, mk_nd(ND_NEIGHBOR_ADVERT, &peer6, &our6, our_mac, &peer6,
	    ND_NA_FLAG_OVERRIDE, 1, 255), 0);
	ST_ASSERT_EQ(nd6_state(&peer6), ND6_LLINFO_REACHABLE);	/* same ll */
	/* Unanswered resolution: three NS, then the held packet goes. */
	nd6_flush();
	{
		u_long t0 = nd6stat.nd6s_timeouts;
		uint64_t until = ticks + 6 * hz;

		ST_ASSERT_EQ(udp6_send_buf(5001, &peer6, 9, msg, 3), 0);
		while (ticks < until && nd6_state(&peer6) != ND6_LLINFO_FREE)
			tsleep(&until, 0, "nd6tmo", 1);
		ST_ASSERT_EQ(nd6stat.nd6s_timeouts, t0 + 1);
		for (i = 0; (len = take(ifp)) >= 0; i++)
			ST_ASSERT(icmp6_ok(len, ND_NEIGHBOR_SOLICIT));
		ST_ASSERT_EQ(i, 3);	/* MAX_MULTICAST_SOLICIT */
	}
	cap6_down(ifp);
}

SELFTEST(net6, echo)
{
	static const int chunks[] = { 0, 1, 7, 13, 40 };
	struct ifnet *ifp = cap6_up(0);
	u_long c0;
	int i, len, n;

	learn6(ifp);
	for (i = 0; i < (int)nitems(chunks); i++) {
		n = mk_echo6(&our6, IPPROTO_ICMPV6, NULL, 0, 300, i);
		c0 = tl_copied();
		inject(ifp, n, chunks[i]);
		/* One cluster holds the headers: no byte copied. */
		if (chunks[i] == 0)
			ST_ASSERT_EQ(tl_copied() - c0, 0);
		len = take(ifp);
		ST_ASSERT_EQ(len, n);
		ST_ASSERT(icmp6_ok(len, ICMP6_ECHO_REPLY));
		ST_ASSERT(memcmp(rb, peer_mac, 6) == 0);
		ST_ASSERT(memcmp(rb + 22, &our6, 16) == 0);
		ST_ASSERT(memcmp(rb + 38, &peer6, 16) == 0);
		ST_ASSERT(memcmp(rb + 58, fb + 58, len - 58) == 0);
		ST_ASSERT_EQ(take(ifp), -1);
	}
	/* To the link-local address and to all-nodes (from our unicast). */
	n = mk_echo6(&ourll, IPPROTO_ICMPV6, NULL, 0, 20, 9);
	inject(ifp, n, 0);
	len = take(ifp);
	ST_ASSERT(icmp6_ok(len, ICMP6_ECHO_REPLY));
	ST_ASSERT(memcmp(rb + 22, &ourll, 16) == 0);
	{
		uint8_t ea[6];

		in6_mcast_ether(&in6_allnodes, ea);
		n = mk_echo6(&in6_allnodes, IPPROTO_ICMPV6, NULL, 0, 20, 10);
		memcpy(fb, ea, 6);
		inject(ifp, n, 0);
		len = take(ifp);
		ST_ASSERT(icmp6_ok(len, ICMP6_ECHO_REPLY));
		ST_ASSERT(memcmp(rb + 22, &our6, 16) == 0);
	}
	/* The kernel's ping6 over the loopback, fragmented past its MTU. */
	ST_ASSERT_EQ(ping6_run(&our6, 2, 56, 0, 0), 2);
	ST_ASSERT_EQ(ping6_run(&our6, 1, 20000, 0, 0), 1);
	cap6_down(ifp);
}

/*
 * Extension headers: each case an echo request with a chain in front
 * of its ICMPv6 header, the counter it must move, and what comes back
 * (an echo reply, nothing, or a Parameter Problem of code and pointer).
 */
#define EX_REPLY	-1
#define EX_NONE		-2

SELFTEST(net6, exthdrs)
{
	static uint8_t e[2048];
	struct ifnet *ifp = cap6_up(0);
	u_long *ctr, v0;
	int k, n, len, nxt0, elen, want, ptr, i;

	learn6(ifp);
	for (k = 0; k < 15; k++) {
		memset(e, 0, sizeof(e));
		nxt0 = IPPROTO_HOPOPTS;
		elen = 8;
		e[0] = IPPROTO_ICMPV6;
		want = EX_REPLY;
		ptr = 0;
		switch (k) {
		case 0:		/* hop-by-hop, PadN of 6: fine */
			ctr = &ip6stat.ip6s_exthdrs;
			e[2] = IP6OPT_PADN;
			e[3] = 4;
			break;
		case 1:		/* destination options, unknown 00: skip */
			ctr = &ip6stat.ip6s_exthdrs;
			nxt0 = IPPROTO_DSTOPTS;
			e[2] = 0x1e;
			e[3] = 4;
			break;
		case 2:		/* unknown 01: discard */
			ctr = &ip6stat.ip6s_optdiscard;
			e[2] = 0x5e;
			e[3] = 4;
			want = EX_NONE;
			break;
		case 3:		/* unknown 10: Parameter Problem code 2 */
			ctr = &ip6stat.ip6s_opticmp;
			e[2] = IP6OPT_PAD1;
			e[3] = 0x9e;
			e[4] = 2;
			want = ICMP6_PARAMPROB_OPTION;
			ptr = 40 + 3;
			break;
		case 4:		/* option past its header */
			ctr = &ip6stat.ip6s_badopt;
			e[2] = 0x1e;
			e[3] = 9;
			want = EX_NONE;
			break;
		case 5:		/* PadN with a non-zero byte */
			ctr = &ip6stat.ip6s_badpad;
			e[2] = IP6OPT_PADN;
			e[3] = 4;
			e[6] = 1;
			want = EX_NONE;
			break;
		case 6:		/* more than 7 bytes of padding */
			ctr = &ip6stat.ip6s_badpad;
			e[1] = 1;
			elen = 16;
			e[2] = IP6OPT_PADN;
			e[3] = 12;
			want = EX_NONE;
			break;
		case 7:		/* hop-by-hop after destination options */
			ctr = &ip6stat.ip6s_hbhnotfirst;
			nxt0 = IPPROTO_DSTOPTS;
			e[0] = IPPROTO_HOPOPTS;
			e[8] = IPPROTO_ICMPV6;
			elen = 16;
			want = ICMP6_PARAMPROB_NEXTHDR;
			ptr = 40;
			break;
		case 8:		/* routing type 0, segments left 1 */
			ctr = &ip6stat.ip6s_rthdr0;
			nxt0 = IPPROTO_ROUTING;
			e[2] = 0;
			e[3] = 1;
			want = ICMP6_PARAMPROB_HEADER;
			ptr = 40 + 2;
			break;
		case 9:		/* routing type 4, segments left 0: skip */
			ctr = &ip6stat.ip6s_rtskip;
			nxt0 = IPPROTO_ROUTING;
			e[2] = 4;
			break;
		case 10:	/* routing type 3, segments left 2 */
			ctr = &ip6stat.ip6s_badrthdr;
			nxt0 = IPPROTO_ROUTING;
			e[2] = 3;
			e[3] = 2;
			want = ICMP6_PARAMPROB_HEADER;
			ptr = 40 + 2;
			break;
		case 11:	/* unknown next header after options */
			ctr = &ip6stat.ip6s_noproto;
			e[0] = 253;
			want = ICMP6_PARAMPROB_NEXTHDR;
			ptr = 40;
			break;
		case 12:	/* nine destination options headers */
			ctr = &ip6stat.ip6s_toomanyhdr;
			nxt0 = IPPROTO_DSTOPTS;
			for (i = 0; i < 9; i++)
				e[8 * i] = i < 8 ? IPPROTO_DSTOPTS :
				    IPPROTO_ICMPV6;
			elen = 72;
			want = EX_NONE;
			break;
		case 13:	/* a chain longer than ip6_maxextlen */
			ctr = &ip6stat.ip6s_hdrtoolong;
			nxt0 = IPPROTO_DSTOPTS;
			e[1] = 135;	/* 1088 bytes */
			elen = 1088;
			e[2] = IP6OPT_PAD1;
			for (i = 3; i + 2 < elen; i += 200) {
				e[i] = 0x1e;
				e[i + 1] = MIN(198, elen - i - 2);
			}
			want = EX_NONE;
			break;
		default:	/* header longer than the packet */
			ctr = &ip6stat.ip6s_exthdrshort;
			e[1] = 5;	/* 48 bytes; 32 follow */
			want = EX_NONE;
			break;
		}
		n = mk_echo6(&our6, nxt0, e, elen, 16, k);
		v0 = *ctr;
		inject(ifp, n, k % 2 ? 9 : 0);
		if (*ctr == v0)
			ST_FAIL("case %d: counter did not move", k);
		len = take(ifp);
		if (want == EX_NONE) {
			if (len != -1)
				ST_FAIL("case %d: a reply", k);
			continue;
		}
		if (want == EX_REPLY) {
			if (!icmp6_ok(len, ICMP6_ECHO_REPLY))
				ST_FAIL("case %d: no echo reply (%d)", k, len);
			ST_ASSERT_EQ(len, 54 + 8 + 16);
			continue;
		}
		if (!icmp6_ok(len, ICMP6_PARAM_PROB) || rb[55] != want ||
		    be32dec(rb + 58) != (uint32_t)ptr)
			ST_FAIL("case %d: not Parameter Problem %d at %d", k,
			    want, ptr);
		/* It quotes the packet from its IPv6 header on. */
		ST_ASSERT(memcmp(rb + 62, fb + 14, MIN(n, len) - 62) == 0);
		ST_ASSERT_EQ(take(ifp), -1);
	}
	cap6_down(ifp);
}

/* The IPv6 header's own checks. */
SELFTEST(net6, validation)
{
	struct ifnet *ifp = cap6_up(0);
	struct in6_addr other = a6("2001:db8:1::99"), mc = a6("ff05::2");
	u_long v;
	int n, len;

	learn6(ifp);
	/* Shorter than a header. */
	n = mk_echo6(&our6, IPPROTO_ICMPV6, NULL, 0, 0, 1);
	v = ip6stat.ip6s_toosmall;
	inject(ifp, 14 + 39, 0);
	ST_ASSERT_EQ(ip6stat.ip6s_toosmall, v + 1);
	/* Version 4 in an IPv6 frame. */
	fb[14] = 0x40;
	v = ip6stat.ip6s_badvers;
	inject(ifp, n, 0);
	ST_ASSERT_EQ(ip6stat.ip6s_badvers, v + 1);
	/* Payload length past the frame. */
	n = mk_echo6(&our6, IPPROTO_ICMPV6, NULL, 0, 8, 2);
	be16enc(fb + 18, 17);
	v = ip6stat.ip6s_tooshort;
	inject(ifp, n, 0);
	ST_ASSERT_EQ(ip6stat.ip6s_tooshort, v + 1);
	/* Short of the frame: the rest is link padding, trimmed. */
	n = mk_echo6(&our6, IPPROTO_ICMPV6, NULL, 0, 8, 3);
	memset(fb + n, 0xee, 10);
	v = ip6stat.ip6s_trimmed;
	inject(ifp, n + 10, 0);
	ST_ASSERT_EQ(ip6stat.ip6s_trimmed, v + 1);
	len = take(ifp);
	ST_ASSERT_EQ(len, n);
	ST_ASSERT(icmp6_ok(len, ICMP6_ECHO_REPLY));
	/* A multicast source. */
	n = mk_echo6(&our6, IPPROTO_ICMPV6, NULL, 0, 8, 4);
	memcpy(fb + 22, &mc, 16);
	v = ip6stat.ip6s_badsrc;
	inject(ifp, n, 0);
	ST_ASSERT_EQ(ip6stat.ip6s_badsrc, v + 1);
	/* ::1 on the wire. */
	n = mk_echo6(&our6, IPPROTO_ICMPV6, NULL, 0, 8, 5);
	fb[22 + 15] = 0;
	memset(fb + 22, 0, 15);
	fb[37] = 1;
	v = ip6stat.ip6s_badscope;
	inject(ifp, n, 0);
	ST_ASSERT_EQ(ip6stat.ip6s_badscope, v + 1);
	/* Not ours. */
	n = mk_echo6(&other, IPPROTO_ICMPV6, NULL, 0, 8, 6);
	v = ip6stat.ip6s_notforus;
	inject(ifp, n, 0);
	ST_ASSERT_EQ(ip6stat.ip6s_notforus, v + 1);
	/* No next header. */
	n = mk_echo6(&our6, IPPROTO_NONE, NULL, 0, 8, 7);
	v = ip6stat.ip6s_nonxt;
	inject(ifp, n, 0);
	ST_ASSERT_EQ(ip6stat.ip6s_nonxt, v + 1);
	/* A bad ICMPv6 checksum. */
	n = mk_echo6(&our6, IPPROTO_ICMPV6, NULL, 0, 8, 8);
	fb[60] ^= 1;
	v = icmp6stat.icp6s_checksum;
	inject(ifp, n, 0);
	ST_ASSERT_EQ(icmp6stat.icp6s_checksum, v + 1);
	ST_ASSERT_EQ(take(ifp), -1);
	cap6_down(ifp);
}

/* A fragment from the peer: payload bytes [off, off + len) of d. */
static int
mk_frag6(uint32_t id, int off, int len, int mf, int nxt, const uint8_t *d)
{
	uint8_t *f = fb + 54;

	mk6(our_mac, &peer6, &our6, IPPROTO_FRAGMENT, 64, 8 + len);
	f[0] = nxt;
	f[1] = 0;
	be16enc(f + 2, off | (mf ? IP6F_MORE_FRAG : 0));
	be32enc(f + 4, id);
	memcpy(f + 8, d + off, len);
	return (62 + len);
}

static struct {
	int	count, len, bad;
	const uint8_t *want;
} rx6;

static void
rx6_cb(void *arg, struct mbuf *m, const struct in6_addr *src,
    uint16_t sport, uint16_t dport)
{
	static uint8_t tmp[9000];
	char why[160];
	int len = m->m_pkthdr.len;

	rx6.count++;
	rx6.len = len;
	/* a sound chain: reassembly demotes its fragments (m_demote) */
	if (m_sanity(m, why, sizeof(why)) != 0)
		rx6.bad++;
	if (rx6.want != NULL && len <= (int)sizeof(tmp)) {
		m_copydata(m, 0, len, tmp);
		if (memcmp(tmp, rx6.want, len) != 0)
			rx6.bad++;
	}
	m_freem(m);
}

SELFTEST(net6, fragments)
{
	static uint8_t d[4000], dg[4008];
	static uint8_t fr[4][1600];
	static int frl[4];
	struct ifnet *ifp = cap6_up(0);
	struct udp6_pcb *up;
	u_long v;
	int i, n, len, nf, off;

	learn6(ifp);
	for (i = 0; i < (int)sizeof(d); i++)
		d[i] = (i * 13 + 1) & 0xff;
	memset(&rx6, 0, sizeof(rx6));
	ST_ASSERT((up = udp6_bind(5002, rx6_cb, NULL)) != NULL);

	/* Output: 4000 bytes to the peer leave as 1448-byte pieces. */
	ST_ASSERT_EQ(udp6_send_buf(5002, &peer6, 5002, d, sizeof(d)), 0);
	for (nf = 0, off = 0; (len = take(ifp)) >= 0; nf++) {
		ST_ASSERT(nf < 4);
		ST_ASSERT(len <= 14 + 1500);
		ST_ASSERT_EQ(rb[20], IPPROTO_FRAGMENT);
		ST_ASSERT_EQ(rb[54], IPPROTO_UDP);
		ST_ASSERT_EQ(be16dec(rb + 56) & IP6F_OFF_MASK, off);
		ST_ASSERT_EQ(be16dec(rb + 18), len - 54);
		memcpy(dg + off, rb + 62, len - 62);
		off += len - 62;
		if ((be16dec(rb + 56) & IP6F_MORE_FRAG) == 0)
			ST_ASSERT((len - 62) % 8 == 0 || off == 4008);
		memcpy(fr[nf], rb, len);
		frl[nf] = len;
	}
	ST_ASSERT_EQ(nf, 3);
	ST_ASSERT_EQ(off, 4008);
	ST_ASSERT(memcmp(dg + 8, d, sizeof(d)) == 0);
	ST_ASSERT_EQ(sum6(dg, 4008, IPPROTO_UDP, fr[0] + 22, fr[0] + 38), 0);

	/* The same datagram from the peer, last fragment first: whole. */
	rx6.want = d;
	v = ip6stat.ip6s_reassembled;
	for (i = nf - 1; i >= 0; i--) {
		memcpy(fb, fr[i], frl[i]);
		memcpy(fb, our_mac, 6);
		memcpy(fb + 6, peer_mac, 6);
		memcpy(fb + 22, &peer6, 16);
		memcpy(fb + 38, &our6, 16);
		/* The sum holds: the addresses are swapped, not changed. */
		inject(ifp, frl[i], i == 1 ? 11 : 0);
	}
	ST_ASSERT_EQ(ip6stat.ip6s_reassembled, v + 1);
	ST_ASSERT_EQ(rx6.count, 1);
	ST_ASSERT_EQ(rx6.len, 4000);
	ST_ASSERT_EQ(rx6.bad, 0);
	ST_ASSERT_EQ(ip6_reass_count(), 0);

	/* An atomic fragment (RFC 6946): processed as it is. */
	memcpy(dg, d, 8);
	n = mk_echo6(&our6, IPPROTO_ICMPV6, NULL, 0, 16, 1);
	memmove(fb + 62, fb + 54, n - 54);
	memset(fb + 54, 0, 8);
	fb[54] = IPPROTO_ICMPV6;
	be32enc(fb + 58, 77);
	fb[20] = IPPROTO_FRAGMENT;
	be16enc(fb + 18, n - 54 + 8);
	v = ip6stat.ip6s_atomicfrag;
	inject(ifp, n + 8, 0);
	ST_ASSERT_EQ(ip6stat.ip6s_atomicfrag, v + 1);
	ST_ASSERT(icmp6_ok(take(ifp), ICMP6_ECHO_REPLY));

	/* Overlap (RFC 5722): the whole datagram goes. */
	v = ip6stat.ip6s_fragoverlap;
	inject(ifp, mk_frag6(10, 0, 64, 1, IPPROTO_UDP, dg), 0);
	inject(ifp, mk_frag6(10, 128, 64, 1, IPPROTO_UDP, dg), 0);
	ST_ASSERT_EQ(ip6_reass_count(), 1);
	inject(ifp, mk_frag6(10, 56, 16, 1, IPPROTO_UDP, dg), 0);
	ST_ASSERT_EQ(ip6stat.ip6s_fragoverlap, v + 3);
	ST_ASSERT_EQ(ip6_reass_count(), 0);
	/* An exact duplicate: only it goes. */
	v = ip6stat.ip6s_fragdup;
	inject(ifp, mk_frag6(11, 0, 64, 1, IPPROTO_UDP, dg), 0);
	inject(ifp, mk_frag6(11, 0, 64, 1, IPPROTO_UDP, dg), 0);
	ST_ASSERT_EQ(ip6stat.ip6s_fragdup, v + 1);
	ST_ASSERT_EQ(ip6_reass_mbufs(), 1);
	ip6_reass_drain();
	ST_ASSERT_EQ(take(ifp), -1);

	/* Not a multiple of 8 with more to come: Parameter Problem at 4. */
	v = ip6stat.ip6s_fragbad;
	inject(ifp, mk_frag6(12, 0, 60, 1, IPPROTO_UDP, dg), 0);
	ST_ASSERT_EQ(ip6stat.ip6s_fragbad, v + 1);
	len = take(ifp);
	ST_ASSERT(icmp6_ok(len, ICMP6_PARAM_PROB));
	ST_ASSERT(rb[55] == ICMP6_PARAMPROB_HEADER && be32dec(rb + 58) == 4);
	/* Past 65535: Parameter Problem at the offset field. */
	v = ip6stat.ip6s_fragtoolong;
	inject(ifp, mk_frag6(13, 65528, 16, 0, IPPROTO_UDP, dg), 0);
	ST_ASSERT_EQ(ip6stat.ip6s_fragtoolong, v + 1);
	len = take(ifp);
	ST_ASSERT(icmp6_ok(len, ICMP6_PARAM_PROB));
	ST_ASSERT_EQ(be32dec(rb + 58), 42);
	/* A first fragment cut inside its UDP header (RFC 7112). */
	v = ip6stat.ip6s_fragchain;
	inject(ifp, mk_frag6(14, 0, 0, 1, IPPROTO_DSTOPTS, dg), 0);
	ST_ASSERT_EQ(ip6stat.ip6s_fragchain, v + 1);
	len = take(ifp);
	ST_ASSERT(icmp6_ok(len, ICMP6_PARAM_PROB));
	ST_ASSERT_EQ(rb[55], ICMP6_PARAMPROB_FIRSTFRAG);
	ST_ASSERT_EQ(take(ifp), -1);
	ST_ASSERT_EQ(ip6_reass_count(), 0);
	udp6_unbind(up);
	cap6_down(ifp);
}

SELFTEST(net6, reassembly_timeout)
{
	static uint8_t d[64];
	struct ifnet *ifp = cap6_up(0);
	int saved = ip6_reass_ttl, len;
	u_long t0 = ip6stat.ip6s_fragtimeout;
	uint64_t until;

	learn6(ifp);
	ip6_reass_ttl = 5;
	inject(ifp, mk_frag6(20, 0, 48, 1, IPPROTO_UDP, d), 0);
	inject(ifp, mk_frag6(21, 48, 16, 1, IPPROTO_UDP, d), 0);
	ST_ASSERT_EQ(ip6_reass_count(), 2);
	until = ticks + 20;
	while (ticks < until && ip6_reass_count() != 0)
		tsleep(&until, 0, "reas6tmo", 1);
	ip6_reass_ttl = saved;
	ST_ASSERT_EQ(ip6_reass_count(), 0);
	ST_ASSERT_EQ(ip6stat.ip6s_fragtimeout - t0, 2);
	/* Time Exceeded code 1 quoting the first fragment as it came. */
	len = take(ifp);
	ST_ASSERT(icmp6_ok(len, ICMP6_TIME_EXCEEDED));
	ST_ASSERT_EQ(rb[55], ICMP6_TIME_EXCEED_REASS);
	mk_frag6(20, 0, 48, 1, IPPROTO_UDP, d);
	ST_ASSERT_EQ(len, 54 + 8 + 40 + 8 + 48);
	ST_ASSERT(memcmp(rb + 62, fb + 14, 40 + 8 + 48) == 0);
	ST_ASSERT_EQ(take(ifp), -1);
	cap6_down(ifp);
}

SELFTEST(net6, udp)
{
	static const uint8_t msg[] = "datagram six";
	struct ifnet *ifp = cap6_up(0);
	uint8_t *u = fb + 54;
	u_long v;
	int n, len;
	uint16_t s;

	learn6(ifp);
	/* Echo on 7: the same chain back, ports swapped, no copy. */
	n = mk6(our_mac, &peer6, &our6, IPPROTO_UDP, 64, 8 + sizeof(msg));
	be16enc(u, 4000);
	be16enc(u + 2, 7);
	be16enc(u + 4, 8 + sizeof(msg));
	memset(u + 6, 0, 2);
	memcpy(u + 8, msg, sizeof(msg));
	s = sum6(u, 8 + sizeof(msg), IPPROTO_UDP, &peer6, &our6);
	memcpy(u + 6, &s, 2);
	v = tl_copied();
	inject(ifp, n, 0);
	ST_ASSERT_EQ(tl_copied() - v, 0);
	len = take(ifp);
	ST_ASSERT_EQ(len, n);
	ST_ASSERT(be16dec(rb + 54) == 7 && be16dec(rb + 56) == 4000);
	ST_ASSERT_EQ(sum6(rb + 54, len - 54, IPPROTO_UDP, rb + 22, rb + 38),
	    0);
	ST_ASSERT(memcmp(rb + 62, msg, sizeof(msg)) == 0);
	/* A zero checksum is refused over IPv6. */
	memset(u + 6, 0, 2);
	v = udp6stat.udp6s_nosum;
	inject(ifp, n, 0);
	ST_ASSERT_EQ(udp6stat.udp6s_nosum, v + 1);
	ST_ASSERT_EQ(take(ifp), -1);
	/* A wrong one too. */
	s ^= 0x100;
	memcpy(u + 6, &s, 2);
	v = udp6stat.udp6s_badsum;
	inject(ifp, n, 0);
	ST_ASSERT_EQ(udp6stat.udp6s_badsum, v + 1);
	/* No echo back to an echo port: no loop. */
	s ^= 0x100;
	be16enc(u, 7);
	memset(u + 6, 0, 2);
	s = sum6(u, 8 + sizeof(msg), IPPROTO_UDP, &peer6, &our6);
	memcpy(u + 6, &s, 2);
	v = udp6stat.udp6s_discarded;
	inject(ifp, n, 0);
	ST_ASSERT_EQ(udp6stat.udp6s_discarded, v + 1);
	ST_ASSERT_EQ(take(ifp), -1);
	/* No port: Destination Unreachable, port. */
	be16enc(u, 4000);
	be16enc(u + 2, 4444);
	memset(u + 6, 0, 2);
	s = sum6(u, 8 + sizeof(msg), IPPROTO_UDP, &peer6, &our6);
	memcpy(u + 6, &s, 2);
	inject(ifp, n, 0);
	len = take(ifp);
	ST_ASSERT(icmp6_ok(len, ICMP6_DST_UNREACH));
	ST_ASSERT_EQ(rb[55], ICMP6_DST_UNREACH_NOPORT);
	ST_ASSERT_EQ(len, 62 + n - 14);
	ST_ASSERT(memcmp(rb + 62, fb + 14, n - 14) == 0);
	ST_ASSERT_EQ(take(ifp), -1);
	cap6_down(ifp);
}

SELFTEST(net6, error_rate_limit)
{
	struct ifnet *ifp = cap6_up(0);
	u_long r0 = icmp6stat.icp6s_ratelim, e0 = icmp6stat.icp6s_error;
	uint8_t ext[8] = { 253 };
	int i, got = 0;

	learn6(ifp);
	icmp6_errpps = 3;
	for (i = 0; i < 8; i++)
		inject(ifp, mk_echo6(&our6, IPPROTO_DSTOPTS, ext, 8, 8, i), 0);
	while (take(ifp) >= 0)
		got++;
	ST_ASSERT(got <= 6);		/* a window may turn over: 3 + 3 */
	ST_ASSERT_EQ(icmp6stat.icp6s_error - e0, got);
	ST_ASSERT_EQ(icmp6stat.icp6s_ratelim - r0, 8 - got);
	/* Never an error about an error: an option asking for one in
	 * front of a Parameter Problem. */
	icmp6_errpps = 0;
	r0 = icmp6stat.icp6s_olderr;
	ext[0] = IPPROTO_ICMPV6;
	ext[2] = 0x9e;
	ext[3] = 4;
	mk_echo6(&our6, IPPROTO_DSTOPTS, ext, 8, 8, 0);
	fb[62] = ICMP6_PARAM_PROB;
	icmp6_fix(62, 16);
	inject(ifp, 54 + 8 + 16, 0);
	ST_ASSERT_EQ(icmp6stat.icp6s_olderr, r0 + 1);
	ST_ASSERT_EQ(take(ifp), -1);
	cap6_down(ifp);
}

/*
 * Advertisements of an address that is ours: every one counted, one
 * console line per nd6_duplog_interval (as ARP's duplicate line,
 * if_ether.c), so that a sender cannot flood the console.
 */
SELFTEST(net6, dup_quiet)
{
	struct ifnet *ifp = cap6_up(0);
	u_long d0, q0;
	int i, saved = nd6_duplog_interval;

	nd6_duplog_interval = 1000 * hz;
	inject(ifp, mk_nd(ND_NEIGHBOR_ADVERT, &peer6, &our6, our_mac, &our6,
	    ND_NA_FLAG_OVERRIDE, 1, 255), 0);	/* may be logged */
	d0 = nd6stat.nd6s_dupaddr;
	q0 = nd6stat.nd6s_dupquiet;
	for (i = 0; i < 5; i++)
		inject(ifp, mk_nd(ND_NEIGHBOR_ADVERT, &peer6, &our6, our_mac,
		    &our6, ND_NA_FLAG_OVERRIDE, 1, 255), 0);
	ST_ASSERT_EQ(nd6stat.nd6s_dupaddr, d0 + 5);
	ST_ASSERT_EQ(nd6stat.nd6s_dupquiet, q0 + 5);	/* none logged */
	ST_ASSERT(in6_ours(ifp, &our6));		/* still ours */
	ST_ASSERT_EQ(take(ifp), -1);
	nd6_duplog_interval = saved;
	cap6_down(ifp);
}

SELFTEST(net6, dad)
{
	struct ifnet *ifp = cap6_up(1);
	struct in6_addr x = a6("2001:db8:1::77"), y = a6("2001:db8:1::78");
	struct in6_addr sn, any;
	struct in6_ifaddr *ia;
	u_long d0 = nd6stat.nd6s_dupaddr;
	uint64_t until;
	int len;

	drain(ifp);
	/* A new address: tentative, and an NS from :: for it. */
	ST_ASSERT_EQ(in6_addr_add(ifp, &x, 64), 0);
	ia = in6_ifa_find(ifp, &x);
	ST_ASSERT(ia != NULL && (ia->ia6_flags & IN6_IFF_TENTATIVE));
	ST_ASSERT(!in6_ours(ifp, &x));
	len = take(ifp);
	ST_ASSERT(icmp6_ok(len, ND_NEIGHBOR_SOLICIT));
	memset(&any, 0, sizeof(any));
	in6_solicited_node(&x, &sn);
	ST_ASSERT(memcmp(rb + 22, &any, 16) == 0);
	ST_ASSERT(memcmp(rb + 38, &sn, 16) == 0);
	ST_ASSERT_EQ(len, 54 + 24);	/* no source link-layer option */
	/* Somebody answers for it: duplicated, never ours. */
	inject(ifp, mk_nd(ND_NEIGHBOR_ADVERT, &peer6, &in6_allnodes,
	    our_mac, &x, ND_NA_FLAG_OVERRIDE, 1, 255), 0);
	ST_ASSERT_EQ(nd6stat.nd6s_dupaddr, d0 + 1);
	ST_ASSERT(ia->ia6_flags & IN6_IFF_DUPLICATED);
	ST_ASSERT(!in6_ours(ifp, &x));
	/* Another, unopposed: ours after RetransTimer (0.1 s here). */
	ST_ASSERT_EQ(in6_addr_add(ifp, &y, 64), 0);
	until = ticks + 3 * hz;
	while (ticks < until && !in6_ours(ifp, &y))
		tsleep(&until, 0, "dad", 1);
	ST_ASSERT(in6_ours(ifp, &y));
	drain(ifp);
	cap6_down(ifp);
}
