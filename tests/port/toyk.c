/*
 * toyk.c: the toyk kernel (see toyk.h): console, formatter, memory,
 * threads, clock and boot.  Nothing here knows about mbufs: the mbuf
 * module reaches toyk through toyk_mbport.c only.
 */
#include "toyk.h"

long	tk_syscall3(long nr, long a, long b, long c);
void	tk_swtch(void **from_sp, void *to_sp);
int	tk_main(int argc, char **argv);
void	tk_selftest_main(const char *pattern);	/* toyk_selftest.c */

#define SYS_write	1
#define SYS_exit_group	231

volatile int tk_ipl;
volatile int tk_intr_depth;
volatile uint64_t tk_ticks;

/* ---- console ---- */
static char	*tk_capbuf;
static size_t	 tk_capsize, tk_caplen;
static char	 tk_outbuf[512];
static size_t	 tk_outlen;

static void
tk_flush(void)
{
	if (tk_outlen > 0)
		tk_syscall3(SYS_write, 1, (long)tk_outbuf, (long)tk_outlen);
	tk_outlen = 0;
}

void
tk_putc(int c)
{
	if (tk_capbuf != NULL && tk_caplen + 1 < tk_capsize) {
		tk_capbuf[tk_caplen++] = (char)c;
		tk_capbuf[tk_caplen] = '\0';
	}
	tk_outbuf[tk_outlen++] = (char)c;
	if (c == '\n' || tk_outlen == sizeof(tk_outbuf))
		tk_flush();
}

void
tk_capture(char *buf, size_t size)
{
	tk_capbuf = buf;
	tk_capsize = size;
	tk_caplen = 0;
	if (size > 0)
		buf[0] = '\0';
}

size_t
tk_capture_end(void)
{
	size_t n = tk_caplen;

	tk_capbuf = NULL;
	return (n);
}

void
tk_exit(int code)
{
	tk_flush();
	tk_syscall3(SYS_exit_group, code, 0, 0);
	for (;;)
		;
}

void
tk_halt(const char *why)
{
	tk_printf("toyk: halted: %s\n", why);
	tk_exit(2);
}

void (*tk_panic_catcher)(const char *msg);

void
tk_panic(const char *msg)
{
	if (tk_panic_catcher != NULL)
		tk_panic_catcher(msg);
	tk_printf("toyk: panic: %s\n", msg);
	tk_exit(3);
}

/* ---- formatter: %d %i %u %x %X %o %c %s %p %%, flags - 0, width, l ll z */
struct tk_out {
	char	*buf;
	size_t	 size, len;
};

static void
tk_emit(struct tk_out *o, char c)
{
	if (o->buf == NULL)
		tk_putc(c);
	else if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void
tk_emitnum(struct tk_out *o, unsigned long long v, int base, bool upper,
    bool neg, int width, bool left, bool zero)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, pad;

	do {
		tmp[n++] = dig[v % base];
		v /= base;
	} while (v != 0);
	pad = width - n - (neg ? 1 : 0);
	if (!left && !zero)
		for (; pad > 0; pad--)
			tk_emit(o, ' ');
	if (neg)
		tk_emit(o, '-');
	if (!left && zero)
		for (; pad > 0; pad--)
			tk_emit(o, '0');
	while (n > 0)
		tk_emit(o, tmp[--n]);
	if (left)
		for (; pad > 0; pad--)
			tk_emit(o, ' ');
}

static int
tk_doformat(struct tk_out *o, const char *fmt, va_list ap)
{
	for (; *fmt != '\0'; fmt++) {
		bool left = false, zero = false;
		int width = 0, lng = 0;
		unsigned long long u;
		long long d;
		const char *s;
		int n;

		if (*fmt != '%') {
			tk_emit(o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng = (*fmt == 'z') ? 1 : lng + 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			d = lng == 0 ? va_arg(ap, int) : lng == 1 ?
			    va_arg(ap, long) : va_arg(ap, long long);
			tk_emitnum(o, d < 0 ? -(unsigned long long)d : d, 10,
			    false, d < 0, width, left, zero);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng == 0 ? va_arg(ap, unsigned int) : lng == 1 ?
			    va_arg(ap, unsigned long) :
			    va_arg(ap, unsigned long long);
			tk_emitnum(o, u, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 :
			    16, *fmt == 'X', false, width, left, zero);
			break;
		case 'p':
			tk_emit(o, '0');
			tk_emit(o, 'x');
			tk_emitnum(o, (uintptr_t)va_arg(ap, void *), 16, false,
			    false, 0, false, false);
			break;
		case 'c':
			tk_emit(o, (char)va_arg(ap, int));
			break;
		case 's':
			if ((s = va_arg(ap, const char *)) == NULL)
				s = "(null)";
			for (n = 0; s[n] != '\0'; n++)
				;
			if (!left)
				for (; width > n; width--)
					tk_emit(o, ' ');
			while (*s != '\0')
				tk_emit(o, *s++);
			for (; width > n; width--)
				tk_emit(o, ' ');
			break;
		case '%':
			tk_emit(o, '%');
			break;
		default:
			tk_emit(o, '?');
			if (*fmt == '\0')
				fmt--;
			break;
		}
	}
	if (o->buf != NULL && o->size > 0)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
	return ((int)o->len);
}

int
tk_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct tk_out o = { buf, size, 0 };
	char dummy;

	if (buf == NULL || size == 0) {
		o.buf = &dummy;
		o.size = 0;
	}
	return (tk_doformat(&o, fmt, ap));
}

int
tk_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = tk_vformat(buf, size, fmt, ap);
	va_end(ap);
	return (n);
}

int
tk_vprintf(const char *fmt, va_list ap)
{
	struct tk_out o = { NULL, 0, 0 };

	return (tk_doformat(&o, fmt, ap));
}

int
tk_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = tk_vprintf(fmt, ap);
	va_end(ap);
	return (n);
}

/* ---- memory: a page map over a static arena, buckets above it ---- */
#define TK_NPAGES	16384			/* 64 MiB */
static unsigned char tk_arena[TK_NPAGES * TK_PAGE]
	    __attribute__((aligned(TK_PAGE)));
static unsigned char tk_pagemap[TK_NPAGES];	/* 1: in use */
static size_t tk_pages_free = TK_NPAGES;

void *
tk_page_alloc(size_t npages)
{
	size_t i, run = 0;

	if (npages == 0)
		return (NULL);
	for (i = 0; i < TK_NPAGES; i++) {
		run = tk_pagemap[i] ? 0 : run + 1;
		if (run == npages) {
			size_t first = i + 1 - npages, j;

			for (j = first; j <= i; j++)
				tk_pagemap[j] = 1;
			tk_pages_free -= npages;
			return (tk_arena + first * TK_PAGE);
		}
	}
	return (NULL);
}

void
tk_page_free(void *p, size_t npages)
{
	size_t first = ((unsigned char *)p - tk_arena) / TK_PAGE, j;

	for (j = first; j < first + npages; j++) {
		if (!tk_pagemap[j])
			tk_halt("tk_page_free: page not in use");
		tk_pagemap[j] = 0;
	}
	tk_pages_free += npages;
}

size_t
tk_page_nfree(void)
{
	return (tk_pages_free);
}

/*
 * Blocks of 32 << b bytes (b < TK_NBUCKET) come from pages cut up on
 * demand; larger ones are whole pages.  A 16-byte header before each
 * block says which.
 */
#define TK_NBUCKET	7			/* up to 2048 */
struct tk_blk {
	union {
		struct tk_blk	*next;		/* free: on its bucket */
		size_t		 npages;	/* big: pages it spans */
	};
	size_t	bucket;				/* TK_NBUCKET: big */
};
static struct tk_blk *tk_bucket[TK_NBUCKET];

void *
tk_kmem_alloc(size_t size)
{
	struct tk_blk *h;
	size_t b, bs, i;
	unsigned char *pg;

	for (b = 0; b < TK_NBUCKET && (32UL << b) < size + sizeof(*h); b++)
		;
	if (b == TK_NBUCKET) {
		size_t n = (size + sizeof(*h) + TK_PAGE - 1) / TK_PAGE;

		/* Page-aligned data when size is whole pages: a page more. */
		if (size % TK_PAGE == 0)
			n++;
		if ((pg = tk_page_alloc(n)) == NULL)
			return (NULL);
		h = (struct tk_blk *)(size % TK_PAGE == 0 ?
		    pg + TK_PAGE - sizeof(*h) : pg);
		h->npages = n;
		h->bucket = TK_NBUCKET;
		return (h + 1);
	}
	if (tk_bucket[b] == NULL) {
		if ((pg = tk_page_alloc(1)) == NULL)
			return (NULL);
		bs = 32UL << b;
		for (i = 0; i + bs <= TK_PAGE; i += bs) {
			h = (struct tk_blk *)(pg + i);
			h->bucket = b;
			h->next = tk_bucket[b];
			tk_bucket[b] = h;
		}
	}
	h = tk_bucket[b];
	tk_bucket[b] = h->next;
	return (h + 1);
}

void
tk_kmem_free(void *p)
{
	struct tk_blk *h = (struct tk_blk *)p - 1;
	unsigned char *pg;

	if (h->bucket == TK_NBUCKET) {
		pg = (unsigned char *)((uintptr_t)h & ~(uintptr_t)(TK_PAGE - 1));
		tk_page_free(pg, h->npages);
		return;
	}
	h->next = tk_bucket[h->bucket];
	tk_bucket[h->bucket] = h;
}

size_t
tk_kmem_size(const void *p)
{
	const struct tk_blk *h = (const struct tk_blk *)p - 1;

	if (h->bucket == TK_NBUCKET)
		return (h->npages * TK_PAGE - sizeof(*h));
	return ((32UL << h->bucket) - sizeof(*h));
}

/* ---- threads ---- */
#define TK_NTHREAD	16
#define TK_STACK	(128 * 1024)
enum tk_state { TK_FREE, TK_RUN, TK_SLEEP, TK_DONE };
struct tk_thread {
	void		*sp;
	enum tk_state	 state;
	const void	*chan;
	uint64_t	 wake_at;		/* 0: no timeout */
	bool		 timedout;
	int		 ipl;			/* its level while switched out */
	void		(*fn)(void *);
	void		*arg;
	const char	*name;
	unsigned char	*stack;
	void		*slot;			/* tk_thread_slot */
};
static struct tk_thread tk_threads[TK_NTHREAD];
static struct tk_thread *tk_cur = &tk_threads[0];
static struct tk_timer *tk_timers;

static void
tk_thread_start(void)
{
	tk_ipl = 0;
	tk_cur->fn(tk_cur->arg);
	tk_cur->state = TK_DONE;
	tk_wakeup(tk_cur);
	tk_yield();
	tk_halt("a finished thread ran again");
}

struct tk_thread *
tk_thread_new(void (*fn)(void *), void *arg, const char *name)
{
	struct tk_thread *t;
	void **sp;
	int i;

	for (i = 1; i < TK_NTHREAD; i++)
		if (tk_threads[i].state == TK_FREE)
			break;
	if (i == TK_NTHREAD)
		return (NULL);
	t = &tk_threads[i];
	if (t->stack == NULL &&
	    (t->stack = tk_page_alloc(TK_STACK / TK_PAGE)) == NULL)
		return (NULL);
	t->fn = fn;
	t->arg = arg;
	t->name = name;
	t->chan = NULL;
	t->wake_at = 0;
	t->ipl = 0;
	t->slot = NULL;
	/* The frame tk_swtch pops: six registers, then the entry. */
	sp = (void **)(t->stack + TK_STACK);
	*--sp = NULL;
	*--sp = (void *)tk_thread_start;
	for (i = 0; i < 6; i++)
		*--sp = NULL;
	t->sp = sp;
	t->state = TK_RUN;
	return (t);
}

void **
tk_thread_slot(void)
{
	return (&tk_cur->slot);
}

void
tk_thread_wait(struct tk_thread *t)
{
	while (t->state != TK_DONE)
		tk_sleep(t, 0);
	t->state = TK_FREE;		/* its stack is kept for the next */
}

/* The clock's tick: timers and timeouts, at interrupt level. */
static void
tk_tick(void)
{
	struct tk_timer **pp, *t;
	int i, s = tk_ipl;

	tk_ticks++;
	tk_intr_depth++;
	tk_ipl = 4;
	for (pp = &tk_timers; (t = *pp) != NULL;) {
		if (t->tt_due <= tk_ticks) {
			*pp = t->tt_next;
			t->tt_armed = false;
			t->tt_fn(t->tt_arg);
			pp = &tk_timers;	/* the list may have changed */
		} else
			pp = &t->tt_next;
	}
	for (i = 0; i < TK_NTHREAD; i++) {
		struct tk_thread *th = &tk_threads[i];

		if (th->state == TK_SLEEP && th->wake_at != 0 &&
		    th->wake_at <= tk_ticks) {
			th->timedout = true;
			th->state = TK_RUN;
		}
	}
	tk_intr_depth--;
	tk_ipl = s;
}

/* Switch to the next runnable thread; tick the clock while none is. */
void
tk_yield(void)
{
	struct tk_thread *from = tk_cur, *to;
	int i, idle;

	for (idle = 0;; idle++) {
		for (i = 1; i <= TK_NTHREAD; i++) {
			to = &tk_threads[(from - tk_threads + i) % TK_NTHREAD];
			if (to->state == TK_RUN)
				goto found;
		}
		if (idle > 1000000)
			tk_halt("every thread waits and nothing will wake one");
		tk_tick();
	}
found:
	if (to == from)
		return;
	from->ipl = tk_ipl;
	tk_cur = to;
	tk_swtch(&from->sp, to->sp);
	tk_ipl = tk_cur->ipl;
}

int
tk_sleep(const void *chan, int timo)
{
	tk_cur->chan = chan;
	tk_cur->wake_at = timo > 0 ? tk_ticks + timo : 0;
	tk_cur->timedout = false;
	tk_cur->state = TK_SLEEP;
	tk_yield();
	tk_cur->chan = NULL;
	return (tk_cur->timedout ? 1 : 0);
}

void
tk_wakeup(const void *chan)
{
	int i;

	for (i = 0; i < TK_NTHREAD; i++)
		if (tk_threads[i].state == TK_SLEEP &&
		    tk_threads[i].chan == chan)
			tk_threads[i].state = TK_RUN;
}

void
tk_timer_arm(struct tk_timer *t, int ticks)
{
	tk_timer_disarm(t);
	t->tt_due = tk_ticks + (ticks > 0 ? ticks : 1);
	t->tt_armed = true;
	t->tt_next = tk_timers;
	tk_timers = t;
}

bool
tk_timer_disarm(struct tk_timer *t)
{
	struct tk_timer **pp;

	for (pp = &tk_timers; *pp != NULL; pp = &(*pp)->tt_next)
		if (*pp == t) {
			*pp = t->tt_next;
			t->tt_armed = false;
			return (true);
		}
	return (false);
}

/* ---- boot ---- */
static int	  tk_argc;
static char	**tk_argv;

const char *
tk_param_str(const char *name)
{
	int i;
	size_t n;

	for (n = 0; name[n] != '\0'; n++)
		;
	for (i = 1; i < tk_argc; i++) {
		const char *a = tk_argv[i];
		size_t k;

		for (k = 0; k < n && a[k] == name[k]; k++)
			;
		if (k == n && a[n] == '=')
			return (a + n + 1);
	}
	return (NULL);
}

bool
tk_param(const char *name, long *valp)
{
	const char *s = tk_param_str(name);
	long v = 0, sign = 1;

	if (s == NULL || *s == '\0')
		return (false);
	if (*s == '-') {
		sign = -1;
		s++;
	}
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (*s - '0');
	if (*s != '\0')
		return (false);
	*valp = sign * v;
	return (true);
}

int
tk_main(int argc, char **argv)
{
	const char *pat;

	tk_argc = argc;
	tk_argv = argv;
	tk_threads[0].state = TK_RUN;
	tk_threads[0].name = "main";
	if ((pat = tk_param_str("selftest")) == NULL)
		pat = "*";
	tk_printf("toyk: %lu KiB of pages, %d Hz\n",
	    (unsigned long)(tk_page_nfree() * TK_PAGE / 1024), TK_HZ);
	tk_selftest_main(pat);
	return (0);
}
