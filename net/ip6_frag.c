/*
 * net/ip6_frag.c: IPv6 reassembly (RFC 8200 4.5, RFC 5722), bounded.
 *
 * What it is for: putting fragmented IPv6 datagrams back together
 * without letting the network decide how much memory that takes.
 *
 * A datagram being reassembled is a struct ip6q (source, destination,
 * identification) holding its fragments' payloads in offset order; the
 * headers in front of each fragment's payload are cut off with m_adj
 * (no copy), and the unfragmentable part of the fragment at offset 0
 * (the IPv6 header and the extension headers before the fragment
 * header, at most IP6_MAXUNFRAG bytes) is saved in the ip6q, to be put
 * in front of the finished datagram with M_PREPEND, its next header
 * byte now naming what the fragment header named.  Payloads are
 * linked, never copied.
 *
 * The rules: a fragment whose length is not a multiple of 8 while more
 * follow gets Parameter Problem code 0 at the payload length
 * (ip6s_fragbad); one that would make the payload pass 65535 bytes
 * gets it at the fragment offset (ip6s_fragtoolong); a zero-length
 * fragment, or one whose end disagrees with the known end, is dropped
 * (ip6s_fragbad).  An exact duplicate of a fragment held is dropped
 * alone (ip6s_fragdup); any other overlap discards the whole datagram,
 * every fragment held and this one (RFC 5722, ip6s_fragoverlap counts
 * the fragments freed).  That the first fragment holds the whole header
 * chain (RFC 7112) is checked by ip6_input before it comes here;
 * atomic fragments (RFC 6946) never come here.
 *
 * Bounds, as for IPv4 (ip_reass.c): at most IP6Q_MAX datagrams,
 * IP6QE_MAX fragments and IP6REASS_MAXMBUFS mbufs at once (static
 * tables), a fragment over the budget dropped (ip6s_fragdropped); each
 * datagram has a callout that frees it after ip6_reass_ttl ticks (60 s,
 * RFC 8200; ip6fragttl= seconds on the command line,
 * ip6s_fragtimeout), then sends Time Exceeded code 1 quoting the first
 * fragment when it had come; ip6_reass_drain frees everything
 * (ip6s_fragdrained) and is an mpipe(9) drain hook, so a pool that
 * runs dry first takes back what reassembly holds.
 *
 * Invariants: everything here changes only at splnet or above; an
 * ip6q is in use iff it was created and not yet freed; its fragments
 * are sorted by offset and never overlap; reass_nmbufs is the number of
 * mbufs held in all.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/callout.h>
#include <sys/mpipe.h>

#include <net/in.h>
#include <net/if.h>
#include <net/ip6.h>
#include <net/ip6_var.h>

#define IP6Q_MAX		16	/* datagrams at once */
#define IP6QE_MAX		256	/* fragments at once */
#define IP6REASS_MAXMBUFS	1024	/* mbufs at once */
#define IP6_MAXUNFRAG		512	/* unfragmentable part saved */
#define IP6FRAGTTL		(60 * hz)

struct ip6qent {
	TAILQ_ENTRY(ip6qent)	 e_q;
	struct mbuf		*e_m;		/* payload only */
	int			 e_off;		/* bytes into the payload */
	int			 e_len;
	int			 e_mff;		/* more fragments follow */
	int			 e_nmbufs;
};
TAILQ_HEAD(ip6qehead, ip6qent);

struct ip6q {
	int			 q_used;
	struct ip6qehead	 q_frags;
	struct in6_addr		 q_src;
	struct in6_addr		 q_dst;
	uint32_t		 q_id;
	int			 q_hdrlen;	/* 0: first fragment not seen */
	int			 q_nxtoff;	/* in q_hdr: names the frag hdr */
	uint8_t			 q_hdr[IP6_MAXUNFRAG];
	struct ip6_frag		 q_fh;		/* the first's fragment header */
	int			 q_end;		/* payload length, -1 unknown */
	int			 q_nfrags;
	int			 q_nmbufs;
	struct callout		 q_timer;
};

static struct ip6q ip6qtab[IP6Q_MAX];
static struct ip6qent ip6qepool[IP6QE_MAX];
static struct ip6qehead ip6qe_free = TAILQ_HEAD_INITIALIZER(ip6qe_free);
static int reass_nmbufs, reass_nq;
int ip6_reass_ttl;

static void	ip6q_timeout(void *);
static void	ip6_reass_drain_hook(void *);

void
ip6_reass_init(void)
{
	long v;
	int i;

	ip6_reass_ttl = IP6FRAGTTL;
	if (kenv_getint("ip6fragttl", &v))	/* 1..255: kenv(9) */
		ip6_reass_ttl = v * hz;
	for (i = 0; i < IP6QE_MAX; i++)
		TAILQ_INSERT_TAIL(&ip6qe_free, &ip6qepool[i], e_q);
	for (i = 0; i < IP6Q_MAX; i++) {
		TAILQ_INIT(&ip6qtab[i].q_frags);
		callout_init(&ip6qtab[i].q_timer, ip6q_timeout, &ip6qtab[i]);
	}
	if (mpipe_drain_register(ip6_reass_drain_hook, NULL) != 0)
		printf("ip6_reass: no drain hook slot: reassembly is not "
		    "drained under memory pressure\n");
}

static int
m_count(struct mbuf *m)
{
	int n = 0;

	for (; m != NULL; m = m->m_next)
		n++;
	return (n);
}

static void
ip6qe_remove(struct ip6q *q, struct ip6qent *e, int freem)
{
	TAILQ_REMOVE(&q->q_frags, e, e_q);
	q->q_nfrags--;
	q->q_nmbufs -= e->e_nmbufs;
	reass_nmbufs -= e->e_nmbufs;
	if (freem)
		m_freem(e->e_m);
	e->e_m = NULL;
	TAILQ_INSERT_HEAD(&ip6qe_free, e, e_q);
}

static void
ip6q_free(struct ip6q *q)
{
	struct ip6qent *e;

	while ((e = TAILQ_FIRST(&q->q_frags)) != NULL)
		ip6qe_remove(q, e, 1);
	callout_stop(&q->q_timer);
	q->q_used = 0;
	reass_nq--;
}

static struct ip6q *
ip6q_lookup(const struct ip6_hdr *ip6, uint32_t id, int create)
{
	struct ip6q *q;
	int i;

	for (i = 0; i < IP6Q_MAX; i++) {
		q = &ip6qtab[i];
		if (q->q_used && q->q_id == id &&
		    in6_equal(&q->q_src, &ip6->ip6_src) &&
		    in6_equal(&q->q_dst, &ip6->ip6_dst))
			return (q);
	}
	if (!create)
		return (NULL);
	for (i = 0; i < IP6Q_MAX; i++)
		if (!ip6qtab[i].q_used)
			break;
	if (i == IP6Q_MAX)
		return (NULL);
	q = &ip6qtab[i];
	q->q_used = 1;
	q->q_src = ip6->ip6_src;
	q->q_dst = ip6->ip6_dst;
	q->q_id = id;
	q->q_hdrlen = 0;
	q->q_end = -1;
	q->q_nfrags = 0;
	q->q_nmbufs = 0;
	reass_nq++;
	callout_reset(&q->q_timer, ip6_reass_ttl);
	return (q);
}

static int
ip6q_complete(struct ip6q *q)
{
	struct ip6qent *e;
	int next = 0;

	if (q->q_end < 0 || q->q_hdrlen == 0)
		return (0);
	TAILQ_FOREACH(e, &q->q_frags, e_q) {
		if (e->e_off != next)
			return (0);
		next += e->e_len;
	}
	return (next == q->q_end);
}

/* The unfragmentable part back in front of payload m; consumes m. */
static struct mbuf *
ip6q_prepend(struct ip6q *q, struct mbuf *m, int withfh)
{
	int len = q->q_hdrlen + (withfh ? (int)sizeof(q->q_fh) : 0);
	uint8_t *p;

	M_PREPEND(m, len, M_DONTWAIT);
	if (m == NULL) {
		counter_add(&ip6stat.ip6s_nombuf, 1);
		return (NULL);
	}
	p = mtod(m, uint8_t *);
	memcpy(p, q->q_hdr, q->q_hdrlen);
	if (withfh)
		memcpy(p + q->q_hdrlen, &q->q_fh, sizeof(q->q_fh));
	else
		p[q->q_nxtoff] = q->q_fh.ip6f_nxt;
	be16enc(p + 4, m->m_pkthdr.len - IP6_HDRLEN);
	return (m);
}

static struct mbuf *
ip6q_finish(struct ip6q *q, int *offp, int *nxtoffp, int *nxtp)
{
	struct ip6qent *e;
	struct mbuf *m = NULL, *t;

	while ((e = TAILQ_FIRST(&q->q_frags)) != NULL) {
		if (m == NULL)
			m = e->e_m;
		else {
			m->m_pkthdr.len += e->e_m->m_pkthdr.len;
			m_demote(e->e_m, 1, 0);
			for (t = m; t->m_next != NULL; t = t->m_next)
				continue;
			t->m_next = e->e_m;
		}
		ip6qe_remove(q, e, 0);
	}
	*offp = q->q_hdrlen;
	*nxtoffp = q->q_nxtoff;
	*nxtp = q->q_fh.ip6f_nxt;
	m = ip6q_prepend(q, m, 0);
	ip6q_free(q);
	if (m != NULL)
		counter_add(&ip6stat.ip6s_reassembled, 1);
	return (m);
}

/*
 * Take fragment m into reassembly: its fragment header fh at *offp,
 * named by the byte at *nxtoffp.  Returns the whole datagram when this
 * fragment completed it, with *offp, *nxtoffp and *nxtp saying where
 * the walk resumes; else NULL (m held, or freed and counted).
 */
struct mbuf *
ip6_reass(struct mbuf *m, const struct ip6_frag *fh, int *offp,
    int *nxtoffp, int *nxtp)
{
	struct ip6_hdr ip6;
	struct ip6q *q;
	struct ip6qent *e, *nx;
	struct mbuf *r = NULL;
	int fhoff = *offp, off, len, mff, nm, s;

	memcpy(&ip6, mptr(m, const struct ip6_hdr *, 0), sizeof(ip6));
	off = ntohs(fh->ip6f_offlg) & IP6F_OFF_MASK;
	mff = (ntohs(fh->ip6f_offlg) & IP6F_MORE_FRAG) != 0;
	len = m->m_pkthdr.len - fhoff - (int)sizeof(*fh);
	if (len <= 0) {
		counter_add(&ip6stat.ip6s_fragbad, 1);
		m_freem(m);
		return (NULL);
	}
	if (mff && (len & 7) != 0) {
		counter_add(&ip6stat.ip6s_fragbad, 1);
		icmp6_error(m, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER, 4);
		return (NULL);
	}
	if (fhoff - IP6_HDRLEN + off + len > IP6_MAXPACKET) {
		counter_add(&ip6stat.ip6s_fragtoolong, 1);
		icmp6_error(m, ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER,
		    fhoff + 2);
		return (NULL);
	}
	if (off == 0 && fhoff > IP6_MAXUNFRAG) {
		counter_add(&ip6stat.ip6s_hdrtoolong, 1);
		m_freem(m);
		return (NULL);
	}

	s = splnet();
	nm = m_count(m);
	if (reass_nmbufs + nm > IP6REASS_MAXMBUFS ||
	    TAILQ_EMPTY(&ip6qe_free) ||
	    (q = ip6q_lookup(&ip6, fh->ip6f_ident, 1)) == NULL) {
		counter_add(&ip6stat.ip6s_fragdropped, 1);
		m_freem(m);
		goto out;
	}
	if ((!mff && q->q_end >= 0 && q->q_end != off + len) ||
	    (q->q_end >= 0 && off + len > q->q_end)) {
		counter_add(&ip6stat.ip6s_fragbad, 1);	/* two ends */
		m_freem(m);
		goto check;
	}
	nx = NULL;
	TAILQ_FOREACH(e, &q->q_frags, e_q) {
		if (e->e_off == off && e->e_len == len) {
			counter_add(&ip6stat.ip6s_fragdup, 1);
			m_freem(m);
			goto check;
		}
		if (off < e->e_off + e->e_len && e->e_off < off + len) {
			/* RFC 5722: the whole datagram goes. */
			counter_add(&ip6stat.ip6s_fragoverlap,
			    q->q_nfrags + 1);
			m_freem(m);
			ip6q_free(q);
			goto out;
		}
		if (nx == NULL && e->e_off > off)
			nx = e;
	}
	if (!mff)
		q->q_end = off + len;
	if (off == 0) {
		q->q_hdrlen = fhoff;
		q->q_nxtoff = *nxtoffp;
		m_copydata(m, 0, fhoff, q->q_hdr);
		memcpy(&q->q_fh, fh, sizeof(q->q_fh));
	}
	m_adj(m, fhoff + sizeof(*fh));
	e = TAILQ_FIRST(&ip6qe_free);
	TAILQ_REMOVE(&ip6qe_free, e, e_q);
	e->e_m = m;
	e->e_off = off;
	e->e_len = len;
	e->e_mff = mff;
	e->e_nmbufs = nm;
	if (nx != NULL)
		TAILQ_INSERT_BEFORE(nx, e, e_q);
	else
		TAILQ_INSERT_TAIL(&q->q_frags, e, e_q);
	q->q_nfrags++;
	q->q_nmbufs += nm;
	reass_nmbufs += nm;
check:
	if (ip6q_complete(q))
		r = ip6q_finish(q, offp, nxtoffp, nxtp);
	else if (TAILQ_EMPTY(&q->q_frags))
		ip6q_free(q);
out:
	splx(s);
	return (r);
}

static void
ip6q_timeout(void *arg)
{
	struct ip6q *q = arg;
	struct ip6qent *e;
	struct mbuf *m = NULL;
	int s;

	s = splnet();
	if (!q->q_used) {
		splx(s);
		return;
	}
	counter_add(&ip6stat.ip6s_fragtimeout, q->q_nfrags);
	e = TAILQ_FIRST(&q->q_frags);
	if (q->q_hdrlen != 0 && e != NULL && e->e_off == 0) {
		m = e->e_m;
		ip6qe_remove(q, e, 0);
		m = ip6q_prepend(q, m, 1);	/* the first, as it came */
	}
	ip6q_free(q);
	if (m != NULL)
		icmp6_error(m, ICMP6_TIME_EXCEEDED, ICMP6_TIME_EXCEED_REASS,
		    0);
	splx(s);
}

void
ip6_reass_drain(void)
{
	int i, s;

	s = splnet();
	for (i = 0; i < IP6Q_MAX; i++)
		if (ip6qtab[i].q_used) {
			counter_add(&ip6stat.ip6s_fragdrained,
			    ip6qtab[i].q_nfrags);
			ip6q_free(&ip6qtab[i]);
		}
	splx(s);
}

static void
ip6_reass_drain_hook(void *arg)
{
	if (reass_nq > 0)
		ip6_reass_drain();
}

int
ip6_reass_count(void)
{
	return (reass_nq);
}

int
ip6_reass_mbufs(void)
{
	return (reass_nmbufs);
}
