/*
 * net/netstat6.c: the IPv6 part of "netstat -s": ip6, icmp6, nd6 and
 * udp6 counters, one line per kind of outcome, in the order the
 * packet meets the checks.  Called by netstat_protocols (netstat.c)
 * at splnet, so each line is consistent.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/mbuf.h>

#include <net/ip6.h>
#include <net/ip6_var.h>

static void
ip6stat_print(void)
{
	struct ip6stat *s = &ip6stat;

	printf("ip6:\n\t%lu total packets received, %lu delivered, "
	    "%lu link padding trimmed\n", s->ip6s_total, s->ip6s_delivered,
	    s->ip6s_trimmed);
	printf("\tdropped: %lu too small, %lu bad version, %lu payload "
	    "past frame, %lu multicast source, %lu loopback on a link, "
	    "%lu not for us, %lu unknown next header, %lu no next header, "
	    "%lu no mbuf\n", s->ip6s_toosmall, s->ip6s_badvers,
	    s->ip6s_tooshort, s->ip6s_badsrc, s->ip6s_badscope,
	    s->ip6s_notforus, s->ip6s_noproto, s->ip6s_nonxt,
	    s->ip6s_nombuf);
	printf("\t%lu extension headers; dropped: %lu truncated, %lu too "
	    "many, %lu chain too long, %lu hop-by-hop not first, %lu bad "
	    "option length, %lu bad padding, %lu option discard, %lu option "
	    "icmp, %lu routing type 0, %lu routing unknown type; %lu "
	    "routing headers skipped\n", s->ip6s_exthdrs,
	    s->ip6s_exthdrshort, s->ip6s_toomanyhdr, s->ip6s_hdrtoolong,
	    s->ip6s_hbhnotfirst, s->ip6s_badopt, s->ip6s_badpad,
	    s->ip6s_optdiscard, s->ip6s_opticmp, s->ip6s_rthdr0,
	    s->ip6s_badrthdr, s->ip6s_rtskip);
	printf("\t%lu fragments received, %lu atomic, %lu reassembled "
	    "datagrams\n", s->ip6s_fragments, s->ip6s_atomicfrag,
	    s->ip6s_reassembled);
	printf("\tfragments dropped: %lu bad length, %lu past 65535, "
	    "%lu incomplete chain, %lu duplicates, %lu overlap, %lu over "
	    "budget, %lu timed out, %lu drained\n", s->ip6s_fragbad,
	    s->ip6s_fragtoolong, s->ip6s_fragchain, s->ip6s_fragdup,
	    s->ip6s_fragoverlap, s->ip6s_fragdropped, s->ip6s_fragtimeout,
	    s->ip6s_fragdrained);
	printf("\treassembly now: %d datagrams, %d mbufs\n",
	    ip6_reass_count(), ip6_reass_mbufs());
	printf("\t%lu packets sent, %lu fragmented into %lu fragments, "
	    "%lu no route, %lu can't fragment, %lu output drops\n",
	    s->ip6s_localout, s->ip6s_fragmented, s->ip6s_ofragments,
	    s->ip6s_noroute, s->ip6s_cantfrag, s->ip6s_odropped);
}

static void
icmp6stat_print(void)
{
	struct icmp6stat *s = &icmp6stat;
	int i;

	printf("icmp6:\n\t%lu errors generated; not generated: %lu rate "
	    "limited, %lu about errors, %lu about multicast, %lu bad "
	    "source\n", s->icp6s_error, s->icp6s_ratelim, s->icp6s_olderr,
	    s->icp6s_mcast, s->icp6s_badsrc);
	printf("\tdropped: %lu too short, %lu bad checksum, %lu unknown "
	    "type, %lu unmatched replies, %lu errors received, %lu no "
	    "mbuf\n", s->icp6s_tooshort, s->icp6s_checksum,
	    s->icp6s_badtype, s->icp6s_nomatch, s->icp6s_errin,
	    s->icp6s_nombuf);
	printf("\t%lu echo replies sent (%lu to multicast), %lu received\n",
	    s->icp6s_reflect, s->icp6s_mcastecho, s->icp6s_echoreply);
	printf("\tinput histogram:");
	for (i = 0; i <= ICMP6_MAXTYPE; i++)
		if (s->icp6s_inhist[i])
			printf(" type %d: %lu", i, s->icp6s_inhist[i]);
	printf("\n\toutput histogram:");
	for (i = 0; i <= ICMP6_MAXTYPE; i++)
		if (s->icp6s_outhist[i])
			printf(" type %d: %lu", i, s->icp6s_outhist[i]);
	printf("\n");
}

static void
nd6stat_print(void)
{
	struct nd6stat *s = &nd6stat;

	printf("nd6:\n\t%lu solicitations, %lu advertisements received; "
	    "%lu solicitations, %lu advertisements sent\n", s->nd6s_nsin,
	    s->nd6s_nain, s->nd6s_nsout, s->nd6s_naout);
	printf("\tdropped: %lu bad hop limit, %lu bad code, %lu too short, "
	    "%lu multicast target, %lu bad option, %lu bad DAD "
	    "solicitation, %lu solicited to multicast, %lu for others, "
	    "%lu unasked advertisements, %lu router messages, %lu no "
	    "mbuf\n", s->nd6s_badhlim, s->nd6s_badcode, s->nd6s_tooshort,
	    s->nd6s_badtarget, s->nd6s_badopt, s->nd6s_baddad,
	    s->nd6s_badsflag, s->nd6s_notours, s->nd6s_naignored,
	    s->nd6s_routermsg, s->nd6s_nombuf);
	printf("\tDAD: %lu addresses confirmed, %lu duplicates (%lu not "
	    "logged)\n", s->nd6s_dadok, s->nd6s_dupaddr, s->nd6s_dupquiet);
	printf("\tcache: %d entries; %lu packets held, %lu hold drops, "
	    "%lu freed unresolved, %lu entries expired, %lu evicted, "
	    "%lu address changes, %lu flushed\n", nd6_count(), s->nd6s_held,
	    s->nd6s_holddrops, s->nd6s_timeouts, s->nd6s_expired,
	    s->nd6s_evicted, s->nd6s_lladdrchg, s->nd6s_flushed);
}

static void
udp6stat_print(void)
{
	struct udp6stat *s = &udp6stat;

	printf("udp6:\n\t%lu datagrams received, %lu delivered, %lu echoed, "
	    "%lu discarded\n", s->udp6s_ipackets, s->udp6s_delivered,
	    s->udp6s_echoed, s->udp6s_discarded);
	printf("\tdropped: %lu short header, %lu bad length, %lu zero "
	    "checksum, %lu bad checksum, %lu no port (unreachable sent), "
	    "%lu no port (multicast), %lu no mbuf\n", s->udp6s_hdrops,
	    s->udp6s_badlen, s->udp6s_nosum, s->udp6s_badsum,
	    s->udp6s_noport, s->udp6s_noportmcast, s->udp6s_nombuf);
	printf("\t%lu datagrams sent, %lu too big\n", s->udp6s_opackets,
	    s->udp6s_toobig);
}

void
netstat_inet6(void)
{
	ip6stat_print();
	icmp6stat_print();
	nd6stat_print();
	udp6stat_print();
}
