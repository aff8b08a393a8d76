/*
 * uipc_mbpool.c: the allocation seam of the mbuf module.
 *
 * Everything the mbuf code allocates comes from here: mbufs (MSIZE),
 * clusters (MCLBYTES) and the small shared reference counts of external
 * storage.  No other file knows where they come from: each has an
 * mpipe(9) with a reserve prefilled at boot (so the first nnom of each
 * are there however short the heap gets) and a cap, the tunables
 * nmbufs and nmbclusters from the kernel command line.  The mbuf and
 * cluster pipes are MPF_INT, so a NIC driver may set aside an interrupt
 * share of them for its receive refill (mpipe_setintr, as em(4) does);
 * until one does, threads and interrupt handlers share the whole
 * reserve.
 * This file also starts msys(9), whose 2 KiB class is the cluster pipe,
 * and hands the chain calls the storage they copy bytes into
 * (mb_getstorage): an mbuf's own area or a size class's buffer.
 *
 * Contract: M_DONTWAIT is mpipe_alloc_nowait: never sleeps, may return
 * NULL (counted in mbstat's m_drops) after the drain hooks had their
 * chance; M_WAIT is mpipe_alloc_waitok: never returns NULL, sleeps at
 * the cap until one is released (mbstat's m_wait is the pipes' wait
 * counts, mb_waits), and panics when called where sleeping is not
 * allowed.
 * mb_fail_after(n) lets the next n allocations succeed and then fails
 * every M_DONTWAIT one until mb_fail_after(-1), so tests reach every
 * failure path.
 *
 * Invariants: mbstat_mbufs() (the mbuf pipe's mpipe_out, kept by the
 * pipe so that the inline mbuf paths count nothing twice), and
 * mbstat's m_clusters and m_refs (summed over the CPUs' slots by
 * mbstat_read) are the numbers handed out and not yet
 * released (the "mbufs" and "clusters" leak probes read them), and the
 * last two equal mpipe_out of their pipes; a released
 * mbuf is poisoned (MT_FREE and junk) under DIAGNOSTIC before it goes
 * back, and the pipe junk-fills it and checks the junk when it hands
 * it out again.
 */
#include <sys/mbuf_port.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include "mbuf_private.h"

MBP_MEMTYPE_DEFINE(M_MBUF, "mbuf");
MBP_MEMTYPE_DEFINE(M_CLUSTER, "mcluster");
MBP_MEMTYPE_DEFINE(M_MBUFREF, "mbufref");

/*
 * Reserves and default caps; the caps are tunable at boot.  The cluster
 * reserve is sized so that, with a NIC's receive ring out and its
 * interrupt reserve (128 each for em(4)) set aside, threads still find
 * clusters in the pipe rather than in mbp_malloc.
 */
#define MB_NNOM		256
#define MB_CLNNOM	384
#define MB_REFNNOM	64
#define NMBUFS		8192
#define NMBCLUSTERS	4096
#define MB_HIWAT	4096	/* mbufs and clusters the depots keep */

struct malloc_pipe mb_mbuf_pipe;
struct malloc_pipe mb_cluster_pipe;
struct malloc_pipe mb_ref_pipe;
long nmbufs = NMBUFS;
long nmbclusters = NMBCLUSTERS;

long mb_failafter = -1;	/* successes left before failing */

/*
 * Decide whether failure injection fails this allocation: a count of
 * successes left, taken down one at a time with compare-and-swap (no
 * lock, any CPU); at 0 every M_DONTWAIT allocation fails.
 */
static bool
mb_inject(int how)
{
	long n = __atomic_load_n(&mb_failafter, __ATOMIC_RELAXED);

	for (;;) {
		if (n < 0)
			return (false);
		if (n == 0)
			return ((how & M_WAIT) == 0);
		if (__atomic_compare_exchange_n(&mb_failafter, &n, n - 1,
		    false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return (false);
	}
}

/* The same decision for storage the seam does not hand out (msys). */
bool
mb_fail_now(int how)
{
	return (__predict_false(mb_failafter >= 0) && mb_inject(how));
}

void
mb_fail_after(long n)
{
	mb_failafter = n < 0 ? -1 : n;
}

/*
 * mbstat's m_wait (mbstat_read): the sleeps of every pipe behind the
 * mbuf module.  Any CPU may run this while others sleep in a pipe: the
 * pipes' counts (changed with mbp_counter_add) are read with single
 * atomic loads.
 */
static u_long
mb_pipewaits(const struct malloc_pipe *mp)
{
	return (__atomic_load_n(&mp->mp_waits, __ATOMIC_RELAXED));
}

u_long
mb_waits(void)
{
	u_long w = mb_pipewaits(&mb_mbuf_pipe) +
	    mb_pipewaits(&mb_cluster_pipe) + mb_pipewaits(&mb_ref_pipe);
	int i;

	for (i = 0; i < msys_nclasses(); i++)
		if (msys_class(i) != &mb_cluster_pipe)
			w += mb_pipewaits(msys_class(i));
	return (w);
}

/*
 * One buffer from mp; the caller counts it as outstanding unless it is
 * an mbuf (the pipe's own count is the count).
 */
static void *
mb_get(struct malloc_pipe *mp, int how)
{
	void *p;

	if (__predict_false(mb_failafter >= 0) && mb_inject(how))
		p = NULL;
	else if (how & M_WAIT)
		p = mpipe_alloc_waitok(mp);
	else
		p = mpipe_alloc_nowait(mp);
	if (__predict_false(p == NULL))
		MBSTAT_ADD(m_drops, 1);
	return (p);
}

#ifdef DIAGNOSTIC
/*
 * An outstanding count of mbstat: the field at offset off, summed over
 * every CPU's slot.
 */
static u_long
mb_outstanding(size_t off)
{
	u_long n = 0;
	int i;

	for (i = 0; i < MBP_MAXCPUS; i++)
		n += __atomic_load_n((u_long *)((char *)&mbstat_pcpu[i].ms_st +
		    off), __ATOMIC_RELAXED);
	return (n);
}
#endif

/*
 * Give p back to mp and lower its outstanding count, the field at
 * offset off, in this CPU's slot.  Only the module's own calls release
 * (m_free, m_freem), so a release of what was never handed out is the
 * module's bug: checked under DIAGNOSTIC, and on one CPU, where the sum
 * of the slots is exact (on several, a slot read while its CPU
 * allocates may make it look short).
 */
static void
mb_put(struct malloc_pipe *mp, void *p, size_t off)
{
#ifdef DIAGNOSTIC
	MBP_ASSERTMSG(mbp_ncpu() > 1 || mb_outstanding(off) > 0,
	    "mb_put: %p (%s): none outstanding", p, mp->mp_name);
#endif
	mbp_pcpu_add((u_long *)((char *)&mbstat_pcpu[mbp_cpu_index()].ms_st +
	    off), -1);
	mpipe_free(mp, p);
}

/* Everything mb_tryalloc (sys/mbuf.h) leaves to a decision. */
struct mbuf *
mb_alloc(int how)
{
	return (mb_get(&mb_mbuf_pipe, how));
}

u_long
mbstat_mbufs(void)
{
	return ((u_long)mpipe_out(&mb_mbuf_pipe));
}

u_long
mbstat_gets(void)
{
	return (mpipe_gets(&mb_mbuf_pipe));
}

caddr_t
mb_clalloc(int how)
{
	caddr_t p = mb_get(&mb_cluster_pipe, how);

	if (p != NULL)
		MBSTAT_ADD(m_clusters, 1);
	return (p);
}

void
mb_clrelease(caddr_t p)
{
	mb_put(&mb_cluster_pipe, p, offsetof(struct mbstat, m_clusters));
}

u_int *
mb_refalloc(int how)
{
	u_int *p = mb_get(&mb_ref_pipe, how);

	if (p != NULL)
		MBSTAT_ADD(m_refs, 1);
	return (p);
}

void
mb_refrelease(u_int *p)
{
	mb_put(&mb_ref_pipe, p, offsetof(struct mbstat, m_refs));
}

void
mb_poolinit(void)
{
	mbp_memtype_init(M_MBUF);
	mbp_memtype_init(M_CLUSTER);
	mbp_memtype_init(M_MBUFREF);
	/* The port keeps the caps inside their ranges (mbuf_port(9)). */
	mbp_tunable("nmbufs", &nmbufs);
	mbp_tunable("nmbclusters", &nmbclusters);
	mpipe_init(&mb_mbuf_pipe, M_MBUF, MSIZE, MIN(MB_NNOM, nmbufs / 2),
	    nmbufs, MPF_NOZERO | MPF_INT, NULL, NULL, NULL);
	mpipe_setname(&mb_mbuf_pipe, "mbuf");
	mpipe_init(&mb_cluster_pipe, M_CLUSTER, MCLBYTES,
	    MIN(MB_CLNNOM, nmbclusters / 2), nmbclusters,
	    MPF_NOZERO | MPF_INT, NULL, NULL, NULL);
	mpipe_setname(&mb_cluster_pipe, "cluster");
	/* A burst of MB_HIWAT is served from the depots (mpipe_sethiwat). */
	(void)mpipe_sethiwat(&mb_mbuf_pipe, MB_HIWAT);
	(void)mpipe_sethiwat(&mb_cluster_pipe, MB_HIWAT);
	mpipe_init(&mb_ref_pipe, M_MBUFREF, sizeof(u_int),
	    MIN(MB_REFNNOM, nmbufs / 2), nmbufs, MPF_NOZERO, NULL, NULL,
	    NULL);
	mpipe_setname(&mb_ref_pipe, "mbufref");
	os_mbuf_modinit();
	msys_init();
}

/*
 * An empty mbuf whose storage holds len bytes, for a chain call that
 * copies bytes into it: its own data area when len fits cap (MLEN, or
 * less when the mbuf is to take over a packet header, whose own area is
 * smaller), otherwise a buffer of the size class for len (msys(9)),
 * even when len would fit MLEN, because the header that moves in would
 * shrink the area (a class mbuf keeps that header inside its data
 * buffer, so the class is chosen for len plus a packet header and the
 * largest user header; a cluster keeps the header outside, so it holds
 * MCLBYTES).  NULL when memory is short or no class holds len bytes in
 * one buffer (M_DONTWAIT).
 */
struct mbuf *
mb_getstorage(int how, int type, int len, int cap)
{
	int want = MAX(len, (int)MLEN + 1);
	int hdr = (int)sizeof(struct pkthdr) + M_MAXUHLEN;

	if (len <= cap)
		return (m_get(how, type));
	if (msys_select(want + hdr) == &mb_cluster_pipe && want <= MCLBYTES)
		return (m_getcl(how, type, 0));
	return (msys_get(how, type, want + hdr));
}
