/*
 * uipc_cksum_test.c: self-tests of in_cksum(9) (kern/uipc_cksum.c),
 * suite "cksum": RFC 1071's example, a chain of every kind of storage
 * (the csum method of external storage included) at every offset and
 * length against the flat sum, and data at odd addresses.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/selftest.h>
#include "../../kern/mbuf_private.h"
#include "mbuf_testlib.h"

SELFTEST(cksum, in_cksum)
{
	/* RFC 1071 section 3 example: sum ddf2 (big-endian words) */
	static const uint8_t ex[8] = {
		0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	static uint8_t flat[TL_MIXED_LEN];
	struct mbuf *m;
	uint16_t ck;
	int off, len, calls;

	ck = in_cksum_flat(ex, 8);
	ST_ASSERT(((const uint8_t *)&ck)[0] == (uint8_t)~0xdd &&
	    ((const uint8_t *)&ck)[1] == (uint8_t)~0xf2);
	ST_ASSERT_EQ(in_cksum_flat(ex, 0), 0xffff);
	m = tl_mixed();
	m_copydata(m, 0, TL_MIXED_LEN, flat);
	calls = tl_extcount[1];
	ST_ASSERT_EQ(in_cksum(m, TL_MIXED_LEN), in_cksum_flat(flat, TL_MIXED_LEN));
	ST_ASSERT(tl_extcount[1] > calls);		/* the csum method ran */
	/* odd and even offsets and lengths, across every boundary */
	for (off = 0; off < TL_MIXED_LEN; off += 1 + (off % 5) * 13)
		for (len = 0; off + len <= TL_MIXED_LEN; len += 1 + len / 2)
			ST_ASSERT_EQ(in_cksum_skip(m, len, off),
			    in_cksum_flat(flat + off, len));
	/* the data moved to odd addresses: the same */
	m = m_prepend(m, 1, M_WAIT);
	m_adj(m, 1);
	m_adj(m->m_next->m_next->m_next, 1);
	m->m_pkthdr.len--;
	m_copydata(m, 0, TL_MIXED_LEN - 1, flat);
	ST_ASSERT_EQ(in_cksum(m, TL_MIXED_LEN - 1),
	    in_cksum_flat(flat, TL_MIXED_LEN - 1));
	m_freem(m);
}
