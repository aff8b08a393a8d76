/*
 * fuzz_frame.c: fuzz target "frame": Ethernet frames through the whole
 * stack (kernel side; tests/fuzz/fuzz_main.c is libFuzzer's side).
 *
 * An input is a run of records: a control byte, a 16-bit big-endian
 * length and that many frame bytes.  Each frame is cut into a random
 * mbuf chain -- internal mbufs, clusters and m_extadd storage of random
 * sizes, zero-length mbufs among them, the cuts drawn from a generator
 * seeded by the control byte and the frame -- and handed to the capture
 * interface fz0 (192.0.2.2/24) as if its driver had received it; the
 * netintr work runs at once.  The control byte's low three bits advance
 * the clock by 0-5, 100 or 4000 ticks after the frame, so ARP and
 * reassembly timeouts run.  Whatever the stack sends is taken from fz0
 * and freed.
 *
 * After the input, the stack's state is flushed (ARP, reassembly,
 * queues) and every mbuf, cluster and external buffer must be back:
 * otherwise the input leaked, and the target aborts so libFuzzer keeps
 * it as a crash.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/machdep.h>
#include <net/if.h>

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

/* One piece of the chain: storage of a random kind, len bytes of data. */
static struct mbuf *
fz_piece(const uint8_t *p, int len, bool first)
{
	struct mbuf *m;
	int kind = fz_random() % 4;

	if (first)
		m = m_gethdr(M_DONTWAIT, MT_DATA);
	else
		m = m_get(M_DONTWAIT, MT_DATA);
	if (m == NULL)
		return (NULL);
	if (len > (first ? (int)MHLEN : (int)MLEN) && kind < 2)
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
	fz_if = capif_create("fz0", fz_mac, "192.0.2.2", "255.255.255.0");
}

int
fuzz_frame_one(const uint8_t *data, size_t size)
{
	static const int adv[8] = { 0, 1, 2, 3, 4, 5, 100, 4000 };
	long mb0 = mbstat_mbufs(), cl0 = mbstat.m_clusters;
	long ex0 = mbstat.m_extbufs;
	size_t pos = 0;

	while (pos + 3 <= size) {
		uint8_t ctl = data[pos];
		size_t len = ((size_t)data[pos + 1] << 8) | data[pos + 2];
		struct mbuf *m;

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		if (len > 0) {
			fz_rnd = 0x9e3779b9u ^ ((uint32_t)ctl << 24) ^
			    (uint32_t)len ^ ((uint32_t)data[pos] << 8);
			if ((m = fz_chain(data + pos, (int)len)) != NULL) {
				if_input(fz_if, m);
				netintr_poll();
			}
		}
		pos += len;
		fz_ticks(adv[ctl & 7]);
		fz_drain_output();
	}
	net_flush();
	fz_drain_output();
	if (mbstat_mbufs() != (u_long)mb0 || mbstat.m_clusters != (u_long)cl0 ||
	    mbstat.m_extbufs != (u_long)ex0) {
		printf("fuzz_frame: leak: mbufs %ld -> %lu, clusters %ld -> "
		    "%lu, ext %ld -> %lu\n", mb0, mbstat_mbufs(), cl0,
		    mbstat.m_clusters, ex0, mbstat.m_extbufs);
		fuzz_abort();
	}
	return (0);
}
