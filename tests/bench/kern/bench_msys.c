/*
 * bench_msys.c: the size classes (msys) in the allocation and memory
 * benchmarks.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>

#include "bench.h"

void
bench_msys(long n, struct bres *ref)
{
	printf("  %-34s %10s\n", "msys by size", "(not built yet)");
}

void
bench_memory_msys(const int *sizes, int n)
{
	printf("  %-40s %10s\n", "this kernel, default msys classes",
	    "(not built yet)");
}
