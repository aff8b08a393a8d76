/*
 * tests/port/include/machine/mbuf_port.h: toyk's inline half of the
 * mbuf module's seam, mbuf_port(9).
 *
 * Interrupt masking is toyk's level variable; counters need nothing
 * more than a plain add, since toyk's only interrupts (its timers) run
 * when a thread has given up the CPU.  The memory type is the record
 * the mbuf self-tests already define their types with (MALLOC_DEFINE of
 * sys/malloc.h), so that they run here unchanged; toyk's allocator
 * (toyk_mbport.c) keeps its counts in it.
 */
#ifndef _TOYK_MACHINE_MBUF_PORT_H_
#define _TOYK_MACHINE_MBUF_PORT_H_

#include <sys/malloc.h>

#define mbp_memtype		malloc_type
#define MBP_MEMTYPE_DEFINE(name, shortdesc)				\
	struct malloc_type name[1] = { { .ks_shortdesc = shortdesc } }
#define MBP_MEMTYPE_DECLARE(name)	extern struct malloc_type name[1]

extern volatile int tk_ipl;
extern volatile int tk_intr_depth;

static inline int
mbp_splhigh(void)
{
	int s = tk_ipl;

	tk_ipl = 4;
	return (s);
}

static inline int
mbp_splnet(void)
{
	int s = tk_ipl;

	if (s < 2)
		tk_ipl = 2;
	return (s);
}

static inline void
mbp_splx(int s)
{
	__asm volatile("" : : : "memory");
	tk_ipl = s;
}

/*
 * One CPU: a lock is a flag that says it is held, and its masking is
 * toyk's level; the CPU's own masking is mbp_splhigh.
 */
struct mbp_lock {
	const char	*ml_name;
	int		 ml_held;
	int		 ml_s;		/* level before mbp_lock_enter */
};

#define MBP_MAXCPUS	1

static inline unsigned int
mbp_cpu_index(void)
{
	return (0);
}

static inline unsigned int
mbp_ncpu(void)
{
	return (1);
}

static inline int
mbp_intr_disable(void)
{
	return (mbp_splhigh());
}

static inline void
mbp_intr_restore(int s)
{
	mbp_splx(s);
}

static inline bool
mbp_cansleep(void)
{
	return (tk_ipl == 0 && tk_intr_depth == 0);
}

static inline bool
mbp_in_interrupt(void)
{
	return (tk_intr_depth > 0);
}

static inline int
mbp_curipl(void)
{
	return (tk_ipl);
}

static inline void
mbp_counter_add(volatile unsigned long *c, long v)
{
	*c += v;
}

/* One CPU: the per-CPU counter is the plain counter. */
static inline void
mbp_pcpu_add(volatile unsigned long *c, long v)
{
	*c += v;
}

static inline unsigned int
mbp_refcnt_add(volatile unsigned int *c, int v)
{
	return (*c += v);
}

#define mbp_poison(p, n)	do { } while (0)
#define mbp_unpoison(p, n)	do { } while (0)
#define mbp_ispoisoned(p)	0

/* toyk uses the BSD error numbers. */
#define EPERM		1
#define EEXIST		17
#define EINVAL		22
#define ENOSPC		28
#define EAGAIN		35
#define EWOULDBLOCK	EAGAIN
#define EMSGSIZE	40
#define ENOBUFS		55

#endif /* !_TOYK_MACHINE_MBUF_PORT_H_ */
