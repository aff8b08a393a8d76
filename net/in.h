/*
 * net/in.h: Internet addresses and byte order.
 *
 * Addresses travel in network byte order inside struct in_addr; the
 * conversion functions are static inline so that no global symbol
 * clashes with the C library when the host build links the kernel into
 * a Linux program.  Nothing here assumes alignment: headers are read
 * and written a byte at a time or with memcpy into local structs.
 */
#ifndef _NET_IN_H_
#define _NET_IN_H_

#include <sys/types.h>

struct in_addr {
	uint32_t	s_addr;		/* network byte order */
};

#define IPPROTO_ICMP	1
#define IPPROTO_UDP	17

#define INADDR_ANY		0x00000000U	/* host order */
#define INADDR_BROADCAST	0xffffffffU
#define INADDR_LOOPBACK		0x7f000001U
#define IN_MULTICAST(a)		(((a) & 0xf0000000U) == 0xe0000000U)
#define IN_EXPERIMENTAL(a)	(((a) & 0xf0000000U) == 0xf0000000U)
#define IN_LOOPBACKNET		127

/*
 * Host to network order and back: a swap on a little-endian machine,
 * nothing on a big-endian one (the compiler says which it is).
 */
#if !defined(__BYTE_ORDER__) || (__BYTE_ORDER__ != __ORDER_BIG_ENDIAN__ && \
    __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__)
#error "net/in.h: the compiler does not say the byte order"
#endif

static inline uint16_t
htons(uint16_t x)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (x);
#else
	return ((uint16_t)((x << 8) | (x >> 8)));
#endif
}

static inline uint16_t
ntohs(uint16_t x)
{
	return (htons(x));
}

static inline uint32_t
htonl(uint32_t x)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (x);
#else
	return (((x & 0xff) << 24) | ((x & 0xff00) << 8) |
	    ((x >> 8) & 0xff00) | (x >> 24));
#endif
}

static inline uint32_t
ntohl(uint32_t x)
{
	return (htonl(x));
}

/* Big-endian loads and stores through byte pointers (any alignment). */
static inline uint16_t
be16dec(const void *p)
{
	const uint8_t *b = p;

	return ((uint16_t)((b[0] << 8) | b[1]));
}

static inline void
be16enc(void *p, uint16_t v)
{
	uint8_t *b = p;

	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static inline uint32_t
be32dec(const void *p)
{
	const uint8_t *b = p;

	return (((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	    ((uint32_t)b[2] << 8) | b[3]);
}

static inline void
be32enc(void *p, uint32_t v)
{
	uint8_t *b = p;

	b[0] = v >> 24;
	b[1] = (v >> 16) & 0xff;
	b[2] = (v >> 8) & 0xff;
	b[3] = v & 0xff;
}

/* "a.b.c.d" into *ap; -1 when it is not a dotted quad. */
int	inet_parse(const char *, struct in_addr *);
/* Format into a caller's buffer of at least INET_ADDRSTRLEN bytes. */
#define INET_ADDRSTRLEN	16
char	*inet_fmt(struct in_addr, char *);

#endif /* !_NET_IN_H_ */
