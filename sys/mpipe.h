/*
 * sys/mpipe.h: malloc pipelines, mpipe(9), as DragonFly defines them.
 *
 * A pipe is a reserve of equal-sized buffers of one memory type (mbp_malloc).  It
 * is prefilled with nnom buffers when it is made, so those nnom
 * allocations succeed even when the type's limit or the whole heap is
 * exhausted; above nnom it borrows from mbp_malloc up to nmax buffers in
 * existence.  mpipe_alloc_nowait never sleeps and may return NULL;
 * mpipe_alloc_waitok sleeps at the cap and never returns NULL;
 * mpipe_free puts a buffer back into the array unless the array is
 * full, and only then gives it back to mbp_malloc.  The one extension
 * that changes who may take a buffer, an interrupt share set aside by
 * mpipe_setintr, is off unless a pipe's owner asks for it (mpipe.9,
 * STANDARDS).
 *
 * Invariants: 1 <= mp_nnom <= mp_nmax; 0 <= mp_nint <= mp_nnom;
 * 0 <= mp_nfree <= mp_nnom (the array has mp_nnom slots); mp_nnom <=
 * mp_total <= mp_nmax; the buffers out are mp_total - mp_nfree; every
 * field changes only at splhigh, in kern_mpipe.c or in the inline
 * common cases below (mpipe_take, mpipe_put), which keep the same rules.
 */
#ifndef _SYS_MPIPE_H_
#define _SYS_MPIPE_H_

#include <sys/mbuf_port.h>
#include <sys/queue.h>

/* DragonFly's spelling of a memory type (the seam's, mbuf_port(9)), as mpipe_init takes it. */
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
	int		 mp_hooks;	/* MPIPE_HTAKE, MPIPE_HPUT */
	struct mbp_memtype *mp_type;
	void		(*mp_construct)(void *buf, void *priv);
	void		(*mp_deconstruct)(void *buf, void *priv);
	void		*mp_priv;
	char		 mp_name[MPIPE_NAMELEN];
	LIST_ENTRY(malloc_pipe) mp_link;	/* on the list of all pipes */

	/* Statistics (mpipe_print_all, the "mpipes" shell command). */
	u_long		 mp_gets;	/* successful allocations */
	u_long		 mp_puts;	/* mpipe_free calls */
	u_long		 mp_fails;	/* mpipe_alloc_nowait returned NULL */
	u_long		 mp_waits;	/* sleeps in mpipe_alloc_waitok */
	u_long		 mp_drains;	/* times the drain hooks were run */
	u_long		 mp_mallocs;	/* buffers borrowed from mbp_malloc */
	u_long		 mp_sysfrees;	/* buffers given back to mbp_malloc */
	u_long		 mp_intres;	/* interrupt allocations from nint */
	int		 mp_hiwat;	/* most buffers out at once */
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

/* Count a buffer going out; at splhigh. */
static inline void
mpipe_took(struct malloc_pipe *mp)
{
	int out = mp->mp_total - mp->mp_nfree;

	mp->mp_gets++;
	if (out > mp->mp_hiwat)
		mp->mp_hiwat = out;
}

/* A buffer from above the interrupt share, or NULL: the caller decides. */
static inline void *
mpipe_take(struct malloc_pipe *mp)
{
	void *buf;
	int s, n;

	s = mbp_splhigh();
	n = mp->mp_nfree;
	if (__predict_false(mp->mp_hooks & MPIPE_HTAKE) ||
	    __predict_false(n <= mp->mp_nint)) {
		mbp_splx(s);
		return (NULL);
	}
	buf = mp->mp_array[--n];
	mp->mp_nfree = n;
	mpipe_took(mp);
	mbp_splx(s);
	return (buf);
}

/*
 * mpipe_free without the NULL check.  The slow path takes a free into a
 * full array (the buffer goes back to mbp_malloc), the frees that zero
 * or poison the buffer or wake a waiter, and a free when no buffer is
 * out (mp_total <= n), where it panics.
 */
static inline void
mpipe_put(struct malloc_pipe *mp, void *buf)
{
	int s, n;

	s = mbp_splhigh();
	n = mp->mp_nfree;
	if (__predict_false((mp->mp_hooks & MPIPE_HPUT) | mp->mp_waiters) ||
	    __predict_false(n >= mp->mp_nnom) ||
	    __predict_false(mp->mp_total <= n)) {
		mbp_splx(s);
		mpipe_putslow(mp, buf);
		return;
	}
	mp->mp_puts++;
	mp->mp_array[n] = buf;
	mp->mp_nfree = n + 1;
	mbp_splx(s);
}

void	mpipe_setname(struct malloc_pipe *mpipe, const char *name);
void	mpipe_setintr(struct malloc_pipe *mpipe, int nint);
int	mpipe_out(const struct malloc_pipe *mpipe);

int	mpipe_drain_register(void (*fn)(void *), void *arg);
void	mpipe_drain_deregister(void (*fn)(void *), void *arg);

long	mpipe_total_out(void);
/* The memory type of the pipes' buffer arrays. */
MBP_MEMTYPE_DECLARE(M_MPIPE);
void	mpipe_print(const struct malloc_pipe *mpipe);
void	mpipe_print_all(void);

#endif /* !_SYS_MPIPE_H_ */
