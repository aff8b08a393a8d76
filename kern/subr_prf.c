/*
 * subr_prf.c: kernel printf family, console output and panic.
 *
 * One formatter (kvprintf) serves printf, snprintf and vsnprintf; it
 * writes through a callback, so it never allocates and may be called
 * from interrupt context and from panic.  Supported conversions:
 * %d %i %u %x %X %o %p %s %c %%, flags '-' '0' ' ' '+' '#', a width
 * and a precision (numeric or '*'), length modifiers hh h l ll z j t.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/machdep.h>

const char *panicstr;

struct kprf_buf {
	char	*b_p;
	size_t	 b_left;
};

typedef void kprf_out_t(int, void *);

static void kprf_buf(int, void *);

/*
 * Console capture (cons_capture_start/stop): while a buffer is set,
 * console output goes into it instead of to the machine, so a self-test
 * can check what a command printed.  A panic ends it first.
 */
static struct kprf_buf cn_cap;
static char *cn_capbuf;

void
cnputc(int c)
{
	if (cn_capbuf != NULL) {
		kprf_buf(c, &cn_cap);
		return;
	}
	md_cons_putc(c);
}

void
cons_capture_start(char *buf, size_t size)
{
	KASSERTMSG(cn_capbuf == NULL, "cons_capture_start: already capturing");
	KASSERTMSG(size > 0, "cons_capture_start: no room");
	cn_cap.b_p = buf;
	cn_cap.b_left = size;
	cn_capbuf = buf;
}

size_t
cons_capture_stop(void)
{
	size_t n;

	if (cn_capbuf == NULL)
		return (0);
	*cn_cap.b_p = '\0';
	n = cn_cap.b_p - cn_capbuf;
	cn_capbuf = NULL;
	return (n);
}

int
cngetc(void)
{
	return (md_cons_getc());
}

static void
kprf_cons(int c, void *arg)
{
	(void)arg;
	cnputc(c);
}

static void
kprf_buf(int c, void *arg)
{
	struct kprf_buf *b = arg;

	if (b->b_left > 1) {
		*b->b_p++ = c;
		b->b_left--;
	}
}

static int
kprf_num(kprf_out_t *out, void *arg, uint64_t v, int base, bool neg,
    int width, int prec, int flags, bool upper)
{
	char buf[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, len, total = 0, pad;
	char sign = 0;

	do {
		buf[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	if (prec >= 0 && n < prec)
		while (n < prec && n < (int)sizeof(buf))
			buf[n++] = '0';
	if (neg)
		sign = '-';
	else if (flags & 0x4)
		sign = '+';
	else if (flags & 0x8)
		sign = ' ';
	len = n + (sign != 0) + ((flags & 0x10) && base == 16 ? 2 : 0);
	pad = width > len ? width - len : 0;
	if (!(flags & 0x1) && !(flags & 0x2))
		for (; pad > 0; pad--, total++)
			out(' ', arg);
	if (sign) {
		out(sign, arg);
		total++;
	}
	if ((flags & 0x10) && base == 16) {
		out('0', arg);
		out(upper ? 'X' : 'x', arg);
		total += 2;
	}
	if (!(flags & 0x1) && (flags & 0x2))
		for (; pad > 0; pad--, total++)
			out('0', arg);
	while (n > 0) {
		out(buf[--n], arg);
		total++;
	}
	for (; pad > 0; pad--, total++)
		out(' ', arg);
	return (total);
}

/*
 * The length code (0 int, 1 long, 2 long long) that fetches an argument
 * of the given size: %z, %t and %j name types whose size is the
 * machine's (size_t is an int on ILP32, a long on LP64).
 */
static int
kprf_lngof(size_t size)
{
	if (size == sizeof(int))
		return (0);
	if (size == sizeof(long))
		return (1);
	return (2);
}

static int
kvprintf(kprf_out_t *out, void *arg, const char *fmt, va_list ap)
{
	int total = 0;

	for (; *fmt != '\0'; fmt++) {
		int flags = 0, width = 0, prec = -1, lng = 0, base;
		uint64_t uv;
		int64_t sv;
		bool neg;

		if (*fmt != '%') {
			out(*fmt, arg);
			total++;
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '-')
				flags |= 0x1;
			else if (*fmt == '0')
				flags |= 0x2;
			else if (*fmt == '+')
				flags |= 0x4;
			else if (*fmt == ' ')
				flags |= 0x8;
			else if (*fmt == '#')
				flags |= 0x10;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= 0x1;
				width = -width;
			}
			fmt++;
		} else
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
		}
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z')
				lng = kprf_lngof(sizeof(size_t));
			else if (*fmt == 't')
				lng = kprf_lngof(sizeof(ptrdiff_t));
			else if (*fmt == 'j')
				lng = kprf_lngof(sizeof(intmax_t));
			else if (*fmt == 'h')
				lng = lng > 0 ? lng : -1;
			else
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			if (lng >= 1)
				sv = lng >= 2 ? va_arg(ap, long long) :
				    va_arg(ap, long);
			else
				sv = va_arg(ap, int);
			neg = sv < 0;
			uv = neg ? -(uint64_t)sv : (uint64_t)sv;
			total += kprf_num(out, arg, uv, 10, neg, width, prec,
			    flags, false);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lng >= 1)
				uv = lng >= 2 ? va_arg(ap, unsigned long long) :
				    va_arg(ap, unsigned long);
			else
				uv = va_arg(ap, unsigned int);
			base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
			total += kprf_num(out, arg, uv, base, false, width,
			    prec, flags, *fmt == 'X');
			break;
		case 'p':
			uv = (uintptr_t)va_arg(ap, void *);
			total += kprf_num(out, arg, uv, 16, false, width, prec,
			    flags | 0x10, false);
			break;
		case 'c':
			out(va_arg(ap, int), arg);
			total++;
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len = 0, pad;

			if (s == NULL)
				s = "(null)";
			while (s[len] != '\0' && (prec < 0 || len < prec))
				len++;
			pad = width > len ? width - len : 0;
			if (!(flags & 0x1))
				for (; pad > 0; pad--, total++)
					out(' ', arg);
			for (int i = 0; i < len; i++)
				out(s[i], arg);
			total += len;
			for (; pad > 0; pad--, total++)
				out(' ', arg);
			break;
		}
		case '%':
			out('%', arg);
			total++;
			break;
		case '\0':
			return (total);
		default:
			out('%', arg);
			out(*fmt, arg);
			total += 2;
			break;
		}
	}
	return (total);
}

int
vprintf(const char *fmt, va_list ap)
{
	return (kvprintf(kprf_cons, NULL, fmt, ap));
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return (n);
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct kprf_buf b = { buf, size };
	int n;

	n = kvprintf(kprf_buf, &b, fmt, ap);
	if (size > 0)
		*b.b_p = '\0';
	return (n);
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return (n);
}

/*
 * panic: print the message and a backtrace, then leave the machine
 * with the failure code.  A self-test that armed a panic catch gets the
 * message instead (kern_selftest.c).  A panic while panicking stops at
 * once.  With several CPUs, the first CPU to panic stops the others
 * (md_cpu_stop_others) and names itself in the message ("cpu1: ...");
 * a CPU that panics while another already is waits to be stopped.
 */
void	panic_catch_deliver(const char *, va_list);
void	selftest_on_panic(const char *);

static volatile int panic_cpu = -1;

void
panic(const char *fmt, ...)
{
	static char buf[256];
	va_list ap;
	int me, prev = -1;
	size_t n = 0;

	md_intr_disable();
	(void)cons_capture_stop();	/* the message must be seen */
	va_start(ap, fmt);
	panic_catch_deliver(fmt, ap);	/* returns if nobody waits */
	va_end(ap);
	me = (int)cpu_number();
	if (!__atomic_compare_exchange_n(&panic_cpu, &prev, me, false,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		if (prev != me)
			for (;;)	/* the panicking CPU stops this one */
				__asm volatile("" : : : "memory");
		printf("panic: recursive panic\n");
		md_exit(1);
	}
	md_cpu_stop_others();
	if (ncpu > 1)
		n = (size_t)snprintf(buf, sizeof(buf), "cpu%d: ", me);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	panicstr = buf;
	printf("panic: %s\n", buf);
	md_backtrace();
	selftest_on_panic(buf);		/* ends the KTAP report */
	md_exit(1);
}
