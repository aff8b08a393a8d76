/*
 * sys/machdep.h: the porting seam.
 *
 * Everything machine-independent code needs from a machine is listed
 * here and nowhere else.  arch/x86_64 implements it on bare metal (QEMU),
 * arch/host as an ordinary Linux process.  Another kernel that wants
 * kern/ and net/ implements these calls and nothing more.
 *
 * Invariants: md_intr_disable/md_intr_enable nest nowhere (kern_spl.c
 * keeps the level); md_ctx_switch is called with interrupts disabled;
 * interrupt handlers run on the stack of the interrupted thread and are
 * bracketed by intr_enter()/intr_exit().
 */
#ifndef _SYS_MACHDEP_H_
#define _SYS_MACHDEP_H_

/* Only standard headers: arch/host compiles this beside libc. */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Console: one byte out; one byte in or -1 when none is waiting. */
void	md_cons_putc(int);
int	md_cons_getc(void);

/*
 * Interrupt masking on this CPU, md_intr_disable and md_intr_enable, is
 * inline in the arch's <machine/spl.h> (included by sys/systm.h);
 * md_idle waits for the next interrupt.
 */
void	md_idle(void);
/* True when interrupts arrive on their own (hardware); false when the
 * machine only delivers them from md_idle (the host simulator). */
extern const bool md_async_interrupts;

/* Start the periodic clock: call hardclock() hz times a second. */
void	md_clock_start(int hz);
/* A fast free-running cycle counter and its rate (for benchmarks). */
uint64_t md_cycles(void);
uint64_t md_nanotime(void);

/*
 * Saved execution context.  The layout is private to the architecture;
 * kern/ only takes its address.  md_ctx_init prepares ctx so that the
 * first md_ctx_switch into it calls entry() on the given stack.
 */
struct md_ctx {
	uint64_t	mc_sp;
};
void	md_ctx_init(struct md_ctx *, void *stack, size_t size,
	    void (*entry)(void));
void	md_ctx_switch(struct md_ctx *from, struct md_ctx *to);

/*
 * Non-local jump, used only by panic capture in the self-tests.  Room
 * for the callee-saved state of each arch (s390x's, %r6-%r15 and
 * %f8-%f15, is the largest); the layout is the arch's.
 */
struct md_jmpbuf {
	uint64_t	jb_regs[18];
};
int	md_setjmp(struct md_jmpbuf *) __attribute__((returns_twice));
void	md_longjmp(struct md_jmpbuf *, int) __attribute__((noreturn));

/* Leave the machine: exit code for the harness; reboot; stack trace. */
void	md_exit(int) __attribute__((noreturn));
void	md_reboot(void) __attribute__((noreturn));
void	md_backtrace(void);

/* Memory: the arch hands usable RAM to the page allocator at boot. */
void	vm_page_add_region(uintptr_t start, uintptr_t end);

/*
 * The machine-independent entry point, called once by the arch; or
 * kern_init alone, which starts the kernel and returns (for programs
 * that embed it, such as the host fuzzers).
 */
void	kern_main(const char *cmdline) __attribute__((noreturn));
void	kern_init(const char *cmdline);

/*
 * Several CPUs (smp(9)).  md_cpu_start_secondary finds and starts the
 * machine's other CPUs, each of which ends in sched_cpu_start, and
 * returns when each has come up or has been given up on; with one CPU
 * it does nothing.  md_cpu_wake interrupts ci (an IPI) so that it
 * leaves md_idle; md_cpu_stop_others stops every other CPU for good
 * (panic), even one that has interrupts masked.
 */
struct cpu_info;
void	md_cpu_start_secondary(void);
void	md_cpu_wake(struct cpu_info *);
void	md_cpu_stop_others(void);

/* Called by the arch at interrupt time. */
void	intr_enter(void);
void	intr_exit(void);
void	hardclock(void);

#endif /* !_SYS_MACHDEP_H_ */
