/*
 * sys/mpipe.h: malloc pipelines, mpipe(9).
 *
 * A pipe is a reserve of equal-sized buffers of one malloc(9) type.  It
 * is prefilled with nnom buffers when it is made, so those nnom
 * allocations succeed even when the type's limit or the whole heap is
 * exhausted; above nnom it borrows from malloc(9) up to nmax buffers in
 * existence.  mpipe_alloc_nowait never sleeps and may return NULL;
 * mpipe_alloc_waitok sleeps until a buffer comes back and never returns
 * NULL.  With MPF_INT the last nint buffers of the reserve are kept for
 * interrupt context (see mpipe.9 for the exact rule).
 *
 * Invariants: 0 <= mp_nfree <= mp_nnom <= mp_nmax; mp_nfree <=
 * mp_total <= mp_nmax; the buffers out are mp_total - mp_nfree; every
 * field changes only at splhigh, in kern_mpipe.c or in the inline
 * common cases below (mpipe_take, mpipe_put), which keep the same rules.
 */
#ifndef _SYS_MPIPE_H_
#define _SYS_MPIPE_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/systm.h>

struct malloc_type;

/* mpflags */
#define MPF_NOZERO	0x0001	/* never zero buffers */
#define MPF_CACHEDATA	0x0002	/* a recycled buffer keeps its contents */
#define MPF_INT		0x0004	/* keep nint buffers for interrupt context */

#define MPIPE_NAMELEN	16

struct malloc_pipe {
	void		**mp_array;	/* LIFO of free buffers, nnom slots */
	int		 mp_nfree;	/* buffers in mp_array */
	int		 mp_nint;	/* of them, kept for interrupts */
	int		 mp_total;	/* buffers in existence (free + out) */
	int		 mp_nnom;	/* reserve size, prefilled at init */
	int		 mp_nmax;	/* cap on mp_total */
	int		 mp_flags;
	int		 mp_bytes;
	int		 mp_waiters;	/* threads asleep in alloc_waitok */
	int		 mp_hooks;	/* buffers are zeroed, junked or
					   sanitizer-poisoned (mpipe_ready) */
	struct malloc_type *mp_type;
	void		(*mp_construct)(struct malloc_pipe *, void *);
	void		(*mp_deconstruct)(struct malloc_pipe *, void *);
	void		*mp_priv;
	char		 mp_name[MPIPE_NAMELEN];
	LIST_ENTRY(malloc_pipe) mp_link;	/* on the list of all pipes */

	/* Statistics (mpipe_print_all, the "mpipes" shell command). */
	u_long		 mp_gets;	/* successful allocations */
	u_long		 mp_puts;	/* mpipe_free calls */
	u_long		 mp_fails;	/* mpipe_alloc_nowait returned NULL */
	u_long		 mp_waits;	/* sleeps in mpipe_alloc_waitok */
	u_long		 mp_drains;	/* times the drain hooks were run */
	u_long		 mp_mallocs;	/* buffers borrowed from malloc(9) */
	u_long		 mp_sysfrees;	/* buffers given back to malloc(9) */
	u_long		 mp_intres;	/* interrupt allocations from nint */
	int		 mp_hiwat;	/* most buffers out at once */
};
typedef struct malloc_pipe *malloc_pipe_t;

void	mpipe_init(struct malloc_pipe *mpipe, struct malloc_type *type,
	    int bytes, int nnom, int nmax, int mpflags,
	    void (*construct)(struct malloc_pipe *, void *),
	    void (*deconstruct)(struct malloc_pipe *, void *), void *priv);
void	mpipe_done(struct malloc_pipe *mpipe);
void	*mpipe_alloc_nowait(struct malloc_pipe *mpipe);
void	*mpipe_alloc_waitok(struct malloc_pipe *mpipe);
void	mpipe_free(struct malloc_pipe *mpipe, void *buf);

/*
 * The fast paths, inline so that the common case of an allocation and a
 * free costs no call (mpipe(9), FAST PATHS).  mpipe_take pops a buffer
 * from above the interrupt reserve, or returns NULL and leaves the
 * decision to mpipe_alloc_nowait or mpipe_alloc_waitok; mpipe_put is
 * all of mpipe_free but the NULL check.  Pipes with work to do on every
 * buffer (mp_hooks: zeroing, or the DIAGNOSTIC and sanitizer poisoning)
 * and frees that must wake a waiter or give a buffer back to malloc(9)
 * go through mpipe_putslow and mpipe_get instead.
 */
void	mpipe_putslow(struct malloc_pipe *mpipe, void *buf);

/* Count a buffer going out; at splhigh. */
static inline void
mpipe_took(struct malloc_pipe *mp)
{
	int out = mp->mp_total - mp->mp_nfree;

	mp->mp_gets++;
	if (out > mp->mp_hiwat)
		mp->mp_hiwat = out;
}

/* A buffer from above the reserve, or NULL: the caller decides. */
static inline void *
mpipe_take(struct malloc_pipe *mp)
{
	void *buf;
	int s, n;

	s = splhigh();
	n = mp->mp_nfree;
	if (__predict_false(mp->mp_hooks) ||
	    __predict_false(n <= mp->mp_nint)) {
		splx(s);
		return (NULL);
	}
	buf = mp->mp_array[--n];
	mp->mp_nfree = n;
	mpipe_took(mp);
	splx(s);
	return (buf);
}

/*
 * mpipe_free without the NULL check.  The slow path takes the buffers
 * the pipe gives back to malloc(9), the frees that wake a waiter, and a
 * free when no buffer is out (mp_total <= n), where it panics.
 */
static inline void
mpipe_put(struct malloc_pipe *mp, void *buf)
{
	int s, n;

	s = splhigh();
	n = mp->mp_nfree;
	if (__predict_false(mp->mp_hooks | mp->mp_waiters) ||
	    __predict_false(mp->mp_total > mp->mp_nnom && n >= mp->mp_nint) ||
	    __predict_false(mp->mp_total <= n)) {
		splx(s);
		mpipe_putslow(mp, buf);
		return;
	}
	mp->mp_puts++;
	mp->mp_array[n] = buf;
	mp->mp_nfree = n + 1;
	splx(s);
}

void	mpipe_setname(struct malloc_pipe *mpipe, const char *name);
void	mpipe_setintr(struct malloc_pipe *mpipe, int nint);
int	mpipe_out(const struct malloc_pipe *mpipe);

int	mpipe_drain_register(void (*fn)(void *), void *arg);
void	mpipe_drain_deregister(void (*fn)(void *), void *arg);

long	mpipe_total_out(void);
void	mpipe_print(const struct malloc_pipe *mpipe);
void	mpipe_print_all(void);
void	mpipe_sysinit(void);

#endif /* !_SYS_MPIPE_H_ */
