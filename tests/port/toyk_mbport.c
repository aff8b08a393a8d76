/*
 * toyk_mbport.c: toyk's implementation of the mbuf module's seam,
 * mbuf_port(9): every function sys/mbuf_port.h declares, over toyk's
 * own calls.  This and include/machine/mbuf_port.h are all a kernel
 * writes to take the module in.
 *
 * Invariants: a type's ks_inuse and ks_memuse are what it holds now
 * (the self-tests' leak check reads them); MBP_NOWAIT never sleeps;
 * MBP_WAITOK sleeps until memory is given back and never returns NULL.
 */
#include "toyk.h"
#include <sys/mbuf_port.h>

static int tk_memwaiters;

/*
 * A type may carry a byte limit (ks_limit) and a failure countdown
 * (ks_failafter: n + 1 successes left, then MBP_NOWAIT calls fail); the
 * self-tests set them to reach the module's failure paths.
 */
void *
mbp_malloc(size_t size, struct mbp_memtype *type, int flags)
{
	void *p;

	for (;;) {
		p = NULL;
		if (type->ks_failafter == 1 && (flags & MBP_WAITOK) == 0)
			break;
		if (type->ks_limit == 0 ||
		    type->ks_memuse + size <= type->ks_limit)
			p = tk_kmem_alloc(size);
		if (p != NULL || (flags & MBP_WAITOK) == 0)
			break;
		if (!mbp_cansleep())
			mbp_panic("mbp_malloc: MBP_WAITOK for %zu bytes of %s "
			    "where toyk cannot sleep", size, type->ks_shortdesc);
		type->ks_waits++;
		tk_memwaiters++;
		tk_sleep(&tk_memwaiters, 1);
		tk_memwaiters--;
	}
	if (p == NULL) {
		type->ks_fails++;
		return (NULL);
	}
	if (type->ks_failafter > 1)
		type->ks_failafter--;
	if (flags & MBP_ZERO)
		memset(p, 0, size);
	type->ks_inuse++;
	type->ks_memuse += tk_kmem_size(p);
	if (type->ks_memuse > type->ks_maxused)
		type->ks_maxused = type->ks_memuse;
	type->ks_calls++;
	return (p);
}

void
mbp_free(void *addr, struct mbp_memtype *type)
{
	if (addr == NULL)
		return;
	type->ks_inuse--;
	type->ks_memuse -= tk_kmem_size(addr);
	tk_kmem_free(addr);
	if (tk_memwaiters > 0)
		tk_wakeup(&tk_memwaiters);
}

/* Put type on toyk's list, which the self-tests' leak check walks. */
void
mbp_memtype_init(struct mbp_memtype *type)
{
	tk_memtype_register(type);
}

const char *
mbp_memtype_name(const struct mbp_memtype *type)
{
	return (type->ks_shortdesc != NULL ? type->ks_shortdesc : "?");
}

void
mbp_lock_init(struct mbp_lock *lk, const char *name)
{
	lk->ml_name = name;
	lk->ml_held = 0;
	lk->ml_s = 0;
}

void
mbp_lock_enter(struct mbp_lock *lk)
{
	int s = mbp_splhigh();

	if (lk->ml_held)
		mbp_panic("mbp_lock_enter: %s is already held", lk->ml_name);
	lk->ml_held = 1;
	lk->ml_s = s;
}

void
mbp_lock_exit(struct mbp_lock *lk)
{
	if (!lk->ml_held)
		mbp_panic("mbp_lock_exit: %s is not held", lk->ml_name);
	lk->ml_held = 0;
	mbp_splx(lk->ml_s);
}

/* One CPU: a call for cpu 0 runs here, masked. */
void
mbp_xcall(u_int cpu, void (*fn)(void *), void *arg)
{
	int s;

	if (cpu != 0)
		return;
	s = mbp_splhigh();
	fn(arg);
	mbp_splx(s);
}

/* One CPU: toyk sleeps at any level; the caller's comes back. */
int
mbp_lock_sleep(struct mbp_lock *lk, const void *chan, const char *wmesg,
    int timo)
{
	int s = lk->ml_s, r;

	lk->ml_held = 0;
	r = tk_sleep(chan, timo);
	tk_ipl = s;
	lk->ml_held = 1;
	lk->ml_s = s;
	return (r ? EWOULDBLOCK : 0);
}

void
mbp_wakeup(const void *chan)
{
	tk_wakeup(chan);
}

/*
 * Format the message, then hand it to whoever catches panics (the
 * self-test harness) or stop toyk.
 */
void
mbp_panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	tk_vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tk_panic(msg);
}

int
mbp_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = tk_vprintf(fmt, ap);
	va_end(ap);
	return (n);
}

int
mbp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return (tk_vformat(buf, size, fmt, ap));
}

int
mbp_hz(void)
{
	return (TK_HZ);
}

bool
mbp_tunable(const char *name, long *valp)
{
	return (tk_param(name, valp));
}

/* The four routines any freestanding C needs. */
void *
(memcpy)(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n-- > 0)
		*dp++ = *sp++;
	return (d);
}

void *
(memmove)(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp < sp)
		while (n-- > 0)
			*dp++ = *sp++;
	else
		while (n-- > 0)
			dp[n] = sp[n];
	return (d);
}

void *
(memset)(void *d, int c, size_t n)
{
	unsigned char *dp = d;

	while (n-- > 0)
		*dp++ = (unsigned char)c;
	return (d);
}

int
(memcmp)(const void *a, const void *b, size_t n)
{
	const unsigned char *ap = a, *bp = b;

	for (; n > 0; n--, ap++, bp++)
		if (*ap != *bp)
			return (*ap - *bp);
	return (0);
}
