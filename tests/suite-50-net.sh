#!/bin/sh
# suite-50-net.sh: the kernel's network stack against the host's own.
#
# As root: a network namespace holding a tap device (host side
# 192.0.2.1/24), the kernel booted in QEMU on that tap as 192.0.2.2 with
# its serial console on a fifo we write shell commands to, and from the
# namespace the host's real tools: ping with 56, 1472, 4000 and 20000
# bytes, a UDP client sending random payloads of 1..8000 bytes to the
# echo port and checking every reply, ip neigh showing the kernel's MAC;
# from the kernel's shell a ping to 192.0.2.1.  tshark captures the tap;
# no frame the kernel sent may be malformed or carry a bad checksum.  At
# the end "netstat -m" must show every mbuf and cluster back except the
# receive ring's own.  The namespace is deleted whatever happens (trap).
# With SMP=N (N > 1) the guest boots with em.cpu=N-1 (em(4), ioapic(4))
# and netintr.cpu=0 (ifnet(9)): the NIC's interrupt on the last CPU,
# netintr bound to cpu0; "intr" must count em0's interrupts there,
# none through the 8259, and ifconfig's per-CPU netintr lines must show
# the traffic's passes and frames on cpu0 and none on the others; then
# a second boot the other way round (em.cpu=0 netintr.cpu=N-1) checks
# the same with a ping and a short UDP echo.  With one CPU netintr is
# unbound and its passes are on cpu0.
# Not root: skipped, "0 passed, 0 failed".  Every loop is bounded.
cd "$(dirname "$0")/.." || exit 1
if [ "$(id -u)" -ne 0 ]; then
	echo "net: skipped: needs root (network namespace, tap device)"
	echo "0 passed, 0 failed"
	exit 0
fi
sh tests/deps.sh qemu net tshark || { echo "0 passed, 1 failed"; exit 1; }
[ -f build/kernel.elf ] || { echo "  FAIL: no build/kernel.elf"; \
    echo "0 passed, 1 failed"; exit 1; }

. tests/net/ns.sh
. tests/net/guest.sh
W=build/logs/net
MAC=$NS_MAC
RING=128			# em(4) receive ring: clusters it keeps
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

ns_up "mbufk-net-$$" || { echo "  FAIL: cannot create a namespace"; \
    echo "0 passed, 1 failed"; exit 1; }

ns_spawn timeout 600 tshark -q -i tap0 -w "$PCAP" > "$W/tshark.log" 2>&1
TPID=$NS_PID

EMCPU=$(( ${SMP:-1} - 1 ))
NICPU=0 NIARG=
[ "${SMP:-1}" -gt 1 ] && NIARG="netintr.cpu=$NICPU"
if ! guest_boot "$W" "selftest=none ip=$NS_GUEST/24 gw=$NS_HOST em.cpu=$EMCPU $NIARG" 60; then
	fail "the kernel did not reach its shell in 60 s"
	tail -20 "$CON"
	echo "$p passed, $f failed"
	exit 1
fi
grep '^em0:\|^netintr:' "$CON" | sed 's/^/  /'
sleep 1
# netintr's passes by CPU before the traffic ("netintr cpuN: R runs, F
# frames" lines of ifconfig): its first passes ran before the bind.
kcmd "ifconfig" 10
cp "$KOUT" "$W/ifconfig-before.out"

# 1. ping from the host, four sizes (the larger ones fragmented).
for size in 56 1472 4000 20000; do
	if nsx timeout 30 ping -n -c 5 -i 0.2 -W 2 -s "$size" 192.0.2.2 \
	    > "$W/ping-$size.out" 2>&1; then
		rtt=$(grep -o 'rtt [^=]*= [0-9./]*' "$W/ping-$size.out" |
		    sed 's/.*= //')
		pass "host ping -s $size: 5/5 replies, rtt min/avg/max/mdev $rtt ms"
	else
		fail "host ping -s $size: $(grep 'packet loss' \
		    "$W/ping-$size.out")"
	fi
done

# 2. the kernel's MAC in the host's neighbour table.
if nsx ip neigh show 192.0.2.2 | grep -qi "lladdr $MAC"; then
	pass "ip neigh: 192.0.2.2 is at $MAC"
else
	fail "ip neigh: $(nsx ip neigh show 192.0.2.2)"
fi

# 3. UDP echo, random payloads 1..8000 bytes, every byte checked.
# counters: "copied echoed": the copy counters of netstat -m (the
# m_pulldown family's among them) and the echo count of netstat -s.
counters() {
	echo "$(kcopied)" "$(kstat udp echoed)"
}
set -- $(counters)
cp0=$1 e0=$2
if nsx timeout 120 /usr/bin/python3 tests/net/udpecho.py 192.0.2.2 300 8000 100 \
    > "$W/udpecho.out" 2>&1; then
	pass "$(cat "$W/udpecho.out")"
else
	fail "$(tail -3 "$W/udpecho.out")"
fi
set -- $(counters)
cp1=$1 e1=$2
echoed=$(( ${e1:-0} - ${e0:-0} ))
if [ "$echoed" -gt 0 ]; then
	pass "kernel echoed $echoed datagrams, $((cp1 - cp0)) bytes copied by mbuf calls in all ($(( (cp1 - cp0) / echoed )) per datagram)"
else
	fail "the kernel's udp echo counter did not move"
fi

# 4. ping from the kernel's shell to the host.
kcmd "ping 192.0.2.1 3 56" 20
if grep -q '3 packets transmitted, 3 packets received' "$KOUT"; then
	pass "kernel ping 192.0.2.1: $(grep 'round-trip' "$KOUT" |
	    tr -d '\r')"
else
	fail "kernel ping 192.0.2.1:"; sed 's/^/    /' "$KOUT"
fi
kcmd "ping 192.0.2.1 2 4000" 20
if grep -q '2 packets transmitted, 2 packets received' "$KOUT"; then
	pass "kernel ping 192.0.2.1 with 4000 bytes (fragmented both ways)"
else
	fail "kernel ping 192.0.2.1 4000:"; sed 's/^/    /' "$KOUT"
fi

# 5. every buffer back except the receive ring's own.
sleep 1
kcmd "netstat -m" 10
cp "$KOUT" "$W/netstat-m.out"
set -- $(awk -f tests/net/copies.awk "$KOUT")
if [ "$1" -eq "$RING" ] && [ "$2" -eq "$RING" ]; then
	pass "netstat -m: $1 mbufs and $2 clusters in use: the receive ring's $RING"
else
	fail "netstat -m: $1 mbufs and $2 clusters in use, expected $RING and $RING"
fi
kcmd "netstat -s" 10
cp "$KOUT" "$W/netstat-s.out"
kcmd "ifconfig em0" 10
cp "$KOUT" "$W/ifconfig.out"

# 5b. where em0's interrupts went (intr: a column per CPU after "cpu").
kcmd "intr" 10
cp "$KOUT" "$W/intr.out"
set -- $(awk -v c="$EMCPU" '$1 == "em0" {
	n = 0; for (i = 6; i <= NF; i++) if (i - 6 != c) n += $i
	print $5, $(6 + c), n }' "$KOUT")
if grep -q '^interrupts by I/O APIC (8259 masked)' "$KOUT" &&
    ! grep -q ' 8259 ' "$KOUT" && [ "${1:-x}" = "$EMCPU" ] &&
    [ "${2:-0}" -ge 100 ]; then
	pass "intr: em0 routed to cpu$EMCPU, $2 interrupts there ($3 on the other CPUs, before the route), none through the 8259"
else
	fail "intr: em0 not counted on cpu$EMCPU through the I/O APIC:"
	sed 's/^/    /' "$KOUT"
fi

# 5c. where netintr ran during the traffic: passes and frames on the
# CPU it is bound to, none on the others (with one CPU: unbound, cpu0).
# where_netintr BEFORE AFTER NICPU TAG: the check on two ifconfig outputs.
where_netintr() {
	_r=$(awk -v c="$3" '
	    FNR == 1 { f++ }
	    /^netintr cpu[0-9]+: / {
		n = substr($2, 4) + 0; runs[f, n] = $3; fr[f, n] = $5
		if (n + 1 > ncpu) ncpu = n + 1
	    }
	    END {
		other = 0
		for (n = 0; n < ncpu; n++)
			if (n != c) other += runs[2, n] - runs[1, n]
		print runs[2, c] - runs[1, c], fr[2, c] - fr[1, c], other
	    }' "$1" "$2")
	set -- $_r "$3" "$4"
	if [ "${1:-0}" -gt 0 ] && [ "${2:-0}" -gt 0 ] && [ "${3:-1}" -eq 0 ]; then
		pass "$5: netintr ran $1 passes ($2 frames) on cpu$4 during the traffic, none on the other CPUs"
	else
		fail "$5: netintr on cpu$4: ${1:-?} passes, ${2:-?} frames; on the others ${3:-?} passes:"
		grep '^netintr' "$AFTER_OUT" | sed 's/^/    /'
	fi
}
kcmd "ifconfig" 10
cp "$KOUT" "$W/ifconfig-after.out"
AFTER_OUT=$W/ifconfig-after.out
if [ "${SMP:-1}" -gt 1 ]; then
	bound="netintr: bound to cpu$NICPU"
else
	bound="netintr: unbound (runs on any CPU)"
fi
if grep -q "^$bound\$" "$KOUT"; then
	pass "ifconfig: $bound"
else
	fail "ifconfig: no \"$bound\":"; grep '^netintr' "$KOUT" | sed 's/^/    /'
fi
where_netintr "$W/ifconfig-before.out" "$W/ifconfig-after.out" "$NICPU" \
    "em0 on cpu$EMCPU"

# 5d. (SMP > 1) the other way round: em0 on cpu0, netintr on the last.
if [ "${SMP:-1}" -gt 1 ]; then
	guest_stop
	W2=$W/reverse
	mkdir -p "$W2"
	R_EM=0 R_NI=$(( SMP - 1 ))
	if guest_boot "$W2" "selftest=none ip=$NS_GUEST/24 gw=$NS_HOST em.cpu=$R_EM netintr.cpu=$R_NI" 60; then
		sleep 1
		kcmd "ifconfig" 10
		cp "$KOUT" "$W2/ifconfig-before.out"
		nsx timeout 30 ping -n -c 20 -i 0.05 -W 2 192.0.2.2 \
		    > "$W2/ping.out" 2>&1 || true
		if nsx timeout 60 /usr/bin/python3 tests/net/udpecho.py \
		    192.0.2.2 50 1400 20 > "$W2/udpecho.out" 2>&1 &&
		    grep -q ' 0% packet loss' "$W2/ping.out"; then
			pass "em.cpu=$R_EM netintr.cpu=$R_NI: 20/20 pings, $(cat "$W2/udpecho.out")"
		else
			fail "em.cpu=$R_EM netintr.cpu=$R_NI: $(grep 'packet loss' "$W2/ping.out"); $(tail -1 "$W2/udpecho.out")"
		fi
		kcmd "intr" 10
		cp "$KOUT" "$W2/intr.out"
		n=$(awk -v c="$R_EM" '$1 == "em0" { print $(6 + c) }' "$KOUT")
		if [ "${n:-0}" -ge 20 ]; then
			pass "intr: em0's interrupts on cpu$R_EM ($n)"
		else
			fail "intr: em0 on cpu$R_EM counted ${n:-none}:"
			sed 's/^/    /' "$KOUT"
		fi
		kcmd "ifconfig" 10
		cp "$KOUT" "$W2/ifconfig-after.out"
		AFTER_OUT=$W2/ifconfig-after.out
		where_netintr "$W2/ifconfig-before.out" \
		    "$W2/ifconfig-after.out" "$R_NI" "em0 on cpu$R_EM"
	else
		fail "em.cpu=$R_EM netintr.cpu=$R_NI: no shell in 60 s"
		tail -20 "$W2/console.log"
	fi
fi

# 6. the capture: nothing malformed or badly summed from the kernel.
kill "$TPID" 2>/dev/null
wait "$TPID" 2>/dev/null
TPID=
from="eth.src == $MAC"
total=$(tshark -r "$PCAP" -Y "$from" 2>/dev/null | wc -l)
bad=$(tshark -r "$PCAP" -o ip.check_checksum:TRUE \
    -o udp.check_checksum:TRUE \
    -Y "$from && (_ws.malformed || _ws.expert.severity >= error || \
    ip.checksum.status == 0 || udp.checksum.status == 0 || \
    icmp.checksum.status == 0)" 2>/dev/null)
if [ "$total" -gt 0 ] && [ -z "$bad" ]; then
	pass "tshark: $total frames from the kernel, none malformed, no bad checksum"
else
	fail "tshark: $total frames from the kernel, bad ones:"
	echo "$bad" | head -10 | sed 's/^/    /'
fi

echo "$p passed, $f failed"
[ "$f" -eq 0 ]
