/*
 * net/icmp6.c: ICMPv6 (RFC 4443): echo, errors, and the kernel's ping6.
 *
 * What it is for: answering echo requests, telling senders why their
 * packets were dropped (Parameter Problem, Time Exceeded, Destination
 * Unreachable), handing Neighbor Discovery its messages (nd6.c), and
 * letting the kernel ping (icmp6_echo_send and a per-identifier hook).
 *
 * An echo request is answered in its own chain, as for IPv4: the IPv6
 * header and any extension headers are cut off with m_adj, the type is
 * rewritten in place, and ip6_send puts a fresh 40-byte header back
 * into the space just freed.  When the reply's source is the request's
 * destination the pseudo header sums to the same value, so the
 * checksum is updated for the changed type word alone (RFC 1624): no
 * byte is copied and the payload is not summed again.  An echo to a
 * multicast group we joined is answered too (RFC 4443 4.2), from our
 * unicast address, with the checksum computed afresh.
 *
 * An error quotes as much of the offending packet as keeps the error
 * within the minimum MTU, 1280 bytes (RFC 4443 2.4 (c)).  None is sent
 * (RFC 4443 2.4 (e)): about an ICMPv6 error or a redirect
 * (icp6s_olderr); about a packet to a multicast address or sent as
 * link-layer multicast or broadcast, except Packet Too Big and
 * Parameter Problem code 2 (icp6s_mcast); about a packet whose source
 * is unspecified or multicast (icp6s_badsrc); or beyond icmp6_errpps
 * errors in one second (icp6s_ratelim; RFC 4443 2.4 (f); icmp6errpps=
 * on the command line, 0: no limit).
 *
 * Invariants: every packet reaching icmp6_input is consumed; the
 * ICMPv6 header is read and written only by memcpy through a
 * guaranteed-contiguous region (m_datarange(9)) or mptr on it, the
 * IPv6 header through the region ip6_input recorded.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/proc.h>
#include <sys/shell.h>

#include <net/in.h>
#include <net/if.h>
#include <net/ip_var.h>
#include <net/ip6.h>
#include <net/icmp6.h>
#include <net/ip6_var.h>

#define ICMP6_NHOOKS	4
#define ICMP6_ERRPPS	100		/* default of icmp6_errpps */

struct icmp6stat icmp6stat;
int icmp6_errpps = ICMP6_ERRPPS;
static uint64_t icmp6_errwin;		/* ticks: start of the window */
static int icmp6_errcnt;		/* errors sent in it */
static int icmp6_tunables_read;

static struct {
	uint16_t		id;
	icmp6_echo_hook_t	fn;
	void			*arg;
} icmp6_hooks[ICMP6_NHOOKS];

/* Whether one more error may go in this one-second window. */
static int
icmp6_ratecheck(void)
{
	long v;

	if (!icmp6_tunables_read) {
		icmp6_tunables_read = 1;
		if (kenv_getint("icmp6errpps", &v))	/* 0..: kenv(9) */
			icmp6_errpps = v;
	}
	if (icmp6_errpps <= 0)
		return (1);
	if (ticks - icmp6_errwin >= (uint64_t)hz) {
		icmp6_errwin = ticks;
		icmp6_errcnt = 0;
	}
	if (icmp6_errcnt >= icmp6_errpps)
		return (0);
	icmp6_errcnt++;
	return (1);
}

/* Turn echo request m (headers of off bytes in front) into the reply. */
static void
icmp6_reflect(struct mbuf *m, const struct ip6_hdr *ip6, int off)
{
	struct icmp6_hdr ic;
	struct in6_addr src;
	struct ifnet *ifp = m->m_pkthdr.rcvif;
	uint8_t oldw[2], neww[2];
	uint16_t o, n, sum;
	uint32_t x;
	void *p;

	if (m->m_flags & M_MCAST) {
		if (in6_srcaddr(ifp, &ip6->ip6_src, &src) != 0) {
			counter_add(&icmp6stat.icp6s_badsrc, 1);
			m_freem(m);
			return;
		}
		counter_add(&icmp6stat.icp6s_mcastecho, 1);
	} else
		src = ip6->ip6_dst;
	if (m_datarange_rw(&m, off, ICMP6_HDRLEN, M_DONTWAIT) == NULL) {
		counter_add(&icmp6stat.icp6s_nombuf, 1);
		m_freem(m);
		return;
	}
	m_adj(m, off);			/* the headers in front */
	p = mptr_rw(m, struct icmp6_hdr *, 0);	/* the region, shifted */
	memcpy(&ic, p, sizeof(ic));
	oldw[0] = ic.icmp6_type;
	oldw[1] = ic.icmp6_code;
	ic.icmp6_type = ICMP6_ECHO_REPLY;
	ic.icmp6_code = 0;
	if (m->m_flags & M_MCAST) {
		ic.icmp6_cksum = 0;
		memcpy(p, &ic, sizeof(ic));
		sum = in_cksum_off(m, 0, m->m_pkthdr.len, in6_pseudo(&src,
		    &ip6->ip6_src, IPPROTO_ICMPV6, m->m_pkthdr.len));
		memcpy((uint8_t *)p + 2, &sum, 2);
	} else {
		/* RFC 1624 eqn. 3, in memory order as in_cksum sums. */
		neww[0] = ICMP6_ECHO_REPLY;
		neww[1] = 0;
		memcpy(&o, oldw, 2);
		memcpy(&n, neww, 2);
		x = (uint16_t)~ic.icmp6_cksum + (uint16_t)~o + n;
		x = (x & 0xffff) + (x >> 16);
		x = (x & 0xffff) + (x >> 16);
		ic.icmp6_cksum = (uint16_t)~x;
		memcpy(p, &ic, sizeof(ic));
	}
	m->m_flags &= ~(M_BCAST | M_MCAST);
	counter_add(&icmp6stat.icp6s_reflect, 1);
	icmp6stat.icp6s_outhist[ICMP6_ECHO_REPLY]++;
	ip6_send(m, IPPROTO_ICMPV6, &src, &ip6->ip6_src, 0, ifp, 0);
}

void
icmp6_input(struct mbuf *m, int off)
{
	struct ip6_hdr ip6;
	struct icmp6_hdr ic;
	int icmplen, i;
	void *p;

	icmplen = m->m_pkthdr.len - off;
	if (icmplen < ICMP6_HDRLEN) {
		counter_add(&icmp6stat.icp6s_tooshort, 1);
		goto drop;
	}
	memcpy(&ip6, mptr(m, const struct ip6_hdr *, 0), sizeof(ip6));
	if (in_cksum_off(m, off, icmplen, in6_pseudo(&ip6.ip6_src,
	    &ip6.ip6_dst, IPPROTO_ICMPV6, icmplen)) != 0) {
		counter_add(&icmp6stat.icp6s_checksum, 1);
		goto drop;
	}
	if ((p = m_datarange(&m, off, ICMP6_HDRLEN, M_DONTWAIT)) == NULL) {
		counter_add(&icmp6stat.icp6s_nombuf, 1);
		goto drop;
	}
	memcpy(&ic, p, sizeof(ic));
	icmp6stat.icp6s_inhist[ic.icmp6_type]++;

	switch (ic.icmp6_type) {
	case ICMP6_ECHO_REQUEST:
		icmp6_reflect(m, &ip6, off);
		return;
	case ICMP6_ECHO_REPLY:
		counter_add(&icmp6stat.icp6s_echoreply, 1);
		for (i = 0; i < ICMP6_NHOOKS; i++)
			if (icmp6_hooks[i].fn != NULL &&
			    icmp6_hooks[i].id == be16dec(ic.icmp6_data))
				break;
		if (i == ICMP6_NHOOKS) {
			counter_add(&icmp6stat.icp6s_nomatch, 1);
			goto drop;
		}
		m_adj(m, off);
		icmp6_hooks[i].fn(icmp6_hooks[i].arg, &ip6.ip6_src,
		    be16dec(ic.icmp6_data), be16dec(ic.icmp6_data + 2),
		    icmplen - ICMP6_HDRLEN, m);
		goto drop;
	case ND_NEIGHBOR_SOLICIT:
	case ND_NEIGHBOR_ADVERT:
		nd6_input(m, off, icmplen);
		return;
	case ND_ROUTER_SOLICIT:
	case ND_ROUTER_ADVERT:
	case ND_REDIRECT:
		counter_add(&nd6stat.nd6s_routermsg, 1);
		goto drop;
	default:
		/* RFC 4443 2.4 (a), (b): unknown ones are dropped. */
		if (ICMP6_ISERROR(ic.icmp6_type))
			counter_add(&icmp6stat.icp6s_errin, 1);
		else
			counter_add(&icmp6stat.icp6s_badtype, 1);
		goto drop;
	}
drop:
	m_freem(m);
}

/*
 * Send an ICMPv6 error about packet m (its IPv6 header in front, as it
 * arrived) back to its source; param is the pointer of a Parameter
 * Problem, the MTU of a Packet Too Big, else 0.  Always consumes m.
 */
void
icmp6_error(struct mbuf *m, int type, int code, uint32_t param)
{
	struct ip6_hdr ip6;
	struct icmp6_hdr ic;
	struct in6_addr src;
	struct ifnet *ifp = m->m_pkthdr.rcvif;
	struct mbuf *n;
	uint8_t t;
	uint16_t sum;
	int quote, up, nxt, len;
	void *p;

	if (m->m_pkthdr.len < IP6_HDRLEN) {
		counter_add(&icmp6stat.icp6s_tooshort, 1);
		goto drop;
	}
	if ((p = net_hdrptr(&m, IP6_HDRLEN, 0)) == NULL) {
		counter_add(&icmp6stat.icp6s_nombuf, 1);
		return;
	}
	memcpy(&ip6, p, sizeof(ip6));
	if (in6_is_unspecified(&ip6.ip6_src) ||
	    in6_is_multicast(&ip6.ip6_src)) {
		counter_add(&icmp6stat.icp6s_badsrc, 1);
		goto drop;
	}
	if (((m->m_flags & (M_BCAST | M_MCAST)) ||
	    in6_is_multicast(&ip6.ip6_dst)) &&
	    type != ICMP6_PACKET_TOO_BIG &&
	    !(type == ICMP6_PARAM_PROB && code == ICMP6_PARAMPROB_OPTION)) {
		counter_add(&icmp6stat.icp6s_mcast, 1);
		goto drop;
	}
	up = ip6_upperhdr(m, &nxt);
	if (up >= 0 && nxt == IPPROTO_ICMPV6 && up < m->m_pkthdr.len) {
		m_copydata(m, up, 1, &t);
		if (ICMP6_ISERROR(t) || t == ND_REDIRECT) {
			counter_add(&icmp6stat.icp6s_olderr, 1);
			goto drop;
		}
	}
	if (!icmp6_ratecheck()) {
		counter_add(&icmp6stat.icp6s_ratelim, 1);
		goto drop;
	}
	if (in6_ours(NULL, &ip6.ip6_dst))
		src = ip6.ip6_dst;
	else if (in6_srcaddr(ifp, &ip6.ip6_src, &src) != 0) {
		counter_add(&icmp6stat.icp6s_badsrc, 1);
		goto drop;
	}
	quote = MIN(m->m_pkthdr.len, IPV6_MMTU - IP6_HDRLEN - ICMP6_HDRLEN);
	len = ICMP6_HDRLEN + quote;
	/* One cluster at most (len + 64 < MCLBYTES): flat. */
	if ((n = net_getpacket(len, 64, M_DONTWAIT)) == NULL) {
		counter_add(&icmp6stat.icp6s_nombuf, 1);
		goto drop;
	}
	memset(&ic, 0, sizeof(ic));
	ic.icmp6_type = type;
	ic.icmp6_code = code;
	be32enc(ic.icmp6_data, param);
	memcpy(mtod(n, void *), &ic, sizeof(ic));
	m_copydata(m, 0, quote, mtod(n, uint8_t *) + ICMP6_HDRLEN);
	sum = in_cksum_off(n, 0, len, in6_pseudo(&src, &ip6.ip6_src,
	    IPPROTO_ICMPV6, len));
	memcpy(mtod(n, uint8_t *) + 2, &sum, 2);
	m_freem(m);
	counter_add(&icmp6stat.icp6s_error, 1);
	icmp6stat.icp6s_outhist[type]++;
	ip6_send(n, IPPROTO_ICMPV6, &src, &ip6.ip6_src, 0, ifp, 0);
	return;
drop:
	m_freem(m);
}

/* An echo request with datalen bytes of pattern (byte i is i & 0xff). */
int
icmp6_echo_send(const struct in6_addr *dst, uint16_t id, uint16_t seq,
    int datalen)
{
	struct icmp6_hdr ic;
	struct in6_addr src;
	struct mbuf *m, *n;
	uint16_t sum;
	int i, k, error;

	if (datalen < 0 || datalen > IP6_MAXPACKET - ICMP6_HDRLEN)
		return (EMSGSIZE);
	if ((error = in6_srcaddr(NULL, dst, &src)) != 0)
		return (error);
	m = net_getpacket(ICMP6_HDRLEN + datalen, 64, M_DONTWAIT);
	if (m == NULL) {
		counter_add(&icmp6stat.icp6s_nombuf, 1);
		return (ENOBUFS);
	}
	memset(&ic, 0, sizeof(ic));
	ic.icmp6_type = ICMP6_ECHO_REQUEST;
	be16enc(ic.icmp6_data, id);
	be16enc(ic.icmp6_data + 2, seq);
	memcpy(mtod(m, void *), &ic, sizeof(ic));
	for (n = m, k = -ICMP6_HDRLEN; n != NULL; n = n->m_next)
		for (i = 0; i < n->m_len; i++, k++)
			if (k >= 0)
				mtod(n, uint8_t *)[i] = k & 0xff;
	sum = in_cksum_off(m, 0, m->m_pkthdr.len, in6_pseudo(&src, dst,
	    IPPROTO_ICMPV6, m->m_pkthdr.len));
	memcpy(mtod(m, uint8_t *) + 2, &sum, 2);
	icmp6stat.icp6s_outhist[ICMP6_ECHO_REQUEST]++;
	return (ip6_send(m, IPPROTO_ICMPV6, &src, dst, 0, NULL, 0));
}

int
icmp6_echo_hook_set(uint16_t id, icmp6_echo_hook_t fn, void *arg)
{
	int i, s;

	s = splnet();
	for (i = 0; i < ICMP6_NHOOKS; i++)
		if (icmp6_hooks[i].fn == NULL) {
			icmp6_hooks[i].id = id;
			icmp6_hooks[i].arg = arg;
			icmp6_hooks[i].fn = fn;
			splx(s);
			return (0);
		}
	splx(s);
	return (EBUSY);
}

void
icmp6_echo_hook_clear(uint16_t id)
{
	int i, s;

	s = splnet();
	for (i = 0; i < ICMP6_NHOOKS; i++)
		if (icmp6_hooks[i].fn != NULL && icmp6_hooks[i].id == id)
			icmp6_hooks[i].fn = NULL;
	splx(s);
}

/*
 * ping6 ADDR [count] [size], from the kernel.
 */
#define PING6_MAXSEQ	64

struct ping6_state {
	uint64_t	sent[PING6_MAXSEQ];	/* nanouptime at send */
	uint64_t	rtt[PING6_MAXSEQ];	/* 0: no reply yet */
	int		badlen;
	int		baddata;
	int		expect;
};

static int
ping6_check_cb(void *arg, caddr_t data, u_int len)
{
	int *k = arg;
	u_int i;

	for (i = 0; i < len; i++, (*k)++)
		if (*k >= 0 && (uint8_t)data[i] != (*k & 0xff))
			return (1);
	return (0);
}

static void
ping6_hook(void *arg, const struct in6_addr *src, uint16_t id, uint16_t seq,
    int len, struct mbuf *m)
{
	struct ping6_state *ps = arg;
	int k = -ICMP6_HDRLEN;

	if (seq >= PING6_MAXSEQ || ps->sent[seq] == 0 || ps->rtt[seq] != 0)
		return;
	if (len != ps->expect)
		ps->badlen++;
	else if (m_apply(m, 0, m->m_pkthdr.len, ping6_check_cb, &k) != 0)
		ps->baddata++;
	ps->rtt[seq] = nanouptime() - ps->sent[seq];
	if (ps->rtt[seq] == 0)
		ps->rtt[seq] = 1;
	wakeup(ps);
}

/*
 * Send count echo requests of size data bytes to dst, each after the
 * previous one's reply (or two seconds without one: the first may wait
 * for Neighbor Discovery) and gap ticks more.  Returns the number of
 * replies, -1 when one was wrong.
 */
int
ping6_run(const struct in6_addr *dst, int count, int size, int gap,
    int verbose)
{
	static struct ping6_state ps;
	char a[INET6_ADDRSTRLEN];
	uint64_t min = ~0ULL, max = 0, sum = 0, deadline, us;
	uint16_t id = kern_random() & 0xffff;
	int seq, got = 0, error, s;

	if (count > PING6_MAXSEQ)
		count = PING6_MAXSEQ;
	memset(&ps, 0, sizeof(ps));
	ps.expect = size;
	if (icmp6_echo_hook_set(id, ping6_hook, &ps) != 0)
		return (-1);
	in6_fmt(dst, a);
	if (verbose)
		printf("PING6 %s: %d data bytes\n", a, size);
	for (seq = 0; seq < count; seq++) {
		ps.sent[seq] = nanouptime();
		if ((error = icmp6_echo_send(dst, id, seq, size)) != 0 &&
		    verbose)
			printf("ping6: send: error %d\n", error);
		deadline = ticks + 2 * hz;
		s = net_lock();		/* the reply is set under it */
		while (ps.rtt[seq] == 0 && ticks < deadline)
			tsleep(&ps, 0, "ping6", deadline - ticks);
		net_unlock(s);
		if (ps.rtt[seq] != 0) {
			us = ps.rtt[seq] / 1000;
			got++;
			sum += us;
			min = MIN(min, us);
			max = MAX(max, us);
			if (verbose)
				printf("%d bytes from %s: icmp_seq=%d "
				    "time=%llu.%03llu ms\n", size +
				    ICMP6_HDRLEN, a, seq,
				    (unsigned long long)(us / 1000),
				    (unsigned long long)(us % 1000));
		} else if (verbose)
			printf("Request timeout for icmp_seq %d\n", seq);
		if (seq + 1 < count && ps.rtt[seq] != 0 && gap > 0)
			tsleep(&ps.expect, 0, "ping6wait", gap);
	}
	icmp6_echo_hook_clear(id);
	if (verbose) {
		printf("--- %s ping6 statistics ---\n", a);
		printf("%d packets transmitted, %d packets received, "
		    "%d%% packet loss\n", count, got,
		    (count - got) * 100 / count);
		if (got > 0)
			printf("round-trip min/avg/max = %llu.%03llu/"
			    "%llu.%03llu/%llu.%03llu ms\n",
			    (unsigned long long)(min / 1000),
			    (unsigned long long)(min % 1000),
			    (unsigned long long)(sum / got / 1000),
			    (unsigned long long)(sum / got % 1000),
			    (unsigned long long)(max / 1000),
			    (unsigned long long)(max % 1000));
		if (ps.badlen || ps.baddata)
			printf("ping6: %d replies of the wrong length, %d "
			    "with wrong data\n", ps.badlen, ps.baddata);
	}
	return (ps.badlen || ps.baddata ? -1 : got);
}

SHELL_CMD(ping6, "ping6 ADDR [count] [size]: ICMPv6 echo from the kernel")
{
	struct in6_addr dst;
	long count = 4, size = 56;

	if (argc < 2 || in6_parse(argv[1], &dst) != 0) {
		printf("usage: ping6 ADDR [count] [size]\n");
		return (-1);
	}
	if (argc > 2)
		count = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		size = strtoul(argv[3], NULL, 10);
	if (count < 1 || count > PING6_MAXSEQ || size < 0 ||
	    size > IP6_MAXPACKET - ICMP6_HDRLEN) {
		printf("ping6: count 1..%d, size 0..%d\n", PING6_MAXSEQ,
		    IP6_MAXPACKET - ICMP6_HDRLEN);
		return (-1);
	}
	return (ping6_run(&dst, count, size, hz / 5, 1) > 0 ? 0 : -1);
}
