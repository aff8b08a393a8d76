/*
 * net/if.h: network interfaces (struct ifnet).
 *
 * An interface has an input queue filled by its driver (from interrupt
 * context: the driver only enqueues) and drained by the "netintr"
 * thread at splnet, and an output queue drained by the driver's start
 * routine.  Both are bounded struct mbufq's linked through m_nextpkt;
 * what does not fit is freed and counted in the queue's drop count.
 *
 * Invariants: every ifnet field a protocol reads or writes changes only
 * at splnet or above; packets on the queues have M_PKTHDR and
 * m_pkthdr.len equal to the chain's length; an interface is on the
 * list of interfaces from if_attach until if_detach.
 */
#ifndef _NET_IF_H_
#define _NET_IF_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/cpu.h>
#include <sys/mbuf.h>
#include <net/in.h>

#define IFNAMSIZ	16
#define ETHER_ADDR_LEN	6

#define IFT_ETHER	1
#define IFT_LOOP	2

#define IFF_UP		0x0001
#define IFF_BROADCAST	0x0002
#define IFF_LOOPBACK	0x0008
#define IFF_RUNNING	0x0040

#define IFQ_MAXLEN	256		/* default queue bound */

struct in6_ifinfo;

struct ifnet {
	TAILQ_ENTRY(ifnet) if_list;
	char		 if_xname[IFNAMSIZ];
	int		 if_type;		/* IFT_* */
	int		 if_flags;		/* IFF_* */
	int		 if_mtu;		/* largest IP packet */
	int		 if_hdrlen;		/* link header bytes */
	int		 if_link;		/* link is up (carrier) */
	uint8_t		 if_lladdr[ETHER_ADDR_LEN];
	struct in_addr	 if_addr;		/* one IPv4 address */
	struct in_addr	 if_netmask;
	void		*if_softc;
	struct in6_ifinfo *if_in6;		/* IPv6 state (in6.c), or NULL */

	/* Hand a link-layer frame to the protocols (netintr context). */
	void		(*if_linkinput)(struct ifnet *, struct mbuf *);
	/* Send an IP packet towards next hop dst. */
	int		(*if_ipoutput)(struct ifnet *, struct mbuf *,
			    struct in_addr);
	/* Start the driver on if_snd. */
	void		(*if_start)(struct ifnet *);
	/* Print the driver's own counters (ifconfig), may be NULL. */
	void		(*if_drvprint)(struct ifnet *);

	struct mbufq	 if_inq;		/* from the driver */
	struct mbufq	 if_snd;		/* to the driver */

	u_long		 if_ipackets;
	u_long		 if_ibytes;
	u_long		 if_ierrors;
	u_long		 if_opackets;
	u_long		 if_obytes;
	u_long		 if_oerrors;
};
TAILQ_HEAD(ifnethead, ifnet);
extern struct ifnethead ifnet_list;

void	if_attach(struct ifnet *);
void	if_detach(struct ifnet *);
struct ifnet *if_find(const char *);
/* Driver side, any context: queue a received frame for netintr. */
void	if_input(struct ifnet *, struct mbuf *);
/* Protocol side: queue a finished frame for the driver and start it. */
int	if_output(struct ifnet *, struct mbuf *);
/* Wake the netintr thread. */
void	netintr_schedule(void);
/*
 * The network lock (this round, one lock for the whole stack): the
 * spl(9) net level, which on several CPUs also takes the big lock.
 * netintr holds it for each frame, the drivers' interrupt handlers run
 * under it, and a thread that waits for the stack holds it from its
 * test to its tsleep, which drops it while asleep.
 */
int	net_lock(void);
void	net_unlock(int);
/* Run the input queues now, at most NETINTR_BUDGET frames (self-tests). */
int	netintr_poll(void);
#define NETINTR_BUDGET	256		/* frames per netintr pass */
#define NETINTR_MAXCUTS	4		/* cut passes per tick, then sleep */
struct netintrstat {
	u_long	ni_runs;		/* passes of the netintr thread */
	u_long	ni_frames;		/* frames handled */
	u_long	ni_cut;			/* passes cut at the budget */
	u_long	ni_yields;		/* yields after a cut pass */
	u_long	ni_sleeps;		/* sleeps to the next tick */
	/* the thread's passes and their frames, by the CPU they ran on */
	u_long	ni_cpuruns[MAXCPUS];
	u_long	ni_cpuframes[MAXCPUS];
};
extern struct netintrstat netintrstat;
/* After every CPU started: bind netintr to netintr.cpu= (kenv(9)). */
void	net_cpus_started(void);
/* netintr's CPU, or NULL when it runs on any (the default). */
struct cpu_info *netintr_cpu(void);
void	if_print(struct ifnet *);

/* Interface that holds address a (exact match), or NULL. */
struct ifnet *ifa_ifwithaddr(struct in_addr);
/* Whether a is a broadcast address of ifp's subnet or all ones. */
int	in_broadcast(struct in_addr, struct ifnet *);
/* Route: interface and next hop for dst; NULL when unreachable. */
struct ifnet *in_route(struct in_addr dst, struct in_addr *nexthop);
extern struct in_addr in_gateway;

/* Loopback (if_loop.c). */
extern struct ifnet *lo0ifp;
void	loopattach(void);

/* Capture interface for self-tests (if_capture.c). */
struct ifnet *capif_create(const char *name, const uint8_t *lladdr,
	    const char *addr, const char *mask);
void	capif_destroy(struct ifnet *);
struct mbuf *capif_take(struct ifnet *);	/* next frame sent, or NULL */
int	capif_count(struct ifnet *);
/* Inject a frame from a flat buffer, split into mbufs of chunk bytes. */
int	capif_inject(struct ifnet *, const void *, int len, int chunk);

/* Bring-up of the whole stack (called from subsys_init). */
void	net_init(void);
void	net_flush(void);	/* drop ARP, reassembly, queued packets */
/* A contiguous header at the front of *mp, or NULL with *mp freed. */
void	*net_hdrptr(struct mbuf **mp, int len, int writable);

#endif /* !_NET_IF_H_ */
