/*
 * uipc_mbpool.c: the allocation seam of the mbuf module.
 *
 * Everything the mbuf code allocates comes from here: mbufs (MSIZE),
 * clusters (MCLBYTES) and the small shared reference counts of external
 * storage.  No other file knows where they come from; for now it is
 * malloc(9) with the types M_MBUF, M_CLUSTER and M_MBUFREF, later
 * mpipe(9) reserves and size classes replace the inside of this file.
 *
 * Contract: M_DONTWAIT never sleeps and may return NULL (counted in
 * mbstat.m_drops); M_WAIT never returns NULL: on exhaustion it sleeps
 * (tsleep, counted in mbstat.m_wait) until something is released, and
 * panics when called where sleeping is not allowed.  mb_fail_after(n)
 * lets the next n allocations succeed and then fails every M_DONTWAIT
 * one until mb_fail_after(-1), so tests reach every failure path.
 *
 * Invariants: mbstat.m_mbufs, m_clusters and m_refs are the numbers
 * handed out and not yet released (the "mbufs" and "clusters" leak
 * probes read them); a released mbuf is poisoned (MT_FREE and junk)
 * under DIAGNOSTIC before it goes back, and the allocator below checks
 * its junk when it hands the memory out again.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/selftest.h>

MALLOC_DEFINE(M_MBUF, "mbuf", "mbufs");
MALLOC_DEFINE(M_CLUSTER, "mcluster", "mbuf clusters");
MALLOC_DEFINE(M_MBUFREF, "mbufref", "mbuf storage reference counts");

#define MB_JUNK		0xdb

static int mb_waiters;		/* threads asleep in mb_wait */
static long mb_failafter = -1;	/* successes left before failing */

/* Decide whether failure injection fails this allocation. */
static bool
mb_inject(int how)
{
	if (mb_failafter < 0)
		return (false);
	if (mb_failafter > 0) {
		mb_failafter--;
		return (false);
	}
	return ((how & M_WAIT) == 0);
}

void
mb_fail_after(long n)
{
	mb_failafter = n < 0 ? -1 : n;
}

/* An M_WAIT caller found nothing: sleep until a release (or a tick). */
static void
mb_wait(const char *what)
{
	if (!cansleep())
		panic("%s: M_WAIT where sleeping is not allowed (caller %p)",
		    what, __builtin_return_address(0));
	mbstat.m_wait++;
	mb_waiters++;
	tsleep(&mb_waiters, 0, "mbufwt", 1);
	mb_waiters--;
}

static void
mb_wakeup(void)
{
	if (mb_waiters)
		wakeup(&mb_waiters);
}

/*
 * Allocate size bytes of type and count it in *outst; NULL only for
 * M_DONTWAIT.
 */
static void *
mb_get(size_t size, struct malloc_type *type, int how, u_long *outst,
    const char *what)
{
	void *p;
	int s;

	for (;;) {
		s = splhigh();
		p = mb_inject(how) ? NULL : malloc(size, type, M_NOWAIT);
		if (p != NULL)
			(*outst)++;
		else if ((how & M_WAIT) == 0)
			mbstat.m_drops++;
		splx(s);
		if (p != NULL || (how & M_WAIT) == 0)
			break;
		mb_wait(what);
	}
	return (p);
}

/* Give back what mb_get handed out. */
static void
mb_put(void *p, struct malloc_type *type, u_long *outst)
{
	int s;

	s = splhigh();
	KASSERTMSG(*outst > 0, "mb_put: %p (%s): none outstanding", p,
	    type->ks_shortdesc);
	free(p, type);
	(*outst)--;
	splx(s);
	mb_wakeup();
}

struct mbuf *
mb_alloc(int how)
{
	struct mbuf *m;

	m = mb_get(MSIZE, M_MBUF, how, &mbstat.m_mbufs, "mb_alloc");
	return (m);
}

void
mb_release(struct mbuf *m)
{
#ifdef DIAGNOSTIC
	memset(m, MB_JUNK, sizeof(*m));
	m->m_type = MT_FREE;
#endif
	mb_put(m, M_MBUF, &mbstat.m_mbufs);
}

caddr_t
mb_clalloc(int how)
{
	return (mb_get(MCLBYTES, M_CLUSTER, how, &mbstat.m_clusters,
	    "mb_clalloc"));
}

void
mb_clrelease(caddr_t p)
{
	mb_put(p, M_CLUSTER, &mbstat.m_clusters);
}

u_int *
mb_refalloc(int how)
{
	return (mb_get(sizeof(u_int), M_MBUFREF, how, &mbstat.m_refs,
	    "mb_refalloc"));
}

void
mb_refrelease(u_int *p)
{
	mb_put(p, M_MBUFREF, &mbstat.m_refs);
}

static long
mb_count_mbufs(void)
{
	return ((long)mbstat.m_mbufs);
}

static long
mb_count_clusters(void)
{
	return ((long)mbstat.m_clusters);
}

static struct leakprobe mb_probe_mbufs = {
	.lp_name = "mbufs", .lp_count = mb_count_mbufs };
static struct leakprobe mb_probe_clusters = {
	.lp_name = "clusters", .lp_count = mb_count_clusters };

void
mb_poolinit(void)
{
	malloc_type_attach(M_MBUF);
	malloc_type_attach(M_CLUSTER);
	malloc_type_attach(M_MBUFREF);
	leakprobe_register(&mb_probe_mbufs);
	leakprobe_register(&mb_probe_clusters);
}
