/*
 * uipc_msys.c: system mbuf size classes, msys(9).
 *
 * A class is an mpipe(9) of storage buffers; the table holds up to
 * MSYS_MAXCLASSES of them sorted by buffer size.  msys_select(size)
 * returns the smallest class whose buffers hold size bytes, or the
 * largest class when none does.  Allocation never falls back to another
 * class: when the chosen one is empty, M_DONTWAIT gets NULL and M_WAIT
 * sleeps on that class's pipe.  msys_get and msys_gethdr return an mbuf
 * that holds size bytes: in its own data area when they fit there (no
 * class buffer at all), otherwise in external storage from the chosen
 * class; the 2 KiB class is the mbuf module's cluster pipe, so its
 * buffers are ordinary clusters (m_clget).
 *
 * The kernel's default classes are 128, 640, 1536, 2048 and 9216 bytes:
 * a 576-byte datagram (the smallest MTU every host takes) fits 640, a
 * full Ethernet frame 1536, so neither pins a 2 KiB cluster, and a jumbo
 * frame fits one buffer.  msys_default puts them back after a test
 * replaced them.
 *
 * Invariants: msys_tab[0 .. msys_n-1] are distinct pipes in strictly
 * increasing order of mp_bytes; the table changes only at splhigh;
 * storage from a class always goes back to that class (the pipe rides
 * in ext_arg).
 */
#include <sys/mbuf_port.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include "mbuf_private.h"

MBP_MEMTYPE_DEFINE(M_MSYS, "msys");

static struct malloc_pipe *msys_tab[MSYS_MAXCLASSES];
static int msys_n;

/* The default classes besides the cluster pipe. */
static struct malloc_pipe msys_pipe128, msys_pipe640, msys_pipe1536;
static struct malloc_pipe msys_pipe9216;

int
msys_register(struct malloc_pipe *mp)
{
	int i, j, s;

	s = mbp_splhigh();
	for (i = 0; i < msys_n; i++) {
		if (msys_tab[i] == mp || msys_tab[i]->mp_bytes ==
		    mp->mp_bytes) {
			mbp_splx(s);
			return (EEXIST);
		}
	}
	if (msys_n == MSYS_MAXCLASSES) {
		mbp_splx(s);
		return (ENOSPC);
	}
	for (i = 0; i < msys_n && msys_tab[i]->mp_bytes < mp->mp_bytes; i++)
		continue;
	for (j = msys_n; j > i; j--)
		msys_tab[j] = msys_tab[j - 1];
	msys_tab[i] = mp;
	msys_n++;
	mbp_splx(s);
	return (0);
}

void
msys_reset(void)
{
	int i, s;

	s = mbp_splhigh();
	for (i = 0; i < MSYS_MAXCLASSES; i++)
		msys_tab[i] = NULL;
	msys_n = 0;
	mbp_splx(s);
}

void
msys_default(void)
{
	msys_reset();
	msys_register(&msys_pipe128);
	msys_register(&msys_pipe640);
	msys_register(&msys_pipe1536);
	msys_register(&mb_cluster_pipe);
	msys_register(&msys_pipe9216);
}

int
msys_nclasses(void)
{
	return (msys_n);
}

struct malloc_pipe *
msys_class(int i)
{
	return (i >= 0 && i < msys_n ? msys_tab[i] : NULL);
}

struct malloc_pipe *
msys_select(int size)
{
	struct malloc_pipe *mp = NULL;
	int i, s;

	s = mbp_splhigh();
	for (i = 0; i < msys_n; i++)
		if (msys_tab[i]->mp_bytes >= size)
			break;
	if (i < msys_n)
		mp = msys_tab[i];
	else if (msys_n > 0)
		mp = msys_tab[msys_n - 1];
	mbp_splx(s);
	return (mp);
}

/* Storage of the class for size; no fallback to any other class. */
void *
msys_alloc(int size, int how, struct malloc_pipe **mpp)
{
	struct malloc_pipe *mp;
	void *buf;

	if ((mp = msys_select(size)) == NULL) {
		if (how & M_WAIT)
			mbp_panic("msys_alloc: M_WAIT for %d bytes and no size "
			    "class is registered", size);
		return (NULL);
	}
	if (mp == &mb_cluster_pipe)
		buf = mb_clalloc(how);		/* counted as a cluster */
	else if (mb_fail_now(how))
		buf = NULL;			/* injected (mb_fail_after) */
	else if (how & M_WAIT)
		buf = mpipe_alloc_waitok(mp);
	else
		buf = mpipe_alloc_nowait(mp);
	if (buf != NULL && mpp != NULL)
		*mpp = mp;
	return (buf);
}

void
msys_free(struct malloc_pipe *mp, void *buf)
{
	if (mp == &mb_cluster_pipe)
		mb_clrelease(buf);
	else
		mpipe_free(mp, buf);
}

static void
msys_extfree(caddr_t buf, size_t size, void *arg)
{
	struct malloc_pipe *mp = arg;

	MBP_ASSERTMSG(size == (size_t)mp->mp_bytes, "msys: storage %p of %zu "
	    "bytes freed to class %s of %d", buf, size, mp->mp_name,
	    mp->mp_bytes);
	mpipe_free(mp, buf);
}

static const struct m_extops msys_extops = { msys_extfree, NULL };

/* Give m storage from the class for size; m is freed on failure. */
static struct mbuf *
msys_attach(struct mbuf *m, int size, int how)
{
	struct malloc_pipe *mp;
	void *buf;

	if (m == NULL)
		return (NULL);
	if (size <= (int)M_TRAILINGSPACE(m))
		return (m);		/* the mbuf's own data area holds it */
	if ((mp = msys_select(size)) == NULL || mp->mp_bytes < size) {
		/* No class holds size bytes in one buffer. */
		if (how & M_WAIT)
			mbp_panic("msys_get: M_WAIT for %d bytes in one buffer; "
			    "the largest class holds %d", size,
			    mp != NULL ? mp->mp_bytes : 0);
	} else if (mp == &mb_cluster_pipe) {
		if (m_clget(m, how) == 0)
			return (m);
	} else if ((buf = msys_alloc(size, how, &mp)) != NULL) {
		m_extadd(m, buf, mp->mp_bytes, &msys_extops, mp, 0, how);
		return (m);
	}
	m_free(m);
	return (NULL);
}

struct mbuf *
msys_get(int how, int type, int size)
{
	return (msys_attach(m_get(how, type), size, how));
}

struct mbuf *
msys_gethdr(int how, int type, int size, u_int uhlen)
{
	return (msys_attach(uhlen > 0 ? m_gethdr_uh(how, type, uhlen) :
	    m_gethdr(how, type), size, how));
}

/*
 * netstat -m's size-class lines, BSD style, and the classes' sums for
 * its totals: bytes out and free, failures, sleeps.  The class that is
 * the cluster pipe is left out: netstat -m has a line of its own for it.
 */
void
msys_print_brief(u_long *outb, u_long *freeb, u_long *fails, u_long *waits)
{
	struct malloc_pipe *mp;
	int i;

	*outb = *freeb = *fails = *waits = 0;
	for (i = 0; i < msys_n; i++) {
		if ((mp = msys_tab[i]) == &mb_cluster_pipe)
			continue;
		mbp_printf("%d/%d/%d/%d %d-byte size class buffers in use "
		    "(current/cache/total/max)\n", mpipe_out(mp), mpipe_nfree(mp),
		    mp->mp_total, mp->mp_nmax, mp->mp_bytes);
		*outb += (u_long)mpipe_out(mp) * mp->mp_bytes;
		*freeb += (u_long)mpipe_nfree(mp) * mp->mp_bytes;
		*fails += mp->mp_fails;
		*waits += mp->mp_waits;
	}
}

void
msys_print(void)
{
	struct malloc_pipe *mp;
	int i;

	if (msys_n == 0)
		return;
	mbp_printf("%-8s %-12s %5s %5s %5s %5s %8s %5s %5s\n", "class", "pipe",
	    "nnom", "nmax", "free", "out", "gets", "fails", "waits");
	for (i = 0; i < msys_n; i++) {
		mp = msys_tab[i];
		mbp_printf("%-8d %-12s %5d %5d %5d %5d %8lu %5lu %5lu\n",
		    mp->mp_bytes, mp->mp_name, mp->mp_nnom, mp->mp_nmax,
		    mpipe_nfree(mp), mpipe_out(mp), mpipe_gets(mp), mp->mp_fails,
		    mp->mp_waits);
	}
}

/* Called once from mb_poolinit, after the cluster pipe exists. */
void
msys_init(void)
{
	long n = nmbclusters;

	mpipe_init(&msys_pipe128, M_MSYS, 128, 128, MAX(n * 2, 256),
	    MPF_NOZERO | MPF_INT, NULL, NULL, NULL);
	mpipe_setname(&msys_pipe128, "msys128");
	mpipe_init(&msys_pipe640, M_MSYS, 640, 64, MAX(n, 128),
	    MPF_NOZERO | MPF_INT, NULL, NULL, NULL);
	mpipe_setname(&msys_pipe640, "msys640");
	mpipe_init(&msys_pipe1536, M_MSYS, 1536, 64, MAX(n, 128),
	    MPF_NOZERO | MPF_INT, NULL, NULL, NULL);
	mpipe_setname(&msys_pipe1536, "msys1536");
	mpipe_init(&msys_pipe9216, M_MSYS, 9216, 4, MAX(n / 8, 16),
	    MPF_NOZERO | MPF_INT, NULL, NULL, NULL);
	mpipe_setname(&msys_pipe9216, "msys9216");
	msys_default();
}
