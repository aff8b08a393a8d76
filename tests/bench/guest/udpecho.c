/*
 * udpecho.c: the Linux guest's UDP echo server for the packet-rate
 * benchmark (tests/bench/qemu-rate.sh): every datagram to the port is
 * sent back to its sender unchanged.  Built static into the guest's
 * initramfs; not part of the kernel.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in sin, from;
	socklen_t fl;
	static char buf[65536];
	ssize_t n;
	int s;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		perror("socket");
		return (1);
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(argc > 1 ? atoi(argv[1]) : 7);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("bind");
		return (1);
	}
	for (;;) {
		fl = sizeof(from);
		n = recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		    &fl);
		if (n >= 0)
			sendto(s, buf, n, 0, (struct sockaddr *)&from, fl);
	}
}
