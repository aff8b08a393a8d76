/*
 * tests/pthread/pt_stress.c: a concurrency stress of the mbuf module on
 * the threads-as-CPUs port (pt_mbport.c), for ThreadSanitizer and for
 * AddressSanitizer with UndefinedBehaviorSanitizer
 * (tests/suite-18-tsan.sh).
 *
 *   pt_stress [NCPU ...]	(default 2 4; PT_ROUNDS=n sets the rounds)
 *   pt_stress nocpu	m_get from a thread that is no CPU: must panic
 *   pt_stress nest	mbp_intr_restore out of order: must panic under
 *			DIAGNOSTIC (tests/suite-18-tsan.sh checks both)
 *
 * For each NCPU, that many threads-as-CPUs at once:
 *   A. allocate and free mbufs (M_WAIT and M_DONTWAIT), clusters, msys
 *      size classes (msys_get, msys_alloc) and chains grown by
 *      m_copyback, and pass chains to the next CPU through an mbufq,
 *      sometimes with an m_copym copy sharing the storage freed here:
 *      allocated on one CPU, freed on another, reference counts dropped
 *      on two; every byte is checked on the far side; M_DONTWAIT at the
 *      cap of a small pipe must fail cleanly (NULL, nothing lost);
 *   B. M_WAIT at the mbuf pipe's cap: nmbufs is 1023 and each CPU holds
 *      up to 1024 / NCPU mbufs at once, so the CPUs together want one
 *      more than the cap and some sleep until another CPU frees; no
 *      allocation can deadlock (NCPU * (hold - 1) < cap);
 *   C. the same with mpipe_alloc_waitok on a pipe of 31 + 4 x
 *      MPIPE_CACHE buffers (287) whose caches hold 4 x MPIPE_CACHE of
 *      them, so the allocators must reclaim other CPUs' caches
 *      (mbp_xcall) and sleep;
 *   C'. the same on a DragonFly-style pipe whose cap is its reserve
 *      (nnom == nmax == ST_DFN, 15): its caches are sized to the cap
 *      (2 a CPU), the CPUs together want one more than the cap, and a
 *      sleeper must be woken by a free on another CPU, not left while
 *      the buffer sits in that CPU's cache;
 *   D. a NIC's receive refill: the mbuf and cluster pipes set aside an
 *      interrupt share (mpipe_setintr) and CPU 0's "interrupt handler"
 *      (pt_interrupt) refills a ring of ST_RING clusters with
 *      M_DONTWAIT and its thread frees them, while every other CPU
 *      takes clusters with M_DONTWAIT until the mbuf pipe's cap says
 *      no; no refill may fail (mpipe(9): the share is the handlers').
 * Between A and B, with every CPU holding a known number of mbufs and
 * clusters, CPU 0 checks every pipe's books (gets - puts == out) and
 * the holdings; after each NCPU nothing is out, each CPU counted its
 * clusters in its own statistics slot (mbstat_pcpu) and the summed
 * statistics balance (mbstat_read); at the end, and
 * once every pipe is done (mpipe_trim_all, mpipe_done) every memory
 * type holds nothing.  A hang (a lost wakeup) is caught by a watchdog.
 * Output: one "ok N ..." or "not ok N ..." a check, then
 * "P passed, F failed"; the exit status is 0 when F is 0.
 */
#include <sys/mbuf_port.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/os_mbuf.h>
#include "pt.h"

MBP_MEMTYPE_DEFINE(M_PTSTRESS, "ptstress");

#define ST_QLEN		16	/* chains queued for one CPU at most */
#define ST_MAXLEN	6000	/* longest chain passed */
#define ST_NMBUFS	1023	/* the mbuf pipe's cap (phase B) */
#define ST_WAITCAP	(31 + 4 * MPIPE_CACHE)	/* phase C's pipe: 4 caches */
#define ST_SMALLCAP	40	/* phase A's M_DONTWAIT pipe */
#define ST_DFN		15	/* phase C''s pipe: nnom == nmax */
#define ST_HELD_M	8	/* mbufs each CPU holds at the check */
#define ST_HELD_CL	2	/* clusters each CPU holds at the check */
#define ST_RING		64	/* phase D's receive ring */
#define ST_NINT		ST_RING	/* ... and the pipes' interrupt share */

struct st_cpu {
	struct mbufq	sc_q;		/* chains other CPUs passed here */
	uint64_t	sc_rand;
	u_long		sc_sent;	/* chains queued to the next CPU */
	u_long		sc_recv;	/* chains received and checked */
	u_long		sc_bad;		/* chains whose bytes were wrong */
	u_long		sc_qdrops;	/* chains the full queue freed */
	u_long		sc_dwfails;	/* M_DONTWAIT NULLs (clean) */
	u_long		sc_waitgets;	/* phase B and C allocations */
	u_long		sc_errs;	/* a call broke its contract */
	u_long		sc_refills;	/* phase D: ring slots refilled */
	u_long		sc_nicfails;	/* phase D: refills that failed */
	u_long		sc_capfails;	/* phase D: the others' NULLs */
	struct mbuf	*sc_ring[ST_RING];
	struct mbuf	*sc_held[ST_HELD_M + ST_HELD_CL];
	char		sc_pad[64];
};

static struct st_cpu st_cpus[MBP_MAXCPUS];
static struct malloc_pipe st_waitpipe, st_smallpipe, st_dfpipe;
static int st_ncpu;
static long st_rounds = 1500;
static int st_pass, st_fail;
static bool st_midok;
static long st_holders;		/* CPUs holding their share, per round */

static void
st_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)mbp_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

static void
st_check(bool ok, const char *what, long a, long b)
{
	if (ok) {
		st_pass++;
		mbp_printf("ok %d %s\n", st_pass + st_fail, what);
	} else {
		st_fail++;
		mbp_printf("not ok %d %s # %ld, %ld\n", st_pass + st_fail,
		    what, a, b);
	}
}

static uint32_t
st_rand(struct st_cpu *sc)
{
	uint64_t x = sc->sc_rand;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	sc->sc_rand = x;
	return ((uint32_t)(x >> 16));
}

/* The byte at off of chain seq from CPU cpu. */
static inline u_char
st_byte(int cpu, u_long seq, int off)
{
	return ((u_char)(cpu * 131 + seq * 7 + off * 13 + (off >> 8)));
}

/* A chain of len bytes (header: seq, cpu, len), or NULL when short. */
static struct mbuf *
st_chain(int cpu, u_long seq, int len)
{
	u_char buf[ST_MAXLEN];
	struct mbuf *m;
	int i;

	if ((m = m_gethdr(M_DONTWAIT, MT_DATA)) == NULL)
		return (NULL);
	for (i = 0; i < len; i++)
		buf[i] = st_byte(cpu, seq, i);
	memcpy(buf, &seq, sizeof(seq));
	buf[sizeof(seq)] = (u_char)cpu;
	if (m_copyback(m, 0, len, buf, M_DONTWAIT) != 0) {
		m_freem(m);		/* m_copyback keeps what it built */
		return (NULL);
	}
	return (m);
}

/* Check a chain from another CPU, byte by byte. */
static bool
st_verify(struct mbuf *m)
{
	u_char buf[ST_MAXLEN];
	u_long seq;
	int cpu, i, len = m->m_pkthdr.len;

	if (len < 16 || len > ST_MAXLEN || m_length(m) != len)
		return (false);
	m_copydata(m, 0, len, buf);
	memcpy(&seq, buf, sizeof(seq));
	cpu = buf[sizeof(seq)];
	if (cpu >= st_ncpu)
		return (false);
	for (i = sizeof(seq) + 1; i < len; i++)
		if (buf[i] != st_byte(cpu, seq, i))
			return (false);
	return (true);
}

static void
st_drain(struct st_cpu *sc)
{
	struct mbuf *m;

	while ((m = mq_dequeue(&sc->sc_q)) != NULL) {
		if (st_verify(m))
			sc->sc_recv++;
		else
			sc->sc_bad++;
		m_freem(m);
	}
}

static const int st_msys_sizes[] = { 60, 200, 600, 1400, 2000, 9000 };

/* Phase A, one round on CPU cpu. */
static void
st_round_a(int cpu, struct st_cpu *sc, long r)
{
	struct st_cpu *next = &st_cpus[(cpu + 1) % st_ncpu];
	struct malloc_pipe *mp;
	struct mbuf *m, *n;
	void *b[ST_SMALLCAP + 1];
	int i, k, len;

	/* One mbuf; M_WAIT never returns NULL. */
	m = m_get((r & 1) ? M_WAIT : M_DONTWAIT, MT_DATA);
	if (m == NULL && (r & 1))
		sc->sc_errs++;
	else if (m == NULL)
		sc->sc_dwfails++;
	m_free(m);
	/* A cluster. */
	if ((m = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR)) != NULL) {
		if ((m->m_flags & M_EXT) == 0)
			sc->sc_errs++;
		m_freem(m);
	} else
		sc->sc_dwfails++;
	/* A size class, as an mbuf and as raw storage. */
	i = st_rand(sc) % nitems(st_msys_sizes);
	if ((m = msys_get(M_DONTWAIT, MT_DATA, st_msys_sizes[i])) != NULL)
		m_freem(m);
	else
		sc->sc_dwfails++;
	if ((b[0] = msys_alloc(st_msys_sizes[i], M_DONTWAIT, &mp)) != NULL)
		msys_free(mp, b[0]);
	else
		sc->sc_dwfails++;
	/* A chain for the next CPU, sometimes with a copy freed here. */
	len = 16 + st_rand(sc) % (ST_MAXLEN - 16);
	if ((m = st_chain(cpu, sc->sc_sent, len)) == NULL)
		sc->sc_dwfails++;
	else {
		n = (r % 4) == 0 ? m_copym(m, 0, M_COPYALL, M_DONTWAIT) : NULL;
		sc->sc_sent++;
		if (mq_enqueue(&next->sc_q, m) != 0)
			sc->sc_qdrops++;
		if (n != NULL) {
			if (m_length(n) != len)
				sc->sc_errs++;
			m_freem(n);
		}
	}
	st_drain(sc);
	/* M_DONTWAIT at a small pipe's cap: NULL, and nothing lost. */
	if ((r % 8) == 0) {
		for (k = 0; k <= ST_SMALLCAP; k++)
			if ((b[k] = mpipe_alloc_nowait(&st_smallpipe)) == NULL)
				break;
		if (k > ST_SMALLCAP)
			sc->sc_errs++;	/* more than the cap */
		else
			sc->sc_dwfails++;
		while (k > 0)
			mpipe_free(&st_smallpipe, b[--k]);
	}
}

/*
 * Hold up to hold buffers of an allocator that sleeps at its cap (the
 * mbuf pipe through m_get when mp is NULL, else mp), one in five tried
 * first without waiting; then free them all.
 */
static void
st_hold(struct st_cpu *sc, long round, int hold, struct malloc_pipe *mp)
{
	bool mbufs = mp == NULL;
	void *held[ST_NMBUFS + 1];
	uint64_t t0;
	long n;
	int k;

	for (k = 0; k < hold; k++) {
		held[k] = NULL;
		if ((k % 5) == 0) {
			held[k] = mbufs ? (void *)m_get(M_DONTWAIT, MT_DATA) :
			    mpipe_alloc_nowait(mp);
			if (held[k] == NULL)
				sc->sc_dwfails++;
		}
		if (held[k] == NULL)
			held[k] = mbufs ? (void *)m_get(M_WAIT, MT_DATA) :
			    mpipe_alloc_waitok(mp);
		if (held[k] == NULL)
			sc->sc_errs++;
		else
			sc->sc_waitgets++;
	}
	/*
	 * Hold them until every CPU holds its share (never: together they
	 * want one more than the cap) or 5 ms, so that some CPU sleeps.
	 */
	n = __atomic_add_fetch(&st_holders, 1, __ATOMIC_RELAXED);
	t0 = pt_nsec();
	while ((n = __atomic_load_n(&st_holders, __ATOMIC_RELAXED)) <
	    (round + 1) * st_ncpu && pt_nsec() - t0 < 5000000)
		pt_yield();
	while (k > 0) {
		k--;
		if (held[k] == NULL)
			continue;
		if (mbufs)
			m_free(held[k]);
		else
			mpipe_free(mp, held[k]);
	}
}

/*
 * Phases B, C and C': rounds of st_hold on every CPU at once, each
 * round started together so that the CPUs want the cap + 1.
 */
static void
st_holdphase(int cpu, struct st_cpu *sc, long rounds, int cap,
    struct malloc_pipe *mp)
{
	long r;

	if (cpu == 0)
		st_holders = 0;
	for (r = 0; r < rounds; r++) {
		pt_barrier();
		st_hold(sc, r, (cap + 1) / st_ncpu, mp);
	}
	pt_barrier();
}

/* Phase D, in CPU 0's "interrupt": fill every empty ring slot. */
static void
st_nic_intr(void *arg)
{
	struct st_cpu *sc = arg;
	int k;

	for (k = 0; k < ST_RING; k++) {
		if (sc->sc_ring[k] != NULL)
			continue;
		if ((sc->sc_ring[k] = m_getcl(M_DONTWAIT, MT_DATA,
		    M_PKTHDR)) == NULL)
			sc->sc_nicfails++;
		else
			sc->sc_refills++;
	}
}

/* Phase D on CPU 0: refill from the interrupt, receive in the thread. */
static void
st_nic_round(struct st_cpu *sc)
{
	int i, k;

	for (i = 0; i < 8; i++) {
		pt_interrupt(st_nic_intr, sc);
		for (k = 0; k < ST_RING; k++) {
			if (sc->sc_ring[k] != NULL &&
			    (sc->sc_ring[k]->m_flags & M_EXT) == 0)
				sc->sc_errs++;
			m_freem(sc->sc_ring[k]);
			sc->sc_ring[k] = NULL;
		}
		pt_yield();
	}
}

/* Phase D elsewhere: clusters until the cap, held a moment, freed. */
static void
st_press(struct st_cpu *sc)
{
	struct mbuf *held[ST_NMBUFS + 1];
	int i, k;

	for (k = 0; k < ST_NMBUFS; k++)
		if ((held[k] = m_getcl(M_DONTWAIT, MT_DATA, 0)) == NULL)
			break;
	if (k < ST_NMBUFS)
		sc->sc_capfails++;
	for (i = 0; i < 8; i++)
		pt_yield();
	while (k > 0)
		m_freem(held[--k]);
}

/* The books of one pipe: gets - puts == out. */
static bool
st_books(const struct malloc_pipe *mp)
{
	return (mpipe_gets(mp) - mpipe_puts(mp) == (u_long)mpipe_out(mp));
}

static bool
st_allbooks(void)
{
	bool ok = st_books(&mb_mbuf_pipe) && st_books(&mb_cluster_pipe) &&
	    st_books(&mb_ref_pipe) && st_books(&st_waitpipe) &&
	    st_books(&st_smallpipe) && st_books(&st_dfpipe);
	int i;

	for (i = 0; i < msys_nclasses(); i++)
		ok = ok && st_books(msys_class(i));
	return (ok);
}

/* CPU 0 between two barriers: every CPU holds its share. */
static void
st_midcheck(void)
{
	struct mbstat ms;
	int n = st_ncpu;

	mbstat_read(&ms);
	st_midok = st_allbooks() &&
	    mpipe_out(&mb_mbuf_pipe) == n * (ST_HELD_M + ST_HELD_CL) &&
	    mpipe_out(&mb_cluster_pipe) == n * ST_HELD_CL &&
	    ms.m_clusters == (u_long)(n * ST_HELD_CL) &&
	    mpipe_out(&st_waitpipe) == 0 && mpipe_out(&st_smallpipe) == 0 &&
	    mpipe_out(&st_dfpipe) == 0;
}

/*
 * The port's own contract first: a plain counter per CPU changed only
 * "on" its CPU, in masked sections and by cross-calls from the others,
 * must come out exact (and, under ThreadSanitizer, without a report).
 */
static long st_excl[MBP_MAXCPUS];
static u_long st_xcwrong;

static void
st_excl_xcall(void *arg)
{
	if (mbp_cpu_index() != (u_int)(uintptr_t)arg)
		__atomic_fetch_add(&st_xcwrong, 1, __ATOMIC_RELAXED);
	st_excl[mbp_cpu_index()]++;
}

static void
st_excl_round(int cpu)
{
	int s, k;

	for (k = 0; k < 200; k++) {
		s = mbp_intr_disable();
		st_excl[cpu]++;
		mbp_intr_restore(s);
		if ((k % 4) == 0) {
			u_int to = (u_int)(cpu + 1) % (u_int)st_ncpu;

			mbp_xcall(to, st_excl_xcall, (void *)(uintptr_t)to);
		}
	}
}

static void
st_cpu_main(int cpu, void *arg)
{
	struct st_cpu *sc = &st_cpus[cpu];
	long r;
	int i;

	(void)arg;
	for (r = 0; r < 20; r++)
		st_excl_round(cpu);
	pt_barrier();
	for (r = 0; r < st_rounds; r++)
		st_round_a(cpu, sc, r);
	pt_barrier();
	st_drain(sc);		/* nobody queues any more */
	for (i = 0; i < ST_HELD_M; i++)
		sc->sc_held[i] = m_get(M_WAIT, MT_DATA);
	for (; i < ST_HELD_M + ST_HELD_CL; i++)
		sc->sc_held[i] = m_getcl(M_WAIT, MT_DATA, 0);
	pt_barrier();
	if (cpu == 0)
		st_midcheck();
	pt_barrier();
	for (i = 0; i < ST_HELD_M + ST_HELD_CL; i++)
		m_freem(sc->sc_held[i]);
	pt_barrier();
	st_holdphase(cpu, sc, st_rounds / 100 + 4, ST_NMBUFS, NULL);
	st_holdphase(cpu, sc, st_rounds / 20 + 10, ST_WAITCAP, &st_waitpipe);
	st_holdphase(cpu, sc, st_rounds / 20 + 10, ST_DFN, &st_dfpipe);
	if (cpu == 0) {
		mpipe_setintr(&mb_mbuf_pipe, ST_NINT);
		mpipe_setintr(&mb_cluster_pipe, ST_NINT);
	}
	for (r = 0; r < st_rounds / 50 + 10; r++) {
		pt_barrier();
		if (cpu == 0)
			st_nic_round(sc);
		else
			st_press(sc);
	}
	pt_barrier();
	if (cpu == 0) {
		mpipe_setintr(&mb_mbuf_pipe, 0);
		mpipe_setintr(&mb_cluster_pipe, 0);
	}
}

/* Everything the module counts as out is 0. */
static bool
st_nothing_out(void)
{
	struct mbstat ms;

	mbstat_read(&ms);
	return (mbstat_mbufs() == 0 && ms.m_clusters == 0 &&
	    ms.m_extbufs == 0 && ms.m_refs == 0 &&
	    mpipe_total_out() == 0 && os_mempool_nout() == 0);
}

static void
st_run(int ncpu)
{
	u_long sent = 0, recv = 0, bad = 0, drops = 0, fails = 0, errs = 0;
	u_long wgets = 0, w0, r0, c0, x0, s0, refills = 0, nicfails = 0;
	u_long capfails = 0, intres0, d0;
	struct mbstat ms0, ms1;
	u_long clg0[MBP_MAXCPUS];
	char what[160];
	int i, moved;

	st_ncpu = ncpu;
	for (i = 0; i < ncpu; i++) {
		mq_init(&st_cpus[i].sc_q, ST_QLEN);
		st_cpus[i].sc_rand = 0x9e3779b97f4a7c15ULL * (i + 1);
	}
	for (i = 0; i < MBP_MAXCPUS; i++)
		st_excl[i] = 0;
	st_xcwrong = 0;
	w0 = mb_mbuf_pipe.mp_waits;
	c0 = st_waitpipe.mp_waits;
	d0 = st_dfpipe.mp_waits;
	r0 = mb_mbuf_pipe.mp_reclaims + st_waitpipe.mp_reclaims;
	x0 = pt_xcalls();
	s0 = pt_sleeps();
	intres0 = mb_mbuf_pipe.mp_intres;
	mbstat_read(&ms0);
	for (i = 0; i < MBP_MAXCPUS; i++)
		clg0[i] = __atomic_load_n(&mbstat_pcpu[i].ms_st.m_clgets,
		    __ATOMIC_RELAXED);
	pt_run(ncpu, st_cpu_main, NULL);
	for (i = 0; i < ncpu; i++) {
		struct st_cpu *sc = &st_cpus[i];

		sent += sc->sc_sent;
		recv += sc->sc_recv;
		bad += sc->sc_bad;
		drops += sc->sc_qdrops;
		fails += sc->sc_dwfails;
		errs += sc->sc_errs;
		wgets += sc->sc_waitgets;
		refills += sc->sc_refills;
		nicfails += sc->sc_nicfails;
		capfails += sc->sc_capfails;
		memset(sc, 0, sizeof(*sc));
	}
	mbp_printf("# %d CPUs: %lu chains passed, %lu checked, %lu dropped "
	    "by a full queue, %lu M_DONTWAIT NULLs, %lu M_WAIT holds, "
	    "%lu+%lu sleeps at the caps, %lu reclaims, %lu xcalls, "
	    "%lu port sleeps\n", ncpu, sent, recv, drops, fails, wgets,
	    mb_mbuf_pipe.mp_waits - w0, st_waitpipe.mp_waits - c0,
	    mb_mbuf_pipe.mp_reclaims + st_waitpipe.mp_reclaims - r0,
	    pt_xcalls() - x0, pt_sleeps() - s0);
	for (i = 0; i < ncpu; i++)
		if (st_excl[i] != 20 * 250)
			break;
	st_snprintf(what, sizeof(what), "%d CPUs: the port's masked sections "
	    "and cross-calls exclude each other (per-CPU counts exact, each "
	    "xcall ran as its target)", ncpu);
	st_check(i == ncpu && st_xcwrong == 0, what,
	    i < ncpu ? st_excl[i] : 0, (long)st_xcwrong);
	st_snprintf(what, sizeof(what), "%d CPUs: every chain passed to "
	    "another CPU arrived whole (sent = checked + dropped)", ncpu);
	st_check(sent == recv + drops && bad == 0 && recv > 0, what,
	    (long)sent, (long)(recv + drops));
	st_snprintf(what, sizeof(what), "%d CPUs: no call broke its "
	    "contract (M_WAIT NULL, a cap exceeded, a wrong length)", ncpu);
	st_check(errs == 0, what, (long)errs, 0);
	st_snprintf(what, sizeof(what), "%d CPUs: with every CPU holding "
	    "mbufs and clusters, gets - puts == out for every pipe and out "
	    "is what they hold", ncpu);
	st_check(st_midok, what, mpipe_out(&mb_mbuf_pipe), 0);
	st_snprintf(what, sizeof(what), "%d CPUs: M_DONTWAIT at a cap "
	    "failed cleanly (NULLs seen) and M_WAIT slept there and was "
	    "woken by frees on other CPUs", ncpu);
	st_check(fails > 0 && mb_mbuf_pipe.mp_waits > w0 &&
	    st_waitpipe.mp_waits > c0, what, (long)fails,
	    (long)(st_waitpipe.mp_waits - c0));
	st_snprintf(what, sizeof(what), "%d CPUs: M_WAIT at the cap of a "
	    "pipe of nnom == nmax == %d (caches of %d) slept and was woken; "
	    "it never grew past its cap", ncpu, ST_DFN, st_dfpipe.mp_cmax);
	st_check(st_dfpipe.mp_waits > d0 && st_dfpipe.mp_total == ST_DFN &&
	    st_dfpipe.mp_mallocs == 0, what,
	    (long)(st_dfpipe.mp_waits - d0), st_dfpipe.mp_total);
	mbp_printf("# %d CPUs: the NIC refilled %lu ring slots from its "
	    "interrupt (%lu from the share), %lu failed; the others hit the "
	    "cap %lu times\n", ncpu, refills, mb_mbuf_pipe.mp_intres - intres0,
	    nicfails, capfails);
	st_snprintf(what, sizeof(what), "%d CPUs: every refill from the "
	    "interrupt succeeded (the pipes' interrupt share) while the other "
	    "CPUs took clusters to the cap", ncpu);
	st_check(nicfails == 0 && refills > 0 && capfails > 0, what,
	    (long)nicfails, (long)capfails);
	st_snprintf(what, sizeof(what), "%d CPUs: afterwards gets - puts "
	    "== out == 0 for every pipe; no mbuf, cluster, reference or "
	    "pipe buffer out", ncpu);
	st_check(st_allbooks() && st_nothing_out() &&
	    mb_mbuf_pipe.mp_total <= ST_NMBUFS &&
	    st_waitpipe.mp_total <= ST_WAITCAP &&
	    st_dfpipe.mp_total == ST_DFN, what,
	    (long)mbstat_mbufs(), mpipe_total_out());

	/*
	 * The statistics per CPU (mbstat_pcpu, mbp_pcpu_add): each running
	 * CPU counted its clusters in its own slot, no other slot moved,
	 * and the sums of the outstanding counts are back where they were
	 * although chains were freed on other CPUs than their own.
	 */
	mbstat_read(&ms1);
	for (i = moved = 0; i < MBP_MAXCPUS; i++)
		if (mbstat_pcpu[i].ms_st.m_clgets != clg0[i])
			moved |= 1 << i;
	st_snprintf(what, sizeof(what), "%d CPUs: each CPU counted in its "
	    "own statistics slot; the sums balance (mbufs by type, clusters, "
	    "references)", ncpu);
	st_check(moved == (1 << ncpu) - 1 &&
	    ms1.m_mtypes[MT_DATA] == ms0.m_mtypes[MT_DATA] &&
	    ms1.m_clusters == ms0.m_clusters && ms1.m_refs == ms0.m_refs &&
	    ms1.m_clgets - ms0.m_clgets >= (u_long)ncpu * ST_HELD_CL, what,
	    moved, (long)(ms1.m_mtypes[MT_DATA] - ms0.m_mtypes[MT_DATA]));
}

static void
st_typecheck(const struct mbp_memtype *t)
{
	char what[160];

	st_snprintf(what, sizeof(what), "memory type %s holds nothing once "
	    "every pipe is done", mbp_memtype_name(t));
	st_check(t->mt_inuse == 0 && t->mt_memuse == 0, what, t->mt_inuse,
	    t->mt_memuse);
}

/* Every pipe done, every memory type must hold nothing. */
static void
st_finish(void)
{
	struct mbp_memtype *t;
	int i, n;

	(void)mpipe_trim_all();
	mpipe_done(&st_waitpipe);
	mpipe_done(&st_smallpipe);
	mpipe_done(&st_dfpipe);
	n = msys_nclasses();
	for (i = 0; i < n; i++)
		mpipe_done(msys_class(i));
	mpipe_done(&mb_mbuf_pipe);
	mpipe_done(&mb_cluster_pipe);
	mpipe_done(&mb_ref_pipe);
	/* The types the module starts, then the two it uses without. */
	for (t = pt_memtypes(); t != NULL; t = t->mt_next)
		st_typecheck(t);
	if (!M_MPIPE->mt_attached)
		st_typecheck(M_MPIPE);
	if (!M_MSYS->mt_attached)
		st_typecheck(M_MSYS);
}

static int
st_atoi(const char *s)
{
	int n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10 + (*s++ - '0');
	return (*s == '\0' ? n : -1);
}

/*
 * The port's answers to its callers' mistakes (mbuf_port(9)): each
 * returns only if the port missed the mistake.
 */
static void
st_nocpu(void *arg)
{
	struct mbuf *m;

	(void)arg;
	m = m_get(M_DONTWAIT, MT_DATA);
	mbp_printf("not ok: m_get from a thread that is no CPU returned %p\n",
	    (void *)m);
}

static int
st_misuse(const char *what)
{
	int s1, s2;

	if (what[0] == 'n' && what[1] == 'o') {
		pt_run_nocpu(st_nocpu, NULL);
		return (1);
	}
	/* Two pairs that do not nest: the outer restored first. */
	s1 = mbp_intr_disable();
	s2 = mbp_intr_disable();
	mbp_intr_restore(s1);
	mbp_printf("not ok: mbp_intr_restore(%d) inside (%d) returned\n", s1,
	    s2);
	return (1);
}

int
main(int argc, char **argv)
{
	static const char *dflt[] = { "2", "4" };
	const char **cpus = (const char **)argv + 1;
	int i, n, ncpus = argc - 1;

	pt_init();
	if (ncpus == 0) {
		cpus = dflt;
		ncpus = 2;
	}
	(void)pt_getenv_long("PT_ROUNDS", &st_rounds);
	pt_watchdog(120, "pt_stress");
	pt_set_tunable("nmbufs", ST_NMBUFS);
	mbinit();
	if (ncpus == 1 && (cpus[0][0] == 'n'))
		pt_exit(st_misuse(cpus[0]));
	mbp_memtype_init(M_PTSTRESS);
	mpipe_init(&st_waitpipe, M_PTSTRESS, 64, ST_WAITCAP - 4 * MPIPE_CACHE,
	    ST_WAITCAP, MPF_NOZERO, NULL, NULL, NULL);
	mpipe_setname(&st_waitpipe, "pt-waitok");
	mpipe_init(&st_smallpipe, M_PTSTRESS, 128, 8, ST_SMALLCAP, 0, NULL,
	    NULL, NULL);
	mpipe_setname(&st_smallpipe, "pt-small");
	mpipe_init(&st_dfpipe, M_PTSTRESS, 64, ST_DFN, ST_DFN, MPF_NOZERO,
	    NULL, NULL, NULL);
	mpipe_setname(&st_dfpipe, "pt-dfly");
	st_check(st_dfpipe.mp_cmax >= 2 && st_dfpipe.mp_cmax <= ST_DFN / 2,
	    "the pipe of nnom == nmax has caches sized to its cap",
	    st_dfpipe.mp_cmax, ST_DFN);
	st_check(st_waitpipe.mp_cmax == MPIPE_CACHE && MBP_MAXCPUS == 4,
	    "the waitok pipe has a full cache on each of 4 CPUs",
	    st_waitpipe.mp_cmax, MBP_MAXCPUS);
	for (i = 0; i < ncpus; i++) {
		n = st_atoi(cpus[i]);
		if (n < 1 || n > MBP_MAXCPUS || 1024 % n != 0) {
			mbp_printf("pt_stress: %s: a CPU count 1, 2 or 4\n",
			    cpus[i]);
			pt_exit(2);
		}
		st_run(n);
	}
	mpipe_print_all();
	st_finish();
	mbp_printf("%d passed, %d failed\n", st_pass, st_fail);
	pt_exit(st_fail == 0 ? 0 : 1);
}
