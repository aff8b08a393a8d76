/*
 * net/ip6_output.c: IPv6 output and fragmentation (RFC 8200 4.5).
 *
 * What it is for: putting an IPv6 header in front of a payload
 * (ip6_send) and getting the packet onto a link (ip6_output): to the
 * loopback when the destination is ours, else to the interface
 * in6_route picks, through Neighbor Discovery (nd6_output) for the
 * link-layer address.
 *
 * A packet larger than the link MTU is fragmented at the source, the
 * only place IPv6 fragments: each fragment is a new packet header mbuf
 * holding the 40-byte header and an 8-byte fragment header, put in
 * front with M_PREPEND, followed by an m_copym of its share of the
 * payload, whose clusters are shared by reference, never copied.  The
 * unfragmentable part is the IPv6 header alone (this stack sends no
 * extension headers); every fragment but the last carries a multiple
 * of 8 bytes; all share one identification drawn at random (RFC 7739).
 * Neighbor Discovery passes IP6_NOFRAG: what it sends always fits.
 *
 * Invariants: the packet is always consumed (sent, or freed with the
 * reason counted); the header is written only into writable storage
 * (net_hdrptr) and only by memcpy from a local struct ip6_hdr.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>

#include <net/in.h>
#include <net/if.h>
#include <net/ip6.h>
#include <net/ip6_var.h>

/* To the loopback or through ND; consumes m. */
static int
ip6_ifoutput(struct ifnet *ifp, struct mbuf *m, const struct in6_addr *dst)
{
	struct in_addr none = { 0 };

	if (ifp->if_flags & IFF_LOOPBACK)
		return (ifp->if_ipoutput(ifp, m, none));
	return (nd6_output(ifp, m, dst));
}

static int
ip6_fragment(struct mbuf *m, struct ifnet *ifp, const struct ip6_hdr *ip6)
{
	struct ip6_hdr fip6;
	struct ip6_frag fh;
	struct mbuf *n, *h;
	uint32_t id;
	int plen, fsize, off, flen, error = 0, e;

	plen = m->m_pkthdr.len - IP6_HDRLEN;
	fsize = (ifp->if_mtu - IP6_HDRLEN - (int)sizeof(fh)) & ~7;
	id = kern_random();
	counter_add(&ip6stat.ip6s_fragmented, 1);
	for (off = 0; off < plen; off += flen) {
		flen = MIN(fsize, plen - off);
		if ((n = m_copym(m, IP6_HDRLEN + off, flen, M_DONTWAIT)) ==
		    NULL) {
			counter_add(&ip6stat.ip6s_nombuf, 1);
			error = ENOBUFS;
			break;
		}
		if ((h = m_gethdr(M_DONTWAIT, MT_HEADER)) == NULL) {
			m_freem(n);
			counter_add(&ip6stat.ip6s_nombuf, 1);
			error = ENOBUFS;
			break;
		}
		MH_ALIGN(h, 0);
		h->m_next = n;
		h->m_pkthdr.len = flen;
		h->m_flags |= m->m_flags & M_MCAST;
		M_PREPEND(h, IP6_HDRLEN + sizeof(fh), M_DONTWAIT);
		if (h == NULL) {
			counter_add(&ip6stat.ip6s_nombuf, 1);
			error = ENOBUFS;
			break;
		}
		fip6 = *ip6;
		fip6.ip6_plen = htons(sizeof(fh) + flen);
		fip6.ip6_nxt = IPPROTO_FRAGMENT;
		fh.ip6f_nxt = ip6->ip6_nxt;
		fh.ip6f_reserved = 0;
		fh.ip6f_offlg = htons(off | (off + flen < plen ?
		    IP6F_MORE_FRAG : 0));
		fh.ip6f_ident = htonl(id);
		memcpy(mtod(h, void *), &fip6, sizeof(fip6));
		memcpy(mtod(h, uint8_t *) + IP6_HDRLEN, &fh, sizeof(fh));
		counter_add(&ip6stat.ip6s_ofragments, 1);
		if ((e = ip6_ifoutput(ifp, h, &ip6->ip6_dst)) != 0) {
			counter_add(&ip6stat.ip6s_odropped, 1);
			if (error == 0)
				error = e;
		}
	}
	m_freem(m);
	return (error);
}

/*
 * Send packet m, whose first 40 bytes are an IPv6 header with every
 * field set but the payload length (set here).  ifp names the link of
 * a link-local or multicast destination (NULL: the first with IPv6).
 */
int
ip6_output(struct mbuf *m, struct ifnet *ifp, int flags)
{
	struct ip6_hdr ip6;
	struct ifnet *oifp;
	void *p;
	int error, s;

	s = splnet();
	if ((p = net_hdrptr(&m, IP6_HDRLEN, 1)) == NULL) {
		counter_add(&ip6stat.ip6s_nombuf, 1);
		splx(s);
		return (ENOBUFS);
	}
	memcpy(&ip6, p, sizeof(ip6));
	if ((ntohl(ip6.ip6_flow) >> 28) != IPV6_VERSION) {
		counter_add(&ip6stat.ip6s_odropped, 1);
		m_freem(m);
		splx(s);
		return (EINVAL);
	}
	if (m->m_pkthdr.len - IP6_HDRLEN > IP6_MAXPACKET) {
		counter_add(&ip6stat.ip6s_cantfrag, 1);
		m_freem(m);
		splx(s);
		return (EMSGSIZE);
	}
	if (lo0ifp != NULL && (in6_is_loopback(&ip6.ip6_dst) ||
	    in6_ours(NULL, &ip6.ip6_dst)))
		oifp = lo0ifp;		/* to ourselves: loop it back */
	else if ((oifp = in6_route(&ip6.ip6_dst, ifp)) == NULL) {
		counter_add(&ip6stat.ip6s_noroute, 1);
		m_freem(m);
		splx(s);
		return (EHOSTUNREACH);
	}
	if (in6_is_multicast(&ip6.ip6_dst))
		m->m_flags |= M_MCAST;
	ip6.ip6_plen = htons(m->m_pkthdr.len - IP6_HDRLEN);
	memcpy(p, &ip6, sizeof(ip6));
	counter_add(&ip6stat.ip6s_localout, 1);
	if (m->m_pkthdr.len <= oifp->if_mtu) {
		if ((error = ip6_ifoutput(oifp, m, &ip6.ip6_dst)) != 0)
			counter_add(&ip6stat.ip6s_odropped, 1);
	} else if (flags & IP6_NOFRAG) {
		counter_add(&ip6stat.ip6s_cantfrag, 1);
		m_freem(m);
		error = EMSGSIZE;
	} else
		error = ip6_fragment(m, oifp, &ip6);
	splx(s);
	return (error);
}

/*
 * Put a 40-byte header in front of payload m and send it.  src NULL:
 * chosen by in6_srcaddr; hlim 0: IP6_DEFHLIM.  Consumes m.
 */
int
ip6_send(struct mbuf *m, int proto, const struct in6_addr *src,
    const struct in6_addr *dst, int hlim, struct ifnet *ifp, int flags)
{
	struct ip6_hdr ip6;
	int error;

	if (m->m_pkthdr.len > IP6_MAXPACKET) {
		counter_add(&ip6stat.ip6s_cantfrag, 1);
		m_freem(m);
		return (EMSGSIZE);
	}
	memset(&ip6, 0, sizeof(ip6));
	if (src != NULL)
		ip6.ip6_src = *src;
	else if ((error = in6_srcaddr(ifp, dst, &ip6.ip6_src)) != 0) {
		counter_add(&ip6stat.ip6s_noroute, 1);
		m_freem(m);
		return (error);
	}
	M_PREPEND(m, IP6_HDRLEN, M_DONTWAIT);
	if (m == NULL) {
		counter_add(&ip6stat.ip6s_nombuf, 1);
		return (ENOBUFS);
	}
	ip6.ip6_flow = htonl(IPV6_VERSION << 28);
	ip6.ip6_plen = htons(m->m_pkthdr.len - IP6_HDRLEN);
	ip6.ip6_nxt = proto;
	ip6.ip6_hlim = hlim != 0 ? hlim : IP6_DEFHLIM;
	ip6.ip6_dst = *dst;
	memcpy(mtod(m, void *), &ip6, sizeof(ip6));
	return (ip6_output(m, ifp, flags));
}
