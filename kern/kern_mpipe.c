/*
 * kern_mpipe.c: malloc pipelines, mpipe(9), with DragonFly's contract.
 *
 * A pipe keeps up to nnom free buffers of one size and malloc type in a
 * LIFO array of nnom slots.  mpipe_init fills the array (each buffer
 * zeroed unless MPF_NOZERO, then constructed), so nnom allocations
 * succeed whatever happens to the heap later.  An allocation takes the
 * most recently freed buffer from the array as it is; when the array is
 * empty the pipe borrows from mbp_malloc (zeroed unless MPF_NOZERO, then
 * constructed) as long as fewer than nmax of its buffers exist; when
 * that fails too, the registered drain hooks are asked to give memory
 * back, and only then does mpipe_alloc_nowait fail or
 * mpipe_alloc_waitok sleep.  mpipe_free puts the buffer into the array
 * while it has a free slot, zeroing it first unless the pipe has
 * MPF_CACHEDATA or MPF_NOZERO; only a buffer freed into a full array
 * goes through the destructor back to mbp_malloc.  That is DragonFly's
 * sys/kern/kern_mpipe.c (mpipe_init, mpipe_free) and its mpipe(9) page.
 * The common cases of both, a pop from above the interrupt share and a
 * push into a free slot, are inline in sys/mpipe.h (mpipe_take,
 * mpipe_put); this file is everything else.
 *
 * Extensions (mpipe.9, STANDARDS): drain hooks, counters and names, the
 * misuse checks, and the interrupt share.  A pipe made with MPF_INT may
 * have mp_nint of its nnom buffers set aside by mpipe_setintr: an
 * allocation in thread context then takes from the array only while it
 * holds more than mp_nint buffers, one in interrupt context
 * (mbp_in_interrupt()) may empty it; mpipe_setintr refills the array to
 * nnom when it sets a share.  Without mpipe_setintr mp_nint is 0 and
 * every caller gets the whole reserve, as the seed promises.
 *
 * DIAGNOSTIC: a freed buffer of a pipe that promises nothing about old
 * contents (MPF_NOZERO without MPF_CACHEDATA, and no constructor or
 * destructor that could look) is filled with junk keyed by address and
 * checked when it is handed out again; a freed buffer of a zeroing pipe
 * without a constructor is checked to be still zero.  MPF_CACHEDATA
 * buffers are never touched.
 *
 * Invariants: 1 <= mp_nnom <= mp_nmax, 0 <= mp_nint <= mp_nnom,
 * 0 <= mp_nfree <= mp_nnom, mp_nnom <= mp_total <= mp_nmax (mpipe_free
 * gives a buffer back only from a full array); mp_array[0 .. mp_nfree-1]
 * are the free buffers; under AddressSanitizer free buffers are
 * poisoned; every field changes only at splhigh, so interrupt handlers
 * may allocate and free; nothing here sleeps except mpipe_alloc_waitok
 * (and mpipe_init's prefill when the caller may sleep).
 */
#include <sys/mbuf_port.h>
#include <sys/queue.h>
#include <sys/mpipe.h>
#include "mbuf_private.h"

MBP_MEMTYPE_DEFINE(M_MPIPE, "mpipe");

#define MPF_ALL		(MPF_NOZERO | MPF_CACHEDATA | MPF_INT)
#define MPIPE_NOCAP	0x7fffffff
#define MPIPE_NDRAIN	16
#define MPIPE_JUNK	0xdeadc0dedeadc0deULL	/* a free buffer's words... */
#define MPIPE_FRESH	0x5eedf00d5eedf00dULL	/* handed out, unwritten */

/* Junk-fill dead buffers under DIAGNOSTIC (not in the benchmark build). */
#if defined(DIAGNOSTIC)
#define MPIPE_POISON
#endif

struct mpipe_drain {
	void	(*md_fn)(void *);
	void	*md_arg;
};

static LIST_HEAD(, malloc_pipe) mpipe_list = LIST_HEAD_INITIALIZER(mpipe_list);
static struct mpipe_drain mpipe_drains[MPIPE_NDRAIN];
static int mpipe_draining;	/* drain hooks are running: no recursion */

/* mpipe_free zeroes a buffer it keeps (DragonFly's default). */
static inline bool
mpipe_zeroes(const struct malloc_pipe *mp)
{
	return ((mp->mp_flags & (MPF_NOZERO | MPF_CACHEDATA)) == 0);
}

#ifdef MPIPE_POISON
/* Nothing may rely on a free buffer's contents: junk it. */
static bool
mpipe_junked(const struct malloc_pipe *mp)
{
	return ((mp->mp_flags & (MPF_NOZERO | MPF_CACHEDATA)) == MPF_NOZERO &&
	    mp->mp_construct == NULL && mp->mp_deconstruct == NULL &&
	    mp->mp_bytes >= 8);
}

/* Every free buffer is zero (no constructor left its work in one). */
static bool
mpipe_zerochecked(const struct malloc_pipe *mp)
{
	return (mpipe_zeroes(mp) && mp->mp_construct == NULL);
}

/*
 * ... keyed by each word's own address, so that junk a caller copied
 * out of some other free buffer (uninitialised data passed along) is
 * never taken for a free buffer.
 */
static inline uint64_t
mpipe_junk(const uint64_t *w)
{
	return (MPIPE_JUNK ^ (uint64_t)(uintptr_t)w);
}
#endif

/*
 * A buffer enters the array (at splhigh, already zeroed when the pipe
 * zeroes): junk it when nothing may rely on its contents, and poison it
 * for AddressSanitizer.
 */
static void
mpipe_stash(struct malloc_pipe *mp, void *buf)
{
#ifdef MPIPE_POISON
	if (mpipe_junked(mp)) {
		uint64_t *w = buf;
		int i;

		for (i = 0; i < mp->mp_bytes / 8; i++)
			w[i] = mpipe_junk(&w[i]);
	}
#endif
	mbp_poison(buf, mp->mp_bytes);
}

/*
 * A buffer left the array: it is handed out as it lies (DragonFly zeroes
 * on free, never on allocation).  Under DIAGNOSTIC check that nobody
 * wrote to it while it was free.
 */
static void
mpipe_ready(struct malloc_pipe *mp, void *buf)
{
#ifdef MPIPE_POISON
	uint64_t *w = buf;
	int i;
#endif

	mbp_unpoison(buf, mp->mp_bytes);
#ifdef MPIPE_POISON
	if (mpipe_junked(mp)) {
		for (i = 0; i < mp->mp_bytes / 8; i++)
			if (w[i] != mpipe_junk(&w[i]))
				mbp_panic("mpipe: pipe %s: buffer %p was written "
				    "after it was freed (word %d is 0x%llx)",
				    mp->mp_name, buf, i,
				    (unsigned long long)w[i]);
		w[0] = MPIPE_FRESH;
	} else if (mpipe_zerochecked(mp)) {
		const unsigned char *c = buf;

		for (i = 0; i < mp->mp_bytes; i++)
			if (c[i] != 0)
				mbp_panic("mpipe: pipe %s: buffer %p was written "
				    "after it was freed (byte %d is 0x%x)",
				    mp->mp_name, buf, i, c[i]);
	}
#endif
}

/* A buffer is freed: catch the cheap cases of a double free. */
static void
mpipe_checkfree(struct malloc_pipe *mp, void *buf)
{
	if (mbp_ispoisoned(buf))
		mbp_panic("mpipe_free: pipe %s: %p is already free (double free)",
		    mp->mp_name, buf);
#ifdef MPIPE_POISON
	if (mpipe_junked(mp)) {
		uint64_t *w = buf;

		int last = mp->mp_bytes / 8 - 1;

		if (w[0] == mpipe_junk(&w[0]) &&
		    w[last] == mpipe_junk(&w[last]))
			mbp_panic("mpipe_free: pipe %s: %p is already free "
			    "(double free)", mp->mp_name, buf);
	}
#endif
}

/* Under DIAGNOSTIC, a pipe without junk looks for buf in its array. */
static bool
mpipe_inarray(struct malloc_pipe *mp, void *buf)
{
#ifdef MPIPE_POISON
	int i;

	if (mpipe_junked(mp))
		return (false);
	for (i = 0; i < mp->mp_nfree; i++)
		if (mp->mp_array[i] == buf)
			return (true);
#else
	(void)mp;
	(void)buf;
#endif
	return (false);
}

/* A new buffer from mbp_malloc, zeroed unless MPF_NOZERO, constructed. */
static void *
mpipe_sysalloc(struct malloc_pipe *mp, int wait)
{
	void *buf;

	buf = mbp_malloc(mp->mp_bytes, mp->mp_type, wait |
	    ((mp->mp_flags & MPF_NOZERO) ? 0 : MBP_ZERO));
	if (buf != NULL && mp->mp_construct != NULL)
		mp->mp_construct(buf, mp->mp_priv);
	return (buf);
}

void
mpipe_init(malloc_pipe_t mp, malloc_type_t type, int bytes, int nnom,
    int nmax, int mpflags, void (*construct)(void *, void *),
    void (*deconstruct)(void *, void *), void *priv)
{
	int wait = mbp_cansleep() ? MBP_WAITOK : MBP_NOWAIT;
	void *buf;
	int s;

	MBP_ASSERTMSG(bytes > 0, "mpipe_init: bad size %d for type %s", bytes,
	    mbp_memtype_name(type));
	MBP_ASSERTMSG((mpflags & ~MPF_ALL) == 0, "mpipe_init: unknown flags "
	    "0x%x for type %s", mpflags, mbp_memtype_name(type));
	/* DragonFly's limits: at least one buffer, nmax at least nnom. */
	if (nnom < 1)
		nnom = 1;
	if (nmax < 0)
		nmax = MPIPE_NOCAP;
	if (nmax < nnom)
		nmax = nnom;
	memset(mp, 0, sizeof(*mp));
	mb_snprintf(mp->mp_name, sizeof(mp->mp_name), "%s",
	    mbp_memtype_name(type));
	mp->mp_type = type;
	mp->mp_bytes = bytes;
	mp->mp_nnom = nnom;
	mp->mp_nmax = nmax;
	mp->mp_flags = mpflags;
	mp->mp_construct = construct;
	mp->mp_deconstruct = deconstruct;
	mp->mp_priv = priv;
	mp->mp_hooks = mpipe_zeroes(mp) ? MPIPE_HPUT : 0;
#if defined(MPIPE_POISON) || defined(__SANITIZE_ADDRESS__)
	mp->mp_hooks = MPIPE_HTAKE | MPIPE_HPUT;
#endif
	mp->mp_array = mbp_malloc(nnom * sizeof(void *), M_MPIPE, wait);
	if (mp->mp_array == NULL)
		mbp_panic("mpipe_init: pipe %s: no memory for its array",
		    mp->mp_name);
	while (mp->mp_nfree < nnom) {
		if ((buf = mpipe_sysalloc(mp, wait)) == NULL)
			mbp_panic("mpipe_init: pipe %s: no memory for reserve "
			    "buffer %d of %d", mp->mp_name, mp->mp_nfree + 1,
			    nnom);
		mpipe_stash(mp, buf);
		mp->mp_array[mp->mp_nfree++] = buf;
		mp->mp_total++;
	}
	s = mbp_splhigh();
	LIST_INSERT_HEAD(&mpipe_list, mp, mp_link);
	mbp_splx(s);
}

void
mpipe_setname(struct malloc_pipe *mp, const char *name)
{
	mb_snprintf(mp->mp_name, sizeof(mp->mp_name), "%s", name);
}

/*
 * The interrupt share (an extension): nint of the array's buffers are
 * for interrupt context only.  When nint is not 0 the array is topped
 * up to all its nnom now, from mbp_malloc under the cap, so that the
 * share and the threads' nnom - nint are both there before they are
 * needed, however many buffers the caller already holds (a driver's
 * receive ring).
 */
void
mpipe_setintr(struct malloc_pipe *mp, int nint)
{
	void *buf;
	int s;

	MBP_ASSERTMSG(mp->mp_flags & MPF_INT, "mpipe_setintr: pipe %s was not "
	    "made with MPF_INT", mp->mp_name);
	MBP_ASSERTMSG(nint >= 0 && nint <= mp->mp_nnom, "mpipe_setintr: pipe %s: "
	    "interrupt share %d outside 0..nnom (%d)", mp->mp_name, nint,
	    mp->mp_nnom);
	s = mbp_splhigh();
	mp->mp_nint = nint;
	while (nint > 0 && mp->mp_nfree < mp->mp_nnom &&
	    mp->mp_total < mp->mp_nmax) {
		mp->mp_total++;		/* hold the slot */
		mbp_splx(s);
		buf = mpipe_sysalloc(mp, MBP_NOWAIT);
		s = mbp_splhigh();
		if (buf == NULL) {
			mp->mp_total--;
			break;
		}
		mp->mp_mallocs++;
		if (mp->mp_nfree < mp->mp_nnom) {
			mpipe_stash(mp, buf);
			mp->mp_array[mp->mp_nfree++] = buf;
			if (mp->mp_waiters != 0)
				mbp_wakeup(mp);
			continue;
		}
		/* Frees filled the array meanwhile: this one is spare. */
		mp->mp_total--;
		mp->mp_sysfrees++;
		mbp_splx(s);
		if (mp->mp_deconstruct != NULL)
			mp->mp_deconstruct(buf, mp->mp_priv);
		mbp_free(buf, mp->mp_type);
		s = mbp_splhigh();
	}
	mbp_splx(s);
}

void
mpipe_done(malloc_pipe_t mp)
{
	void *buf;
	int s, out;

	/* A zeroed pipe, or one already done: nothing to do (DragonFly). */
	if (mp->mp_array == NULL)
		return;
	s = mbp_splhigh();
	out = mp->mp_total - mp->mp_nfree;
	if (out != 0 || mp->mp_waiters != 0) {
		mbp_splx(s);
		mbp_panic("mpipe_done: pipe %s has %d buffers outstanding and %d "
		    "waiters", mp->mp_name, out, mp->mp_waiters);
	}
	LIST_REMOVE(mp, mp_link);
	mbp_splx(s);
	while (mp->mp_nfree > 0) {
		buf = mp->mp_array[--mp->mp_nfree];
		mp->mp_total--;
		mbp_unpoison(buf, mp->mp_bytes);
		if (mp->mp_deconstruct != NULL)
			mp->mp_deconstruct(buf, mp->mp_priv);
		mbp_free(buf, mp->mp_type);
	}
	mbp_free(mp->mp_array, M_MPIPE);
	mp->mp_array = NULL;
	mp->mp_nnom = mp->mp_nmax = mp->mp_nint = 0;
}

/* Ask every drain hook to give memory back; false when none ran. */
static bool
mpipe_run_drains(void)
{
	int i, s;
	bool ran = false;

	s = mbp_splhigh();
	if (mpipe_draining) {
		mbp_splx(s);
		return (false);
	}
	mpipe_draining = 1;
	mbp_splx(s);
	for (i = 0; i < MPIPE_NDRAIN; i++) {
		void (*fn)(void *) = mpipe_drains[i].md_fn;

		if (fn != NULL) {
			fn(mpipe_drains[i].md_arg);
			ran = true;
		}
	}
	mpipe_draining = 0;
	return (ran);
}

/*
 * The slow path: the array has nothing this context may take.  Borrow
 * from mbp_malloc under the cap, then drain, then fail or sleep.  The
 * last check and the sleep are at splhigh together, so a free from an
 * interrupt handler cannot slip between them.
 */
static void *
mpipe_get(struct malloc_pipe *mp, bool canwait)
{
	bool mtried = false, drained = false;
	void *buf;
	int s, n;

	s = mbp_splhigh();
	for (;;) {
		n = mp->mp_nfree;
		if (n > mp->mp_nint || (n > 0 && mbp_in_interrupt())) {
			if (n <= mp->mp_nint)
				mp->mp_intres++;
			buf = mp->mp_array[--n];
			mp->mp_nfree = n;
			mpipe_took(mp);
			mbp_splx(s);
			mpipe_ready(mp, buf);
			return (buf);
		}
		if (!mtried && mp->mp_total < mp->mp_nmax) {
			mtried = true;
			mp->mp_total++;		/* hold the slot */
			mbp_splx(s);
			buf = mpipe_sysalloc(mp, MBP_NOWAIT);
			s = mbp_splhigh();
			if (buf != NULL) {
				mp->mp_mallocs++;
				mpipe_took(mp);
				mbp_splx(s);
				return (buf);
			}
			mp->mp_total--;
			continue;
		}
		if (!drained) {
			drained = true;
			mbp_splx(s);
			if (mpipe_run_drains()) {
				mtried = false;
				s = mbp_splhigh();
				mp->mp_drains++;
			} else
				s = mbp_splhigh();
			continue;
		}
		if (!canwait) {
			mp->mp_fails++;
			mbp_splx(s);
			return (NULL);
		}
		/* Under the cap but no memory: poll; at the cap: a free. */
		mp->mp_waits++;
		mp->mp_waiters++;
		mbp_sleep(mp, "mpipe", mp->mp_total < mp->mp_nmax ?
		    MAX(mbp_hz() / 10, 1) : 0);
		mp->mp_waiters--;
		mtried = drained = false;
	}
}

void *
mpipe_alloc_nowait(struct malloc_pipe *mp)
{
	void *buf;

	if ((buf = mpipe_take(mp)) != NULL)
		return (buf);
	return (mpipe_get(mp, false));
}

void *
mpipe_alloc_waitok(struct malloc_pipe *mp)
{
	void *buf;

	if (__predict_false(!mbp_cansleep()))
		mbp_panic("mpipe_alloc_waitok: pipe %s: caller %p may not sleep "
		    "(%s, ipl %d)", mp->mp_name, __builtin_return_address(0),
		    mbp_in_interrupt() ? "interrupt context" : "spl raised",
		    mbp_curipl());
	if ((buf = mpipe_take(mp)) != NULL)
		return (buf);
	return (mpipe_get(mp, true));
}

/*
 * All of mpipe_free: the buffer goes into the array while the array has
 * a free slot (zeroed first when the pipe zeroes), and to mbp_malloc
 * through the destructor only when the array is full, as in DragonFly's
 * mpipe_free; mpipe_put (sys/mpipe.h) is its common case, inline.
 */
void
mpipe_putslow(struct malloc_pipe *mp, void *buf)
{
	int s, n;

	mpipe_checkfree(mp, buf);
	s = mbp_splhigh();
	n = mp->mp_nfree;
	if (mpipe_inarray(mp, buf)) {
		mbp_splx(s);
		mbp_panic("mpipe_free: pipe %s: %p freed but it is already free "
		    "(double free)", mp->mp_name, buf);
	}
	if (mp->mp_total <= n) {
		mbp_splx(s);
		mbp_panic("mpipe_free: pipe %s: %p freed but no buffer is out",
		    mp->mp_name, buf);
	}
	mp->mp_puts++;
	if (n < mp->mp_nnom) {
		if (mpipe_zeroes(mp))
			memset(buf, 0, mp->mp_bytes);
		mpipe_stash(mp, buf);
		mp->mp_array[n] = buf;
		mp->mp_nfree = n + 1;
		if (mp->mp_waiters != 0)
			mbp_wakeup(mp);
		mbp_splx(s);
		return;
	}
	mp->mp_total--;
	mp->mp_sysfrees++;
	if (mp->mp_waiters != 0)
		mbp_wakeup(mp);
	mbp_splx(s);
	if (mp->mp_deconstruct != NULL)
		mp->mp_deconstruct(buf, mp->mp_priv);
	mbp_free(buf, mp->mp_type);
}

void
mpipe_free(struct malloc_pipe *mp, void *buf)
{
	if (buf != NULL)
		mpipe_put(mp, buf);
}

int
mpipe_out(const struct malloc_pipe *mp)
{
	int s, out;

	s = mbp_splhigh();
	out = mp->mp_total - mp->mp_nfree;
	mbp_splx(s);
	return (out);
}

int
mpipe_drain_register(void (*fn)(void *), void *arg)
{
	int i, s;

	s = mbp_splhigh();
	for (i = 0; i < MPIPE_NDRAIN; i++) {
		if (mpipe_drains[i].md_fn == NULL) {
			mpipe_drains[i].md_arg = arg;
			mpipe_drains[i].md_fn = fn;
			mbp_splx(s);
			return (0);
		}
	}
	mbp_splx(s);
	return (ENOSPC);
}

void
mpipe_drain_deregister(void (*fn)(void *), void *arg)
{
	int i, s;

	s = mbp_splhigh();
	for (i = 0; i < MPIPE_NDRAIN; i++) {
		if (mpipe_drains[i].md_fn == fn &&
		    mpipe_drains[i].md_arg == arg) {
			mpipe_drains[i].md_fn = NULL;
			mpipe_drains[i].md_arg = NULL;
			break;
		}
	}
	mbp_splx(s);
}

long
mpipe_total_out(void)
{
	struct malloc_pipe *mp;
	long n = 0;
	int s;

	s = mbp_splhigh();
	LIST_FOREACH(mp, &mpipe_list, mp_link)
		n += mp->mp_total - mp->mp_nfree;
	mbp_splx(s);
	return (n);
}

static void
mpipe_print_header(void)
{
	mbp_printf("%-12s %5s %5s %5s %4s %5s %5s %5s %8s %8s %5s %5s %5s %6s "
	    "%6s %5s\n", "pipe", "size", "nnom", "nmax", "nint", "free", "out",
	    "hiwat", "gets", "puts", "fails", "waits", "drain", "malloc",
	    "sysfre", "intr");
}

void
mpipe_print(const struct malloc_pipe *mp)
{
	mbp_printf("%-12s %5d %5d ", mp->mp_name, mp->mp_bytes, mp->mp_nnom);
	if (mp->mp_nmax == MPIPE_NOCAP)
		mbp_printf("%5s", "-");
	else
		mbp_printf("%5d", mp->mp_nmax);
	mbp_printf(" %4d %5d %5d %5d %8lu %8lu %5lu %5lu %5lu %6lu %6lu %5lu\n",
	    mp->mp_nint, mp->mp_nfree, mp->mp_total - mp->mp_nfree,
	    mp->mp_hiwat, mp->mp_gets, mp->mp_puts, mp->mp_fails,
	    mp->mp_waits, mp->mp_drains, mp->mp_mallocs, mp->mp_sysfrees,
	    mp->mp_intres);
}

void
mpipe_print_all(void)
{
	struct malloc_pipe *mp;
	int i, nhooks = 0;

	mpipe_print_header();
	LIST_FOREACH(mp, &mpipe_list, mp_link)
		mpipe_print(mp);
	for (i = 0; i < MPIPE_NDRAIN; i++)
		if (mpipe_drains[i].md_fn != NULL)
			nhooks++;
	mbp_printf("%ld pipe buffers out; %d drain hooks\n", mpipe_total_out(),
	    nhooks);
}
