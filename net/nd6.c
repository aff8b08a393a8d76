/*
 * net/nd6.c: Neighbor Discovery for IPv6 (RFC 4861) and duplicate
 * address detection (RFC 4862 5.4), enough for a host on one link.
 *
 * What it is for: learning the link-layer address of each IPv6
 * neighbour, answering those who ask for ours, and checking that the
 * addresses we take are nobody else's.
 *
 * The neighbor cache is a fixed table of ND6_MAXENT entries (a storm
 * of senders cannot grow it: when it is full the least recently used
 * entry is reused, nd6s_evicted), each with its own callout and the
 * states of RFC 4861 7.3.2:
 *   INCOMPLETE  a multicast solicitation sent every ND6_RETRANS, at
 *               most ND6_MAX_MCAST_SOLICIT; then the entry and what it
 *               held go (nd6s_timeouts counts the packets);
 *   REACHABLE   confirmed by a solicited advertisement; ND6_REACHABLE
 *               later it becomes STALE;
 *   STALE       an address we have not confirmed; sending through it
 *               moves it to DELAY; freed ND6_GCTIME after its last use;
 *   DELAY       ND6_DELAY after which, unconfirmed, it goes to PROBE;
 *   PROBE       a unicast solicitation every ND6_RETRANS, at most
 *               ND6_MAX_UCAST_SOLICIT; then the entry goes
 *               (nd6s_expired).
 * An INCOMPLETE entry holds at most ND6_MAXHOLD packets (the fragments
 * of a 64 KiB datagram) on a bounded mbufq.  Advertisements update an
 * entry as RFC 4861 7.2.5 says (the override and solicited flags);
 * solicitations carrying a source link-layer address create or update
 * a STALE entry (7.2.3).  Router messages are counted and ignored: the
 * addresses are static.
 *
 * Validation (RFC 4861 7.1.1, 7.1.2), each with its counter: hop limit
 * 255 (nd6s_badhlim: the message came from this link), code 0, length,
 * a unicast target, options of non-zero length inside the message; a
 * solicitation from :: (DAD) only to a solicited-node group and
 * without a source link-layer option; an advertisement to a multicast
 * group not solicited.
 *
 * DAD: every new address is tentative; nd6_dad_count solicitations
 * from :: go to its solicited-node group, ND6_RETRANS apart (ip6dad=
 * on the command line, default 1; 0: none, the address is ours at
 * once).  A solicitation from :: for it, or an advertisement of it,
 * while tentative, means someone else has it: it is marked duplicated
 * and never used (nd6s_dupaddr).  An advertisement of an address that
 * is ours already is counted (nd6s_dupaddr) every time but logged at
 * most once per nd6_duplog_interval (ratecheck(9); the others in
 * nd6s_dupquiet), so that a sender cannot flood the console.
 *
 * Invariants: the table and hold queues change only at splnet or above
 * (the callouts run above it); an entry is FREE iff its callout is
 * stopped and its hold queue empty; every packet given to nd6_output
 * is sent, held, or freed and counted; messages are read through the
 * guaranteed-contiguous region m_datarange(9) makes of them, with
 * memcpy, never through a cast.
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
#include <net/ip6.h>
#include <net/icmp6.h>
#include <net/ip6_var.h>

#define ND6_MAXENT		64
#define ND6_MAXHOLD		48
/* RetransTimer, in ticks (at least one) */
#define ND6_RETRANS		MAX(1, nd6_retrans_ms * hz / 1000)
#define ND6_REACHABLE		(30 * hz)	/* ReachableTime */
#define ND6_DELAY		(5 * hz)	/* DELAY_FIRST_PROBE_TIME */
#define ND6_GCTIME		(20 * 60 * hz)	/* STALE entries forgotten */
#define ND6_MAX_MCAST_SOLICIT	3
#define ND6_MAX_UCAST_SOLICIT	3
#define ND6_DAD_COUNT		1		/* DupAddrDetectTransmits */
#define ND6_OPTLEN		8		/* a link-layer address option */

struct llinfo_nd6 {
	int		 ln_state;		/* ND6_LLINFO_* */
	struct ifnet	*ln_ifp;
	struct in6_addr	 ln_addr;
	uint8_t		 ln_lladdr[ETHER_ADDR_LEN];
	int		 ln_asked;		/* solicitations in this state */
	uint64_t	 ln_used;		/* ticks of last use */
	uint64_t	 ln_expire;		/* ticks when the callout fires */
	struct mbufq	 ln_hold;
	struct callout	 ln_timer;
};

struct nd6stat nd6stat;
int nd6_dad_count = ND6_DAD_COUNT;
int nd6_retrans_ms = 1000;		/* RetransTimer (RFC 4861: 1 s) */
int nd6_duplog_interval = 10 * HZ;	/* ticks between two dup lines */
static uint64_t nd6_duplog_last;	/* ratecheck(9) state */
static struct llinfo_nd6 nd6tab[ND6_MAXENT];

static void	nd6_timer(void *);
static void	nd6_dad_timer(void *);

static const char *const nd6_statename[] = { "free", "incomplete",
    "reachable", "stale", "delay", "probe" };

void
nd6_init(void)
{
	long v;
	int i;

	if (kenv_getint("ip6dad", &v))		/* 0..10: kenv(9) */
		nd6_dad_count = v;
	for (i = 0; i < ND6_MAXENT; i++) {
		mq_init(&nd6tab[i].ln_hold, ND6_MAXHOLD);
		callout_init(&nd6tab[i].ln_timer, nd6_timer, &nd6tab[i]);
	}
}

static void
nd6_settimer(struct llinfo_nd6 *ln, int t)
{
	ln->ln_expire = ticks + t;
	callout_reset(&ln->ln_timer, t);
}

static void
nd6_free(struct llinfo_nd6 *ln)
{
	callout_stop(&ln->ln_timer);
	mq_purge(&ln->ln_hold);
	ln->ln_state = ND6_LLINFO_FREE;
	ln->ln_ifp = NULL;
}

static struct llinfo_nd6 *
nd6_find(struct ifnet *ifp, const struct in6_addr *a)
{
	int i;

	for (i = 0; i < ND6_MAXENT; i++)
		if (nd6tab[i].ln_state != ND6_LLINFO_FREE &&
		    (ifp == NULL || nd6tab[i].ln_ifp == ifp) &&
		    in6_equal(&nd6tab[i].ln_addr, a))
			return (&nd6tab[i]);
	return (NULL);
}

static struct llinfo_nd6 *
nd6_new(struct ifnet *ifp, const struct in6_addr *a, int state)
{
	struct llinfo_nd6 *ln, *old = NULL;
	int i;

	for (i = 0; i < ND6_MAXENT; i++) {
		ln = &nd6tab[i];
		if (ln->ln_state == ND6_LLINFO_FREE)
			break;
		if (old == NULL || ln->ln_used < old->ln_used)
			old = ln;
	}
	if (i == ND6_MAXENT) {
		counter_add(&nd6stat.nd6s_evicted, 1);
		counter_add(&nd6stat.nd6s_holddrops, mq_len(&old->ln_hold));
		nd6_free(old);
		ln = old;
	}
	ln->ln_ifp = ifp;
	ln->ln_addr = *a;
	ln->ln_asked = 0;
	ln->ln_used = ticks;
	ln->ln_state = state;
	return (ln);
}

/* A link-layer address option of type t for ifp at p (8 bytes). */
static void
nd6_lladdr_opt(uint8_t *p, int t, struct ifnet *ifp)
{
	p[0] = t;
	p[1] = 1;
	memcpy(p + 2, ifp->if_lladdr, ETHER_ADDR_LEN);
}

/* Finish and send an NS or NA of len bytes built in m. */
static int
nd6_send(struct ifnet *ifp, struct mbuf *m, const struct in6_addr *src,
    const struct in6_addr *dst)
{
	uint16_t sum;

	sum = in_cksum_off(m, 0, m->m_pkthdr.len, in6_pseudo(src, dst,
	    IPPROTO_ICMPV6, m->m_pkthdr.len));
	memcpy(mtod(m, uint8_t *) + 2, &sum, 2);
	icmp6stat.icp6s_outhist[mtod(m, uint8_t *)[0]]++;
	return (ip6_send(m, IPPROTO_ICMPV6, src, dst, ND_HOPLIMIT, ifp,
	    IP6_NOFRAG));
}

/*
 * A solicitation for target: to dst (NULL: its solicited-node group),
 * from src (NULL: the unspecified address, for DAD, without our
 * link-layer address).
 */
static int
nd6_ns_send(struct ifnet *ifp, const struct in6_addr *target,
    const struct in6_addr *dst, const struct in6_addr *src)
{
	struct in6_addr sn, any;
	struct icmp6_hdr ic;
	struct mbuf *m;
	int len = ND_NS_LEN + (src != NULL ? ND6_OPTLEN : 0);

	if ((m = m_gethdr(M_DONTWAIT, MT_DATA)) == NULL) {
		counter_add(&nd6stat.nd6s_nombuf, 1);
		return (ENOBUFS);
	}
	MH_ALIGN(m, len);
	m->m_len = m->m_pkthdr.len = len;
	memset(&ic, 0, sizeof(ic));
	ic.icmp6_type = ND_NEIGHBOR_SOLICIT;
	memcpy(mtod(m, void *), &ic, sizeof(ic));
	memcpy(mtod(m, uint8_t *) + ICMP6_HDRLEN, target, 16);
	if (src != NULL)
		nd6_lladdr_opt(mtod(m, uint8_t *) + ND_NS_LEN,
		    ND_OPT_SOURCE_LINKADDR, ifp);
	if (dst == NULL) {
		in6_solicited_node(target, &sn);
		dst = &sn;
	}
	if (src == NULL) {
		memset(&any, 0, sizeof(any));
		src = &any;
	}
	counter_add(&nd6stat.nd6s_nsout, 1);
	return (nd6_send(ifp, m, src, dst));
}

/* An advertisement of our target to dst with flags (ND_NA_FLAG_*). */
static int
nd6_na_send(struct ifnet *ifp, const struct in6_addr *target,
    const struct in6_addr *dst, int flags)
{
	struct icmp6_hdr ic;
	struct mbuf *m;
	int len = ND_NS_LEN + ND6_OPTLEN;

	if ((m = m_gethdr(M_DONTWAIT, MT_DATA)) == NULL) {
		counter_add(&nd6stat.nd6s_nombuf, 1);
		return (ENOBUFS);
	}
	MH_ALIGN(m, len);
	m->m_len = m->m_pkthdr.len = len;
	memset(&ic, 0, sizeof(ic));
	ic.icmp6_type = ND_NEIGHBOR_ADVERT;
	ic.icmp6_data[0] = flags;
	memcpy(mtod(m, void *), &ic, sizeof(ic));
	memcpy(mtod(m, uint8_t *) + ICMP6_HDRLEN, target, 16);
	nd6_lladdr_opt(mtod(m, uint8_t *) + ND_NS_LEN,
	    ND_OPT_TARGET_LINKADDR, ifp);
	counter_add(&nd6stat.nd6s_naout, 1);
	return (nd6_send(ifp, m, target, dst));
}

/* The entry has its link-layer address now: send what it held. */
static void
nd6_release(struct llinfo_nd6 *ln)
{
	struct mbuf *m;

	while ((m = mq_dequeue(&ln->ln_hold)) != NULL)
		ether_output_frame(ln->ln_ifp, m, ln->ln_lladdr,
		    ETHERTYPE_IPV6);
}

static void
nd6_setstate(struct llinfo_nd6 *ln, int state)
{
	ln->ln_state = state;
	ln->ln_asked = 0;
	switch (state) {
	case ND6_LLINFO_REACHABLE:
		nd6_settimer(ln, ND6_REACHABLE);
		break;
	case ND6_LLINFO_STALE:
		nd6_settimer(ln, ND6_GCTIME);
		break;
	case ND6_LLINFO_DELAY:
		nd6_settimer(ln, ND6_DELAY);
		break;
	default:
		nd6_settimer(ln, ND6_RETRANS);
		break;
	}
}

static void
nd6_timer(void *arg)
{
	struct llinfo_nd6 *ln = arg;
	int s;

	s = splnet();
	switch (ln->ln_state) {
	case ND6_LLINFO_INCOMPLETE:
		if (ln->ln_asked < ND6_MAX_MCAST_SOLICIT) {
			struct in6_addr src;

			ln->ln_asked++;
			if (in6_srcaddr(ln->ln_ifp, &ln->ln_addr, &src) == 0)
				nd6_ns_send(ln->ln_ifp, &ln->ln_addr, NULL,
				    &src);
			nd6_settimer(ln, ND6_RETRANS);
		} else {
			counter_add(&nd6stat.nd6s_timeouts,
			    mq_len(&ln->ln_hold));
			nd6_free(ln);
		}
		break;
	case ND6_LLINFO_REACHABLE:
		nd6_setstate(ln, ND6_LLINFO_STALE);
		break;
	case ND6_LLINFO_DELAY:
		nd6_setstate(ln, ND6_LLINFO_PROBE);
		/* FALLTHROUGH */
	case ND6_LLINFO_PROBE:
		if (ln->ln_asked < ND6_MAX_UCAST_SOLICIT) {
			struct in6_addr src;

			ln->ln_asked++;
			if (in6_srcaddr(ln->ln_ifp, &ln->ln_addr, &src) == 0)
				nd6_ns_send(ln->ln_ifp, &ln->ln_addr,
				    &ln->ln_addr, &src);
			nd6_settimer(ln, ND6_RETRANS);
		} else {
			counter_add(&nd6stat.nd6s_expired, 1);
			nd6_free(ln);
		}
		break;
	case ND6_LLINFO_STALE:
		counter_add(&nd6stat.nd6s_expired, 1);
		nd6_free(ln);
		break;
	}
	splx(s);
}

/*
 * Send IPv6 packet m to neighbour dst on ifp (Ethernet): at once when
 * its address is known, else held while it is resolved.  Consumes m.
 */
int
nd6_output(struct ifnet *ifp, struct mbuf *m, const struct in6_addr *dst)
{
	struct llinfo_nd6 *ln;
	struct in6_addr src;
	uint8_t ea[ETHER_ADDR_LEN];
	int s;

	if (in6_is_multicast(dst)) {
		in6_mcast_ether(dst, ea);
		return (ether_output_frame(ifp, m, ea, ETHERTYPE_IPV6));
	}
	s = splnet();
	ln = nd6_find(ifp, dst);
	if (ln != NULL && ln->ln_state >= ND6_LLINFO_REACHABLE) {
		ln->ln_used = ticks;
		if (ln->ln_state == ND6_LLINFO_STALE)
			nd6_setstate(ln, ND6_LLINFO_DELAY);
		memcpy(ea, ln->ln_lladdr, ETHER_ADDR_LEN);
		splx(s);
		return (ether_output_frame(ifp, m, ea, ETHERTYPE_IPV6));
	}
	if (ln == NULL) {
		ln = nd6_new(ifp, dst, ND6_LLINFO_INCOMPLETE);
		/* RFC 4861 7.2.2: from the packet's source when ours. */
		m_copydata(m, 8, 16, &src);
		if (!in6_ours(ifp, &src) &&
		    in6_srcaddr(ifp, dst, &src) != 0)
			memset(&src, 0, sizeof(src));
		ln->ln_asked = 1;
		nd6_settimer(ln, ND6_RETRANS);
		if (!in6_is_unspecified(&src))
			nd6_ns_send(ifp, dst, NULL, &src);
	}
	if (mq_enqueue(&ln->ln_hold, m) != 0)
		counter_add(&nd6stat.nd6s_holddrops, 1);
	else
		counter_add(&nd6stat.nd6s_held, 1);
	splx(s);
	return (0);
}

/* Learn from a solicitation's source link-layer address (7.2.3). */
static void
nd6_ns_learn(struct ifnet *ifp, const struct in6_addr *a, const uint8_t *ll)
{
	struct llinfo_nd6 *ln = nd6_find(ifp, a);

	if (ln == NULL)
		ln = nd6_new(ifp, a, ND6_LLINFO_STALE);
	else if (ln->ln_state != ND6_LLINFO_INCOMPLETE &&
	    memcmp(ln->ln_lladdr, ll, ETHER_ADDR_LEN) == 0)
		return;
	else if (ln->ln_state != ND6_LLINFO_INCOMPLETE)
		counter_add(&nd6stat.nd6s_lladdrchg, 1);
	memcpy(ln->ln_lladdr, ll, ETHER_ADDR_LEN);
	nd6_setstate(ln, ND6_LLINFO_STALE);
	nd6_release(ln);
}

/* An advertisement for entry ln (7.2.5); ll NULL: no target option. */
static void
nd6_na_learn(struct llinfo_nd6 *ln, const uint8_t *ll, int flags)
{
	int same;

	if (ln->ln_state == ND6_LLINFO_INCOMPLETE) {
		if (ll == NULL) {
			counter_add(&nd6stat.nd6s_naignored, 1);
			return;
		}
		memcpy(ln->ln_lladdr, ll, ETHER_ADDR_LEN);
		nd6_setstate(ln, (flags & ND_NA_FLAG_SOLICITED) ?
		    ND6_LLINFO_REACHABLE : ND6_LLINFO_STALE);
		nd6_release(ln);
		return;
	}
	same = ll == NULL || memcmp(ln->ln_lladdr, ll, ETHER_ADDR_LEN) == 0;
	if ((flags & ND_NA_FLAG_OVERRIDE) == 0 && !same) {
		if (ln->ln_state == ND6_LLINFO_REACHABLE)
			nd6_setstate(ln, ND6_LLINFO_STALE);
		else
			counter_add(&nd6stat.nd6s_naignored, 1);
		return;
	}
	if (!same) {
		counter_add(&nd6stat.nd6s_lladdrchg, 1);
		memcpy(ln->ln_lladdr, ll, ETHER_ADDR_LEN);
	}
	if (flags & ND_NA_FLAG_SOLICITED)
		nd6_setstate(ln, ND6_LLINFO_REACHABLE);
	else if (!same)
		nd6_setstate(ln, ND6_LLINFO_STALE);
}

static void
nd6_dad_fail(struct in6_ifaddr *ia)
{
	char b[INET6_ADDRSTRLEN];

	callout_stop(&ia->ia6_dadtimer);
	ia->ia6_flags = IN6_IFF_DUPLICATED;
	counter_add(&nd6stat.nd6s_dupaddr, 1);
	printf("nd6: %s: duplicate address %s, not used\n",
	    ia->ia6_ifp->if_xname, in6_fmt(&ia->ia6_addr, b));
}

/* NS or NA at off, icmplen bytes (checksum verified by icmp6_input). */
void
nd6_input(struct mbuf *m, int off, int icmplen)
{
	struct ifnet *ifp = m->m_pkthdr.rcvif;
	struct ip6_hdr ip6;
	struct icmp6_hdr ic;
	struct in6_addr target, sn;
	struct in6_ifaddr *ia;
	struct llinfo_nd6 *ln;
	uint8_t ll[ETHER_ADDR_LEN];
	const uint8_t *p, *opt = NULL;
	int i, olen, s, want;

	memcpy(&ip6, mptr(m, const struct ip6_hdr *, 0), sizeof(ip6));
	if (ip6.ip6_hlim != ND_HOPLIMIT) {
		counter_add(&nd6stat.nd6s_badhlim, 1);
		goto drop;
	}
	if (icmplen < ND_NS_LEN) {
		counter_add(&nd6stat.nd6s_tooshort, 1);
		goto drop;
	}
	if ((p = m_datarange(&m, off, icmplen, M_DONTWAIT)) == NULL) {
		counter_add(&nd6stat.nd6s_nombuf, 1);
		goto drop;
	}
	memcpy(&ic, p, sizeof(ic));
	memcpy(&target, p + ICMP6_HDRLEN, sizeof(target));
	if (ic.icmp6_code != 0) {
		counter_add(&nd6stat.nd6s_badcode, 1);
		goto drop;
	}
	if (in6_is_multicast(&target)) {
		counter_add(&nd6stat.nd6s_badtarget, 1);
		goto drop;
	}
	want = ic.icmp6_type == ND_NEIGHBOR_SOLICIT ?
	    ND_OPT_SOURCE_LINKADDR : ND_OPT_TARGET_LINKADDR;
	for (i = ND_NS_LEN; i < icmplen; i += olen) {
		if (i + 2 > icmplen || p[i + 1] == 0 ||
		    i + (olen = p[i + 1] * 8) > icmplen) {
			counter_add(&nd6stat.nd6s_badopt, 1);
			goto drop;
		}
		if (p[i] == want && olen >= 2 + ETHER_ADDR_LEN)
			opt = p + i + 2;
	}
	if (opt != NULL)
		memcpy(ll, opt, ETHER_ADDR_LEN);

	s = splnet();
	ia = in6_ifa_find(ifp, &target);
	if (ic.icmp6_type == ND_NEIGHBOR_SOLICIT) {
		if (in6_is_unspecified(&ip6.ip6_src)) {
			in6_solicited_node(&target, &sn);
			if (!in6_equal(&ip6.ip6_dst, &sn) || opt != NULL) {
				counter_add(&nd6stat.nd6s_baddad, 1);
				goto unlock;
			}
		}
		counter_add(&nd6stat.nd6s_nsin, 1);
		if (ia == NULL || (ia->ia6_flags & IN6_IFF_DUPLICATED)) {
			counter_add(&nd6stat.nd6s_notours, 1);
			goto unlock;
		}
		if (in6_is_unspecified(&ip6.ip6_src)) {
			/* Somebody's DAD for this address. */
			if (ia->ia6_flags & IN6_IFF_TENTATIVE)
				nd6_dad_fail(ia);
			else
				nd6_na_send(ifp, &target, &in6_allnodes,
				    ND_NA_FLAG_OVERRIDE);
			goto unlock;
		}
		if (ia->ia6_flags & IN6_IFF_TENTATIVE) {
			counter_add(&nd6stat.nd6s_notours, 1);
			goto unlock;	/* RFC 4862 5.4.3: not ours yet */
		}
		if (opt != NULL)
			nd6_ns_learn(ifp, &ip6.ip6_src, ll);
		nd6_na_send(ifp, &target, &ip6.ip6_src,
		    ND_NA_FLAG_SOLICITED | ND_NA_FLAG_OVERRIDE);
		goto unlock;
	}
	/* Neighbor Advertisement. */
	if (in6_is_multicast(&ip6.ip6_dst) &&
	    (ic.icmp6_data[0] & ND_NA_FLAG_SOLICITED)) {
		counter_add(&nd6stat.nd6s_badsflag, 1);
		goto unlock;
	}
	counter_add(&nd6stat.nd6s_nain, 1);
	if (ia != NULL) {
		if (ia->ia6_flags & IN6_IFF_TENTATIVE)
			nd6_dad_fail(ia);
		else if ((ia->ia6_flags & IN6_IFF_DUPLICATED) == 0) {
			char b[INET6_ADDRSTRLEN], e[20];

			counter_add(&nd6stat.nd6s_dupaddr, 1);
			/* One line per interval: no flooding the console. */
			if (ratecheck(&nd6_duplog_last, nd6_duplog_interval))
				printf("nd6: %s is also used by %s\n",
				    in6_fmt(&target, b), opt != NULL ?
				    ether_fmt(ll, e) : "?");
			else
				counter_add(&nd6stat.nd6s_dupquiet, 1);
		}
		goto unlock;
	}
	if ((ln = nd6_find(ifp, &target)) == NULL) {
		counter_add(&nd6stat.nd6s_naignored, 1);
		goto unlock;
	}
	nd6_na_learn(ln, opt != NULL ? ll : NULL, ic.icmp6_data[0]);
unlock:
	splx(s);
drop:
	m_freem(m);
}

void
nd6_dad_start(struct in6_ifaddr *ia)
{
	callout_init(&ia->ia6_dadtimer, nd6_dad_timer, ia);
	ia->ia6_dadsent = 0;
	if (nd6_dad_count == 0) {
		ia->ia6_flags &= ~IN6_IFF_TENTATIVE;
		counter_add(&nd6stat.nd6s_dadok, 1);
		return;
	}
	nd6_dad_timer(ia);
}

void
nd6_dad_stop(struct in6_ifaddr *ia)
{
	callout_stop(&ia->ia6_dadtimer);
}

static void
nd6_dad_timer(void *arg)
{
	struct in6_ifaddr *ia = arg;
	int s;

	s = splnet();
	if ((ia->ia6_flags & IN6_IFF_TENTATIVE) == 0 || !ia->ia6_used) {
		splx(s);
		return;
	}
	if (ia->ia6_dadsent < nd6_dad_count) {
		ia->ia6_dadsent++;
		nd6_ns_send(ia->ia6_ifp, &ia->ia6_addr, NULL, NULL);
		callout_reset(&ia->ia6_dadtimer, ND6_RETRANS);
	} else {
		ia->ia6_flags &= ~IN6_IFF_TENTATIVE;
		counter_add(&nd6stat.nd6s_dadok, 1);
	}
	splx(s);
}

int
nd6_lookup(const struct in6_addr *a, uint8_t *lladdr)
{
	struct llinfo_nd6 *ln;
	int s, rv = -1;

	s = splnet();
	if ((ln = nd6_find(NULL, a)) != NULL &&
	    ln->ln_state >= ND6_LLINFO_REACHABLE) {
		memcpy(lladdr, ln->ln_lladdr, ETHER_ADDR_LEN);
		rv = 0;
	}
	splx(s);
	return (rv);
}

int
nd6_state(const struct in6_addr *a)
{
	struct llinfo_nd6 *ln;
	int s, st;

	s = splnet();
	ln = nd6_find(NULL, a);
	st = ln != NULL ? ln->ln_state : ND6_LLINFO_FREE;
	splx(s);
	return (st);
}

/* Forget the entries of ifp (all when NULL); held packets counted. */
void
nd6_ifdetach(struct ifnet *ifp)
{
	int i, s;

	s = splnet();
	for (i = 0; i < ND6_MAXENT; i++)
		if (nd6tab[i].ln_state != ND6_LLINFO_FREE &&
		    (ifp == NULL || nd6tab[i].ln_ifp == ifp)) {
			counter_add(&nd6stat.nd6s_flushed,
			    mq_len(&nd6tab[i].ln_hold));
			nd6_free(&nd6tab[i]);
		}
	splx(s);
}

void
nd6_flush(void)
{
	nd6_ifdetach(NULL);
}

int
nd6_count(void)
{
	int i, n = 0;

	for (i = 0; i < ND6_MAXENT; i++)
		if (nd6tab[i].ln_state != ND6_LLINFO_FREE)
			n++;
	return (n);
}

void
nd6_print(void)
{
	struct llinfo_nd6 *ln;
	char a[INET6_ADDRSTRLEN], l[20];
	int i, s;

	s = splnet();
	printf("%-30s %-17s %-5s %-10s %s\n", "Neighbor", "Linklayer Address",
	    "Netif", "State", "Expire");
	for (i = 0; i < ND6_MAXENT; i++) {
		ln = &nd6tab[i];
		if (ln->ln_state == ND6_LLINFO_FREE)
			continue;
		printf("%-30s %-17s %-5s %-10s %llds%s\n",
		    in6_fmt(&ln->ln_addr, a),
		    ln->ln_state == ND6_LLINFO_INCOMPLETE ? "(incomplete)" :
		    ether_fmt(ln->ln_lladdr, l), ln->ln_ifp != NULL ?
		    ln->ln_ifp->if_xname : "?", nd6_statename[ln->ln_state],
		    (long long)(ln->ln_expire - ticks) / hz,
		    mq_len(&ln->ln_hold) ? " holding packets" : "");
	}
	splx(s);
}

SHELL_CMD(ndp, "ndp -a | -c: the IPv6 neighbor cache (-c: flush it)")
{
	if (argc != 2 || (strcmp(argv[1], "-a") != 0 &&
	    strcmp(argv[1], "-c") != 0))
		return (shell_usage(argv[0]));
	if (strcmp(argv[1], "-c") == 0) {
		nd6_flush();
		printf("ndp: flushed\n");
		return (0);
	}
	nd6_print();
	return (0);
}
