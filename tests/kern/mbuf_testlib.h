/*
 * mbuf_testlib.h: helpers shared by the mbuf module's self-tests
 * (mbuf_testlib.c defines them).
 *
 * pdt_build makes a packet from a spec such as "i40 c100:e z r60:8":
 * one token per mbuf, the first one carrying the packet header.  The
 * letter is the storage (i internal, c cluster, e writable m_extadd
 * buffer, r read-only m_extadd buffer, z an empty internal mbuf), the
 * number the bytes it holds, and an optional ":N" puts the data N bytes
 * into the storage (":e": flush with its end, no trailing space).
 * Byte i of the packet is PDT_PAT(i).  External buffers are PDT_EXTSIZE
 * bytes from M_PDTEST; pdt_extfrees counts their frees.  pdt_csumops
 * is pdt_extops with a csum method, whose calls pdt_csums counts.
 */
#ifndef _TESTS_KERN_MBUF_TESTLIB_H_
#define _TESTS_KERN_MBUF_TESTLIB_H_

#define PDT_PAT(i)	((uint8_t)((i) * 13 + 5))
#define PDT_EXTSIZE	1024

MALLOC_DECLARE(M_PDTEST);
extern int pdt_extfrees;
extern const struct m_extops pdt_extops;
extern const struct m_extops pdt_csumops;	/* with a csum method */
extern long pdt_csums;			/* its calls */

struct mbuf	*pdt_build(const char *spec);
bool		 pdt_holds(struct mbuf *m, int base, int len);
caddr_t		 pdt_storage(struct mbuf *m, int *sizep);
int		 pdt_nmbufs(struct mbuf *m);

/*
 * tl_mixed: a packet of TL_MIXED_LEN bytes TL_PAT(0 ..): 50 internal,
 * 300 in a cluster, an empty mbuf, 1000 in tl_extstore[0] wrapped with
 * tl_ops (its free and csum calls counted in tl_extcount[0] and [1]),
 * 100 internal.  tl_holds: is m a sound chain of TL_PAT(base ..)?
 */
#define TL_PAT(i)	((uint8_t)((i) * 11 + 5))
#define TL_MIXED_LEN	1450
extern const struct m_extops tl_ops;
extern uint8_t	 tl_extstore[4][1500];
extern int	 tl_extcount[2];
struct mbuf	*tl_mixed(void);
bool		 tl_holds(struct mbuf *m, int base, int len);

/*
 * The module's counters summed over every CPU now (mbstat_read), for
 * the checks that compare them before and after: tl_mbstat().m_drops.
 */
static inline struct mbstat
tl_mbstat(void)
{
	struct mbstat st;

	mbstat_read(&st);
	return (st);
}

/* Bytes copied by every rearranging call, summed (the net tests). */
u_long		 tl_copied(void);

/* The property test's engine (uipc_mbuf2_prop.c), also the mbuf fuzzer's. */
extern char	 prop_detail[];
const char	*prop_run(long steps, long trace);
const char	*prop_fuzz(const uint8_t *data, size_t len);

#endif /* !_TESTS_KERN_MBUF_TESTLIB_H_ */
