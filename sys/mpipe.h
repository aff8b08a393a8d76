/*
 * sys/mpipe.h: malloc pipelines, mpipe(9), as DragonFly defines them,
 * with a cache per CPU in front of each.
 *
 * A pipe is a reserve of equal-sized buffers of one memory type
 * (mbp_malloc).  It is prefilled with nnom buffers when it is made, so those nnom
 * allocations succeed even when the type's limit or the whole heap is
 * exhausted; above nnom it borrows from mbp_malloc up to nmax buffers in
 * existence.  mpipe_alloc_nowait never sleeps and may return NULL;
 * mpipe_alloc_waitok sleeps at the cap and never returns NULL;
 * mpipe_free puts a buffer back into the array unless the array is
 * full, and only then gives it back to mbp_malloc.  The extensions
 * that change who may take a buffer or how many are kept, the
 * interrupt share (mpipe_setintr) and the high-water mark
 * (mpipe_sethiwat), are off unless a pipe's owner asks (mpipe.9,
 * STANDARDS).
 *
 * Per CPU (mpipe.9, CACHES): every pipe has a cache on each CPU of up
 * to mc_max free buffers (MPIPE_CACHE, or less where the cap is too
 * small for that on every CPU, at least 2), used with interrupts
 * masked on that CPU alone and no lock;
 * the array ("the depot") is behind them under mp_lock.  A cache is
 * granted its capacity (mc_max, from 0) when its CPU first uses the
 * pipe, so an idle pipe holds its nnom and nothing more; what nnom
 * promises is reachable from every CPU through the cross-CPU reclaim
 * whatever sits in the caches (kern_mpipe.c).
 *
 * Invariants: 1 <= mp_nnom <= mp_nmax; 0 <= mp_nint <= mp_nnom;
 * 1 <= mp_cmax <= MIN(mp_nmax, MPIPE_CACHE); mp_ccap is the sum of
 * the caches' mc_max (each 0 or mp_cmax);
 * 0 <= mp_nfree <= mpipe_dmax <= mp_slots; mp_nnom <= mp_total <=
 * mp_nmax; the buffers out are mp_total - mp_nfree - the caches' mc_n;
 * the depot fields change only under mp_lock, a cache only on its CPU
 * with interrupts masked there.
 */
#ifndef _SYS_MPIPE_H_
#define _SYS_MPIPE_H_

#include <sys/mbuf_port.h>
#include <sys/queue.h>

/*
 * DragonFly's spelling of a memory type (the seam's, mbuf_port(9)), as
 * mpipe_init takes it.
 */
#ifndef _MALLOC_TYPE_T_DECLARED
#define _MALLOC_TYPE_T_DECLARED
typedef struct mbp_memtype *malloc_type_t;
#endif

/* mpflags, with DragonFly's values */
#define MPF_CACHEDATA	0x0001	/* a freed buffer is not zeroed */
#define MPF_NOZERO	0x0002	/* buffers from mbp_malloc are not zeroed */
#define MPF_INT		0x0004	/* the pipe serves interrupt handlers */

#define MPIPE_NAMELEN	16

/* mp_hooks: per-buffer work that keeps a pipe off the inline paths */
#define MPIPE_HTAKE	0x01	/* on the way out (DIAGNOSTIC, ASan) */
#define MPIPE_HPUT	0x02	/* on the way in (zeroing, junk, ASan) */

/* mp_putgate: MPIPE_HPUT, or why every free goes to the depot now */
#define MPIPE_GWAIT	0x04	/* a thread waits in mpipe_alloc_waitok */
#define MPIPE_GSHORT	0x08	/* the depot is below the interrupt share */

/*
 * A CPU's cache: a LIFO like the depot's, and the fast paths' counters.
 * Only its own CPU touches it, with interrupts masked there.  It moves
 * buffers to and from the depot half a cache at a time, so it works as
 * Bonwick's pair of magazines (a loaded one and the previous one) of
 * MPIPE_CACHE / 2 rounds each, without the swap.
 */
#define MPIPE_CACHE	64	/* most buffers a CPU's cache holds */

struct mpipe_cache {
	int		 mc_n;		/* buffers in mc_buf */
	int		 mc_max;	/* capacity granted, 0 .. mp_cmax */
	u_long		 mc_gets;	/* allocations from the cache */
	u_long		 mc_puts;	/* frees into the cache */
	void		*mc_buf[MPIPE_CACHE];
	char		 mc_pad[40];	/* 576 bytes: no line shared */
};

struct malloc_pipe {
	struct mpipe_cache *mp_cache;	/* MBP_MAXCPUS of them */
	int		 mp_hooks;	/* MPIPE_HTAKE, MPIPE_HPUT */
	int		 mp_putgate;	/* MPIPE_HPUT, MPIPE_GWAIT,
					   MPIPE_GSHORT: every free goes
					   slow (read unlocked) */
	int		 mp_waiters;	/* threads asleep in alloc_waitok */
	void		**mp_array;	/* the depot: LIFO of free buffers */
	int		 mp_nfree;	/* buffers in mp_array */
	int		 mp_nint;	/* of them, kept for interrupts */
	int		 mp_total;	/* buffers in existence (free + out) */
	int		 mp_nnom;	/* reserve size, prefilled at init */
	int		 mp_nmax;	/* cap on mp_total */
	int		 mp_flags;
	int		 mp_bytes;
	int		 mp_slots;	/* size of mp_array */
	int		 mp_cmax;	/* a cache's capacity when granted */
	int		 mp_ccap;	/* capacity granted to the caches of
					   the CPUs that used the pipe */
	int		 mp_keep;	/* high-water mark (mpipe_sethiwat) */
	struct mbp_lock	 mp_lock;	/* the depot and the counters below */
	struct mbp_memtype *mp_type;
	void		(*mp_construct)(void *buf, void *priv);
	void		(*mp_deconstruct)(void *buf, void *priv);
	void		*mp_priv;
	char		 mp_name[MPIPE_NAMELEN];
	LIST_ENTRY(malloc_pipe) mp_link;	/* on the list of all pipes */

	/*
	 * Statistics (mpipe_print_all, the "mpipes" shell command); the
	 * caches count their own gets and puts (mpipe_gets, mpipe_puts
	 * sum them).
	 */
	u_long		 mp_gets;	/* allocations through the depot */
	u_long		 mp_puts;	/* frees through the depot */
	u_long		 mp_fails;	/* mpipe_alloc_nowait returned NULL */
	u_long		 mp_waits;	/* sleeps in mpipe_alloc_waitok */
	u_long		 mp_drains;	/* times the drain hooks were run */
	u_long		 mp_mallocs;	/* buffers borrowed from mbp_malloc */
	u_long		 mp_sysfrees;	/* buffers given back to mbp_malloc */
	u_long		 mp_intres;	/* interrupt allocations from nint */
	u_long		 mp_reclaims;	/* buffers brought from other CPUs' caches */
	u_long		 mp_xcalls;	/* cross-calls that asked for them */
	int		 mp_hiwat;	/* most out at once, seen by the depot */
};
typedef struct malloc_pipe *malloc_pipe_t;

void	mpipe_init(malloc_pipe_t mpipe, malloc_type_t type, int bytes,
	    int nnom, int nmax, int mpflags,
	    void (*construct)(void *, void *),
	    void (*deconstruct)(void *, void *), void *priv);
void	mpipe_done(malloc_pipe_t mpipe);
void	*mpipe_alloc_nowait(malloc_pipe_t mpipe);
void	*mpipe_alloc_waitok(malloc_pipe_t mpipe);
void	mpipe_free(malloc_pipe_t mpipe, void *buf);

/*
 * The fast paths, inline so that the common case of an allocation and a
 * free costs no call (mpipe(9), FAST PATHS).  mpipe_take pops a buffer
 * from above the interrupt share, or returns NULL and leaves the
 * decision to mpipe_alloc_nowait or mpipe_alloc_waitok; mpipe_put is
 * all of mpipe_free but the NULL check.  Pipes with work to do on every
 * buffer (mp_hooks: zeroing on free, or the DIAGNOSTIC and sanitizer
 * poisoning), frees that must wake a waiter, and frees into a full
 * array (the buffer goes back to mbp_malloc) go through mpipe_putslow
 * and mpipe_get instead.
 */
void	mpipe_putslow(struct malloc_pipe *mpipe, void *buf);

/* This CPU's cache; interrupts masked on this CPU. */
static inline struct mpipe_cache *
mpipe_mycache(struct malloc_pipe *mp)
{
	return (&mp->mp_cache[mbp_cpu_index()]);
}

/*
 * A buffer from this CPU's cache, or NULL: the caller decides (the
 * depot, mbp_malloc, a sleep).  No lock; interrupts masked on this CPU.
 */
static inline void *
mpipe_take(struct malloc_pipe *mp)
{
	struct mpipe_cache *mc;
	void *buf;
	int s, n;

	s = mbp_intr_disable();
	mc = mpipe_mycache(mp);
	n = mc->mc_n;
	if (__predict_false(mp->mp_hooks & MPIPE_HTAKE) ||
	    __predict_false(n == 0)) {
		mbp_intr_restore(s);
		return (NULL);
	}
	buf = mc->mc_buf[--n];
	mc->mc_n = n;
	mc->mc_gets++;
	mbp_intr_restore(s);
	/* A cache never holds NULL: the caller's test of it folds away. */
	if (buf == NULL)
		__builtin_unreachable();
	return (buf);
}

/*
 * mpipe_free without the NULL check: into this CPU's cache.  The slow
 * path takes a free into a full cache (half of it goes to the depot),
 * the frees that zero or poison the buffer, every free while a thread
 * waits for a buffer (the cache goes to the depot, the waiter is
 * woken), and every free while the depot is below its interrupt share
 * (the share is refilled first).
 */
static inline void
mpipe_put(struct malloc_pipe *mp, void *buf)
{
	struct mpipe_cache *mc;
	int s, n;

	s = mbp_intr_disable();
	mc = mpipe_mycache(mp);
	n = mc->mc_n;
	if (__predict_false(__atomic_load_n(&mp->mp_putgate,
	    __ATOMIC_RELAXED) != 0) || __predict_false(n >= mc->mc_max)) {
		mbp_intr_restore(s);
		mpipe_putslow(mp, buf);
		return;
	}
	mc->mc_buf[n] = buf;
	mc->mc_n = n + 1;
	mc->mc_puts++;
	mbp_intr_restore(s);
}

void	mpipe_setname(struct malloc_pipe *mpipe, const char *name);
void	mpipe_setintr(struct malloc_pipe *mpipe, int nint);
int	mpipe_sethiwat(struct malloc_pipe *mpipe, int nkeep);
int	mpipe_trim(struct malloc_pipe *mpipe);
int	mpipe_trim_all(void);
int	mpipe_out(const struct malloc_pipe *mpipe);
int	mpipe_nfree(const struct malloc_pipe *mpipe);
u_long	mpipe_gets(const struct malloc_pipe *mpipe);
u_long	mpipe_puts(const struct malloc_pipe *mpipe);

int	mpipe_drain_register(void (*fn)(void *), void *arg);
void	mpipe_drain_deregister(void (*fn)(void *), void *arg);

long	mpipe_total_out(void);
/* The memory type of the pipes' buffer arrays. */
MBP_MEMTYPE_DECLARE(M_MPIPE);
void	mpipe_print(const struct malloc_pipe *mpipe);
void	mpipe_print_all(void);

#endif /* !_SYS_MPIPE_H_ */
