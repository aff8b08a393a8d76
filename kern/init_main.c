/*
 * init_main.c: the kernel's start, top to bottom.
 *
 * The arch has set up the CPU, the console and the memory map and calls
 * kern_main with the command line.  Each subsystem is started here in
 * order, the clock is started, the other CPUs are started (each enters
 * its idle loop and takes threads from then on), what needs every CPU
 * running is done (threads bound to CPUs), interrupts are
 * unmasked, the self-tests run, and the boot thread becomes the
 * console shell (or leaves the machine with the test result when the
 * command line says halt=1).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/selftest.h>
#include <sys/shell.h>
#include <sys/machdep.h>

#include <net/ip_var.h>

void	subsys_init(void);
void	subsys_cpus_started(void);
/* Only the benchmark build (make bench) links the benchmarks in. */
void	bench_run(const char *) __attribute__((weak));

/*
 * Start every subsystem and unmask interrupts; returns in thread
 * context at IPL_NONE.  kern_main calls it; programs that embed the
 * kernel (the host fuzzers) call it instead of kern_main.
 */
void
kern_init(const char *cmdline)
{
	printf("mbufk: a BSD-style mbuf kernel\n");
	kenv_init(cmdline);
	printf("cmdline: \"%s\"\n", kern_cmdline);
	printf("memory: %zu KiB in %zu pages\n",
	    vm_page_total_count() * PAGE_SIZE / 1024, vm_page_total_count());

	sched_init();
	subsys_init();
	md_clock_start(hz);
	md_cpu_start_secondary();
	/*
	 * The boot CPU runs threads too: from here on it answers
	 * cross-calls (cpu_xcall does nothing for a CPU not running), so
	 * that mpipe(9)'s reclaim reaches what its caches hold.
	 */
	curcpu()->ci_running = 1;
	subsys_cpus_started();
	spl0();
}

void
kern_main(const char *cmdline)
{
	const char *pattern;
	long halt = 0;
	int failed = 0;

	kern_init(cmdline);

	kenv_getint("halt", &halt);
	pattern = kenv_get("selftest");
	if (pattern == NULL)
		pattern = "*";
	if (strcmp(pattern, "none") != 0) {
		failed = selftest_run(pattern);
		/* netstat -s counts real traffic, not the tests' frames. */
		netstat_reset();
		printf("netstat: protocol counters reset after the boot "
		    "self-tests\n");
	}
	if (kenv_get("bench") != NULL) {
		if (bench_run != NULL)
			bench_run(kenv_get("bench"));
		else
			printf("bench: no benchmarks in this build "
			    "(make bench)\n");
	}
	if (halt)
		md_exit(failed ? 1 : 0);
	shell_loop();
}
