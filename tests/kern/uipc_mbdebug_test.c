/*
 * uipc_mbdebug_test.c: self-tests of the module's diagnostics
 * (kern/uipc_mbdebug.c), suite "mbdebug": m_sanity finds each broken
 * invariant and names the mbuf, m_verify panics naming its caller.
 * (m_print is checked by mbuf.copym, netstat -m by netstat.*.)
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/selftest.h>
#include "../../kern/mbuf_private.h"
#include "mbuf_testlib.h"

SELFTEST(mbdebug, verify)
{
	struct panic_catch pc;
	struct mbuf *m;
	char why[160], name[32];

	m = tl_mixed();
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
