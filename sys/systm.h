/*
 * sys/systm.h: the services every kernel source file may use.
 *
 * printf family, panic and assertions, the string and memory routines of
 * libkern, interrupt priority levels, sleep/wakeup and the clock.
 * DIAGNOSTIC is on by default (the Makefile defines it): KASSERT checks
 * and freed-memory poisoning cost little and catch the caller's mistakes.
 */
#ifndef _SYS_SYSTM_H_
#define _SYS_SYSTM_H_

#include <sys/types.h>
#include <sys/errno.h>
#include <machine/spl.h>
#include <sys/cpu.h>

#define __printflike(f, a)	__attribute__((format(printf, f, a)))
#define __dead			__attribute__((noreturn))
#define __unused		__attribute__((unused))
#define __packed		__attribute__((packed))
#define __aligned(x)		__attribute__((aligned(x)))
#define __predict_true(e)	__builtin_expect(!!(e), 1)
#define __predict_false(e)	__builtin_expect(!!(e), 0)
#define __CONCAT1(x, y)		x ## y
#define __CONCAT(x, y)		__CONCAT1(x, y)
#define __STRING(x)		#x

/* Console output. */
int	printf(const char *, ...) __printflike(1, 2);
int	vprintf(const char *, va_list);
int	snprintf(char *, size_t, const char *, ...) __printflike(3, 4);
int	vsnprintf(char *, size_t, const char *, va_list);
void	cnputc(int);
int	cngetc(void);
void	cons_capture_start(char *, size_t);
size_t	cons_capture_stop(void);

/* Fatal errors. */
void	panic(const char *, ...) __dead __printflike(1, 2);
extern const char *panicstr;

#define CTASSERT(x)	_Static_assert(x, "CTASSERT(" #x ")")
#ifdef DIAGNOSTIC
#define KASSERT(e)	do {						\
	if (__predict_false(!(e)))					\
		panic("kernel assertion \"%s\" failed: file \"%s\", "	\
		    "line %d", #e, __FILE__, __LINE__);			\
} while (0)
#else
#define KASSERT(e)	do { (void)sizeof(e); } while (0)
#endif
#define KASSERTMSG(e, ...) do {						\
	if (__predict_false(!(e)))					\
		panic(__VA_ARGS__);					\
} while (0)

/* libkern */
void	*memcpy(void *, const void *, size_t);
void	*memmove(void *, const void *, size_t);
void	*memset(void *, int, size_t);
int	 memcmp(const void *, const void *, size_t);
size_t	 strlen(const char *);
int	 strcmp(const char *, const char *);
int	 strncmp(const char *, const char *, size_t);
char	*strchr(const char *, int);
char	*strstr(const char *, const char *);
size_t	 strlcpy(char *, const char *, size_t);
unsigned long strtoul(const char *, char **, int);
int	 kstrtol(const char *, long *);
/*
 * The kernel builds with -fno-builtin; these let the compiler turn a
 * small constant-size copy (a header field, a 32-bit load in in_cksum)
 * into a move instead of a call, as NetBSD's libkern does.
 */
#define memcpy(d, s, n)		__builtin_memcpy((d), (s), (n))
#define memmove(d, s, n)	__builtin_memmove((d), (s), (n))
#define memset(d, c, n)		__builtin_memset((d), (c), (n))
#define memcmp(a, b, n)		__builtin_memcmp((a), (b), (n))
#define bzero(p, n)	memset((p), 0, (n))
#define bcopy(s, d, n)	memmove((d), (s), (n))
uint32_t kern_random(void);
void	 kern_srandom(uint32_t);
bool	 fnmatch_simple(const char *pattern, const char *s);

/*
 * Interrupt priority levels.  Raising the level above IPL_NONE masks
 * hardware interrupts on this CPU; splx() restores an earlier level.
 * Interrupt handlers run at IPL_HIGH.  Sleeping is allowed only at
 * IPL_NONE outside interrupt context.  Each CPU has its own level
 * (struct cpu_info, sys/cpu.h).
 */
#define IPL_NONE	0
#define IPL_SOFTNET	1
#define IPL_NET		2
#define IPL_CLOCK	3
#define IPL_HIGH	4

/*
 * The interim big lock ("Giant", kern_mutex.c): on a machine running
 * more than one CPU (smp_giant set), a CPU that raises its level from
 * IPL_NONE takes it and the splx() back to IPL_NONE drops it, and every
 * interrupt handler runs holding it, so that what spl(9) protected on
 * one CPU (the mbuf module, the network stack) is still seen by one CPU
 * at a time.  With one CPU, and in the host build (MD_MULTIPROCESSOR
 * 0), it costs nothing.  See smp(9).
 */
void	giant_enter(void);
void	giant_exit(void);
void	giant_begin(void);

/*
 * The calls on every allocation's path are inline so that raising and
 * restoring the level costs a compare and the arch's mask instruction,
 * not two calls.
 */
/*
 * The running CPU's level and interrupt nesting: fields of its
 * cpu_info, unless the machine keeps them in variables of its own (a
 * one-CPU port's <machine/cpu.h> defines MD_SPL_GLOBALS).
 */
#ifdef MD_SPL_GLOBALS
extern volatile int spl_level, spl_intrnest;
#define CPU_IPL		spl_level
#define CPU_INTRNEST	spl_intrnest
#else
#define CPU_IPL		(curcpu()->ci_ipl)
#define CPU_INTRNEST	(curcpu()->ci_intrnest)
#endif

static inline int
splraise(int level)
{
	int old = CPU_IPL;

	/*
	 * Masking again when already masked changes nothing, and not
	 * branching on old is cheaper than the branch (BENCHMARKS.md);
	 * nothing is above IPL_HIGH, so splhigh is a plain store.
	 */
	md_intr_disable();
#if MD_MULTIPROCESSOR
	if (__predict_false(smp_giant) && old == IPL_NONE)
		giant_enter();
#endif
	CPU_IPL = (level == IPL_HIGH || level > old) ? level : old;
	return (old);
}

static inline void
splx(int level)
{
	if (level == IPL_NONE && CPU_INTRNEST == 0) {
#if MD_MULTIPROCESSOR
		if (__predict_false(curcpu()->ci_giant))
			giant_exit();
#endif
		CPU_IPL = IPL_NONE;
		md_intr_enable();
	} else {
		if (level > IPL_NONE)
			md_intr_disable();
		CPU_IPL = level;
	}
}

static inline int splsoftnet(void) { return (splraise(IPL_SOFTNET)); }
static inline int splnet(void) { return (splraise(IPL_NET)); }
static inline int splclock(void) { return (splraise(IPL_CLOCK)); }
static inline int splhigh(void) { return (splraise(IPL_HIGH)); }
static inline int curipl(void) { return (CPU_IPL); }
static inline bool in_interrupt(void) { return (CPU_INTRNEST > 0); }

static inline bool
cansleep(void)
{
	return (CPU_INTRNEST == 0 && CPU_IPL == IPL_NONE);
}

int	spl0(void);
void	splassert_fail(int, int, const char *);
#define splassert(want) do {						\
	if (curipl() < (want))						\
		splassert_fail((want), curipl(), __func__);		\
} while (0)

/*
 * counter_add: add to a statistics counter, atomically against
 * interrupt handlers and, on a multiprocessor kernel, other CPUs: on
 * x86_64 one read-modify-write instruction (locked when
 * MD_MULTIPROCESSOR); elsewhere it is done at splhigh.
 */
static inline void
counter_add(volatile u_long *c, long v)
{
#if defined(__x86_64__) && MD_MULTIPROCESSOR
	__asm volatile("lock addq %1, %0" : "+m" (*c) : "er" (v));
#elif defined(__x86_64__)
	__asm volatile("addq %1, %0" : "+m" (*c) : "er" (v));
#else
	int s = splhigh();

	*c += v;
	splx(s);
#endif
}

/*
 * refcnt_add: add v to a reference count and return the new count, with
 * the same atomicity as counter_add (one xadd on x86_64).
 */
static inline u_int
refcnt_add(volatile u_int *c, int v)
{
#if defined(__x86_64__)
	u_int old = (u_int)v;

#if MD_MULTIPROCESSOR
	__asm volatile("lock xaddl %0, %1" : "+r" (old), "+m" (*c));
#else
	__asm volatile("xaddl %0, %1" : "+r" (old), "+m" (*c));
#endif
	return (old + (u_int)v);
#else
	int s = splhigh();
	u_int n = (*c += v);

	splx(s);
	return (n);
#endif
}

/* Sleep and wakeup (kern_synch.c). */
#define PCATCH		0x100
int	tsleep(const void *ident, int priority, const char *wmesg, int timo);
void	wakeup(const void *ident);
void	wakeup_one(const void *ident);

/* The clock: ticks since boot at hz per second. */
extern volatile uint64_t ticks;
extern int hz;
uint64_t nanouptime(void);
/* 1 when interval ticks passed since the last 1 (kern_ratecheck.c). */
int	ratecheck(uint64_t *last, int interval);

/* Kernel command line (kern_param.c): "key=value key flag=1 ...". */
int	kenv_init(const char *line);
const char *kenv_get(const char *name);
bool	kenv_getint(const char *name, long *valp);
extern char kern_cmdline[];

#endif /* !_SYS_SYSTM_H_ */
