/*
 * host_machdep.c: the porting seam (sys/machdep.h) for a Linux process.
 *
 * The same kern/, net/ and tests/kern/ sources run as an ordinary
 * program so that AddressSanitizer, UndefinedBehaviorSanitizer, fuzzers
 * and benchmarks can see them.  This file is the whole machine:
 *  - memory: one anonymous mapping handed to the page allocator;
 *  - console: stdout, and stdin for the shell (which runs when the
 *    command line has no halt=1); at the end of stdin the program
 *    leaves with status 0;
 *  - interrupts: none arrive on their own; the idle thread delivers one
 *    clock tick per idle pass, so time is virtual and advances only
 *    when every thread waits (tests with timeouts run at full speed);
 *  - context switch: arch/x86_64/ctx.S, the same System V code (the
 *    portability builds: arch/host/ctx-i386.S, arch/host/ctx-s390x.S);
 *  - cycles: the time stamp counter on x86, else md_nanotime;
 *  - CPUs: one; md_cpu_start_secondary, md_cpu_wake and
 *    md_cpu_stop_others have nothing to do.
 * Kernel symbols that clash with libc (printf, malloc, free, ...) are
 * renamed in the kernel object (arch/host/kern.syms).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <execinfo.h>
#include <sys/mman.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "../../sys/machdep.h"

#define HOST_MEM	(256UL << 20)

int	host_mem_init(void);

const bool md_async_interrupts = false;

void
md_cons_putc(int c)
{
	putchar(c);
	if (c == '\n')
		fflush(stdout);
}

int
md_cons_getc(void)
{
	unsigned char c;

	/* Time stands still while the shell waits: nothing else runs. */
	fflush(stdout);
	if (read(0, &c, 1) == 1)
		return (c);
	printf("\n");
	md_exit(0);
	return (-1);
}

void
md_idle(void)
{
	intr_enter();
	hardclock();
	intr_exit();
}

void
md_clock_start(int hz)
{
	(void)hz;
}

uint64_t
md_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return (__rdtsc());
#else
	return (md_nanotime());
#endif
}

uint64_t
md_nanotime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec);
}

void
md_exit(int code)
{
	fflush(stdout);
	exit(code);
}

void
md_reboot(void)
{
	md_exit(2);
}

void
md_backtrace(void)
{
	void *pcs[32];
	int n;

	printf("backtrace:\n");
	fflush(stdout);
	n = backtrace(pcs, 32);
	backtrace_symbols_fd(pcs, n, 1);
}

/* Give the kernel its memory: one anonymous mapping. */
int
host_mem_init(void)
{
	void *mem;

	mem = mmap(NULL, HOST_MEM, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		return (-1);
	}
	vm_page_add_region((uintptr_t)mem, (uintptr_t)mem + HOST_MEM);
	return (0);
}

/* One simulated CPU: there is no other to start, wake or stop. */
void
md_cpu_start_secondary(void)
{
}

void
md_cpu_wake(struct cpu_info *ci)
{
	(void)ci;
}

void
md_cpu_stop_others(void)
{
}
