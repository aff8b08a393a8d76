/*
 * net/ip_var.h: the IPv4 layer's interfaces between its files, and the
 * statistics of IP, ICMP and UDP.
 *
 * Every counter below names one outcome; every packet that is dropped
 * increments exactly one of the drop counters (a counted drop, never a
 * silent one).  Counters change only through counter_add (spl(9)), one
 * instruction atomic against interrupts, whatever the level.
 */
#ifndef _NET_IP_VAR_H_
#define _NET_IP_VAR_H_

#include <sys/types.h>
#include <sys/mbuf.h>
#include <net/in.h>
#include <net/ip.h>
#include <net/icmp.h>

struct ifnet;

struct ipstat {
	u_long	ips_total;		/* packets received */
	u_long	ips_toosmall;		/* shorter than a minimal header */
	u_long	ips_badvers;		/* version is not 4 */
	u_long	ips_badhlen;		/* header length < 20 or > packet */
	u_long	ips_badsum;		/* header checksum wrong */
	u_long	ips_badlen;		/* ip_len shorter than the header */
	u_long	ips_tooshort;		/* ip_len longer than the frame */
	u_long	ips_srczero;		/* martian: source 0.0.0.0 */
	u_long	ips_srcbcast;		/* martian: broadcast source */
	u_long	ips_srcmcast;		/* martian: multicast source */
	u_long	ips_srcclasse;		/* martian: class E source */
	u_long	ips_srcloop;		/* martian: 127/8 source not on lo0 */
	u_long	ips_srcours;		/* martian: our source not on lo0 */
	u_long	ips_dstloop;		/* martian: 127/8 dest. not on lo0 */
	u_long	ips_notforus;		/* not for one of our addresses */
	u_long	ips_noproto;		/* unknown protocol */
	u_long	ips_delivered;		/* handed to ICMP or UDP */
	u_long	ips_fragments;		/* fragments received */
	u_long	ips_fragbad;		/* fragment: bad length/offset */
	u_long	ips_toolong;		/* fragment ends past 65535 */
	u_long	ips_fragdup;		/* fragment wholly duplicate */
	u_long	ips_fragoverlap;	/* fragment overlapped, trimmed */
	u_long	ips_fragdropped;	/* dropped: reassembly budget full */
	u_long	ips_fragtimeout;	/* freed by the reassembly timeout */
	u_long	ips_fragdrained;	/* freed by ip_reass_drain */
	u_long	ips_reassembled;	/* datagrams put back together */
	u_long	ips_nombuf;		/* no mbuf for an operation */
	u_long	ips_localout;		/* packets sent */
	u_long	ips_noroute;		/* no interface for the destination */
	u_long	ips_fragmented;		/* datagrams fragmented */
	u_long	ips_ofragments;		/* fragments sent */
	u_long	ips_cantfrag;		/* too big and DF set */
	u_long	ips_odropped;		/* output queue full or link error */
	u_long	ips_oloopsrc;		/* 127/8 source to a real interface */
};

struct icmpstat {
	u_long	icps_error;		/* errors generated */
	u_long	icps_oldicmp;		/* no error about an ICMP error */
	u_long	icps_oldfrag;		/* no error about a non-first frag */
	u_long	icps_bmcast;		/* no error about a broadcast */
	u_long	icps_tooshort;		/* shorter than 8 bytes */
	u_long	icps_checksum;		/* bad checksum */
	u_long	icps_badtype;		/* type we do not handle */
	u_long	icps_bmcastecho;	/* echo to broadcast ignored */
	u_long	icps_reflect;		/* echo replies sent */
	u_long	icps_echoreply;		/* echo replies received */
	u_long	icps_nomatch;		/* reply nobody waited for */
	u_long	icps_unreach;		/* unreachables received */
	u_long	icps_timxceed;		/* time exceeded received */
	u_long	icps_nombuf;		/* no mbuf for an error */
	u_long	icps_errshort;		/* no error about < 20 bytes */
	u_long	icps_inhist[ICMP_MAXTYPE + 1];
	u_long	icps_outhist[ICMP_MAXTYPE + 1];
};

struct udpstat {
	u_long	udps_ipackets;		/* datagrams received */
	u_long	udps_hdrops;		/* shorter than the UDP header */
	u_long	udps_badlen;		/* uh_ulen < 8 or past the packet */
	u_long	udps_badsum;		/* checksum wrong */
	u_long	udps_nosum;		/* no checksum (accepted) */
	u_long	udps_noport;		/* no receiver: unreachable sent */
	u_long	udps_noportbcast;	/* no receiver, broadcast: dropped */
	u_long	udps_delivered;		/* given to a bound callback */
	u_long	udps_echoed;		/* echoed on port 7 */
	u_long	udps_echoloop;		/* not echoed: from a looping port */
	u_long	udps_echoself;		/* not echoed: from our own address */
	u_long	udps_discarded;		/* swallowed on port 9 */
	u_long	udps_opackets;		/* datagrams sent */
	u_long	udps_nombuf;		/* no mbuf to send */
	u_long	udps_toobig;		/* send larger than 65507 bytes */
};

extern struct ipstat ipstat;
extern struct icmpstat icmpstat;
extern struct udpstat udpstat;

/* ip_input.c */
void	ip_init(void);
void	ip_input(struct ifnet *, struct mbuf *);
int	in_ours(struct in_addr, struct ifnet *);
/* The martian filter: the counter of the reason to drop, or NULL. */
u_long	*ip_martian(const struct ip *, struct ifnet *);
/* ip_output.c: m holds a complete IP header (ip_len, ip_p, ip_src, ip_dst,
 * ip_ttl, ip_tos set; ip_id, ip_off, ip_sum are filled here). */
#define IP_DF_FLAG	0x02
int	ip_output(struct mbuf *, int);
uint16_t ip_newid(void);
/* Set the header checksum of the contiguous header at p. */
void	ip_hdr_cksum(void *p, int hlen);
/* Build an IP header in front of a payload chain and send it. */
int	ip_send(struct mbuf *, int proto, struct in_addr src,
	    struct in_addr dst, int flags);
struct in_addr ip_srcaddr(struct in_addr dst);
/* ip_reass.c */
void	ip_reass_init(void);
struct mbuf *ip_reass(struct mbuf *, const struct ip *, int hlen);
void	ip_reass_drain(void);
int	ip_reass_count(void);		/* datagrams being reassembled */
int	ip_reass_mbufs(void);		/* mbufs held */
extern int ip_reass_ttl;		/* ticks before a datagram expires */
/* ip_icmp.c */
void	icmp_input(struct mbuf *, int hlen);
void	icmp_error(struct mbuf *, int type, int code);
int	icmp_echo_send(struct in_addr dst, uint16_t id, uint16_t seq,
	    int datalen);
typedef void (*icmp_echo_hook_t)(void *, struct in_addr, uint16_t id,
	    uint16_t seq, int len, struct mbuf *);
int	icmp_echo_hook_set(uint16_t id, icmp_echo_hook_t, void *);
void	icmp_echo_hook_clear(uint16_t id);
/* udp.c */
void	udp_init(void);
void	udp_input(struct mbuf *, int hlen);
/* Sum of the IPv4 pseudo header for a transport checksum. */
uint32_t in_pseudo(struct in_addr, struct in_addr, int proto, int len);
/* ones'-complement checksum over [off, off + len) with an added sum. */
uint16_t in_cksum_off(struct mbuf *, int off, int len, uint32_t add);

/* The in-kernel UDP API (see udp.c). */
struct udp_pcb;
typedef void (*udp_recv_t)(void *arg, struct mbuf *payload,
	    struct in_addr src, uint16_t sport, uint16_t dport);
struct udp_pcb *udp_bind(uint16_t port, udp_recv_t, void *arg);
void	udp_unbind(struct udp_pcb *);
int	udp_sendto(uint16_t sport, struct in_addr dst, uint16_t dport,
	    struct mbuf *payload);
int	udp_send_buf(uint16_t sport, struct in_addr dst, uint16_t dport,
	    const void *, int);

/* A packet of len bytes with lead bytes of leading space. */
struct mbuf *net_getpacket(int len, int lead, int how);

void	netstat_protocols(void);
void	netstat_reset(void);

#endif /* !_NET_IP_VAR_H_ */
