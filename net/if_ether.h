/*
 * net/if_ether.h: Ethernet framing and ARP (RFC 826).
 *
 * struct ether_header (14 bytes) and struct ether_arp (28 bytes) are
 * byte arrays and 16-bit fields at even offsets, so they have no
 * padding without being packed; they are local copies only.
 */
#ifndef _NET_IF_ETHER_H_
#define _NET_IF_ETHER_H_

#include <sys/types.h>
#include <net/if.h>

struct ether_header {
	uint8_t		ether_dhost[ETHER_ADDR_LEN];
	uint8_t		ether_shost[ETHER_ADDR_LEN];
	uint16_t	ether_type;
};
_Static_assert(sizeof(struct ether_header) == 14, "ether_header");

#define ETHER_HDR_LEN	14
#define ETHER_MIN_LEN	60		/* without the CRC */
#define ETHER_MAX_LEN	1514		/* without the CRC */
#define ETHERMTU	1500
#define ETHERTYPE_IP	0x0800
#define ETHERTYPE_ARP	0x0806
#define ETHERTYPE_IPV6	0x86dd

struct ether_arp {
	uint16_t	ar_hrd;		/* hardware: 1 = Ethernet */
	uint16_t	ar_pro;		/* protocol: 0x0800 */
	uint8_t		ar_hln;		/* 6 */
	uint8_t		ar_pln;		/* 4 */
	uint16_t	ar_op;
	uint8_t		arp_sha[ETHER_ADDR_LEN];
	uint8_t		arp_spa[4];
	uint8_t		arp_tha[ETHER_ADDR_LEN];
	uint8_t		arp_tpa[4];
};
_Static_assert(sizeof(struct ether_arp) == 28, "ether_arp");

#define ARPHRD_ETHER	1
#define ARPOP_REQUEST	1
#define ARPOP_REPLY	2

extern const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN];

struct etherstat {
	u_long	es_ipackets;		/* frames received */
	u_long	es_runt;		/* shorter than the Ethernet header */
	u_long	es_notforus;		/* unicast to another station */
	u_long	es_mcast;		/* multicast, not an IPv6 group of ours */
	u_long	es_fromself;		/* our own source address */
	u_long	es_noproto;		/* unknown ethertype */
	u_long	es_opackets;		/* frames sent */
	u_long	es_nombuf;		/* no mbuf for the link header */
};

struct arpstat {
	u_long	as_rcvd;		/* ARP packets received */
	u_long	as_tooshort;		/* shorter than struct ether_arp */
	u_long	as_badhrd;		/* hardware type or length not Ethernet */
	u_long	as_badpro;		/* protocol type or length not IPv4 */
	u_long	as_badop;		/* neither request nor reply */
	u_long	as_badsrc;		/* sender hw broadcast/multicast */
	u_long	as_badaddr;		/* sender IP broadcast/multicast/zero */
	u_long	as_dupaddr;		/* somebody else uses our address */
	u_long	as_dupquiet;		/* of those, not logged (ratecheck) */
	u_long	as_notforus;		/* request for another target */
	u_long	as_reqrcvd;		/* requests for us */
	u_long	as_reprcvd;		/* replies received */
	u_long	as_repsent;		/* replies sent */
	u_long	as_reqsent;		/* requests sent (incl. gratuitous) */
	u_long	as_held;		/* packets held while resolving */
	u_long	as_holddrops;		/* held packets dropped: queue full */
	u_long	as_timeouts;		/* unresolved, held packets freed */
	u_long	as_expired;		/* resolved entries timed out */
	u_long	as_evicted;		/* entries reused when table full */
	u_long	as_nombuf;		/* no mbuf for a request/reply */
	u_long	as_flushed;		/* held packets freed by a flush */
};
extern struct etherstat etherstat;
extern struct arpstat arpstat;
extern int arp_duplog_interval;		/* ticks between two dup lines */

void	ether_ifattach(struct ifnet *, const uint8_t *lladdr);
void	ether_input(struct ifnet *, struct mbuf *);
int	ether_ipoutput(struct ifnet *, struct mbuf *, struct in_addr);
int	ether_output_frame(struct ifnet *, struct mbuf *, const uint8_t *,
	    uint16_t);
char	*ether_fmt(const uint8_t *, char *);	/* buffer >= 18 bytes */

void	arp_init(void);
void	arp_input(struct ifnet *, struct mbuf *);
int	arp_request(struct ifnet *, struct in_addr);
void	arp_gratuitous(struct ifnet *);
/* 1: lladdr filled; 0: m held or dropped (consumed) while resolving. */
int	arpresolve(struct ifnet *, struct mbuf *, struct in_addr, uint8_t *);
void	arp_flush(void);
void	arp_ifdetach(struct ifnet *);
void	arp_print(void);
int	arp_count(void);
/* Look up (without resolving): 0 and lladdr when a complete entry. */
int	arp_lookup(struct in_addr, uint8_t *);
void	arpstat_print(void);

#endif /* !_NET_IF_ETHER_H_ */
