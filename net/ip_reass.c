/*
 * net/ip_reass.c: IPv4 reassembly (RFC 791, RFC 815), bounded.
 *
 * What it is for: putting fragmented datagrams back together without
 * letting the network decide how much memory that takes.
 *
 * A datagram being reassembled is a struct ipq (source, destination,
 * protocol, id) holding its fragments in offset order.  Each fragment's
 * IP header is stripped when it arrives (m_adj, no copy); the header of
 * the fragment at offset 0 is saved in the ipq and put back in front of
 * the finished datagram with M_PREPEND.  Fragments are linked, never
 * copied.  Overlaps are resolved the BSD way: the new fragment's front
 * is trimmed by what the previous fragment already covers (wholly
 * covered: a duplicate, dropped), and fragments after it that it covers
 * are trimmed at their front or removed.  A datagram whose end would
 * pass 65535 bytes is rejected, as are fragments whose length is zero
 * or, when more follow, not a multiple of 8.
 *
 * Bounds: at most IPQ_MAX datagrams, IPQE_MAX fragments and
 * IPREASS_MAXMBUFS mbufs are held at once (static tables: nothing is
 * allocated here but the fragments themselves); a fragment over the
 * budget is dropped and counted (ips_fragdropped).  Each datagram has a
 * callout that frees it after ip_reass_ttl ticks (30 s; ipfragttl=
 * seconds on the command line) (ips_fragtimeout) and,
 * when its first fragment had arrived, sends ICMP time exceeded.
 * ip_reass_drain frees everything (ips_fragdrained): it is registered
 * as an mpipe(9) drain hook, so a pool that runs dry (a cluster the NIC
 * refill or anyone else cannot get) first takes back what reassembly
 * holds, before any allocation fails or sleeps; tests call it too.
 *
 * Invariants: every field here changes only at splnet or above (the
 * timeout runs in the clock interrupt); an ipq is in use iff its
 * fragment list is non-empty or it was just created; ipq_nmbufs is the
 * number of mbufs in its fragments and reass_nmbufs the sum over all;
 * fragments in a list are sorted by offset and never overlap.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/callout.h>
#include <sys/mpipe.h>

#include <net/in.h>
#include <net/ip.h>
#include <net/icmp.h>
#include <net/if.h>
#include <net/ip_var.h>

#define IPQ_MAX			16	/* datagrams at once */
#define IPQE_MAX		256	/* fragments at once */
#define IPREASS_MAXMBUFS	1024	/* mbufs at once */
#define IPFRAGTTL		(30 * hz)

struct ipqent {
	TAILQ_ENTRY(ipqent)	 ipqe_q;
	struct mbuf		*ipqe_m;	/* payload only */
	int			 ipqe_off;	/* bytes into the datagram */
	int			 ipqe_len;	/* payload bytes */
	int			 ipqe_mff;	/* more fragments follow */
	int			 ipqe_nmbufs;
};
TAILQ_HEAD(ipqehead, ipqent);

struct ipq {
	int			 ipq_used;
	struct ipqehead		 ipq_frags;
	struct in_addr		 ipq_src;
	struct in_addr		 ipq_dst;
	uint16_t		 ipq_id;
	uint8_t			 ipq_p;
	int			 ipq_hdrvalid;	/* fragment 0 seen */
	struct ip		 ipq_hdr;	/* its header, options dropped */
	int			 ipq_end;	/* datagram length, -1 unknown */
	int			 ipq_nfrags;
	int			 ipq_nmbufs;
	struct callout		 ipq_timer;
};

static struct ipq ipqtab[IPQ_MAX];
static struct ipqent ipqepool[IPQE_MAX];
static struct ipqehead ipqe_free = TAILQ_HEAD_INITIALIZER(ipqe_free);
static int reass_nmbufs, reass_nq;
int ip_reass_ttl;

static void	ipq_timeout(void *);
static void	ip_reass_drain_hook(void *);

void
ip_reass_init(void)
{
	long v;
	int i;

	ip_reass_ttl = IPFRAGTTL;
	if (kenv_getint("ipfragttl", &v))	/* 1..255: kenv(9) */
		ip_reass_ttl = v * hz;		/* seconds on the command line */
	for (i = 0; i < IPQE_MAX; i++)
		TAILQ_INSERT_TAIL(&ipqe_free, &ipqepool[i], ipqe_q);
	for (i = 0; i < IPQ_MAX; i++) {
		TAILQ_INIT(&ipqtab[i].ipq_frags);
		callout_init(&ipqtab[i].ipq_timer, ipq_timeout, &ipqtab[i]);
	}
	if (mpipe_drain_register(ip_reass_drain_hook, NULL) != 0)
		printf("ip_reass: no drain hook slot: reassembly is not "
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

/* Unlink and free one fragment (with its mbufs when freem). */
static void
ipqe_remove(struct ipq *q, struct ipqent *e, int freem)
{
	TAILQ_REMOVE(&q->ipq_frags, e, ipqe_q);
	q->ipq_nfrags--;
	q->ipq_nmbufs -= e->ipqe_nmbufs;
	reass_nmbufs -= e->ipqe_nmbufs;
	if (freem)
		m_freem(e->ipqe_m);
	e->ipqe_m = NULL;
	TAILQ_INSERT_HEAD(&ipqe_free, e, ipqe_q);
}

static void
ipq_free(struct ipq *q)
{
	struct ipqent *e;

	while ((e = TAILQ_FIRST(&q->ipq_frags)) != NULL)
		ipqe_remove(q, e, 1);
	callout_stop(&q->ipq_timer);
	q->ipq_used = 0;
	reass_nq--;
}

static struct ipq *
ipq_lookup(const struct ip *ip)
{
	int i;

	for (i = 0; i < IPQ_MAX; i++) {
		struct ipq *q = &ipqtab[i];

		if (q->ipq_used && q->ipq_id == ip->ip_id &&
		    q->ipq_p == ip->ip_p &&
		    q->ipq_src.s_addr == ip->ip_src.s_addr &&
		    q->ipq_dst.s_addr == ip->ip_dst.s_addr)
			return (q);
	}
	return (NULL);
}

static struct ipq *
ipq_new(const struct ip *ip)
{
	struct ipq *q;
	int i;

	for (i = 0; i < IPQ_MAX; i++)
		if (!ipqtab[i].ipq_used)
			break;
	if (i == IPQ_MAX)
		return (NULL);
	q = &ipqtab[i];
	q->ipq_used = 1;
	q->ipq_src = ip->ip_src;
	q->ipq_dst = ip->ip_dst;
	q->ipq_id = ip->ip_id;
	q->ipq_p = ip->ip_p;
	q->ipq_hdrvalid = 0;
	q->ipq_end = -1;
	q->ipq_nfrags = 0;
	q->ipq_nmbufs = 0;
	reass_nq++;
	callout_reset(&q->ipq_timer, ip_reass_ttl);
	return (q);
}

/* Whether the fragments cover [0, end) with the last one final. */
static int
ipq_complete(struct ipq *q)
{
	struct ipqent *e;
	int next = 0;

	if (q->ipq_end < 0 || !q->ipq_hdrvalid)
		return (0);
	TAILQ_FOREACH(e, &q->ipq_frags, ipqe_q) {
		if (e->ipqe_off != next)
			return (0);
		next += e->ipqe_len;
		if (!e->ipqe_mff)
			return (next == q->ipq_end &&
			    TAILQ_NEXT(e, ipqe_q) == NULL);
	}
	return (0);
}

/* Link n's chain after m's without copying; n loses its header. */
static void
ip_reass_link(struct mbuf *m, struct mbuf *n)
{
	struct mbuf *t;

	m->m_pkthdr.len += n->m_pkthdr.len;
	m_demote(n, 1, 0);
	for (t = m; t->m_next != NULL; t = t->m_next)
		continue;
	t->m_next = n;
}

/* Build the datagram from a complete queue and free the queue. */
static struct mbuf *
ipq_finish(struct ipq *q)
{
	struct ipqent *e;
	struct mbuf *m = NULL;
	struct ip ip;

	while ((e = TAILQ_FIRST(&q->ipq_frags)) != NULL) {
		if (m == NULL)
			m = e->ipqe_m;
		else
			ip_reass_link(m, e->ipqe_m);
		ipqe_remove(q, e, 0);
	}
	ip = q->ipq_hdr;
	ipq_free(q);
	M_PREPEND(m, IP_MINHLEN, M_DONTWAIT);
	if (m == NULL) {
		counter_add(&ipstat.ips_nombuf, 1);
		return (NULL);
	}
	ip.ip_vhl = IP_VHL(IPVERSION, IP_MINHLEN);
	ip.ip_len = htons(m->m_pkthdr.len);
	ip.ip_off = 0;
	memcpy(mtod(m, void *), &ip, sizeof(ip));
	ip_hdr_cksum(mtod(m, void *), IP_MINHLEN);
	counter_add(&ipstat.ips_reassembled, 1);
	return (m);
}

/*
 * Take fragment m (IP header ip of length hlen in front, m_pkthdr.len
 * == ip_len) into reassembly.  Returns the whole datagram when this
 * fragment completed it, else NULL (m kept or freed and counted).
 */
struct mbuf *
ip_reass(struct mbuf *m, const struct ip *ip, int hlen)
{
	struct ipq *q;
	struct ipqent *e, *p, *nx;
	int off, len, mff, i, nm, s;
	struct mbuf *r = NULL;

	off = (ntohs(ip->ip_off) & IP_OFFMASK) << 3;
	mff = (ntohs(ip->ip_off) & IP_MF) != 0;
	len = ntohs(ip->ip_len) - hlen;
	if (len <= 0 || (mff && (len & 7) != 0)) {
		counter_add(&ipstat.ips_fragbad, 1);
		m_freem(m);
		return (NULL);
	}
	if (off + len + hlen > IP_MAXPACKET) {
		counter_add(&ipstat.ips_toolong, 1);
		m_freem(m);
		return (NULL);
	}

	s = splnet();
	nm = m_count(m);
	q = ipq_lookup(ip);
	if (reass_nmbufs + nm > IPREASS_MAXMBUFS ||
	    TAILQ_EMPTY(&ipqe_free) || (q == NULL && (q = ipq_new(ip)) ==
	    NULL)) {
		counter_add(&ipstat.ips_fragdropped, 1);
		m_freem(m);
		goto out;
	}
	if (!mff) {
		if (q->ipq_end >= 0 && q->ipq_end != off + len) {
			/* Two different ends: the datagram is garbage. */
			counter_add(&ipstat.ips_fragbad, 1);
			m_freem(m);
			goto out;
		}
		q->ipq_end = off + len;
	}
	if (off == 0 && !q->ipq_hdrvalid) {
		memcpy(&q->ipq_hdr, ip, sizeof(q->ipq_hdr));
		q->ipq_hdrvalid = 1;
	}
	m_adj(m, hlen);

	/* p: the last fragment starting at or before this one. */
	p = NULL;
	TAILQ_FOREACH(nx, &q->ipq_frags, ipqe_q) {
		if (nx->ipqe_off > off)
			break;
		p = nx;
	}
	if (p != NULL) {
		i = p->ipqe_off + p->ipqe_len - off;
		if (i > 0) {
			if (i >= len) {
				counter_add(&ipstat.ips_fragdup, 1);
				m_freem(m);
				goto check;
			}
			counter_add(&ipstat.ips_fragoverlap, 1);
			m_adj(m, i);
			off += i;
			len -= i;
		}
	}
	/* Trim or remove the following fragments this one covers. */
	while (nx != NULL && off + len > nx->ipqe_off) {
		i = off + len - nx->ipqe_off;
		counter_add(&ipstat.ips_fragoverlap, 1);
		if (i < nx->ipqe_len) {
			m_adj(nx->ipqe_m, i);
			nx->ipqe_off += i;
			nx->ipqe_len -= i;
			break;
		}
		e = TAILQ_NEXT(nx, ipqe_q);
		ipqe_remove(q, nx, 1);
		nx = e;
	}
	e = TAILQ_FIRST(&ipqe_free);
	TAILQ_REMOVE(&ipqe_free, e, ipqe_q);
	e->ipqe_m = m;
	e->ipqe_off = off;
	e->ipqe_len = len;
	e->ipqe_mff = mff;
	e->ipqe_nmbufs = nm;
	if (nx != NULL)
		TAILQ_INSERT_BEFORE(nx, e, ipqe_q);
	else
		TAILQ_INSERT_TAIL(&q->ipq_frags, e, ipqe_q);
	q->ipq_nfrags++;
	q->ipq_nmbufs += nm;
	reass_nmbufs += nm;
check:
	if (ipq_complete(q))
		r = ipq_finish(q);
	else if (TAILQ_EMPTY(&q->ipq_frags))
		ipq_free(q);
out:
	splx(s);
	return (r);
}

/*
 * The reassembly timer: free the datagram; if its first fragment is
 * here, quote it in an ICMP time exceeded (RFC 792) to the sender.
 */
static void
ipq_timeout(void *arg)
{
	struct ipq *q = arg;
	struct ipqent *e;
	struct mbuf *m = NULL;
	struct ip ip;
	int s;

	s = splnet();
	if (!q->ipq_used) {
		splx(s);
		return;
	}
	counter_add(&ipstat.ips_fragtimeout, q->ipq_nfrags);
	e = TAILQ_FIRST(&q->ipq_frags);
	if (q->ipq_hdrvalid && e != NULL && e->ipqe_off == 0) {
		m = e->ipqe_m;
		ip = q->ipq_hdr;
		ip.ip_vhl = IP_VHL(IPVERSION, IP_MINHLEN);
		ip.ip_len = htons(IP_MINHLEN + e->ipqe_len);
		ipqe_remove(q, e, 0);
	}
	ipq_free(q);
	if (m != NULL) {
		M_PREPEND(m, IP_MINHLEN, M_DONTWAIT);
		if (m == NULL)
			counter_add(&ipstat.ips_nombuf, 1);
		else {
			memcpy(mtod(m, void *), &ip, sizeof(ip));
			ip_hdr_cksum(mtod(m, void *), IP_MINHLEN);
			icmp_error(m, ICMP_TIMXCEED, ICMP_TIMXCEED_REASS);
		}
	}
	splx(s);
}

void
ip_reass_drain(void)
{
	int i, s;

	s = splnet();
	for (i = 0; i < IPQ_MAX; i++)
		if (ipqtab[i].ipq_used) {
			counter_add(&ipstat.ips_fragdrained, ipqtab[i].ipq_nfrags);
			ipq_free(&ipqtab[i]);
		}
	splx(s);
}

/*
 * The mpipe(9) drain hook.  It may run in interrupt context (a NIC
 * refill) or inside an allocation made here: the queues are changed
 * only at splnet, and no allocation in this file happens while a queue
 * it could free is half-built.
 */
static void
ip_reass_drain_hook(void *arg)
{
	if (reass_nq > 0)
		ip_reass_drain();
}

int
ip_reass_count(void)
{
	return (reass_nq);
}

int
ip_reass_mbufs(void)
{
	return (reass_nmbufs);
}
