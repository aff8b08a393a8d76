/*
 * sys/mbuf_port.h: the seam below the mbuf module, mbuf_port(9).
 *
 * The mbuf module (sys/mbuf.h, sys/mpipe.h, sys/msys.h, sys/os_mbuf.h,
 * sys/queue.h, sys/_types.h, this header, kern/mbuf_private.h and the C
 * files tests/port/modfiles.sh lists) reaches the kernel it is compiled
 * into only through the names below.  A port supplies two things:
 *
 *   - <machine/mbuf_port.h>: inline interrupt masking, atomic counters,
 *     the memory type and the error numbers (the fast paths of m_get and
 *     m_free call them, so they must be inline);
 *   - a C file defining every function declared here.
 *
 * Invariants: the module calls nothing else (tests/suite-13-module.sh
 * checks with nm that the module's objects leave exactly these names
 * undefined); every name the module defines is its own (m_*, mb*,
 * mpipe_*, msys_*, os_*, in_cksum*, mq_*, M_*).  On several CPUs the
 * pipes (mpipe(9)) keep their shared state under an mbp_lock, a spin
 * lock that also masks interrupts on its CPU, and their per-CPU caches
 * with interrupts masked on this CPU alone (mbp_intr_disable); the rest
 * of the module (packet queues, msys's table, os_mbuf's pools and
 * queues) under mbp_locks of its own, and failure injection with a
 * compare-and-swap: the module calls no mbp_spl function, so on this
 * kernel it never takes the interim big lock (smp(9)).
 */
#ifndef _SYS_MBUF_PORT_H_
#define _SYS_MBUF_PORT_H_

/* The headers every freestanding C implementation provides. */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>

/*
 * The BSD type names the module's headers use (u_int, caddr_t, ...).  A
 * kernel with its own may keep them: C11 allows a typedef to be
 * repeated with the same type.
 */
#include <sys/_types.h>

/* Compiler helpers; the same spelling as <sys/cdefs.h> in the BSDs. */
#ifndef __predict_true
#define __predict_true(e)	__builtin_expect(!!(e), 1)
#endif
#ifndef __predict_false
#define __predict_false(e)	__builtin_expect(!!(e), 0)
#endif
#ifndef __dead
#define __dead			__attribute__((noreturn))
#endif
#ifndef __printflike
#define __printflike(f, a)	__attribute__((format(printf, f, a)))
#endif
#ifndef __unused
#define __unused		__attribute__((unused))
#endif
#ifndef CTASSERT
#define CTASSERT(x)	_Static_assert(x, "CTASSERT(" #x ")")
#endif
#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#ifndef roundup
#define roundup(x, y)	((((x) + ((y) - 1)) / (y)) * (y))
#endif
#ifndef howmany
#define howmany(x, y)	(((x) + ((y) - 1)) / (y))
#endif
#ifndef powerof2
#define powerof2(x)	((((x) - 1) & (x)) == 0)
#endif
#ifndef MIN
#define MIN(a, b)	(((a) < (b)) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b)	(((a) > (b)) ? (a) : (b))
#endif

/*
 * Memory: the four routines GCC requires of any freestanding environment
 * (it may emit calls to them itself).  Their usual C contracts.  The
 * macros let the compiler inline small constant-size copies even under
 * -fno-builtin.
 */
void	*(memcpy)(void *, const void *, size_t);
void	*(memmove)(void *, const void *, size_t);
void	*(memset)(void *, int, size_t);
int	 (memcmp)(const void *, const void *, size_t);

/* Flags of mbp_malloc. */
#define MBP_NOWAIT	0x0001	/* never sleep; may return NULL */
#define MBP_WAITOK	0x0002	/* may sleep; never returns NULL */
#define MBP_ZERO	0x0004	/* clear the memory */

/*
 * The port's inline half: it defines
 *   struct mbp_memtype	a memory type (this kernel: struct malloc_type);
 *   MBP_MEMTYPE_DEFINE(name, shortdesc)	define one (file scope);
 *   MBP_MEMTYPE_DECLARE(name)		declare one;
 *   int  mbp_splnet(void), mbp_splhigh(void)	mask interrupts at least
 *	to the network level / all of them; return the previous level;
 *   void mbp_splx(int)		restore a level returned by the above
 *	(these three for the port's own use and the kernel's tests: the
 *	module calls none of them, and a port may leave them out);
 *   bool mbp_cansleep(void)	true in thread context at the lowest level;
 *   bool mbp_in_interrupt(void) true in an interrupt handler;
 *   int  mbp_curipl(void)	the current level (for panic messages);
 *   void mbp_counter_add(volatile u_long *, long)	add, atomic against
 *	interrupt handlers of this CPU;
 *   void mbp_pcpu_add(volatile u_long *, long)	add to a counter that
 *	only the running CPU writes (its slot of a per-CPU array): atomic
 *	against this CPU's interrupt handlers, with no lock and no atomic
 *	read-modify-write; other CPUs read the word whole at any time.
 *	The caller stays on its CPU between mbp_cpu_index and the add
 *	(thread context on a kernel that does not preempt, or interrupts
 *	masked); never from an mbp_xcall function;
 *   u_int mbp_refcnt_add(volatile u_int *, int)	same, returns new value;
 *   struct mbp_lock	a spin lock that masks interrupts (below);
 *   MBP_MAXCPUS	the most CPUs the port runs (1 on one CPU);
 *   u_int mbp_cpu_index(void)	the running CPU, 0 .. MBP_MAXCPUS - 1;
 *   u_int mbp_ncpu(void)	the CPUs running now (1 .. MBP_MAXCPUS);
 *   int  mbp_intr_disable(void)	mask every interrupt on this CPU alone
 *	(no lock, on any CPU); return what mbp_intr_restore wants back;
 *   void mbp_intr_restore(int)	undo it; the pair nests inside and
 *	around mbp_splhigh and mbp_lock_enter;
 *   mbp_poison(p, n), mbp_unpoison(p, n), mbp_ispoisoned(p)  a memory
 *	checker's hooks (no-ops, and 0, without one);
 *   ENOBUFS EPERM EMSGSIZE EINVAL EEXIST ENOSPC EWOULDBLOCK: the host's
 *	error numbers, which the module returns.
 */
#include <machine/mbuf_port.h>

/* After the port's header, which may declare them again. */
#ifndef memcpy
#define memcpy(d, s, n)		__builtin_memcpy((d), (s), (n))
#define memmove(d, s, n)	__builtin_memmove((d), (s), (n))
#define memset(d, c, n)		__builtin_memset((d), (c), (n))
#define memcmp(a, b, n)		__builtin_memcmp((a), (b), (n))
#endif

/*
 * mbp_malloc: size bytes of the port's memory, counted against type.
 * MBP_NOWAIT: any context; never sleeps; NULL when there is none.
 * MBP_WAITOK: thread context at the lowest level only; may sleep; never
 * returns NULL.  MBP_ZERO may be or'ed into either.  The memory is
 * aligned for any object (at least 16 bytes, page-aligned when size is a
 * multiple of the page size).
 */
void	*mbp_malloc(size_t size, struct mbp_memtype *type, int flags);
/* mbp_free: give back what mbp_malloc returned; any context; no sleep. */
void	 mbp_free(void *addr, struct mbp_memtype *type);
/* mbp_memtype_init: make type known (its statistics); before first use. */
void	 mbp_memtype_init(struct mbp_memtype *type);
/* mbp_memtype_name: type's short name ("mbuf"); never NULL. */
const char *mbp_memtype_name(const struct mbp_memtype *type);

/* mbp_wakeup: wake every thread asleep on chan; any context; no sleep. */
void	 mbp_wakeup(const void *chan);

/*
 * mbp_panic: print the formatted message and stop (or, in a test
 * harness, unwind to the test); never returns; any context.  The
 * message names the caller's mistake.
 */
void	 mbp_panic(const char *fmt, ...) __dead __printflike(1, 2);
/*
 * mbp_printf: diagnostic output, any context, never sleeps.  Both take
 * the C formats %d %i %u %x %X %o %c %s %p %% with the flags - 0 and a
 * width, the l and ll sizes, and %zu.
 */
int	 mbp_printf(const char *fmt, ...) __printflike(1, 2);
/* mbp_vsnprintf: format into buf (always terminated); the C return. */
int	 mbp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/*
 * mbp_lock: a spin lock that also masks interrupts on the CPU that holds
 * it, as NetBSD's spin mutex(9) and FreeBSD's mtx_lock_spin.
 * mbp_lock_init: make it free; before first use, once.  mbp_lock_enter:
 * any context; mask this CPU's interrupts and spin until no other CPU
 * holds it; taking a lock this CPU already holds is a bug (the port may
 * panic).  mbp_lock_exit: release it and put this CPU's interrupt state
 * back as it was before the matching enter.  Locks nest (released in
 * any order); while one is held the caller may call mbp_wakeup,
 * mbp_printf, mbp_panic and other mbp_lock functions only, never
 * mbp_malloc, mbp_free or mbp_sleep.  mbp_lock_sleep: thread context,
 * the caller holds lk and no other lock, and was at the lowest level
 * when it took it; sleeps on chan until mbp_wakeup(chan) or, when timo
 * > 0, timo ticks (0 when woken, EWOULDBLOCK when the time ran out);
 * lk is released only once the thread is asleep (a wakeup issued by a holder
 * of lk after the caller's
 * check is never lost) and is held again when it returns.
 */
void	 mbp_lock_init(struct mbp_lock *lk, const char *name);
void	 mbp_lock_enter(struct mbp_lock *lk);
void	 mbp_lock_exit(struct mbp_lock *lk);
int	 mbp_lock_sleep(struct mbp_lock *lk, const void *chan,
	    const char *wmesg, int timo);

/*
 * mbp_xcall: run fn(arg) on CPU cpu (an mbp_cpu_index) with its
 * interrupts masked, at a point outside any section where that CPU
 * masked them itself (mbp_intr_disable, mbp_lock_enter) other than a
 * wait for a lock, and return once it has run; at once when cpu is this
 * CPU; nothing when cpu is not running.  Any context; the caller may
 * hold mbp_locks (the target answers while it waits for one); fn takes
 * no lock, does not sleep and calls no mbp_ function.
 * A port on one CPU calls fn(arg) for cpu 0.
 */
void	 mbp_xcall(u_int cpu, void (*fn)(void *), void *arg);

/* mbp_hz: clock ticks per second (the unit of mbp_lock_sleep's timo). */
int	 mbp_hz(void);

/*
 * mbp_tunable: a boot-time setting by name ("nmbclusters"): true and
 * *valp set when the kernel has one, false otherwise (the module then
 * keeps its default).  Thread context, at boot.
 */
bool	 mbp_tunable(const char *name, long *valp);

/* The module's own assertions, over mbp_panic. */
#ifdef DIAGNOSTIC
#define MBP_ASSERT(e)	do {						\
	if (__predict_false(!(e)))					\
		mbp_panic("kernel assertion \"%s\" failed: file \"%s\", " \
		    "line %d", #e, __FILE__, __LINE__);			\
} while (0)
#else
#define MBP_ASSERT(e)	do { (void)sizeof(e); } while (0)
#endif
#define MBP_ASSERTMSG(e, ...) do {					\
	if (__predict_false(!(e)))					\
		mbp_panic(__VA_ARGS__);					\
} while (0)

#endif /* !_SYS_MBUF_PORT_H_ */
