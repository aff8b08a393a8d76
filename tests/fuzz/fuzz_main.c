/*
 * fuzz_main.c: libFuzzer's side of the host fuzzers (make fuzz).
 *
 * The kernel (kern/, net/ and tests/fuzz/kern/, built with clang,
 * ASan, UBSan and libFuzzer's coverage) starts once through kern_init;
 * each input then goes to the target named by the environment variable
 * MBUFK_FUZZ: "frame" (Ethernet frames through the stack, the default),
 * "frame6" (IPv6 packets with their checksums set, fragmented or not)
 * or "mbuf" (a sequence of mbuf calls against a flat model).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sys/machdep.h"
#include "kern/fuzz.h"

int	host_mem_init(void);

static const struct target {
	const char	*name;
	void		(*setup)(void);
	int		(*one)(const uint8_t *, size_t);
} targets[] = {
	{ "frame", fuzz_frame_setup, fuzz_frame_one },
	{ "frame6", fuzz_frame_setup, fuzz_frame6_one },
	{ "mbuf", fuzz_mbuf_setup, fuzz_mbuf_one },
};
static const struct target *target = &targets[0];

void
fuzz_abort(void)
{
	fflush(stdout);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char **argv[])
{
	const char *t = getenv("MBUFK_FUZZ");
	size_t i;

	for (i = 0; t != NULL && i < sizeof(targets) / sizeof(targets[0]); i++)
		if (strcmp(t, targets[i].name) == 0)
			target = &targets[i];
	if (t != NULL && strcmp(t, target->name) != 0) {
		fprintf(stderr, "fuzz: no target %s\n", t);
		exit(2);
	}
	if (host_mem_init() != 0)
		abort();
	kern_init("selftest=none");
	target->setup();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return (target->one(data, size));
}
