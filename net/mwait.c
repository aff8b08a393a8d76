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
 * counted) and how often it slept.
 *
 * Invariants: at most one mwait thread at a time; it gives back every
 * cluster it took; a finished thread is reaped by the next mwait.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/proc.h>
#include <sys/shell.h>

#define MWAIT_MAX	65536

static struct mwait_state {
	struct thread	*mw_td;
	volatile int	 mw_running;
	int		 mw_n;
	int		 mw_holdms;
	int		 mw_rounds;
} mwait_st;

static void
mwait_main(void *arg)
{
	struct mwait_state *mw = arg;
	struct mbuf *list, *m;
	uint64_t t0, tall = 0;
	u_long w0, wall = 0;
	int i, r;

	for (r = 0; r < mw->mw_rounds; r++) {
		list = NULL;
		t0 = nanouptime();
		w0 = mb_cluster_pipe.mp_waits;
		for (i = 0; i < mw->mw_n; i++) {
			m = m_getcl(M_WAIT, MT_DATA, 0);	/* never NULL */
			m->m_nextpkt = list;
			list = m;
		}
		tall += nanouptime() - t0;
		wall += mb_cluster_pipe.mp_waits - w0;
		if (mw->mw_holdms > 0)
			tsleep(mw, 0, "mwhold", MAX(1, mw->mw_holdms * hz /
			    1000));
		while ((m = list) != NULL) {
			list = m->m_nextpkt;
			m->m_nextpkt = NULL;
			m_free(m);
		}
	}
	printf("mwait: done: %d x %d clusters with M_WAIT in %llu ms, %lu "
	    "sleeps; all released\n", mw->mw_rounds, mw->mw_n,
	    (unsigned long long)(tall / 1000000), wall);
	mw->mw_running = 0;
}

SHELL_CMD(mwait, "mwait N [HOLDMS [ROUNDS]]: a thread takes N clusters with "
    "M_WAIT, holds them, frees them, reports")
{
	struct mwait_state *mw = &mwait_st;
	long n, hold = 0, rounds = 1;

	if (argc < 2 || (n = strtoul(argv[1], NULL, 10)) < 1 ||
	    n > MWAIT_MAX) {
		printf("usage: mwait N [HOLDMS] (N 1..%d)\n", MWAIT_MAX);
		return (-1);
	}
	if (argc > 2)
		hold = strtoul(argv[2], NULL, 10);
	if (argc > 3)
		rounds = strtoul(argv[3], NULL, 10);
	if (hold > 60000 || rounds < 1 || rounds > 1000) {
		printf("mwait: HOLDMS 0..60000, ROUNDS 1..1000\n");
		return (-1);
	}
	if (mw->mw_running) {
		printf("mwait: a thread is still waiting\n");
		return (-1);
	}
	if (mw->mw_td != NULL) {
		kthread_join(mw->mw_td);
		mw->mw_td = NULL;
	}
	mw->mw_n = n;
	mw->mw_holdms = hold;
	mw->mw_rounds = rounds;
	mw->mw_running = 1;
	mw->mw_td = kthread_create(mwait_main, mw, "mwait");
	printf("mwait: started: %ld x %ld clusters with M_WAIT, cap %ld\n",
	    rounds, n, nmbclusters);
	return (0);
}
