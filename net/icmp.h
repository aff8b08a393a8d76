/*
 * net/icmp.h: the ICMP header (RFC 792).  The fixed part is eight
 * bytes: type, code, checksum and a word whose meaning depends on the
 * type (identifier and sequence for echo, unused for the errors, which
 * then quote the offending IP header and 8 bytes of its data).
 */
#ifndef _NET_ICMP_H_
#define _NET_ICMP_H_

#include <sys/types.h>

struct icmp {
	uint8_t		icmp_type;
	uint8_t		icmp_code;
	uint16_t	icmp_cksum;
	uint16_t	icmp_id;	/* echo: identifier */
	uint16_t	icmp_seq;	/* echo: sequence number */
};
_Static_assert(sizeof(struct icmp) == 8, "struct icmp is 8 bytes");

#define ICMP_MINLEN		8
#define ICMP_ECHOREPLY		0
#define ICMP_UNREACH		3
#define ICMP_UNREACH_NET	0
#define ICMP_UNREACH_HOST	1
#define ICMP_UNREACH_PROTOCOL	2
#define ICMP_UNREACH_PORT	3
#define ICMP_UNREACH_NEEDFRAG	4
#define ICMP_SOURCEQUENCH	4
#define ICMP_REDIRECT		5
#define ICMP_ECHO		8
#define ICMP_TIMXCEED		11
#define ICMP_TIMXCEED_INTRANS	0
#define ICMP_TIMXCEED_REASS	1
#define ICMP_PARAMPROB		12
#define ICMP_MAXTYPE		18

/* Whether a type is an error (never answered with another error). */
static inline int
icmp_is_error(int type)
{
	return (type == ICMP_UNREACH || type == ICMP_SOURCEQUENCH ||
	    type == ICMP_REDIRECT || type == ICMP_TIMXCEED ||
	    type == ICMP_PARAMPROB);
}

#endif /* !_NET_ICMP_H_ */
