/*
 * net/ip6_var.h: the IPv6 layer's interfaces between its files
 * (ip6_input.c, ip6_output.c, ip6_frag.c, icmp6.c, nd6.c, in6.c,
 * udp6.c, netstat6.c) and the statistics of IPv6, ICMPv6, Neighbor
 * Discovery and UDP over IPv6.
 *
 * As for IPv4 (ip_var.h): every counter names one outcome, every packet
 * dropped increments exactly one drop counter, and counters change only
 * through counter_add.
 */
#ifndef _NET_IP6_VAR_H_
#define _NET_IP6_VAR_H_

#include <sys/types.h>
#include <sys/mbuf.h>
#include <sys/callout.h>
#include <net/ip6.h>
#include <net/icmp6.h>

struct ifnet;

struct ip6stat {
	u_long	ip6s_total;		/* packets received */
	u_long	ip6s_toosmall;		/* shorter than the 40-byte header */
	u_long	ip6s_badvers;		/* version is not 6 */
	u_long	ip6s_tooshort;		/* payload length past the frame */
	u_long	ip6s_trimmed;		/* link padding trimmed (kept) */
	u_long	ip6s_badsrc;		/* multicast source */
	u_long	ip6s_badscope;		/* loopback address on a link */
	u_long	ip6s_notforus;		/* not one of our addresses/groups */
	u_long	ip6s_exthdrs;		/* extension headers walked */
	u_long	ip6s_exthdrshort;	/* extension header past the packet */
	u_long	ip6s_toomanyhdr;	/* more than ip6_maxexthdrs */
	u_long	ip6s_hdrtoolong;	/* chain longer than ip6_maxextlen */
	u_long	ip6s_hbhnotfirst;	/* hop-by-hop not right after */
	u_long	ip6s_badopt;		/* option length past its header */
	u_long	ip6s_badpad;		/* padding > 7 bytes or not zero */
	u_long	ip6s_optdiscard;	/* unknown option: discard */
	u_long	ip6s_opticmp;		/* unknown option: discard + ICMP */
	u_long	ip6s_rthdr0;		/* type 0 routing, segments left */
	u_long	ip6s_badrthdr;		/* other type, segments left */
	u_long	ip6s_rtskip;		/* routing, segments left 0: skipped */
	u_long	ip6s_noproto;		/* unknown next header */
	u_long	ip6s_nonxt;		/* no next header (59) */
	u_long	ip6s_delivered;		/* to ICMPv6 or UDP */
	u_long	ip6s_nombuf;		/* no mbuf for an operation */
	u_long	ip6s_fragments;		/* fragments received */
	u_long	ip6s_atomicfrag;	/* atomic fragments (RFC 6946) */
	u_long	ip6s_fragbad;		/* length not 8k, two ends */
	u_long	ip6s_fragtoolong;	/* reassembled past 65535 */
	u_long	ip6s_fragchain;		/* first fragment: chain cut */
	u_long	ip6s_fragdup;		/* exact duplicate fragment */
	u_long	ip6s_fragoverlap;	/* fragments freed: overlap */
	u_long	ip6s_fragdropped;	/* over the reassembly budget */
	u_long	ip6s_fragtimeout;	/* freed by the timeout */
	u_long	ip6s_fragdrained;	/* freed by ip6_reass_drain */
	u_long	ip6s_reassembled;	/* datagrams put back together */
	u_long	ip6s_localout;		/* packets sent */
	u_long	ip6s_noroute;		/* no interface for the destination */
	u_long	ip6s_fragmented;	/* datagrams fragmented */
	u_long	ip6s_ofragments;	/* fragments sent */
	u_long	ip6s_cantfrag;		/* too big, not to be fragmented */
	u_long	ip6s_odropped;		/* bad header, queue full, no link */
};

struct icmp6stat {
	u_long	icp6s_error;		/* errors sent */
	u_long	icp6s_ratelim;		/* not sent: rate limit */
	u_long	icp6s_olderr;		/* not sent: about an error */
	u_long	icp6s_mcast;		/* not sent: about multicast */
	u_long	icp6s_badsrc;		/* not sent: source :: or multicast */
	u_long	icp6s_tooshort;		/* shorter than its header */
	u_long	icp6s_checksum;		/* bad checksum */
	u_long	icp6s_badtype;		/* unknown informational type */
	u_long	icp6s_reflect;		/* echo replies sent */
	u_long	icp6s_mcastecho;	/* of which to a multicast echo */
	u_long	icp6s_echoreply;	/* echo replies received */
	u_long	icp6s_nomatch;		/* reply nobody waited for */
	u_long	icp6s_errin;		/* errors received */
	u_long	icp6s_nombuf;		/* no mbuf */
	u_long	icp6s_inhist[ICMP6_MAXTYPE + 1];
	u_long	icp6s_outhist[ICMP6_MAXTYPE + 1];
};

struct nd6stat {
	u_long	nd6s_badhlim;		/* hop limit not 255 */
	u_long	nd6s_badcode;		/* code not 0 */
	u_long	nd6s_tooshort;		/* shorter than NS/NA */
	u_long	nd6s_badtarget;		/* multicast target */
	u_long	nd6s_badopt;		/* option of length 0 or past end */
	u_long	nd6s_baddad;		/* :: source: bad dst or SLLAO */
	u_long	nd6s_badsflag;		/* solicited NA to multicast */
	u_long	nd6s_nsin;		/* NS received (valid) */
	u_long	nd6s_nain;		/* NA received (valid) */
	u_long	nd6s_notours;		/* NS for another target */
	u_long	nd6s_naignored;		/* NA for nothing we asked */
	u_long	nd6s_routermsg;		/* RS, RA, redirect: ignored */
	u_long	nd6s_nsout;		/* NS sent (DAD included) */
	u_long	nd6s_naout;		/* NA sent */
	u_long	nd6s_dupaddr;		/* DAD: address in use elsewhere */
	u_long	nd6s_dupquiet;		/* of those, not logged (ratecheck) */
	u_long	nd6s_dadok;		/* DAD: address now ours */
	u_long	nd6s_held;		/* packets held while resolving */
	u_long	nd6s_holddrops;		/* held packets dropped: queue full */
	u_long	nd6s_timeouts;		/* unresolved: held packets freed */
	u_long	nd6s_expired;		/* probes unanswered: entry freed */
	u_long	nd6s_evicted;		/* entries reused: table full */
	u_long	nd6s_flushed;		/* held packets freed by a flush */
	u_long	nd6s_lladdrchg;		/* an entry's address changed */
	u_long	nd6s_nombuf;		/* no mbuf for NS/NA */
};

struct udp6stat {
	u_long	udp6s_ipackets;		/* datagrams received */
	u_long	udp6s_hdrops;		/* shorter than the UDP header */
	u_long	udp6s_badlen;		/* length < 8 or past the packet */
	u_long	udp6s_nosum;		/* checksum zero: dropped */
	u_long	udp6s_badsum;		/* checksum wrong */
	u_long	udp6s_noport;		/* no receiver: unreachable sent */
	u_long	udp6s_noportmcast;	/* no receiver, multicast: dropped */
	u_long	udp6s_delivered;	/* given to a bound callback */
	u_long	udp6s_echoed;		/* echoed on port 7 */
	u_long	udp6s_discarded;	/* swallowed on port 9 */
	u_long	udp6s_opackets;		/* datagrams sent */
	u_long	udp6s_nombuf;		/* no mbuf */
	u_long	udp6s_toobig;		/* send larger than 65527 bytes */
};

extern struct ip6stat ip6stat;
extern struct icmp6stat icmp6stat;
extern struct nd6stat nd6stat;
extern struct udp6stat udp6stat;

/*
 * An interface's IPv6 state (in6.c): its addresses (the link-local one
 * first), each tentative until duplicate address detection is done.
 */
#define IN6_MAXADDR		4
#define IN6_IFF_TENTATIVE	0x01	/* DAD running: not yet ours */
#define IN6_IFF_DUPLICATED	0x02	/* DAD failed: never ours */
struct in6_ifaddr {
	int		 ia6_used;
	int		 ia6_flags;	/* IN6_IFF_* */
	struct in6_addr	 ia6_addr;
	int		 ia6_plen;	/* prefix length: on-link prefix */
	int		 ia6_dadsent;	/* DAD solicitations sent */
	struct ifnet	*ia6_ifp;
	struct callout	 ia6_dadtimer;
};
struct in6_ifinfo {
	struct ifnet		*ii_ifp;	/* NULL: slot free */
	struct in6_ifaddr	 ii_addr[IN6_MAXADDR];
};

/* in6.c */
int	in6_ifattach(struct ifnet *);
void	in6_ifdetach(struct ifnet *);
int	in6_addr_add(struct ifnet *, const struct in6_addr *, int plen);
struct in6_ifaddr *in6_ifa_find(struct ifnet *, const struct in6_addr *);
int	in6_ours(struct ifnet *, const struct in6_addr *);
int	in6_mcast_joined(struct ifnet *, const struct in6_addr *);
int	ether_mcast6_wanted(struct ifnet *, const uint8_t *);
void	in6_solicited_node(const struct in6_addr *, struct in6_addr *);
void	in6_mcast_ether(const struct in6_addr *, uint8_t *);
struct ifnet *in6_route(const struct in6_addr *dst, struct ifnet *hint);
int	in6_srcaddr(struct ifnet *, const struct in6_addr *dst,
	    struct in6_addr *src);
void	in6_ifprint(struct ifnet *);
void	in6_configure(void);
extern const struct in6_addr in6_allnodes;	/* ff02::1 */

/* ip6_input.c */
void	ip6_init(void);
void	ip6_input(struct ifnet *, struct mbuf *);
int	ip6_upperhdr(struct mbuf *, int *nxtp);
uint32_t in6_pseudo(const struct in6_addr *, const struct in6_addr *,
	    int proto, uint32_t len);
extern int ip6_maxexthdrs;		/* extension headers per packet */
extern int ip6_maxextlen;		/* their total length in bytes */

/* ip6_output.c */
#define IP6_NOFRAG	0x01		/* never fragment (ND messages) */
int	ip6_output(struct mbuf *, struct ifnet *, int flags);
int	ip6_send(struct mbuf *, int proto, const struct in6_addr *src,
	    const struct in6_addr *dst, int hlim, struct ifnet *, int flags);

/* ip6_frag.c */
void	ip6_reass_init(void);
struct mbuf *ip6_reass(struct mbuf *, const struct ip6_frag *, int *offp,
	    int *nxtoffp, int *nxtp);
void	ip6_reass_drain(void);
int	ip6_reass_count(void);
int	ip6_reass_mbufs(void);
extern int ip6_reass_ttl;

/* icmp6.c */
void	icmp6_input(struct mbuf *, int off);
void	icmp6_error(struct mbuf *, int type, int code, uint32_t param);
int	icmp6_echo_send(const struct in6_addr *, uint16_t id, uint16_t seq,
	    int datalen);
typedef void (*icmp6_echo_hook_t)(void *, const struct in6_addr *,
	    uint16_t id, uint16_t seq, int len, struct mbuf *);
int	icmp6_echo_hook_set(uint16_t id, icmp6_echo_hook_t, void *);
void	icmp6_echo_hook_clear(uint16_t id);
int	ping6_run(const struct in6_addr *, int count, int size, int gap,
	    int verbose);
extern int icmp6_errpps;		/* errors per second, at most */

/* nd6.c */
void	nd6_init(void);
void	nd6_input(struct mbuf *, int off, int icmplen);
int	nd6_output(struct ifnet *, struct mbuf *, const struct in6_addr *);
int	nd6_lookup(const struct in6_addr *, uint8_t *lladdr);
int	nd6_state(const struct in6_addr *);
void	nd6_dad_start(struct in6_ifaddr *);
void	nd6_dad_stop(struct in6_ifaddr *);
void	nd6_flush(void);
void	nd6_ifdetach(struct ifnet *);
int	nd6_count(void);
void	nd6_print(void);
extern int nd6_dad_count;		/* DAD solicitations; 0: no DAD */
extern int nd6_retrans_ms;		/* RetransTimer, ms (1000) */
extern int nd6_duplog_interval;		/* ticks between two dup lines */
#define ND6_LLINFO_FREE		0
#define ND6_LLINFO_INCOMPLETE	1
#define ND6_LLINFO_REACHABLE	2
#define ND6_LLINFO_STALE	3
#define ND6_LLINFO_DELAY	4
#define ND6_LLINFO_PROBE	5

/* udp6.c: the in-kernel UDP API over IPv6 (see udp(9)). */
struct udp6_pcb;
typedef void (*udp6_recv_t)(void *arg, struct mbuf *payload,
	    const struct in6_addr *src, uint16_t sport, uint16_t dport);
void	udp6_input(struct mbuf *, int off);
struct udp6_pcb *udp6_bind(uint16_t port, udp6_recv_t, void *arg);
void	udp6_unbind(struct udp6_pcb *);
int	udp6_sendto(uint16_t sport, const struct in6_addr *dst,
	    uint16_t dport, struct mbuf *payload);
int	udp6_send_buf(uint16_t sport, const struct in6_addr *dst,
	    uint16_t dport, const void *, int);

/* netstat6.c */
void	netstat_inet6(void);

#endif /* !_NET_IP6_VAR_H_ */
