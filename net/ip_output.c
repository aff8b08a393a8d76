/*
 * net/ip_output.c: IPv4 output and fragmentation.
 *
 * What it is for: taking a packet whose IP header the caller has built
 * (or reused: ICMP and UDP echo turn the request's header around), and
 * getting it onto the right interface in pieces no larger than the
 * interface's MTU.
 *
 * ip_output fills the identification and the header checksum, picks
 * the interface and next hop (in_route), and sends the packet whole
 * when it fits.  Otherwise each fragment is a new packet header mbuf
 * holding only the IP header, put in front with M_PREPEND, followed by
 * an m_copym of its share of the payload: the payload's clusters are
 * shared by reference, never copied.  Fragment payloads are multiples
 * of 8 bytes except the last; a packet with DF set that does not fit is
 * dropped (ips_cantfrag).  A loopback source (127/8) never leaves on
 * a real interface: a DIAGNOSTIC panic naming the caller, and in every
 * build a counted drop (ips_oloopsrc).  The first fragment keeps every option
 * of the
 * header; the others only those whose copied flag is set (RFC 791 3.2),
 * with the NOPs between them, padded with EOL to a 4-byte boundary.
 *
 * Invariants: the original packet is always consumed (sent, or freed
 * with the reason counted); a header is written only into storage that
 * is writable (net_hdrptr) and only through memcpy from a local
 * struct ip; every packet handed to an interface has M_PKTHDR and a
 * correct m_pkthdr.len.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>

#include <net/in.h>
#include <net/ip.h>
#include <net/if.h>
#include <net/ip_var.h>

static uint16_t ip_id;

uint16_t
ip_newid(void)
{
	if (ip_id == 0)
		ip_id = kern_random() | 1;
	return (ip_id++);
}

void
ip_hdr_cksum(void *p, int hlen)
{
	uint16_t sum = 0;

	memcpy((uint8_t *)p + 10, &sum, 2);
	sum = in_cksum_flat(p, hlen);
	memcpy((uint8_t *)p + 10, &sum, 2);
}


/* The source address to use towards dst. */
struct in_addr
ip_srcaddr(struct in_addr dst)
{
	struct in_addr nh, a;
	struct ifnet *ifp;

	if (ifa_ifwithaddr(dst) != NULL)
		return (dst);
	if ((ifp = in_route(dst, &nh)) == NULL) {
		a.s_addr = 0;
		return (a);
	}
	return (ifp->if_addr);
}

/*
 * The options of the fragments after the first: from the olen bytes at
 * src, those with the copied flag and the NOPs, then EOL padding to a
 * multiple of 4, into dst.  Returns how many bytes that is.  A
 * malformed option (a length below 2 or past the end) ends the list.
 */
static int
ip_optcopy(const uint8_t *src, int olen, uint8_t *dst)
{
	int i = 0, n = 0, len;

	while (i < olen && src[i] != IPOPT_EOL) {
		if (src[i] == IPOPT_NOP) {
			dst[n++] = IPOPT_NOP;
			i++;
			continue;
		}
		if (i + 1 >= olen || (len = src[i + 1]) < 2 || len > olen - i)
			break;
		if (IPOPT_COPIED(src[i])) {
			memcpy(dst + n, src + i, len);
			n += len;
		}
		i += len;
	}
	while (n % 4 != 0)
		dst[n++] = IPOPT_EOL;
	return (n);
}

static int
ip_fragment(struct mbuf *m, struct ifnet *ifp, struct in_addr nexthop,
    struct ip *ip, int hlen)
{
	struct mbuf *n, *h;
	struct ip fip;
	uint8_t opts[IP_MAXHLEN - IP_MINHLEN], copts[IP_MAXHLEN - IP_MINHLEN];
	int plen, fsize, off, flen, error = 0, e, fhlen, olen, colen;
	uint16_t ooff;

	plen = m->m_pkthdr.len - hlen;
	fsize = (ifp->if_mtu - hlen) & ~7;
	if (fsize < 8) {
		counter_add(&ipstat.ips_cantfrag, 1);
		m_freem(m);
		return (EMSGSIZE);
	}
	ooff = ntohs(ip->ip_off);
	olen = hlen - IP_MINHLEN;
	m_copydata(m, IP_MINHLEN, olen, opts);
	colen = ip_optcopy(opts, olen, copts);
	counter_add(&ipstat.ips_fragmented, 1);
	/* fsize fits the first header, the largest; the others are no longer. */
	for (off = 0; off < plen; off += flen) {
		flen = MIN(fsize, plen - off);
		n = m_copym(m, hlen + off, flen, M_DONTWAIT);
		if (n == NULL) {
			counter_add(&ipstat.ips_nombuf, 1);
			error = ENOBUFS;
			break;
		}
		if ((h = m_gethdr(M_DONTWAIT, MT_HEADER)) == NULL) {
			m_freem(n);
			counter_add(&ipstat.ips_nombuf, 1);
			error = ENOBUFS;
			break;
		}
		MH_ALIGN(h, 0);
		h->m_next = n;
		h->m_pkthdr.len = flen;
		h->m_flags |= m->m_flags & (M_BCAST | M_MCAST);
		fhlen = IP_MINHLEN + (off == 0 ? olen : colen);
		M_PREPEND(h, fhlen, M_DONTWAIT);
		if (h == NULL) {
			counter_add(&ipstat.ips_nombuf, 1);
			error = ENOBUFS;
			break;
		}
		fip = *ip;
		fip.ip_vhl = IP_VHL(4, fhlen);
		fip.ip_len = htons(fhlen + flen);
		fip.ip_off = htons(((ooff & IP_OFFMASK) + (off >> 3)) |
		    (off + flen < plen || (ooff & IP_MF) ? IP_MF : 0));
		fip.ip_sum = 0;
		memcpy(mtod(h, uint8_t *) + IP_MINHLEN, off == 0 ? opts : copts,
		    fhlen - IP_MINHLEN);
		memcpy(mtod(h, void *), &fip, sizeof(fip));
		ip_hdr_cksum(mtod(h, void *), fhlen);
		counter_add(&ipstat.ips_ofragments, 1);
		if ((e = ifp->if_ipoutput(ifp, h, nexthop)) != 0) {
			counter_add(&ipstat.ips_odropped, 1);
			if (error == 0)
				error = e;	/* the first refusal */
		}
	}
	m_freem(m);
	return (error);
}

/*
 * A loopback source about to leave on a real interface (RFC 1122
 * 3.2.1.3: it must never appear outside a host).  The input side's
 * martian filter keeps the stack itself from building one, so this is
 * a caller's mistake: a panic under DIAGNOSTIC, a counted drop
 * (ips_oloopsrc, EADDRNOTAVAIL) in every build.
 */
static void
ip_output_loopsrc(const struct ip *ip, struct ifnet *ifp, void *caller)
{
#ifdef DIAGNOSTIC
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	panic("ip_output: loopback source %s to %s on %s: 127/8 must not "
	    "leave lo0 (caller %p)", inet_fmt(ip->ip_src, a),
	    inet_fmt(ip->ip_dst, b), ifp->if_xname, caller);
#else
	(void)ip;
	(void)ifp;
	(void)caller;
#endif
}

int
ip_output(struct mbuf *m, int flags)
{
	struct ifnet *ifp;
	struct in_addr nexthop;
	struct ip ip;
	void *p;
	int hlen, error, s;

	s = splnet();
	if ((p = net_hdrptr(&m, IP_MINHLEN, 1)) == NULL) {
		counter_add(&ipstat.ips_nombuf, 1);
		splx(s);
		return (ENOBUFS);
	}
	memcpy(&ip, p, sizeof(ip));
	hlen = IP_HL(ip.ip_vhl);
	if (IP_V(ip.ip_vhl) != 4 || hlen < IP_MINHLEN ||
	    hlen > m->m_pkthdr.len) {
		/* The caller's header is not an IPv4 header. */
		counter_add(&ipstat.ips_odropped, 1);
		m_freem(m);
		splx(s);
		return (EINVAL);
	}
	if (hlen > IP_MINHLEN && (p = net_hdrptr(&m, hlen, 1)) == NULL) {
		counter_add(&ipstat.ips_nombuf, 1);
		splx(s);
		return (ENOBUFS);
	}
	if ((ifp = in_route(ip.ip_dst, &nexthop)) == NULL) {
		counter_add(&ipstat.ips_noroute, 1);
		m_freem(m);
		splx(s);
		return (EHOSTUNREACH);
	}
	if (ip.ip_src.s_addr == 0)
		ip.ip_src = ifp->if_addr;
	if ((ntohl(ip.ip_src.s_addr) >> 24) == IN_LOOPBACKNET &&
	    (ifp->if_flags & IFF_LOOPBACK) == 0) {
		ip_output_loopsrc(&ip, ifp, __builtin_return_address(0));
		counter_add(&ipstat.ips_oloopsrc, 1);
		m_freem(m);
		splx(s);
		return (EADDRNOTAVAIL);
	}
	if (in_broadcast(ip.ip_dst, ifp))
		m->m_flags |= M_BCAST;
	ip.ip_len = htons(m->m_pkthdr.len);
	ip.ip_id = htons(ip_newid());
	ip.ip_off = htons((flags & IP_DF_FLAG) ? IP_DF : 0);
	ip.ip_sum = 0;
	counter_add(&ipstat.ips_localout, 1);
	if (m->m_pkthdr.len <= ifp->if_mtu) {
		memcpy(p, &ip, sizeof(ip));
		ip_hdr_cksum(p, hlen);
		error = ifp->if_ipoutput(ifp, m, nexthop);
		if (error != 0)
			counter_add(&ipstat.ips_odropped, 1);
	} else if (flags & IP_DF_FLAG) {
		counter_add(&ipstat.ips_cantfrag, 1);
		m_freem(m);
		error = EMSGSIZE;
	} else
		error = ip_fragment(m, ifp, nexthop, &ip, hlen);
	splx(s);
	return (error);
}

/* Put a 20-byte header in front of payload m and send it. */
int
ip_send(struct mbuf *m, int proto, struct in_addr src, struct in_addr dst,
    int flags)
{
	struct ip ip;

	if (m->m_pkthdr.len + IP_MINHLEN > IP_MAXPACKET) {
		m_freem(m);
		counter_add(&ipstat.ips_cantfrag, 1);
		return (EMSGSIZE);
	}
	M_PREPEND(m, IP_MINHLEN, M_DONTWAIT);
	if (m == NULL) {
		counter_add(&ipstat.ips_nombuf, 1);
		return (ENOBUFS);
	}
	memset(&ip, 0, sizeof(ip));
	ip.ip_vhl = IP_VHL(IPVERSION, IP_MINHLEN);
	ip.ip_ttl = IP_DEFTTL;
	ip.ip_p = proto;
	ip.ip_src = src;
	ip.ip_dst = dst;
	ip.ip_len = htons(m->m_pkthdr.len);
	memcpy(mtod(m, void *), &ip, sizeof(ip));
	return (ip_output(m, flags));
}

/*
 * A packet of len bytes (contents undefined) with lead bytes of
 * leading space for headers in its first mbuf; clusters as needed.
 */
struct mbuf *
net_getpacket(int len, int lead, int how)
{
	struct mbuf *m, *n, **np;
	int left, room;

	if ((m = m_gethdr(how, MT_DATA)) == NULL)
		return (NULL);
	if (len + lead > (int)MHLEN && m_clget(m, how) != 0) {
		m_freem(m);
		return (NULL);
	}
	m->m_data += lead;
	room = M_TRAILINGSPACE(m);
	m->m_len = MIN(len, room);
	m->m_pkthdr.len = len;
	left = len - m->m_len;
	np = &m->m_next;
	while (left > 0) {
		if ((n = m_getcl(how, MT_DATA, 0)) == NULL) {
			m_freem(m);
			return (NULL);
		}
		n->m_len = MIN(left, MCLBYTES);
		left -= n->m_len;
		*np = n;
		np = &n->m_next;
	}
	return (m);
}
