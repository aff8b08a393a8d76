#!/usr/bin/python3
"""mkcorpus.py: the seed corpora of the "frame" and "frame6" fuzz targets.

    mkcorpus.py OUTDIR [frame|frame6]

Writes valid inputs in the target's record format (a control byte, a
16-bit big-endian length, the frame; see tests/fuzz/kern/fuzz_frame.c):
ARP request and reply, ICMP echo, UDP to the echo and discard ports and
to a closed port, an IP packet with options, broadcast, and the
fragments of UDP datagrams in order, reversed, duplicated and
overlapping, and one left incomplete until its timeout; IPv6: echo,
UDP echo and discard, neighbour solicitation and advertisement, an
extension header chain, a skipped routing header, an atomic fragment
and a fragmented echo.  The kernel side is fz0, 02:00:00:00:00:02,
192.0.2.2/24, 2001:db8::2/64 and fe80::ff:fe00:2; the peer is
192.0.2.1, 2001:db8::1, 02:00:00:00:00:01.

For "frame6" (tests/fuzz/kern/fuzz_frame6.c) the seeds are records of
flags, hop limit, next header, aux and the payload behind the IPv6
header, whose checksums the target sets: the same IPv6 cases, the
fragments in order and reversed.  Nothing is sent anywhere: these are
files.
"""
import os
import struct
import sys

US_MAC = bytes([2, 0, 0, 0, 0, 2])
PEER_MAC = bytes([2, 0, 0, 0, 0, 1])
BCAST = b"\xff" * 6
US_IP = bytes([192, 0, 2, 2])
PEER_IP = bytes([192, 0, 2, 1])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ether(dst, typ, payload, src=PEER_MAC):
    return dst + src + struct.pack("!H", typ) + payload


def arp(op, tha=b"\0" * 6, tip=US_IP):
    return ether(BCAST if op == 1 else US_MAC, 0x0806,
                 struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + PEER_MAC +
                 PEER_IP + tha + tip)


def ip(proto, payload, ident=1, frag=0, dst=US_IP, options=b"", ttl=64):
    hl = 20 + len(options)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | (hl // 4), 0, hl + len(payload),
                      ident, frag, ttl, proto, 0, PEER_IP, dst) + options
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def icmp_echo(data, ident=0x1234, seq=1):
    h = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


def udp(sport, dport, data):
    length = 8 + len(data)
    pseudo = PEER_IP + US_IP + struct.pack("!BBH", 0, 17, length)
    h = struct.pack("!HHHH", sport, dport, length, 0) + data
    c = csum(pseudo + h) or 0xFFFF
    return h[:6] + struct.pack("!H", c) + h[8:]


def rec(frame, ctl=0):
    return bytes([ctl]) + struct.pack("!H", len(frame)) + frame


def fragments(payload, proto=17, ident=7, size=1480):
    out = []
    for off in range(0, len(payload), size):
        more = 0x2000 if off + size < len(payload) else 0
        out.append(ether(US_MAC, 0x0800,
                         ip(proto, payload[off:off + size], ident=ident,
                            frag=more | (off // 8))))
    return out


US6 = bytes.fromhex("20010db8000000000000000000000002")
PEER6 = bytes.fromhex("20010db8000000000000000000000001")
SNODE6 = bytes.fromhex("ff0200000000000000000001ff000002")
SNODE_MAC = bytes([0x33, 0x33, 0xff, 0, 0, 2])


def sum6(nxt, body, at, src=PEER6, dst=US6):
    """body with its ICMPv6 (at 2) or UDP (at 6) checksum set."""
    c = csum(src + dst + struct.pack("!IxxxB", len(body), nxt) + body)
    if nxt == 17 and c == 0:
        c = 0xFFFF
    return body[:at] + struct.pack("!H", c) + body[at + 2:]


def ip6(nxt, payload, dst=US6, hlim=64, mac=US_MAC):
    return ether(mac, 0x86DD, struct.pack("!IHBB16s16s", 0x60000000,
                                          len(payload), nxt, hlim, PEER6,
                                          dst) + payload)


def echo6(data, dst=US6):
    return sum6(58, struct.pack("!BBHHH", 128, 0, 0, 0x6666, 1) + data, 2,
                dst=dst)


def udp6(dport, data):
    return sum6(17, struct.pack("!HHHH", 4000, dport, 8 + len(data), 0) +
                data, 6)


def nd6(typ, target, dst, opt):
    body = struct.pack("!BBHI16s", typ, 0, 0,
                       0x60000000 if typ == 136 else 0, target) + opt
    return sum6(58, body, 2, dst=dst)


def ext(nxt, hdr):
    """A hop-by-hop or destination options header padded with PadN."""
    return bytes([nxt, 0, 1, 4, 0, 0, 0, 0]) + hdr


def seeds6(data):
    """(name, next header, payload, destination, hop limit) cases."""
    ns = nd6(135, US6, SNODE6, b"\x01\x01" + PEER_MAC)
    na = nd6(136, PEER6, US6, b"\x02\x01" + PEER_MAC)
    chain = ext(60, ext(17, udp6(7, data[:40])))
    return [("echo", 58, echo6(data[:56]), US6, 64),
            ("udp-echo", 17, udp6(7, data[:100]), US6, 64),
            ("udp-discard", 17, udp6(9, data[:10]), US6, 64),
            ("ns", 58, ns, SNODE6, 255),
            ("na", 58, na, US6, 255),
            ("ext-chain", 0, chain, US6, 64),
            ("routing-skip", 43, bytes([17, 0, 4, 0, 0, 0, 0, 0]) +
             udp6(7, data[:20]), US6, 64),
            ("atomic-frag", 44, bytes([58, 0, 0, 0, 0, 0, 0, 9]) +
             echo6(data[:24]), US6, 64)]


def frame6_seeds(data):
    """The "frame6" target's records: flags, hop limit, next header,
    aux, payload (fuzz_frame6.c)."""
    def r6(flags, hlim, nxt, aux, payload, ctl=0):
        return rec(bytes([flags, hlim, nxt, aux]) + payload, ctl)
    out = {}
    for name, nxt, payload, dst, hlim in seeds6(data):
        flags = 2 if dst == SNODE6 else 0
        out["v6-" + name] = r6(flags, hlim, nxt, 0, payload)
    big = echo6(data[:3000])
    out["v6-frag-echo"] = r6(0x10, 64, 58, 100, big)
    out["v6-frag-reversed"] = r6(0x50, 64, 17, 20, udp6(7, data[:2000]))
    out["v6-frag-timeout"] = r6(0x10, 64, 17, 0, udp6(7, data[:64]), 7)
    out["v6-udp-len"] = r6(0x80, 64, 17, 0, udp6(7, data[:30]))
    out["v6-linklocal-echo"] = r6(0x05, 64, 58, 0, echo6(data[:16]))
    out["v6-allnodes-echo"] = r6(0x03, 64, 58, 0, echo6(data[:16]))
    return out


def frame_seeds6(data):
    """IPv6 frames for the "frame" target, checksums right."""
    out = {}
    for name, nxt, payload, dst, hlim in seeds6(data):
        out["v6-" + name] = rec(ip6(nxt, payload, dst=dst, hlim=hlim,
                                    mac=SNODE_MAC if dst == SNODE6
                                    else US_MAC))
    body = echo6(data[:2000])
    frags = b""
    for off in range(0, len(body), 1232):
        more = 1 if off + 1232 < len(body) else 0
        frags += rec(ip6(44, struct.pack("!BBHI", 58, 0, off | more, 5) +
                         body[off:off + 1232]))
    out["v6-frag-echo"] = frags
    return out


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    data = bytes((i * 13 + 5) & 0xFF for i in range(4000))
    if len(sys.argv) > 2 and sys.argv[2] == "frame6":
        write(out, frame6_seeds(data))
        return
    seeds = {
        "arp-request": rec(arp(1)),
        "arp-reply": rec(arp(2, tha=US_MAC)),
        "icmp-echo": rec(arp(2, tha=US_MAC)) +
        rec(ether(US_MAC, 0x0800, ip(1, icmp_echo(data[:56])))),
        "icmp-echo-big": rec(ether(US_MAC, 0x0800,
                                   ip(1, icmp_echo(data[:1400])))),
        "udp-echo": rec(arp(2, tha=US_MAC)) +
        rec(ether(US_MAC, 0x0800, ip(17, udp(4000, 7, data[:100])))),
        "udp-discard": rec(ether(US_MAC, 0x0800,
                                 ip(17, udp(4000, 9, data[:10])))),
        "udp-closed": rec(ether(US_MAC, 0x0800,
                                ip(17, udp(4000, 5555, data[:20])))),
        "ip-options": rec(ether(US_MAC, 0x0800,
                                ip(1, icmp_echo(data[:8]),
                                   options=b"\x01\x01\x01\x00"))),
        "broadcast": rec(ether(BCAST, 0x0800,
                               ip(17, udp(4000, 7, data[:30]),
                                  dst=bytes([192, 0, 2, 255])))),
        "ttl-zero": rec(ether(US_MAC, 0x0800,
                              ip(1, icmp_echo(data[:8]), ttl=0))),
    }
    frags = fragments(udp(4000, 7, data[:3000]))
    seeds["frag-inorder"] = rec(arp(2, tha=US_MAC)) + \
        b"".join(rec(f) for f in frags)
    seeds["frag-reversed"] = b"".join(rec(f) for f in reversed(frags))
    seeds["frag-duplicate"] = b"".join(rec(f) for f in frags[:2] + frags)
    small = fragments(udp(4000, 7, data[:600]), size=64, ident=9)
    seeds["frag-small-overlap"] = b"".join(
        rec(f) for f in small[:3] + small[1:])
    seeds["frag-timeout"] = rec(frags[0], ctl=7)
    seeds["icmp-frag"] = b"".join(
        rec(f) for f in fragments(icmp_echo(data[:3500]), proto=1, ident=11))
    seeds.update(frame_seeds6(data))
    write(out, seeds)


def write(out, seeds):
    for name, blob in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
    print("mkcorpus: %d seeds in %s" % (len(seeds), out))


main()
