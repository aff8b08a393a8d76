/*
 * net/udp.h: the UDP header (RFC 768).  Eight bytes, network byte
 * order, read and written only through local copies.
 */
#ifndef _NET_UDP_H_
#define _NET_UDP_H_

#include <sys/types.h>

struct udphdr {
	uint16_t	uh_sport;
	uint16_t	uh_dport;
	uint16_t	uh_ulen;	/* header and data */
	uint16_t	uh_sum;		/* 0 = none was computed */
};
_Static_assert(sizeof(struct udphdr) == 8, "struct udphdr is 8 bytes");

#endif /* !_NET_UDP_H_ */
