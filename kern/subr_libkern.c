/*
 * subr_libkern.c: the C library routines the kernel uses.
 *
 * Only in the QEMU kernel: the host build takes libc's versions, so
 * that AddressSanitizer checks every copy.  GCC may emit calls to
 * memcpy/memset/memmove/memcmp for structure copies, so these must
 * exist even when no source names them.
 */
#include <sys/types.h>
#include <sys/systm.h>

/* The definitions themselves, not the builtins sys/systm.h maps to. */
#undef memcpy
#undef memmove
#undef memset
#undef memcmp

void *
memcpy(void *dst, const void *src, size_t n)
{
	char *d = dst;
	const char *s = src;

	if ((((uintptr_t)d | (uintptr_t)s | n) & 7) == 0) {
		uint64_t *d8 = dst;
		const uint64_t *s8 = src;

		for (n /= 8; n > 0; n--)
			*d8++ = *s8++;
		return (dst);
	}
	while (n-- > 0)
		*d++ = *s++;
	return (dst);
}

void *
memmove(void *dst, const void *src, size_t n)
{
	char *d = dst;
	const char *s = src;

	if (d == s || n == 0)
		return (dst);
	if (d < s || d >= s + n)
		return (memcpy(dst, src, n));
	d += n;
	s += n;
	while (n-- > 0)
		*--d = *--s;
	return (dst);
}

void *
memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	if ((((uintptr_t)d | n) & 7) == 0) {
		uint64_t v = (uint8_t)c * 0x0101010101010101ULL;
		uint64_t *d8 = dst;

		for (n /= 8; n > 0; n--)
			*d8++ = v;
		return (dst);
	}
	while (n-- > 0)
		*d++ = c;
	return (dst);
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++)
		if (*p != *q)
			return (*p - *q);
	return (0);
}

size_t
strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return (n);
}

int
strcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return ((unsigned char)*a - (unsigned char)*b);
}

int
strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++) {
		if (*a != *b)
			return ((unsigned char)*a - (unsigned char)*b);
		if (*a == '\0')
			break;
	}
	return (0);
}

char *
strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return ((char *)s);
		if (*s == '\0')
			return (NULL);
	}
}

char *
strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncmp(hay, needle, n) == 0)
			return ((char *)hay);
	return (n == 0 ? (char *)hay : NULL);
}

unsigned long
strtoul(const char *s, char **endp, int base)
{
	unsigned long v = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if ((base == 0 || base == 16) && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	} else if (base == 0)
		base = s[0] == '0' && s[1] != '\0' ? 8 : 10;
	for (;; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'z')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'Z')
			d = *s - 'A' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * base + d;
	}
	if (endp != NULL)
		*endp = (char *)s;
	return (v);
}
