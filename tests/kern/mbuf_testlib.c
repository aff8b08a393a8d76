/*
 * mbuf_testlib.c: helpers shared by the mbuf module's self-tests,
 * declared in mbuf_testlib.h: pdt_build and friends (chains from a
 * spec, the m_pulldown(9) and m_datarange(9) tests and the property
 * test) and tl_mixed (one packet of every kind of storage, with a csum
 * method, for the failure, checksum and m_verify tests).  No test case
 * lives here.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include "../../kern/mbuf_private.h"
#include "mbuf_testlib.h"

MALLOC_DEFINE(M_PDTEST, "pdtest", "m_pulldown(9) self-tests");

int pdt_extfrees;

static void
pdt_extfree(caddr_t buf, size_t size, void *arg)
{
	free(buf, M_PDTEST);
	pdt_extfrees++;
}

const struct m_extops pdt_extops = { pdt_extfree, NULL };

/* The same storage with a csum method (SPIN's), counted in pdt_csums. */
long pdt_csums;

static uint16_t
pdt_csum(caddr_t buf, int off, int len, void *arg)
{
	pdt_csums++;
	return (in_cksum_sum(buf + off, len));
}

const struct m_extops pdt_csumops = { pdt_extfree, pdt_csum };

/* The storage m's data lives in, and its size. */
caddr_t
pdt_storage(struct mbuf *m, int *sizep)
{
	*sizep = M_SIZE(m);
	return (M_START(m));
}

struct mbuf *
pdt_build(const char *spec)
{
	struct mbuf *top = NULL, **np = &top, *m;
	caddr_t buf, start;
	int total = 0, len, lead, size, i;
	bool flush;
	char k;

	for (;;) {
		while (*spec == ' ')
			spec++;
		if (*spec == '\0')
			break;
		k = *spec++;
		len = (int)strtoul(spec, (char **)&spec, 10);
		lead = 0;
		flush = false;
		if (*spec == ':') {
			spec++;
			if (*spec == 'e') {
				flush = true;
				spec++;
			} else
				lead = (int)strtoul(spec, (char **)&spec, 10);
		}
		m = top == NULL ? m_gethdr(M_WAIT, MT_DATA) :
		    m_get(M_WAIT, MT_DATA);
		switch (k) {
		case 'c':
			m_clget(m, M_WAIT);
			break;
		case 'e':
		case 'r':
			buf = malloc(PDT_EXTSIZE, M_PDTEST, M_WAITOK);
			memset(buf, 0xee, PDT_EXTSIZE);
			m_extadd(m, buf, PDT_EXTSIZE, &pdt_extops, NULL,
			    k == 'r' ? M_RDONLY : 0, M_WAIT);
			break;
		case 'z':
			len = 0;
			break;
		}
		start = pdt_storage(m, &size);
		m->m_data = start + (flush ? size - len : lead);
		for (i = 0; i < len; i++)
			m->m_data[i] = PDT_PAT(total + i);
		m->m_len = len;
		total += len;
		*np = m;
		np = &m->m_next;
	}
	top->m_pkthdr.len = total;
	return (top);
}

/* Is m a sound packet of PDT_PAT(base .. base + len), regions intact? */
bool
pdt_holds(struct mbuf *m, int base, int len)
{
	static uint8_t buf[1024];
	char why[160];
	int i, o, n;

	if (m_sanity(m, why, sizeof(why)) != 0 ||
	    m_region_sanity(m, why, sizeof(why)) != 0) {
		printf("# %s\n", why);
		return (false);
	}
	if (m_length(m) != len ||
	    ((m->m_flags & M_PKTHDR) && m->m_pkthdr.len != len))
		return (false);
	for (o = 0; o < len; o += n) {
		n = MIN(len - o, (int)sizeof(buf));
		m_copydata(m, o, n, buf);
		for (i = 0; i < n; i++)
			if (buf[i] != PDT_PAT(base + o + i))
				return (false);
	}
	return (true);
}

int
pdt_nmbufs(struct mbuf *m)
{
	int n = 0;

	for (; m != NULL; m = m->m_next)
		n++;
	return (n);
}


static void
tl_free(caddr_t buf, size_t size, void *arg)
{
	(*(int *)arg)++;
}

static uint16_t
tl_csum(caddr_t buf, int off, int len, void *arg)
{
	(*((int *)arg + 1))++;
	return (in_cksum_sum(buf + off, len));
}

const struct m_extops tl_ops = { tl_free, tl_csum };
uint8_t tl_extstore[4][1500];
int tl_extcount[2];			/* frees, csum calls */

/* A packet of internal, cluster and external mbufs, with an empty one. */
struct mbuf *
tl_mixed(void)
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
	m_extadd(n, (caddr_t)tl_extstore[0], sizeof(tl_extstore[0]), &tl_ops,
	    tl_extcount, 0, M_WAIT);
	n->m_data += 7;
	n->m_len = 1000;
	n = n->m_next = m_get(M_WAIT, MT_DATA);
	n->m_len = 100;
	for (n = m; n != NULL; n = n->m_next)
		for (i = 0; i < n->m_len; i++)
			n->m_data[i] = TL_PAT(pos++);
	m->m_pkthdr.len = pos;
	return (m);
}

bool
tl_holds(struct mbuf *m, int base, int len)
{
	static uint8_t buf[4096];
	char why[160];

	if (m_sanity(m, why, sizeof(why)) != 0 || m_length(m) != len ||
	    ((m->m_flags & M_PKTHDR) && m->m_pkthdr.len != len))
		return (false);
	m_copydata(m, 0, len, buf);
	for (int i = 0; i < len; i++)
		if (buf[i] != TL_PAT(base + i))
			return (false);
	return (true);
}

u_long
tl_copied(void)
{
	struct mbstat st;

	mbstat_read(&st);
	return (st.m_cp_pullup + st.m_cp_copym + st.m_cp_dup +
	    st.m_cp_copyback + st.m_cp_copydata + st.m_cp_prepend +
	    st.m_cp_cat + st.m_cp_split + st.m_cp_pkthdr + st.m_cp_pulldown +
	    st.m_cp_contig + st.m_cp_makewr + st.m_cp_cbcow +
	    st.m_cp_datarange);
}
