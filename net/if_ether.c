/*
 * net/if_ether.c: Ethernet framing and ARP (RFC 826).
 *
 * What it is for: turning IP packets into Ethernet frames and back, and
 * learning the hardware address of each IP neighbour.
 *
 * Input strips the 14-byte header with m_adj (no copy) and dispatches
 * on the type; output prepends it with M_PREPEND (into the leading
 * space a received cluster or a header mbuf already has).  ARP keeps a
 * fixed table of ARP_MAXENT entries, so a storm of senders cannot grow
 * it: when it is full the least recently used entry is reused.  An
 * unresolved entry holds at most ARP_MAXHOLD packets (enough for the
 * fragments of a 64 KiB datagram) on a bounded mbufq, asks again every
 * second up to ARP_MAXTRIES times and then frees what it held (counted
 * in as_timeouts); a resolved entry expires ARP_KEEP ticks after it was
 * learnt.  Each entry's expiry is its own callout.  A reply is built
 * in the request's own mbuf: no allocation, no copy.  Headers are read
 * (and the ARP reply written) through guaranteed-contiguous regions
 * made by net_hdrptr, never by assuming a flat buffer.  A frame from
 * another station claiming our address is counted every time but
 * logged at most once per arp_duplog_interval (ratecheck(9)), so that
 * a sender cannot flood the console.
 *
 * Invariants: the table and the hold queues change only at splnet or
 * above (callouts run in the clock interrupt, above splnet); an entry
 * is LA_FREE iff its callout is stopped and its hold queue is empty;
 * every packet handed to ARP is either sent, held, or freed and
 * counted.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/callout.h>
#include <sys/shell.h>

#include <net/in.h>
#include <net/if.h>
#include <net/if_ether.h>
#include <net/ip_var.h>
#include <net/ip6_var.h>

#define ARP_MAXENT	64
#define ARP_MAXHOLD	48
#define ARP_MAXTRIES	5
#define ARP_RETRY	(hz)
#define ARP_KEEP	(20 * 60 * hz)

#define LA_FREE		0
#define LA_INCOMPLETE	1
#define LA_RESOLVED	2

struct llinfo_arp {
	int		 la_state;
	struct ifnet	*la_ifp;
	struct in_addr	 la_addr;
	uint8_t		 la_lladdr[ETHER_ADDR_LEN];
	int		 la_asked;	/* requests sent while incomplete */
	uint64_t	 la_used;	/* ticks of last use, for eviction */
	uint64_t	 la_expire;	/* ticks when the callout fires */
	struct mbufq	 la_hold;
	struct callout	 la_timer;
};

const uint8_t etherbroadcastaddr[ETHER_ADDR_LEN] =
    { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
struct etherstat etherstat;
struct arpstat arpstat;
int arp_duplog_interval = 10 * HZ;	/* ticks between two dup lines */
static uint64_t arp_duplog_last;	/* ratecheck(9) state */
static struct llinfo_arp arptab[ARP_MAXENT];

static void	arp_timer(void *);


char *
ether_fmt(const uint8_t *a, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2],
	    a[3], a[4], a[5]);
	return (buf);
}

void
ether_ifattach(struct ifnet *ifp, const uint8_t *lladdr)
{
	ifp->if_type = IFT_ETHER;
	ifp->if_flags |= IFF_BROADCAST;
	ifp->if_mtu = ETHERMTU;
	ifp->if_hdrlen = ETHER_HDR_LEN;
	memcpy(ifp->if_lladdr, lladdr, ETHER_ADDR_LEN);
	ifp->if_linkinput = ether_input;
	ifp->if_ipoutput = ether_ipoutput;
}

void
ether_input(struct ifnet *ifp, struct mbuf *m)
{
	struct ether_header eh;
	void *p;

	counter_add(&etherstat.es_ipackets, 1);
	if (m->m_pkthdr.len < ETHER_HDR_LEN) {
		counter_add(&etherstat.es_runt, 1);
		m_freem(m);
		return;
	}
	if ((p = net_hdrptr(&m, ETHER_HDR_LEN, 0)) == NULL) {
		counter_add(&etherstat.es_nombuf, 1);
		return;
	}
	memcpy(&eh, p, sizeof(eh));
	if (memcmp(eh.ether_dhost, etherbroadcastaddr, ETHER_ADDR_LEN) == 0)
		m->m_flags |= M_BCAST;
	else if ((eh.ether_dhost[0] & 1) &&
	    ntohs(eh.ether_type) == ETHERTYPE_IPV6 &&
	    ether_mcast6_wanted(ifp, eh.ether_dhost))
		m->m_flags |= M_MCAST;		/* an IPv6 group we joined */
	else if (eh.ether_dhost[0] & 1) {
		counter_add(&etherstat.es_mcast, 1);
		m_freem(m);
		return;
	} else if (memcmp(eh.ether_dhost, ifp->if_lladdr,
	    ETHER_ADDR_LEN) != 0) {
		counter_add(&etherstat.es_notforus, 1);
		m_freem(m);
		return;
	}
	if (memcmp(eh.ether_shost, ifp->if_lladdr, ETHER_ADDR_LEN) == 0) {
		counter_add(&etherstat.es_fromself, 1);
		m_freem(m);
		return;
	}
	m_adj(m, ETHER_HDR_LEN);
	switch (ntohs(eh.ether_type)) {
	case ETHERTYPE_IP:
		ip_input(ifp, m);
		break;
	case ETHERTYPE_ARP:
		arp_input(ifp, m);
		break;
	case ETHERTYPE_IPV6:
		ip6_input(ifp, m);
		break;
	default:
		counter_add(&etherstat.es_noproto, 1);
		m_freem(m);
		break;
	}
}

/* Prepend an Ethernet header and queue the frame; consumes m. */
int
ether_output_frame(struct ifnet *ifp, struct mbuf *m, const uint8_t *dst,
    uint16_t type)
{
	struct ether_header eh;

	M_PREPEND(m, ETHER_HDR_LEN, M_DONTWAIT);
	if (m == NULL) {
		counter_add(&etherstat.es_nombuf, 1);
		ifp->if_oerrors++;
		return (ENOBUFS);
	}
	memcpy(eh.ether_dhost, dst, ETHER_ADDR_LEN);
	memcpy(eh.ether_shost, ifp->if_lladdr, ETHER_ADDR_LEN);
	eh.ether_type = htons(type);
	memcpy(mtod(m, void *), &eh, sizeof(eh));
	counter_add(&etherstat.es_opackets, 1);
	return (if_output(ifp, m));
}

int
ether_ipoutput(struct ifnet *ifp, struct mbuf *m, struct in_addr nexthop)
{
	uint8_t dst[ETHER_ADDR_LEN];

	if ((m->m_flags & M_BCAST) || in_broadcast(nexthop, ifp))
		memcpy(dst, etherbroadcastaddr, ETHER_ADDR_LEN);
	else if (!arpresolve(ifp, m, nexthop, dst))
		return (0);		/* held (or dropped and counted) */
	return (ether_output_frame(ifp, m, dst, ETHERTYPE_IP));
}

/*
 * ARP.
 */

void
arp_init(void)
{
	int i;

	for (i = 0; i < ARP_MAXENT; i++) {
		mq_init(&arptab[i].la_hold, ARP_MAXHOLD);
		callout_init(&arptab[i].la_timer, arp_timer, &arptab[i]);
	}
}

static void
arp_settimer(struct llinfo_arp *la, int t)
{
	la->la_expire = ticks + t;
	callout_reset(&la->la_timer, t);
}

static void
arp_free(struct llinfo_arp *la)
{
	callout_stop(&la->la_timer);
	mq_purge(&la->la_hold);
	la->la_state = LA_FREE;
	la->la_ifp = NULL;
	la->la_addr.s_addr = 0;
}

static struct llinfo_arp *
arp_find(struct in_addr a)
{
	int i;

	for (i = 0; i < ARP_MAXENT; i++)
		if (arptab[i].la_state != LA_FREE &&
		    arptab[i].la_addr.s_addr == a.s_addr)
			return (&arptab[i]);
	return (NULL);
}

/* A free entry for a, evicting the least recently used if need be. */
static struct llinfo_arp *
arp_new(struct ifnet *ifp, struct in_addr a)
{
	struct llinfo_arp *la, *old = NULL;
	int i;

	for (i = 0; i < ARP_MAXENT; i++) {
		la = &arptab[i];
		if (la->la_state == LA_FREE)
			break;
		if (old == NULL || la->la_used < old->la_used)
			old = la;
	}
	if (i == ARP_MAXENT) {
		counter_add(&arpstat.as_evicted, 1);
		counter_add(&arpstat.as_holddrops, mq_len(&old->la_hold));
		arp_free(old);
		la = old;
	}
	la->la_ifp = ifp;
	la->la_addr = a;
	la->la_asked = 0;
	la->la_used = ticks;
	la->la_state = LA_INCOMPLETE;
	return (la);
}

/* Send an ARP packet: op, target hw (tha) and protocol (tpa) address. */
static int
arp_send(struct ifnet *ifp, int op, const uint8_t *edst, const uint8_t *tha,
    struct in_addr spa, struct in_addr tpa)
{
	struct ether_arp ea;
	struct mbuf *m;

	if ((m = m_gethdr(M_DONTWAIT, MT_DATA)) == NULL) {
		counter_add(&arpstat.as_nombuf, 1);
		return (ENOBUFS);
	}
	MH_ALIGN(m, sizeof(ea));
	m->m_len = m->m_pkthdr.len = sizeof(ea);
	ea.ar_hrd = htons(ARPHRD_ETHER);
	ea.ar_pro = htons(ETHERTYPE_IP);
	ea.ar_hln = ETHER_ADDR_LEN;
	ea.ar_pln = 4;
	ea.ar_op = htons(op);
	memcpy(ea.arp_sha, ifp->if_lladdr, ETHER_ADDR_LEN);
	memcpy(ea.arp_spa, &spa.s_addr, 4);
	memcpy(ea.arp_tha, tha, ETHER_ADDR_LEN);
	memcpy(ea.arp_tpa, &tpa.s_addr, 4);
	memcpy(mtod(m, void *), &ea, sizeof(ea));
	if (op == ARPOP_REQUEST)
		counter_add(&arpstat.as_reqsent, 1);
	else
		counter_add(&arpstat.as_repsent, 1);
	return (ether_output_frame(ifp, m, edst, ETHERTYPE_ARP));
}

int
arp_request(struct ifnet *ifp, struct in_addr tpa)
{
	static const uint8_t zero[ETHER_ADDR_LEN];

	return (arp_send(ifp, ARPOP_REQUEST, etherbroadcastaddr, zero,
	    ifp->if_addr, tpa));
}

/* Announce our address (a request for ourselves, RFC 5227 style). */
void
arp_gratuitous(struct ifnet *ifp)
{
	int s;

	if (ifp->if_type != IFT_ETHER || ifp->if_addr.s_addr == 0)
		return;
	s = splnet();
	arp_request(ifp, ifp->if_addr);
	splx(s);
}

static void
arp_timer(void *arg)
{
	struct llinfo_arp *la = arg;
	int s;

	s = splnet();
	if (la->la_state == LA_INCOMPLETE && la->la_asked < ARP_MAXTRIES) {
		la->la_asked++;
		arp_request(la->la_ifp, la->la_addr);
		arp_settimer(la, ARP_RETRY);
	} else if (la->la_state == LA_INCOMPLETE) {
		counter_add(&arpstat.as_timeouts, mq_len(&la->la_hold));
		arp_free(la);
	} else if (la->la_state == LA_RESOLVED) {
		counter_add(&arpstat.as_expired, 1);
		arp_free(la);
	}
	splx(s);
}

int
arpresolve(struct ifnet *ifp, struct mbuf *m, struct in_addr dst,
    uint8_t *lladdr)
{
	struct llinfo_arp *la;
	int s, new = 0;

	s = splnet();
	la = arp_find(dst);
	if (la != NULL && la->la_state == LA_RESOLVED) {
		la->la_used = ticks;
		memcpy(lladdr, la->la_lladdr, ETHER_ADDR_LEN);
		splx(s);
		return (1);
	}
	if (la == NULL) {
		la = arp_new(ifp, dst);
		new = 1;
	}
	if (mq_enqueue(&la->la_hold, m) != 0)
		counter_add(&arpstat.as_holddrops, 1);
	else
		counter_add(&arpstat.as_held, 1);
	if (new) {
		la->la_asked = 1;
		arp_request(ifp, dst);
		arp_settimer(la, ARP_RETRY);
	}
	splx(s);
	return (0);
}

int
arp_lookup(struct in_addr a, uint8_t *lladdr)
{
	struct llinfo_arp *la;
	int s, rv = -1;

	s = splnet();
	if ((la = arp_find(a)) != NULL && la->la_state == LA_RESOLVED) {
		memcpy(lladdr, la->la_lladdr, ETHER_ADDR_LEN);
		rv = 0;
	}
	splx(s);
	return (rv);
}

/* Record that ip is at ha; send whatever was waiting for it. */
static void
arp_learn(struct ifnet *ifp, struct llinfo_arp *la, const uint8_t *ha)
{
	struct mbuf *m;

	memcpy(la->la_lladdr, ha, ETHER_ADDR_LEN);
	la->la_ifp = ifp;
	la->la_state = LA_RESOLVED;
	la->la_used = ticks;
	arp_settimer(la, ARP_KEEP);
	while ((m = mq_dequeue(&la->la_hold)) != NULL)
		ether_output_frame(ifp, m, ha, ETHERTYPE_IP);
}

void
arp_input(struct ifnet *ifp, struct mbuf *m)
{
	struct ether_arp ea;
	struct llinfo_arp *la;
	struct in_addr spa, tpa, myaddr = ifp->if_addr;
	uint32_t s;
	int op;
	void *p;

	counter_add(&arpstat.as_rcvd, 1);
	if (m->m_pkthdr.len < (int)sizeof(ea)) {
		counter_add(&arpstat.as_tooshort, 1);
		goto drop;
	}
	if ((p = net_hdrptr(&m, sizeof(ea), 0)) == NULL) {
		counter_add(&arpstat.as_nombuf, 1);
		return;
	}
	memcpy(&ea, p, sizeof(ea));
	memcpy(&spa.s_addr, ea.arp_spa, 4);
	memcpy(&tpa.s_addr, ea.arp_tpa, 4);
	op = ntohs(ea.ar_op);
	s = ntohl(spa.s_addr);
	if (ntohs(ea.ar_hrd) != ARPHRD_ETHER || ea.ar_hln != ETHER_ADDR_LEN) {
		counter_add(&arpstat.as_badhrd, 1);
		goto drop;
	}
	if (ntohs(ea.ar_pro) != ETHERTYPE_IP || ea.ar_pln != 4) {
		counter_add(&arpstat.as_badpro, 1);
		goto drop;
	}
	if (op != ARPOP_REQUEST && op != ARPOP_REPLY) {
		counter_add(&arpstat.as_badop, 1);
		goto drop;
	}
	if (ea.arp_sha[0] & 1) {
		counter_add(&arpstat.as_badsrc, 1);	/* broadcast or multicast sender */
		goto drop;
	}
	if (s == INADDR_ANY || s == INADDR_BROADCAST || IN_MULTICAST(s) ||
	    IN_EXPERIMENTAL(s) || (s >> 24) == IN_LOOPBACKNET ||
	    in_broadcast(spa, ifp)) {
		counter_add(&arpstat.as_badaddr, 1);
		goto drop;
	}
	if (myaddr.s_addr != 0 && spa.s_addr == myaddr.s_addr) {
		char b1[INET_ADDRSTRLEN], b2[20];

		counter_add(&arpstat.as_dupaddr, 1);
		/* One line per interval: a sender must not flood the console. */
		if (ratecheck(&arp_duplog_last, arp_duplog_interval))
			printf("arp: %s is also used by %s\n",
			    inet_fmt(spa, b1), ether_fmt(ea.arp_sha, b2));
		else
			counter_add(&arpstat.as_dupquiet, 1);
		goto drop;
	}

	la = arp_find(spa);
	if (myaddr.s_addr == 0 || tpa.s_addr != myaddr.s_addr) {
		/* Not for us: only refresh an entry we already have. */
		counter_add(&arpstat.as_notforus, 1);
		if (la != NULL && la->la_ifp == ifp)
			arp_learn(ifp, la, ea.arp_sha);
		goto drop;
	}
	if (la == NULL)
		la = arp_new(ifp, spa);
	arp_learn(ifp, la, ea.arp_sha);
	if (op == ARPOP_REPLY) {
		counter_add(&arpstat.as_reprcvd, 1);
		goto drop;
	}
	counter_add(&arpstat.as_reqrcvd, 1);

	/* Turn the request around in its own mbuf. */
	if (m->m_pkthdr.len > (int)sizeof(ea))
		m_adj(m, sizeof(ea) - m->m_pkthdr.len);	/* frame padding */
	if ((p = net_hdrptr(&m, sizeof(ea), 1)) == NULL) {
		counter_add(&arpstat.as_nombuf, 1);
		return;
	}
	ea.ar_op = htons(ARPOP_REPLY);
	memcpy(ea.arp_tha, ea.arp_sha, ETHER_ADDR_LEN);
	memcpy(ea.arp_tpa, ea.arp_spa, 4);
	memcpy(ea.arp_sha, ifp->if_lladdr, ETHER_ADDR_LEN);
	memcpy(ea.arp_spa, &myaddr.s_addr, 4);
	memcpy(p, &ea, sizeof(ea));
	m->m_flags &= ~(M_BCAST | M_MCAST);
	counter_add(&arpstat.as_repsent, 1);
	ether_output_frame(ifp, m, ea.arp_tha, ETHERTYPE_ARP);
	return;
drop:
	m_freem(m);
}

void
arp_flush(void)
{
	arp_ifdetach(NULL);
}

/* Forget the entries of ifp (all when NULL); their held packets count. */
void
arp_ifdetach(struct ifnet *ifp)
{
	int i, s;

	s = splnet();
	for (i = 0; i < ARP_MAXENT; i++)
		if (arptab[i].la_state != LA_FREE &&
		    (ifp == NULL || arptab[i].la_ifp == ifp)) {
			counter_add(&arpstat.as_flushed,
			    mq_len(&arptab[i].la_hold));
			arp_free(&arptab[i]);
		}
	splx(s);
}

int
arp_count(void)
{
	int i, n = 0;

	for (i = 0; i < ARP_MAXENT; i++)
		if (arptab[i].la_state != LA_FREE)
			n++;
	return (n);
}

void
arp_print(void)
{
	struct llinfo_arp *la;
	char a[INET_ADDRSTRLEN], l[20];
	int i, s;

	s = splnet();
	for (i = 0; i < ARP_MAXENT; i++) {
		la = &arptab[i];
		if (la->la_state == LA_FREE)
			continue;
		printf("%-15s %-17s %-4s %s expires in %lld s%s\n",
		    inet_fmt(la->la_addr, a),
		    la->la_state == LA_RESOLVED ? ether_fmt(la->la_lladdr, l) :
		    "(incomplete)", la->la_ifp != NULL ?
		    la->la_ifp->if_xname : "?",
		    la->la_state == LA_RESOLVED ? "" : "asked",
		    (long long)(la->la_expire - ticks) / hz,
		    mq_len(&la->la_hold) ? ", holding packets" : "");
	}
	splx(s);
}

void
arpstat_print(void)
{
	struct etherstat *e = &etherstat;
	struct arpstat *a = &arpstat;

	printf("ether:\n\t%lu frames received, %lu sent\n", e->es_ipackets,
	    e->es_opackets);
	printf("\t%lu runts, %lu unicast for others, %lu multicast, "
	    "%lu from ourselves, %lu unknown type, %lu no mbuf\n",
	    e->es_runt, e->es_notforus, e->es_mcast, e->es_fromself,
	    e->es_noproto, e->es_nombuf);
	printf("arp:\n\t%lu received: %lu requests for us, %lu replies\n",
	    a->as_rcvd, a->as_reqrcvd, a->as_reprcvd);
	printf("\tdropped: %lu too short, %lu bad hardware, %lu bad protocol, "
	    "%lu bad op, %lu bad sender hw, %lu bad sender ip, "
	    "%lu duplicate address (%lu not logged), %lu for others\n",
	    a->as_tooshort, a->as_badhrd, a->as_badpro, a->as_badop,
	    a->as_badsrc, a->as_badaddr, a->as_dupaddr, a->as_dupquiet,
	    a->as_notforus);
	printf("\t%lu requests sent, %lu replies sent, %lu no mbuf\n",
	    a->as_reqsent, a->as_repsent, a->as_nombuf);
	printf("\t%lu packets held, %lu hold drops, %lu freed unresolved, "
	    "%lu entries expired, %lu evicted, %lu flushed\n", a->as_held,
	    a->as_holddrops, a->as_timeouts, a->as_expired, a->as_evicted,
	    a->as_flushed);
}

SHELL_CMD(arp, "arp [-d]: the ARP cache (-d: flush it)")
{
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-d") != 0))
		return (shell_usage(argv[0]));
	if (argc == 2) {
		arp_flush();
		printf("arp: flushed\n");
		return (0);
	}
	arp_print();
	return (0);
}
