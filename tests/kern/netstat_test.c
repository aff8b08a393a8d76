/*
 * netstat_test.c: self-tests of the netstat command (net/netstat.c),
 * suite "netstat": -m prints the mbuf module's summary in BSD's lines,
 * -m -v adds every counter, pipe and class, and a bad option gives the
 * usage line.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/selftest.h>
#include "mbuf_testlib.h"
#include <sys/shell.h>

SELFTEST(netstat, memory)
{
	static char out[16384];		/* -v: a row for each class */
	char line[32], want[128];
	struct malloc_pipe *mp;
	struct mbuf *m, *cm;
	u_long freeb;
	int i;
	size_t n;
	int rc;

	m = m_get(M_WAIT, MT_CONTROL);
	cm = msys_get(M_WAIT, MT_DATA, 600);	/* in the 640 class */
	ST_ASSERT_EQ(msys_classlen(msys_select(600)), 640);
	/* The summary: BSD's lines (FreeBSD usr.bin/netstat/mbuf.c). */
	strlcpy(line, "netstat -m", sizeof(line));
	cons_capture_start(out, sizeof(out));
	rc = shell_exec(line);
	n = cons_capture_stop();
	ST_ASSERT_EQ(rc, 0);
	ST_ASSERT(n > 0 && n < sizeof(out) - 1);
	snprintf(want, sizeof(want), "%lu/%d/%d/%d mbufs in use "
	    "(current/cache/total/max)\n", mbstat_mbufs(),
	    mpipe_nfree(&mb_mbuf_pipe), mb_mbuf_pipe.mp_total, mb_mbuf_pipe.mp_nmax);
	ST_ASSERT(strncmp(out, want, strlen(want)) == 0);	/* first */
	snprintf(want, sizeof(want), "\n%lu/%d/%d/%d mbuf clusters in use "
	    "(current/cache/total/max)\n", tl_mbstat().m_clusters,
	    mpipe_nfree(&mb_cluster_pipe), mb_cluster_pipe.mp_total,
	    mb_cluster_pipe.mp_nmax);
	ST_ASSERT(strstr(out, want) != NULL);
	/* A class with mbufs out has its line; an idle class has none. */
	mp = msys_select(600);
	snprintf(want, sizeof(want), "\n%d/%d/%d/%d 640-byte size class mbufs "
	    "in use", mpipe_out(mp), mpipe_nfree(mp), mp->mp_total,
	    mp->mp_nmax);
	ST_ASSERT(strstr(out, want) != NULL);
	ST_ASSERT(strstr(out, "9216-byte size class") == NULL);
	/* The totals count every pool, idle classes too. */
	freeb = (u_long)mpipe_nfree(&mb_mbuf_pipe) * MSIZE +
	    (u_long)mpipe_nfree(&mb_cluster_pipe) * MCLBYTES;
	for (i = 0; i < msys_nclasses(); i++)
		if (msys_class(i) != &mb_cluster_pipe)
			freeb += (u_long)mpipe_nfree(msys_class(i)) *
			    msys_class(i)->mp_bytes;
	snprintf(want, sizeof(want), "K/%luK/", freeb / 1024);
	ST_ASSERT(strstr(out, want) != NULL);
	ST_ASSERT(strstr(out, "2048-byte size class") == NULL);	/* clusters */
	ST_ASSERT(strstr(out, " requests for memory denied "
	    "(mbufs/clusters/size classes)\n") != NULL);
	ST_ASSERT(strstr(out, " requests for memory delayed "
	    "(mbufs/clusters/size classes)\n") != NULL);
	/* The cross-CPU reclaim (mpipe(9)); forced in mpipe.cap_reached_*. */
	snprintf(want, sizeof(want), "\n%lu/%lu buffers reclaimed from other "
	    "CPUs' caches by %lu/%lu cross-calls (mbufs/clusters)\n",
	    mb_mbuf_pipe.mp_reclaims, mb_cluster_pipe.mp_reclaims,
	    mb_mbuf_pipe.mp_xcalls, mb_cluster_pipe.mp_xcalls);
	ST_ASSERT(strstr(out, want) != NULL);
	ST_ASSERT(strstr(out, "allocated to control") == NULL);	/* -v's */
	ST_ASSERT(strstr(out, "\nmbuf ") == NULL);
	ST_ASSERT(strstr(out, "\n\n") == NULL);	/* no empty section */

	/* -v: the types, the copy counters, every pipe and class. */
	strlcpy(line, "netstat -m -v", sizeof(line));
	cons_capture_start(out, sizeof(out));
	rc = shell_exec(line);
	n = cons_capture_stop();
	ST_ASSERT_EQ(rc, 0);
	ST_ASSERT(n > 0 && n < sizeof(out) - 1);
	snprintf(want, sizeof(want), "\n%lu mbufs allocated to control\n",
	    tl_mbstat().m_mtypes[MT_CONTROL]);
	ST_ASSERT(strstr(out, want) != NULL);
	ST_ASSERT(strstr(out, "\nbytes copied: pulldown ") != NULL);
	ST_ASSERT(strstr(out, "\nmbuf ") != NULL);		/* the pipes */
	ST_ASSERT(strstr(out, "\n640      msys640") != NULL);	/* classes */
	ST_ASSERT(strstr(out, "os_msys") == NULL);	/* none registered */
	ST_ASSERT(strstr(out, "\n\n\n") == NULL);
	strlcpy(line, "netstat -q", sizeof(line));
	cons_capture_start(out, sizeof(out));
	rc = shell_exec(line);
	cons_capture_stop();
	ST_ASSERT(rc != 0);
	ST_ASSERT(strncmp(out, "usage: netstat -m [-v] | netstat -s\n",
	    sizeof(out)) == 0);
	m_free(cm);
	m_free(m);
}
