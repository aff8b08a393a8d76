/*
 * subr_misc.c: small helpers built into both kernels: a seeded
 * pseudo-random generator (xorshift32; tests print their seed so a run
 * can be repeated), strlcpy, and the glob match used to select
 * self-tests.
 */
#include <sys/types.h>
#include <sys/systm.h>

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
