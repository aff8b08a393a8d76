/*
 * uipc_mbdebug.c: looking at mbufs: m_print, m_sanity/m_verify and the
 * statistics (the per-CPU counters mbstat_pcpu, their sum mbstat_read,
 * mbstat_print); see m_print(9) and mbstat(9).
 *
 * Invariants: nothing here allocates; m_sanity only reads; each CPU's
 * counters sit on cache lines of their own and only that CPU writes
 * them (MBSTAT_ADD), so a reader sums them word by word with single
 * loads and takes no lock.
 */
#include <sys/mbuf_port.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include "mbuf_private.h"


#if defined(DIAGNOSTIC) && defined(__SANITIZE_ADDRESS__)
#define M_POISONED(m)	mbp_ispoisoned(&(m)->m_type)
#else
#define M_POISONED(m)	0
#endif

#define M_CHAINMAX	100000	/* longer chains are taken as loops */

struct mbstat_pcpu mbstat_pcpu[MBP_MAXCPUS];

/* No padding inside, none shared: mbstat_read adds word by word. */
CTASSERT(sizeof(struct mbstat) % sizeof(u_long) == 0);
CTASSERT(sizeof(struct mbstat_pcpu) % MBSTAT_LINE == 0);
CTASSERT(sizeof(struct mbstat_pcpu) == MBSTAT_SLOT);

static const char *const m_typenames[MT_NTYPES] = {
	"free", "data", "header", "soname", "control", "oobdata"
};


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
			mb_snprintf(why, whylen, "chain %p: longer than %d "
			    "mbufs (a loop?)", (void *)m0, M_CHAINMAX);
			return (-1);
		}
		if (type <= MT_FREE || type >= MT_NTYPES) {
			mb_snprintf(why, whylen, "mbuf %p (#%d of %p): not live "
			    "(type %d)", (void *)m, i, (void *)m0, type);
			return (-1);
		}
		if (m->m_len < 0) {
			mb_snprintf(why, whylen, "mbuf %p (#%d of %p): negative "
			    "length %d", (void *)m, i, (void *)m0, m->m_len);
			return (-1);
		}
		if (m != m0 && (m->m_flags & M_PKTHDR)) {
			mb_snprintf(why, whylen, "mbuf %p (#%d of %p): packet "
			    "header inside a chain", (void *)m, i, (void *)m0);
			return (-1);
		}
		if ((m->m_flags & M_PKTHDR) == 0 &&
		    m->m_hdr.mh_pkthdr_len != 0) {
			mb_snprintf(why, whylen, "mbuf %p (#%d of %p): no "
			    "packet header but om_pkthdr_len %u (M_PKTHDR "
			    "cleared by hand, not m_demote)", (void *)m, i,
			    (void *)m0, m->m_hdr.mh_pkthdr_len);
			return (-1);
		}
		if ((m->m_flags & M_PKTHDR) &&
		    (m->m_pkthdr.ph_uhlen > ((m->m_flags & M_POOL) ?
		    m->m_hdr.mh_dlen - (int)sizeof(struct pkthdr) : M_MAXUHLEN) ||
		    m->m_pkthdr.ph_nregions > M_MAXREGIONS)) {
			mb_snprintf(why, whylen, "mbuf %p: user header %u or "
			    "regions %u out of range", (void *)m,
			    m->m_pkthdr.ph_uhlen, m->m_pkthdr.ph_nregions);
			return (-1);
		}
		if ((m->m_flags & M_EXT) && (m->m_ext.ext_ops == NULL ||
		    (m->m_ext.ext_refcnt != NULL &&
		    *m->m_ext.ext_refcnt == 0))) {
			mb_snprintf(why, whylen, "mbuf %p (#%d of %p): external "
			    "storage %p without methods or references",
			    (void *)m, i, (void *)m0, m->m_ext.ext_buf);
			return (-1);
		}
		start = m_start(m);
		size = m_size(m);
		if ((m->m_flags & (M_EXT | M_PKTHDR)) == 0 ||
		    (m->m_flags & M_EXT))
			;
		else if (m->m_data < start) {
			/* a header mbuf's data may not cover the user header */
			mb_snprintf(why, whylen, "mbuf %p (#%d of %p): data %p "
			    "overlaps the packet/user header", (void *)m, i,
			    (void *)m0, m->m_data);
			return (-1);
		}
		if ((m->m_flags & M_EXT) == 0) {
			start = m->m_dat;	/* a former header mbuf */
			size = (m->m_flags & M_POOL) ? m->m_hdr.mh_dlen :
			    (int)MLEN;
		}
		if (m->m_data < start ||
		    m->m_data + m->m_len > start + size) {
			mb_snprintf(why, whylen, "mbuf %p (#%d of %p): data "
			    "[%ld, %ld) outside its %d-byte buffer", (void *)m,
			    i, (void *)m0, (long)(m->m_data - start),
			    (long)(m->m_data - start) + m->m_len, size);
			return (-1);
		}
		sum += m->m_len;
	}
	if (m0 != NULL && (m0->m_flags & M_PKTHDR) &&
	    m0->m_pkthdr.len != sum) {
		mb_snprintf(why, whylen, "packet %p: m_pkthdr.len %d but the "
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
		mbp_panic("%s: %s", where, why);
}

static void
m_flagstr(struct mbuf *m, char *buf, size_t len)
{
	static const struct {
		int		 f;
		const char	*name;
	} names[] = {
		{ M_PKTHDR, "PKTHDR" }, { M_EXT, "EXT" }, { M_EOR, "EOR" },
		{ M_RDONLY, "RDONLY" }, { M_POOL, "POOL" },
		{ M_BCAST, "BCAST" }, { M_MCAST, "MCAST" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < nitems(names); i++)
		if ((m->m_flags & names[i].f) && n < len)
			n += mb_snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
			    names[i].name);
	if (n == 0)
		mb_snprintf(buf, len, "-");
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
	int i, j;

	if (m0 == NULL) {
		mbp_printf("mbuf chain NULL\n");
		return;
	}
	if (m0->m_flags & M_PKTHDR)
		mbp_printf("packet %p: len %d (mbufs hold %d) csum_flags 0x%x "
		    "uhlen %u regions %u\n", (void *)m0, m0->m_pkthdr.len,
		    m_length(m0), m0->m_pkthdr.csum_flags,
		    m0->m_pkthdr.ph_uhlen, m0->m_pkthdr.ph_nregions);
	for (m = m0, i = 0; m != NULL && i < M_CHAINMAX; m = m->m_next, i++) {
		m_flagstr(m, flags, sizeof(flags));
		start = m_start(m);
		mbp_printf(" %2d %p %-7s %-11s off %4ld len %4d lead %4d "
		    "trail %4d", i, (void *)m, m->m_type >= 0 &&
		    m->m_type < MT_NTYPES ? m_typenames[m->m_type] : "?",
		    flags, (long)(m->m_data - start), m->m_len,
		    m_leadingspace(m), m_trailingspace(m));
		if (m->m_flags & M_EXT)
			mbp_printf(" %s refs %u%s",
			    (m->m_ext.ext_flags & EXT_CLUSTER) ? "cluster" :
			    "extbuf", m->m_ext.ext_refcnt != NULL ?
			    *m->m_ext.ext_refcnt : 1,
			    m_readonly(m) ? " ro" : "");
		else
			mbp_printf(" internal");
		mbp_printf(" :");
		for (j = 0; j < m->m_len && j < 16; j++)
			mbp_printf(" %02x", (u_char)m->m_data[j]);
		mbp_printf("%s\n", m->m_len > 16 ? " ..." : "");
	}
}

/*
 * Every CPU's slot added up, with m_wait from the pipes.  Each word is
 * read with one atomic load, so a slot another CPU is changing gives
 * its old or its new value, never a torn one.
 */
void
mbstat_read(struct mbstat *st)
{
	u_long *sum = (u_long *)st;
	size_t i, w, nw = sizeof(*st) / sizeof(u_long);

	memset(st, 0, sizeof(*st));
	for (i = 0; i < MBP_MAXCPUS; i++) {
		const u_long *slot = (const u_long *)&mbstat_pcpu[i].ms_st;

		for (w = 0; w < nw; w++)
			sum[w] += __atomic_load_n(&slot[w], __ATOMIC_RELAXED);
	}
	for (w = 0; w < MT_NTYPES; w++) {
		st->m_mtypes[w] -= st->m_mtfrees[w];
		st->m_mtfrees[w] = 0;
	}
	st->m_wait = mb_waits();
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
	struct mbstat st;
	u_long outb, freeb, fails, waits;

	mbstat_read(&st);
	mbp_printf("%lu/%d/%d/%d mbufs in use (current/cache/total/max)\n",
	    mbstat_mbufs(), mpipe_nfree(mp), mp->mp_total, mp->mp_nmax);
	mbp_printf("%lu/%d/%d/%d mbuf clusters in use (current/cache/total/max)\n",
	    st.m_clusters, mpipe_nfree(cp), cp->mp_total, cp->mp_nmax);
	mbp_printf("%lu/%lu external buffers in use (current/total)\n",
	    st.m_extbufs, st.m_extadds);
	msys_print_brief(&outb, &freeb, &fails, &waits);
	outb += mbstat_mbufs() * MSIZE + st.m_clusters * MCLBYTES;
	freeb += (u_long)mpipe_nfree(mp) * MSIZE +
	    (u_long)mpipe_nfree(cp) * MCLBYTES;
	mbp_printf("%luK/%luK/%luK bytes allocated to network "
	    "(current/cache/total)\n", outb / 1024, freeb / 1024,
	    (outb + freeb) / 1024);
	mbp_printf("%lu/%lu/%lu requests for memory denied "
	    "(mbufs/clusters/size classes)\n", mp->mp_fails, cp->mp_fails,
	    fails);
	mbp_printf("%lu/%lu/%lu requests for memory delayed "
	    "(mbufs/clusters/size classes)\n", mp->mp_waits, cp->mp_waits,
	    waits);
	mbp_printf("%lu/%lu buffers reclaimed from other CPUs' caches by "
	    "%lu/%lu cross-calls (mbufs/clusters)\n", mp->mp_reclaims,
	    cp->mp_reclaims, mp->mp_xcalls, cp->mp_xcalls);
}

/* netstat -m -v: the rest of the mbuf counters. */
void
mbstat_print_verbose(void)
{
	struct mbstat st, *s = &st;
	int t;

	mbstat_read(s);
	for (t = MT_FREE + 1; t < MT_NTYPES; t++)
		if (s->m_mtypes[t] != 0)
			mbp_printf("%lu mbufs allocated to %s\n", s->m_mtypes[t],
			    m_typenames[t]);
	mbp_printf("%lu mbufs and %lu clusters allocated in total\n",
	    mbstat_gets(), s->m_clgets);
	mbp_printf("%lu shared reference counts in use, %lu references taken\n",
	    s->m_refs, s->m_shared);
	mbp_printf("%lu requests for memory denied, %lu delayed (sleeps), in "
	    "all\n", s->m_drops, s->m_wait);
	mbp_printf("%lu calls to m_pullup moved data, %lu failed\n",
	    s->m_pullups, s->m_pullupfail);
	mbp_printf("bytes copied: pullup %lu copym %lu dup %lu copyback %lu "
	    "copydata %lu\n", s->m_cp_pullup, s->m_cp_copym, s->m_cp_dup,
	    s->m_cp_copyback, s->m_cp_copydata);
	mbp_printf("bytes copied: prepend %lu cat %lu split %lu pkthdr %lu\n",
	    s->m_cp_prepend, s->m_cp_cat, s->m_cp_split, s->m_cp_pkthdr);
	mbp_printf("bytes copied: pulldown %lu ensure_contig %lu makewritable %lu "
	    "copyback_cow %lu datarange %lu\n", s->m_cp_pulldown,
	    s->m_cp_contig, s->m_cp_makewr, s->m_cp_cbcow, s->m_cp_datarange);
	mbp_printf("%lu m_pulldown calls, %lu failed, %lu mbufs allocated by the "
	    "pull-down calls\n", s->m_pulldowns, s->m_pdfail, s->m_pdallocs);
}

