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
# 4. (run third) The mbuf module under stress: nmbclusters=STRESS_CL;
#    "mstress" (net/mstress.c) runs threads on every CPU that take
#    mbufs, clusters and size-class buffers with M_WAIT up to what
#    threads may hold and pass chains to each other, while the same
#    flood arrives and the ring refills from interrupts; then its books
#    balance (per pipe, gets - puts = out; every chain freed), chains
#    were freed on another CPU (SMP > 1), the ring received, a ping is
#    answered and netstat -m shows only the ring's buffers.
# 3. The IPv6 battery (tests/net/hostile6.py) in a second namespace
#    with IPv6 on (NS_IPV6=1; the kernel is 2001:db8::2, ip6fragttl=2):
#    as 1., the counters in the ip6, icmp6, udp6 and nd6 sections,
#    "ping -6" after each class.
#
# One part: sh tests/suite-55-hostile.sh exhaustion|stress, or the
# battery alone: sh tests/suite-55-hostile.sh battery|battery6 [CLASS...]
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
STRESS_CL=1024
STRESS_SECS=4

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

# flood OUT: in the background (its pid in fp), 1000-byte datagrams to
# the guest's discard port, one cluster each; bounded (3 s, 1000000
# datagrams); OUT gets the count sent.
flood() {
	ns_exec timeout 20 "$PY" - "$NS_GUEST" > "$1" 2>&1 <<'EOF' &
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
}

# leaks TAG: netstat -m shows only the receive ring's buffers (rg).
leaks() {
	kcmd "netstat -m" 10
	cp "$KOUT" "$W/$1-netstat-m.out"
	set -- "$1" $(awk -f tests/net/copies.awk "$KOUT")
	if [ "$2" -eq "$rg" ] && [ "$3" -eq "$rg" ]; then
		ok "$1: netstat -m: $2 mbufs, $3 clusters in use" \
		    "(the receive ring's $rg): nothing leaked"
	else
		notok "$1: netstat -m # $2 mbufs, $3 clusters in use," \
		    "expected $rg"
	fi
}

# boot_cl TAG N: boot with nmbclusters=N (TAG-boot.log), rg the ring's
# clusters; false, with a "not ok", when no prompt came in 60 s.
boot_cl() {
	if ! guest_boot "$W" "selftest=none nmbclusters=$2 \
ip=$NS_GUEST/24 gw=$NS_HOST" 60; then
		notok "$1: boot with nmbclusters=$2 # no shell prompt in 60 s"
		return 1
	fi
	cp "$CON" "$W/$1-boot.log"
	rg=$(ring)
}

exhaustion() {
	boot_cl exhaustion "$EXH_CL" || return
	kcmd "mpipes" 10
	cp "$KOUT" "$W/mpipes-before.out"
	nint=$(awk '$1 == "cluster" {print $5}' "$KOUT")
	# What threads may have: the cap less the ring and its reserve.
	want=$((EXH_CL - rg - nint))
	kcmd "ifconfig em0" 10
	nb0=$(field '[0-9]* no-cluster drops' "$KOUT")
	flood "$W/flood.out"
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
	leaks exhaustion
	guest_stop
}

# ---- 4. the mbuf module under stress while the ring refills ------------
# mstress (net/mstress.c): threads on every CPU take mbufs, clusters and
# size-class buffers with M_WAIT up to the cluster pipe's share for
# threads, passing chains to each other, while the flood arrives and
# em(4) refills its ring from interrupts; nmbclusters=STRESS_CL leaves
# the cluster pipe its per-CPU caches (nmax - nnom >= 8 x 64).
stress() {
	boot_cl stress "$STRESS_CL" || return
	kcmd "ifconfig em0" 10
	rx0=$(field 'rx [0-9]* frames' "$KOUT")
	kcmd "mpipes" 10
	cp "$KOUT" "$W/stress-mpipes-before.out"
	ir0=$(awk '$1 == "cluster" {print $16}' "$KOUT")
	flood "$W/stress-flood.out"
	sleep 0.5
	n0=$(wc -l < "$CON")
	kcmd "mstress $STRESS_SECS" 10
	started=$(grep -o 'mstress: started: .*' "$KOUT" | tr -d '\r')
	# Bounded: the stress's seconds, then its M_WAITs once traffic stops.
	wait_con 'mstress: \(done\|stopped\)' $((STRESS_SECS + 30)) "$n0"
	wait "$fp"
	sent=$(grep -o 'sent [0-9]* datagrams in [0-9.]* s' "$W/stress-flood.out")
	doneline=$(tail -n +"$((n0 + 1))" "$CON" | grep 'mstress: ' |
	    grep -v started | tr -d '\r' | head -1)
	sleep 1
	kcmd "ifconfig em0" 10
	cp "$KOUT" "$W/stress-ifconfig.out"
	rx1=$(field 'rx [0-9]* frames' "$KOUT")
	kcmd "mpipes" 10
	cp "$KOUT" "$W/stress-mpipes-after.out"
	ir1=$(awk '$1 == "cluster" {print $16}' "$KOUT")
	chains=$(echo "$doneline" | sed -n 's/.* \([0-9]*\) chains.*/\1/p')
	cross=$(echo "$doneline" |
	    sed -n 's/.* \([0-9]*\) freed on another.*/\1/p')
	case $doneline in
	*"mstress: done: "*"books balance")
		ok "stress: ${doneline#*mstress: done: }" ;;
	*)	notok "stress: ${started:-not started} # ${doneline:-no" \
		    "'mstress: done' within $((STRESS_SECS + 30)) s}" ;;
	esac
	if [ "${chains:-0}" -gt 0 ] &&
	    { [ "${SMP:-1}" -le 1 ] || [ "${cross:-0}" -gt 0 ]; }; then
		ok "stress: ${chains} chains, ${cross} freed on another CPU" \
		    "than the one that built them (-smp ${SMP:-1})"
	else
		notok "stress: chains ${chains:-?}, freed on another CPU" \
		    "${cross:-?} (-smp ${SMP:-1})"
	fi
	if [ $(( ${rx1:-0} - ${rx0:-0} )) -gt 0 ]; then
		ok "stress: the ring kept receiving from interrupts:" \
		    "flood ${sent:-?}, $(( rx1 - rx0 )) frames received," \
		    "$(( ${ir1:-0} - ${ir0:-0} )) interrupt-reserve allocations"
	else
		notok "stress: the ring received nothing # rx ${rx0:-?} ->" \
		    "${rx1:-?}"
	fi
	if ns_exec ping -n -c 2 -W 2 "$NS_GUEST" > "$W/stress-ping.out" 2>&1
	then
		ok "stress: ping answered after it:" \
		    "$(grep -o 'rtt.*' "$W/stress-ping.out")"
	else
		notok "stress: no ping answer after the stress"
	fi
	leaks stress
	# mstress stop ends a long stress early, with the books checked.
	kcmd "mstress 600" 10
	sleep 1
	kcmd "mstress stop" 15
	stopline=$(grep -o 'mstress: stopped: .*' "$KOUT" | tr -d '\r' | head -1)
	case $stopline in
	*"books balance")
		ok "stress: mstress stop: ${stopline#mstress: stopped: }" ;;
	*)	notok "stress: mstress stop # ${stopline:-no 'mstress: stopped'}" ;;
	esac
	guest_stop
}

case $WHAT in
battery)	battery4 "$@" ;;
battery6)	battery6 "$@" ;;
exhaustion)	exhaustion ;;
stress)		stress ;;
*)		battery4; exhaustion; stress; battery6 ;;
esac
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
