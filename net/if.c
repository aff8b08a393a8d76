/*
 * net/if.c: interfaces, their queues, the netintr thread, routing and
 * the stack's start-up.
 *
 * What it is for: decoupling drivers from protocols.  A driver's
 * interrupt handler calls if_input, which only appends the frame to the
 * interface's bounded input queue and wakes the "netintr" thread; that
 * thread drains every input queue at splnet and hands each frame to the
 * interface's link input routine (ether_input, or ip_input for the
 * loopback).  Protocols send through if_output, which appends to the
 * bounded output queue and calls the driver's start routine.
 *
 * Input work is bounded, so that no stream of packets (a flood, or a
 * loop through lo0 that requeues what it handles) can keep interrupts
 * masked or the CPU to itself: each frame is handled at splnet with
 * interrupts open again between frames, a pass takes at most
 * NETINTR_BUDGET frames, and the thread yields after a pass cut short.
 *
 * Where netintr runs: on any CPU (the scheduler's shared queue) unless
 * netintr.cpu=N binds it to CPU N (sched_bind, kthread(9)) once every
 * CPU has started (net_cpus_started); the drivers' interrupts go where
 * their own tunables say (em.cpu=), so the two may be apart.  Its
 * passes and frames are counted per CPU, each slot written only by the
 * CPU it names, and printed by ifconfig.
 *
 * Routing is the smallest that works: the interface whose subnet holds
 * the destination (longest prefix first), else the default gateway
 * (gw= on the command line) through the interface whose subnet holds
 * the gateway.
 *
 * Invariants: queues change only at splnet or above (interrupt
 * handlers run above it); a full queue frees the packet and counts it
 * in mq_drops (mq_enqueue does both); netintr_pending is set before
 * the wakeup and cleared at splnet before the queues are drained, and
 * set again by a pass cut at the budget, so a frame queued after the
 * check is never left behind.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/proc.h>
#include <sys/shell.h>

#include <net/in.h>
#include <net/if.h>
#include <net/if_ether.h>
#include <net/ip_var.h>
#include <net/ip6_var.h>

struct ifnethead ifnet_list = TAILQ_HEAD_INITIALIZER(ifnet_list);
struct in_addr in_gateway;

static volatile int netintr_pending;
static struct thread *netintr_thread;
static struct cpu_info *netintr_boundto;
struct netintrstat netintrstat;

/* Present only in the QEMU kernel (arch/x86_64/if_em.c). */
extern void netdev_attach(void) __attribute__((weak));

void
if_attach(struct ifnet *ifp)
{
	int s;

	if (ifp->if_inq.mq_maxlen == 0)
		mq_init(&ifp->if_inq, IFQ_MAXLEN);
	if (ifp->if_snd.mq_maxlen == 0)
		mq_init(&ifp->if_snd, IFQ_MAXLEN);
	s = splnet();
	ifp->if_flags |= IFF_UP | IFF_RUNNING;
	TAILQ_INSERT_TAIL(&ifnet_list, ifp, if_list);
	splx(s);
}

void
if_detach(struct ifnet *ifp)
{
	int s;

	s = splnet();
	TAILQ_REMOVE(&ifnet_list, ifp, if_list);
	ifp->if_flags &= ~(IFF_UP | IFF_RUNNING);
	/* What was queued is dropped, and counted as a queue drop. */
	ifp->if_inq.mq_drops += mq_purge(&ifp->if_inq);
	ifp->if_snd.mq_drops += mq_purge(&ifp->if_snd);
	if (ifp->if_type == IFT_ETHER)
		arp_ifdetach(ifp);	/* no entry may outlive ifp */
	in6_ifdetach(ifp);
	splx(s);
}

struct ifnet *
if_find(const char *name)
{
	struct ifnet *ifp;

	TAILQ_FOREACH(ifp, &ifnet_list, if_list)
		if (strcmp(ifp->if_xname, name) == 0)
			return (ifp);
	return (NULL);
}

void
if_input(struct ifnet *ifp, struct mbuf *m)
{
	int s;

	s = splnet();
	ifp->if_ipackets++;
	ifp->if_ibytes += m->m_pkthdr.len;
	(void)mq_enqueue(&ifp->if_inq, m);	/* frees and counts when full */
	netintr_pending = 1;
	splx(s);
	if (netintr_thread != NULL)
		wakeup(&netintr_thread);
}

int
if_output(struct ifnet *ifp, struct mbuf *m)
{
	int s, error;

	s = splnet();
	if ((ifp->if_flags & IFF_UP) == 0) {
		ifp->if_oerrors++;
		m_freem(m);
		splx(s);
		return (ENETDOWN);
	}
	error = mq_enqueue(&ifp->if_snd, m);
	if (error != 0)
		ifp->if_oerrors++;
	if (ifp->if_start != NULL)
		ifp->if_start(ifp);
	splx(s);
	return (error);
}

int
net_lock(void)
{
	return (splnet());
}

void
net_unlock(int s)
{
	splx(s);
}

void
netintr_schedule(void)
{
	netintr_pending = 1;
	if (netintr_thread != NULL)
		wakeup(&netintr_thread);
}

/*
 * Run the input queues: one frame from each interface in turn, each at
 * splnet and then back at the caller's level, so that between two
 * frames every interrupt is taken; at most NETINTR_BUDGET frames in
 * all.  Returns the frames processed.  When the budget ran out with
 * frames still queued the pass is cut: counted, and netintr_pending
 * stays set so that the thread comes back for them.
 */
int
netintr_poll(void)
{
	struct ifnet *ifp;
	struct mbuf *m;
	int s, n = 0, progress;

	s = splnet();
	netintr_pending = 0;
	splx(s);
	do {
		progress = 0;
		TAILQ_FOREACH(ifp, &ifnet_list, if_list) {
			s = splnet();
			if ((m = mq_dequeue(&ifp->if_inq)) != NULL) {
				ifp->if_linkinput(ifp, m);
				progress = 1;
				n++;
			}
			splx(s);
			if (n >= NETINTR_BUDGET)
				goto cut;
		}
	} while (progress);
	counter_add(&netintrstat.ni_frames, n);
	return (n);
cut:
	counter_add(&netintrstat.ni_frames, n);
	s = splnet();
	TAILQ_FOREACH(ifp, &ifnet_list, if_list)
		if (!mq_empty(&ifp->if_inq)) {
			netintr_pending = 1;
			counter_add(&netintrstat.ni_cut, 1);
			break;
		}
	splx(s);
	return (n);
}

/*
 * The netintr thread.  After a pass cut at the budget it yields, so
 * that every other runnable thread (the shell, a self-test) runs before
 * the next pass; after NETINTR_MAXCUTS cut passes within one tick it
 * sleeps until the next tick, so that a stream that never stops leaves
 * time even to what runs only when the CPU is idle (the host build's
 * clock).  Frames keep waiting on their bounded queues meanwhile.
 */
static void
netintr_main(void *arg)
{
	uint64_t tick = 0;
	int s, cuts = 0;

	struct cpu_info *ci;
	int n;

	for (;;) {
		counter_add(&netintrstat.ni_runs, 1);
		n = netintr_poll();
		ci = curcpu();		/* netintr_poll never switches */
		counter_add(&netintrstat.ni_cpuruns[ci->ci_index], 1);
		counter_add(&netintrstat.ni_cpuframes[ci->ci_index], n);
		if (n >= NETINTR_BUDGET && netintr_pending) {
			if (tick != ticks) {
				tick = ticks;
				cuts = 0;
			}
			if (++cuts < NETINTR_MAXCUTS) {
				counter_add(&netintrstat.ni_yields, 1);
				yield();
			} else {
				counter_add(&netintrstat.ni_sleeps, 1);
				tsleep(&netintrstat, 0, "netbudget", 1);
			}
			continue;
		}
		s = splnet();
		if (!netintr_pending)
			tsleep(&netintr_thread, 0, "netintr", 0);
		splx(s);
	}
}

int
in_broadcast(struct in_addr a, struct ifnet *ifp)
{
	uint32_t x = ntohl(a.s_addr), mask, net;

	if (x == INADDR_BROADCAST || x == INADDR_ANY)
		return (1);
	if (ifp == NULL || (ifp->if_flags & IFF_BROADCAST) == 0 ||
	    ifp->if_addr.s_addr == 0)
		return (0);
	mask = ntohl(ifp->if_netmask.s_addr);
	net = ntohl(ifp->if_addr.s_addr) & mask;
	return (mask != 0xffffffffU && (x == (net | ~mask) || x == net));
}

struct ifnet *
ifa_ifwithaddr(struct in_addr a)
{
	struct ifnet *ifp;

	TAILQ_FOREACH(ifp, &ifnet_list, if_list)
		if (ifp->if_addr.s_addr == a.s_addr && a.s_addr != 0)
			return (ifp);
	return (NULL);
}

static struct ifnet *
in_ifwithnet(struct in_addr a)
{
	struct ifnet *ifp, *best = NULL;
	uint32_t mask, bestmask = 0;

	TAILQ_FOREACH(ifp, &ifnet_list, if_list) {
		if ((ifp->if_flags & IFF_UP) == 0 || ifp->if_addr.s_addr == 0)
			continue;
		mask = ntohl(ifp->if_netmask.s_addr);
		if ((ntohl(a.s_addr) & mask) !=
		    (ntohl(ifp->if_addr.s_addr) & mask))
			continue;
		if (best == NULL || mask > bestmask) {
			best = ifp;
			bestmask = mask;
		}
	}
	return (best);
}

struct ifnet *
in_route(struct in_addr dst, struct in_addr *nexthop)
{
	struct ifnet *ifp;

	if ((ifp = ifa_ifwithaddr(dst)) != NULL && lo0ifp != NULL) {
		*nexthop = dst;		/* to ourselves: loop it back */
		return (lo0ifp);
	}
	if ((ifp = in_ifwithnet(dst)) != NULL) {
		*nexthop = dst;
		return (ifp);
	}
	if (ntohl(dst.s_addr) == INADDR_BROADCAST) {
		TAILQ_FOREACH(ifp, &ifnet_list, if_list)
			if (ifp->if_flags & IFF_BROADCAST) {
				*nexthop = dst;
				return (ifp);
			}
	}
	if (in_gateway.s_addr != 0 &&
	    (ifp = in_ifwithnet(in_gateway)) != NULL) {
		*nexthop = in_gateway;
		return (ifp);
	}
	return (NULL);
}

int
inet_parse(const char *s, struct in_addr *ap)
{
	uint32_t a = 0;
	int i, v, digits;

	for (i = 0; i < 4; i++) {
		v = 0;
		digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		if (digits == 0 || v > 255)
			return (-1);
		a = (a << 8) | v;
		if (i < 3 && *s++ != '.')
			return (-1);
	}
	if (*s != '\0' && *s != '/')
		return (-1);
	ap->s_addr = htonl(a);
	return (0);
}

char *
inet_fmt(struct in_addr a, char *buf)
{
	uint32_t x = ntohl(a.s_addr);

	snprintf(buf, INET_ADDRSTRLEN, "%u.%u.%u.%u", x >> 24,
	    (x >> 16) & 0xff, (x >> 8) & 0xff, x & 0xff);
	return (buf);
}

void
if_print(struct ifnet *ifp)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], l[20];

	printf("%s: flags <%s%s%s%s> mtu %d%s\n", ifp->if_xname,
	    (ifp->if_flags & IFF_UP) ? "UP" : "DOWN",
	    (ifp->if_flags & IFF_BROADCAST) ? ",BROADCAST" : "",
	    (ifp->if_flags & IFF_LOOPBACK) ? ",LOOPBACK" : "",
	    (ifp->if_flags & IFF_RUNNING) ? ",RUNNING" : "", ifp->if_mtu,
	    ifp->if_type == IFT_ETHER ? (ifp->if_link ? " link up" :
	    " link down") : "");
	if (ifp->if_type == IFT_ETHER)
		printf("\tether %s\n", ether_fmt(ifp->if_lladdr, l));
	printf("\tinet %s netmask %s\n", inet_fmt(ifp->if_addr, a),
	    inet_fmt(ifp->if_netmask, b));
	in6_ifprint(ifp);
	printf("\tinput %lu packets %lu bytes %lu errors, queue %u/%u "
	    "%lu drops\n", ifp->if_ipackets, ifp->if_ibytes, ifp->if_ierrors,
	    mq_len(&ifp->if_inq), ifp->if_inq.mq_maxlen,
	    mq_drops(&ifp->if_inq));
	printf("\toutput %lu packets %lu bytes %lu errors, queue %u/%u "
	    "%lu drops\n", ifp->if_opackets, ifp->if_obytes, ifp->if_oerrors,
	    mq_len(&ifp->if_snd), ifp->if_snd.mq_maxlen,
	    mq_drops(&ifp->if_snd));
	if (ifp->if_drvprint != NULL)
		ifp->if_drvprint(ifp);
}

/* "a.b.c.d/len" or "a.b.c.d" (then /24) into address and mask. */
static int
in_parse_prefix(const char *s, struct in_addr *a, struct in_addr *mask)
{
	const char *p;
	unsigned long len = 24;

	if (inet_parse(s, a) != 0)
		return (-1);
	if ((p = strchr(s, '/')) != NULL) {
		len = strtoul(p + 1, NULL, 10);
		if (len < 1 || len > 32)
			return (-1);
	}
	mask->s_addr = htonl(len == 32 ? 0xffffffffU :
	    ~(0xffffffffU >> len));
	return (0);
}

/*
 * Configuration from the command line: ip=ADDR/LEN (default
 * 192.0.2.2/24) and gw=ADDR (default 192.0.2.1) for the first Ethernet
 * interface.  A gateway outside the interface's subnet is refused:
 * there is then no gateway, and only the subnet is reachable.
 */
static void
net_configure(void)
{
	struct ifnet *ifp;
	struct in_addr a, m;
	const char *s;
	char b1[INET_ADDRSTRLEN], b2[INET_ADDRSTRLEN], b3[INET_ADDRSTRLEN];

	TAILQ_FOREACH(ifp, &ifnet_list, if_list)
		if (ifp->if_type == IFT_ETHER)
			break;
	if ((s = kenv_get("ip")) == NULL || in_parse_prefix(s, &a, &m) != 0) {
		if (s != NULL)
			printf("net: bad ip=%s, using the default\n", s);
		in_parse_prefix("192.0.2.2/24", &a, &m);
	}
	if ((s = kenv_get("gw")) == NULL || inet_parse(s, &in_gateway) != 0) {
		if (s != NULL)
			printf("net: bad gw=%s, using the default\n", s);
		inet_parse("192.0.2.1", &in_gateway);
	}
	if (ifp == NULL)
		return;
	/* A gateway must be on the link: refuse one outside the subnet. */
	if (((in_gateway.s_addr ^ a.s_addr) & m.s_addr) != 0) {
		printf("net: gateway %s is outside %s's subnet %s netmask %s; "
		    "no gateway (give gw= on the subnet)\n",
		    inet_fmt(in_gateway, b3), ifp->if_xname, inet_fmt(a, b1),
		    inet_fmt(m, b2));
		in_gateway.s_addr = 0;
	}
	ifp->if_addr = a;
	ifp->if_netmask = m;
	printf("%s: inet %s netmask %s gateway %s\n", ifp->if_xname,
	    inet_fmt(a, b1), inet_fmt(m, b2), in_gateway.s_addr != 0 ?
	    inet_fmt(in_gateway, b3) : "none");
	arp_gratuitous(ifp);
}

void
net_init(void)
{
	arp_init();
	ip_init();
	udp_init();
	loopattach();
	if (netdev_attach != NULL)
		netdev_attach();
	net_configure();
	ip6_init();
	netintr_thread = kthread_create(netintr_main, NULL, "netintr");
}

/*
 * Every CPU has started: bind netintr to netintr.cpu= when it names one
 * that runs.  One that does not is reported and netintr stays unbound
 * (a command line never panics the kernel).
 */
void
net_cpus_started(void)
{
	long v;

	if (netintr_thread == NULL || !kenv_getint("netintr.cpu", &v))
		return;
	if (v >= ncpu) {
		printf("netintr: netintr.cpu=%ld: cpu%ld is not running "
		    "(%d CPUs); netintr runs on any\n", v, v, ncpu);
		return;
	}
	netintr_boundto = &cpu_info[v];
	sched_bind(netintr_thread, netintr_boundto);
	printf("netintr: bound to cpu%ld (netintr.cpu=%ld)\n", v, v);
}

struct cpu_info *
netintr_cpu(void)
{
	return (netintr_boundto);
}

/* netintr's passes and frames by CPU: one line each, after its total. */
static void
netintr_print_cpus(void)
{
	int i;

	if (netintr_boundto != NULL)
		printf("netintr: bound to cpu%u\n", netintr_boundto->ci_index);
	else
		printf("netintr: unbound (runs on any CPU)\n");
	for (i = 0; i < ncpu; i++)
		printf("netintr cpu%d: %lu runs, %lu frames\n", i,
		    netintrstat.ni_cpuruns[i], netintrstat.ni_cpuframes[i]);
}

/* Forget every ARP entry and datagram being reassembled. */
void
net_flush(void)
{
	int s;

	netintr_poll();
	s = splnet();
	arp_flush();
	ip_reass_drain();
	nd6_flush();
	ip6_reass_drain();
	splx(s);
}

SHELL_CMD(ifconfig, "ifconfig [IF]: interfaces, addresses, counters")
{
	struct ifnet *ifp;
	int s;

	if (argc > 2)
		return (shell_usage(argv[0]));
	s = splnet();
	if (argc == 2) {
		TAILQ_FOREACH(ifp, &ifnet_list, if_list)
			if (strcmp(argv[1], ifp->if_xname) == 0)
				break;
		if (ifp == NULL) {
			splx(s);
			printf("ifconfig: %s: no such interface\n", argv[1]);
			return (-1);
		}
		if_print(ifp);
	} else {
		TAILQ_FOREACH(ifp, &ifnet_list, if_list)
			if_print(ifp);
		printf("netintr: %lu runs, %lu frames, %lu passes cut at %d "
		    "frames, %lu yields, %lu budget sleeps\n",
		    netintrstat.ni_runs, netintrstat.ni_frames,
		    netintrstat.ni_cut, NETINTR_BUDGET, netintrstat.ni_yields,
		    netintrstat.ni_sleeps);
		netintr_print_cpus();
	}
	splx(s);
	return (0);
}

/*
 * The one way the protocols get a contiguous header: bytes [0, len) of
 * *mp as a guaranteed-contiguous region (m_datarange(9)), writable when
 * writable is set (m_datarange_rw: only bytes in shared storage are
 * copied, and counted), so that the layers above still find it
 * contiguous and read it through mptr.  A received frame already holds
 * its headers in one writable cluster: nothing moves.  Returns a
 * pointer to them, or NULL when memory is short; the chain is then
 * freed and *mp set to NULL.
 */
void *
net_hdrptr(struct mbuf **mp, int len, int writable)
{
	void *p;

	if (writable)
		p = m_datarange_rw(mp, 0, len, M_DONTWAIT);
	else
		p = m_datarange(mp, 0, len, M_DONTWAIT);
	if (p == NULL) {
		m_freem(*mp);
		*mp = NULL;
	}
	return (p);
}
