#!/bin/sh
# suite-52-net6.sh: the kernel's IPv6 against the host's own.
#
# As root: the namespace of tests/net/ns.sh with IPv6 on (NS_IPV6=1:
# 2001:db8::1/64 and link-local on tap0, nothing else), the kernel in
# QEMU as 2001:db8::2 (its default ip6=), and from the namespace: ping
# -6 with 56, 1452, 4000, 20000 and 65000 bytes (the larger fragmented
# both ways), a UDP client sending payloads of 1..65000 bytes to the
# echo port, checking every reply byte for byte, ip -6 neigh showing the
# kernel's MAC; zero bytes copied by mbuf calls per echoed packet
# (UDP and ICMPv6, unfragmented); from the kernel's shell ping6 to the
# host (ND the other way) and ndp -a showing the host.  tshark captures
# the tap: no frame the kernel sent may be malformed or carry a bad
# checksum.  Not root: skipped, "0 passed, 0 failed".  Every loop is
# bounded.
cd "$(dirname "$0")/.." || exit 1
if [ "$(id -u)" -ne 0 ]; then
	echo "net6: skipped: needs root (network namespace, tap device)"
	echo "0 passed, 0 failed"
	exit 0
fi
sh tests/deps.sh qemu net tshark || { echo "0 passed, 1 failed"; exit 1; }
[ -f build/kernel.elf ] || { echo "  FAIL: no build/kernel.elf"; \
    echo "0 passed, 1 failed"; exit 1; }

. tests/net/ns.sh
. tests/net/guest.sh
W=build/logs/net6
MAC=$NS_MAC
mkdir -p "$W"
rm -f "$W"/* 2>/dev/null
PCAP=$W/capture.pcap
TPID=
p=0 f=0

cleanup() {
	guest_stop
	[ -n "$TPID" ] && kill "$TPID" 2>/dev/null
	[ -n "$TPID" ] && wait "$TPID" 2>/dev/null
	ns_down
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

pass() { echo "  ok: $*"; p=$((p + 1)); }
fail() { echo "  FAIL: $*"; f=$((f + 1)); }
nsx() { ns_exec "$@"; }

NS_IPV6=1 ns_up "mbufk-net6-$$" || { echo "  FAIL: cannot create a namespace"; \
    echo "0 passed, 1 failed"; exit 1; }

ns_spawn timeout 600 tshark -q -i tap0 -w "$PCAP" > "$W/tshark.log" 2>&1
TPID=$NS_PID

if ! guest_boot "$W" "selftest=none ip=$NS_GUEST/24 gw=$NS_HOST ip6=$NS_GUEST6/64" 60; then
	fail "the kernel did not reach its shell in 60 s"
	tail -20 "$CON"
	echo "$p passed, $f failed"
	exit 1
fi
grep 'inet6' "$CON" | tr -d '\r' | sed 's/^/  /'
sleep 2			# DAD: one solicitation, a second

# 1. ping -6 from the host, five sizes.
for size in 56 1452 4000 20000 65000; do
	if nsx timeout 40 ping -6 -n -c 3 -i 0.3 -W 3 -s "$size" $NS_GUEST6 \
	    > "$W/ping-$size.out" 2>&1; then
		pass "host ping -6 -s $size: 3/3 replies"
	else
		fail "host ping -6 -s $size: $(grep 'packet loss' \
		    "$W/ping-$size.out")"
	fi
done

# 2. the kernel's MAC in the host's neighbour table.
if nsx ip -6 neigh show $NS_GUEST6 | grep -qi "lladdr $MAC"; then
	pass "ip -6 neigh: $NS_GUEST6 is at $MAC"
else
	fail "ip -6 neigh: $(nsx ip -6 neigh show)"
fi

# 3. UDP echo over IPv6, 1..65000 bytes, every byte checked.
if nsx timeout 120 /usr/bin/python3 tests/net/udpecho.py $NS_GUEST6 60 65000 60 \
    > "$W/udpecho.out" 2>&1; then
	pass "$(cat "$W/udpecho.out") (IPv6)"
else
	fail "$(tail -3 "$W/udpecho.out")"
fi

# 3b. zero bytes copied per echoed packet when the headers lie in one
# mbuf (one receive cluster: unfragmented), as net6.echo checks in the
# self-tests: UDP echo of 1..1400 bytes, ping -6 of 56 and 1400 bytes;
# the copy counters of netstat -m (every mbuf call's) must not move.
c0=$(kcopied); u0=$(kstat udp6 echoed); i0=$(kstat icmp6 "echo replies sent")
nsx timeout 60 /usr/bin/python3 tests/net/udpecho.py $NS_GUEST6 100 1400 30 \
    > "$W/udpecho-1400.out" 2>&1
nsx timeout 30 ping -6 -n -c 5 -i 0.2 -W 2 -s 56 $NS_GUEST6 \
    > "$W/ping-zc.out" 2>&1
nsx timeout 30 ping -6 -n -c 5 -i 0.2 -W 2 -s 1400 $NS_GUEST6 \
    >> "$W/ping-zc.out" 2>&1
c1=$(kcopied); u1=$(kstat udp6 echoed); i1=$(kstat icmp6 "echo replies sent")
ue=$(( ${u1:-0} - ${u0:-0} )) ie=$(( ${i1:-0} - ${i0:-0} ))
cp=$(( ${c1:-0} - ${c0:-0} ))
if [ "$ue" -ge 100 ] && [ "$ie" -ge 10 ] && [ -n "$c0" ] && [ "$cp" -eq 0 ]
then
	pass "zero copy: $ue UDP and $ie ICMPv6 echoes, 0 bytes copied" \
	    "(the copy counters stay at $c1)"
else
	fail "zero copy: $ue UDP (of 100) and $ie ICMPv6 (of 10) echoes," \
	    "$cp bytes copied by mbuf calls"
fi

# 4. from the kernel: ping6 to the host (ND resolves the other way).
kcmd "ping6 $NS_HOST6 3 56" 20
if grep -q '3 packets transmitted, 3 packets received' "$KOUT"; then
	pass "kernel ping6 $NS_HOST6: 3/3"
else
	fail "kernel ping6 $NS_HOST6:"; sed 's/^/    /' "$KOUT"
fi
kcmd "ping6 $NS_HOST6 2 4000" 20
if grep -q '2 packets transmitted, 2 packets received' "$KOUT"; then
	pass "kernel ping6 $NS_HOST6 with 4000 bytes (fragmented both ways)"
else
	fail "kernel ping6 4000:"; sed 's/^/    /' "$KOUT"
fi
kcmd "ndp -a" 10
cp "$KOUT" "$W/ndp.out"
hostmac=$(nsx cat /sys/class/net/tap0/address)
if grep -qi "$hostmac" "$KOUT"; then
	pass "ndp -a: the host at $hostmac"
else
	fail "ndp -a:"; sed 's/^/    /' "$KOUT"
fi
kcmd "netstat -s" 10
cp "$KOUT" "$W/netstat-s.out"
kcmd "ifconfig em0" 10
cp "$KOUT" "$W/ifconfig.out"

# 5. the capture: nothing malformed or badly summed from the kernel.
kill "$TPID" 2>/dev/null
wait "$TPID" 2>/dev/null
TPID=
from="eth.src == $MAC && ipv6"
total=$(tshark -r "$PCAP" -Y "$from" 2>/dev/null | wc -l)
bad=$(tshark -r "$PCAP" -o udp.check_checksum:TRUE \
    -Y "$from && (_ws.malformed || _ws.expert.severity >= error || \
    udp.checksum.status == 0 || icmpv6.checksum.status == 0)" 2>/dev/null)
if [ "$total" -gt 0 ] && [ -z "$bad" ]; then
	pass "tshark: $total IPv6 frames from the kernel, none malformed, no bad checksum"
else
	fail "tshark: $total IPv6 frames from the kernel, bad ones:"
	echo "$bad" | head -10 | sed 's/^/    /'
fi

echo "$p passed, $f failed"
[ "$f" -eq 0 ]
