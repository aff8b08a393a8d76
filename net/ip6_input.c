/*
 * net/ip6_input.c: IPv6 input (RFC 8200) and its extension headers.
 *
 * What it is for: deciding whether a packet an interface hands up is a
 * well-formed IPv6 packet for this host, walking its chain of extension
 * headers, and giving what follows them to ICMPv6 or UDP.  This is the
 * job m_pulldown(9) was written for: an extension header sits at an
 * offset known only once the ones before it are read, so each is made
 * contiguous where it lies, with m_pulldown, and read there.
 *
 * The checks, each failure with its own counter in struct ip6stat:
 * shorter than the header (ip6s_toosmall), version (ip6s_badvers),
 * payload length past the frame (ip6s_tooshort; a longer frame is link
 * padding and is trimmed, ip6s_trimmed), a multicast source
 * (ip6s_badsrc), ::1 on a real link (ip6s_badscope), not one of our
 * addresses or groups (ip6s_notforus).  Then the chain, header by
 * header, at most ip6_maxexthdrs headers (ip6s_toomanyhdr) of at most
 * ip6_maxextlen bytes in all (ip6s_hdrtoolong), none past the packet
 * (ip6s_exthdrshort):
 *   - hop-by-hop options only right after the IPv6 header, else
 *     Parameter Problem code 1 (ip6s_hbhnotfirst, RFC 8200 4.1);
 *   - hop-by-hop and destination options: Pad1 and PadN skipped
 *     (together at most 7 bytes of padding, PadN all zero: RFC 4942
 *     2.1.9.5, ip6s_badpad), every other option unknown and handled by
 *     its two high bits (RFC 8200 4.2): skip, discard
 *     (ip6s_optdiscard), discard and Parameter Problem code 2
 *     (ip6s_opticmp), the same unless the destination is multicast;
 *     an option running past its header is dropped (ip6s_badopt);
 *   - routing: segments left 0 is skipped (ip6s_rtskip); otherwise this
 *     host (which forwards nothing) knows no routing type, so Parameter
 *     Problem code 0 at the type (RFC 8200 4.4), type 0 counted apart
 *     (ip6s_rthdr0, RFC 5095 3);
 *   - fragment: offset 0 without more fragments is an atomic fragment,
 *     processed as the whole packet it is (ip6s_atomicfrag, RFC 6946);
 *     else a first fragment must hold the whole header chain (RFC 7112,
 *     Parameter Problem code 3, ip6s_fragchain) and the fragment goes
 *     to ip6_reass; a completed datagram resumes the walk;
 *   - ICMPv6 and UDP are delivered; no next header (59) ends the packet
 *     (ip6s_nonxt); anything else gets Parameter Problem code 1 at the
 *     next header field that named it (ip6s_noproto).
 *
 * Invariants: the IPv6 header [0, 40) is a guaranteed-contiguous region
 * (net_hdrptr, m_datarange(9)) from the first check on, so ICMPv6, UDP
 * and icmp6_error read it again with mptr; every other header is read
 * by memcpy out of the contiguous span m_pulldown returns, never
 * through a cast; a packet leaving ip6_input has been freed and
 * counted, queued for reassembly, or handed to a protocol that owns it,
 * with m_pkthdr.len = 40 + payload length.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>

#include <net/in.h>
#include <net/if.h>
#include <net/ip6.h>
#include <net/ip6_var.h>

#define IP6_MAXEXTHDRS	8		/* default of ip6_maxexthdrs */
#define IP6_MAXEXTLEN	1024		/* default of ip6_maxextlen */

struct ip6stat ip6stat;
int ip6_maxexthdrs = IP6_MAXEXTHDRS;
int ip6_maxextlen = IP6_MAXEXTLEN;

void
ip6_init(void)
{
	long v;

	/* kenv(9) keeps them in 1..64 and 8..65535. */
	if (kenv_getint("ip6maxexthdrs", &v))
		ip6_maxexthdrs = v;
	if (kenv_getint("ip6maxextlen", &v))
		ip6_maxextlen = v;
	ip6_reass_init();
	nd6_init();
	in6_configure();
}

/* Sum of the IPv6 pseudo header (RFC 8200 8.1), memory order. */
uint32_t
in6_pseudo(const struct in6_addr *src, const struct in6_addr *dst,
    int proto, uint32_t len)
{
	uint8_t ph[40];

	memcpy(ph, src, 16);
	memcpy(ph + 16, dst, 16);
	be32enc(ph + 32, len);
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = proto;
	return (in_cksum_sum(ph, sizeof(ph)));
}

static int
ip6_is_ext(int nxt)
{
	return (nxt == IPPROTO_HOPOPTS || nxt == IPPROTO_DSTOPTS ||
	    nxt == IPPROTO_ROUTING || nxt == IPPROTO_FRAGMENT);
}

/*
 * Where the chain starting with header nxt at off ends: the offset of
 * the first header that is not an extension header (its type in
 * *nxtp), or -1 when the chain passes the end of the packet or the
 * limits, or (*nxtp IPPROTO_FRAGMENT) meets a fragment other than the
 * first.  A peek: two bytes copied per header, nothing rearranged.
 */
static int
ip6_chain_end(struct mbuf *m, int off, int nxt, int *nxtp)
{
	uint8_t b[4];
	int n = 0, start = off;

	while (ip6_is_ext(nxt)) {
		if (++n > ip6_maxexthdrs || off + 8 > m->m_pkthdr.len)
			return (-1);
		m_copydata(m, off, 4, b);
		if (nxt == IPPROTO_FRAGMENT && (be16dec(b + 2) &
		    IP6F_OFF_MASK) != 0) {
			*nxtp = IPPROTO_FRAGMENT;
			return (-1);
		}
		off += nxt == IPPROTO_FRAGMENT ? 8 : (b[1] + 1) * 8;
		if (off - start > ip6_maxextlen || off > m->m_pkthdr.len)
			return (-1);
		nxt = b[0];
	}
	*nxtp = nxt;
	return (off);
}

/* The upper-layer header of packet m (IPv6 header in front). */
int
ip6_upperhdr(struct mbuf *m, int *nxtp)
{
	uint8_t nxt;

	if (m->m_pkthdr.len < IP6_HDRLEN)
		return (-1);
	m_copydata(m, 6, 1, &nxt);
	*nxtp = nxt;
	return (ip6_chain_end(m, IP6_HDRLEN, nxt, nxtp));
}

/*
 * Options of a hop-by-hop or destination options header, hlen bytes
 * at p (offset off in m).  0: go on; -1: m was consumed.
 */
static int
ip6_options(struct mbuf *m, const uint8_t *p, int off, int hlen)
{
	int i = 2, pad = 0, k, olen, t;

	while (i < hlen) {
		t = p[i];
		if (t == IP6OPT_PAD1) {
			if (++pad > 7)
				goto badpad;
			i++;
			continue;
		}
		if (i + 2 > hlen || i + 2 + p[i + 1] > hlen) {
			counter_add(&ip6stat.ip6s_badopt, 1);
			goto drop;
		}
		olen = 2 + p[i + 1];
		if (t == IP6OPT_PADN) {
			if ((pad += olen) > 7)
				goto badpad;
			for (k = 2; k < olen; k++)
				if (p[i + k] != 0)
					goto badpad;
			i += olen;
			continue;
		}
		pad = 0;
		switch (IP6OPT_ACTION(t)) {
		case IP6OPT_SKIP:
			break;
		case IP6OPT_ICMP_UCAST:
			if (m->m_flags & M_MCAST) {
				counter_add(&ip6stat.ip6s_optdiscard, 1);
				goto drop;
			}
			/* FALLTHROUGH */
		case IP6OPT_ICMP:
			counter_add(&ip6stat.ip6s_opticmp, 1);
			icmp6_error(m, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_OPTION,
			    off + i);
			return (-1);
		default:
			counter_add(&ip6stat.ip6s_optdiscard, 1);
			goto drop;
		}
		i += olen;
	}
	return (0);
badpad:
	counter_add(&ip6stat.ip6s_badpad, 1);
drop:
	m_freem(m);
	return (-1);
}

/*
 * The walk: header nxt at off, named by the byte at nxtoff.  Consumes
 * m.
 */
static void
ip6_walk(struct mbuf *m, int off, int nxt, int nxtoff)
{
	struct ip6_ext e;
	struct ip6_rthdr rh;
	struct ip6_frag fh;
	struct mbuf *n;
	const uint8_t *p;
	int nhdr = 0, hlen, o, end, unxt;

	for (;;) {
		switch (nxt) {
		case IPPROTO_HOPOPTS:
			if (off != IP6_HDRLEN) {
				counter_add(&ip6stat.ip6s_hbhnotfirst, 1);
				icmp6_error(m, ICMP6_PARAM_PROB,
				    ICMP6_PARAMPROB_NEXTHDR, nxtoff);
				return;
			}
			break;
		case IPPROTO_DSTOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_FRAGMENT:
			break;
		case IPPROTO_ICMPV6:
			counter_add(&ip6stat.ip6s_delivered, 1);
			icmp6_input(m, off);
			return;
		case IPPROTO_UDP:
			counter_add(&ip6stat.ip6s_delivered, 1);
			udp6_input(m, off);
			return;
		case IPPROTO_NONE:
			counter_add(&ip6stat.ip6s_nonxt, 1);
			goto drop;
		default:
			counter_add(&ip6stat.ip6s_noproto, 1);
			icmp6_error(m, ICMP6_PARAM_PROB,
			    ICMP6_PARAMPROB_NEXTHDR, nxtoff);
			return;
		}
		counter_add(&ip6stat.ip6s_exthdrs, 1);
		if (++nhdr > ip6_maxexthdrs) {
			counter_add(&ip6stat.ip6s_toomanyhdr, 1);
			goto drop;
		}
		/* Every extension header is at least 8 bytes. */
		if (off + 8 > m->m_pkthdr.len) {
			counter_add(&ip6stat.ip6s_exthdrshort, 1);
			goto drop;
		}
		if ((n = m_pulldown(m, off, 8, &o)) == NULL) {
			counter_add(&ip6stat.ip6s_nombuf, 1);
			return;
		}
		p = mtod(n, const uint8_t *) + o;
		memcpy(&e, p, sizeof(e));
		hlen = nxt == IPPROTO_FRAGMENT ? 8 : (e.ip6e_len + 1) * 8;
		if (off + hlen > m->m_pkthdr.len) {
			counter_add(&ip6stat.ip6s_exthdrshort, 1);
			goto drop;
		}
		if (off + hlen - IP6_HDRLEN > ip6_maxextlen) {
			counter_add(&ip6stat.ip6s_hdrtoolong, 1);
			goto drop;
		}
		switch (nxt) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_DSTOPTS:
			if (hlen > 8) {
				if ((n = m_pulldown(m, off, hlen, &o)) ==
				    NULL) {
					counter_add(&ip6stat.ip6s_nombuf, 1);
					return;
				}
				p = mtod(n, const uint8_t *) + o;
			}
			if (ip6_options(m, p, off, hlen) != 0)
				return;
			break;
		case IPPROTO_ROUTING:
			memcpy(&rh, p, sizeof(rh));
			if (rh.ip6r_segleft == 0) {
				counter_add(&ip6stat.ip6s_rtskip, 1);
				break;
			}
			counter_add(rh.ip6r_type == 0 ? &ip6stat.ip6s_rthdr0 :
			    &ip6stat.ip6s_badrthdr, 1);
			icmp6_error(m, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER,
			    off + 2);
			return;
		case IPPROTO_FRAGMENT:
			memcpy(&fh, p, sizeof(fh));
			counter_add(&ip6stat.ip6s_fragments, 1);
			if ((ntohs(fh.ip6f_offlg) & (IP6F_OFF_MASK |
			    IP6F_MORE_FRAG)) == 0) {
				counter_add(&ip6stat.ip6s_atomicfrag, 1);
				break;
			}
			if ((ntohs(fh.ip6f_offlg) & IP6F_OFF_MASK) == 0) {
				end = ip6_chain_end(m, off + 8, fh.ip6f_nxt,
				    &unxt);
				if (end < 0 || (unxt == IPPROTO_UDP &&
				    end + 8 > m->m_pkthdr.len) ||
				    (unxt == IPPROTO_ICMPV6 &&
				    end + 4 > m->m_pkthdr.len)) {
					counter_add(&ip6stat.ip6s_fragchain, 1);
					icmp6_error(m, ICMP6_PARAM_PROB,
					    ICMP6_PARAMPROB_FIRSTFRAG, 0);
					return;
				}
			}
			m = ip6_reass(m, &fh, &off, &nxtoff, &nxt);
			if (m == NULL)
				return;
			/* Whole, its fragment header gone: on at off. */
			if (net_hdrptr(&m, IP6_HDRLEN, 0) == NULL) {
				counter_add(&ip6stat.ip6s_nombuf, 1);
				return;
			}
			continue;
		}
		nxtoff = off;
		nxt = e.ip6e_nxt;
		off += hlen;
	}
drop:
	m_freem(m);
}

void
ip6_input(struct ifnet *ifp, struct mbuf *m)
{
	struct ip6_hdr ip6;
	int plen;
	void *p;

	counter_add(&ip6stat.ip6s_total, 1);
	if (m->m_pkthdr.len < IP6_HDRLEN) {
		counter_add(&ip6stat.ip6s_toosmall, 1);
		goto bad;
	}
	if ((p = net_hdrptr(&m, IP6_HDRLEN, 0)) == NULL) {
		counter_add(&ip6stat.ip6s_nombuf, 1);
		return;
	}
	memcpy(&ip6, p, sizeof(ip6));
	if ((ntohl(ip6.ip6_flow) >> 28) != IPV6_VERSION) {
		counter_add(&ip6stat.ip6s_badvers, 1);
		goto bad;
	}
	plen = ntohs(ip6.ip6_plen);
	if (IP6_HDRLEN + plen > m->m_pkthdr.len) {
		counter_add(&ip6stat.ip6s_tooshort, 1);
		goto bad;
	}
	if (m->m_pkthdr.len > IP6_HDRLEN + plen) {
		counter_add(&ip6stat.ip6s_trimmed, 1);
		m_adj(m, IP6_HDRLEN + plen - m->m_pkthdr.len);
	}
	if (in6_is_multicast(&ip6.ip6_src)) {
		counter_add(&ip6stat.ip6s_badsrc, 1);
		goto bad;
	}
	if ((in6_is_loopback(&ip6.ip6_src) ||
	    in6_is_loopback(&ip6.ip6_dst)) &&
	    (ifp->if_flags & IFF_LOOPBACK) == 0) {
		counter_add(&ip6stat.ip6s_badscope, 1);
		goto bad;
	}
	if (in6_is_multicast(&ip6.ip6_dst)) {
		if (!in6_mcast_joined(ifp, &ip6.ip6_dst)) {
			counter_add(&ip6stat.ip6s_notforus, 1);
			goto bad;
		}
		m->m_flags |= M_MCAST;
	} else if (!in6_ours(ifp, &ip6.ip6_dst)) {
		counter_add(&ip6stat.ip6s_notforus, 1);
		goto bad;
	}
	m->m_pkthdr.rcvif = ifp;
	ip6_walk(m, IP6_HDRLEN, ip6.ip6_nxt, 6);
	return;
bad:
	m_freem(m);
}
