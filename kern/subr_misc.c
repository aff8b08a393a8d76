/*
 * subr_misc.c: small helpers built into both kernels: a seeded
 * pseudo-random generator (xorshift32; tests print their seed so a run
 * can be repeated), strlcpy, the strict number parser of the command
 * line and the shell (kstrtol), and the glob match used to select
 * self-tests.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/errno.h>

static uint32_t kern_random_state = 2463534242u;

void
kern_srandom(uint32_t seed)
{
	kern_random_state = seed != 0 ? seed : 2463534242u;
}

uint32_t
kern_random(void)
{
	uint32_t x = kern_random_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return (kern_random_state = x);
}

/* Not in every libc the host build meets, so built into both. */
size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size > 0) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return (n);
}

/* '*' matches any run of characters, '?' any one; nothing else is special. */
bool
fnmatch_simple(const char *p, const char *s)
{
	if (*p == '\0')
		return (*s == '\0');
	if (*p == '*') {
		for (;; s++) {
			if (fnmatch_simple(p + 1, s))
				return (true);
			if (*s == '\0')
				return (false);
		}
	}
	if (*s == '\0')
		return (false);
	if (*p != '?' && *p != *s)
		return (false);
	return (fnmatch_simple(p + 1, s + 1));
}

/*
 * Parse all of s as a long: an optional '-', then digits in base 0
 * (0x hexadecimal, a leading 0 octal, else decimal).  Returns 0,
 * EINVAL when s is empty or holds anything else, ERANGE when it
 * overflows a long; *valp is set only on success.
 */
int
kstrtol(const char *s, long *valp)
{
	unsigned long v = 0, lim;
	int base = 10, d, neg = 0, ndig = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] != '\0')
		base = 8;
	lim = neg ? (~0UL >> 1) + 1 : ~0UL >> 1;
	for (; *s != '\0'; s++, ndig++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return (EINVAL);
		if (d >= base)
			return (EINVAL);
		if (v > (lim - d) / base)
			return (ERANGE);
		v = v * base + d;
	}
	if (ndig == 0)
		return (EINVAL);
	*valp = neg ? (long)(0 - v) : (long)v;
	return (0);
}
