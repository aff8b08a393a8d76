/*
 * net/udp6.c: UDP over IPv6 (RFC 768, RFC 8200 8.1) and its in-kernel
 * API.
 *
 * What it is for: the same service as udp.c, over IPv6.  A user binds
 * a port with a receive callback (udp6_bind), gets each datagram's
 * payload as an mbuf chain it then owns, and sends with udp6_sendto
 * (an mbuf chain) or udp6_send_buf (a flat buffer).  Echo on port 7
 * answers with the request's own chain; discard on port 9 frees it.
 *
 * The checksum is mandatory over IPv6: a datagram with a zero checksum
 * is dropped (udp6s_nosum), every other is verified against the
 * pseudo header, and on output a computed 0 is sent as 0xffff.  The
 * echo reply swaps ports and addresses, which leaves the sum as it
 * was: an echoed datagram is neither copied nor summed again.  No echo
 * goes to a source port of 7 or 9 (two echo services would answer
 * each other for ever; udp6s_discarded counts it).
 *
 * Invariants: at most UDP6_MAXPCB bound ports; every datagram is
 * delivered, echoed, discarded, or dropped with its own counter; a
 * unicast datagram to a port nobody bound gets Destination Unreachable
 * code 4 (port) quoting it.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>

#include <net/in.h>
#include <net/udp.h>
#include <net/if.h>
#include <net/ip_var.h>
#include <net/ip6.h>
#include <net/ip6_var.h>

#define UDP6_MAXPCB		16
#define UDP6_ECHO_PORT		7
#define UDP6_DISCARD_PORT	9
#define UDP6_MAXDATA		(IP6_MAXPACKET - 8)

struct udp6_pcb {
	int		 up_used;
	uint16_t	 up_port;
	udp6_recv_t	 up_fn;
	void		*up_arg;
};

struct udp6stat udp6stat;
static struct udp6_pcb udp6_pcbs[UDP6_MAXPCB];

/* Answer in place: swap ports and addresses; the checksum stays valid. */
static void
udp6_echo(struct mbuf *m, const struct ip6_hdr *ip6, int off)
{
	struct udphdr uh;
	uint16_t t;
	void *p;

	if (m_datarange_rw(&m, off, sizeof(uh), M_DONTWAIT) == NULL) {
		counter_add(&udp6stat.udp6s_nombuf, 1);
		m_freem(m);
		return;
	}
	m_adj(m, off);
	p = mptr_rw(m, struct udphdr *, 0);	/* the region, shifted */
	memcpy(&uh, p, sizeof(uh));
	t = uh.uh_sport;
	uh.uh_sport = uh.uh_dport;
	uh.uh_dport = t;
	memcpy(p, &uh, sizeof(uh));
	counter_add(&udp6stat.udp6s_echoed, 1);
	counter_add(&udp6stat.udp6s_opackets, 1);
	ip6_send(m, IPPROTO_UDP, &ip6->ip6_dst, &ip6->ip6_src, 0,
	    m->m_pkthdr.rcvif, 0);
}

void
udp6_input(struct mbuf *m, int off)
{
	struct ip6_hdr ip6;
	struct udphdr uh;
	struct udp6_pcb *up = NULL;
	int ulen, plen, i;
	uint16_t dport, sport;
	void *p;

	counter_add(&udp6stat.udp6s_ipackets, 1);
	plen = m->m_pkthdr.len - off;
	if (plen < (int)sizeof(uh)) {
		counter_add(&udp6stat.udp6s_hdrops, 1);
		goto drop;
	}
	memcpy(&ip6, mptr(m, const struct ip6_hdr *, 0), sizeof(ip6));
	if ((p = m_datarange(&m, off, sizeof(uh), M_DONTWAIT)) == NULL) {
		counter_add(&udp6stat.udp6s_nombuf, 1);
		goto drop;
	}
	memcpy(&uh, p, sizeof(uh));
	ulen = ntohs(uh.uh_ulen);
	if (ulen < (int)sizeof(uh) || ulen > plen) {
		counter_add(&udp6stat.udp6s_badlen, 1);
		goto drop;
	}
	if (ulen < plen)
		m_adj(m, ulen - plen);
	if (uh.uh_sum == 0) {
		counter_add(&udp6stat.udp6s_nosum, 1);
		goto drop;
	}
	if (in_cksum_off(m, off, ulen, in6_pseudo(&ip6.ip6_src, &ip6.ip6_dst,
	    IPPROTO_UDP, ulen)) != 0) {
		counter_add(&udp6stat.udp6s_badsum, 1);
		goto drop;
	}
	dport = ntohs(uh.uh_dport);
	sport = ntohs(uh.uh_sport);
	for (i = 0; i < UDP6_MAXPCB; i++)
		if (udp6_pcbs[i].up_used && udp6_pcbs[i].up_port == dport) {
			up = &udp6_pcbs[i];
			break;
		}
	if (up != NULL) {
		counter_add(&udp6stat.udp6s_delivered, 1);
		m_adj(m, off + sizeof(uh));
		up->up_fn(up->up_arg, m, &ip6.ip6_src, sport, dport);
		return;
	}
	if (m->m_flags & (M_BCAST | M_MCAST)) {
		counter_add(&udp6stat.udp6s_noportmcast, 1);
		goto drop;
	}
	if (dport == UDP6_ECHO_PORT && sport != UDP6_ECHO_PORT &&
	    sport != UDP6_DISCARD_PORT) {
		udp6_echo(m, &ip6, off);
		return;
	}
	if (dport == UDP6_DISCARD_PORT || dport == UDP6_ECHO_PORT) {
		counter_add(&udp6stat.udp6s_discarded, 1);
		goto drop;
	}
	counter_add(&udp6stat.udp6s_noport, 1);
	icmp6_error(m, ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT, 0);
	return;
drop:
	m_freem(m);
}

struct udp6_pcb *
udp6_bind(uint16_t port, udp6_recv_t fn, void *arg)
{
	int i, s;

	s = splnet();
	for (i = 0; i < UDP6_MAXPCB; i++)
		if (udp6_pcbs[i].up_used && udp6_pcbs[i].up_port == port) {
			splx(s);
			return (NULL);
		}
	for (i = 0; i < UDP6_MAXPCB; i++)
		if (!udp6_pcbs[i].up_used) {
			udp6_pcbs[i].up_used = 1;
			udp6_pcbs[i].up_port = port;
			udp6_pcbs[i].up_fn = fn;
			udp6_pcbs[i].up_arg = arg;
			splx(s);
			return (&udp6_pcbs[i]);
		}
	splx(s);
	return (NULL);
}

void
udp6_unbind(struct udp6_pcb *up)
{
	int s;

	s = splnet();
	up->up_used = 0;
	up->up_fn = NULL;
	splx(s);
}

int
udp6_sendto(uint16_t sport, const struct in6_addr *dst, uint16_t dport,
    struct mbuf *m)
{
	struct udphdr uh;
	struct in6_addr src;
	int ulen, error;

	if (m->m_pkthdr.len > UDP6_MAXDATA) {
		counter_add(&udp6stat.udp6s_toobig, 1);
		m_freem(m);
		return (EMSGSIZE);
	}
	if ((error = in6_srcaddr(NULL, dst, &src)) != 0) {
		m_freem(m);
		return (error);
	}
	M_PREPEND(m, sizeof(uh), M_DONTWAIT);
	if (m == NULL) {
		counter_add(&udp6stat.udp6s_nombuf, 1);
		return (ENOBUFS);
	}
	ulen = m->m_pkthdr.len;
	uh.uh_sport = htons(sport);
	uh.uh_dport = htons(dport);
	uh.uh_ulen = htons(ulen);
	uh.uh_sum = 0;
	memcpy(mtod(m, void *), &uh, sizeof(uh));
	uh.uh_sum = in_cksum_off(m, 0, ulen, in6_pseudo(&src, dst,
	    IPPROTO_UDP, ulen));
	if (uh.uh_sum == 0)
		uh.uh_sum = 0xffff;
	memcpy(mtod(m, uint8_t *) + 6, &uh.uh_sum, 2);
	counter_add(&udp6stat.udp6s_opackets, 1);
	return (ip6_send(m, IPPROTO_UDP, &src, dst, 0, NULL, 0));
}

int
udp6_send_buf(uint16_t sport, const struct in6_addr *dst, uint16_t dport,
    const void *buf, int len)
{
	struct mbuf *m;

	if (len < 0 || len > UDP6_MAXDATA) {
		counter_add(&udp6stat.udp6s_toobig, 1);
		return (EMSGSIZE);
	}
	if ((m = net_getpacket(len, 64, M_DONTWAIT)) == NULL) {
		counter_add(&udp6stat.udp6s_nombuf, 1);
		return (ENOBUFS);
	}
	if (len > 0 && m_copyback(m, 0, len, buf, M_DONTWAIT) != 0) {
		m_freem(m);
		counter_add(&udp6stat.udp6s_nombuf, 1);
		return (ENOBUFS);
	}
	return (udp6_sendto(sport, dst, dport, m));
}
