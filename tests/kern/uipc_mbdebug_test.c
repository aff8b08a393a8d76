/*
 * uipc_mbdebug_test.c: self-tests of the module's diagnostics
 * (kern/uipc_mbdebug.c), suite "mbdebug": m_sanity finds each broken
 * invariant and names the mbuf, m_verify panics naming its caller.
 * pcpu_stat checks the per-CPU statistics and their sum (mbstat_read).
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

/*
 * The per-CPU statistics (mbstat_pcpu, mbstat_read): each CPU's slot on
 * cache lines of its own; m_get and m_free count in the running CPU's
 * slot only; mbstat_read sums every slot, an outstanding count raised
 * in one slot and lowered in another (wrapping below 0) included, as
 * FreeBSD's counter(9) sums its per-CPU words (sys/kern/subr_counter.c,
 * counter_u64_fetch).  The sum over an idle CPU's slot is tested on a
 * slot no running CPU owns, and put back before anything is checked.
 */
SELFTEST(mbdebug, pcpu_stat)
{
	struct mbstat st0, st1, mine0, mine1;
	struct mbstat_pcpu *idle;
	struct mbuf *m;
	bool alone = mbp_ncpu() == 1;
	u_long back;
	u_int me;
	int s;

	ST_ASSERT_EQ(sizeof(struct mbstat_pcpu) % MBSTAT_LINE, 0);
	ST_ASSERT_EQ((uintptr_t)&mbstat_pcpu[0] % MBSTAT_LINE, 0);
	ST_ASSERT((uintptr_t)&mbstat_pcpu[1] - (uintptr_t)&mbstat_pcpu[0] >=
	    sizeof(struct mbstat));

	/* Masked: this CPU's handlers count nothing meanwhile. */
	s = splhigh();
	me = mbp_cpu_index();
	mine0 = mbstat_pcpu[me].ms_st;
	mbstat_read(&st0);
	m = m_get(M_DONTWAIT, MT_DATA);
	mine1 = mbstat_pcpu[me].ms_st;
	mbstat_read(&st1);
	if (m != NULL)
		m_free(m);
	back = mbstat_pcpu[me].ms_st.m_mtfrees[MT_DATA];
	splx(s);
	ST_ASSERT(m != NULL);
	/*
	 * A slot counts the mbufs its CPU took in m_mtypes and those it
	 * freed in m_mtfrees (two counters, so that m_get and m_free do
	 * not both read and write one word); a snapshot's m_mtypes is the
	 * difference, its m_mtfrees 0.
	 */
	ST_ASSERT_EQ(mine1.m_mtypes[MT_DATA] - mine0.m_mtypes[MT_DATA], 1);
	ST_ASSERT_EQ(mine1.m_mtfrees[MT_DATA], mine0.m_mtfrees[MT_DATA]);
	if (alone)
		ST_ASSERT_EQ(st1.m_mtypes[MT_DATA] - st0.m_mtypes[MT_DATA], 1);
	ST_ASSERT_EQ(st1.m_mtfrees[MT_DATA], 0);
	ST_ASSERT_EQ(back, mine0.m_mtfrees[MT_DATA] + 1);

	/*
	 * An external buffer counted out on this CPU and back on another:
	 * +1 here, -1 (2^64 - 1) there, 0 in the sum; a running total
	 * in another slot adds in.
	 */
	if (mbp_ncpu() >= MBP_MAXCPUS)
		ST_SKIP("no idle CPU slot");
	idle = &mbstat_pcpu[MBP_MAXCPUS - 1];
	s = splhigh();
	mbstat_read(&st0);
	MBSTAT_ADD(m_extbufs, 1);
	idle->ms_st.m_extbufs -= 1;
	idle->ms_st.m_cp_cat += 1000;
	mbstat_read(&st1);
	idle->ms_st.m_cp_cat -= 1000;
	idle->ms_st.m_extbufs += 1;
	MBSTAT_SUB(m_extbufs, 1);
	splx(s);
	ST_ASSERT(idle->ms_st.m_extbufs == 0 && idle->ms_st.m_cp_cat == 0);
	if (alone) {
		ST_ASSERT_EQ(st1.m_extbufs, st0.m_extbufs);
		ST_ASSERT_EQ(st1.m_cp_cat - st0.m_cp_cat, 1000);
	} else
		ST_ASSERT(st1.m_cp_cat - st0.m_cp_cat >= 1000);
}
