/*
 * kern/kern_mbport.h: this kernel's inline half of the mbuf module's
 * seam (sys/mbuf_port.h), included by <machine/mbuf_port.h> on both
 * machines (x86_64 and the host build).
 *
 * Each call is this kernel's own inline (spl(9), counter_add), so the
 * module's fast paths cost what they cost before the seam: no call is
 * added.  The memory type is malloc(9)'s; the lock is a spin
 * mutex(9); mbp_intr_disable is splhigh without the big lock.
 */
#ifndef _KERN_KERN_MBPORT_H_
#define _KERN_KERN_MBPORT_H_

#include <sys/types.h>
#include <sys/errno.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/cpu.h>
#include <sys/mutex.h>

#define mbp_memtype		malloc_type
#define MBP_MEMTYPE_DEFINE(name, shortdesc)				\
	MALLOC_DEFINE(name, shortdesc, shortdesc)
#define MBP_MEMTYPE_DECLARE(name)	MALLOC_DECLARE(name)

CTASSERT(MBP_NOWAIT == M_NOWAIT && MBP_WAITOK == M_WAITOK &&
    MBP_ZERO == M_ZERO);

static inline int mbp_splnet(void) { return (splnet()); }
static inline int mbp_splhigh(void) { return (splhigh()); }
static inline void mbp_splx(int s) { splx(s); }
static inline bool mbp_cansleep(void) { return (cansleep()); }
static inline bool mbp_in_interrupt(void) { return (in_interrupt()); }
static inline int mbp_curipl(void) { return (curipl()); }

/* A spin mutex(9); the functions are in kern_mbport.c. */
struct mbp_lock {
	struct mutex	ml_mtx;
};

#define MBP_MAXCPUS	MAXCPUS

static inline u_int
mbp_cpu_index(void)
{
#if MD_MULTIPROCESSOR
	return (curcpu()->ci_index);
#else
	return (0);
#endif
}

static inline u_int
mbp_ncpu(void)
{
	return ((u_int)ncpu);
}

/*
 * splhigh and splx on this CPU, without the big lock (smp(9)): what
 * they protect is this CPU's own.  The level is raised too, so a spin
 * mutex taken inside leaves the interrupts masked when it is released.
 */
static inline int
mbp_intr_disable(void)
{
	int old = CPU_IPL;

	md_intr_disable();
	CPU_IPL = IPL_HIGH;
	return (old);
}

static inline void
mbp_intr_restore(int s)
{
	CPU_IPL = s;
	if (s == IPL_NONE && CPU_INTRNEST == 0)
		md_intr_enable();
}

static inline void
mbp_counter_add(volatile u_long *c, long v)
{
	counter_add(c, v);
}

/*
 * A counter only this CPU writes: on x86_64 one add to memory, which
 * this CPU's interrupts cannot split and which needs no lock prefix
 * (no other CPU writes the word); elsewhere (the host build's other
 * machines, on one CPU) counter_add, an add at splhigh.  The kernel
 * does not preempt a thread, so the caller stays on the CPU whose slot
 * it chose.
 */
static inline void
mbp_pcpu_add(volatile u_long *c, long v)
{
#if defined(__x86_64__)
	__asm volatile("addq %1, %0" : "+m" (*c) : "er" (v));
#else
	counter_add(c, v);
#endif
}

static inline u_int
mbp_refcnt_add(volatile u_int *c, int v)
{
	return (refcnt_add(c, v));
}

#define mbp_poison(p, n)	KASAN_POISON((p), (n))
#define mbp_unpoison(p, n)	KASAN_UNPOISON((p), (n))
#if defined(__SANITIZE_ADDRESS__)
int	__asan_address_is_poisoned(void const volatile *);
#define mbp_ispoisoned(p)	__asan_address_is_poisoned(p)
#else
#define mbp_ispoisoned(p)	0
#endif

#endif /* !_KERN_KERN_MBPORT_H_ */
