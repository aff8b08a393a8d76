/*
 * udpecho.c: the Linux guest's UDP echo server for the packet-rate
 * benchmark (tests/bench/qemu-rate.sh): every datagram to the port is
 * sent back to its sender unchanged, over IPv6 or IPv4 (one dual-stack
 * socket; IPv4 alone when the kernel has no IPv6).  Built static into
 * the guest's initramfs; not part of the kernel.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	struct sockaddr_storage from;
	socklen_t fl;
	static char buf[65536];
	ssize_t n;
	int off = 0, s;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(argc > 1 ? atoi(argv[1]) : 7);
	sin6.sin6_addr = in6addr_any;
	/* One socket for both families (IPv4 as mapped addresses). */
	if ((s = socket(AF_INET6, SOCK_DGRAM, 0)) >= 0 &&
	    (setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &off,
	    sizeof(off)) < 0 || bind(s, (struct sockaddr *)&sin6,
	    sizeof(sin6)) < 0)) {
		close(s);
		s = -1;
	}
	if (s < 0) {
		/* No IPv6 in this kernel: IPv4 alone. */
		if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
			perror("socket");
			return (1);
		}
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = sin6.sin6_port;
		if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
			perror("bind");
			return (1);
		}
	}
	for (;;) {
		fl = sizeof(from);
		n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		    &fl);
		if (n >= 0)
			sendto(s, buf, n, 0, (struct sockaddr *)&from, fl);
	}
}
