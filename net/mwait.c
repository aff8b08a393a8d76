/*
 * net/mwait.c: "mwait", a kernel thread that allocates clusters with
 * M_WAIT while the network runs: the exhaustion test of the stack.
 *
 * What it is for: showing, with traffic arriving, that a thread which
 * may sleep for memory and a receive ring which may not can share a
 * small pool (nmbclusters=): the thread sleeps while the ring refills
 * from its interrupt reserve (em(4)) and drops what it cannot refill,
 * and it completes once the traffic stops and buffers come back.
 * "mwait N [HOLDMS [ROUNDS]]" starts the thread and returns at once; the
 * thread, ROUNDS times (default 1), takes N clusters one by one with
 * M_WAIT, holds them HOLDMS ms and frees them; then it prints one line,
 * "mwait: done ...", with the time the allocations took (the holds not
 * counted) and how often it slept.  "mwait stop" asks the thread to
 * stop: it frees what it holds after its current allocation (or at
 * once, in a hold) and prints "mwait: stopped ..."; the command waits
 * for that, at most MWAIT_STOPSECS.
 *
 * Invariants: at most one mwait thread at a time; it gives back every
 * cluster it took; a finished thread is reaped by the next mwait.  N is
 * at most the cluster cap less the interrupt reserve and as many again
 * for the receive ring that reserve backs, so that once traffic stops
 * every M_WAIT of the thread is satisfied and a stop takes effect.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/proc.h>
#include <sys/shell.h>

#define MWAIT_STOPSECS	5

static struct mwait_state {
	struct thread	*mw_td;
	volatile int	 mw_running;
	volatile int	 mw_stop;
	int		 mw_n;
	int		 mw_holdms;
	int		 mw_rounds;
} mwait_st;

/* The most clusters a thread may hold: see the invariants above. */
static long
mwait_max(void)
{
	return (MAX(0, mb_cluster_pipe.mp_nmax - 2 * mb_cluster_pipe.mp_nint));
}

static void
mwait_main(void *arg)
{
	struct mwait_state *mw = arg;
	struct mbuf *list, *m;
	uint64_t t0, tall = 0;
	u_long w0, wall = 0;
	int i, r;

	for (r = 0; r < mw->mw_rounds && !mw->mw_stop; r++) {
		list = NULL;
		t0 = nanouptime();
		w0 = mb_cluster_pipe.mp_waits;
		for (i = 0; i < mw->mw_n && !mw->mw_stop; i++) {
			m = m_getcl(M_WAIT, MT_DATA, 0);	/* never NULL */
			m->m_nextpkt = list;
			list = m;
		}
		tall += nanouptime() - t0;
		wall += mb_cluster_pipe.mp_waits - w0;
		if (mw->mw_holdms > 0 && !mw->mw_stop)
			tsleep(mw, 0, "mwhold", MAX(1, mw->mw_holdms * hz /
			    1000));
		while ((m = list) != NULL) {
			list = m->m_nextpkt;
			m->m_nextpkt = NULL;
			m_free(m);
		}
	}
	printf("\n");
	if (mw->mw_stop)
		printf("mwait: stopped after %d of %d rounds; all released\n",
		    r, mw->mw_rounds);
	else
		printf("mwait: done: %d x %d clusters with M_WAIT in %llu ms, "
		    "%lu sleeps; all released\n", mw->mw_rounds, mw->mw_n,
		    (unsigned long long)(tall / 1000000), wall);
	shell_redraw();
	mw->mw_running = 0;
	wakeup(&mw->mw_td);		/* mwait stop waits there */
}

static int
mwait_stop(struct mwait_state *mw)
{
	uint64_t deadline = ticks + MWAIT_STOPSECS * hz;

	if (!mw->mw_running) {
		printf("mwait: no thread running\n");
		return (-1);
	}
	mw->mw_stop = 1;
	wakeup(mw);			/* out of its hold */
	while (mw->mw_running && ticks < deadline)
		tsleep(&mw->mw_td, 0, "mwstop", hz / 10);
	if (mw->mw_running) {
		printf("mwait: the thread still waits for a cluster; it stops "
		    "when it gets one\n");
		return (-1);
	}
	return (0);
}

SHELL_CMD(mwait, "mwait N [HOLDMS [ROUNDS]] | mwait stop: a thread takes N "
    "clusters with M_WAIT, holds them, frees them, reports")
{
	struct mwait_state *mw = &mwait_st;
	long n, hold = 0, rounds = 1;

	if (argc == 2 && strcmp(argv[1], "stop") == 0)
		return (mwait_stop(mw));
	if (argc < 2 || argc > 4)
		return (shell_usage(argv[0]));
	if (shell_argnum(argv[0], "N", argv[1], 1, mwait_max(), &n) != 0) {
		printf("mwait: N is at most the cluster cap %ld less twice "
		    "the interrupt reserve %d\n", nmbclusters,
		    mb_cluster_pipe.mp_nint);
		return (-1);
	}
	if ((argc > 2 && shell_argnum(argv[0], "HOLDMS", argv[2], 0, 60000,
	    &hold) != 0) ||
	    (argc > 3 && shell_argnum(argv[0], "ROUNDS", argv[3], 1, 1000,
	    &rounds) != 0))
		return (-1);
	if (mw->mw_running) {
		printf("mwait: a thread is still running (mwait stop)\n");
		return (-1);
	}
	if (mw->mw_td != NULL) {
		kthread_join(mw->mw_td);
		mw->mw_td = NULL;
	}
	mw->mw_n = n;
	mw->mw_holdms = hold;
	mw->mw_rounds = rounds;
	mw->mw_stop = 0;
	mw->mw_running = 1;
	mw->mw_td = kthread_create(mwait_main, mw, "mwait");
	printf("mwait: started: %ld x %ld clusters with M_WAIT, cap %ld\n",
	    rounds, n, nmbclusters);
	return (0);
}
