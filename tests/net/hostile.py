#!/usr/bin/python3
"""hostile.py: the hostile-traffic battery (tests/suite-55-hostile.sh).

    hostile.py CONSOLE FIFO GUEST_MAC RING [CLASS...]

Runs inside the test namespace (tap0, 192.0.2.1/24) against the kernel
booted in QEMU as 192.0.2.2 with its serial console written to CONSOLE
and read from FIFO (the shell).  For each class of hostile traffic it
reads "netstat -s", sends the class's frames with scapy, checks that
the kernel still answers a normal ping, reads "netstat -s" again and
checks the class's own drop counter moved by what was sent.  Then it
lets reassembly time out (the kernel runs with ipfragttl=2) and checks
"netstat -m": every mbuf and cluster back but the receive ring's RING.

Output: one line per class, "ok N class: ..." or "not ok N class #
why", then "P passed, F failed".  Every sending loop is bounded in
count and time; every frame goes to the guest's MAC (192.0.2.2, or
127.0.0.1 for the loopback class) or a broadcast/multicast address on
tap0, which only the guest hears; sources are 192.0.2.0/24 except in
the martian classes, whose whole point is an impossible source.
"""
import os
import random
import re
import subprocess
import sys
import time

from scapy.all import ARP, ICMP, IP, UDP, AsyncSniffer, Ether, Raw, conf, \
    fragment

HOST, GUEST = "192.0.2.1", "192.0.2.2"
MAXFRAMES = 600          # per class
MAXSECS = 10.0           # per class, sending
CONSOLE, FIFO, GMAC, RING = sys.argv[1], sys.argv[2], sys.argv[3], \
    int(sys.argv[4])
ONLY = sys.argv[5:]
rnd = random.Random(int(os.environ.get("HOSTILE_SEED", "7")))


def hmac():
    with open("/sys/class/net/tap0/address") as f:
        return f.read().strip()


HMAC = hmac()


def mac2b(mac):
    """A MAC address "aa:bb:..." as 6 bytes."""
    return bytes(int(x, 16) for x in mac.split(":"))

sock = conf.L2socket(iface="tap0")


# ---- the kernel's serial shell -----------------------------------------
def console():
    with open(CONSOLE, "rb") as f:
        return f.read().decode("latin-1").replace("\r", "")


def kcmd(cmd, secs=15):
    """Run a shell command; return what it printed (bounded wait)."""
    before = console()
    k = before.count("mbufk> ")
    with open(FIFO, "w") as f:
        f.write(cmd + "\r")
    end = time.monotonic() + secs
    while time.monotonic() < end:
        now = console()
        if now.count("mbufk> ") > k:
            out = now[len(before):]
            return out[:out.rfind("mbufk> ")]
        time.sleep(0.05)
    return console()[len(before):]


SECTIONS = ("ether", "arp", "ip", "icmp", "udp", "headers", "ip6", "icmp6",
            "nd6", "udp6")


def netstat():
    """netstat -s as {section: text}."""
    out = kcmd("netstat -s")
    sec, d = None, {}
    for line in out.splitlines():
        if line.rstrip(":") in SECTIONS and line.endswith(":"):
            sec = line[:-1]
            d[sec] = ""
        elif sec is not None:
            d[sec] += line + "\n"
    return d


def counter(ns, sec, label):
    m = re.search(r"(\d+) " + re.escape(label) + r"(?!\w)", ns.get(sec, ""))
    return int(m.group(1)) if m else None


# ---- sending -----------------------------------------------------------
def eth(dst=None, src=None):
    return Ether(dst=dst or GMAC, src=src or HMAC)


def send(frames):
    """Send raw frames (bytes or scapy packets), bounded.  A pause of
    10 ms after every 64 lets the kernel's input queue (256) drain, so
    a class's frames reach the protocol that counts them rather than
    the queue's drop counter when the machine is busy."""
    end = time.monotonic() + MAXSECS
    n = 0
    for fr in frames[:MAXFRAMES]:
        if time.monotonic() > end:
            break
        sock.send(fr if isinstance(fr, bytes) else bytes(fr))
        n += 1
        if n % 64 == 0:
            time.sleep(0.01)
    return n


def ping_ok(size=56, dst=GUEST, family="-4"):
    """A normal ping answered right after (3 tries)."""
    for _ in range(3):
        r = subprocess.run(["ping", family, "-n", "-c", "1", "-W", "2",
                            "-s", str(size), dst], capture_output=True,
                           text=True, timeout=15)
        if r.returncode == 0:
            m = re.search(r"time=([0-9.]+) ms", r.stdout)
            return m.group(1) if m else "?"
    return None


def ipb(**kw):
    """An IPv4 header from us to the guest, as bytes."""
    kw.setdefault("src", HOST)
    kw.setdefault("dst", GUEST)
    return IP(**kw)


def udp_ok(dport=9, data=b"x" * 32, **ipkw):
    return eth() / ipb(**ipkw) / UDP(sport=4000, dport=dport) / Raw(data)


def echo(data=b"p" * 32, **ipkw):
    return eth() / ipb(**ipkw) / ICMP(type=8, id=0x4242, seq=1) / Raw(data)


def raw_ip(pkt, **over):
    """bytes of pkt with IP header fields overwritten (no re-sum)."""
    b = bytearray(bytes(pkt))
    for off, val in over.items():
        b[int(off[1:])] = val
    return bytes(b)


def with_sum(b):
    """Recompute the IP header checksum of frame bytes b (IHL honoured,
    limited to what the frame holds)."""
    b = bytearray(b)
    ihl = (b[14] & 15) * 4
    hdr = b[14:14 + min(ihl, len(b) - 14)]
    hdr[10:12] = b"\0\0"
    if len(hdr) % 2:
        hdr += b"\0"
    s = sum((hdr[i] << 8) | hdr[i + 1] for i in range(0, len(hdr), 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    s = ~s & 0xffff
    b[24:26] = bytes([s >> 8, s & 0xff])
    return bytes(b)


# ---- the classes -------------------------------------------------------
# Each returns (frames, [(section, label, minimum increase)]).
N = 20


def c_trunc_ether():
    # 13 bytes: the type is cut; the NIC pads the frame to 60 with
    # zeros, so the kernel sees type 0: unknown.
    f = bytes(eth())[:13]
    return [f] * N, [("ether", "unknown type", N)]


def c_trunc_arp():
    # 5 bytes of ARP: hardware type, protocol, hln; pln is padding (0).
    f = bytes(eth() / ARP(op=1, psrc=HOST, pdst=GUEST))[:14 + 5]
    return [f] * N, [("arp", "bad protocol", N)]


def c_trunc_ip():
    # 12 bytes of IP header: checksum and addresses are padding.
    f = bytes(udp_ok())[:14 + 12]
    return [f] * N, [("ip", "bad header checksum", N)]


def c_trunc_icmp():
    # ip_len 24: four bytes of ICMP header.
    f = with_sum(raw_ip(echo(), b16=0, b17=24))
    return [f] * N, [("icmp", "too short", N)]


def c_trunc_udp():
    f = with_sum(raw_ip(udp_ok(), b16=0, b17=24))
    return [f] * N, [("udp", "short header", N)]


def c_hlen_small():
    f = with_sum(raw_ip(udp_ok(), b14=0x44))
    return [f] * N, [("ip", "bad header length", N)]


def c_hlen_big():
    # IHL 15 (60 bytes) in a 46-byte packet.
    f = with_sum(raw_ip(bytes(udp_ok(data=b""))[:14 + 28], b14=0x4f))
    return [f] * N, [("ip", "bad header length", N)]


def c_len_below_hdr():
    f = with_sum(raw_ip(udp_ok(), b16=0, b17=12))
    return [f] * N, [("ip", "ip_len below header", N)]


def c_len_past_frame():
    f = with_sum(raw_ip(udp_ok(), b16=0x05, b17=0xdc))   # 1500
    return [f] * N, [("ip", "ip_len past frame", N)]


def c_len_short_of_frame():
    # ip_len 8 bytes short of the echo request: the kernel trims the
    # rest as link padding and the ICMP checksum no longer matches.
    p = echo(data=b"q" * 40)
    b = bytes(p)
    L = len(b) - 14 - 8
    f = with_sum(raw_ip(p, b16=L >> 8, b17=L & 0xff))
    return [f] * N, [("icmp", "bad checksum", N)]


def c_ip_cksum():
    b = bytearray(bytes(udp_ok()))
    b[24] ^= 0x5a
    return [bytes(b)] * N, [("ip", "bad header checksum", N)]


def c_icmp_cksum():
    b = bytearray(bytes(echo()))
    b[36] ^= 0xff
    return [bytes(b)] * N, [("icmp", "bad checksum", N)]


def c_udp_cksum():
    b = bytearray(bytes(udp_ok()))
    b[40] ^= 0x11
    if b[40] == 0 and b[41] == 0:
        b[41] = 1
    return [bytes(b)] * N, [("udp", "bad checksum", N)]


def c_udp_len_long():
    p = udp_ok()
    p[UDP].len = 500
    return [bytes(p)] * N, [("udp", "bad length", N)]


def c_udp_len_short():
    p = udp_ok()
    p[UDP].len = 4
    return [bytes(p)] * N, [("udp", "bad length", N)]


def c_tiny_first_frag():
    # First fragments of 1..7 bytes (and 0) with more to follow.
    fr = []
    for i in range(N):
        n = i % 8
        fr.append(eth() / ipb(id=2000 + i, flags="MF", frag=0, proto=17) /
                  Raw(b"t" * n))
    return fr, [("ip", "bad length", N)]


def c_teardrop():
    # Teardrop: the second fragment lies inside the first (duplicate);
    # and pairs overlapping in part (trimmed).
    fr = []
    for i in range(N // 2):
        fr.append(eth() / ipb(id=3000 + i, flags="MF", frag=0, proto=17) /
                  Raw(b"A" * 48))
        fr.append(eth() / ipb(id=3000 + i, flags=0, frag=3, proto=17) /
                  Raw(b"B" * 4))
    for i in range(N // 2):
        fr.append(eth() / ipb(id=3100 + i, flags="MF", frag=0, proto=17) /
                  Raw(b"C" * 32))
        fr.append(eth() / ipb(id=3100 + i, flags=0, frag=2, proto=17) /
                  Raw(b"D" * 40))
    return fr, [("ip", "duplicates", N // 2),
                ("ip", "overlaps trimmed", N // 2)]


def c_ping_of_death():
    # The classic: the last fragment of an echo ends past 65535.
    fr = []
    for i in range(N):
        fr.append(eth() / ipb(id=4000 + i, flags=0, frag=8189, proto=1) /
                  Raw(b"D" * 64))
    return fr, [("ip", "past 65535", N)]


def c_frag_flood():
    # 300 incomplete datagrams (one middle fragment each): reassembly
    # holds 16, the rest are over budget.
    fr = [eth() / ipb(id=5000 + i, flags="MF", frag=8, proto=17) /
          Raw(b"F" * 64) for i in range(300)]
    return fr, [("ip", "over budget", 300 - 16)]


def c_arp_storm():
    # A request for our address from each of 240 senders in
    # 192.0.2.0/24 (never .1, .2, .255), random MACs: the 64-entry
    # table evicts.
    fr = []
    ips = list(range(10, 250))
    rnd.shuffle(ips)
    for a in ips:
        mac = "02:%02x:%02x:%02x:%02x:%02x" % tuple(
            rnd.randrange(256) for _ in range(5))
        ip = "192.0.2.%d" % a
        fr.append(Ether(dst="ff:ff:ff:ff:ff:ff", src=mac) /
                  ARP(op=1, hwsrc=mac, psrc=ip, pdst=GUEST))
    return fr, [("arp", "evicted", len(ips) - 64)]


def c_echo_max():
    # Echo requests of 65535 bytes (65507 of data), fragmented here:
    # reassembled, answered, the answer fragmented.
    fr = []
    for i in range(2):
        p = IP(src=HOST, dst=GUEST, id=6000 + i) / \
            ICMP(type=8, id=0x4343, seq=i) / Raw(b"M" * 65507)
        fr += [eth() / f for f in fragment(p, fragsize=1480)]
    return fr, [("ip", "reassembled datagrams", 2),
                ("icmp", "echo replies sent", 2)]


def c_broadcast():
    bc = "ff:ff:ff:ff:ff:ff"
    fr = []
    for i in range(N // 2):
        fr.append(eth(dst=bc) / ipb(dst="192.0.2.255") /
                  ICMP(type=8, id=1, seq=i) / Raw(b"b" * 16))
        fr.append(eth(dst=bc) / ipb(dst="255.255.255.255") /
                  UDP(sport=4000, dport=4444) / Raw(b"b" * 16))
    return fr, [("icmp", "broadcast echo", N // 2),
                ("udp", "no port (broadcast)", N // 2)]


def c_multicast():
    fr = []
    for i in range(N):
        fr.append(eth(dst="01:00:5e:00:00:01") / ipb(dst="224.0.0.1") /
                  ICMP(type=8, id=2, seq=i) / Raw(b"m" * 16))
    return fr, [("ether", "multicast", N)]


# ---- martians and loops (issue 18) ----------------------------------
def udp_from(src, sport=4000, dport=7, dst=GUEST, data=b"l" * 32):
    return eth() / IP(src=src, dst=dst) / UDP(sport=sport, dport=dport) / \
        Raw(data)


def from_loopback(p):
    """A frame the guest sent with a loopback source (must never be)."""
    return IP in p and p[IP].src.startswith("127.") and \
        p[Ether].src.lower() != HMAC.lower()


def c_land():
    # LAND: our address to our address, port 7 to 7, valid checksum.
    # Before the martian filter the echo answered itself through lo0
    # for ever at splnet: no ping, no console.
    fr = [udp_from(GUEST, 7, 7) for _ in range(N)]
    return fr, [("ip", "own source off lo0", N)]


def c_echo_pingpong():
    # Another host's echo port to ours: two echo services would bounce
    # it for ever; ours does not answer a looping source port.
    fr = [udp_from(HOST, 7, 7) for _ in range(N)]
    return fr, [("udp", "from a looping port", N)]


def c_to_loopback():
    # 127.0.0.1 from the wire: echo request, UDP echo, UDP to a closed
    # port; none may be answered (the answer would leave with source
    # 127.0.0.1): the sniffer on tap0 checks.
    fr = []
    for i in range(N // 2):
        fr.append(eth() / IP(src=HOST, dst="127.0.0.1") /
                  ICMP(type=8, id=0x4444, seq=i) / Raw(b"L" * 16))
        fr.append(udp_from(HOST, 4000, 7, dst="127.0.0.1"))
        fr.append(udp_from(HOST, 4000, 4444, dst="127.0.0.1"))
    return fr, [("ip", "loopback destination off lo0", 3 * (N // 2))], \
        from_loopback


def martian(src, label):
    def c():
        return [udp_from(src) for _ in range(N)], [("ip", label, N)]
    return c


CLASSES = [
    ("truncated ethernet header", c_trunc_ether),
    ("truncated arp", c_trunc_arp),
    ("truncated ip header", c_trunc_ip),
    ("truncated icmp header", c_trunc_icmp),
    ("truncated udp header", c_trunc_udp),
    ("ip header length below 20", c_hlen_small),
    ("ip header length beyond the packet", c_hlen_big),
    ("ip total length below the header", c_len_below_hdr),
    ("ip total length longer than the frame", c_len_past_frame),
    ("ip total length shorter than the frame", c_len_short_of_frame),
    ("bad ip checksum", c_ip_cksum),
    ("bad icmp checksum", c_icmp_cksum),
    ("bad udp checksum", c_udp_cksum),
    ("udp length past the packet", c_udp_len_long),
    ("udp length below 8", c_udp_len_short),
    ("tiny first fragments", c_tiny_first_frag),
    ("overlapping fragments (teardrop)", c_teardrop),
    ("fragments past 65535 (ping of death)", c_ping_of_death),
    ("echo at the largest reassemblable size", c_echo_max),
    ("incomplete fragment flood (reassembly budget)", c_frag_flood),
    ("arp storm of random senders", c_arp_storm),
    ("broadcast destinations", c_broadcast),
    ("multicast destinations", c_multicast),
    ("land (our address to our address, port 7 to 7)", c_land),
    ("echo ping-pong (a host's port 7 to our port 7)", c_echo_pingpong),
    ("frames to 127.0.0.1 from the wire", c_to_loopback),
    ("martian source 0.0.0.0", martian("0.0.0.0", "source 0.0.0.0")),
    ("martian source 255.255.255.255",
     martian("255.255.255.255", "broadcast source")),
    ("martian source directed broadcast",
     martian("192.0.2.255", "broadcast source")),
    ("martian source multicast", martian("224.0.0.5", "multicast source")),
    ("martian source class E", martian("240.0.0.1", "class E source")),
    ("martian source 127.0.0.1",
     martian("127.0.0.1", "loopback source off lo0")),
]


def reass_empty(secs, sec="ip"):
    """Wait (at most secs) until reassembly (netstat -s section sec)
    holds nothing."""
    end = time.monotonic() + secs
    while time.monotonic() < end:
        m = re.search(r"reassembly now: (\d+) datagrams",
                      netstat().get(sec, ""))
        if m and m.group(1) == "0":
            return
        time.sleep(0.3)


def main(classes=None, ping=ping_ok, reass="ip", slow=None):
    """Run classes (default CLASSES): ping() must answer after each;
    reassembly (netstat -s section reass) is let empty (4 s at most)
    before each class in slow (default: the largest echo) and before
    the final "every buffer back"."""
    classes = CLASSES if classes is None else classes
    slow = (c_echo_max,) if slow is None else slow
    npass = nfail = 0
    t0 = time.monotonic()
    for i, (name, fn) in enumerate(classes, 1):
        if ONLY and not any(o in name for o in ONLY):
            continue
        frames, checks, *forbid = fn()
        reass_empty(4 if fn in slow else 0, reass)
        before = netstat()
        sniffer = None
        if forbid:
            sniffer = AsyncSniffer(iface="tap0", lfilter=forbid[0],
                                   store=True)
            sniffer.start()
            time.sleep(0.3)
        sent = send(frames)
        time.sleep(0.5)
        rtt = ping()
        after = netstat()
        why, got = [], []
        if sniffer is not None:
            caught = sniffer.stop() or []
            if len(caught):
                why.append("%d frames left the guest with a forbidden "
                           "source: %s" % (len(caught), caught[0].summary()))
            got.append("sniffer: %d forbidden frames" % len(caught))
        if rtt is None:
            why.append("no answer to a normal ping afterwards")
        for sec, label, want in checks:
            a, b = counter(before, sec, label), counter(after, sec, label)
            if a is None or b is None:
                why.append("no counter %s '%s' in netstat -s" % (sec, label))
            elif b - a < want:
                why.append("%s '%s' +%d, expected +%d" % (sec, label,
                                                          b - a, want))
            got.append("%s '%s' +%d" % (sec, label,
                                        (b or 0) - (a or 0)))
        if "panic:" in console():
            why.append("the kernel panicked")
        if why:
            nfail += 1
            print("not ok %d %s # %s" % (i, name, "; ".join(why)))
        else:
            npass += 1
            print("ok %d %s: %d frames, %s; ping %s ms" %
                  (i, name, sent, ", ".join(got), rtt))
        sys.stdout.flush()
    # Every buffer back once reassembly has timed out (ipfragttl=2).
    if not ONLY or "leaks" in ONLY:
        i = len(classes) + 1
        out = ""
        for _ in range(20):
            time.sleep(0.5)
            ns = netstat()
            m = re.search(r"reassembly now: (\d+) datagrams, (\d+) mbufs",
                          ns.get(reass, ""))
            if m and m.group(1) == "0":
                break
        out = kcmd("netstat -m")
        mb = re.search(r"^(\d+)/\d+/\d+/\d+ mbufs in use", out, re.M)
        cl = re.search(r"^(\d+)/\d+/\d+/\d+ mbuf clusters in use", out,
                       re.M)
        mb = int(mb.group(1)) if mb else -1
        cl = int(cl.group(1)) if cl else -1
        if mb == RING and cl == RING:
            npass += 1
            print("ok %d every buffer back: %d mbufs, %d clusters in use "
                  "(the receive ring's)" % (i, mb, cl))
        else:
            nfail += 1
            print("not ok %d every buffer back # %d mbufs and %d clusters "
                  "in use, expected %d (reassembly: %s)" %
                  (i, mb, cl, RING, m.group(0) if m else "?"))
    print("# battery took %.1f s" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
