/*
 * net/udp.c: UDP (RFC 768) and its in-kernel API.
 *
 * What it is for: datagrams to and from kernel code.  A user of the API
 * binds a port with a receive callback (udp_bind), gets each datagram's
 * payload as an mbuf chain it then owns, and sends with udp_sendto (an
 * mbuf chain) or udp_send_buf (a flat buffer).  Two services are built
 * in: echo on port 7 answers with the request's own chain, and discard
 * on port 9 frees it.  Echo never answers a datagram from a port that
 * answers by itself (udps_echoloop) or from one of our own addresses
 * (udps_echoself): two such services would bounce one datagram
 * between them for ever.
 *
 * Checksums are verified on input (a zero checksum means none was sent)
 * and always computed on output (a computed 0 is sent as 0xffff).  The
 * echo reply swaps the ports and the addresses, which leaves the
 * ones'-complement sum unchanged, so its checksum is reused as it is:
 * an echoed datagram is neither copied nor summed again.
 *
 * Invariants: at most UDP_MAXPCB bound ports; every datagram is
 * delivered, echoed, discarded, or dropped with its own counter (a
 * datagram counts as echoed or sent only once ip_send took it); for a
 * port nobody bound, a unicast datagram gets ICMP port unreachable
 * quoting its header.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/proc.h>
#include <sys/shell.h>

#include <net/in.h>
#include <net/ip.h>
#include <net/udp.h>
#include <net/if.h>
#include <net/ip_var.h>

#define UDP_MAXPCB	16
#define UDP_ECHO_PORT	7
#define UDP_DISCARD_PORT 9
#define UDP_MAXDATA	(IP_MAXPACKET - IP_MINHLEN - 8)

struct udp_pcb {
	int		 up_used;
	uint16_t	 up_port;
	udp_recv_t	 up_fn;
	void		*up_arg;
};

struct udpstat udpstat;
static struct udp_pcb udp_pcbs[UDP_MAXPCB];


void
udp_init(void)
{
}

/*
 * Source ports of services that answer datagrams by themselves, as
 * FreeBSD inetd's check_loop refuses them (usr.sbin/inetd/builtins.c):
 * echo, discard, daytime, chargen, time; and 0, which no sender binds.
 * Echoing to one of them (or to ourselves) starts a ping-pong that
 * neither end ever stops.
 */
static const uint16_t udp_loopports[] = { 0, 7, 9, 13, 19, 37 };

/* Would echoing this datagram start a loop?  Its counter, or NULL. */
static u_long *
udp_echo_loops(const struct ip *ip, uint16_t sport)
{
	int i;

	for (i = 0; i < (int)nitems(udp_loopports); i++)
		if (sport == udp_loopports[i])
			return (&udpstat.udps_echoloop);
	if (ifa_ifwithaddr(ip->ip_src) != NULL)
		return (&udpstat.udps_echoself);
	return (NULL);
}

/* Answer in place: swap ports and addresses; the checksum stays valid. */
static void
udp_echo(struct mbuf *m, const struct ip *oip, int hlen)
{
	struct udphdr uh;
	uint16_t t;
	void *p;

	if ((p = net_hdrptr(&m, hlen + sizeof(uh), 1)) == NULL) {
		counter_add(&udpstat.udps_nombuf, 1);
		return;
	}
	m_adj(m, hlen);
	p = mptr_rw(m, struct udphdr *, 0);	/* the region, shifted */
	memcpy(&uh, p, sizeof(uh));
	t = uh.uh_sport;
	uh.uh_sport = uh.uh_dport;
	uh.uh_dport = t;
	memcpy(p, &uh, sizeof(uh));
	/* Counted once sent: ip_send counts its own reason for a refusal. */
	if (ip_send(m, IPPROTO_UDP, oip->ip_dst, oip->ip_src, 0) == 0) {
		counter_add(&udpstat.udps_echoed, 1);
		counter_add(&udpstat.udps_opackets, 1);
	}
}

void
udp_input(struct mbuf *m, int hlen)
{
	struct udphdr uh;
	struct ip ip;
	struct udp_pcb *up;
	int ulen, iplen, i;
	uint16_t dport;
	void *p;

	counter_add(&udpstat.udps_ipackets, 1);
	iplen = m->m_pkthdr.len - hlen;
	if (iplen < (int)sizeof(uh)) {
		counter_add(&udpstat.udps_hdrops, 1);
		goto drop;
	}
	if ((p = net_hdrptr(&m, hlen + sizeof(uh), 0)) == NULL) {
		counter_add(&udpstat.udps_nombuf, 1);
		return;
	}
	memcpy(&ip, p, sizeof(ip));
	memcpy(&uh, (uint8_t *)p + hlen, sizeof(uh));
	ulen = ntohs(uh.uh_ulen);
	if (ulen < (int)sizeof(uh) || ulen > iplen) {
		counter_add(&udpstat.udps_badlen, 1);
		goto drop;
	}
	if (ulen < iplen)
		m_adj(m, ulen - iplen);
	if (uh.uh_sum != 0) {
		if (in_cksum_off(m, hlen, ulen, in_pseudo(ip.ip_src,
		    ip.ip_dst, IPPROTO_UDP, ulen)) != 0) {
			counter_add(&udpstat.udps_badsum, 1);
			goto drop;
		}
	} else
		counter_add(&udpstat.udps_nosum, 1);

	dport = ntohs(uh.uh_dport);
	for (i = 0, up = NULL; i < UDP_MAXPCB; i++)
		if (udp_pcbs[i].up_used && udp_pcbs[i].up_port == dport) {
			up = &udp_pcbs[i];
			break;
		}
	if (up != NULL) {
		counter_add(&udpstat.udps_delivered, 1);
		m_adj(m, hlen + sizeof(uh));
		up->up_fn(up->up_arg, m, ip.ip_src, ntohs(uh.uh_sport), dport);
		return;
	}
	if (m->m_flags & (M_BCAST | M_MCAST)) {
		counter_add(&udpstat.udps_noportbcast, 1);
		goto drop;
	}
	if (dport == UDP_ECHO_PORT) {
		u_long *loop;

		if ((loop = udp_echo_loops(&ip, ntohs(uh.uh_sport))) != NULL) {
			counter_add(loop, 1);
			goto drop;
		}
		udp_echo(m, &ip, hlen);
		return;
	}
	if (dport == UDP_DISCARD_PORT) {
		counter_add(&udpstat.udps_discarded, 1);
		goto drop;
	}
	counter_add(&udpstat.udps_noport, 1);
	icmp_error(m, ICMP_UNREACH, ICMP_UNREACH_PORT);
	return;
drop:
	m_freem(m);
}

struct udp_pcb *
udp_bind(uint16_t port, udp_recv_t fn, void *arg)
{
	int i, s;

	s = splnet();
	for (i = 0; i < UDP_MAXPCB; i++)
		if (udp_pcbs[i].up_used && udp_pcbs[i].up_port == port) {
			splx(s);
			return (NULL);
		}
	for (i = 0; i < UDP_MAXPCB; i++)
		if (!udp_pcbs[i].up_used) {
			udp_pcbs[i].up_used = 1;
			udp_pcbs[i].up_port = port;
			udp_pcbs[i].up_fn = fn;
			udp_pcbs[i].up_arg = arg;
			splx(s);
			return (&udp_pcbs[i]);
		}
	splx(s);
	return (NULL);
}

void
udp_unbind(struct udp_pcb *up)
{
	int s;

	s = splnet();
	up->up_used = 0;
	up->up_fn = NULL;
	splx(s);
}

int
udp_sendto(uint16_t sport, struct in_addr dst, uint16_t dport,
    struct mbuf *m)
{
	struct udphdr uh;
	struct in_addr src;
	int ulen, error;

	if (m->m_pkthdr.len > UDP_MAXDATA) {
		counter_add(&udpstat.udps_toobig, 1);
		m_freem(m);
		return (EMSGSIZE);
	}
	M_PREPEND(m, sizeof(uh), M_DONTWAIT);
	if (m == NULL) {
		counter_add(&udpstat.udps_nombuf, 1);
		return (ENOBUFS);
	}
	ulen = m->m_pkthdr.len;
	src = ip_srcaddr(dst);
	uh.uh_sport = htons(sport);
	uh.uh_dport = htons(dport);
	uh.uh_ulen = htons(ulen);
	uh.uh_sum = 0;
	memcpy(mtod(m, void *), &uh, sizeof(uh));
	uh.uh_sum = in_cksum_off(m, 0, ulen, in_pseudo(src, dst, IPPROTO_UDP,
	    ulen));
	if (uh.uh_sum == 0)
		uh.uh_sum = 0xffff;
	memcpy(mtod(m, uint8_t *) + 6, &uh.uh_sum, 2);
	if ((error = ip_send(m, IPPROTO_UDP, src, dst, 0)) == 0)
		counter_add(&udpstat.udps_opackets, 1);
	return (error);
}

int
udp_send_buf(uint16_t sport, struct in_addr dst, uint16_t dport,
    const void *buf, int len)
{
	struct mbuf *m;

	if (len < 0 || len > UDP_MAXDATA) {
		counter_add(&udpstat.udps_toobig, 1);
		return (EMSGSIZE);
	}
	if ((m = net_getpacket(len, 64, M_DONTWAIT)) == NULL) {
		counter_add(&udpstat.udps_nombuf, 1);
		return (ENOBUFS);
	}
	if (len > 0 && m_copyback(m, 0, len, buf, M_DONTWAIT) != 0) {
		m_freem(m);
		counter_add(&udpstat.udps_nombuf, 1);
		return (ENOBUFS);
	}
	return (udp_sendto(sport, dst, dport, m));
}

/*
 * udpsend ADDR PORT TEXT...: send the words of TEXT joined by blanks
 * and print what comes back to the source port within a second.
 */
struct udpsend_state {
	int	got;
	char	text[64];
	int	len;
	struct in_addr from;
	uint16_t fport;
};

static void
udpsend_recv(void *arg, struct mbuf *m, struct in_addr src, uint16_t sport,
    uint16_t dport)
{
	struct udpsend_state *st = arg;

	if (!st->got) {
		st->len = MIN(m->m_pkthdr.len, (int)sizeof(st->text) - 1);
		m_copydata(m, 0, st->len, st->text);
		st->text[st->len] = '\0';
		st->from = src;
		st->fport = sport;
		st->got = 1;
		wakeup(st);
	}
	m_freem(m);
}

SHELL_CMD(udpsend, "udpsend ADDR PORT TEXT...: send a datagram, print a "
    "reply")
{
	static struct udpsend_state st;
	static char text[128];
	struct udp_pcb *up;
	struct in_addr dst;
	char a[INET_ADDRSTRLEN];
	uint16_t sport;
	uint64_t deadline;
	size_t len;
	long dport;
	int error, i, s;

	if (argc < 4)
		return (shell_usage(argv[0]));
	if (inet_parse(argv[1], &dst) != 0) {
		printf("udpsend: %s: not an IPv4 address\n", argv[1]);
		return (-1);
	}
	if (shell_argnum(argv[0], "PORT", argv[2], 1, 65535, &dport) != 0)
		return (-1);
	/* The shell's line is shorter than text: the words always fit. */
	for (i = 3, len = 0; i < argc && len < sizeof(text); i++)
		len += snprintf(text + len, sizeof(text) - len, "%s%s",
		    i > 3 ? " " : "", argv[i]);
	memset(&st, 0, sizeof(st));
	sport = 49152 + (kern_random() % 16384);
	if ((up = udp_bind(sport, udpsend_recv, &st)) == NULL) {
		printf("udpsend: no free port\n");
		return (-1);
	}
	error = udp_send_buf(sport, dst, dport, text, strlen(text));
	if (error != 0)
		printf("udpsend: error %d\n", error);
	deadline = ticks + hz;
	s = net_lock();			/* the reply is set under it */
	while (!st.got && ticks < deadline)
		tsleep(&st, 0, "udpsend", deadline - ticks);
	net_unlock(s);
	udp_unbind(up);
	if (st.got)
		printf("reply from %s port %u: %s\n", inet_fmt(st.from, a),
		    st.fport, st.text);
	else
		printf("sent %d bytes, no reply within a second\n",
		    (int)strlen(text));
	return (error ? -1 : 0);
}
