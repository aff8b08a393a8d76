/*
 * tests/pthread/pt.h: what the threads-as-CPUs port (pt_mbport.c) offers
 * the programs above the mbuf module (pt_stress.c, pt_bench.c) besides
 * the seam: starting CPUs, a barrier, a clock, tunables, a watchdog
 * and the memory types' counts.  Like the module's files, its users
 * include no C library header; mbp_printf prints.
 *
 * Invariants: pt_init runs first, once, in the main thread, which is
 * then CPU 0 of one; pt_run returns only when every CPU it started has
 * returned, and only one pt_run runs at a time.
 */
#ifndef _PT_PT_H_
#define _PT_PT_H_

#include <sys/mbuf_port.h>

void	pt_init(void);
void	pt_run(int ncpu, void (*fn)(int cpu, void *arg), void *arg);
void	pt_run_nocpu(void (*fn)(void *), void *arg);
void	pt_barrier(void);
void	pt_interrupt(void (*fn)(void *), void *arg);
uint64_t pt_nsec(void);
void	pt_yield(void);
void	pt_set_tunable(const char *name, long val);
void	pt_watchdog(int secs, const char *what);
void	pt_exit(int status) __dead;
struct mbp_memtype *pt_memtypes(void);
u_long	pt_xcalls(void);
u_long	pt_sleeps(void);
bool	pt_getenv_long(const char *name, long *valp);

#endif /* !_PT_PT_H_ */
