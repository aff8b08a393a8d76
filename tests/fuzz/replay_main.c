/*
 * replay_main.c: a driver for the fuzz targets without libFuzzer, for
 * the gcc-built portability builds (make portable; tests/suite-16-be.sh
 * and tests/suite-17-i686.sh replay tests/fuzz/regress with it).
 *
 *	MBUFK_FUZZ=TARGET ./build/s390x-fz/kernel FILE...
 *
 * It calls fuzz_main.c's LLVMFuzzerInitialize once, then
 * LLVMFuzzerTestOneInput with each file's bytes, as libFuzzer does when
 * given files; a target that finds a fault aborts (fuzz_abort), so the
 * exit status is 0 only when every input ran clean.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
main(int argc, char **argv)
{
	FILE *fp;
	uint8_t *buf;
	long len;
	int i;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if ((fp = fopen(argv[i], "rb")) == NULL ||
		    fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 ||
		    fseek(fp, 0, SEEK_SET) != 0) {
			perror(argv[i]);
			return (2);
		}
		/* One byte more, so that an empty input is a valid buffer. */
		if ((buf = malloc(len + 1)) == NULL ||
		    fread(buf, 1, len, fp) != (size_t)len) {
			perror(argv[i]);
			return (2);
		}
		fclose(fp);
		printf("replay %s (%ld bytes)\n", argv[i], len);
		fflush(stdout);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	printf("replayed %d input(s)\n", argc - 1);
	return (0);
}
