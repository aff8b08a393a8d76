/*
 * sys/cpu.h: the CPUs and their per-CPU data.
 *
 * Each CPU the machine started has one struct cpu_info, in cpu_info[]
 * (kern_cpu.c), indexed by cpu_number(); curcpu() is the running CPU's
 * own, reached through the arch's <machine/cpu.h> (%gs on x86_64, a
 * plain pointer to cpu_info[0] in the single-CPU host build).  The
 * interrupt priority level, the interrupt nesting, the spin mutex
 * nesting and the big lock's ownership are per CPU: they describe what
 * this CPU is doing, not what the machine is doing.
 *
 * Invariants: a field of ci is written only by the CPU ci describes,
 * except ci_idling, which any CPU may clear when it wakes ci with an
 * IPI, the cross-call slot (ci_xc_*), which the CPU that holds
 * ci_xc_busy fills and ci empties once it ran the call, and the counters,
 * which only their CPU increments; ncpu is
 * fixed once the secondary CPUs are started (md_cpu_start_secondary)
 * and never changes after.
 */
#ifndef _SYS_CPU_H_
#define _SYS_CPU_H_

#include <sys/types.h>

#define MAXCPUS		8	/* cpu_info[] slots; the rest are ignored */
#define CPU_MAXNEST	8	/* interrupt handlers nested on one CPU */

struct thread;

struct cpu_info {
	struct cpu_info	*ci_self;	/* first: %gs:0 on x86_64 */
	volatile int	 ci_ipl;	/* spl(9) level, IPL_* */
	volatile int	 ci_intrnest;	/* interrupt handlers running */
	int		 ci_mtx_count;	/* spin mutexes held */
	int		 ci_mtx_oldipl;	/* level before the first of them */
	int		 ci_giant;	/* this CPU holds the big lock */
	u_int		 ci_index;	/* cpu_number() */
	u_int		 ci_hwid;	/* local APIC id (x86_64) */
	volatile int	 ci_running;	/* came up and entered the scheduler */
	volatile int	 ci_idling;	/* halted in its idle loop */
	struct thread	*ci_curthread;
	struct thread	*ci_idlethread;
	int		 ci_intr_savedipl[CPU_MAXNEST];
	/* statistics, each written only by this CPU */
	volatile u_long	 ci_nswitch;	/* context switches */
	volatile u_long	 ci_nintr;	/* device and clock interrupts */
	volatile u_long	 ci_nipi;	/* wakeup IPIs received */
	volatile u_long	 ci_nidle;	/* times it halted idle */
	volatile u_long	 ci_giant_spins; /* loops waiting for the big lock */
	/* a cross-call to run here (cpu_xcall), and who may post one */
	void		(*volatile ci_xc_fn)(void *);
	void		*volatile ci_xc_arg;
	volatile int	 ci_xc_busy;
	volatile int	 ci_xc_done;	/* ci ran the call posted last */
	volatile u_long	 ci_nxcall;	/* cross-calls run here */
};

extern struct cpu_info cpu_info[MAXCPUS];
extern int ncpu;		/* CPUs running (1 until others start) */
extern volatile int smp_giant;	/* the interim big lock is in force */

#include <machine/cpu.h>	/* curcpu() */

static inline u_int
cpu_number(void)
{
	return (curcpu()->ci_index);
}

void	cpu_info_init(struct cpu_info *, u_int index, u_int hwid);
void	cpu_print_all(void);
void	cpu_xcall(u_int index, void (*fn)(void *), void *arg);
void	cpu_xcall_poll(void);

#endif /* !_SYS_CPU_H_ */
