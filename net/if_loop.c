/*
 * net/if_loop.c: lo0, the software loopback interface (127.0.0.1/8).
 *
 * What it is for: packets a host sends to one of its own addresses.
 * Output puts the IP packet, unchanged and uncopied, on lo0's own input
 * queue and schedules netintr, so the receive side runs later in the
 * netintr thread and never recurses into the sender.  Its MTU is large
 * (LOMTU), so datagrams up to that size loop back unfragmented.
 *
 * Invariants: what is on lo0's input queue is an IP packet (no link
 * header) with M_PKTHDR and rcvif == lo0ifp.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/mbuf.h>

#include <net/in.h>
#include <net/if.h>
#include <net/ip_var.h>
#include <net/ip6_var.h>

#define LOMTU	16384

static struct ifnet loif;
struct ifnet *lo0ifp;

static int
looutput(struct ifnet *ifp, struct mbuf *m, struct in_addr nexthop)
{
	int s;

	s = splnet();
	ifp->if_opackets++;
	ifp->if_obytes += m->m_pkthdr.len;
	m->m_pkthdr.rcvif = ifp;
	m->m_flags &= ~(M_BCAST | M_MCAST);
	if_input(ifp, m);
	splx(s);
	return (0);
}

/* IPv4 or IPv6, by the version in the first byte (it is never empty:
 * the header was just prepended). */
static void
loinput(struct ifnet *ifp, struct mbuf *m)
{
	if (m->m_len > 0 && (mtod(m, uint8_t *)[0] >> 4) == IPV6_VERSION)
		ip6_input(ifp, m);
	else
		ip_input(ifp, m);
}

void
loopattach(void)
{
	struct ifnet *ifp = &loif;

	strlcpy(ifp->if_xname, "lo0", sizeof(ifp->if_xname));
	ifp->if_type = IFT_LOOP;
	ifp->if_flags = IFF_LOOPBACK;
	ifp->if_mtu = LOMTU;
	ifp->if_link = 1;
	ifp->if_addr.s_addr = htonl(INADDR_LOOPBACK);
	ifp->if_netmask.s_addr = htonl(0xff000000U);
	ifp->if_ipoutput = looutput;
	ifp->if_linkinput = loinput;
	if_attach(ifp);
	lo0ifp = ifp;
}
