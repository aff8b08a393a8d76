/*
 * tests/pthread/include/machine/mbuf_port.h: the inline half of the
 * mbuf module's seam, mbuf_port(9), for the threads-as-CPUs port: each
 * POSIX thread that pt_run starts is a CPU (tests/pthread/pt_mbport.c
 * is the other half and says what the module's caches rely on).
 *
 * Invariants: pt_curcpu is the CPU this thread runs as (its own, or
 * the target's while it runs an mbp_xcall function), -1 in a thread
 * that is no CPU; pt_busy counts the thread's nesting of
 * mbp_intr_disable, like NetBSD's ci_mtx_count, only that thread
 * writing it; pt_xreq is set by a cross-caller of the thread's CPU
 * while its call runs, and always in a thread that is no CPU, so that
 * thread's first mbp_intr_disable goes to pt_excl_enter, which panics
 * (the fast path needs no test of its own); a CPU's pt_cpu points at
 * its thread's two words while that thread is the CPU.  A CPU's
 * "interrupt" exclusion is had by one thread at a time: its own
 * thread while pt_busy is not 0, or a caller of mbp_xcall; the spl
 * level pt_ipl is per thread and, when raised, holds the big lock that
 * serialises what the module changes at mbp_splhigh.  The thread-local
 * variables are the program's own (local-exec: one %fs-relative access
 * each, no GOT, no pointer to load first).  Nothing here includes a C
 * library header: the module's files are compiled against the
 * kernel's headers alone, as on every port.
 */
#ifndef _PT_MACHINE_MBUF_PORT_H_
#define _PT_MACHINE_MBUF_PORT_H_

/* A memory type: the port's counts, atomic (pt_mbport.c). */
struct mbp_memtype {
	const char		*mt_name;
	long			 mt_inuse;	/* blocks held now */
	long			 mt_memuse;	/* bytes held now */
	long			 mt_calls;	/* successful mbp_malloc calls */
	long			 mt_fails;	/* MBP_NOWAIT calls that failed */
	struct mbp_memtype	*mt_next;	/* pt_memtypes, for leak checks */
	int			 mt_attached;
};

#define MBP_MEMTYPE_DEFINE(name, shortdesc)				\
	struct mbp_memtype name[1] = { { .mt_name = shortdesc } }
#define MBP_MEMTYPE_DECLARE(name)	extern struct mbp_memtype name[1]

#define MBP_MAXCPUS	4

/*
 * A CPU's exclusion, an asymmetric Dekker pair (pt_mbport.c): its own
 * thread raises its pt_busy and checks its pt_xreq with no atomic
 * read-modify-write and no fence; a cross-caller sets the target's
 * pt_xreq (through pc_xreqp), makes every running thread pass a full
 * barrier (membarrier(2)), then waits for its pt_busy to be 0.  While
 * no thread is the CPU (before it starts, after it returns) the two
 * pointers lead to pc_idle, which is never busy.  Alone on its cache
 * line.
 */
struct pt_cpu {
	int		*pc_busyp;	/* its thread's pt_busy */
	int		*pc_xreqp;	/* its thread's pt_xreq */
	int		 pc_xlock;	/* one cross-caller at a time, and
					   held to change the pointers */
	int		 pc_idle[2];	/* busy and xreq with no thread */
	char		 pc_pad[36];
};

#define PT_TLS		__attribute__((tls_model("local-exec")))

extern struct pt_cpu pt_cpus[MBP_MAXCPUS];
extern unsigned int pt_ncpus;		/* CPUs running (pt_run) */
extern __thread int pt_curcpu PT_TLS;	/* see above */
extern __thread int pt_busy PT_TLS;	/* see above */
extern __thread int pt_xreq PT_TLS;	/* see above */
extern __thread int pt_ipl PT_TLS;	/* this thread's spl level */
extern __thread int pt_intr_nest PT_TLS;	/* in pt_interrupt's handler */

void	pt_excl_wait(int);		/* an xcall runs as this CPU */
void	pt_excl_enter(int);		/* mbp_intr_disable's slow path */
void	pt_nocpu(const char *);		/* panic: caller is no CPU */
void	pt_unbalanced(int, int);	/* panic: a restore out of order */
int	pt_splraise(int);		/* the big lock's side of spl */
void	pt_splx(int);

#define PT_IPL_NET	2
#define PT_IPL_HIGH	4

/*
 * Checked under DIAGNOSTIC (pt_stress): without it (pt_bench) a thread
 * that is no CPU must not count in the module's per-CPU statistics,
 * which only the masked sections catch for it.
 */
static inline unsigned int
mbp_cpu_index(void)
{
#ifdef DIAGNOSTIC
	if (__builtin_expect(pt_curcpu < 0, 0))
		pt_nocpu("mbp_cpu_index");
#endif
	return ((unsigned int)pt_curcpu);
}

static inline unsigned int
mbp_ncpu(void)
{
	return (__atomic_load_n(&pt_ncpus, __ATOMIC_RELAXED));
}

/*
 * Mask this CPU: raise its nesting, then look for a cross-call, which
 * only the way in from 0 must step back from (the compiler may not
 * swap the store and the load; the cross-caller's membarrier orders
 * them for the processor).  pt_busy is the nesting and
 * mbp_intr_disable returns it as it was, which mbp_intr_restore puts
 * back (the pairs nest, sys/mbuf_port.h; under DIAGNOSTIC a restore
 * out of order panics), so the outermost restore's store is what
 * unmasks and the restore loads nothing.  Only this thread writes its
 * pt_busy: loads and stores, no atomic read-modify-write (the
 * cross-caller only reads it).  The mbp_lock calls count one more and
 * one less, so locks may be released in any order (pt_mbport.c).
 */
static inline int
mbp_intr_disable(void)
{
	int n;

	n = __atomic_load_n(&pt_busy, __ATOMIC_RELAXED);
	__atomic_store_n(&pt_busy, n + 1, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	/* pt_excl_enter returns at once if nested (the caller waits). */
	if (__builtin_expect(__atomic_load_n(&pt_xreq, __ATOMIC_ACQUIRE) !=
	    0, 0))
		pt_excl_enter(n);
	return (n);
}

static inline void
mbp_intr_restore(int s)
{
#ifdef DIAGNOSTIC
	int n = __atomic_load_n(&pt_busy, __ATOMIC_RELAXED);

	if (__builtin_expect(n != s + 1 || s < 0, 0))
		pt_unbalanced(s, n);
#endif
	__atomic_store_n(&pt_busy, s, __ATOMIC_RELEASE);
}

/* This thread's masked nesting (0 in a thread that is no CPU). */
static inline int
pt_masked(void)
{
	return (__atomic_load_n(&pt_busy, __ATOMIC_RELAXED));
}

static inline int
mbp_splhigh(void)
{
	return (pt_splraise(PT_IPL_HIGH));
}

static inline int
mbp_splnet(void)
{
	return (pt_splraise(PT_IPL_NET));
}

static inline void
mbp_splx(int s)
{
	pt_splx(s);
}

/* A CPU thread may sleep at level 0, unmasked, outside a handler. */
static inline bool
mbp_cansleep(void)
{
	return (pt_curcpu >= 0 && pt_ipl == 0 && pt_masked() == 0 &&
	    pt_intr_nest == 0);
}

/* Inside a handler that pt_interrupt runs (masked, on its CPU). */
static inline bool
mbp_in_interrupt(void)
{
	return (pt_intr_nest > 0);
}

static inline int
mbp_curipl(void)
{
	return (pt_ipl);
}

/* As this kernel's counter_add on several CPUs: one atomic add. */
static inline void
mbp_counter_add(volatile unsigned long *c, long v)
{
	__atomic_fetch_add(c, (unsigned long)v, __ATOMIC_RELAXED);
}

/*
 * A counter only this CPU's thread writes (pt_interrupt's handlers run
 * on that thread too): one add to memory, as this kernel's on x86_64
 * (kern/kern_mbport.h), which nothing on this thread can split and
 * which needs no lock prefix; another CPU's reader (mbstat_read) sees
 * a whole word.  Under a sanitizer a relaxed atomic load and store
 * instead, the same thing in terms ThreadSanitizer and ASan can see.
 */
static inline void
mbp_pcpu_add(volatile unsigned long *c, long v)
{
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) +
	    (unsigned long)v, __ATOMIC_RELAXED);
#else
	__asm volatile("addq %1, %0" : "+m" (*c) : "er" (v));
#endif
}

static inline unsigned int
mbp_refcnt_add(volatile unsigned int *c, int v)
{
	return (__atomic_add_fetch(c, (unsigned int)v, __ATOMIC_ACQ_REL));
}

/* The mbp_lock: a test-and-set word with its owner (pt_mbport.c). */
struct mbp_lock {
	int		 ml_word;	/* 1 while held */
	int		 ml_owner;	/* holder's CPU + 1, 0 when free */
	const char	*ml_name;
};

/* AddressSanitizer's hooks, as this kernel's KASAN_POISON. */
#if defined(__SANITIZE_ADDRESS__)
void	__asan_poison_memory_region(void const volatile *, unsigned long);
void	__asan_unpoison_memory_region(void const volatile *, unsigned long);
int	__asan_address_is_poisoned(void const volatile *);
#define mbp_poison(p, n)	__asan_poison_memory_region((p), (n))
#define mbp_unpoison(p, n)	__asan_unpoison_memory_region((p), (n))
#define mbp_ispoisoned(p)	__asan_address_is_poisoned(p)
#else
#define mbp_poison(p, n)	do { } while (0)
#define mbp_unpoison(p, n)	do { } while (0)
#define mbp_ispoisoned(p)	0
#endif

/* Linux's error numbers (pt_mbport.c checks them against <errno.h>). */
#define EPERM		1
#define EEXIST		17
#define EINVAL		22
#define ENOSPC		28
#define EAGAIN		11
#define EWOULDBLOCK	EAGAIN
#define EMSGSIZE	90
#define ENOBUFS		105

#endif /* !_PT_MACHINE_MBUF_PORT_H_ */
