#!/usr/bin/python3
# udpecho.py: send random UDP payloads of 1..MAX bytes to HOST:7 and
# check that every reply comes back byte for byte.
#
#   /usr/bin/python3 tests/net/udpecho.py HOST COUNT MAX SECONDS
#
# Bounded: at most COUNT datagrams and SECONDS seconds in all, a reply
# waited for at most 2 s (one resend).  Prints one summary line
# "udpecho: sent S echoed E mismatched M lost L bytes B" and exits 0
# only when every datagram was echoed intact.
import os
import random
import socket
import sys
import time

host, count, maxlen, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    float(sys.argv[4])
rnd = random.Random(int(os.environ.get("UDPECHO_SEED", "12345")))
# An IPv6 HOST (it has a colon) is sent to over IPv6.
v6 = ":" in host
s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("::" if v6 else "0.0.0.0", 0))
deadline = time.monotonic() + secs
sent = echoed = bad = lost = nbytes = 0
for i in range(count):
    if time.monotonic() > deadline:
        break
    n = rnd.randint(1, maxlen) if i >= 2 else (1 if i == 0 else maxlen)
    data = bytes(rnd.getrandbits(8) for _ in range(n))
    ok = False
    for attempt in range(2):
        s.sendto(data, (host, 7))
        sent += 1
        s.settimeout(2.0)
        try:
            while True:
                reply, addr = s.recvfrom(65535)
                if addr[1] != 7:
                    continue
                if reply == data:
                    ok = True
                else:
                    bad += 1
                    print("udpecho: mismatch: sent %d bytes, got %d" %
                          (n, len(reply)))
                break
        except socket.timeout:
            pass
        if ok or bad:
            break
    if ok:
        echoed += 1
        nbytes += n
    elif not bad:
        lost += 1
print("udpecho: sent %d echoed %d mismatched %d lost %d bytes %d" %
      (sent, echoed, bad, lost, nbytes))
sys.exit(0 if echoed > 0 and bad == 0 and lost == 0 else 1)
