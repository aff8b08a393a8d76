/*
 * host_main.c: main() of the host program: the command line words
 * become the kernel command line, then the kernel starts as it does on
 * the machine.  The fuzzers link host_machdep.c without this file and
 * call kern_init themselves.
 */
#include <stdio.h>
#include <string.h>

#include "../../sys/machdep.h"

int	host_mem_init(void);

int
main(int argc, char **argv)
{
	static char cmdline[512];
	size_t len = 0;
	int i;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	for (i = 1; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (len + n + 2 > sizeof(cmdline))
			break;
		if (len > 0)
			cmdline[len++] = ' ';
		memcpy(cmdline + len, argv[i], n);
		len += n;
	}
	if (host_mem_init() != 0)
		return (1);
	kern_main(cmdline);
}
