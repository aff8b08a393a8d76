/*
 * sys/mbuf.h: network memory buffers (mbufs), see mbuf(9).
 *
 * An mbuf is MSIZE (256) bytes: a struct m_hdr, then either MLEN bytes
 * of data, or a packet header (struct pkthdr) followed by MHLEN bytes of
 * data, or (M_EXT) a descriptor of external storage: a 2 KiB cluster or
 * a caller's buffer wrapped by m_extadd(9).  Mbufs are chained through
 * m_next into a packet; packets are chained through m_nextpkt into
 * queues (struct mbufq).
 *
 * Invariants (checked by m_verify under DIAGNOSTIC):
 *   - m_data .. m_data + m_len lies inside the mbuf's storage;
 *   - only the first mbuf of a packet has M_PKTHDR, and its
 *     m_pkthdr.len is the sum of m_len over the chain;
 *   - external storage that is shared (reference count above one) or
 *     marked read-only is never written: M_WRITABLE is false for it;
 *   - a packet header mbuf with a user header (ph_uhlen > 0) keeps the
 *     user header at M_UHDR(m), outside the data area, whatever storage
 *     holds its data.
 */
#ifndef _SYS_MBUF_H_
#define _SYS_MBUF_H_

#include <sys/mbuf_port.h>
#include <sys/mpipe.h>

/*
 * The sizes the module is built from; a port may define them first (this
 * kernel's sys/param.h does, with the same values).
 */
#ifndef MSIZE
#define MSIZE		256		/* size of an mbuf */
#define MCLSHIFT	11
#define MCLBYTES	(1 << MCLSHIFT)	/* size of a standard cluster */
#endif

struct ifnet;
struct os_mbuf_pool;

#define MLEN		(MSIZE - sizeof(struct m_hdr))	/* normal data len */
#define MHLEN		(MLEN - sizeof(struct pkthdr))	/* data len w/pkthdr */
#define MINCLSIZE	(MHLEN + MLEN + 1)	/* smallest amount for a cluster */

/* mtod(m, t): the data of mbuf m, as a pointer of type t. */
#define mtod(m, t)	((t)((m)->m_data))

/* Allocation flags: M_WAIT may sleep and never fails. */
#define M_WAIT		MBP_WAITOK
#define M_DONTWAIT	MBP_NOWAIT

/* Header at the beginning of every mbuf. */
struct m_hdr {
	struct mbuf	*mh_next;	/* next buffer in chain */
	struct mbuf	*mh_nextpkt;	/* next chain in queue/record */
	caddr_t		 mh_data;	/* location of data */
	int		 mh_len;	/* amount of data in this mbuf */
	short		 mh_type;	/* type of data (MT_*) */
	u_short		 mh_flags;	/* flags (M_*) */
	struct os_mbuf_pool *mh_omp;	/* M_POOL: the pool of its block */
	uint16_t	 mh_dlen;	/* M_POOL: data buffer after m_hdr */
	uint8_t		 mh_uflags;	/* Mynewt's om_flags (the user's) */
	uint8_t		 mh_pkthdr_len;	/* Mynewt's om_pkthdr_len */
};

/*
 * A guaranteed-contiguous region of a packet: bytes [mr_off, mr_off +
 * mr_len) of the packet lie in one mbuf and every rearranging call
 * keeps them so (see mbuf(9), m_datarange).  Offsets and lengths are 16
 * bits, so a region ends at or below M_REGIONMAX: m_datarange refuses a
 * range that ends past it and a call that would move a region past it
 * drops the region instead.
 */
#define M_MAXREGIONS	4
#define M_REGIONMAX	0xffff		/* highest end of a region */
struct m_region {
	uint16_t	mr_off;
	uint16_t	mr_len;
};

/* Record/packet header in the first mbuf of a chain (M_PKTHDR). */
struct pkthdr {
	struct ifnet	*rcvif;		/* receiving interface */
	int		 len;		/* total packet length */
	int		 csum_flags;	/* checksum offload (a driver's) */
	uint32_t	 csum_data;	/* its data; copied, never read here */
	uint8_t		 ph_uhlen;	/* user header length, 0 = none */
	uint8_t		 ph_nregions;	/* guaranteed regions in use */
	uint16_t	 ph_uflags;	/* Mynewt's omp_flags (the user's) */
	struct m_region	 ph_regions[M_MAXREGIONS];
};

/*
 * External storage methods (after SPIN's MclGetOa): free runs once, when
 * the last reference to the storage goes; csum, when not NULL, returns
 * the 16-bit ones'-complement sum of buf[off .. off + len), summed as
 * in_cksum(9) does with buf[off] taken as the first byte of a word and an
 * odd last byte padded with zero (see in_cksum(9)).
 */
struct m_extops {
	void		(*free)(caddr_t buf, size_t size, void *arg);
	uint16_t	(*csum)(caddr_t buf, int off, int len, void *arg);
};

/*
 * Description of external storage (M_EXT).  ext_refcnt points at the
 * reference count shared by every mbuf that holds the storage; it is
 * NULL while one mbuf holds it alone (the count is created when the
 * storage is first shared).
 */
struct m_ext {
	caddr_t		 ext_buf;	/* start of buffer */
	u_int		 ext_size;	/* size of buffer */
	u_int		 ext_flags;	/* EXT_* */
	u_int		*ext_refcnt;	/* shared count, NULL = one holder */
	const struct m_extops *ext_ops;	/* free and csum methods */
	void		*ext_arg;	/* argument for the methods */
};

/* ext_flags */
#define EXT_CLUSTER	0x0001		/* an MCLBYTES cluster (mb_clalloc) */
#define EXT_EXTADD	0x0002		/* a caller's buffer (m_extadd) */
#define EXT_RDONLY	0x0004		/* storage may never be written */

struct mbuf {
	struct m_hdr	m_hdr;
	union {
		struct {
			struct pkthdr	MH_pkthdr;	/* M_PKTHDR set */
			union {
				struct m_ext	MH_ext;	/* M_EXT set */
				char		MH_databuf[MSIZE -
				    sizeof(struct m_hdr) -
				    sizeof(struct pkthdr)];
			} MH_dat;
		} MH;
		char	M_databuf[MSIZE - sizeof(struct m_hdr)];
	} M_dat;
};
CTASSERT(sizeof(struct mbuf) == MSIZE);
/*
 * Past an m_ext descriptor, 8-aligned, see M_UHDR: 40 bytes on LP64, 24
 * on ILP32.  A constant, since below m_ext is a field name.
 */
#define M_UHOFF		(sizeof(void *) == 8 ? 40 : 24)
CTASSERT(roundup(sizeof(struct m_ext), 8) == M_UHOFF);

#define m_next		m_hdr.mh_next
#define m_len		m_hdr.mh_len
#define m_data		m_hdr.mh_data
#define m_type		m_hdr.mh_type
#define m_flags		m_hdr.mh_flags
#define m_nextpkt	m_hdr.mh_nextpkt
#define m_pkthdr	M_dat.MH.MH_pkthdr
#define m_ext		M_dat.MH.MH_dat.MH_ext
#define m_pktdat	M_dat.MH.MH_dat.MH_databuf
#define m_dat		M_dat.M_databuf

/*
 * The user header (as in Mynewt's os_mbuf_get_pkthdr): ph_uhlen bytes
 * chosen at allocation (m_gethdr_uh) that travel with the packet
 * header.  It lives in the packet header mbuf at M_UHDR(m), past the
 * place where an m_ext descriptor would go, so that it stays put when
 * the mbuf takes a cluster; the internal data area then starts
 * M_UHSPACE(m) bytes into m_pktdat.  M_MAXUHLEN bounds it.
 */
#define M_MAXUHLEN	64
#define M_UHSPACE(m)	(((m)->m_flags & M_POOL) ? (m)->m_pkthdr.ph_uhlen : \
	    (m)->m_pkthdr.ph_uhlen == 0 ? 0 :				\
	    M_UHOFF + roundup((m)->m_pkthdr.ph_uhlen, 8))
#define M_UHDR(m)	((void *)((m)->m_pktdat +			\
	    (((m)->m_flags & M_POOL) ? 0 : M_UHOFF)))
CTASSERT(M_UHOFF + M_MAXUHLEN < MHLEN);

/* mbuf types (m_type) */
#define MT_FREE		0	/* should be on free list */
#define MT_DATA		1	/* dynamic (data) allocation */
#define MT_HEADER	2	/* packet header */
#define MT_CONTROL	4	/* extra-data protocol message */
#define MT_OOBDATA	5	/* expedited data */
#define MT_NTYPES	6	/* number of mbuf types */

/* mbuf flags (m_flags) */
#define M_EXT		0x0001	/* has associated external storage */
#define M_PKTHDR	0x0002	/* start of record */
#define M_EOR		0x0004	/* end of record */
#define M_RDONLY	0x0008	/* storage is read-only to this holder */
#define M_POOL		0x0010	/* the mbuf is a pool's block (os_mbuf(9)) */
#define M_BCAST		0x0100	/* sent/received as link-level broadcast */
#define M_MCAST		0x0200	/* sent/received as link-level multicast */
/* flags copied along with the packet header */
#define M_COPYFLAGS	(M_PKTHDR | M_EOR | M_BCAST | M_MCAST)

/* Length meaning "to the end of the chain" for m_copym. */
#define M_COPYALL	1000000000

/*
 * A bounded queue of packets, linked through m_nextpkt, with its own
 * spin lock (OpenBSD's mq_mtx): enqueue and dequeue from any context on
 * any CPU, no network lock needed.
 */
struct mbufq {
	struct mbp_lock	 mq_lock;	/* the links, mq_len, mq_drops */
	struct mbuf	*mq_head;
	struct mbuf	*mq_tail;
	u_int		 mq_len;
	u_int		 mq_maxlen;
	u_long		 mq_drops;
};

/*
 * Allocation and external storage (uipc_mbuf.c), see mbuf(9) and
 * m_extadd(9).
 */
struct mbuf	*m_get(int how, int type);
struct mbuf	*m_gethdr(int how, int type);
struct mbuf	*m_gethdr_uh(int how, int type, u_int uhlen);
struct mbuf	*m_getclr(int how, int type);
struct mbuf	*m_getcl(int how, int type, int flags);
int		 m_clget(struct mbuf *m, int how);
int		 m_extadd(struct mbuf *m, caddr_t buf, u_int size,
		    const struct m_extops *ops, void *arg, int flags, int how);
struct mbuf	*m_free(struct mbuf *m);
void		 m_freem(struct mbuf *m);

/*
 * Chain operations (uipc_mbuf.c).
 */
struct mbuf	*m_copym(struct mbuf *m, int off, int len, int how);
struct mbuf	*m_dup(struct mbuf *m, int how);
void		 m_copydata(struct mbuf *m, int off, int len, void *cp);
int		 m_copyback(struct mbuf *m, int off, int len, const void *cp,
		    int how);
struct mbuf	*m_prepend(struct mbuf *m, int len, int how);
struct mbuf	*m_pullup(struct mbuf *m, int len);
void		 m_adj(struct mbuf *m, int len);
void		 m_cat(struct mbuf *m, struct mbuf *n);
void		 m_catpkt(struct mbuf *m, struct mbuf *n);
void		 m_demote(struct mbuf *m0, int all, int flags);
struct mbuf	*m_split(struct mbuf *m, int len, int how);
int		 m_length(struct mbuf *m);
struct mbuf	*m_getptr(struct mbuf *m, int loc, int *off);
int		 m_apply(struct mbuf *m, int off, int len,
		    int (*f)(void *arg, caddr_t data, u_int len), void *arg);
void		 m_move_pkthdr(struct mbuf *to, struct mbuf *from);
int		 m_dup_pkthdr(struct mbuf *to, struct mbuf *from, int how);

/*
 * Space and writability (uipc_mbuf.c).  m_start and m_size give the
 * storage m_data points into (FreeBSD's M_START and M_SIZE).
 */
void		 m_align(struct mbuf *m, int len);
caddr_t		 m_start(struct mbuf *m);
int		 m_size(struct mbuf *m);
int		 m_leadingspace(struct mbuf *m);
int		 m_trailingspace(struct mbuf *m);
int		 m_readonly(struct mbuf *m);

/*
 * m_pulldown(9) (uipc_mbuf2.c) and m_datarange(9) (uipc_mbregion.c).
 */
struct mbuf	*m_pulldown(struct mbuf *m, int off, int len, int *offp);
bool		 m_ensure_contig(struct mbuf **mp, int len);
int		 m_makewritable(struct mbuf **mp, int off, int len, int how);
struct mbuf	*m_copyback_cow(struct mbuf *m, int off, int len,
		    const void *cp, int how);
int		 m_contigmax(void);
void		*m_datarange(struct mbuf **mp, int off, int len, int how);
void		*m_datarange_rw(struct mbuf **mp, int off, int len, int how);
void		*m_mptr(struct mbuf *m, int off, int len, int rw);
/* A typed pointer to off in a recorded region: t is a pointer type. */
#define mptr(m, t, off)		((t)m_mptr((m), (off), sizeof(*(t)0), 0))
#define mptr_rw(m, t, off)	((t)m_mptr((m), (off), sizeof(*(t)0), 1))
int		 m_region_sanity(struct mbuf *m, char *why, size_t whylen);

/*
 * Packet queues (uipc_mbuf.c).
 */
void		 mq_init(struct mbufq *mq, u_int maxlen);
int		 mq_enqueue(struct mbufq *mq, struct mbuf *m);
struct mbuf	*mq_dequeue(struct mbufq *mq);
u_int		 mq_purge(struct mbufq *mq);
/* Unlocked snapshots, as OpenBSD's: stale by the time they are used. */
#define mq_len(mq)	(__atomic_load_n(&(mq)->mq_len, __ATOMIC_RELAXED))
#define mq_full(mq)	(mq_len(mq) >= (mq)->mq_maxlen)
#define mq_empty(mq)	(mq_len(mq) == 0)
#define mq_drops(mq)	(__atomic_load_n(&(mq)->mq_drops, __ATOMIC_RELAXED))

/*
 * Internet checksum (uipc_cksum.c), see in_cksum(9).
 */
int		 in_cksum(struct mbuf *m, int len);
int		 in_cksum_skip(struct mbuf *m, int len, int skip);
uint16_t	 in_cksum_sum(const void *buf, int len);
uint16_t	 in_cksum_flat(const void *buf, int len);

/*
 * Start-up (uipc_mbuf.c) and diagnostics (uipc_mbdebug.c).
 */
void		 mbinit(void);
void		 m_print(struct mbuf *m);
int		 m_sanity(struct mbuf *m, char *why, size_t whylen);
void		 m_verify(struct mbuf *m, const char *fn);

/*
 * Macros, each a thin wrapper around a function.
 */
/* Set m_data to place an object of size len at the end of a new mbuf. */
#define M_ALIGN(m, len)		do { m_align((m), (len)); } while (0)
#define M_START(m)		m_start(m)
#define M_SIZE(m)		m_size(m)
#define MH_ALIGN(m, len)	do { m_align((m), (len)); } while (0)
#define M_LEADINGSPACE(m)	m_leadingspace(m)
#define M_TRAILINGSPACE(m)	m_trailingspace(m)
#define M_READONLY(m)		m_readonly(m)
#define M_WRITABLE(m)		(!m_readonly(m))
#define MCLGET(m, how)		do { (void)m_clget((m), (how)); } while (0)
#define M_PREPEND(m, plen, how)	do {					\
	(m) = m_prepend((m), (plen), (how));				\
} while (0)
#define M_MOVE_PKTHDR(to, from)	do { m_move_pkthdr((to), (from)); } while (0)

/*
 * Statistics: every counter is a running total unless it says
 * "outstanding".  netstat -m prints them (mbstat_print).  The
 * allocation seam (uipc_mbpool.c) keeps the outstanding counts of what
 * it hands out (for mbufs the pipe's own, see mbstat_mbufs), the
 * failures and the sleeps; uipc_mbuf.c the rest.
 *
 * Each CPU counts in its own slot of mbstat_pcpu (MBSTAT_ADD, with the
 * seam's mbp_pcpu_add: no lock, no atomic read-modify-write), so m_get
 * and m_free write no line another CPU writes; mbstat_read sums the
 * slots into a snapshot with the same fields and meanings.  An
 * outstanding count taken on one CPU and released on another leaves
 * +1 in one slot and -1 (modulo 2^64) in the other: only the sum means
 * anything.  While other CPUs allocate, a snapshot is not one instant
 * (each word is read whole, the slots one after the other); once they
 * are quiet it is exact.
 */
struct mbstat {
	u_long	m_clusters;		/* clusters outstanding */
	u_long	m_extbufs;		/* m_extadd buffers outstanding */
	u_long	m_refs;			/* shared reference counts outst. */
	u_long	m_mtypes[MT_NTYPES];	/* mbufs outstanding, by type (in
					   a CPU's slot: those it took) */
	u_long	m_mtfrees[MT_NTYPES];	/* in a CPU's slot: mbufs of each
					   type it freed; 0 in a snapshot */
	u_long	m_clgets;		/* clusters allocated */
	u_long	m_extadds;		/* buffers wrapped by m_extadd */
	u_long	m_drops;		/* M_DONTWAIT allocation failures */
	u_long	m_wait;			/* M_WAIT sleeps for memory (the
					   pipes' counts, summed by
					   mbstat_read) */
	u_long	m_pullups;		/* m_pullup calls that moved data */
	u_long	m_pullupfail;		/* m_pullup failures */
	u_long	m_shared;		/* storage references taken */
	/* bytes copied by the rearranging calls */
	u_long	m_cp_pullup;
	u_long	m_cp_copym;		/* internal data copied by m_copym */
	u_long	m_cp_dup;
	u_long	m_cp_copyback;
	u_long	m_cp_copydata;
	u_long	m_cp_prepend;		/* m_prepend (user headers moved) */
	u_long	m_cp_cat;		/* m_cat into trailing space */
	u_long	m_cp_split;		/* m_split of internal data */
	u_long	m_cp_pkthdr;		/* user headers by m_*_pkthdr */
	/* m_pulldown(9), m_datarange(9) (uipc_mbuf2.c, uipc_mbregion.c) */
	u_long	m_pulldowns;		/* m_pulldown calls */
	u_long	m_pdallocs;		/* mbufs allocated by that family */
	u_long	m_pdfail;		/* m_pulldown failures */
	u_long	m_cp_pulldown;
	u_long	m_cp_contig;		/* m_ensure_contig */
	u_long	m_cp_makewr;		/* m_makewritable */
	u_long	m_cp_cbcow;		/* m_copyback_cow, data included */
	u_long	m_cp_datarange;		/* m_datarange, m_datarange_rw */
};

/*
 * One CPU's counters, alone on their cache lines, in a slot of a power
 * of two bytes so that a slot's address is the CPU index shifted.
 */
#define MBSTAT_LINE	64
#define MBSTAT_SLOT	512
struct mbstat_pcpu {
	_Alignas(MBSTAT_LINE) union {
		struct mbstat	ms_st;
		char		ms_pad[MBSTAT_SLOT];
	};
};
extern struct mbstat_pcpu mbstat_pcpu[MBP_MAXCPUS];

/* Sum every CPU's counters into *st (any context, no lock). */
void		 mbstat_read(struct mbstat *st);
/*
 * Mbufs outstanding and allocated in total: the mbuf pipe's own counts
 * (mpipe_out, mp_gets), so that m_get and m_free pay for no counter of
 * their own beyond m_mtypes.
 */
u_long		 mbstat_mbufs(void);
u_long		 mbstat_gets(void);
void		 mbstat_print(void);
void		 mbstat_print_verbose(void);
/*
 * Count in this CPU's mbstat: one add that this CPU's interrupt
 * handlers cannot split, the caller not moving to another CPU
 * between the index and the add (mbuf_port(9), mbp_pcpu_add).
 */
#define MBSTAT_ADD(f, n)						\
	mbp_pcpu_add(&mbstat_pcpu[mbp_cpu_index()].ms_st.f, (long)(n))
#define MBSTAT_SUB(f, n)						\
	mbp_pcpu_add(&mbstat_pcpu[mbp_cpu_index()].ms_st.f, -(long)(n))

#endif /* !_SYS_MBUF_H_ */
