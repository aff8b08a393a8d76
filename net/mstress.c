/*
 * net/mstress.c: "mstress", threads on every CPU that allocate and
 * free mbufs, clusters and size-class buffers with M_WAIT while the
 * network runs: the concurrency stress of the mbuf module (issue 17).
 *
 * What it is for: showing, with a flood arriving so that em(4) refills
 * its receive ring from interrupts, that the module's per-CPU caches,
 * depots, cross-CPU reclaim and M_WAIT sleeps keep their books.
 * "mstress SECS" starts MSTRESS_PERCPU threads per CPU and returns at
 * once; for SECS seconds each thread builds chains (a packet header
 * mbuf, a cluster, and every other time a size-class buffer whose size
 * walks the classes' limits: each class's largest size and one byte
 * more, up to the largest class's), all with M_WAIT, holds up to its
 * share of the cluster pipe, and hands chains to the others through a
 * queue, so that most are freed by another thread, often on another
 * CPU.  Then the threads free everything and the last one prints
 * "mstress: done: ..." with what was made, how many were freed on
 * another CPU than the one that built them, the cluster pipe's sleeps,
 * reclaimed buffers and cross-calls, and whether the books balance:
 * for every pipe (mbufs, clusters, reference counts, each size class)
 * gets minus puts equals the buffers out, and every chain made was
 * freed.  "mstress stop" ends it early (it waits MSTRESS_STOPSECS at
 * most for threads that sleep for a buffer).
 *
 * Invariants: at most one stress at a time; the threads together hold
 * at most what mwait(9) may (the cluster cap less twice the interrupt
 * reserve: one for the receive ring, one as its refill share), each
 * chain at most two clusters (a cluster and a 2048-byte class buffer,
 * which is the cluster pipe), so every M_WAIT is satisfied once traffic
 * stops; the hand-off queue is under a spin mutex and its chains are
 * freed outside it (m_freem needs spl(9)).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/cpu.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/mutex.h>
#include <sys/proc.h>
#include <sys/shell.h>

#define MSTRESS_PERCPU	2	/* threads per CPU */
#define MSTRESS_MAXTD	(MAXCPUS * MSTRESS_PERCPU)
#define MSTRESS_QLEN	16	/* chains in the hand-off queue */
#define MSTRESS_HOLD	256	/* chains a thread holds at most */
#define MSTRESS_CHECKS	20	/* snapshots of the books, 10 ms apart */
#define MSTRESS_STOPSECS 10	/* mstress stop waits so long at most */

static struct mstress_state {
	struct thread	*st_td[MSTRESS_MAXTD];
	struct mutex	 st_qmtx;	/* the hand-off queue */
	struct mbuf	*st_q[MSTRESS_QLEN];
	int		 st_qn;
	int		 st_ntd;	/* threads started */
	int		 st_quota;	/* clusters a thread may hold */
	uint64_t	 st_end;	/* ticks at which the threads stop */
	volatile int	 st_running;	/* threads not yet finished */
	volatile int	 st_stop;
	volatile long	 st_made, st_freed, st_cross;
	u_long		 st_waits0, st_recl0, st_xc0;
} mstress_st;

/*
 * The sizes a class buffer takes: each class's limit and one byte more
 * (the next class), the largest class's own limit last.
 */
static int
mstress_size(long i)
{
	int k = msys_nclasses(), c, sz;

	c = (int)((i / 2) % (2 * k));
	sz = msys_classlen(msys_class(c / 2));	/* its data bytes */
	if ((c & 1) && c / 2 + 1 < k)
		sz++;
	return (sz);
}

/* A chain: a header mbuf, a cluster, and every other time a class buffer. */
static struct mbuf *
mstress_chain(long i, int *ncl)
{
	struct mbuf *m, *n;
	int sz;

	m = m_gethdr(M_WAIT, MT_DATA);
	m->m_len = sizeof(int);
	*mtod(m, int *) = (int)cpu_number();
	m->m_next = m_getcl(M_WAIT, MT_DATA, 0);
	*ncl = 1;
	if (i & 1) {
		sz = mstress_size(i);
		n = msys_get(M_WAIT, MT_DATA, sz);	/* never NULL */
		if (msys_select(sz) == &mb_cluster_pipe)
			(*ncl)++;
		m->m_next->m_next = n;
	}
	return (m);
}

static void
mstress_free(struct mstress_state *st, struct mbuf *m)
{
	if (*mtod(m, int *) != (int)cpu_number())
		__atomic_fetch_add(&st->st_cross, 1, __ATOMIC_RELAXED);
	m_freem(m);
	__atomic_fetch_add(&st->st_freed, 1, __ATOMIC_RELAXED);
}

/* Gets minus puts equals out, for one pipe; a snapshot, see mstress_books. */
static bool
mstress_balanced(struct malloc_pipe *mp)
{
	return (mp->mp_total <= mp->mp_nmax &&
	    mpipe_gets(mp) - mpipe_puts(mp) == (u_long)mpipe_out(mp));
}

/*
 * Every pipe's books.  Other CPUs' caches are read without their
 * interrupts masked, and the receive ring may be refilling meanwhile,
 * so one snapshot may catch a cache between its count and its counter;
 * books that are off in MSTRESS_CHECKS snapshots 10 ms apart are off.
 */
static bool
mstress_books(const char **which)
{
	int i, try, s;
	bool ok;

	for (try = 0; try < MSTRESS_CHECKS; try++) {
		s = splhigh();
		ok = true;
		if (!mstress_balanced(&mb_mbuf_pipe))
			ok = false, *which = mb_mbuf_pipe.mp_name;
		else if (!mstress_balanced(&mb_cluster_pipe))
			ok = false, *which = mb_cluster_pipe.mp_name;
		else if (!mstress_balanced(&mb_ref_pipe))
			ok = false, *which = mb_ref_pipe.mp_name;
		for (i = 0; ok && i < msys_nclasses(); i++)
			if (!mstress_balanced(msys_class(i)))
				ok = false, *which = msys_class(i)->mp_name;
		splx(s);
		if (ok)
			return (true);
		tsleep(&mstress_st.st_q, 0, "mstbook", MAX(1, hz / 100));
	}
	return (false);
}

static void
mstress_report(struct mstress_state *st)
{
	struct malloc_pipe *cp = &mb_cluster_pipe;
	const char *which = "?";
	bool books;

	books = st->st_made == st->st_freed && mstress_books(&which);
	printf("\nmstress: %s: %d threads on %d CPUs, %ld chains, %ld freed "
	    "on another CPU, clusters: %lu sleeps, %lu reclaimed by %lu "
	    "cross-calls; ", st->st_stop ? "stopped" : "done", st->st_ntd,
	    ncpu, st->st_made, st->st_cross, cp->mp_waits - st->st_waits0,
	    cp->mp_reclaims - st->st_recl0, cp->mp_xcalls - st->st_xc0);
	if (books)
		printf("books balance\n");
	else if (st->st_made != st->st_freed)
		printf("books off: %ld chains made, %ld freed\n", st->st_made,
		    st->st_freed);
	else
		printf("books off: pipe %s\n", which);
	shell_redraw();
}

static void
mstress_main(void *arg)
{
	struct mstress_state *st = arg;
	struct mbuf *held[MSTRESS_HOLD], *m;
	int ncl[MSTRESS_HOLD], nh = 0, hcl = 0, j, k;
	long i;

	for (i = 0; !st->st_stop && (int64_t)(ticks - st->st_end) < 0; i++) {
		/*
		 * At its share: the older half goes to the queue (or the
		 * oldest is freed when the queue is full) and a chain from
		 * the queue, most likely another thread's, is freed.
		 */
		while (nh == MSTRESS_HOLD || hcl + 2 > st->st_quota) {
			m = NULL;
			mtx_enter(&st->st_qmtx);
			if (st->st_qn > 0)
				m = st->st_q[--st->st_qn];
			for (k = 0; k < nh / 2 && st->st_qn < MSTRESS_QLEN;
			    k++)
				st->st_q[st->st_qn++] = held[k];
			mtx_leave(&st->st_qmtx);
			if (k == 0) {
				mstress_free(st, held[0]);
				k = 1;
			}
			nh -= k;
			memmove(held, &held[k], nh * sizeof(held[0]));
			memmove(ncl, &ncl[k], nh * sizeof(ncl[0]));
			for (hcl = 0, j = 0; j < nh; j++)
				hcl += ncl[j];
			if (m != NULL)
				mstress_free(st, m);
		}
		held[nh] = mstress_chain(i, &ncl[nh]);
		hcl += ncl[nh++];
		__atomic_fetch_add(&st->st_made, 1, __ATOMIC_RELAXED);
		if ((i & 31) == 31)
			yield();
	}
	while (nh > 0)
		mstress_free(st, held[--nh]);
	if (__atomic_sub_fetch(&st->st_running, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	/* The last one out empties the queue and reports. */
	mtx_enter(&st->st_qmtx);
	k = st->st_qn;
	st->st_qn = 0;
	mtx_leave(&st->st_qmtx);
	while (k > 0)
		mstress_free(st, st->st_q[--k]);
	mstress_report(st);
	wakeup(&st->st_td);		/* mstress stop waits there */
}

/* Reap the threads of a finished stress; false if one still runs. */
static bool
mstress_reap(struct mstress_state *st)
{
	int i;

	if (st->st_running != 0)
		return (false);
	for (i = 0; i < st->st_ntd; i++) {
		if (st->st_td[i] != NULL)
			kthread_join(st->st_td[i]);
		st->st_td[i] = NULL;
	}
	st->st_ntd = 0;
	return (true);
}

SHELL_CMD(mstress, "mstress SECS | mstress stop: threads on every CPU "
    "allocate and free mbufs, clusters and size classes with M_WAIT, "
    "then check the books")
{
	struct mstress_state *st = &mstress_st;
	uint64_t deadline;
	long secs, share;
	int i;

	if (argc == 2 && strcmp(argv[1], "stop") == 0) {
		if (st->st_running == 0) {
			printf("mstress: not running\n");
			return (-1);
		}
		st->st_stop = 1;
		deadline = ticks + MSTRESS_STOPSECS * hz;
		while (st->st_running != 0 && ticks < deadline)
			tsleep(&st->st_td, 0, "mststop", hz / 10);
		if (!mstress_reap(st)) {
			printf("mstress: a thread still waits for a buffer; "
			    "they stop when they get them\n");
			return (-1);
		}
		return (0);
	}
	if (argc != 2)
		return (shell_usage(argv[0]));
	if (shell_argnum(argv[0], "SECS", argv[1], 1, 600, &secs) != 0)
		return (-1);
	if (!mstress_reap(st)) {
		printf("mstress: still running (mstress stop)\n");
		return (-1);
	}
	/* What threads may hold (mwait(9)), less the queue's, shared out. */
	share = MAX(0, mb_cluster_pipe.mp_nmax - 2 * mb_cluster_pipe.mp_nint) -
	    2 * MSTRESS_QLEN;
	st->st_ntd = MIN(ncpu * MSTRESS_PERCPU, MSTRESS_MAXTD);
	st->st_quota = (int)MIN(share / st->st_ntd, 2 * MSTRESS_HOLD);
	if (st->st_quota < 2) {
		printf("mstress: the cluster cap %d leaves no share for %d "
		    "threads\n", mb_cluster_pipe.mp_nmax, st->st_ntd);
		st->st_ntd = 0;
		return (-1);
	}
	if (st->st_qmtx.mtx_name == NULL)
		mtx_init(&st->st_qmtx, "mstressq");
	st->st_qn = 0;
	st->st_stop = 0;
	st->st_made = st->st_freed = st->st_cross = 0;
	st->st_waits0 = mb_cluster_pipe.mp_waits;
	st->st_recl0 = mb_cluster_pipe.mp_reclaims;
	st->st_xc0 = mb_cluster_pipe.mp_xcalls;
	st->st_end = ticks + secs * hz;
	st->st_running = st->st_ntd;
	for (i = 0; i < st->st_ntd; i++)
		st->st_td[i] = kthread_create(mstress_main, st, "mstress");
	printf("mstress: started: %d threads on %d CPUs for %ld s, up to %d "
	    "clusters each of the cluster cap %d\n", st->st_ntd, ncpu, secs,
	    st->st_quota, mb_cluster_pipe.mp_nmax);
	return (0);
}
