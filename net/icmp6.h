/*
 * net/icmp6.h: ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861)
 * message formats.
 *
 * Local copies only, like every header struct of the stack: read and
 * written with memcpy through a contiguous region of the packet.  The
 * 32-bit word after the checksum is kept as bytes (icmp6_data) and
 * decoded with be16dec/be32dec, so no field is unaligned.
 */
#ifndef _NET_ICMP6_H_
#define _NET_ICMP6_H_

#include <sys/types.h>
#include <net/ip6.h>

struct icmp6_hdr {
	uint8_t		icmp6_type;
	uint8_t		icmp6_code;
	uint16_t	icmp6_cksum;
	uint8_t		icmp6_data[4];	/* id and seq, pointer, MTU, flags */
};
_Static_assert(sizeof(struct icmp6_hdr) == 8, "icmp6_hdr is 8 bytes");

#define ICMP6_HDRLEN		8

/* Errors (type < 128). */
#define ICMP6_DST_UNREACH	1
#define ICMP6_DST_UNREACH_NOPORT 4	/* code: port unreachable */
#define ICMP6_PACKET_TOO_BIG	2
#define ICMP6_TIME_EXCEEDED	3
#define ICMP6_TIME_EXCEED_REASS	1	/* code: reassembly timed out */
#define ICMP6_PARAM_PROB	4
#define ICMP6_PARAMPROB_HEADER	0	/* code: erroneous header field */
#define ICMP6_PARAMPROB_NEXTHDR	1	/* code: unrecognized next header */
#define ICMP6_PARAMPROB_OPTION	2	/* code: unrecognized option */
#define ICMP6_PARAMPROB_FIRSTFRAG 3	/* code: incomplete header chain */
/* Informational (type >= 128). */
#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129
#define ND_ROUTER_SOLICIT	133
#define ND_ROUTER_ADVERT	134
#define ND_NEIGHBOR_SOLICIT	135
#define ND_NEIGHBOR_ADVERT	136
#define ND_REDIRECT		137
#define ICMP6_MAXTYPE		255
#define ICMP6_ISERROR(t)	((t) < 128)

/* NS and NA: the ICMPv6 header, then the target address (24 bytes). */
#define ND_NS_LEN		24
#define ND_NA_FLAG_ROUTER	0x80	/* icmp6_data[0] of an NA */
#define ND_NA_FLAG_SOLICITED	0x40
#define ND_NA_FLAG_OVERRIDE	0x20
/* Options: type, length in units of 8 bytes, data. */
#define ND_OPT_SOURCE_LINKADDR	1
#define ND_OPT_TARGET_LINKADDR	2
#define ND_HOPLIMIT		255	/* every ND message has it */

#endif /* !_NET_ICMP6_H_ */
