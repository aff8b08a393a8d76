/*
 * uipc_cksum.c: the Internet checksum (RFC 1071) over mbuf chains and
 * flat buffers, see in_cksum(9).
 *
 * The 16-bit ones'-complement sum does not depend on how the bytes are
 * grouped, only on whether each byte sits at an even or odd position
 * of the packet: a run of bytes that starts at an odd position is
 * summed as if it started at an even one and its sum byte-swapped.
 * That is how runs from different mbufs, and sums returned by an
 * external buffer's csum method, are combined.  Words are loaded with
 * memcpy, so no access is unaligned and the result is, as in BSD, the
 * checksum in memory (network) order, ready to store in a header.
 *
 * Invariants: nothing here writes to an mbuf or allocates.
 */
#include <sys/mbuf_port.h>
#include <sys/mbuf.h>

static inline uint32_t
cksum_fold64(uint64_t sum)
{
	sum = (sum & 0xffffffffULL) + (sum >> 32);
	sum = (sum & 0xffffffffULL) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ((uint32_t)sum);
}

static inline uint16_t
cksum_swap(uint16_t s)
{
	return ((uint16_t)((s << 8) | (s >> 8)));
}

/*
 * The ones'-complement sum (not complemented) of len bytes at buf, the
 * first byte taken as the first byte of a 16-bit word and an odd last
 * byte padded with zero; 0 for len 0.
 */
uint16_t
in_cksum_sum(const void *buf, int len)
{
	const uint8_t *p = buf;
	uint64_t sum = 0;
	uint32_t w32;
	uint16_t w16;

	while (len >= 16) {
		memcpy(&w32, p, 4);
		sum += w32;
		memcpy(&w32, p + 4, 4);
		sum += w32;
		memcpy(&w32, p + 8, 4);
		sum += w32;
		memcpy(&w32, p + 12, 4);
		sum += w32;
		p += 16;
		len -= 16;
	}
	while (len >= 4) {
		memcpy(&w32, p, 4);
		sum += w32;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&w16, p, 2);
		sum += w16;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		w16 = 0;
		memcpy(&w16, p, 1);
		sum += w16;
	}
	return ((uint16_t)cksum_fold64(sum));
}

/* The Internet checksum of a flat buffer. */
uint16_t
in_cksum_flat(const void *buf, int len)
{
	return ((uint16_t)~in_cksum_sum(buf, len));
}

/* Checksum of len bytes of the chain starting skip bytes in. */
int
in_cksum_skip(struct mbuf *m, int len, int skip)
{
	uint64_t sum = 0;
	int pos = 0, count, off;
	uint16_t s;

	if (len < 0 || skip < 0)
		mbp_panic("in_cksum: len %d, skip %d", len, skip);
	for (; m != NULL && skip >= m->m_len; m = m->m_next)
		skip -= m->m_len;
	for (off = skip; len > 0; m = m->m_next, off = 0) {
		if (m == NULL)
			mbp_panic("in_cksum: %d bytes beyond the chain", len);
		count = MIN(m->m_len - off, len);
		if (count <= 0)
			continue;
		if ((m->m_flags & M_EXT) && m->m_ext.ext_ops->csum != NULL)
			s = m->m_ext.ext_ops->csum(m->m_ext.ext_buf,
			    (int)(m->m_data - m->m_ext.ext_buf) + off, count,
			    m->m_ext.ext_arg);
		else
			s = in_cksum_sum(mtod(m, caddr_t) + off, count);
		if (pos & 1)
			s = cksum_swap(s);
		sum += s;
		pos += count;
		len -= count;
	}
	return ((int)(~cksum_fold64(sum) & 0xffff));
}

int
in_cksum(struct mbuf *m, int len)
{
	return (in_cksum_skip(m, len, 0));
}
