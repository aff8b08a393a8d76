#!/bin/sh
# qemu-rate.sh: the QEMU part of "make bench" (root only): packet rate
# and boot time of (a) mbufk, (a') the same without DIAGNOSTIC (no
# junk-filled buffers: the inline fast paths), (b) mbufk's reflector
# mode (the driver
# bounces each frame with the MACs swapped: the emulated NIC's ceiling)
# and (c) a Linux guest (Debian's kernel, a busybox initramfs and a
# static UDP echo server; downloaded and unpacked into build/guest by
# tests/bench/guest/fetch.sh, never installed), each booted by the same QEMU command line but
# for -kernel/-initrd/-append, on a tap in a network namespace
# (192.0.2.0/24 and 2001:db8::/64 only).  Each row: UDP echo and ICMP
# echo over IPv4, then over IPv6 (both guests are 2001:db8::2; the
# reflector turns IPv4 around only, so its IPv6 columns are n/a).  The
# load generator keeps 8 requests in flight for SECS seconds per
# figure.  Rows (a2) and (a'2) boot mbufk on two CPUs (-smp 2,
# MTTCG), (a2e) too with em0's interrupt on cpu1 (em.cpu=1, ioapic(4)),
# (a2n) as (a2e) with netintr bound to cpu0 (netintr.cpu=0, ifnet(9)):
# the interrupt and the protocols on different CPUs, an IPI a wakeup;
# the rest on one.  Figures only.
cd "$(dirname "$0")/../.." || exit 1
SECS=${SECS:-5}
. tests/net/ns.sh
sh tests/deps.sh qemu net python || exit 0
mkdir -p build/guest build/logs
vmlinuz=$(sh tests/bench/guest/mkinitramfs.sh build/guest) || exit 0
[ -f build/kernel.elf ] || { echo "qemu-rate: build/kernel.elf is missing (make)"; exit 0; }
qp=
cleanup() { stop; ns_down; }
trap cleanup EXIT INT TERM
# IPv6 on in the namespace (2001:db8::1/64 and link-local on tap0) for
# the IPv6 columns; both guests take 2001:db8::2.
NS_IPV6=1 ns_up mbk-rate || { echo "qemu-rate: cannot create a namespace"; exit 0; }

# boot NAME KERNEL INITRD APPEND READY: start QEMU, wait until its serial
# log says READY (so the guest answering is this one), then for the first
# answered ping (60 s at most); sets qp and boot_ms (QEMU start to ping).
boot() {
	log=build/logs/rate-$1.log
	rm -f "$log" build/qemu-rate.pid
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	ns_exec timeout 300 qemu-system-x86_64 ${QMACH:--machine pc,accel=tcg} -cpu max \
	    -m 256M -no-reboot -display none -monitor none \
	    -pidfile build/qemu-rate.pid -serial file:"$log" $NS_QEMU_NET \
	    -kernel "$2" $3 -append "$4" > "$log.qemu" 2>&1 &
	qp=$!
	boot_ms=
	for _ in $(seq 1 300); do
		kill -0 "$qp" 2>/dev/null || { cat "$log.qemu"; return 1; }
		grep -q "$5" "$log" 2>/dev/null && break
		sleep 0.2
	done
	for _ in $(seq 1 300); do
		if ns_exec ping -c 1 -W 1 -i 0.2 "$NS_GUEST" > /dev/null 2>&1; then
			boot_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
			return 0
		fi
		kill -0 "$qp" 2>/dev/null || return 1
	done
	return 1
}

# Stop QEMU and wait until it is gone, so the next row gets the tap.
stop() {
	pid=$(cat build/qemu-rate.pid 2>/dev/null)
	[ -n "$qp" ] && kill "$qp" 2>/dev/null
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	for _ in $(seq 1 50); do
		{ [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; } || break
		sleep 0.2
	done
	wait "$qp" 2>/dev/null
	qp=
}

rate() {	# kind size [addr] -> answered requests per second
	ns_exec /usr/bin/python3 tests/bench/loadgen.py "$1" "${3:-$NS_GUEST}" \
	    "$2" "$SECS" 2>/dev/null | awk '/^rate/ {sub("/s", "", $2); print $2}'
}

# The guest answering ping -6 (its DAD done, ND resolved), 10 s at most.
up6() {
	for _ in $(seq 1 10); do
		ns_exec ping -6 -c 1 -W 1 "$NS_GUEST6" > /dev/null 2>&1 &&
		    return 0
	done
	return 1
}

# row name kernel initrd append ready-text key [v4only]: the IPv4
# figures, then the IPv6 ones (UDP 1452 B is the frame of UDP 1472 B
# over IPv4) unless v4only (the reflector turns IPv4 around only).
row() {
	u64=n/a u1472=n/a ic=n/a v64=n/a v1452=n/a ic6=n/a
	if boot "$1" "$2" "$3" "$4" "$5"; then
		u64=$(rate udp 64); u1472=$(rate udp 1472); ic=$(rate icmp 56)
		if [ -z "$7" ] && up6; then
			v64=$(rate udp 64 "$NS_GUEST6")
			v1452=$(rate udp 1452 "$NS_GUEST6")
			ic6=$(rate icmp 56 "$NS_GUEST6")
		fi
	else
		boot_ms=n/a
	fi
	stop
	printf '  %-28s %9s %9s %9s %9s %9s %9s %10s\n' "$1" "${u64:-0}" \
	    "${u1472:-0}" "${ic:-0}" "${v64:-0}" "${v1452:-0}" "${ic6:-0}" \
	    "$boot_ms"
	eval "r_$6_u64=\${u64:-0} r_$6_u1472=\${u1472:-0} r_$6_ic=\${ic:-0}"
	eval "r_$6_v64=\${v64:-0} r_$6_v1452=\${v1452:-0} r_$6_ic6=\${ic6:-0}"
	eval "boot_$6=\$boot_ms"
}

echo
echo "6. packet rate in QEMU (TCG), answered requests/s, $SECS s per figure, 8 in flight"
printf '  %-28s %9s %9s %9s %9s %9s %9s %10s\n' "" "UDP 64" "UDP 1472" \
    "ICMP 56" "UDP6 64" "UDP6 1452" "ICMP6 56" "boot->ping"
row "(a) mbufk" build/kernel.elf "" "selftest=none" "em0: inet" a
row "(a') mbufk, no DIAGNOSTIC" build/kernel-rel.elf "" "selftest=none" \
    "em0: inet" r
QMACH="-machine pc -accel tcg,thread=multi -smp 2"
row "(a2) mbufk -smp 2" build/kernel.elf "" "selftest=none" "em0: inet" a2
row "(a'2) no DIAGNOSTIC, -smp 2" build/kernel-rel.elf "" "selftest=none" \
    "em0: inet" r2
row "(a2e) -smp 2, em0 on cpu1" build/kernel.elf "" \
    "selftest=none em.cpu=1" "em0: inet" a2e
row "(a2n) em0 cpu1, netintr cpu0" build/kernel.elf "" \
    "selftest=none em.cpu=1 netintr.cpu=0" "em0: inet" a2n
QMACH=
row "(b) mbufk reflector" build/kernel.elf "" "selftest=none reflect=1" \
    "reflector mode" b v4only
row "(c) Linux $(basename "$vmlinuz")" "$vmlinuz" \
    "-initrd build/guest/initramfs.gz" "console=ttyS0 quiet" GUEST-READY c
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (y + 0 > 0 && x + 0 > 0)
    printf "%.2f", x / y; else printf "n/a" }'; }
ratios() {	# name key key
	eval "set -- \"\$1\" \$r_$2_u64 \$r_$3_u64 \$r_$2_u1472 \$r_$3_u1472 \
	    \$r_$2_ic \$r_$3_ic \$r_$2_v64 \$r_$3_v64 \$r_$2_v1452 \
	    \$r_$3_v1452 \$r_$2_ic6 \$r_$3_ic6"
	printf '  %-28s %9s %9s %9s %9s %9s %9s\n' "$1" "$(ratio "$2" "$3")" \
	    "$(ratio "$4" "$5")" "$(ratio "$6" "$7")" "$(ratio "$8" "$9")" \
	    "$(ratio "${10}" "${11}")" "$(ratio "${12}" "${13}")"
}
ratios "(a)/(b)" a b
ratios "(a)/(c)" a c
ratios "(a')/(b)" r b
ratios "(a')/(c)" r c
ratios "(a2)/(a)" a2 a
ratios "(a'2)/(a')" r2 r
ratios "(a2e)/(a2)" a2e a2
ratios "(a2n)/(a2e)" a2n a2e

echo
echo "7. boot under TCG (QEMU start to ...)"
t0=$(date +%s%N)
sh tests/qemu.sh 120 build/logs/rate-selftest.log 'selftest=* halt=1'
t1=$(date +%s%N)
printf '  %-44s %6d ms (%s)\n' "mbufk: the end of every self-test" \
    $(( (t1 - t0) / 1000000 )) "$(grep -E '^[0-9]+ passed, [0-9]+ failed' \
    build/logs/rate-selftest.log | tail -n 1 | tr -d '\r')"
printf '  %-44s %6s ms\n' "mbufk: the first answered ping (row a)" "$boot_a"
printf '  %-44s %6s ms\n' "Linux guest: the first answered ping (row c)" "$boot_c"
