/*
 * mbuf_model.c: the randomized model test of mbuf(9), suite "mbuf",
 * name "model".  Thousands of random chain operations (m_copyback,
 * m_adj both ways, m_prepend, m_cat, m_split, m_copym, m_dup, m_pullup,
 * m_copydata, m_getptr, in_cksum) run on one packet built from internal
 * mbufs, clusters, m_extadd buffers (some read-only, some with a csum
 * method) and zero-length mbufs, while copies sharing its storage are
 * kept around; after every step the packet must equal a flat byte array
 * and m_pkthdr.len its length.  Seeded and repeatable: the seed and the
 * step count are printed; kenv mbuf_model_seed and mbuf_model_steps
 * override them.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/selftest.h>

MALLOC_DEFINE(M_MBMODEL, "mbmodel", "mbuf model test buffers");

#define MODEL_MAX	4096		/* trimmed back to this */
#define MODEL_BUF	(MODEL_MAX + 2 * MCLBYTES)
#define NHOLD		4

static uint8_t model[MODEL_BUF], scratch[MODEL_BUF], rnd[MODEL_BUF];
static int mlen;
static uint32_t rstate;
static int nfrees, ncsums;

static uint32_t
rand32(void)
{
	rstate ^= rstate << 13;
	rstate ^= rstate >> 17;
	rstate ^= rstate << 5;
	return (rstate);
}

static int
rndn(int n)			/* 0 .. n-1 */
{
	return (n <= 0 ? 0 : (int)(rand32() % (uint32_t)n));
}

static void
model_free(caddr_t buf, size_t size, void *arg)
{
	free(buf, M_MBMODEL);
	nfrees++;
}

static uint16_t
model_csum(caddr_t buf, int off, int len, void *arg)
{
	ncsums++;
	return (in_cksum_sum(buf + off, len));
}

static const struct m_extops ops_plain = { model_free, NULL };
static const struct m_extops ops_csum = { model_free, model_csum };

/* A chain (no packet header) of random kinds holding data[0..len). */
static struct mbuf *
mk_piece(const uint8_t *data, int len)
{
	struct mbuf *top = NULL, **np = &top, *n;
	int count, size, lead;
	caddr_t buf;

	do {
		n = m_get(M_WAIT, MT_DATA);
		switch (rndn(6)) {
		case 0:				/* empty */
			count = 0;
			break;
		case 1:
		case 2:				/* internal */
			count = 1 + rndn(MLEN);
			count = MIN(len, count);
			m_align(n, count);
			break;
		case 3:				/* cluster */
			m_clget(n, M_WAIT);
			lead = rndn(64);
			count = 1 + rndn(MCLBYTES - lead);
			count = MIN(len, count);
			n->m_data += lead;
			break;
		default:			/* external, maybe read-only */
			size = 16 + rndn(1000);
			buf = malloc(size, M_MBMODEL, M_WAITOK);
			lead = rndn(8);
			count = 1 + rndn(size - lead);
			count = MIN(len, count);
			memcpy(buf + lead, data, count);
			m_extadd(n, buf, size, rndn(2) ? &ops_csum :
			    &ops_plain, NULL, rndn(3) == 0 ? M_RDONLY : 0,
			    M_WAIT);
			n->m_data += lead;
			break;
		}
		if (!(n->m_flags & M_EXT) || (n->m_ext.ext_flags & EXT_CLUSTER))
			memcpy(n->m_data, data, count);
		n->m_len = count;
		data += count;
		len -= count;
		*np = n;
		np = &n->m_next;
	} while (len > 0);
	return (top);
}

static int
check(struct mbuf *m, const uint8_t *want, int len, const char **why)
{
	static char buf[160];

	if (m_sanity(m, buf, sizeof(buf)) != 0) {
		*why = buf;
		return (-1);
	}
	if ((m->m_flags & M_PKTHDR) && m->m_pkthdr.len != len) {
		*why = "m_pkthdr.len differs from the model";
		return (-1);
	}
	if (m_length(m) != len) {
		*why = "chain length differs from the model";
		return (-1);
	}
	m_copydata(m, 0, len, scratch);
	if (memcmp(scratch, want, len) != 0) {
		*why = "data differs from the model";
		return (-1);
	}
	return (0);
}

/* Would writing [off, off + len) touch read-only storage? */
static bool
hits_readonly(struct mbuf *m, int off, int len)
{
	int pos = 0;

	for (; m != NULL; pos += m->m_len, m = m->m_next)
		if (len > 0 && m->m_len > 0 && pos < off + len &&
		    pos + m->m_len > off &&
		    M_READONLY(m))
			return (true);
	return (false);
}

SELFTEST(mbuf, model)
{
	struct mbuf *m, *t, *hold[NHOLD] = { NULL };
	const char *why = NULL;
	long steps = 3000, seed = 0x6d627566;
	int step, op = -1, off, len, i, err, rc = 0;
	u_long cp0[2], cp1[2];

	kenv_getint("mbuf_model_steps", &steps);
	kenv_getint("mbuf_model_seed", &seed);
	rstate = (uint32_t)seed != 0 ? (uint32_t)seed : 1;
	printf("# model seed 0x%lx steps %ld\n", seed, steps);
	cp0[0] = mbstat.m_cp_pullup + mbstat.m_cp_copym + mbstat.m_cp_dup +
	    mbstat.m_cp_copyback + mbstat.m_cp_prepend + mbstat.m_cp_cat +
	    mbstat.m_cp_split + mbstat.m_cp_pkthdr;
	cp0[1] = mbstat.m_cp_copydata;
	m = m_gethdr(M_WAIT, MT_DATA);
	mlen = 0;
	for (step = 0; step < steps && rc == 0; step++) {
		for (i = 0; i < 512; i++)
			rnd[i] = (uint8_t)rand32();
		op = rndn(14);
		switch (op) {
		case 0:				/* m_copyback */
			off = rndn(mlen + 20);
			len = rndn(300);
			for (i = 0; i < len; i++)
				rnd[i] = (uint8_t)rand32();
			if (hits_readonly(m, off, len)) {
				err = m_copyback(m, off, len, rnd, M_WAIT);
				if (err != EPERM) {
					why = "m_copyback wrote read-only storage";
					rc = -1;
				}
				break;
			}
			err = m_copyback(m, off, len, rnd, M_WAIT);
			if (err != 0) {
				why = "m_copyback failed";
				rc = -1;
				break;
			}
			if (off > mlen)
				memset(model + mlen, 0, off - mlen);
			memcpy(model + off, rnd, len);
			mlen = MAX(mlen, off + len);
			break;
		case 1:				/* m_adj from the head */
			len = rndn(MIN(mlen, 300) + 2);
			m_adj(m, len);
			len = MIN(len, mlen);
			memmove(model, model + len, mlen - len);
			mlen -= len;
			break;
		case 2:				/* m_adj from the tail */
			len = rndn(MIN(mlen, 300) + 2);
			m_adj(m, -len);
			mlen -= MIN(len, mlen);
			break;
		case 3:				/* m_prepend */
			len = rndn(rndn(4) == 0 ? MCLBYTES : 40) + 1;
			m = m_prepend(m, len, M_WAIT);
			if (m == NULL || m->m_len < len) {
				why = "m_prepend";
				rc = -1;
				break;
			}
			memcpy(mtod(m, caddr_t), rnd, len);
			memmove(model + len, model, mlen);
			memcpy(model, rnd, len);
			mlen += len;
			break;
		case 4:				/* m_cat a mixed piece */
			len = rndn(rndn(3) == 0 ? 2500 : 200);
			for (i = 0; i < len; i++)
				rnd[i] = (uint8_t)rand32();
			t = mk_piece(rnd, len);
			m_cat(m, t);
			m->m_pkthdr.len += len;
			memcpy(model + mlen, rnd, len);
			mlen += len;
			break;
		case 5:				/* m_split, then join again */
		case 6:				/* m_split, drop the tail */
			off = rndn(mlen + 1);
			t = m_split(m, off, M_WAIT);
			if (t == NULL || check(m, model, off, &why) != 0 ||
			    check(t, model + off, mlen - off, &why) != 0) {
				if (why == NULL)
					why = "m_split returned NULL";
				rc = -1;
				m_freem(t);
				break;
			}
			if (op == 5)
				m_catpkt(m, t);
			else {
				m_freem(t);
				mlen = off;
			}
			break;
		case 7:				/* m_copym, kept as a holder */
			off = rndn(mlen + 1);
			len = rndn(2) ? M_COPYALL : rndn(mlen - off + 1);
			if (len == 0 || (off == mlen && rndn(2)))
				break;
			t = m_copym(m, off, len, M_WAIT);
			if (len == M_COPYALL)
				len = mlen - off;
			if ((t == NULL) != (len == 0 && off != 0) ||
			    (t != NULL && check(t, model + off, len, &why))) {
				if (why == NULL)
					why = "m_copym";
				rc = -1;
				m_freem(t);
				break;
			}
			i = rndn(NHOLD);
			m_freem(hold[i]);
			hold[i] = t;
			break;
		case 8:				/* m_pullup */
			if (mlen == 0)
				break;
			len = 1 + rndn(MIN(mlen, MCLBYTES));
			m = m_pullup(m, len);
			if (m == NULL || m->m_len < len) {
				why = "m_pullup";
				rc = -1;
			}
			break;
		case 9:				/* m_copydata and in_cksum */
			off = rndn(mlen + 1);
			len = rndn(mlen - off + 1);
			m_copydata(m, off, len, scratch);
			if (memcmp(scratch, model + off, len) != 0 ||
			    in_cksum_skip(m, len, off) !=
			    in_cksum_flat(model + off, len)) {
				why = "m_copydata or in_cksum";
				rc = -1;
			}
			break;
		case 10:			/* become a copy (shared) */
		case 11:			/* or a deep copy */
			t = op == 10 ? m_copym(m, 0, M_COPYALL, M_WAIT) :
			    m_dup(m, M_WAIT);
			if (t == NULL) {
				why = "m_copym/m_dup of the whole packet";
				rc = -1;
				break;
			}
			m_freem(m);
			m = t;
			break;
		case 12:			/* m_getptr */
			off = rndn(mlen + 1);
			t = m_getptr(m, off, &i);
			if (t == NULL || (off < mlen &&
			    (uint8_t)t->m_data[i] != model[off]) ||
			    (off == mlen && (t->m_next != NULL || i != t->m_len))) {
				why = "m_getptr";
				rc = -1;
			}
			break;
		case 13:			/* drop a holder */
			i = rndn(NHOLD);
			m_freem(hold[i]);
			hold[i] = NULL;
			break;
		}
		if (rc == 0 && mlen > MODEL_MAX) {
			m_adj(m, MODEL_MAX - mlen);
			mlen = MODEL_MAX;
		}
		if (rc == 0)
			rc = check(m, model, mlen, &why);
	}
	cp1[0] = mbstat.m_cp_pullup + mbstat.m_cp_copym + mbstat.m_cp_dup +
	    mbstat.m_cp_copyback + mbstat.m_cp_prepend + mbstat.m_cp_cat +
	    mbstat.m_cp_split + mbstat.m_cp_pkthdr;
	cp1[1] = mbstat.m_cp_copydata;
	printf("# model %d steps, %lu bytes copied by rearranging calls, "
	    "%lu copied out, %d external frees, %d csum calls\n", step,
	    cp1[0] - cp0[0], cp1[1] - cp0[1], nfrees, ncsums);
	if (rc != 0 && m != NULL)
		m_print(m);
	m_freem(m);
	for (i = 0; i < NHOLD; i++)
		m_freem(hold[i]);
	if (rc != 0)
		ST_FAIL("step %d (op %d, seed 0x%lx): %s", step - 1, op, seed,
		    why);
	ST_ASSERT_EQ(step, steps);
}
