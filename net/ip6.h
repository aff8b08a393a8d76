/*
 * net/ip6.h: the IPv6 header, its extension headers (RFC 8200) and
 * IPv6 addresses (RFC 4291).
 *
 * Every struct here is a local copy only: code reads a header out of a
 * packet with memcpy from a contiguous region (m_pulldown(9),
 * m_datarange(9)) and writes it back the same way, never through a cast
 * of a packet pointer.  Each has its fields at their natural alignment,
 * so none needs packing (the sizes are checked at compile time).
 * Multi-byte fields are in network byte order, as on the wire; an
 * address is sixteen bytes and compared and copied as bytes.
 */
#ifndef _NET_IP6_H_
#define _NET_IP6_H_

#include <sys/types.h>

struct in6_addr {
	uint8_t		s6_addr[16];
};

struct ip6_hdr {
	uint32_t	ip6_flow;	/* version 4, class 8, flow label 20 */
	uint16_t	ip6_plen;	/* payload length (after this header) */
	uint8_t		ip6_nxt;	/* next header */
	uint8_t		ip6_hlim;	/* hop limit */
	struct in6_addr	ip6_src;
	struct in6_addr	ip6_dst;
};
_Static_assert(sizeof(struct ip6_hdr) == 40, "struct ip6_hdr is 40 bytes");

/* The two bytes every extension header but the fragment header starts
 * with; its length is (ip6e_len + 1) * 8 bytes. */
struct ip6_ext {
	uint8_t		ip6e_nxt;
	uint8_t		ip6e_len;
};

/* Routing header, its first four bytes (RFC 8200 4.4). */
struct ip6_rthdr {
	uint8_t		ip6r_nxt;
	uint8_t		ip6r_len;
	uint8_t		ip6r_type;
	uint8_t		ip6r_segleft;
};

/* Fragment header (RFC 8200 4.5), always 8 bytes. */
struct ip6_frag {
	uint8_t		ip6f_nxt;
	uint8_t		ip6f_reserved;
	uint16_t	ip6f_offlg;	/* offset << 3 | M */
	uint32_t	ip6f_ident;
};
_Static_assert(sizeof(struct ip6_frag) == 8, "struct ip6_frag is 8 bytes");

#define IPV6_VERSION		6
#define IP6_HDRLEN		40
#define IP6_DEFHLIM		64	/* hop limit of what we send */
#define IP6_MAXPACKET		65535	/* largest payload length */
#define IPV6_MMTU		1280	/* the minimum link MTU */
#define IP6F_OFF_MASK		0xfff8	/* of ip6f_offlg, in host order */
#define IP6F_MORE_FRAG		0x0001

/* Next header values (IANA). */
#define IPPROTO_HOPOPTS		0	/* hop-by-hop options */
#define IPPROTO_ROUTING		43	/* routing header */
#define IPPROTO_FRAGMENT	44	/* fragment header */
#define IPPROTO_ICMPV6		58
#define IPPROTO_NONE		59	/* no next header */
#define IPPROTO_DSTOPTS		60	/* destination options */

/* Options of the hop-by-hop and destination options headers. */
#define IP6OPT_PAD1		0x00
#define IP6OPT_PADN		0x01
#define IP6OPT_ACTION(t)	((t) >> 6)	/* what to do when unknown */
#define IP6OPT_SKIP		0	/* skip it */
#define IP6OPT_DISCARD		1	/* discard the packet */
#define IP6OPT_ICMP		2	/* discard, Parameter Problem */
#define IP6OPT_ICMP_UCAST	3	/* the same unless to multicast */

#define INET6_ADDRSTRLEN	46

/* Address classes (RFC 4291 2.4); each reads only the bytes. */
static inline int
in6_is_unspecified(const struct in6_addr *a)
{
	int i;

	for (i = 0; i < 16; i++)
		if (a->s6_addr[i] != 0)
			return (0);
	return (1);
}

static inline int
in6_is_loopback(const struct in6_addr *a)
{
	int i;

	for (i = 0; i < 15; i++)
		if (a->s6_addr[i] != 0)
			return (0);
	return (a->s6_addr[15] == 1);
}

static inline int
in6_is_multicast(const struct in6_addr *a)
{
	return (a->s6_addr[0] == 0xff);
}

static inline int
in6_is_linklocal(const struct in6_addr *a)
{
	return (a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80);
}

static inline int
in6_equal(const struct in6_addr *a, const struct in6_addr *b)
{
	int i;

	for (i = 0; i < 16; i++)
		if (a->s6_addr[i] != b->s6_addr[i])
			return (0);
	return (1);
}

/* "2001:db8::2" (RFC 4291 2.2, no embedded IPv4) into *a; -1 if not. */
int	in6_parse(const char *, struct in6_addr *);
/* RFC 5952 text into buf (at least INET6_ADDRSTRLEN bytes). */
char	*in6_fmt(const struct in6_addr *, char *);

#endif /* !_NET_IP6_H_ */
