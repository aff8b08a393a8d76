/*
 * kern_mpipe.c: malloc pipelines, mpipe(9).
 *
 * A pipe keeps up to nnom free buffers of one size and malloc type in a
 * LIFO array.  mpipe_init fills the array, so nnom allocations succeed
 * whatever happens to the heap later.  When the array cannot serve an
 * allocation the pipe borrows from malloc(9) as long as fewer than nmax
 * of its buffers exist; when that fails too, the registered drain hooks
 * are asked to give memory back, and only then does mpipe_alloc_nowait
 * fail or mpipe_alloc_waitok sleep.  mpipe_free puts the buffer back
 * into the array while no more than nnom of the pipe's buffers exist,
 * or while the interrupt reserve (below) is short; any other buffer
 * goes through the destructor back to malloc(9) at once.  So the pipe
 * keeps its nnom buffers, refills its interrupt reserve first, gives
 * back what it borrowed as soon as it can, and the malloc type's count
 * comes back with the buffers.  The common cases of both, a pop from
 * above the reserve and a push into a free slot, are inline in
 * sys/mpipe.h (mpipe_take, mpipe_put); this file is everything else.
 *
 * MPF_INT: the last mp_nint buffers of the array are the interrupt
 * reserve.  An allocation in thread context takes from the array only
 * while it holds more than mp_nint buffers; in interrupt context
 * (in_interrupt()) it may empty it.  So however hard threads allocate,
 * an interrupt handler still finds mp_nint buffers that only interrupt
 * handlers took.
 *
 * Contents: without MPF_NOZERO a buffer comes from malloc(9) zeroed,
 * before the constructor runs.  Without MPF_CACHEDATA the contents of a
 * freed buffer are dead: it is handed out again zeroed (or, with
 * MPF_NOZERO, undefined: filled with junk under DIAGNOSTIC, and checked
 * on reuse so that a write after free panics).  With MPF_CACHEDATA a
 * recycled buffer comes back exactly as it was freed.
 *
 * Invariants: 0 <= mp_nfree <= mp_nnom <= mp_nmax, mp_nfree <= mp_total
 * <= mp_nmax, mp_total >= mp_nnom (mpipe_free gives nothing back to
 * malloc(9) below that); mp_array[0 .. mp_nfree-1] are the free buffers; under
 * AddressSanitizer free buffers are poisoned; every field changes only
 * at splhigh, so interrupt handlers may allocate and free; nothing here
 * sleeps except mpipe_alloc_waitok (and mpipe_init's prefill when the
 * caller may sleep).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/queue.h>
#include <sys/mpipe.h>
#include <sys/selftest.h>
#include <sys/shell.h>

MALLOC_DEFINE(M_MPIPE, "mpipe", "mpipe(9) free-buffer arrays");

#define MPF_ALL		(MPF_NOZERO | MPF_CACHEDATA | MPF_INT)
#define MPIPE_NOCAP	0x7fffffff
#define MPIPE_NDRAIN	16
#define MPIPE_JUNK	0xdeadc0dedeadc0deULL	/* a free buffer's words... */
#define MPIPE_FRESH	0x5eedf00d5eedf00dULL	/* handed out, unwritten */

/* Junk-fill dead buffers under DIAGNOSTIC (not in the benchmark build). */
#if defined(DIAGNOSTIC)
#define MPIPE_POISON
#endif

/* KASAN_POISON and KASAN_UNPOISON come from sys/malloc.h. */
#if defined(__SANITIZE_ADDRESS__)
int	__asan_address_is_poisoned(void const volatile *);
#define KASAN_ISPOISONED(p)	__asan_address_is_poisoned(p)
#else
#define KASAN_ISPOISONED(p)	0
#endif

struct mpipe_drain {
	void	(*md_fn)(void *);
	void	*md_arg;
};

static LIST_HEAD(, malloc_pipe) mpipe_list = LIST_HEAD_INITIALIZER(mpipe_list);
static struct mpipe_drain mpipe_drains[MPIPE_NDRAIN];
static int mpipe_draining;	/* drain hooks are running: no recursion */

static long
mpipe_leakcount(void)
{
	return (mpipe_total_out());
}

static struct leakprobe mpipe_probe = {
	.lp_name = "pipe buffers",
	.lp_count = mpipe_leakcount,
};

void
mpipe_sysinit(void)
{
	leakprobe_register(&mpipe_probe);
}

#ifdef MPIPE_POISON
static bool
mpipe_junked(const struct malloc_pipe *mp)
{
	return ((mp->mp_flags & MPF_CACHEDATA) == 0 && mp->mp_bytes >= 8);
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
 * A buffer enters the array (at splhigh): kill its contents unless the
 * pipe caches them, and poison it for AddressSanitizer.
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
	KASAN_POISON(buf, mp->mp_bytes);
}

/* A buffer left the array: make it what the caller was promised. */
static void
mpipe_ready(struct malloc_pipe *mp, void *buf)
{
	KASAN_UNPOISON(buf, mp->mp_bytes);
#ifdef MPIPE_POISON
	if (mpipe_junked(mp)) {
		uint64_t *w = buf;
		int i;

		for (i = 0; i < mp->mp_bytes / 8; i++)
			if (w[i] != mpipe_junk(&w[i]))
				panic("mpipe: pipe %s: buffer %p was written "
				    "after it was freed (word %d is 0x%llx)",
				    mp->mp_name, buf, i,
				    (unsigned long long)w[i]);
		if (mp->mp_flags & MPF_NOZERO)
			w[0] = MPIPE_FRESH;
	}
#endif
	if ((mp->mp_flags & (MPF_NOZERO | MPF_CACHEDATA)) == 0)
		memset(buf, 0, mp->mp_bytes);
}

/* A buffer is freed: catch the cheap cases of a double free. */
static void
mpipe_checkfree(struct malloc_pipe *mp, void *buf)
{
	if (KASAN_ISPOISONED(buf))
		panic("mpipe_free: pipe %s: %p is already free (double free)",
		    mp->mp_name, buf);
#ifdef MPIPE_POISON
	if (mpipe_junked(mp)) {
		uint64_t *w = buf;

		int last = mp->mp_bytes / 8 - 1;

		if (w[0] == mpipe_junk(&w[0]) &&
		    w[last] == mpipe_junk(&w[last]))
			panic("mpipe_free: pipe %s: %p is already free "
			    "(double free)", mp->mp_name, buf);
	}
#endif
}

void
mpipe_init(struct malloc_pipe *mp, struct malloc_type *type, int bytes,
    int nnom, int nmax, int mpflags,
    void (*construct)(struct malloc_pipe *, void *),
    void (*deconstruct)(struct malloc_pipe *, void *), void *priv)
{
	int wait = cansleep() ? M_WAITOK : M_NOWAIT;
	void *buf;
	int s;

	KASSERTMSG(bytes > 0 && nnom >= 0, "mpipe_init: bad size %d or nnom "
	    "%d for type %s", bytes, nnom, type->ks_shortdesc);
	KASSERTMSG((mpflags & ~MPF_ALL) == 0, "mpipe_init: unknown flags "
	    "0x%x for type %s", mpflags, type->ks_shortdesc);
	memset(mp, 0, sizeof(*mp));
	strlcpy(mp->mp_name, type->ks_shortdesc, sizeof(mp->mp_name));
	mp->mp_type = type;
	mp->mp_bytes = bytes;
	mp->mp_nnom = nnom;
	mp->mp_nmax = nmax <= 0 ? MPIPE_NOCAP : MAX(nmax, nnom);
	mp->mp_flags = mpflags;
	mp->mp_nint = (mpflags & MPF_INT) ? howmany(nnom, 4) : 0;
	mp->mp_construct = construct;
	mp->mp_deconstruct = deconstruct;
	mp->mp_priv = priv;
	mp->mp_hooks = (mpflags & (MPF_NOZERO | MPF_CACHEDATA)) == 0;
#if defined(MPIPE_POISON) || defined(__SANITIZE_ADDRESS__)
	mp->mp_hooks = 1;
#endif
	if (nnom > 0) {
		mp->mp_array = malloc(nnom * sizeof(void *), M_MPIPE, wait);
		if (mp->mp_array == NULL)
			panic("mpipe_init: pipe %s: no memory for its array",
			    mp->mp_name);
	}
	while (mp->mp_nfree < nnom) {
		buf = malloc(bytes, type, wait |
		    ((mpflags & MPF_NOZERO) ? 0 : M_ZERO));
		if (buf == NULL)
			panic("mpipe_init: pipe %s: no memory for reserve "
			    "buffer %d of %d", mp->mp_name, mp->mp_nfree + 1,
			    nnom);
		if (construct != NULL)
			construct(mp, buf);
		mpipe_stash(mp, buf);
		mp->mp_array[mp->mp_nfree++] = buf;
		mp->mp_total++;
	}
	s = splhigh();
	LIST_INSERT_HEAD(&mpipe_list, mp, mp_link);
	splx(s);
}

void
mpipe_setname(struct malloc_pipe *mp, const char *name)
{
	strlcpy(mp->mp_name, name, sizeof(mp->mp_name));
}

void
mpipe_setintr(struct malloc_pipe *mp, int nint)
{
	int s;

	KASSERTMSG(mp->mp_flags & MPF_INT, "mpipe_setintr: pipe %s was not "
	    "made with MPF_INT", mp->mp_name);
	KASSERTMSG(nint >= 0 && nint <= mp->mp_nnom, "mpipe_setintr: pipe %s: "
	    "interrupt reserve %d outside 0..nnom (%d)", mp->mp_name, nint,
	    mp->mp_nnom);
	s = splhigh();
	mp->mp_nint = nint;
	splx(s);
}

void
mpipe_done(struct malloc_pipe *mp)
{
	void *buf;
	int s, out;

	s = splhigh();
	out = mp->mp_total - mp->mp_nfree;
	if (out != 0 || mp->mp_waiters != 0) {
		splx(s);
		panic("mpipe_done: pipe %s has %d buffers outstanding and %d "
		    "waiters", mp->mp_name, out, mp->mp_waiters);
	}
	LIST_REMOVE(mp, mp_link);
	splx(s);
	while (mp->mp_nfree > 0) {
		buf = mp->mp_array[--mp->mp_nfree];
		mp->mp_total--;
		KASAN_UNPOISON(buf, mp->mp_bytes);
		if (mp->mp_deconstruct != NULL)
			mp->mp_deconstruct(mp, buf);
		free(buf, mp->mp_type);
	}
	if (mp->mp_array != NULL)
		free(mp->mp_array, M_MPIPE);
	mp->mp_array = NULL;
	mp->mp_nnom = mp->mp_nmax = 0;
}

/* Ask every drain hook to give memory back; false when none ran. */
static bool
mpipe_run_drains(void)
{
	int i, s;
	bool ran = false;

	s = splhigh();
	if (mpipe_draining) {
		splx(s);
		return (false);
	}
	mpipe_draining = 1;
	splx(s);
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
 * from malloc(9) under the cap, then drain, then fail or sleep.  The
 * last check and the tsleep are at splhigh together, so a free from an
 * interrupt handler cannot slip between them.
 */
static void *
mpipe_get(struct malloc_pipe *mp, bool canwait)
{
	bool mtried = false, drained = false;
	void *buf;
	int s, n;

	s = splhigh();
	for (;;) {
		n = mp->mp_nfree;
		if (n > mp->mp_nint || (n > 0 && in_interrupt())) {
			if (n <= mp->mp_nint)
				mp->mp_intres++;
			buf = mp->mp_array[--n];
			mp->mp_nfree = n;
			mpipe_took(mp);
			splx(s);
			mpipe_ready(mp, buf);
			return (buf);
		}
		if (!mtried && mp->mp_total < mp->mp_nmax) {
			mtried = true;
			mp->mp_total++;		/* hold the slot */
			splx(s);
			buf = malloc(mp->mp_bytes, mp->mp_type, M_NOWAIT |
			    ((mp->mp_flags & MPF_NOZERO) ? 0 : M_ZERO));
			if (buf != NULL && mp->mp_construct != NULL)
				mp->mp_construct(mp, buf);
			s = splhigh();
			if (buf != NULL) {
				mp->mp_mallocs++;
				mpipe_took(mp);
				splx(s);
				return (buf);
			}
			mp->mp_total--;
			continue;
		}
		if (!drained) {
			drained = true;
			splx(s);
			if (mpipe_run_drains()) {
				mtried = false;
				s = splhigh();
				mp->mp_drains++;
			} else
				s = splhigh();
			continue;
		}
		if (!canwait) {
			mp->mp_fails++;
			splx(s);
			return (NULL);
		}
		/* Under the cap but no memory: poll; at the cap: a free. */
		mp->mp_waits++;
		mp->mp_waiters++;
		tsleep(mp, 0, "mpipe", mp->mp_total < mp->mp_nmax ?
		    MAX(hz / 10, 1) : 0);
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

	if (__predict_false(!cansleep()))
		panic("mpipe_alloc_waitok: pipe %s: caller %p may not sleep "
		    "(%s, ipl %d)", mp->mp_name, __builtin_return_address(0),
		    in_interrupt() ? "interrupt context" : "spl raised",
		    curipl());
	if ((buf = mpipe_take(mp)) != NULL)
		return (buf);
	return (mpipe_get(mp, true));
}

/*
 * All of mpipe_free: the buffer goes back into the array while at most
 * nnom exist or the interrupt reserve is short, and to malloc(9)
 * otherwise; mpipe_put (sys/mpipe.h) is its common case, inline.
 */
void
mpipe_putslow(struct malloc_pipe *mp, void *buf)
{
	int s, n;

	mpipe_checkfree(mp, buf);
	s = splhigh();
	KASSERTMSG(mp->mp_total > mp->mp_nfree, "mpipe_free: pipe %s: %p "
	    "freed but no buffer is out", mp->mp_name, buf);
	mp->mp_puts++;
	n = mp->mp_nfree;
	if (mp->mp_total <= mp->mp_nnom || n < mp->mp_nint) {
		/* A buffer is out, or n < nint <= nnom: there is a slot. */
		mpipe_stash(mp, buf);
		mp->mp_array[n] = buf;
		mp->mp_nfree = n + 1;
		if (mp->mp_waiters != 0)
			wakeup(mp);
		splx(s);
		return;
	}
	mp->mp_total--;
	mp->mp_sysfrees++;
	if (mp->mp_waiters != 0)
		wakeup(mp);
	splx(s);
	if (mp->mp_deconstruct != NULL)
		mp->mp_deconstruct(mp, buf);
	free(buf, mp->mp_type);
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

	s = splhigh();
	out = mp->mp_total - mp->mp_nfree;
	splx(s);
	return (out);
}

int
mpipe_drain_register(void (*fn)(void *), void *arg)
{
	int i, s;

	s = splhigh();
	for (i = 0; i < MPIPE_NDRAIN; i++) {
		if (mpipe_drains[i].md_fn == NULL) {
			mpipe_drains[i].md_arg = arg;
			mpipe_drains[i].md_fn = fn;
			splx(s);
			return (0);
		}
	}
	splx(s);
	return (ENOSPC);
}

void
mpipe_drain_deregister(void (*fn)(void *), void *arg)
{
	int i, s;

	s = splhigh();
	for (i = 0; i < MPIPE_NDRAIN; i++) {
		if (mpipe_drains[i].md_fn == fn &&
		    mpipe_drains[i].md_arg == arg) {
			mpipe_drains[i].md_fn = NULL;
			mpipe_drains[i].md_arg = NULL;
			break;
		}
	}
	splx(s);
}

long
mpipe_total_out(void)
{
	struct malloc_pipe *mp;
	long n = 0;
	int s;

	s = splhigh();
	LIST_FOREACH(mp, &mpipe_list, mp_link)
		n += mp->mp_total - mp->mp_nfree;
	splx(s);
	return (n);
}

static void
mpipe_print_header(void)
{
	printf("%-12s %5s %5s %5s %4s %5s %5s %5s %8s %8s %5s %5s %5s %6s "
	    "%6s %5s\n", "pipe", "size", "nnom", "nmax", "nint", "free", "out",
	    "hiwat", "gets", "puts", "fails", "waits", "drain", "malloc",
	    "sysfre", "intr");
}

void
mpipe_print(const struct malloc_pipe *mp)
{
	printf("%-12s %5d %5d ", mp->mp_name, mp->mp_bytes, mp->mp_nnom);
	if (mp->mp_nmax == MPIPE_NOCAP)
		printf("%5s", "-");
	else
		printf("%5d", mp->mp_nmax);
	printf(" %4d %5d %5d %5d %8lu %8lu %5lu %5lu %5lu %6lu %6lu %5lu\n",
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
	printf("%ld pipe buffers out; %d drain hooks\n", mpipe_total_out(),
	    nhooks);
}

SHELL_CMD(mpipes, "mpipe(9) reserves and their counters")
{
	mpipe_print_all();
	return (0);
}
