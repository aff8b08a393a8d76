#!/usr/bin/python3
"""loadgen.py: the packet-rate load generator of "make bench".

    loadgen.py udp|icmp ADDR SIZE SECONDS [WINDOW]

Keeps WINDOW requests in flight to ADDR (UDP echo, port 7, or ICMP
echo; over IPv6, ICMPv6 echo, when ADDR is an IPv6 address) for
SECONDS, and prints the answered requests per second as "rate N/s
answered A sent S bad B".  Every reply is checked byte for byte against
its request.  Bounded in time and count; only ever sends to ADDR, which
the caller keeps inside a test namespace (192.0.2.0/24, 2001:db8::/32).
"""
import os
import select
import socket
import struct
import sys
import time

MAXSEND = 2000000


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def main():
    kind, addr, size, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        float(sys.argv[4])
    window = int(sys.argv[5]) if len(sys.argv) > 5 else 8
    v6 = ":" in addr
    if not (addr.startswith("2001:db8:") if v6 else
            addr.startswith("192.0.2.")):
        sys.exit("loadgen: refusing to send outside 192.0.2.0/24 and "
                 "2001:db8::/32")
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    # ICMPv6: echo is type 128, the reply 129; Linux sums a raw ICMPv6
    # socket's messages itself (RFC 3542 3.1) and gives no IP header.
    echo_t, reply_t = (128, 129) if v6 else (8, 0)
    ident = os.getpid() & 0xFFFF
    if kind == "udp":
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.connect((addr, 7))
    else:
        s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_ICMPV6 if v6
                          else socket.IPPROTO_ICMP)
        s.connect((addr, 0))
    s.setblocking(False)
    pad = bytes((i * 7 + 1) & 0xFF for i in range(max(size - 8, 0)))
    inflight = {}
    seq = sent = answered = bad = 0
    t0 = time.monotonic()
    end = t0 + secs

    def send():
        nonlocal seq, sent
        seq = (seq + 1) & 0xFFFF
        body = struct.pack("!II", seq, sent) + pad
        body = body[:size] if size >= 8 else body[:8]
        if kind == "udp":
            pkt = body
        else:
            hdr = struct.pack("!BBHHH", echo_t, 0, 0, ident, seq)
            pkt = struct.pack("!BBHHH", echo_t, 0,
                              0 if v6 else csum(hdr + body), ident,
                              seq) + body
        try:
            s.send(pkt)
        except (BlockingIOError, OSError):
            return
        inflight[seq] = (body, time.monotonic())
        sent += 1

    while time.monotonic() < end and sent < MAXSEND:
        while len(inflight) < window and sent < MAXSEND:
            send()
        r, _, _ = select.select([s], [], [], 0.05)
        now = time.monotonic()
        if r:
            while True:
                try:
                    data = s.recv(70000)
                except BlockingIOError:
                    break
                if kind == "icmp":
                    icmp = data if v6 else data[(data[0] & 0x0F) * 4:]
                    if len(icmp) < 8 or icmp[0] != reply_t:
                        continue
                    _, _, _, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
                    if rid != ident:
                        continue
                    body = icmp[8:]
                else:
                    if len(data) < 4:
                        bad += 1
                        continue
                    rseq = struct.unpack("!I", data[:4])[0]
                    body = data
                req = inflight.pop(rseq, None)
                if req is None:
                    continue
                if req[0] != body:
                    bad += 1
                answered += 1
        for k in [k for k, v in inflight.items() if now - v[1] > 0.5]:
            del inflight[k]          # lost; the window refills
    el = time.monotonic() - t0
    print("rate %d/s answered %d sent %d bad %d" %
          (answered / el, answered, sent, bad))


main()
