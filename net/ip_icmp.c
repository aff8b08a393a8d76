/*
 * net/ip_icmp.c: ICMP (RFC 792): echo, errors, and the kernel's ping.
 *
 * What it is for: answering echo requests, telling senders why their
 * packets were dropped (unreachable, time exceeded), and letting the
 * kernel itself ping (icmp_echo_send plus a per-identifier hook that
 * receives the replies).
 *
 * An echo request is answered in its own chain: the IP header (and any
 * options) is cut off with m_adj, the ICMP type and checksum rewritten
 * in place, and a fresh 20-byte header put back with M_PREPEND into the
 * space just freed, so a reply costs no allocation and no copy.  An
 * error quotes the offending IP header and the first 8 bytes of its
 * data (RFC 792) in a new packet; no error is sent about an ICMP error,
 * a fragment other than the first, or a broadcast or multicast packet
 * (RFC 1122 3.2.2).
 *
 * Invariants: every packet reaching icmp_input is consumed (replied,
 * given to a hook and freed, or freed with a counter); the ICMP header
 * is read and written only by memcpy through the guaranteed-contiguous
 * region net_hdrptr records (m_datarange(9)) or mptr on it.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/proc.h>
#include <sys/shell.h>

#include <net/in.h>
#include <net/ip.h>
#include <net/icmp.h>
#include <net/if.h>
#include <net/ip_var.h>

#define ICMP_NHOOKS	4

struct icmpstat icmpstat;

static struct {
	uint16_t		id;
	icmp_echo_hook_t	fn;
	void			*arg;
} icmp_hooks[ICMP_NHOOKS];


/* Turn an echo request (IP header of hlen in front) into the reply. */
static void
icmp_reflect(struct mbuf *m, const struct ip *oip, int hlen)
{
	struct icmp ic;
	uint16_t sum;
	void *p;

	if ((p = net_hdrptr(&m, hlen + ICMP_MINLEN, 1)) == NULL) {
		counter_add(&icmpstat.icps_nombuf, 1);
		return;
	}
	m_adj(m, hlen);			/* the old header and its options */
	p = mptr_rw(m, struct icmp *, 0);	/* the region, shifted */
	memcpy(&ic, p, sizeof(ic));
	ic.icmp_type = ICMP_ECHOREPLY;
	ic.icmp_code = 0;
	ic.icmp_cksum = 0;
	memcpy(p, &ic, sizeof(ic));
	sum = (uint16_t)in_cksum(m, m->m_pkthdr.len);
	memcpy((uint8_t *)p + 2, &sum, 2);

	m->m_flags &= ~(M_BCAST | M_MCAST);
	/* The header goes back into the space just freed; counted once sent. */
	if (ip_send(m, IPPROTO_ICMP, oip->ip_dst, oip->ip_src, 0) == 0) {
		counter_add(&icmpstat.icps_reflect, 1);
		counter_add(&icmpstat.icps_outhist[ICMP_ECHOREPLY], 1);
	}
}

void
icmp_input(struct mbuf *m, int hlen)
{
	struct icmp ic;
	struct ip ip;
	int icmplen, i;
	void *p;

	icmplen = m->m_pkthdr.len - hlen;
	if (icmplen < ICMP_MINLEN) {
		counter_add(&icmpstat.icps_tooshort, 1);
		goto drop;
	}
	if (in_cksum_skip(m, icmplen, hlen) != 0) {
		counter_add(&icmpstat.icps_checksum, 1);
		goto drop;
	}
	if ((p = net_hdrptr(&m, hlen + ICMP_MINLEN, 0)) == NULL) {
		counter_add(&icmpstat.icps_nombuf, 1);
		return;
	}
	memcpy(&ip, p, sizeof(ip));
	memcpy(&ic, (uint8_t *)p + hlen, sizeof(ic));
	if (ic.icmp_type <= ICMP_MAXTYPE)
		icmpstat.icps_inhist[ic.icmp_type]++;

	switch (ic.icmp_type) {
	case ICMP_ECHO:
		if ((m->m_flags & (M_BCAST | M_MCAST)) ||
		    IN_MULTICAST(ntohl(ip.ip_dst.s_addr))) {
			counter_add(&icmpstat.icps_bmcastecho, 1);
			goto drop;
		}
		icmp_reflect(m, &ip, hlen);
		return;
	case ICMP_ECHOREPLY:
		counter_add(&icmpstat.icps_echoreply, 1);
		for (i = 0; i < ICMP_NHOOKS; i++)
			if (icmp_hooks[i].fn != NULL &&
			    icmp_hooks[i].id == ntohs(ic.icmp_id))
				break;
		if (i == ICMP_NHOOKS) {
			counter_add(&icmpstat.icps_nomatch, 1);
			goto drop;
		}
		m_adj(m, hlen);
		icmp_hooks[i].fn(icmp_hooks[i].arg, ip.ip_src,
		    ntohs(ic.icmp_id), ntohs(ic.icmp_seq),
		    icmplen - ICMP_MINLEN, m);
		goto drop;
	case ICMP_UNREACH:
		counter_add(&icmpstat.icps_unreach, 1);
		goto drop;
	case ICMP_TIMXCEED:
		counter_add(&icmpstat.icps_timxceed, 1);
		goto drop;
	default:
		counter_add(&icmpstat.icps_badtype, 1);
		goto drop;
	}
drop:
	m_freem(m);
}

/*
 * Send an ICMP error about packet m (its IP header in front, as it
 * arrived) back to its source.  Always consumes m.
 */
void
icmp_error(struct mbuf *m, int type, int code)
{
	struct ip ip;
	struct icmp ic;
	struct mbuf *n;
	struct in_addr src;
	uint8_t itype;
	int hlen, quote;
	uint16_t sum;
	void *p;

	if (m->m_pkthdr.len < IP_MINHLEN) {
		counter_add(&icmpstat.icps_errshort, 1);
		m_freem(m);
		return;
	}
	if ((p = net_hdrptr(&m, IP_MINHLEN, 0)) == NULL) {
		counter_add(&icmpstat.icps_nombuf, 1);
		return;
	}
	memcpy(&ip, p, sizeof(ip));
	hlen = IP_HL(ip.ip_vhl);
	if (ntohs(ip.ip_off) & IP_OFFMASK) {
		counter_add(&icmpstat.icps_oldfrag, 1);
		goto drop;
	}
	if ((m->m_flags & (M_BCAST | M_MCAST)) ||
	    IN_MULTICAST(ntohl(ip.ip_dst.s_addr)) ||
	    ip.ip_src.s_addr == 0 || in_broadcast(ip.ip_src, NULL) ||
	    IN_MULTICAST(ntohl(ip.ip_src.s_addr))) {
		counter_add(&icmpstat.icps_bmcast, 1);
		goto drop;
	}
	if (ip.ip_p == IPPROTO_ICMP && m->m_pkthdr.len >= hlen + 1) {
		if ((p = net_hdrptr(&m, hlen + 1, 0)) == NULL) {
			counter_add(&icmpstat.icps_nombuf, 1);
			return;
		}
		itype = ((const uint8_t *)p)[hlen];
		if (icmp_is_error(itype) || itype > ICMP_MAXTYPE) {
			counter_add(&icmpstat.icps_oldicmp, 1);
			goto drop;
		}
	}
	quote = MIN(m->m_pkthdr.len, hlen + 8);
	if ((n = m_gethdr(M_DONTWAIT, MT_HEADER)) == NULL) {
		counter_add(&icmpstat.icps_nombuf, 1);
		goto drop;
	}
	MH_ALIGN(n, ICMP_MINLEN + quote);
	n->m_len = n->m_pkthdr.len = ICMP_MINLEN + quote;
	memset(&ic, 0, sizeof(ic));
	ic.icmp_type = type;
	ic.icmp_code = code;
	memcpy(mtod(n, void *), &ic, sizeof(ic));
	m_copydata(m, 0, quote, mtod(n, uint8_t *) + ICMP_MINLEN);
	sum = (uint16_t)in_cksum(n, n->m_len);
	memcpy(mtod(n, uint8_t *) + 2, &sum, 2);
	m_freem(m);
	counter_add(&icmpstat.icps_error, 1);
	if (type <= ICMP_MAXTYPE)
		icmpstat.icps_outhist[type]++;
	src = ifa_ifwithaddr(ip.ip_dst) != NULL ? ip.ip_dst :
	    ip_srcaddr(ip.ip_src);
	ip_send(n, IPPROTO_ICMP, src, ip.ip_src, 0);
	return;
drop:
	m_freem(m);
}

/* Send an echo request with datalen bytes of pattern after the header. */
int
icmp_echo_send(struct in_addr dst, uint16_t id, uint16_t seq, int datalen)
{
	struct mbuf *m, *n;
	struct icmp ic;
	uint16_t sum;
	int i, k;

	if (datalen < 0 || datalen > IP_MAXPACKET - IP_MINHLEN - ICMP_MINLEN)
		return (EMSGSIZE);
	m = net_getpacket(ICMP_MINLEN + datalen, 64, M_DONTWAIT);
	if (m == NULL) {
		counter_add(&icmpstat.icps_nombuf, 1);
		return (ENOBUFS);
	}
	memset(&ic, 0, sizeof(ic));
	ic.icmp_type = ICMP_ECHO;
	ic.icmp_id = htons(id);
	ic.icmp_seq = htons(seq);
	memcpy(mtod(m, void *), &ic, sizeof(ic));
	/* The pattern: byte i of the data is i & 0xff. */
	for (n = m, k = -ICMP_MINLEN; n != NULL; n = n->m_next)
		for (i = 0; i < n->m_len; i++, k++)
			if (k >= 0)
				mtod(n, uint8_t *)[i] = k & 0xff;
	sum = (uint16_t)in_cksum(m, m->m_pkthdr.len);
	memcpy(mtod(m, uint8_t *) + 2, &sum, 2);
	icmpstat.icps_outhist[ICMP_ECHO]++;
	return (ip_send(m, IPPROTO_ICMP, ip_srcaddr(dst), dst, 0));
}

int
icmp_echo_hook_set(uint16_t id, icmp_echo_hook_t fn, void *arg)
{
	int i, s;

	s = splnet();
	for (i = 0; i < ICMP_NHOOKS; i++)
		if (icmp_hooks[i].fn == NULL) {
			icmp_hooks[i].id = id;
			icmp_hooks[i].arg = arg;
			icmp_hooks[i].fn = fn;
			splx(s);
			return (0);
		}
	splx(s);
	return (EBUSY);
}

void
icmp_echo_hook_clear(uint16_t id)
{
	int i, s;

	s = splnet();
	for (i = 0; i < ICMP_NHOOKS; i++)
		if (icmp_hooks[i].fn != NULL && icmp_hooks[i].id == id)
			icmp_hooks[i].fn = NULL;
	splx(s);
}

/*
 * ping ADDR [count] [size], from the kernel.
 */
#define PING_MAXSEQ	64

struct ping_state {
	uint64_t	sent[PING_MAXSEQ];	/* nanouptime at send */
	uint64_t	rtt[PING_MAXSEQ];	/* 0: no reply yet */
	struct in_addr	dst;			/* whom we ping */
	uint16_t	id;			/* our identifier */
	int		badlen;
	int		baddata;
	int		badsrc;			/* replies not from dst */
	int		expect;
};

static int
ping_check_cb(void *arg, caddr_t data, u_int len)
{
	int *k = arg;
	u_int i;

	for (i = 0; i < len; i++, (*k)++)
		if (*k >= 0 && (uint8_t)data[i] != (*k & 0xff))
			return (1);
	return (0);
}

static void
ping_hook(void *arg, struct in_addr src, uint16_t id, uint16_t seq, int len,
    struct mbuf *m)
{
	struct ping_state *ps = arg;
	int k = -ICMP_MINLEN;

	/* Only dst's answer to our identifier is a reply (not a forgery). */
	if (src.s_addr != ps->dst.s_addr || id != ps->id) {
		ps->badsrc++;
		return;
	}
	if (seq >= PING_MAXSEQ || ps->sent[seq] == 0 || ps->rtt[seq] != 0)
		return;
	if (len != ps->expect)
		ps->badlen++;
	else if (m_apply(m, 0, m->m_pkthdr.len, ping_check_cb, &k) != 0)
		ps->baddata++;
	ps->rtt[seq] = nanouptime() - ps->sent[seq];
	if (ps->rtt[seq] == 0)
		ps->rtt[seq] = 1;
	wakeup(ps);
}

int	ping_run(struct in_addr dst, int count, int size, int gap,
	    int verbose);
/* How long ping waits for each reply, ms (the self-tests shorten it). */
int	ping_wait_ms = 1000;

/*
 * Send count echo requests of size data bytes to dst, each after the
 * previous one's reply (or ping_wait_ms without one) and gap ticks more.
 * Returns the number of replies received, -1 when one was wrong.
 */
int
ping_run(struct in_addr dst, int count, int size, int gap, int verbose)
{
	static struct ping_state ps;
	char a[INET_ADDRSTRLEN];
	uint64_t min = ~0ULL, max = 0, sum = 0, deadline;
	uint16_t id = kern_random() & 0xffff;
	int seq, got = 0, error, s;

	if (count > PING_MAXSEQ)
		count = PING_MAXSEQ;
	memset(&ps, 0, sizeof(ps));
	ps.expect = size;
	ps.dst = dst;
	ps.id = id;
	if (icmp_echo_hook_set(id, ping_hook, &ps) != 0)
		return (-1);
	if (verbose)
		printf("PING %s: %d data bytes\n", inet_fmt(dst, a), size);
	for (seq = 0; seq < count; seq++) {
		ps.sent[seq] = nanouptime();
		if ((error = icmp_echo_send(dst, id, seq, size)) != 0) {
			if (verbose)
				printf("ping: send: error %d\n", error);
		}
		deadline = ticks + MAX(1, ping_wait_ms * hz / 1000);
		s = net_lock();		/* the reply is set under it */
		while (ps.rtt[seq] == 0 && ticks < deadline)
			tsleep(&ps, 0, "ping", deadline - ticks);
		net_unlock(s);
		if (ps.rtt[seq] != 0) {
			uint64_t us = ps.rtt[seq] / 1000;

			got++;
			sum += us;
			min = MIN(min, us);
			max = MAX(max, us);
			if (verbose)
				printf("%d bytes from %s: icmp_seq=%d "
				    "time=%llu.%03llu ms\n", size + ICMP_MINLEN,
				    inet_fmt(dst, a), seq,
				    (unsigned long long)(us / 1000),
				    (unsigned long long)(us % 1000));
		} else if (verbose)
			printf("Request timeout for icmp_seq %d\n", seq);
		if (seq + 1 < count && ps.rtt[seq] != 0 && gap > 0)
			tsleep(&ps.expect, 0, "pingwait", gap);
	}
	icmp_echo_hook_clear(id);
	if (verbose) {
		printf("--- %s ping statistics ---\n", inet_fmt(dst, a));
		printf("%d packets transmitted, %d packets received, "
		    "%d%% packet loss\n", count, got,
		    count ? (count - got) * 100 / count : 0);
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
			printf("ping: %d replies of the wrong length, %d with "
			    "wrong data\n", ps.badlen, ps.baddata);
		if (ps.badsrc)
			printf("ping: %d replies from another address "
			    "ignored\n", ps.badsrc);
	}
	return (ps.badlen || ps.baddata ? -1 : got);
}

SHELL_CMD(ping, "ping ADDR [count] [size]: ICMP echo from the kernel")
{
	struct in_addr dst;
	long count = 4, size = 56;

	if (argc < 2 || inet_parse(argv[1], &dst) != 0) {
		printf("usage: ping ADDR [count] [size]\n");
		return (-1);
	}
	if (argc > 2)
		count = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		size = strtoul(argv[3], NULL, 10);
	if (count < 1 || count > PING_MAXSEQ || size < 0 ||
	    size > IP_MAXPACKET - IP_MINHLEN - ICMP_MINLEN) {
		printf("ping: count 1..%d, size 0..%d\n", PING_MAXSEQ,
		    IP_MAXPACKET - IP_MINHLEN - ICMP_MINLEN);
		return (-1);
	}
	return (ping_run(dst, count, size, hz / 5, 1) > 0 ? 0 : -1);
}
