/*
 * net/ip.h: the IPv4 header (RFC 791).
 *
 * struct ip is 20 bytes with every field naturally aligned, so it needs
 * no packing; it is only ever a local copy: code reads a header out of
 * a packet with memcpy from a contiguous region and writes it back the
 * same way, never through a cast of a packet pointer.  Multi-byte
 * fields are in network byte order, as on the wire.
 */
#ifndef _NET_IP_H_
#define _NET_IP_H_

#include <sys/types.h>
#include <net/in.h>

struct ip {
	uint8_t		ip_vhl;		/* version << 4 | header length >> 2 */
	uint8_t		ip_tos;		/* type of service */
	uint16_t	ip_len;		/* total length */
	uint16_t	ip_id;		/* identification */
	uint16_t	ip_off;		/* fragment offset field */
	uint8_t		ip_ttl;		/* time to live */
	uint8_t		ip_p;		/* protocol */
	uint16_t	ip_sum;		/* checksum */
	struct in_addr	ip_src;
	struct in_addr	ip_dst;
};
_Static_assert(sizeof(struct ip) == 20, "struct ip is 20 bytes");

#define IPVERSION	4
#define IP_VHL(v, hl)	((uint8_t)(((v) << 4) | ((hl) >> 2)))
#define IP_V(vhl)	((vhl) >> 4)
#define IP_HL(vhl)	(((vhl) & 0x0f) << 2)	/* in bytes */

#define IP_RF		0x8000		/* reserved fragment flag */
#define IP_DF		0x4000		/* don't fragment */
#define IP_MF		0x2000		/* more fragments */
#define IP_OFFMASK	0x1fff		/* fragment offset, 8-byte units */

#define IP_MAXPACKET	65535
#define IP_DEFTTL	64
#define IP_MINHLEN	20
#define IP_MAXHLEN	60

/* Options (RFC 791 3.1): the first byte of each. */
#define IPOPT_EOL	0		/* end of the option list */
#define IPOPT_NOP	1		/* no operation (padding) */
#define IPOPT_COPIED(o)	((o) & 0x80)	/* goes into every fragment */

#endif /* !_NET_IP_H_ */
