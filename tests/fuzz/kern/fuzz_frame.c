/*
 * fuzz_frame.c: fuzz target "frame": Ethernet frames through the whole
 * stack (kernel side; tests/fuzz/fuzz_main.c is libFuzzer's side).
 *
 * An input is a run of records: a control byte, a 16-bit big-endian
 * length and that many frame bytes.  Each frame is cut into a random
 * mbuf chain -- internal mbufs, mbufs of msys(9) classes, clusters and
 * m_extadd storage of random sizes, zero-length mbufs among them, the
 * cuts drawn from a generator seeded by the control byte and the frame
 * -- and handed to the capture
 * interface fz0 (192.0.2.2/24) as if its driver had received it; the
 * netintr work runs at once.  fz0 has IPv6 too (its link-local address
 * and 2001:db8::2/64, no duplicate address detection), so IPv6 frames
 * reach past the address check.  The control byte's low three bits
 * advance the clock by 0-5, 100 or 4000 ticks after the frame, so ARP,
 * Neighbor Discovery and reassembly timeouts run.  Whatever the stack
 * sends is taken from fz0 and freed.  fuzz_frame6.c builds its frames
 * and hands them to fuzz_frame_input.
 *
 * After the input, the stack's state is flushed (ARP, reassembly,
 * queues) and every mbuf, class mbuf (msys_nout), cluster and external
 * buffer must be back:
 * otherwise the input leaked, and the target aborts so libFuzzer keeps
 * it as a crash.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/msys.h>
#include <sys/machdep.h>
#include <net/if.h>
#include <net/ip6.h>
#include <net/ip6_var.h>

#include "fuzz.h"

MALLOC_DEFINE(M_FUZZ, "fuzz", "fuzz target buffers");

static struct ifnet *fz_if;
static const uint8_t fz_mac[ETHER_ADDR_LEN] = { 2, 0, 0, 0, 0, 2 };
static uint32_t fz_rnd;

static uint32_t
fz_random(void)
{
	fz_rnd ^= fz_rnd << 13;
	fz_rnd ^= fz_rnd >> 17;
	fz_rnd ^= fz_rnd << 5;
	return (fz_rnd);
}

static void
fz_extfree(caddr_t buf, size_t size, void *arg)
{
	free(buf, M_FUZZ);
}

static const struct m_extops fz_extops = { fz_extfree, NULL };

/*
 * One piece of the chain: storage of a random kind, len bytes of data;
 * kind 4 is an mbuf of the msys(9) class that holds len (its header in
 * its block), or a standard one when no class does.
 */
static struct mbuf *
fz_piece(const uint8_t *p, int len, bool first)
{
	struct mbuf *m = NULL;
	int kind = fz_random() % 5;

	if (kind == 4)
		m = first ? msys_gethdr(M_DONTWAIT, MT_DATA, len, 0) :
		    msys_get(M_DONTWAIT, MT_DATA, len);
	if (m != NULL)
		kind = -1;		/* it holds len already */
	else if (first)
		m = m_gethdr(M_DONTWAIT, MT_DATA);
	else
		m = m_get(M_DONTWAIT, MT_DATA);
	if (m == NULL)
		return (NULL);
	if (len > (first ? (int)MHLEN : (int)MLEN) && kind >= 0 && kind < 2)
		kind = 2;
	if (kind == 2 && len <= MCLBYTES) {
		if (m_clget(m, M_DONTWAIT) != 0) {
			m_free(m);
			return (NULL);
		}
	} else if (kind >= 2) {
		caddr_t buf = malloc(len + 64, M_FUZZ, M_NOWAIT);

		if (buf == NULL || m_extadd(m, buf, len + 64, &fz_extops,
		    NULL, kind == 3 ? M_RDONLY : 0, M_DONTWAIT) != 0) {
			free(buf, M_FUZZ);
			m_free(m);
			return (NULL);
		}
	}
	/* Start at a random spot of the storage when there is room. */
	if (M_TRAILINGSPACE(m) > len)
		m->m_data += fz_random() % (M_TRAILINGSPACE(m) - len + 1);
	memcpy(mtod(m, uint8_t *), p, len);
	m->m_len = len;
	return (m);
}

static struct mbuf *
fz_chain(const uint8_t *p, int len)
{
	struct mbuf *m0 = NULL, **mp = &m0;
	int off = 0;

	do {
		int piece = 0;
		struct mbuf *m;

		if (off < len) {
			switch (fz_random() % 4) {
			case 0:
				piece = 1 + fz_random() % 16;
				break;
			case 1:
				piece = 1 + fz_random() % 200;
				break;
			default:
				piece = 1 + fz_random() % MCLBYTES;
				break;
			}
			if (fz_random() % 8 == 0)
				piece = 0;	/* an empty mbuf */
			piece = MIN(piece, len - off);
		}
		if ((m = fz_piece(p + off, piece, m0 == NULL)) == NULL) {
			m_freem(m0);
			return (NULL);
		}
		*mp = m;
		mp = &m->m_next;
		off += piece;
	} while (off < len);
	m0->m_pkthdr.len = len;
	m0->m_pkthdr.rcvif = fz_if;
	return (m0);
}

static void
fz_ticks(int n)
{
	for (int i = 0; i < n; i++) {
		intr_enter();
		hardclock();
		intr_exit();
		if ((i & 63) == 63)
			netintr_poll();
	}
	netintr_poll();
}

static void
fz_drain_output(void)
{
	struct mbuf *m;

	while ((m = capif_take(fz_if)) != NULL)
		m_freem(m);
}

void
fuzz_frame_setup(void)
{
	struct in6_addr a;

	fz_if = capif_create("fz0", fz_mac, "192.0.2.2", "255.255.255.0");
	/* IPv6 too (link-local and 2001:db8::2/64), ours at once: no DAD. */
	nd6_dad_count = 0;
	if (in6_ifattach(fz_if) != 0 || in6_parse("2001:db8::2", &a) != 0 ||
	    in6_addr_add(fz_if, &a, 64) != 0)
		panic("fuzz_frame: no IPv6 on fz0");
}

/*
 * One frame of len bytes at p, cut into a chain seeded by ctl, received
 * by fz0; then the clock advances as ctl's low three bits say and
 * whatever the stack sent is freed.
 */
void
fuzz_frame_input(uint8_t ctl, const uint8_t *p, size_t len)
{
	static const int adv[8] = { 0, 1, 2, 3, 4, 5, 100, 4000 };
	struct mbuf *m;

	if (len > 0) {
		fz_rnd = 0x9e3779b9u ^ ((uint32_t)ctl << 24) ^
		    (uint32_t)len ^ ((uint32_t)p[0] << 8);
		if ((m = fz_chain(p, (int)len)) != NULL) {
			if_input(fz_if, m);
			netintr_poll();
		}
	}
	fz_ticks(adv[ctl & 7]);
	fz_drain_output();
}

/* Before an input: what is out now. */
void
fuzz_leak_mark(struct fuzz_mark *k)
{
	struct mbstat st;

	mbstat_read(&st);
	k->mbufs = mbstat_mbufs();
	k->clusters = st.m_clusters;
	k->ext = st.m_extbufs;
	k->classmbufs = msys_nout();
}

/* After it: the stack flushed, everything back, or abort. */
void
fuzz_leak_check(const struct fuzz_mark *k, const char *who)
{
	struct mbstat st;

	net_flush();
	fz_drain_output();
	mbstat_read(&st);
	if (mbstat_mbufs() != k->mbufs || st.m_clusters != k->clusters ||
	    st.m_extbufs != k->ext || msys_nout() != k->classmbufs) {
		printf("%s: leak: mbufs %lu -> %lu, clusters %lu -> %lu, "
		    "ext %lu -> %lu, class mbufs %lu -> %lu\n", who, k->mbufs,
		    mbstat_mbufs(), k->clusters, st.m_clusters, k->ext,
		    st.m_extbufs, k->classmbufs, msys_nout());
		fuzz_abort();
	}
}

int
fuzz_frame_one(const uint8_t *data, size_t size)
{
	struct fuzz_mark k;
	size_t pos = 0;

	fuzz_leak_mark(&k);
	while (pos + 3 <= size) {
		uint8_t ctl = data[pos];
		size_t len = ((size_t)data[pos + 1] << 8) | data[pos + 2];

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		fuzz_frame_input(ctl, data + pos, len);
		pos += len;
	}
	fuzz_leak_check(&k, "fuzz_frame");
	return (0);
}
