/*
 * fuzz_mbuf.c: fuzz target "mbuf": a sequence of mbuf calls decoded from
 * the input and checked against a flat model.
 *
 * It is the property test of m_pulldown(9) (tests/kern/uipc_mbuf2_prop.c)
 * with libFuzzer's input in place of its random generator: the input
 * picks the packet's shape (internal, cluster, read-only and writable
 * external storage), each call (m_pulldown, m_ensure_contig,
 * m_makewritable, m_copyback_cow, m_datarange, m_pullup, m_prepend,
 * m_adj, m_catpkt, m_split, m_copym, m_dup, m_copyback), its arguments
 * and where allocation failures are injected.  After every call the
 * bytes, the recorded regions, a witness sharing the storage and the
 * outstanding buffer counts are checked; any difference aborts.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>

#include "fuzz.h"
#include "../../kern/mbuf_testlib.h"

void
fuzz_mbuf_setup(void)
{
}

int
fuzz_mbuf_one(const uint8_t *data, size_t size)
{
	const char *why = prop_fuzz(data, size);

	if (why != NULL) {
		printf("fuzz_mbuf: %s: %s\n", prop_detail, why);
		fuzz_abort();
	}
	return (0);
}
