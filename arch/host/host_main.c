/*
 * host_main.c: main() of the host program: the command line words
 * become the kernel command line, then the kernel starts as it does on
 * the machine.  The fuzzers link host_machdep.c without this file and
 * call kern_init themselves.
 *
 * The kernel's words are "key=value" or "key" (kenv(9)); a word that
 * starts with '-' is an option of this program: -h and --help print
 * the usage and exit 0, anything else is an error (exit 2), as is a
 * command line too long for the kernel's buffer.  The usage lists every
 * word the kernel reads (tests/suite-35-newcomer.sh checks the list
 * against the sources).
 */
#include <stdio.h>
#include <string.h>

#include "../../sys/machdep.h"

int	host_mem_init(void);

static const char usage_text[] =
"usage: %s [word ...]\n"
"       %s -h | --help\n"
"\n"
"The mbufk kernel as a Linux process.  Each word is a kernel command\n"
"line word, key=value or key (kenv(9)); with halt=1 the program\n"
"exits after the self-tests with 0 when all passed, 1 otherwise (2\n"
"for a usage error); without it the shell runs on stdin, and the\n"
"program exits 0 at its end.\n"
"\n"
"  selftest=PATTERN     run the self-tests matching PATTERN, globs\n"
"                       separated by commas (default *); an element\n"
"                       that matches no test fails the run\n"
"  selftest=none        run no self-test\n"
"  selftest_times=1     print each self-test's duration\n"
"  halt=1               leave after the self-tests; without it the\n"
"                       shell reads its commands from stdin\n"
"  mbuf_prop_seed=N     seed of the mbuf2.prop property test\n"
"  mbuf_prop_steps=N    its step count\n"
"  mbuf_prop_trace=N    m_print the packet before step N\n"
"  nmbufs=N             cap on mbufs (msys(9))\n"
"  nmbclusters=N        cap on clusters (msys(9))\n"
"  ip=ADDR[/LEN]        the interface's address (ifnet(9))\n"
"  gw=ADDR              the default gateway (ifnet(9))\n"
"  ipfragttl=SECONDS    reassembly timeout (ip(9))\n"
"  ip6=ADDR/LEN|none    the interface's IPv6 address (ip6(9))\n"
"  ip6dad=N             duplicate address detection probes (nd6(9))\n"
"  ip6fragttl=SECONDS   IPv6 reassembly timeout (ip6(9))\n"
"  ip6maxexthdrs=N      extension headers walked at most (ip6(9))\n"
"  ip6maxextlen=BYTES   their total length at most (ip6(9))\n"
"  icmp6errpps=N        ICMPv6 errors sent per second (icmp6(9))\n"
"  reflect=1            the NIC bounces frames (QEMU kernel only, em(4))\n"
"  bench=SECTION        benchmarks (build/bench/kernel only): alloc,\n"
"                       chain, memory, scaling, all or loop:NAME\n"
"  iters=N              benchmark iterations per figure\n"
"\n"
"Example: %s 'selftest=mbuf.*' halt=1\n";

static void
usage(FILE *fp, const char *prog)
{
	fprintf(fp, usage_text, prog, prog, prog);
}

int
main(int argc, char **argv)
{
	static char cmdline[512];
	size_t len = 0;
	int i;

	for (i = 1; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (argv[i][0] == '-') {
			if (strcmp(argv[i], "-h") == 0 ||
			    strcmp(argv[i], "--help") == 0) {
				usage(stdout, argv[0]);
				return (0);
			}
			fprintf(stderr, "%s: unknown option %s (kernel words "
			    "have no '-'; see %s --help)\n", argv[0], argv[i],
			    argv[0]);
			return (2);
		}
		if (len + n + 2 > sizeof(cmdline)) {
			fprintf(stderr, "%s: the command line is longer than "
			    "the kernel's %zu bytes\n", argv[0],
			    sizeof(cmdline) - 1);
			return (2);
		}
		if (len > 0)
			cmdline[len++] = ' ';
		memcpy(cmdline + len, argv[i], n);
		len += n;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (host_mem_init() != 0)
		return (1);
	kern_main(cmdline);
}
