#!/bin/sh
# suite-55-hostile.sh: hostile traffic and exhaustion under load.
#
# As root, in a network namespace made by tests/net/ns.sh (tap0,
# 192.0.2.1/24; the kernel is 192.0.2.2), three boots of the kernel in
# QEMU with its serial console as a shell (tests/net/guest.sh):
#
# 1. The hostile battery (tests/net/hostile.py, scapy): one result line
#    per class of malformed or abusive traffic; for each, the kernel
#    stays up, answers a normal ping right after and counts the drop in
#    "netstat -s" under the class's own counter; at the end "netstat -m"
#    shows every buffer back but the receive ring's (ipfragttl=2 so
#    reassembly times out quickly).
# 2. Exhaustion under load: nmbclusters=EXH_CL (the receive ring takes
#    128, its interrupt reserve 128, threads the other 128); a
#    bounded UDP flood to the discard port while "mwait" runs a thread
#    that takes what threads may have with M_WAIT: the ring keeps
#    receiving from its reserve, what it cannot refill is dropped and
#    counted, the thread completes once the flood stops, nothing leaks.
# 3. The IPv6 battery (tests/net/hostile6.py) in a second namespace
#    with IPv6 on (NS_IPV6=1; the kernel is 2001:db8::2, ip6fragttl=2):
#    as 1., the counters in the ip6, icmp6, udp6 and nd6 sections,
#    "ping -6" after each class.
#
# The battery alone: sh tests/suite-55-hostile.sh battery|battery6 [CLASS...]
# (CLASS: a substring of a class name).  Not root: skipped, "0 passed,
# 0 failed".  Every sending loop is bounded in count and time; the
# namespace is deleted whatever happens (trap).
cd "$(dirname "$0")/.." || exit 1
if [ "$(id -u)" -ne 0 ]; then
	echo "hostile: skipped: needs root (network namespace, tap device)"
	echo "0 passed, 0 failed"
	exit 0
fi
WHAT=${1:-all}
[ $# -gt 0 ] && shift
sh tests/deps.sh qemu net scapy > /dev/null 2>&1
# The interpreter deps.sh checks scapy with (and hostile.py's shebang).
PY=/usr/bin/python3
if ! $PY -c 'import scapy.all' > /dev/null 2>&1; then
	echo "hostile: no scapy for $PY (sh tests/deps.sh scapy)"
	echo "0 passed, 1 failed"
	exit 1
fi
[ -f build/kernel.elf ] || { echo "not ok 1 no build/kernel.elf"; \
    echo "0 passed, 1 failed"; exit 1; }

. tests/net/ns.sh
. tests/net/guest.sh
W=build/logs/hostile${SMP:+-smp$SMP}
mkdir -p "$W"
rm -f "$W"/* 2>/dev/null
p=0 f=0 n=0
EXH_CL=384

cleanup() { guest_stop; ns_down; }
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ok() { n=$((n + 1)); p=$((p + 1)); echo "ok $n $*"; }
notok() { n=$((n + 1)); f=$((f + 1)); echo "not ok $n $*"; }

ns_up "mbufk-hostile-$$" || { echo "not ok 1 cannot create a namespace"; \
    echo "0 passed, 1 failed"; exit 1; }

# ring: the receive ring's clusters, from the attach message.
ring() { sed -n 's/^em0: rx ring \([0-9]*\) clusters.*/\1/p' "$CON" | head -1; }

# ---- 1. the battery (and 3. its IPv6 half) ------------------------------
# battery SCRIPT TAG "CMDLINE" [CLASS...]: boot, run tests/net/SCRIPT,
# renumber its lines into this suite's.
battery() {
	_py=$1 _tag=$2 _boot=$3
	shift 3
	if ! guest_boot "$W" "$_boot" 60; then
		notok "boot for the $_tag # no shell prompt in 60 s"
		return
	fi
	cp "$CON" "$W/$_tag-boot.log"
	[ "$_tag" = battery6 ] && sleep 2	# DAD: one solicitation, 1 s
	ns_exec timeout 600 "$PY" "tests/net/$_py" "$CON" \
	    "$W/serial.in" "$NS_MAC" "$(ring)" "$@" > "$W/$_tag.out" 2>&1
	# Renumber into this suite's sequence.
	while IFS= read -r line; do
		case $line in
		"ok "*)	ok "${line#ok [0-9]* }" ;;
		"not ok "*) notok "${line#not ok [0-9]* }" ;;
		"#"*)	echo "$line" ;;
		esac
	done < "$W/$_tag.out"
	if ! grep -q ' passed, ' "$W/$_tag.out"; then
		notok "$_tag # $_py did not finish:"
		tail -5 "$W/$_tag.out" | sed 's/^/#   /'
	fi
	kcmd "netstat -s" 10; cp "$KOUT" "$W/$_tag-netstat-s.out"
	kcmd "ifconfig em0" 10; cp "$KOUT" "$W/$_tag-ifconfig.out"
	guest_stop
}

battery4() {
	battery hostile.py battery "selftest=none ipfragttl=2 \
ip=$NS_GUEST/24 gw=$NS_HOST" "$@"
}

# The IPv6 half in a namespace of its own with IPv6 on (NS_IPV6=1).
battery6() {
	ns_down
	if ! NS_IPV6=1 ns_up "mbufk-hostile6-$$"; then
		notok "battery6 # cannot create a namespace with IPv6"
		return
	fi
	battery hostile6.py battery6 "selftest=none ip6fragttl=2 \
ip=$NS_GUEST/24 gw=$NS_HOST ip6=$NS_GUEST6/64" "$@"
}

# ---- 2. exhaustion under load ------------------------------------------
field() { grep -o "$1" "$2" | head -1 | grep -o '[0-9]*' | head -1; }

exhaustion() {
	if ! guest_boot "$W" "selftest=none nmbclusters=$EXH_CL \
ip=$NS_GUEST/24 gw=$NS_HOST" 60; then
		notok "boot with nmbclusters=$EXH_CL # no shell prompt in 60 s"
		return
	fi
	cp "$CON" "$W/exhaustion-boot.log"
	rg=$(ring)
	kcmd "mpipes" 10
	cp "$KOUT" "$W/mpipes-before.out"
	nint=$(awk '$1 == "cluster" {print $5}' "$KOUT")
	# What threads may have: the cap less the ring and its reserve.
	want=$((EXH_CL - rg - nint))
	kcmd "ifconfig em0" 10
	nb0=$(field '[0-9]* no-cluster drops' "$KOUT")
	# The flood: 1000-byte datagrams to the discard port, one cluster
	# each; bounded (3 s, 1000000 datagrams).
	ns_exec timeout 20 "$PY" - "$NS_GUEST" > "$W/flood.out" 2>&1 <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)
t0 = time.monotonic()
end, n, data = t0 + 3, 0, b"f" * 1000
while time.monotonic() < end and n < 1000000:
    try:
        s.sendto(data, (sys.argv[1], 9))
        n += 1
    except (BlockingIOError, OSError):
        time.sleep(0.0005)
print("flood: sent %d datagrams in %.1f s" % (n, time.monotonic() - t0))
EOF
	fp=$!
	sleep 0.5
	t0=$(date +%s%N)
	# 30 rounds of taking everything threads may have, 50 ms holds:
	# the thread allocates all through the flood.
	kcmd "mwait $want 50 30" 10
	started=$(grep -c 'mwait: started' "$KOUT")
	# Done while the flood runs, or after it stops (bounded: 30 s).
	wait_con 'mwait: done' 30 0
	done_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	wait "$fp"
	sent=$(grep -o 'sent [0-9]* datagrams in [0-9.]* s' "$W/flood.out")
	sleep 1
	doneline=$(grep 'mwait: done' "$CON" | tr -d '\r' | head -1)
	kcmd "ifconfig em0" 10
	cp "$KOUT" "$W/exhaustion-ifconfig.out"
	nb1=$(field '[0-9]* no-cluster drops' "$KOUT")
	qd=$(sed -n 's/.*input .* queue [0-9]*\/[0-9]* \([0-9]*\) drops.*/\1/p' \
	    "$KOUT" | head -1)
	rx=$(field 'rx [0-9]* frames' "$KOUT")
	kcmd "netstat -s" 10
	cp "$KOUT" "$W/exhaustion-netstat-s.out"
	disc=$(grep -o '[0-9]* discarded' "$KOUT" | head -1 | grep -o '[0-9]*')
	kcmd "mpipes" 10
	cp "$KOUT" "$W/mpipes-after.out"
	intres=$(awk '$1 == "cluster" {print $16}' "$KOUT")
	waits=$(awk '$1 == "cluster" {print $12}' "$KOUT")
	fails=$(awk '$1 == "cluster" {print $11}' "$KOUT")
	if [ "$started" -ge 1 ] && [ -n "$doneline" ]; then
		ok "exhaustion: M_WAIT thread completed ${done_ms} ms after" \
		    "it started: ${doneline#*mwait: done: }"
	else
		notok "exhaustion: the M_WAIT thread did not complete # " \
		    "${doneline:-no 'mwait: done' within 30 s of the flood}"
	fi
	drops=$(( ${nb1:-0} - ${nb0:-0} ))
	if [ "${rx:-0}" -gt 0 ]; then
		ok "exhaustion: flood ${sent:-?}: $rx frames" \
		    "received, ${disc:-?} discarded, $drops no-cluster drops," \
		    "${qd:-?} input queue drops, cluster pipe: ${intres:-?}" \
		    "interrupt-reserve allocations, ${fails:-?} failures," \
		    "${waits:-?} sleeps"
	else
		notok "exhaustion: the ring received nothing # rx=${rx:-?}"
	fi
	if ns_exec ping -n -c 2 -W 2 "$NS_GUEST" > "$W/exh-ping.out" 2>&1; then
		ok "exhaustion: ping answered after the flood:" \
		    "$(grep -o 'rtt.*' "$W/exh-ping.out")"
	else
		notok "exhaustion: no ping answer after the flood"
	fi
	kcmd "netstat -m" 10
	cp "$KOUT" "$W/exhaustion-netstat-m.out"
	set -- $(awk -f tests/net/copies.awk "$KOUT")
	if [ "$1" -eq "$rg" ] && [ "$2" -eq "$rg" ]; then
		ok "exhaustion: netstat -m: $1 mbufs, $2 clusters in use" \
		    "(the receive ring's $rg): nothing leaked"
	else
		notok "exhaustion: netstat -m # $1 mbufs, $2 clusters in use," \
		    "expected $rg"
	fi
	guest_stop
}

case $WHAT in
battery)	battery4 "$@" ;;
battery6)	battery6 "$@" ;;
exhaustion)	exhaustion ;;
*)		battery4; exhaustion; battery6 ;;
esac
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
