/*
 * net/in6.c: IPv6 addresses of interfaces (RFC 4291, RFC 4862), the
 * multicast groups they imply, and the smallest IPv6 routing.
 *
 * What it is for: knowing which IPv6 addresses and groups are ours.
 * in6_ifattach gives an interface its link-local address, fe80:: with
 * the interface identifier made from the MAC address (modified EUI-64,
 * RFC 4291 appendix A); in6_addr_add adds another (in6_configure: the
 * ip6= address of the command line, 2001:db8::2/64 by default).  Every
 * address starts tentative while Neighbor Discovery checks that nobody
 * else uses it (nd6_dad_start); a tentative address is not ours: no
 * packet to it is accepted and it is not used as a source.
 *
 * The groups an interface belongs to are implied: all-nodes (ff02::1)
 * and, for each address, its solicited-node group ff02::1:ffXX:XXXX
 * (RFC 4291 2.7.1) -- joined from the moment the address is added, so
 * that DAD sees the solicitations of others.  On Ethernet a group is
 * 33:33 and its last four bytes (RFC 2464 7); ether_input asks
 * ether_mcast6_wanted before it accepts a multicast frame.  em(4) has
 * its receive filter in multicast-promiscuous mode, so this is the only
 * filter.
 *
 * Routing: a destination inside the prefix of one of an interface's
 * addresses is on that link, as is every link-local or multicast
 * destination (on the interface the caller names, else the first with
 * IPv6).  There is no default router: this host does not process
 * Router Advertisements.
 *
 * Invariants: the tables change only at splnet or above; an interface
 * with IPv6 has if_in6 pointing at its slot of in6_iftab and its
 * link-local address in ii_addr[0]; in6_ifdetach stops every DAD timer
 * and frees the slot before the ifnet goes.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>

#include <net/in.h>
#include <net/if.h>
#include <net/ip6.h>
#include <net/ip6_var.h>

#define IN6_MAXIF	4

const struct in6_addr in6_allnodes = { { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 1 } };
static struct in6_ifinfo in6_iftab[IN6_MAXIF];

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * Up to eight groups of one to four hex digits separated by ':', at
 * most one "::" for a run of zero groups; the text ends at '\0' or '/'.
 */
int
in6_parse(const char *s, struct in6_addr *a)
{
	uint16_t g[8];
	int n = 0, gap = -1, v, d, i;

	if (s[0] == ':' && s[1] == ':') {
		gap = 0;
		s += 2;
	}
	while (*s != '\0' && *s != '/') {
		for (v = 0, d = 0; d < 5 && hexval(*s) >= 0; d++, s++)
			v = v * 16 + hexval(*s);
		if (d == 0 || d > 4 || n == 8)
			return (-1);
		g[n++] = v;
		if (*s == '\0' || *s == '/')
			break;
		if (*s++ != ':')
			return (-1);
		if (*s == ':') {
			if (gap >= 0)
				return (-1);
			gap = n;
			s++;
		} else if (*s == '\0' || *s == '/')
			return (-1);		/* a trailing single ':' */
	}
	if ((gap < 0 && n != 8) || (gap >= 0 && n > 7))
		return (-1);
	memset(a, 0, sizeof(*a));
	for (i = 0; i < n; i++) {
		int at = (gap >= 0 && i >= gap) ? i + 8 - n : i;

		be16enc(&a->s6_addr[2 * at], g[i]);
	}
	return (0);
}

/* RFC 5952: lower case, no leading zeros, the longest run (>= 2) of
 * zero groups (the first of equal runs) as "::". */
char *
in6_fmt(const struct in6_addr *a, char *buf)
{
	int best = -1, bestlen = 1, i, j, n = 0;

	for (i = 0; i < 8; i = j + 1) {
		for (j = i; j < 8 && be16dec(&a->s6_addr[2 * j]) == 0; j++)
			continue;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			n += snprintf(buf + n, INET6_ADDRSTRLEN - n, "::");
			i += bestlen - 1;
			continue;
		}
		n += snprintf(buf + n, INET6_ADDRSTRLEN - n, "%s%x",
		    (i == 0 || i == best + bestlen) ? "" : ":",
		    be16dec(&a->s6_addr[2 * i]));
	}
	return (buf);
}

void
in6_solicited_node(const struct in6_addr *a, struct in6_addr *g)
{
	uint8_t low[3];

	memcpy(low, &a->s6_addr[13], 3);	/* a may be g */
	memset(g, 0, sizeof(*g));
	g->s6_addr[0] = 0xff;
	g->s6_addr[1] = 0x02;
	g->s6_addr[11] = 0x01;
	g->s6_addr[12] = 0xff;
	memcpy(&g->s6_addr[13], low, 3);
}

void
in6_mcast_ether(const struct in6_addr *g, uint8_t *ea)
{
	ea[0] = 0x33;
	ea[1] = 0x33;
	memcpy(ea + 2, &g->s6_addr[12], 4);
}

static struct in6_ifinfo *
in6_info(struct ifnet *ifp)
{
	return (ifp != NULL ? ifp->if_in6 : NULL);
}

int
in6_ifattach(struct ifnet *ifp)
{
	struct in6_ifinfo *ii = NULL;
	struct in6_addr ll;
	int i, s;

	if (ifp->if_type != IFT_ETHER)
		return (EOPNOTSUPP);
	s = splnet();
	if (ifp->if_in6 != NULL) {
		splx(s);
		return (EEXIST);
	}
	for (i = 0; i < IN6_MAXIF; i++)
		if (in6_iftab[i].ii_ifp == NULL) {
			ii = &in6_iftab[i];
			break;
		}
	if (ii == NULL) {
		splx(s);
		return (ENOSPC);
	}
	memset(ii, 0, sizeof(*ii));
	ii->ii_ifp = ifp;
	ifp->if_in6 = ii;
	memset(&ll, 0, sizeof(ll));
	ll.s6_addr[0] = 0xfe;
	ll.s6_addr[1] = 0x80;
	ll.s6_addr[8] = ifp->if_lladdr[0] ^ 0x02;	/* universal/local */
	ll.s6_addr[9] = ifp->if_lladdr[1];
	ll.s6_addr[10] = ifp->if_lladdr[2];
	ll.s6_addr[11] = 0xff;
	ll.s6_addr[12] = 0xfe;
	memcpy(&ll.s6_addr[13], ifp->if_lladdr + 3, 3);
	splx(s);
	return (in6_addr_add(ifp, &ll, 64));
}

void
in6_ifdetach(struct ifnet *ifp)
{
	struct in6_ifinfo *ii = in6_info(ifp);
	int i, s;

	if (ii == NULL)
		return;
	s = splnet();
	for (i = 0; i < IN6_MAXADDR; i++)
		if (ii->ii_addr[i].ia6_used)
			nd6_dad_stop(&ii->ii_addr[i]);
	nd6_ifdetach(ifp);
	ii->ii_ifp = NULL;
	ifp->if_in6 = NULL;
	splx(s);
}

int
in6_addr_add(struct ifnet *ifp, const struct in6_addr *a, int plen)
{
	struct in6_ifinfo *ii = in6_info(ifp);
	struct in6_ifaddr *ia = NULL;
	int i, s;

	if (ii == NULL)
		return (EOPNOTSUPP);
	if (plen < 1 || plen > 128 || in6_is_multicast(a) ||
	    in6_is_unspecified(a) || in6_is_loopback(a))
		return (EINVAL);
	s = splnet();
	if (in6_ifa_find(ifp, a) != NULL) {
		splx(s);
		return (EEXIST);
	}
	for (i = 0; i < IN6_MAXADDR; i++)
		if (!ii->ii_addr[i].ia6_used) {
			ia = &ii->ii_addr[i];
			break;
		}
	if (ia == NULL) {
		splx(s);
		return (ENOSPC);
	}
	memset(ia, 0, sizeof(*ia));
	ia->ia6_used = 1;
	ia->ia6_addr = *a;
	ia->ia6_plen = plen;
	ia->ia6_ifp = ifp;
	ia->ia6_flags = IN6_IFF_TENTATIVE;
	nd6_dad_start(ia);		/* may clear TENTATIVE at once */
	splx(s);
	return (0);
}

/* The entry of a on ifp (any interface when ifp is NULL), even when
 * tentative or duplicated. */
struct in6_ifaddr *
in6_ifa_find(struct ifnet *ifp, const struct in6_addr *a)
{
	struct in6_ifinfo *ii;
	int i, k;

	for (k = 0; k < IN6_MAXIF; k++) {
		ii = &in6_iftab[k];
		if (ii->ii_ifp == NULL || (ifp != NULL && ii->ii_ifp != ifp))
			continue;
		for (i = 0; i < IN6_MAXADDR; i++)
			if (ii->ii_addr[i].ia6_used &&
			    in6_equal(&ii->ii_addr[i].ia6_addr, a))
				return (&ii->ii_addr[i]);
	}
	return (NULL);
}

/* Whether unicast a is a valid (not tentative) address of ifp; from
 * the loopback any interface's counts, and ::1. */
int
in6_ours(struct ifnet *ifp, const struct in6_addr *a)
{
	struct in6_ifaddr *ia;

	if (ifp != NULL && (ifp->if_flags & IFF_LOOPBACK)) {
		if (in6_is_loopback(a))
			return (1);
		ifp = NULL;
	}
	ia = in6_ifa_find(ifp, a);
	return (ia != NULL && ia->ia6_flags == 0);
}

/* Whether ifp belongs to group g: all-nodes, or the solicited-node
 * group of one of its addresses (tentative ones included). */
int
in6_mcast_joined(struct ifnet *ifp, const struct in6_addr *g)
{
	struct in6_ifinfo *ii = in6_info(ifp);
	struct in6_addr sn;
	int i;

	if (ii == NULL)
		return (0);
	if (in6_equal(g, &in6_allnodes))
		return (1);
	for (i = 0; i < IN6_MAXADDR; i++) {
		if (!ii->ii_addr[i].ia6_used ||
		    (ii->ii_addr[i].ia6_flags & IN6_IFF_DUPLICATED))
			continue;
		in6_solicited_node(&ii->ii_addr[i].ia6_addr, &sn);
		if (in6_equal(g, &sn))
			return (1);
	}
	return (0);
}

/* Whether multicast Ethernet address ea is one of ifp's IPv6 groups. */
int
ether_mcast6_wanted(struct ifnet *ifp, const uint8_t *ea)
{
	struct in6_ifinfo *ii = in6_info(ifp);
	struct in6_addr sn;
	uint8_t g[ETHER_ADDR_LEN];
	int i;

	if (ii == NULL || ea[0] != 0x33 || ea[1] != 0x33)
		return (0);
	in6_mcast_ether(&in6_allnodes, g);
	if (memcmp(g, ea, ETHER_ADDR_LEN) == 0)
		return (1);
	for (i = 0; i < IN6_MAXADDR; i++) {
		if (!ii->ii_addr[i].ia6_used)
			continue;
		in6_solicited_node(&ii->ii_addr[i].ia6_addr, &sn);
		in6_mcast_ether(&sn, g);
		if (memcmp(g, ea, ETHER_ADDR_LEN) == 0)
			return (1);
	}
	return (0);
}

static int
in6_prefix_match(const struct in6_addr *a, const struct in6_addr *b,
    int plen)
{
	int i;

	for (i = 0; plen > 0; i++, plen -= 8) {
		uint8_t mask = plen >= 8 ? 0xff : (uint8_t)(0xff << (8 - plen));

		if ((a->s6_addr[i] ^ b->s6_addr[i]) & mask)
			return (0);
	}
	return (1);
}

/* The interface to send to dst on, or NULL. */
struct ifnet *
in6_route(const struct in6_addr *dst, struct ifnet *hint)
{
	struct in6_ifinfo *ii;
	struct ifnet *first = NULL;
	int i, k;

	if (hint != NULL && in6_info(hint) != NULL &&
	    (in6_is_multicast(dst) || in6_is_linklocal(dst)))
		return (hint);
	for (k = 0; k < IN6_MAXIF; k++) {
		ii = &in6_iftab[k];
		if (ii->ii_ifp == NULL ||
		    (ii->ii_ifp->if_flags & IFF_UP) == 0)
			continue;
		if (first == NULL)
			first = ii->ii_ifp;
		for (i = 0; i < IN6_MAXADDR; i++)
			if (ii->ii_addr[i].ia6_used &&
			    !in6_is_linklocal(&ii->ii_addr[i].ia6_addr) &&
			    in6_prefix_match(dst, &ii->ii_addr[i].ia6_addr,
			    ii->ii_addr[i].ia6_plen))
				return (ii->ii_ifp);
	}
	if (in6_is_multicast(dst) || in6_is_linklocal(dst))
		return (first);
	return (NULL);
}

/*
 * The source for dst on ifp (RFC 6724, cut down): a link-local
 * destination gets the link-local address, any other the first valid
 * global one, else the link-local.  EADDRNOTAVAIL when ifp has none valid.
 */
static int
in6_srcaddr_if(struct ifnet *ifp, const struct in6_addr *dst,
    struct in6_addr *src)
{
	struct in6_ifinfo *ii = in6_info(ifp);
	struct in6_ifaddr *ia, *ll = NULL, *gl = NULL;
	int i;

	if (ii == NULL)
		return (EADDRNOTAVAIL);
	for (i = 0; i < IN6_MAXADDR; i++) {
		ia = &ii->ii_addr[i];
		if (!ia->ia6_used || ia->ia6_flags != 0)
			continue;
		if (in6_is_linklocal(&ia->ia6_addr)) {
			if (ll == NULL)
				ll = ia;
		} else if (gl == NULL)
			gl = ia;
	}
	if (gl != NULL && !in6_is_linklocal(dst) &&
	    !(in6_is_multicast(dst) && (dst->s6_addr[1] & 0x0f) <= 2))
		ll = gl;
	if (ll == NULL)
		ll = gl;
	if (ll == NULL)
		return (EADDRNOTAVAIL);
	*src = ll->ia6_addr;
	return (0);
}

/*
 * The source address for a packet to dst: dst itself when it is ours,
 * else an address of the interface in6_route picks (hint for link-local
 * and multicast destinations).  EHOSTUNREACH: no route; EADDRNOTAVAIL: no
 * valid address there.
 */
int
in6_srcaddr(struct ifnet *hint, const struct in6_addr *dst,
    struct in6_addr *src)
{
	struct ifnet *ifp;

	if (in6_ours(NULL, dst) || in6_is_loopback(dst)) {
		*src = *dst;
		return (0);
	}
	if ((ifp = in6_route(dst, hint)) == NULL)
		return (EHOSTUNREACH);
	return (in6_srcaddr_if(ifp, dst, src));
}

void
in6_ifprint(struct ifnet *ifp)
{
	struct in6_ifinfo *ii = in6_info(ifp);
	struct in6_ifaddr *ia;
	char b[INET6_ADDRSTRLEN];
	int i;

	if (ii == NULL)
		return;
	for (i = 0; i < IN6_MAXADDR; i++) {
		ia = &ii->ii_addr[i];
		if (ia->ia6_used)
			printf("\tinet6 %s prefixlen %d%s%s\n",
			    in6_fmt(&ia->ia6_addr, b), ia->ia6_plen,
			    (ia->ia6_flags & IN6_IFF_TENTATIVE) ?
			    " tentative" : "",
			    (ia->ia6_flags & IN6_IFF_DUPLICATED) ?
			    " duplicated" : "");
	}
}

/*
 * IPv6 on the first Ethernet interface: its link-local address and
 * ip6=ADDR/LEN from the command line (default 2001:db8::2/64; ip6=none:
 * the link-local address only).
 */
void
in6_configure(void)
{
	struct ifnet *ifp;
	struct in6_addr a;
	const char *s, *p;
	char b[INET6_ADDRSTRLEN];
	long plen = 64;

	TAILQ_FOREACH(ifp, &ifnet_list, if_list)
		if (ifp->if_type == IFT_ETHER)
			break;
	if (ifp == NULL || in6_ifattach(ifp) != 0)
		return;
	if ((s = kenv_get("ip6")) != NULL && strcmp(s, "none") == 0)
		return;
	if (s == NULL || in6_parse(s, &a) != 0 ||
	    ((p = strchr(s, '/')) != NULL &&
	    ((plen = strtoul(p + 1, NULL, 10)) < 1 || plen > 128))) {
		if (s != NULL)
			printf("net: bad ip6=%s, using the default\n", s);
		in6_parse("2001:db8::2", &a);
		plen = 64;
	}
	if (in6_addr_add(ifp, &a, plen) == 0)
		printf("%s: inet6 %s prefixlen %ld\n", ifp->if_xname,
		    in6_fmt(&a, b), plen);
}
