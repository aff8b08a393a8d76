/*
 * net/ip_input.c: IPv4 input (RFC 791, RFC 1122 section 3.2.1).
 *
 * What it is for: deciding, for every packet an interface hands up,
 * whether it is a well-formed IPv4 packet addressed to this host, and
 * then passing it (reassembled if it was fragmented) to ICMP or UDP.
 *
 * The checks run in a fixed order and each failure has its own counter
 * in struct ipstat: shorter than a header (ips_toosmall), version
 * (ips_badvers), header length below 20 or past the packet
 * (ips_badhlen), header checksum (ips_badsum), total length below the
 * header (ips_badlen) or past the frame (ips_tooshort), a martian
 * address (ip_martian, below), not ours (ips_notforus).  A frame longer
 * than ip_len (Ethernet padding) is trimmed.  Options are not
 * interpreted: the header length is honoured and the options skipped.
 * This host does not forward.
 *
 * Martians (RFC 1122 3.2.1.3, RFC 6890): addresses that cannot be the
 * source of a packet arriving here, each dropped under its own counter
 * before anything looks at the payload, so that no reply, no ICMP
 * error and no reassembly state can follow from one.  A source of
 * 0.0.0.0 is dropped too: only a host that does not know its address
 * yet (BOOTP/DHCP) sends it, and no protocol of this stack needs to
 * hear one.  Our own address and the loopback net arrive legitimately
 * only over lo0, where this host sent them itself.
 *
 * Invariants: headers are read by memcpy from a contiguous region made
 * by net_hdrptr (a region recorded with m_datarange), never through a
 * cast;
 * a packet leaving ip_input has been freed, queued for reassembly or
 * handed to a protocol, which then owns it; on delivery m_pkthdr.len
 * equals ip_len and the IP header (with its options) is still in front.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>

#include <net/in.h>
#include <net/ip.h>
#include <net/if.h>
#include <net/ip_var.h>

struct ipstat ipstat;


void
ip_init(void)
{
	ip_reass_init();
}

/*
 * Is dst one of ours, as seen from interface ifp?  lo0's address is
 * ours only on lo0: from any other interface 127.0.0.1 is a martian
 * (RFC 1122 3.2.1.3), however it got onto the wire.
 */
int
in_ours(struct in_addr dst, struct ifnet *ifp)
{
	struct ifnet *ia;

	if ((ia = ifa_ifwithaddr(dst)) != NULL)
		return (ia != lo0ifp || (ifp != NULL &&
		    (ifp->if_flags & IFF_LOOPBACK)));
	if (ifp != NULL && (ifp->if_flags & IFF_LOOPBACK) &&
	    (ntohl(dst.s_addr) >> 24) == IN_LOOPBACKNET)
		return (1);
	return (in_broadcast(dst, ifp));
}

/*
 * The martian filter: NULL when the addresses of ip, arriving on ifp,
 * may be accepted, else the counter of the reason to drop it.  The
 * order decides which counter a packet with several faults lands in:
 * the source's own class first, then where it came from.
 */
u_long *
ip_martian(const struct ip *ip, struct ifnet *ifp)
{
	uint32_t src = ntohl(ip->ip_src.s_addr);
	uint32_t dst = ntohl(ip->ip_dst.s_addr);
	int onlo = (ifp->if_flags & IFF_LOOPBACK) != 0;

	if (src == INADDR_ANY)
		return (&ipstat.ips_srczero);
	if (src == INADDR_BROADCAST || in_broadcast(ip->ip_src, ifp))
		return (&ipstat.ips_srcbcast);
	if (IN_MULTICAST(src))
		return (&ipstat.ips_srcmcast);
	if (IN_EXPERIMENTAL(src))
		return (&ipstat.ips_srcclasse);
	if ((src >> 24) == IN_LOOPBACKNET && !onlo)
		return (&ipstat.ips_srcloop);
	if (!onlo && ifa_ifwithaddr(ip->ip_src) != NULL)
		return (&ipstat.ips_srcours);
	if ((dst >> 24) == IN_LOOPBACKNET && !onlo)
		return (&ipstat.ips_dstloop);
	return (NULL);
}

/* Sum of the pseudo header, in the same (memory) order as in_cksum. */
uint32_t
in_pseudo(struct in_addr src, struct in_addr dst, int proto, int len)
{
	uint8_t ph[12];

	memcpy(ph, &src.s_addr, 4);
	memcpy(ph + 4, &dst.s_addr, 4);
	ph[8] = 0;
	ph[9] = proto;
	be16enc(ph + 10, len);
	return (in_cksum_sum(ph, sizeof(ph)));
}

/* Checksum of [off, off + len) of m with add folded in (memory order). */
uint16_t
in_cksum_off(struct mbuf *m, int off, int len, uint32_t add)
{
	uint32_t sum;

	sum = (~in_cksum_skip(m, len, off) & 0xffff) + add;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

void
ip_input(struct ifnet *ifp, struct mbuf *m)
{
	struct ip ip;
	u_long *ctr;
	int hlen, len, off;
	void *p;

	counter_add(&ipstat.ips_total, 1);
	if (m->m_pkthdr.len < IP_MINHLEN) {
		counter_add(&ipstat.ips_toosmall, 1);
		goto bad;
	}
	if ((p = net_hdrptr(&m, IP_MINHLEN, 0)) == NULL) {
		counter_add(&ipstat.ips_nombuf, 1);
		return;
	}
	memcpy(&ip, p, sizeof(ip));
	if (IP_V(ip.ip_vhl) != IPVERSION) {
		counter_add(&ipstat.ips_badvers, 1);
		goto bad;
	}
	hlen = IP_HL(ip.ip_vhl);
	if (hlen < IP_MINHLEN || hlen > m->m_pkthdr.len) {
		counter_add(&ipstat.ips_badhlen, 1);
		goto bad;
	}
	if (hlen > IP_MINHLEN && net_hdrptr(&m, hlen, 0) == NULL) {
		counter_add(&ipstat.ips_nombuf, 1);
		return;
	}
	if (in_cksum(m, hlen) != 0) {
		counter_add(&ipstat.ips_badsum, 1);
		goto bad;
	}
	len = ntohs(ip.ip_len);
	if (len < hlen) {
		counter_add(&ipstat.ips_badlen, 1);
		goto bad;
	}
	if (len > m->m_pkthdr.len) {
		counter_add(&ipstat.ips_tooshort, 1);
		goto bad;
	}
	if (m->m_pkthdr.len > len)
		m_adj(m, len - m->m_pkthdr.len);	/* link padding */

	if ((ctr = ip_martian(&ip, ifp)) != NULL) {
		counter_add(ctr, 1);
		goto bad;
	}
	if (!in_ours(ip.ip_dst, ifp)) {
		counter_add(&ipstat.ips_notforus, 1);
		goto bad;
	}
	if (in_broadcast(ip.ip_dst, ifp))
		m->m_flags |= M_BCAST;

	off = ntohs(ip.ip_off);
	if (off & (IP_MF | IP_OFFMASK)) {
		counter_add(&ipstat.ips_fragments, 1);
		if ((m = ip_reass(m, &ip, hlen)) == NULL)
			return;
		/* A whole datagram now, with a fresh 20-byte header. */
		if ((p = net_hdrptr(&m, IP_MINHLEN, 0)) == NULL) {
			counter_add(&ipstat.ips_nombuf, 1);
			return;
		}
		memcpy(&ip, p, sizeof(ip));
		hlen = IP_HL(ip.ip_vhl);
	}

	switch (ip.ip_p) {
	case IPPROTO_ICMP:
		counter_add(&ipstat.ips_delivered, 1);
		icmp_input(m, hlen);
		return;
	case IPPROTO_UDP:
		counter_add(&ipstat.ips_delivered, 1);
		udp_input(m, hlen);
		return;
	default:
		counter_add(&ipstat.ips_noproto, 1);
		icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PROTOCOL);
		return;
	}
bad:
	m_freem(m);
}
