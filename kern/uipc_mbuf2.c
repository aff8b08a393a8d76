/*
 * uipc_mbuf2.c: looking at mbufs: m_print, m_sanity/m_verify, the
 * statistics (mbstat_print, "netstat -m"), packet queues (mbufq) and
 * the module's start (mbinit).
 *
 * Invariants: nothing here allocates; m_sanity only reads; an mbufq's
 * mq_len is the number of packets linked from mq_head through
 * m_nextpkt, never above mq_maxlen, and the queue calls run at splnet
 * so that an interrupt handler and a thread may share a queue.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/os_mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/selftest.h>
#include <sys/shell.h>

#if defined(DIAGNOSTIC) && defined(__SANITIZE_ADDRESS__)
int	__asan_address_is_poisoned(void const volatile *);
#define M_POISONED(m)	__asan_address_is_poisoned(&(m)->m_type)
#else
#define M_POISONED(m)	0
#endif

#define M_CHAINMAX	100000	/* longer chains are taken as loops */

static const char *const m_typenames[MT_NTYPES] = {
	"free", "data", "header", "soname", "control", "oobdata"
};

/* Where the storage that m_data points into begins, and its size. */
static caddr_t
m_bufstart(struct mbuf *m, int *sizep)
{
	if (m->m_flags & M_EXT) {
		*sizep = m->m_ext.ext_size;
		return (m->m_ext.ext_buf);
	}
	if (m->m_flags & M_PKTHDR) {
		*sizep = MHLEN - M_UHSPACE(m);
		return (m->m_pktdat + M_UHSPACE(m));
	}
	*sizep = MLEN;
	return (m->m_dat);
}

/*
 * Check a chain: every mbuf live, its data inside its storage, only the
 * first one a packet header, lengths summing to m_pkthdr.len.  Returns
 * 0, or -1 with a description naming the mbuf in why.
 */
int
m_sanity(struct mbuf *m0, char *why, size_t whylen)
{
	struct mbuf *m;
	caddr_t start;
	int i, size, sum = 0;

	for (m = m0, i = 0; m != NULL; m = m->m_next, i++) {
		int type = M_POISONED(m) ? -1 : m->m_type;

		if (i >= M_CHAINMAX) {
			snprintf(why, whylen, "chain %p: longer than %d "
			    "mbufs (a loop?)", (void *)m0, M_CHAINMAX);
			return (-1);
		}
		if (type <= MT_FREE || type >= MT_NTYPES) {
			snprintf(why, whylen, "mbuf %p (#%d of %p): not live "
			    "(type %d)", (void *)m, i, (void *)m0, type);
			return (-1);
		}
		if (m->m_len < 0) {
			snprintf(why, whylen, "mbuf %p (#%d of %p): negative "
			    "length %d", (void *)m, i, (void *)m0, m->m_len);
			return (-1);
		}
		if (m != m0 && (m->m_flags & M_PKTHDR)) {
			snprintf(why, whylen, "mbuf %p (#%d of %p): packet "
			    "header inside a chain", (void *)m, i, (void *)m0);
			return (-1);
		}
		if ((m->m_flags & M_PKTHDR) &&
		    (m->m_pkthdr.ph_uhlen > M_MAXUHLEN ||
		    m->m_pkthdr.ph_nregions > M_MAXREGIONS)) {
			snprintf(why, whylen, "mbuf %p: user header %u or "
			    "regions %u out of range", (void *)m,
			    m->m_pkthdr.ph_uhlen, m->m_pkthdr.ph_nregions);
			return (-1);
		}
		if ((m->m_flags & M_EXT) && (m->m_ext.ext_ops == NULL ||
		    (m->m_ext.ext_refcnt != NULL &&
		    *m->m_ext.ext_refcnt == 0))) {
			snprintf(why, whylen, "mbuf %p (#%d of %p): external "
			    "storage %p without methods or references",
			    (void *)m, i, (void *)m0, m->m_ext.ext_buf);
			return (-1);
		}
		start = m_bufstart(m, &size);
		if ((m->m_flags & (M_EXT | M_PKTHDR)) == 0 ||
		    (m->m_flags & M_EXT))
			;
		else if (m->m_data < start) {
			/* a header mbuf's data may not cover the user header */
			snprintf(why, whylen, "mbuf %p (#%d of %p): data %p "
			    "overlaps the packet/user header", (void *)m, i,
			    (void *)m0, m->m_data);
			return (-1);
		}
		if ((m->m_flags & M_EXT) == 0) {
			start = m->m_dat;	/* a former header mbuf */
			size = MLEN;
		}
		if (m->m_data < start ||
		    m->m_data + m->m_len > start + size) {
			snprintf(why, whylen, "mbuf %p (#%d of %p): data "
			    "[%ld, %ld) outside its %d-byte buffer", (void *)m,
			    i, (void *)m0, (long)(m->m_data - start),
			    (long)(m->m_data - start) + m->m_len, size);
			return (-1);
		}
		sum += m->m_len;
	}
	if (m0 != NULL && (m0->m_flags & M_PKTHDR) &&
	    m0->m_pkthdr.len != sum) {
		snprintf(why, whylen, "packet %p: m_pkthdr.len %d but the "
		    "mbufs hold %d bytes", (void *)m0, m0->m_pkthdr.len, sum);
		return (-1);
	}
	return (0);
}

void
m_verify(struct mbuf *m, const char *where)
{
	char why[160];

	if (m_sanity(m, why, sizeof(why)) != 0)
		panic("%s: %s", where, why);
}

static void
m_flagstr(struct mbuf *m, char *buf, size_t len)
{
	static const struct {
		int		 f;
		const char	*name;
	} names[] = {
		{ M_PKTHDR, "PKTHDR" }, { M_EXT, "EXT" }, { M_EOR, "EOR" },
		{ M_RDONLY, "RDONLY" }, { M_BCAST, "BCAST" },
		{ M_MCAST, "MCAST" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < nitems(names); i++)
		if ((m->m_flags & names[i].f) && n < len)
			n += snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
			    names[i].name);
	if (n == 0)
		strlcpy(buf, "-", len);
}

/*
 * One line per mbuf: address, type, flags, data offset in its storage
 * and length, leading/trailing space, storage kind and references, the
 * first bytes in hex.
 */
void
m_print(struct mbuf *m0)
{
	struct mbuf *m;
	char flags[48];
	caddr_t start;
	int i, j, size;

	if (m0 == NULL) {
		printf("mbuf chain NULL\n");
		return;
	}
	if (m0->m_flags & M_PKTHDR)
		printf("packet %p: len %d (mbufs hold %d) csum_flags 0x%x "
		    "uhlen %u regions %u\n", (void *)m0, m0->m_pkthdr.len,
		    m_length(m0), m0->m_pkthdr.csum_flags,
		    m0->m_pkthdr.ph_uhlen, m0->m_pkthdr.ph_nregions);
	for (m = m0, i = 0; m != NULL && i < M_CHAINMAX; m = m->m_next, i++) {
		m_flagstr(m, flags, sizeof(flags));
		start = m_bufstart(m, &size);
		if ((m->m_flags & (M_EXT | M_PKTHDR)) == 0) {
			start = m->m_dat;
			size = MLEN;
		}
		printf(" %2d %p %-7s %-11s off %4ld len %4d lead %4d "
		    "trail %4d", i, (void *)m, m->m_type >= 0 &&
		    m->m_type < MT_NTYPES ? m_typenames[m->m_type] : "?",
		    flags, (long)(m->m_data - start), m->m_len,
		    m_leadingspace(m), m_trailingspace(m));
		if (m->m_flags & M_EXT)
			printf(" %s refs %u%s",
			    (m->m_ext.ext_flags & EXT_CLUSTER) ? "cluster" :
			    "extbuf", m->m_ext.ext_refcnt != NULL ?
			    *m->m_ext.ext_refcnt : 1,
			    m_readonly(m) ? " ro" : "");
		else
			printf(" internal");
		printf(" :");
		for (j = 0; j < m->m_len && j < 16; j++)
			printf(" %02x", (u_char)m->m_data[j]);
		printf("%s\n", m->m_len > 16 ? " ..." : "");
	}
}

/*
 * netstat -m, as BSD's netstat(1) prints it (FreeBSD
 * usr.bin/netstat/mbuf.c): each pool as current/cache/total/max, the
 * bytes, the requests denied and delayed.
 */
void
mbstat_print(void)
{
	struct malloc_pipe *mp = &mb_mbuf_pipe, *cp = &mb_cluster_pipe;
	u_long outb, freeb, fails, waits;

	printf("%lu/%d/%d/%d mbufs in use (current/cache/total/max)\n",
	    mbstat_mbufs(), mp->mp_nfree, mp->mp_total, mp->mp_nmax);
	printf("%lu/%d/%d/%d mbuf clusters in use (current/cache/total/max)\n",
	    mbstat.m_clusters, cp->mp_nfree, cp->mp_total, cp->mp_nmax);
	printf("%lu/%lu external buffers in use (current/total)\n",
	    mbstat.m_extbufs, mbstat.m_extadds);
	msys_print_brief(&outb, &freeb, &fails, &waits);
	outb += mbstat_mbufs() * MSIZE + mbstat.m_clusters * MCLBYTES;
	freeb += (u_long)mp->mp_nfree * MSIZE + (u_long)cp->mp_nfree * MCLBYTES;
	printf("%luK/%luK/%luK bytes allocated to network "
	    "(current/cache/total)\n", outb / 1024, freeb / 1024,
	    (outb + freeb) / 1024);
	printf("%lu/%lu/%lu requests for memory denied "
	    "(mbufs/clusters/size classes)\n", mp->mp_fails, cp->mp_fails,
	    fails);
	printf("%lu/%lu/%lu requests for memory delayed "
	    "(mbufs/clusters/size classes)\n", mp->mp_waits, cp->mp_waits,
	    waits);
}

/* netstat -m -v: the rest of the mbuf counters. */
static void
mbstat_print_verbose(void)
{
	struct mbstat *s = &mbstat;
	int t;

	for (t = MT_FREE + 1; t < MT_NTYPES; t++)
		if (s->m_mtypes[t] != 0)
			printf("%lu mbufs allocated to %s\n", s->m_mtypes[t],
			    m_typenames[t]);
	printf("%lu mbufs and %lu clusters allocated in total\n",
	    mbstat_gets(), s->m_clgets);
	printf("%lu shared reference counts in use, %lu references taken\n",
	    s->m_refs, s->m_shared);
	printf("%lu requests for memory denied, %lu delayed (sleeps), in "
	    "all\n", s->m_drops, s->m_wait);
	printf("%lu calls to m_pullup moved data, %lu failed\n",
	    s->m_pullups, s->m_pullupfail);
	printf("bytes copied: pullup %lu copym %lu dup %lu copyback %lu "
	    "copydata %lu\n", s->m_cp_pullup, s->m_cp_copym, s->m_cp_dup,
	    s->m_cp_copyback, s->m_cp_copydata);
	printf("bytes copied: prepend %lu cat %lu split %lu pkthdr %lu\n",
	    s->m_cp_prepend, s->m_cp_cat, s->m_cp_split, s->m_cp_pkthdr);
	printf("bytes copied: pulldown %lu ensure_contig %lu makewritable %lu "
	    "copyback_cow %lu datarange %lu\n", s->m_cp_pulldown,
	    s->m_cp_contig, s->m_cp_makewr, s->m_cp_cbcow, s->m_cp_datarange);
	printf("%lu m_pulldown calls, %lu failed, %lu mbufs allocated by the "
	    "pull-down calls\n", s->m_pulldowns, s->m_pdfail, s->m_pdallocs);
}

/*
 * netstat: -m, -m -v and -s.
 */
void	netstat_protocols(void);	/* net/netstat.c */

/* -m: the summary; -m -v: then every counter, pipe, class and pool. */
static void
netstat_memory(int verbose)
{
	mbstat_print();
	if (!verbose)
		return;
	printf("\n");
	mbstat_print_verbose();
	printf("\n");
	mpipe_print_all();
	printf("\n");
	msys_print();
	os_msys_print();
}

SHELL_CMD(netstat, "netstat -m [-v] | netstat -s: memory (-v: every pipe "
    "and pool too) or protocol statistics")
{
	if (argc == 2 && strcmp(argv[1], "-s") == 0) {
		netstat_protocols();
		return (0);
	}
	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "-m") == 0 &&
	    (argc == 2 || strcmp(argv[2], "-v") == 0)) {
		netstat_memory(argc == 3);
		return (0);
	}
	return (shell_usage(argv[0]));
}

/*
 * Packet queues.
 */
void
mq_init(struct mbufq *mq, u_int maxlen)
{
	mq->mq_head = mq->mq_tail = NULL;
	mq->mq_len = 0;
	mq->mq_maxlen = maxlen;
	mq->mq_drops = 0;
}

int
mq_enqueue(struct mbufq *mq, struct mbuf *m)
{
	int s;

	s = splnet();
	if (mq->mq_len >= mq->mq_maxlen) {
		mq->mq_drops++;
		splx(s);
		m_freem(m);
		return (ENOBUFS);
	}
	m->m_nextpkt = NULL;
	if (mq->mq_tail == NULL)
		mq->mq_head = m;
	else
		mq->mq_tail->m_nextpkt = m;
	mq->mq_tail = m;
	mq->mq_len++;
	splx(s);
	return (0);
}

struct mbuf *
mq_dequeue(struct mbufq *mq)
{
	struct mbuf *m;
	int s;

	s = splnet();
	if ((m = mq->mq_head) != NULL) {
		if ((mq->mq_head = m->m_nextpkt) == NULL)
			mq->mq_tail = NULL;
		m->m_nextpkt = NULL;
		mq->mq_len--;
	}
	splx(s);
	return (m);
}

u_int
mq_purge(struct mbufq *mq)
{
	struct mbuf *m, *n;
	u_int count;
	int s;

	s = splnet();
	m = mq->mq_head;
	count = mq->mq_len;
	mq->mq_head = mq->mq_tail = NULL;
	mq->mq_len = 0;
	splx(s);
	for (; m != NULL; m = n) {
		n = m->m_nextpkt;
		m->m_nextpkt = NULL;
		m_freem(m);
	}
	return (count);
}

/*
 * Start of the module: the allocation seam and the leak probes.
 */
static long
m_count_extbufs(void)
{
	return ((long)mbstat.m_extbufs);
}

static struct leakprobe m_probe_extbufs = {
	.lp_name = "extbufs", .lp_count = m_count_extbufs };

void
mbinit(void)
{
	mb_poolinit();
	leakprobe_register(&m_probe_extbufs);
}
