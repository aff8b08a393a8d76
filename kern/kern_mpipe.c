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
 * Per CPU (Bonwick's magazines, FreeBSD UMA's buckets, NetBSD's
 * pool_cache(9)): in front of the array, now the depot, each CPU has a
 * cache of up to mc_max buffers which mpipe_take and mpipe_put use
 * with interrupts masked on that CPU alone and no lock.  A cache
 * that is empty refills with half its capacity from the depot in one
 * locked section, one that is full gives half back, so a burst costs
 * one lock per mp_cmax / 2 buffers (32 with full caches): Bonwick's
 * loaded and previous magazines of 32 rounds, kept as one array so
 * that the swap is free.
 * Every pipe has caches.  Their size (mpipe_cachesize) is MPIPE_CACHE
 * where the cap leaves room for a full one on every CPU; below that,
 * the room above nnom or half the cap, whichever is more, spread over
 * MBP_MAXCPUS CPUs, and at least 2 (nmax 16 on 8 CPUs: caches of 2,
 * exchanging 1 buffer at a time), so that an allocation and a free in
 * turn on one CPU stay in its cache.
 * The size changes how often the slow path and the reclaim run, never
 * what is guaranteed: the argument below holds for any mp_cmax.
 *
 * What a pipe costs idle: mpipe_init prefills nnom buffers and no
 * more.  A CPU's cache starts with mc_max 0 and is granted mp_cmax
 * (mpipe_join, under mp_lock) the first time that CPU reaches the slow
 * path of the pipe, so mp_ccap counts only the CPUs that have used it
 * and the depot's room (mpipe_dmax) grows with them; the array has
 * slots for every CPU from the start, so joining never allocates.  The
 * caches' share of the reserve is carried by the cross-CPU reclaim, not
 * by buffers set aside for it: when the depot is empty and the pipe can
 * grow no more, the allocator brings the other CPUs' caches to the
 * depot by a cross-call to each (mbp_xcall, mpipe_reclaim) before the
 * drain hooks run, so every cached buffer is within reach of every
 * CPU, and an allocation fails only when all the pipe's buffers are
 * out (a thread's, when all but the interrupt share are): at least
 * nnom of them, since mp_total never falls below nnom.  Cached buffers
 * are free buffers in the books (mp_total counts them, mpipe_out does
 * not), so nmax is never exceeded whatever the caches hold.  The
 * reclaim always fits: it runs with at most mp_nint buffers in the
 * depot, and the depot has room for nnom plus every granted cache (or
 * for the whole cap, where that is less).  The interrupt share is in
 * the depot itself (no cache refill, thread allocation or mpipe_trim
 * takes the depot below mp_nint), and while the depot is below it
 * every free on every CPU goes to the depot (MPIPE_GSHORT in
 * mp_putgate), so that a free refills a short share first, as the
 * seed's single array does; mpipe_setintr fills the depot from the
 * caches before it borrows from mbp_malloc.  FreeBSD reaches the same
 * end the other way, counting cached items against a zone's limit
 * (sys/vm/uma_core.c) and draining the buckets before it fails
 * (pcpu_cache_drain_safe); prefilling every possible CPU's cache cost
 * 14303K at boot for msys(9)'s 40 classes.  While a thread sleeps for
 * a buffer every free on every CPU goes to the depot, with that CPU's
 * whole cache, and wakes it (MPIPE_GWAIT in mp_putgate).  What caches
 * cost: a pipe keeps up to nnom + mp_ccap buffers in its depot and a
 * cache's worth more on each CPU that used it before a free goes back
 * to mbp_malloc; mpipe_trim (and mpipe_trim_all, which the self-test
 * harness runs before every leak snapshot) takes it back to nnom.
 *
 * Invariants: 1 <= mp_nnom <= mp_nmax, 0 <= mp_nint <= mp_nnom,
 * 1 <= mp_cmax <= MIN(mp_nmax, MPIPE_CACHE), 0 <= mp_nfree <=
 * mpipe_dmax(mp) <= mp_slots, mp_ccap is the sum of
 * the caches' mc_max (each 0 or mp_cmax), mp_nnom <= mp_total <=
 * mp_nmax (mpipe_free gives a buffer back only from a full depot); mp_array[0
 * .. mp_nfree-1] and each cache's mc_buf[0 ..
 * mc_n-1] are the free buffers; under AddressSanitizer free buffers
 * are poisoned; the depot and the counters change only under mp_lock,
 * a cache only on its own CPU with its interrupts masked, so interrupt
 * handlers may allocate and free; nothing here needs the big lock;
 * nothing sleeps except mpipe_alloc_waitok (and mpipe_init's prefill
 * and mpipe_sethiwat when the caller may sleep).  Lock order: the list
 * lock, then a pipe's.
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
static struct mbp_lock mpipe_list_lock;	/* the list and the drain hooks */
static bool mpipe_list_ready;

/* The list's lock, made at the first mpipe_init (at boot, one CPU). */
static struct mbp_lock *
mpipe_listlock(void)
{
	if (!mpipe_list_ready) {
		mbp_lock_init(&mpipe_list_lock, "mpipe list");
		mpipe_list_ready = true;
	}
	return (&mpipe_list_lock);
}

/*
 * A cache's capacity: the room above nnom or half the cap, whichever
 * is more, spread over every CPU the port can run; at most
 * MPIPE_CACHE (so every uncapped pipe and every big one gets full
 * caches) and at least 2 (1 for a pipe of one buffer), so that an
 * allocation and a free in turn stay in the cache.  The caches of
 * every CPU together then hold about half a small pipe's cap (all of
 * a tiny one); the reserve argument (the opening comment) holds for
 * any size.
 */
static int
mpipe_cachesize(int nnom, int nmax)
{
	int n;

	n = MAX((nmax - nnom) / MBP_MAXCPUS, nmax / (2 * MBP_MAXCPUS));
	return (MIN(MAX(n, 2), MIN(nmax, MPIPE_CACHE)));
}

/*
 * The depot's slots: nnom and a full cache of every CPU, but never
 * more than the cap (the depot holds no more than the pipe has).
 */
static int
mpipe_depotsize(const struct malloc_pipe *mp)
{
	return (MIN(mp->mp_nmax, mp->mp_nnom + MBP_MAXCPUS * mp->mp_cmax));
}

/* The depot's fill at which a free goes back to mbp_malloc. */
static inline int
mpipe_dmax(const struct malloc_pipe *mp)
{
	return (MIN(MAX(mp->mp_nnom + mp->mp_ccap, mp->mp_keep),
	    mp->mp_slots));
}

/* Free buffers in every cache (other CPUs' counts read unlocked). */
static int
mpipe_ncached(const struct malloc_pipe *mp)
{
	int i, n = 0;

	for (i = 0; i < MBP_MAXCPUS; i++)
		n += ((volatile struct mpipe_cache *)&mp->mp_cache[i])->mc_n;
	return (n);
}

/*
 * Under mp_lock, on the cache's own CPU: grant it its capacity the
 * first time that CPU comes to the pipe's slow path.  Nothing is
 * allocated (the array has slots for every CPU): the cache fills from
 * the depot and from frees, and mpipe_reclaim reaches what it holds.
 */
static inline bool
mpipe_join(struct malloc_pipe *mp, struct mpipe_cache *mc)
{
	/* mc_max is 0 or mp_cmax: below it only before the CPU joined. */
	if (__predict_true(mc->mc_max >= mp->mp_cmax))
		return (false);
	mc->mc_max = mp->mp_cmax;
	mp->mp_ccap += mp->mp_cmax;
	return (true);
}

/*
 * Under mp_lock, after the waiters or the depot's fill changed.
 * mpipe_put reads without it (sys/mpipe.h) whether every free must go
 * to the depot: the pipe's per-buffer work, a thread waiting, or the
 * depot below its interrupt share (which a free refills first, as the
 * seed's array does).  One word, so that the inline free tests one
 * load; it changes with one atomic store.  A free that read the old
 * value went into a cache as if it had come just before the change:
 * the waiter's mpipe_reclaim brings it to the depot, and a short share
 * is refilled by the frees that follow.
 */
static inline void
mpipe_setgate(struct malloc_pipe *mp)
{
	int gate;

	gate = (mp->mp_hooks & MPIPE_HPUT) |
	    (mp->mp_waiters != 0 ? MPIPE_GWAIT : 0) |
	    (mp->mp_nfree < mp->mp_nint ? MPIPE_GSHORT : 0);
	if (gate != mp->mp_putgate)
		__atomic_store_n(&mp->mp_putgate, gate, __ATOMIC_RELAXED);
}

static inline void
mpipe_setwaiters(struct malloc_pipe *mp, int d)
{
	mp->mp_waiters += d;
	mpipe_setgate(mp);
}

/*
 * On the CPU whose cache it empties, called by mbp_xcall for a caller
 * that holds mp_lock on its behalf: this CPU's cached buffers go to the
 * depot, as many as it has room for.
 */
static void
mpipe_flush_here(void *arg)
{
	struct malloc_pipe *mp = arg;
	struct mpipe_cache *mc = mpipe_mycache(mp);
	int k = MIN(mc->mc_n, mpipe_dmax(mp) - mp->mp_nfree);

	if (k <= 0)
		return;
	mc->mc_n -= k;
	memcpy(&mp->mp_array[mp->mp_nfree], &mc->mc_buf[mc->mc_n],
	    k * sizeof(void *));
	mp->mp_nfree += k;
}

/*
 * Bring the other CPUs' cached buffers to the depot, one CPU at a time
 * (mbp_xcall); under mp_lock, which the targets never take for it.
 * Without all, only the CPUs whose caches look non-empty are asked;
 * with it every one, so that each has seen what the caller stored
 * before (mp_waiters).  True when the depot grew.
 */
static bool
mpipe_reclaim(struct malloc_pipe *mp, bool all)
{
	u_int i, me = mbp_cpu_index(), ncpu = mbp_ncpu();
	int n0 = mp->mp_nfree, n1;

	if (mp->mp_cmax == 0)
		return (false);
	/* This CPU's own cache is empty here: asking it costs nothing. */
	for (i = 0; i < ncpu && i < MBP_MAXCPUS; i++) {
		if (!all &&
		    ((volatile struct mpipe_cache *)&mp->mp_cache[i])->mc_n == 0)
			continue;
		n1 = mp->mp_nfree;
		mbp_xcall(i, mpipe_flush_here, mp);
		if (i != me) {
			mp->mp_xcalls++;
			mp->mp_reclaims += mp->mp_nfree - n1;
		}
	}
	mpipe_setgate(mp);
	return (mp->mp_nfree > n0);
}

/* Count a buffer going out; under mp_lock. */
static inline void
mpipe_took(struct malloc_pipe *mp, const struct mpipe_cache *mc)
{
	int out = mp->mp_total - mp->mp_nfree - mc->mc_n;

	mp->mp_gets++;
	if (out > mp->mp_hiwat)
		mp->mp_hiwat = out;
}

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
	for (i = 0; i < mpipe_mycache(mp)->mc_n; i++)
		if (mpipe_mycache(mp)->mc_buf[i] == buf)
			return (true);
#else
	(void)mp;
	(void)buf;
#endif
	return (false);
}

/*
 * A new buffer from mbp_malloc, zeroed unless MPF_NOZERO, constructed.
 * Under DIAGNOSTIC it is marked as handed out (mpipe_ready's mark):
 * memory that was once this pipe's free buffer may come back from
 * mbp_malloc with the pipe's junk still in it (a kernel malloc junks
 * its small chunks but not whole pages), and freeing it must not look
 * like a double free.
 */
static void *
mpipe_sysalloc(struct malloc_pipe *mp, int wait)
{
	void *buf;

	buf = mbp_malloc(mp->mp_bytes, mp->mp_type, wait |
	    ((mp->mp_flags & MPF_NOZERO) ? 0 : MBP_ZERO));
#ifdef MPIPE_POISON
	if (buf != NULL && mpipe_junked(mp))
		*(uint64_t *)buf = MPIPE_FRESH;
#endif
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
	mp->mp_putgate = mp->mp_hooks & MPIPE_HPUT;
	mp->mp_cmax = mpipe_cachesize(nnom, nmax);
	mp->mp_ccap = 0;
	mp->mp_slots = mpipe_depotsize(mp);
	mbp_lock_init(&mp->mp_lock, "mpipe");
	mp->mp_array = mbp_malloc(mp->mp_slots * sizeof(void *), M_MPIPE,
	    wait);
	mp->mp_cache = mbp_malloc(MBP_MAXCPUS * sizeof(struct mpipe_cache),
	    M_MPIPE, wait | MBP_ZERO);
	if (mp->mp_array == NULL || mp->mp_cache == NULL)
		mbp_panic("mpipe_init: pipe %s: no memory for its array",
		    mp->mp_name);
	/* Only the reserve: each cache is granted when its CPU joins. */
	while (mp->mp_nfree < nnom) {
		if ((buf = mpipe_sysalloc(mp, wait)) == NULL)
			mbp_panic("mpipe_init: pipe %s: no memory for reserve "
			    "buffer %d of %d", mp->mp_name, mp->mp_nfree + 1,
			    nnom);
		mpipe_stash(mp, buf);
		mp->mp_array[mp->mp_nfree++] = buf;
		mp->mp_total++;
	}
	mbp_lock_enter(mpipe_listlock());
	LIST_INSERT_HEAD(&mpipe_list, mp, mp_link);
	mbp_lock_exit(&mpipe_list_lock);
}

void
mpipe_setname(struct malloc_pipe *mp, const char *name)
{
	mb_snprintf(mp->mp_name, sizeof(mp->mp_name), "%s", name);
}

/* buf goes back to mbp_malloc through the destructor; no lock held. */
static void
mpipe_release(struct malloc_pipe *mp, void *buf)
{
	mbp_unpoison(buf, mp->mp_bytes);
	if (mp->mp_deconstruct != NULL)
		mp->mp_deconstruct(buf, mp->mp_priv);
	mbp_free(buf, mp->mp_type);
}

/*
 * A spare buffer leaves the pipe for mbp_malloc: counted under mp_lock,
 * which the caller holds and which is released before the destructor
 * and mbp_free run.
 */
static void
mpipe_sysfree_unlock(struct malloc_pipe *mp, void *buf)
{
	mp->mp_total--;
	mp->mp_sysfrees++;
	mbp_lock_exit(&mp->mp_lock);
	mpipe_release(mp, buf);
}

/*
 * The interrupt share (an extension): nint of the depot's buffers are
 * for interrupt context only.  When nint is not 0 the depot is topped
 * up to nnom now, from mbp_malloc under the cap, so that the share and
 * the threads' nnom - nint are both there before they are needed,
 * however many buffers the caller already holds (a driver's receive
 * ring).
 */
void
mpipe_setintr(struct malloc_pipe *mp, int nint)
{
	void *buf;

	MBP_ASSERTMSG(mp->mp_flags & MPF_INT, "mpipe_setintr: pipe %s was not "
	    "made with MPF_INT", mp->mp_name);
	MBP_ASSERTMSG(nint >= 0 && nint <= mp->mp_nnom, "mpipe_setintr: pipe %s: "
	    "interrupt share %d outside 0..nnom (%d)", mp->mp_name, nint,
	    mp->mp_nnom);
	mbp_lock_enter(&mp->mp_lock);
	mp->mp_nint = nint;
	/* What the caches hold first, then mbp_malloc. */
	if (nint > 0 && mp->mp_nfree < mp->mp_nnom)
		(void)mpipe_reclaim(mp, false);
	while (nint > 0 && mp->mp_nfree < mp->mp_nnom &&
	    mp->mp_total < mp->mp_nmax) {
		mp->mp_total++;		/* hold the slot */
		mbp_lock_exit(&mp->mp_lock);
		buf = mpipe_sysalloc(mp, MBP_NOWAIT);
		mbp_lock_enter(&mp->mp_lock);
		if (buf == NULL) {
			mp->mp_total--;
			break;
		}
		mp->mp_mallocs++;
		if (mp->mp_nfree < mp->mp_nnom) {
			mpipe_stash(mp, buf);
			mp->mp_array[mp->mp_nfree++] = buf;
			mpipe_setgate(mp);
			if (mp->mp_waiters != 0)
				mbp_wakeup(mp);
			continue;
		}
		/* Frees filled the depot meanwhile: this one is spare. */
		mpipe_sysfree_unlock(mp, buf);
		mbp_lock_enter(&mp->mp_lock);
	}
	mpipe_setgate(mp);
	mbp_lock_exit(&mp->mp_lock);
}

/*
 * The high-water mark (an extension, mpipe.9): the depot keeps up to
 * nkeep free buffers (at least what nnom and the caches need) before a
 * free goes back to mbp_malloc, so that a burst of up to nkeep buffers
 * out at once is served from the depot once the pipe has grown to it.
 * Nothing is allocated ahead.  Thread context; 0, or ENOBUFS (the
 * pipe unchanged) when there is no memory for the bigger depot.
 */
int
mpipe_sethiwat(struct malloc_pipe *mp, int nkeep)
{
	void **na, **old = NULL;
	int slots;

	MBP_ASSERTMSG(nkeep >= 0, "mpipe_sethiwat: pipe %s: negative mark %d",
	    mp->mp_name, nkeep);
	nkeep = MIN(nkeep, mp->mp_nmax);
	slots = MAX(nkeep, mpipe_depotsize(mp));
	na = NULL;
	if (slots > mp->mp_slots) {
		na = mbp_malloc(slots * sizeof(void *), M_MPIPE,
		    mbp_cansleep() ? MBP_WAITOK : MBP_NOWAIT);
		if (na == NULL)
			return (ENOBUFS);
	}
	mbp_lock_enter(&mp->mp_lock);
	if (na != NULL && slots > mp->mp_slots) {
		memcpy(na, mp->mp_array, mp->mp_nfree * sizeof(void *));
		old = mp->mp_array;
		mp->mp_array = na;
		mp->mp_slots = slots;
		na = NULL;
	}
	mp->mp_keep = nkeep;
	mbp_lock_exit(&mp->mp_lock);
	if (old != NULL)
		mbp_free(old, M_MPIPE);
	if (na != NULL)
		mbp_free(na, M_MPIPE);
	return (0);
}

/*
 * Give back to mbp_malloc free buffers while the pipe has more than its
 * reserve, nnom: what a high-water mark or the caches kept on top of it,
 * the caches' brought to the depot first; the mark stays, and so does
 * the interrupt share (the depot keeps mp_nint).  Any context; returns
 * how many went.
 */
int
mpipe_trim(struct malloc_pipe *mp)
{
	void *buf;
	int n = 0;

	mbp_lock_enter(&mp->mp_lock);
	for (;;) {
		while (mp->mp_nfree > mp->mp_nint &&
		    mp->mp_total > mp->mp_nnom) {
			buf = mp->mp_array[--mp->mp_nfree];
			mpipe_sysfree_unlock(mp, buf);
			n++;
			mbp_lock_enter(&mp->mp_lock);
		}
		/*
		 * Buffers the pipe grew by may sit in caches, this CPU's or
		 * others': bring them to the depot (mpipe_reclaim) and go
		 * on, until the pipe is down to its reserve or the caches
		 * are empty.
		 */
		if (mp->mp_total <= mp->mp_nnom || !mpipe_reclaim(mp, false))
			break;
	}
	mbp_lock_exit(&mp->mp_lock);
	return (n);
}

/* mpipe_trim on every pipe; thread context (the list lock is dropped). */
int
mpipe_trim_all(void)
{
	struct malloc_pipe *mp;
	int n = 0;

	mbp_lock_enter(mpipe_listlock());
	LIST_FOREACH(mp, &mpipe_list, mp_link) {
		mbp_lock_exit(&mpipe_list_lock);
		n += mpipe_trim(mp);
		mbp_lock_enter(&mpipe_list_lock);
	}
	mbp_lock_exit(&mpipe_list_lock);
	return (n);
}

/* A free buffer leaves the pipe for mbp_malloc, through the destructor. */
static void
mpipe_sysfree(struct malloc_pipe *mp, void *buf)
{
	mp->mp_total--;
	mpipe_release(mp, buf);
}

void
mpipe_done(malloc_pipe_t mp)
{
	struct mpipe_cache *mc;
	int i, out;

	/* A zeroed pipe, or one already done: nothing to do (DragonFly). */
	if (mp->mp_array == NULL)
		return;
	mbp_lock_enter(&mp->mp_lock);
	out = mp->mp_total - mp->mp_nfree - mpipe_ncached(mp);
	if (out != 0 || mp->mp_waiters != 0) {
		mbp_lock_exit(&mp->mp_lock);
		mbp_panic("mpipe_done: pipe %s has %d buffers outstanding and %d "
		    "waiters", mp->mp_name, out, mp->mp_waiters);
	}
	mbp_lock_exit(&mp->mp_lock);
	mbp_lock_enter(&mpipe_list_lock);
	LIST_REMOVE(mp, mp_link);
	mbp_lock_exit(&mpipe_list_lock);
	/*
	 * Nobody else may use a pipe being done: its caches are ours.
	 * They go back one by one (the depot may have no room for them).
	 */
	for (i = 0; i < MBP_MAXCPUS; i++) {
		mc = &mp->mp_cache[i];
		while (mc->mc_n > 0)
			mpipe_sysfree(mp, mc->mc_buf[--mc->mc_n]);
	}
	while (mp->mp_nfree > 0)
		mpipe_sysfree(mp, mp->mp_array[--mp->mp_nfree]);
	mbp_free(mp->mp_array, M_MPIPE);
	mbp_free(mp->mp_cache, M_MPIPE);
	mp->mp_array = NULL;
	mp->mp_cache = NULL;
	mp->mp_nnom = mp->mp_nmax = mp->mp_nint = 0;
}

/* Ask every drain hook to give memory back; false when none ran. */
static bool
mpipe_run_drains(void)
{
	int i;
	bool ran = false;

	mbp_lock_enter(&mpipe_list_lock);
	if (mpipe_draining) {
		mbp_lock_exit(&mpipe_list_lock);
		return (false);
	}
	mpipe_draining = 1;
	mbp_lock_exit(&mpipe_list_lock);
	/* Each hook read under the list lock, called without it. */
	for (i = 0; i < MPIPE_NDRAIN; i++) {
		void (*fn)(void *);
		void *arg;

		mbp_lock_enter(&mpipe_list_lock);
		fn = mpipe_drains[i].md_fn;
		arg = mpipe_drains[i].md_arg;
		mbp_lock_exit(&mpipe_list_lock);
		if (fn != NULL) {
			fn(arg);
			ran = true;
		}
	}
	mbp_lock_enter(&mpipe_list_lock);
	mpipe_draining = 0;
	mbp_lock_exit(&mpipe_list_lock);
	return (ran);
}

/*
 * The slow path: this CPU's cache has nothing (or the pipe has work to
 * do on each buffer).  Under mp_lock: the cache, then the depot (and
 * the cache refilled with half its capacity from above the interrupt
 * share), then mbp_malloc under the cap, then the drain hooks, then
 * fail or sleep.  The last check and the sleep are under mp_lock
 * together (mbp_lock_sleep), so a free on any CPU cannot slip between
 * them.
 */
static void *
mpipe_get(struct malloc_pipe *mp, bool canwait)
{
	bool mtried = false, drained = false;
	struct mpipe_cache *mc;
	void *buf;
	int n, k, avail;

	mbp_lock_enter(&mp->mp_lock);
	for (;;) {
		/* Under mp_lock this CPU is ours, but a sleep may move us. */
		mc = mpipe_mycache(mp);
		if (mc->mc_n > 0) {
			buf = mc->mc_buf[--mc->mc_n];
			goto got;
		}
		n = mp->mp_nfree;
		avail = mbp_in_interrupt() ? n : n - mp->mp_nint;
		if (avail > 0) {
			if (n <= mp->mp_nint)
				mp->mp_intres++;
			buf = mp->mp_array[--n];
			avail--;
			/* Half a cache more, unless someone is waiting. */
			(void)mpipe_join(mp, mc);
			k = mp->mp_waiters != 0 ? 0 :
			    MIN(mc->mc_max / 2, MAX(n - mp->mp_nint, 0));
			n -= k;
			memcpy(mc->mc_buf, &mp->mp_array[n], k * sizeof(void *));
			mc->mc_n = k;
			mp->mp_nfree = n;
			mpipe_setgate(mp);
			goto got;
		}
		if (!mtried && mp->mp_total < mp->mp_nmax) {
			mtried = true;
			mp->mp_total++;		/* hold the slot */
			mbp_lock_exit(&mp->mp_lock);
			buf = mpipe_sysalloc(mp, MBP_NOWAIT);
			mbp_lock_enter(&mp->mp_lock);
			if (buf != NULL) {
				mp->mp_mallocs++;
				mpipe_took(mp, mpipe_mycache(mp));
				mbp_lock_exit(&mp->mp_lock);
				return (buf);
			}
			mp->mp_total--;
			continue;
		}
		/* At the cap or out of memory: what other CPUs cache. */
		if (mpipe_reclaim(mp, false))
			continue;
		if (!drained) {
			drained = true;
			mbp_lock_exit(&mp->mp_lock);
			if (mpipe_run_drains()) {
				mtried = false;
				mbp_lock_enter(&mp->mp_lock);
				mp->mp_drains++;
			} else
				mbp_lock_enter(&mp->mp_lock);
			continue;
		}
		if (!canwait) {
			mp->mp_fails++;
			mbp_lock_exit(&mp->mp_lock);
			return (NULL);
		}
		/*
		 * Under the cap but no memory: poll.  At the cap: a free,
		 * which from now on every CPU brings to the depot; what
		 * the other CPUs cached before they saw mp_waiters is
		 * brought now, by asking every one of them.
		 */
		mpipe_setwaiters(mp, 1);
		if (mpipe_reclaim(mp, true)) {
			mpipe_setwaiters(mp, -1);
			continue;
		}
		mbp_counter_add(&mp->mp_waits, 1);	/* mb_waits reads it */
		(void)mbp_lock_sleep(&mp->mp_lock, mp, "mpipe",
		    mp->mp_total < mp->mp_nmax ? MAX(mbp_hz() / 10, 1) : 0);
		mpipe_setwaiters(mp, -1);
		mtried = drained = false;
	}
got:
	mpipe_took(mp, mc);
	mbp_lock_exit(&mp->mp_lock);
	mpipe_ready(mp, buf);
	return (buf);
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
 * All of mpipe_free: the buffer goes into this CPU's cache while it has
 * room and nobody waits; otherwise into the depot with half the cache
 * (all of it when a thread waits, which is woken) while the depot has
 * room (zeroed first when the pipe zeroes), and to mbp_malloc through
 * the destructor only when the depot is full, as in DragonFly's
 * mpipe_free; mpipe_put (sys/mpipe.h) is its common case, inline.
 */
void
mpipe_putslow(struct malloc_pipe *mp, void *buf)
{
	struct mpipe_cache *mc;
	int n, k, room;

	mpipe_checkfree(mp, buf);
	if (mpipe_zeroes(mp))
		memset(buf, 0, mp->mp_bytes);
	mbp_lock_enter(&mp->mp_lock);
	mc = mpipe_mycache(mp);
	n = mp->mp_nfree;
	if (mpipe_inarray(mp, buf)) {
		mbp_lock_exit(&mp->mp_lock);
		mbp_panic("mpipe_free: pipe %s: %p freed but it is already free "
		    "(double free)", mp->mp_name, buf);
	}
	if (mp->mp_total <= n + mc->mc_n) {
		mbp_lock_exit(&mp->mp_lock);
		mbp_panic("mpipe_free: pipe %s: %p freed but no buffer is out",
		    mp->mp_name, buf);
	}
	mp->mp_puts++;
	mpipe_stash(mp, buf);
	if (mp->mp_waiters == 0 && n >= mp->mp_nint &&
	    (mc->mc_n < mc->mc_max || mpipe_join(mp, mc))) {
		mc->mc_buf[mc->mc_n++] = buf;
		mbp_lock_exit(&mp->mp_lock);
		return;
	}
	room = mpipe_dmax(mp) - n;
	if (room > 0) {
		mp->mp_array[n++] = buf;
		room--;
		buf = NULL;
	}
	/*
	 * With it the whole cache when a thread waits, half of a full
	 * cache, and what a short interrupt share still lacks.
	 */
	if (mp->mp_waiters != 0)
		k = mc->mc_n;
	else
		k = MAX(mc->mc_n >= mc->mc_max ? mc->mc_n / 2 : 0,
		    mp->mp_nint - n);
	k = MIN(k, MIN(mc->mc_n, room));
	mc->mc_n -= k;
	memcpy(&mp->mp_array[n], &mc->mc_buf[mc->mc_n], k * sizeof(void *));
	mp->mp_nfree = n + k;
	mpipe_setgate(mp);
	if (mp->mp_waiters != 0)
		mbp_wakeup(mp);
	if (buf == NULL) {
		mbp_lock_exit(&mp->mp_lock);
		return;
	}
	/* The depot is full (and the cache): back to mbp_malloc. */
	mpipe_sysfree_unlock(mp, buf);
}

void
mpipe_free(struct malloc_pipe *mp, void *buf)
{
	if (buf != NULL)
		mpipe_put(mp, buf);
}

/* Free buffers: the depot and every cache (a snapshot). */
int
mpipe_nfree(const struct malloc_pipe *mp)
{
	if (mp->mp_cache == NULL)
		return (mp->mp_nfree);
	return (mp->mp_nfree + mpipe_ncached(mp));
}

int
mpipe_out(const struct malloc_pipe *mp)
{
	return (mp->mp_total - mpipe_nfree(mp));
}

/* Allocations: through the depot and from every CPU's cache. */
u_long
mpipe_gets(const struct malloc_pipe *mp)
{
	u_long n = mp->mp_gets;
	int i;

	for (i = 0; mp->mp_cache != NULL && i < MBP_MAXCPUS; i++)
		n += mp->mp_cache[i].mc_gets;
	return (n);
}

u_long
mpipe_puts(const struct malloc_pipe *mp)
{
	u_long n = mp->mp_puts;
	int i;

	for (i = 0; mp->mp_cache != NULL && i < MBP_MAXCPUS; i++)
		n += mp->mp_cache[i].mc_puts;
	return (n);
}

int
mpipe_drain_register(void (*fn)(void *), void *arg)
{
	int i;

	mbp_lock_enter(mpipe_listlock());
	for (i = 0; i < MPIPE_NDRAIN; i++) {
		if (mpipe_drains[i].md_fn == NULL) {
			mpipe_drains[i].md_arg = arg;
			mpipe_drains[i].md_fn = fn;
			mbp_lock_exit(&mpipe_list_lock);
			return (0);
		}
	}
	mbp_lock_exit(&mpipe_list_lock);
	return (ENOSPC);
}

void
mpipe_drain_deregister(void (*fn)(void *), void *arg)
{
	int i;

	mbp_lock_enter(mpipe_listlock());
	for (i = 0; i < MPIPE_NDRAIN; i++) {
		if (mpipe_drains[i].md_fn == fn &&
		    mpipe_drains[i].md_arg == arg) {
			mpipe_drains[i].md_fn = NULL;
			mpipe_drains[i].md_arg = NULL;
			break;
		}
	}
	mbp_lock_exit(&mpipe_list_lock);
}

long
mpipe_total_out(void)
{
	struct malloc_pipe *mp;
	long n = 0;

	mbp_lock_enter(mpipe_listlock());
	LIST_FOREACH(mp, &mpipe_list, mp_link)
		n += mpipe_out(mp);
	mbp_lock_exit(&mpipe_list_lock);
	return (n);
}

static void
mpipe_print_header(void)
{
	mbp_printf("%-12s %5s %5s %5s %4s %5s %5s %5s %8s %8s %5s %5s %5s %6s "
	    "%6s %5s %6s %5s\n", "pipe", "size", "nnom", "nmax", "nint", "free",
	    "out", "hiwat", "gets", "puts", "fails", "waits", "drain", "malloc",
	    "sysfre", "intr", "reclm", "xcall");
}

void
mpipe_print(const struct malloc_pipe *mp)
{
	mbp_printf("%-12s %5d %5d ", mp->mp_name, mp->mp_bytes, mp->mp_nnom);
	if (mp->mp_nmax == MPIPE_NOCAP)
		mbp_printf("%5s", "-");
	else
		mbp_printf("%5d", mp->mp_nmax);
	mbp_printf(" %4d %5d %5d %5d %8lu %8lu %5lu %5lu %5lu %6lu %6lu %5lu "
	    "%6lu %5lu\n", mp->mp_nint, mpipe_nfree(mp), mpipe_out(mp),
	    mp->mp_hiwat, mpipe_gets(mp), mpipe_puts(mp), mp->mp_fails,
	    mp->mp_waits, mp->mp_drains, mp->mp_mallocs, mp->mp_sysfrees,
	    mp->mp_intres, mp->mp_reclaims, mp->mp_xcalls);
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
