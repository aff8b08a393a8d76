/*
 * mbuf_fail_test.c: self-tests of mbuf(9), suite "mbuf", for the ways a
 * call may fail or must panic: every M_DONTWAIT allocation failing in
 * turn (mb_fail_after), M_WAIT where sleeping is not allowed, M_WAIT
 * sleeping when memory is short, double free and use after free,
 * m_verify; plus packet queues, in_cksum and netstat -m.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/callout.h>
#include <sys/mbuf.h>
#include <sys/selftest.h>
#include "../../kern/mbuf_private.h"
#include <sys/shell.h>

#define PAT(i)		((uint8_t)((i) * 11 + 5))

static void
fail_free(caddr_t buf, size_t size, void *arg)
{
	(*(int *)arg)++;
}

static uint16_t
fail_csum(caddr_t buf, int off, int len, void *arg)
{
	(*((int *)arg + 1))++;
	return (in_cksum_sum(buf + off, len));
}

static const struct m_extops fail_ops = { fail_free, fail_csum };
static uint8_t extstore[4][1500];
static int extcount[2];			/* frees, csum calls */

/* A packet of internal, cluster and external mbufs, with an empty one. */
static struct mbuf *
mk_mixed(void)
{
	struct mbuf *m, *n;
	int i, pos = 0;

	m = m_gethdr(M_WAIT, MT_DATA);
	m->m_len = 50;
	n = m->m_next = m_getcl(M_WAIT, MT_DATA, 0);
	n->m_data += 1;
	n->m_len = 300;
	n = n->m_next = m_get(M_WAIT, MT_DATA);
	n->m_len = 0;
	n = n->m_next = m_get(M_WAIT, MT_DATA);
	m_extadd(n, (caddr_t)extstore[0], sizeof(extstore[0]), &fail_ops,
	    extcount, 0, M_WAIT);
	n->m_data += 7;
	n->m_len = 1000;
	n = n->m_next = m_get(M_WAIT, MT_DATA);
	n->m_len = 100;
	for (n = m; n != NULL; n = n->m_next)
		for (i = 0; i < n->m_len; i++)
			n->m_data[i] = PAT(pos++);
	m->m_pkthdr.len = pos;
	return (m);
}
#define MIXED_LEN	1450

static bool
holds(struct mbuf *m, int base, int len)
{
	static uint8_t buf[4096];
	char why[160];

	if (m_sanity(m, why, sizeof(why)) != 0 || m_length(m) != len ||
	    ((m->m_flags & M_PKTHDR) && m->m_pkthdr.len != len))
		return (false);
	m_copydata(m, 0, len, buf);
	for (int i = 0; i < len; i++)
		if (buf[i] != PAT(base + i))
			return (false);
	return (true);
}

/*
 * Every M_DONTWAIT allocation of each call fails in turn: the call
 * fails cleanly (the caller's chain intact, or freed when the call says
 * so), and once enough succeed it works.
 */
SELFTEST(mbuf, fail_injection)
{
	struct mbuf *m, *r;
	int n, op, failures, err;
	u_long drops = mbstat.m_drops;

	for (op = 0; op < 9; op++) {
		failures = 0;
		for (n = 0; n < 64; n++) {
			m = mk_mixed();
			mb_fail_after(n);
			r = NULL;
			err = 0;
			switch (op) {
			case 0:
				r = m_copym(m, 10, 1200, M_DONTWAIT);
				break;
			case 1:
				r = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
				break;
			case 2:
				r = m_dup(m, M_DONTWAIT);
				break;
			case 3:
				r = m_split(m, 700, M_DONTWAIT);
				break;
			case 4:
				r = m_split(m, 20, M_DONTWAIT);
				break;
			case 5:
				err = m_copyback(m, 1400, 3000, extstore[1],
				    M_DONTWAIT);
				break;
			case 6:
				r = m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR);
				err = r == NULL;
				break;
			case 7:
				m = m_prepend(m, 100, M_DONTWAIT);
				err = m == NULL;
				break;
			case 8:
				m = m_pullup(m, 400);
				err = m == NULL;
				break;
			}
			mb_fail_after(-1);
			if (op < 5 && r == NULL)
				err = 1;
			if (err) {
				failures++;
				if (op == 5)
					ST_ASSERT_EQ(err, ENOBUFS);
				/* prepend and pullup free the chain */
				if (op < 7)
					ST_ASSERT(holds(m, 0, MIXED_LEN));
				m_freem(m);
				continue;
			}
			if (op < 3)
				ST_ASSERT(holds(r, op == 0 ? 10 : 0,
				    op == 0 ? 1200 : MIXED_LEN));
			if (op == 3 || op == 4) {
				int at = op == 3 ? 700 : 20;

				ST_ASSERT(holds(m, 0, at));
				ST_ASSERT(holds(r, at, MIXED_LEN - at));
			}
			if (op == 5)
				ST_ASSERT_EQ(m->m_pkthdr.len, 4400);
			if (op == 7)
				ST_ASSERT_EQ(m->m_pkthdr.len, MIXED_LEN + 100);
			if (op == 8)
				ST_ASSERT(m->m_len >= 400 &&
				    holds(m, 0, MIXED_LEN));
			m_freem(r);
			m_freem(m);
			break;
		}
		ST_ASSERT(n < 64);
		if (op != 8)		/* m_pullup here allocates nothing */
			ST_ASSERT(failures > 0);
	}
	ST_ASSERT(mbstat.m_drops > drops);
	ST_ASSERT_EQ(extcount[0] > 0, 1);
}

/* M_WAIT in interrupt context or at a raised level must panic. */
static void
mget_wait(void *arg)
{
	m_free(m_get(M_WAIT, MT_DATA));
}

static void
mgetcl_wait_at_splnet(void *arg)
{
	struct mbuf *m;
	int s;

	s = splnet();
	m = m_getcl(M_WAIT, MT_DATA, M_PKTHDR);
	splx(s);
	m_free(m);
}

SELFTEST(mbuf, wait_in_interrupt_panics)
{
	struct panic_catch pc;
	struct mbuf *m;
	int s;

	ST_ASSERT(selftest_panics_intr(mget_wait, NULL, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "m_get: M_WAIT where sleeping is "
	    "not allowed (caller 0x") != NULL);
	/* raised spl in a thread: the same */
	ST_ASSERT(selftest_panics(mgetcl_wait_at_splnet, NULL, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "m_getcl") != NULL);
	/* M_DONTWAIT there is fine */
	s = splnet();
	m = m_get(M_DONTWAIT, MT_DATA);
	splx(s);
	ST_ASSERT(m != NULL);
	m_free(m);
}

/* A callout frees the mbuf that holds the last room. */
static void
release_later(void *arg)
{
	struct mbuf **mp = arg;

	m_free(*mp);
	*mp = NULL;
}

/* M_WAIT sleeps while the mbuf pool is exhausted and gets one afterwards. */
SELFTEST(mbuf, wait_sleeps)
{
	struct mbuf *got, *hold, *list = NULL, *m;
	struct callout co;
	u_long waits = mbstat.m_wait;

	/* Take every mbuf M_DONTWAIT gives: the pool's cap stops it. */
	while ((m = m_get(M_DONTWAIT, MT_DATA)) != NULL) {
		m->m_nextpkt = list;
		list = m;
	}
	ST_ASSERT(list != NULL);
	hold = list;
	list = list->m_nextpkt;
	hold->m_nextpkt = NULL;
	callout_init(&co, release_later, &hold);
	callout_reset(&co, 3);
	got = m_get(M_WAIT, MT_DATA);		/* sleeps until the callout */
	while ((m = list) != NULL) {
		list = m->m_nextpkt;
		m->m_nextpkt = NULL;
		m_free(m);
	}
	ST_ASSERT(got != NULL);
	ST_ASSERT(hold == NULL);
	ST_ASSERT(mbstat.m_wait > waits);
	m_free(got);
}

SELFTEST(mbuf, double_free_panics)
{
	struct panic_catch pc;
	struct mbuf *m, *c;
	char name[32];

#ifndef DIAGNOSTIC
	ST_SKIP("the double-free checks need DIAGNOSTIC");
#endif
	m = m_get(M_WAIT, MT_DATA);
	snprintf(name, sizeof(name), "%p", (void *)m);
	m_free(m);
	if (PANIC_TRY(&pc)) {
		m_free(m);
		panic_catch_pop(&pc);
		ST_FAIL("double free did not panic");
	}
	ST_ASSERT(strstr(pc.pc_msg, "double free") != NULL);
	ST_ASSERT(strstr(pc.pc_msg, name) != NULL);
	/* use after free */
	m = m_get(M_WAIT, MT_DATA);
	m->m_len = 4;
	m_free(m);
	if (PANIC_TRY(&pc)) {
		c = m_copym(m, 0, M_COPYALL, M_DONTWAIT);
		panic_catch_pop(&pc);
		m_freem(c);
		ST_FAIL("use after free did not panic");
	}
	ST_ASSERT(strstr(pc.pc_msg, "m_copym") != NULL);
	ST_ASSERT(strstr(pc.pc_msg, "not live") != NULL);
}

SELFTEST(mbuf, verify)
{
	struct panic_catch pc;
	struct mbuf *m;
	char why[160], name[32];

	m = mk_mixed();
	ST_ASSERT_EQ(m_sanity(m, why, sizeof(why)), 0);
	m->m_pkthdr.len++;
	ST_ASSERT(m_sanity(m, why, sizeof(why)) != 0);
	ST_ASSERT(strstr(why, "m_pkthdr.len") != NULL);
	if (PANIC_TRY(&pc)) {
		m_verify(m, "verifytest");
		panic_catch_pop(&pc);
		ST_FAIL("m_verify did not panic");
	}
	snprintf(name, sizeof(name), "%p", (void *)m);
	ST_ASSERT(strstr(pc.pc_msg, "verifytest") != NULL);
	ST_ASSERT(strstr(pc.pc_msg, name) != NULL);
	m->m_pkthdr.len--;
	m->m_next->m_len = 3000;		/* beyond its cluster */
	ST_ASSERT(m_sanity(m, why, sizeof(why)) != 0);
	snprintf(name, sizeof(name), "%p", (void *)m->m_next);
	ST_ASSERT(strstr(why, name) != NULL && strstr(why, "outside"));
	m->m_next->m_len = 300;
	m->m_next->m_flags |= M_PKTHDR;
	ST_ASSERT(m_sanity(m, why, sizeof(why)) != 0);
	m->m_next->m_flags &= ~M_PKTHDR;
	ST_ASSERT_EQ(m_sanity(m, why, sizeof(why)), 0);
	m_freem(m);
}

SELFTEST(mbuf, mbufq)
{
	struct mbufq mq;
	struct mbuf *m;
	int i;

	mq_init(&mq, 3);
	ST_ASSERT(mq_empty(&mq) && !mq_full(&mq));
	ST_ASSERT(mq_dequeue(&mq) == NULL);
	for (i = 0; i < 5; i++) {
		m = m_gethdr(M_WAIT, MT_DATA);
		m->m_pkthdr.len = i;		/* a tag to check the order */
		ST_ASSERT_EQ(mq_enqueue(&mq, m), i < 3 ? 0 : ENOBUFS);
	}
	ST_ASSERT(mq_full(&mq));
	ST_ASSERT_EQ(mq_len(&mq), 3);
	ST_ASSERT_EQ(mq_drops(&mq), 2);
	m = mq_dequeue(&mq);
	ST_ASSERT(m != NULL && m->m_pkthdr.len == 0 && m->m_nextpkt == NULL);
	m_freem(m);
	m = mq_dequeue(&mq);
	ST_ASSERT(m->m_pkthdr.len == 1);
	ST_ASSERT_EQ(mq_enqueue(&mq, m), 0);	/* back at the tail */
	ST_ASSERT_EQ(mq_purge(&mq), 2);
	ST_ASSERT(mq_empty(&mq) && mq_dequeue(&mq) == NULL);
}

SELFTEST(mbuf, in_cksum)
{
	/* RFC 1071 section 3 example: sum ddf2 (big-endian words) */
	static const uint8_t ex[8] = {
		0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static uint8_t flat[MIXED_LEN];
	struct mbuf *m;
	uint16_t ck;
	int off, len, calls;

	ck = in_cksum_flat(ex, 8);
	ST_ASSERT(((const uint8_t *)&ck)[0] == (uint8_t)~0xdd &&
	    ((const uint8_t *)&ck)[1] == (uint8_t)~0xf2);
	ST_ASSERT_EQ(in_cksum_flat(ex, 0), 0xffff);
	m = mk_mixed();
	m_copydata(m, 0, MIXED_LEN, flat);
	calls = extcount[1];
	ST_ASSERT_EQ(in_cksum(m, MIXED_LEN), in_cksum_flat(flat, MIXED_LEN));
	ST_ASSERT(extcount[1] > calls);		/* the csum method ran */
	/* odd and even offsets and lengths, across every boundary */
	for (off = 0; off < MIXED_LEN; off += 1 + (off % 5) * 13)
		for (len = 0; off + len <= MIXED_LEN; len += 1 + len / 2)
			ST_ASSERT_EQ(in_cksum_skip(m, len, off),
			    in_cksum_flat(flat + off, len));
	/* the data moved to odd addresses: the same */
	m = m_prepend(m, 1, M_WAIT);
	m_adj(m, 1);
	m_adj(m->m_next->m_next->m_next, 1);
	m->m_pkthdr.len--;
	m_copydata(m, 0, MIXED_LEN - 1, flat);
	ST_ASSERT_EQ(in_cksum(m, MIXED_LEN - 1),
	    in_cksum_flat(flat, MIXED_LEN - 1));
	m_freem(m);
}
