#!/usr/bin/python3
"""hostile6.py: the hostile IPv6 battery (tests/suite-55-hostile.sh).

    hostile6.py CONSOLE FIFO GUEST_MAC RING [CLASS...]

The IPv6 half of hostile.py, whose runner, shell and counter reading it
uses: inside the test namespace with IPv6 on (tests/net/ns.sh
NS_IPV6=1: tap0 with 2001:db8::1/64 and its link-local address) against
the kernel as 2001:db8::2, booted with ip6fragttl=2.  For each class it
reads "netstat -s", sends the class's frames, checks that the kernel
answers "ping -6" right after and that the class's own counters in the
ip6, icmp6, udp6 and nd6 sections moved by at least what was sent; at
the end "netstat -m" must show only the receive ring's buffers.

The frames are built byte by byte here (not by scapy's layers) so each
field is exactly what the class needs; the upper-layer checksums are
computed over the pseudo header (RFC 8200 8.1) unless the class is
about a bad one.  Every frame goes to the guest's MAC, or to the
solicited-node group of 2001:db8::2 on tap0; sources are 2001:db8::/64
(a multicast or loopback source only in the classes about those).
Every sending loop is bounded: hostile.send() stops at 600 frames or
10 s a class.  The NIC pads a frame shorter than 60 bytes with zeros;
the truncation classes say which counter that padding leads to.
"""
import socket
import struct

import hostile as h

HOST6, GUEST6 = "2001:db8::1", "2001:db8::2"
N = 20
UDP, ICMP6, HBH, DST, RT, FRAG = 17, 58, 0, 60, 43, 44


def a6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth6(dst=None):
    return h.mac2b(dst or h.GMAC) + h.mac2b(h.HMAC) + b"\x86\xdd"


def ip6(nxt, payload, plen=None, src=HOST6, dst=GUEST6, hlim=64,
        mdst=None):
    """An Ethernet frame: IPv6 header (payload length plen, default the
    payload's) and payload."""
    plen = len(payload) if plen is None else plen
    return eth6(mdst) + struct.pack("!IHBB16s16s", 0x60000000, plen, nxt,
                                    hlim, a6(src), a6(dst)) + payload


def summed(nxt, body, at, src=HOST6, dst=GUEST6):
    """body (an ICMPv6 message or UDP datagram) with its checksum, at
    offset at, over the pseudo header of src, dst."""
    ph = a6(src) + a6(dst) + struct.pack("!IxxxB", len(body), nxt)
    c = cksum(ph + body[:at] + b"\0\0" + body[at + 2:])
    if nxt == UDP and c == 0:
        c = 0xFFFF
    return body[:at] + struct.pack("!H", c) + body[at + 2:]


def echo6(data=b"p" * 32, ident=0x6666, seq=1, **kw):
    return summed(ICMP6, struct.pack("!BBHHH", 128, 0, 0, ident, seq) +
                  data, 2, **kw)


def udp6(dport=9, data=b"u" * 32, sport=4000, **kw):
    return summed(UDP, struct.pack("!HHHH", sport, dport, 8 + len(data), 0) +
                  data, 6, **kw)


def ext(nxt, opts):
    """An options (or other) extension header: next header, length,
    opts; 2 + len(opts) must be a multiple of 8."""
    assert (2 + len(opts)) % 8 == 0
    return bytes([nxt, (2 + len(opts)) // 8 - 1]) + opts


def padn(n):
    """A PadN option n bytes long in all (n >= 2), zero filled."""
    return bytes([1, n - 2]) + bytes(n - 2)


def fragh(nxt, off, more, ident):
    return struct.pack("!BBHI", nxt, 0, (off << 3) | more, ident)


def ns6(target=GUEST6, src=HOST6, dst=GUEST6, mac=None, hlim=255,
        mdst=None):
    """A neighbour solicitation (with a source link-layer address
    option when mac is given)."""
    body = struct.pack("!BBHI16s", 135, 0, 0, 0, a6(target))
    if mac is not None:
        body += b"\x01\x01" + h.mac2b(mac)
    return ip6(ICMP6, summed(ICMP6, body, 2, src=src, dst=dst), src=src,
               dst=dst, hlim=hlim, mdst=mdst)


def na6(target=HOST6, hlim=255):
    body = struct.pack("!BBHI16s", 136, 0, 0, 0x60000000, a6(target)) + \
        b"\x02\x01" + h.mac2b(h.HMAC)
    return ip6(ICMP6, summed(ICMP6, body, 2), hlim=hlim)


# ---- the classes -------------------------------------------------------
# Each returns (frames, [(section, label, minimum increase)]).
def c_trunc_ip6():
    # The IPv6 header cut after k = 0..39 bytes.  Padded to 60 the
    # kernel sees 46 bytes: k = 0 has version 0; k <= 5 has payload
    # length 0 and destination :: (not for us); from k = 6 the
    # payload length (8) is there and runs past the 6 padding bytes.
    full = ip6(UDP, udp6(data=b""))
    fr = [full[:14 + k] for k in range(40)]
    return fr, [("ip6", "bad version", 1), ("ip6", "not for us", 5),
                ("ip6", "payload past frame", 34)]


def c_trunc_ext():
    # Each extension header cut after k = 0..7 bytes (the payload
    # length says so; the rest of the frame is padding), and a 16-byte
    # hop-by-hop header cut after 8..15.
    whole = {HBH: ext(UDP, padn(6)), DST: ext(UDP, padn(6)),
             RT: bytes([UDP, 0, 4, 0]) + bytes(4),
             FRAG: fragh(UDP, 0, 1, 77)}
    fr = [ip6(nxt, hdr[:k]) for nxt, hdr in whole.items() for k in range(8)]
    long_ = ext(UDP, padn(6) + bytes([0x1e, 6]) + bytes(6))
    fr += [ip6(HBH, long_[:k]) for k in range(8, 16)]
    return fr, [("ip6", "truncated", len(fr))]


def c_trunc_icmp6():
    e = echo6()
    return [ip6(ICMP6, e[:k]) for k in range(8)], \
        [("icmp6", "too short", 8)]


def c_trunc_udp6():
    u = udp6()
    return [ip6(UDP, u[:k]) for k in range(8)], \
        [("udp6", "short header", 8)]


def c_plen_past():
    e = echo6()
    return [ip6(ICMP6, e, plen=len(e) + 100)] * N, \
        [("ip6", "payload past frame", N)]


def c_plen_short():
    # 8 bytes short: the rest is trimmed as link padding and the
    # ICMPv6 checksum no longer matches.
    e = echo6(data=b"q" * 40)
    return [ip6(ICMP6, e, plen=len(e) - 8)] * N, \
        [("ip6", "link padding trimmed", N), ("icmp6", "bad checksum", N)]


def c_too_many():
    # Nine destination options headers: the limit is 8 (ip6maxexthdrs).
    p = udp6()
    for i in range(9):
        p = ext(DST if i else UDP, padn(6)) + p
    return [ip6(DST, p)] * N, [("ip6", "too many", N)]


def c_chain_long():
    # Three 384-byte destination options headers of skippable unknown
    # options (type 0x1e, RFC 4727): 1152 bytes, past ip6maxextlen 1024.
    opts = bytes([0x1e, 253]) + b"o" * 253 + bytes([0x1e, 125]) + b"o" * 125
    p = udp6()
    for i in range(3):
        p = ext(DST if i else UDP, opts) + p
    return [ip6(DST, p)] * N, [("ip6", "chain too long", N)]


def c_unknown_nxt():
    # TCP (no TCP here), SCTP, 253 (experimental): Parameter Problem.
    fr = [ip6(nxt, b"n" * 16) for nxt in (6, 132, 253) for _ in range(7)]
    return fr, [("ip6", "unknown next header", len(fr))]


def c_hbh_not_first():
    p = ext(HBH, padn(6)) + ext(UDP, padn(6)) + udp6()
    return [ip6(DST, p)] * N, [("ip6", "hop-by-hop not first", N)]


def c_rthdr0():
    # Type 0, one segment left (RFC 5095: refused).
    p = bytes([UDP, 2, 0, 1]) + bytes(4) + a6("2001:db8::99") + udp6()
    return [ip6(RT, p)] * N, [("ip6", "routing type 0", N)]


def c_padn():
    # PadN with a non-zero byte; eight Pad1 in a row; PadN of 8 bytes
    # (RFC 4942 2.1.9.5: padding is at most 7 bytes, all zero); and an
    # option running past the end of its header.
    bad = [ext(UDP, bytes([1, 4, 0, 0, 0x41, 0])),
           ext(UDP, bytes(8) + padn(6)),
           ext(UDP, padn(8) + padn(6)),
           ext(UDP, bytes([1, 10]) + bytes(4))]
    fr = []
    for i in range(N // 2):
        for nxt in (HBH, DST):
            fr.append(ip6(nxt, bad[i % 3] + udp6()))
    past = [ip6(HBH, bad[3] + udp6())] * (N // 2)
    return fr + past, [("ip6", "bad padding", N),
                       ("ip6", "bad option length", N // 2)]


def c_frag_overlap():
    # RFC 5722: a fragment inside the first discards the datagram
    # (both fragments counted); an exact duplicate goes alone.
    first = udp6(data=b"A" * 40)              # 48 bytes
    fr = []
    for i in range(N // 2):
        fr.append(ip6(FRAG, fragh(UDP, 0, 1, 7000 + i) + first))
        fr.append(ip6(FRAG, fragh(UDP, 3, 0, 7000 + i) + b"B" * 16))
    for i in range(N // 2):
        f = ip6(FRAG, fragh(UDP, 0, 1, 7100 + i) + first)
        fr += [f, f]
    return fr, [("ip6", "overlap", N), ("ip6", "duplicates", N // 2)]


def c_first_frag_chain():
    # RFC 7112: a first fragment without the whole header chain: a UDP
    # or ICMPv6 header not there, a destination options header cut.
    fr = []
    for i in range(N):
        k = i % 3
        if k == 0:
            body = fragh(UDP, 0, 1, 8000 + i)
        elif k == 1:
            body = fragh(ICMP6, 0, 1, 8000 + i)
        else:
            body = fragh(DST, 0, 1, 8000 + i) + bytes([UDP, 1]) + padn(6)
        fr.append(ip6(FRAG, body))
    return fr, [("ip6", "incomplete chain", N)]


def c_frag_past():
    # The last fragment ends past 65535 (offset 65512, 64 bytes).
    fr = [ip6(FRAG, fragh(UDP, 8189, 0, 9000 + i) + b"D" * 64)
          for i in range(N)]
    return fr, [("ip6", "past 65535", N)]


def c_frag_flood():
    # 300 incomplete datagrams (one middle fragment each): reassembly
    # holds 16 (IP6Q_MAX), the rest are over budget.
    fr = [ip6(FRAG, fragh(UDP, 8, 1, 10000 + i) + b"F" * 64)
          for i in range(300)]
    return fr, [("ip6", "over budget", 300 - 16)]


def c_nd_hlim():
    # RFC 4861 7.1.1: hop limit other than 255, valid otherwise: NS to
    # us and to our solicited-node group, NA.
    sn, snmac = "ff02::1:ff00:2", "33:33:ff:00:00:02"
    fr = []
    for i in range(N // 2):
        fr.append(ns6(mac=h.HMAC, hlim=64 + i))
        fr.append(ns6(dst=sn, mdst=snmac, mac=h.HMAC, hlim=1))
        fr.append(na6(hlim=254 - i))
    return fr, [("nd6", "bad hop limit", len(fr))]


def c_nd_storm():
    # Solicitations for our address from 200 random sources in
    # 2001:db8::/64 with random link-layer addresses: each is learnt;
    # the 64-entry cache evicts.
    fr = []
    for i in range(200):
        w = [h.rnd.randrange(1, 0x10000) for _ in range(2)]
        src = "2001:db8::%x:%x:%x" % (0x5000 + i, w[0], w[1])
        mac = "02:%02x:%02x:%02x:%02x:%02x" % tuple(
            h.rnd.randrange(256) for _ in range(5))
        fr.append(ns6(src=src, mac=mac))
    return fr, [("nd6", "evicted", 200 - 64)]


def c_na_ours():
    # Advertisements of our own address: each counted, one console
    # line per 10 s (ratecheck), so a sender cannot flood the console.
    return [na6(target=GUEST6)] * N, [("nd6", "duplicates", N),
                                      ("nd6", "not logged", N - 1)]


def c_bad_source():
    fr = []
    for i in range(N // 2):
        fr.append(ip6(UDP, udp6(src="ff02::1"), src="ff02::1"))
        fr.append(ip6(UDP, udp6(src="::1"), src="::1"))
    return fr, [("ip6", "multicast source", N // 2),
                ("ip6", "loopback on a link", N // 2)]


def c_bad_sums():
    e = bytearray(echo6())
    e[2] ^= 0x5a
    zero = bytearray(udp6())
    zero[6:8] = b"\0\0"
    bad = bytearray(udp6())
    bad[6] ^= 0x11
    fr = []
    for _ in range(N // 2):
        fr += [ip6(ICMP6, bytes(e)), ip6(UDP, bytes(zero)),
               ip6(UDP, bytes(bad))]
    return fr, [("icmp6", "bad checksum", N // 2),
                ("udp6", "zero checksum", N // 2),
                ("udp6", "bad checksum", N // 2)]


CLASSES6 = [
    ("ip6: truncated ipv6 header (0..39 bytes)", c_trunc_ip6),
    ("ip6: truncated extension headers", c_trunc_ext),
    ("ip6: truncated icmpv6 header", c_trunc_icmp6),
    ("ip6: truncated udp header", c_trunc_udp6),
    ("ip6: payload length past the frame", c_plen_past),
    ("ip6: payload length short of the frame", c_plen_short),
    ("ip6: extension headers past the count limit", c_too_many),
    ("ip6: extension chain past the length limit", c_chain_long),
    ("ip6: unknown next header", c_unknown_nxt),
    ("ip6: hop-by-hop not first", c_hbh_not_first),
    ("ip6: routing header type 0", c_rthdr0),
    ("ip6: padN options abused", c_padn),
    ("ip6: overlapping fragments", c_frag_overlap),
    ("ip6: first fragment without the upper-layer header",
     c_first_frag_chain),
    ("ip6: fragments past 65535", c_frag_past),
    ("ip6: incomplete fragment flood (reassembly budget)", c_frag_flood),
    ("ip6: nd with a hop limit other than 255", c_nd_hlim),
    ("ip6: neighbor cache storm of random sources", c_nd_storm),
    ("ip6: advertisements of our own address", c_na_ours),
    ("ip6: multicast and loopback sources", c_bad_source),
    ("ip6: bad icmpv6 and udp checksums, udp checksum zero", c_bad_sums),
]


def ping6_ok():
    return h.ping_ok(dst=GUEST6, family="-6")


if __name__ == "__main__":
    raise SystemExit(h.main(CLASSES6, ping=ping6_ok, reass="ip6",
                            slow=(c_frag_flood,)))
