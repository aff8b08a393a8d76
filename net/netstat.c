/*
 * net/netstat.c: "netstat -s", the protocol statistics.
 *
 * What it is for: one place that prints every counter of the stack, so
 * that each drop can be traced to its cause.  netstat_protocols is
 * called by the netstat shell command below for -s; -m prints the
 * mbuf module's counters.
 * Counters are read at splnet so that each line is consistent;
 * netstat_reset zeroes them after the boot self-tests.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/os_mbuf.h>
#include <sys/shell.h>

#include <net/in.h>
#include <net/if.h>
#include <net/if_ether.h>
#include <net/ip_var.h>
#include <net/ip6_var.h>

static void
ipstat_print(void)
{
	struct ipstat *s = &ipstat;

	printf("ip:\n\t%lu total packets received, %lu delivered\n",
	    s->ips_total, s->ips_delivered);
	printf("\tdropped: %lu too small, %lu bad version, %lu bad header "
	    "length, %lu bad header checksum, %lu ip_len below header, "
	    "%lu ip_len past frame, %lu not for us, "
	    "%lu unknown protocol, %lu no mbuf\n", s->ips_toosmall,
	    s->ips_badvers, s->ips_badhlen, s->ips_badsum, s->ips_badlen,
	    s->ips_tooshort, s->ips_notforus, s->ips_noproto, s->ips_nombuf);
	printf("\tmartians dropped: %lu source 0.0.0.0, %lu broadcast "
	    "source, %lu multicast source, %lu class E source, %lu loopback "
	    "source off lo0, %lu own source off lo0, %lu loopback "
	    "destination off lo0\n", s->ips_srczero, s->ips_srcbcast,
	    s->ips_srcmcast, s->ips_srcclasse, s->ips_srcloop,
	    s->ips_srcours, s->ips_dstloop);
	printf("\t%lu fragments received, %lu reassembled datagrams\n",
	    s->ips_fragments, s->ips_reassembled);
	printf("\tfragments dropped: %lu bad length, %lu past 65535, "
	    "%lu duplicates, %lu over budget, %lu timed out, %lu drained; "
	    "%lu overlaps trimmed\n", s->ips_fragbad, s->ips_toolong,
	    s->ips_fragdup, s->ips_fragdropped, s->ips_fragtimeout,
	    s->ips_fragdrained, s->ips_fragoverlap);
	printf("\treassembly now: %d datagrams, %d mbufs\n",
	    ip_reass_count(), ip_reass_mbufs());
	printf("\t%lu packets sent, %lu fragmented into %lu fragments, "
	    "%lu no route, %lu can't fragment, %lu output drops, "
	    "%lu loopback source not sent\n",
	    s->ips_localout, s->ips_fragmented, s->ips_ofragments,
	    s->ips_noroute, s->ips_cantfrag, s->ips_odropped,
	    s->ips_oloopsrc);
}

static void
icmpstat_print(void)
{
	struct icmpstat *s = &icmpstat;
	int i;

	printf("icmp:\n\t%lu errors generated; not generated: %lu about "
	    "ICMP errors, %lu about later fragments, %lu about "
	    "broadcasts, %lu about short packets\n", s->icps_error,
	    s->icps_oldicmp, s->icps_oldfrag, s->icps_bmcast,
	    s->icps_errshort);
	printf("\tdropped: %lu too short, %lu bad checksum, %lu unhandled "
	    "type, %lu broadcast echo, %lu unmatched replies, %lu no mbuf\n",
	    s->icps_tooshort, s->icps_checksum, s->icps_badtype,
	    s->icps_bmcastecho, s->icps_nomatch, s->icps_nombuf);
	printf("\t%lu echo replies sent, %lu received; %lu unreachable, "
	    "%lu time exceeded received\n", s->icps_reflect,
	    s->icps_echoreply, s->icps_unreach, s->icps_timxceed);
	printf("\tinput histogram:");
	for (i = 0; i <= ICMP_MAXTYPE; i++)
		if (s->icps_inhist[i])
			printf(" type %d: %lu", i, s->icps_inhist[i]);
	printf("\n\toutput histogram:");
	for (i = 0; i <= ICMP_MAXTYPE; i++)
		if (s->icps_outhist[i])
			printf(" type %d: %lu", i, s->icps_outhist[i]);
	printf("\n");
}

static void
udpstat_print(void)
{
	struct udpstat *s = &udpstat;

	printf("udp:\n\t%lu datagrams received, %lu delivered, %lu echoed, "
	    "%lu discarded, %lu without checksum\n", s->udps_ipackets,
	    s->udps_delivered, s->udps_echoed, s->udps_discarded,
	    s->udps_nosum);
	printf("\tdropped: %lu short header, %lu bad length, %lu bad "
	    "checksum, %lu no port (unreachable sent), %lu no port "
	    "(broadcast), %lu no mbuf\n", s->udps_hdrops, s->udps_badlen,
	    s->udps_badsum, s->udps_noport, s->udps_noportbcast,
	    s->udps_nombuf);
	printf("\tnot echoed: %lu from a looping port, %lu from our own "
	    "address\n", s->udps_echoloop, s->udps_echoself);
	printf("\t%lu datagrams sent, %lu too big\n", s->udps_opackets,
	    s->udps_toobig);
}


/*
 * Zero the protocol counters: the kernel does it once the boot
 * self-tests are done, so that netstat -s counts only real traffic.
 */
void
netstat_reset(void)
{
	int s;

	s = splnet();
	memset(&etherstat, 0, sizeof(etherstat));
	memset(&arpstat, 0, sizeof(arpstat));
	memset(&ipstat, 0, sizeof(ipstat));
	memset(&icmpstat, 0, sizeof(icmpstat));
	memset(&udpstat, 0, sizeof(udpstat));
	memset(&ip6stat, 0, sizeof(ip6stat));
	memset(&icmp6stat, 0, sizeof(icmp6stat));
	memset(&nd6stat, 0, sizeof(nd6stat));
	memset(&udp6stat, 0, sizeof(udp6stat));
	splx(s);
}

void
netstat_protocols(void)
{
	int s;

	s = splnet();
	arpstat_print();
	ipstat_print();
	icmpstat_print();
	udpstat_print();
	netstat_inet6();
	splx(s);
}

/*
 * The netstat command: -m, -m -v and -s.
 */
/* -m: the summary; -m -v: then every counter, pipe, class and pool. */
static void
netstat_memory(int verbose)
{
	mbstat_print();
	if (!verbose)
		return;
	printf("\n");
	mbstat_print_verbose();
	printf("\n");
	mpipe_print_all();
	printf("\n");
	msys_print();
	os_msys_print();
}

SHELL_CMD(netstat, "netstat -m [-v] | netstat -s: memory (-v: every pipe "
    "and pool too) or protocol statistics")
{
	if (argc == 2 && strcmp(argv[1], "-s") == 0) {
		netstat_protocols();
		return (0);
	}
	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "-m") == 0 &&
	    (argc == 2 || strcmp(argv[2], "-v") == 0)) {
		netstat_memory(argc == 3);
		return (0);
	}
	return (shell_usage(argv[0]));
}
