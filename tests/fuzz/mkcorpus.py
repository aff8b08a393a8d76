#!/usr/bin/python3
"""mkcorpus.py: the seed corpus of the "frame" fuzz target.

    mkcorpus.py OUTDIR

Writes valid inputs in the target's record format (a control byte, a
16-bit big-endian length, the frame; see tests/fuzz/kern/fuzz_frame.c):
ARP request and reply, ICMP echo, UDP to the echo and discard ports and
to a closed port, an IP packet with options, broadcast, and the
fragments of UDP datagrams in order, reversed, duplicated and
overlapping, and one left incomplete until its timeout.  The kernel side
is fz0, 02:00:00:00:00:02, 192.0.2.2/24; the peer is 192.0.2.1,
02:00:00:00:00:01.  Nothing is sent anywhere: these are files.
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


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    data = bytes((i * 13 + 5) & 0xFF for i in range(4000))
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
    for name, blob in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
    print("mkcorpus: %d seeds in %s" % (len(seeds), out))


main()
