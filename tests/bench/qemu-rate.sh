#!/bin/sh
# qemu-rate.sh: the QEMU part of "make bench" (root only): packet rate
# and boot time of (a) mbufk, (b) mbufk's reflector mode (the driver
# bounces each frame with the MACs swapped: the emulated NIC's ceiling)
# and (c) a Linux guest (Debian's kernel, a busybox initramfs and a
# static UDP echo server), each booted by the same QEMU command line but
# for -kernel/-initrd/-append, on a tap in a network namespace
# (192.0.2.0/24 only).  The load generator keeps 8 requests in flight
# for SECS seconds per row.  Figures only.
cd "$(dirname "$0")/../.." || exit 1
SECS=${SECS:-5}
. tests/net/ns.sh
sh tests/deps.sh qemu net linuxguest || exit 0
mkdir -p build/guest build/logs
vmlinuz=$(sh tests/bench/guest/mkinitramfs.sh build/guest) || exit 0
[ -f build/kernel.elf ] || { echo "qemu-rate: build/kernel.elf is missing (make)"; exit 0; }
qp=
cleanup() { [ -n "$qp" ] && kill "$qp" 2>/dev/null; ns_down; }
trap cleanup EXIT INT TERM
ns_up mbk-rate || { echo "qemu-rate: cannot create a namespace"; exit 0; }

# boot NAME KERNEL INITRD APPEND: start QEMU, wait for the first answered
# ping (60 s at most); sets qp and boot_ms.
boot() {
	log=build/logs/rate-$1.log
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	ns_exec timeout 300 qemu-system-x86_64 -machine pc,accel=tcg -cpu max \
	    -m 256M -no-reboot -display none -monitor none \
	    -serial file:"$log" $NS_QEMU_NET -kernel "$2" $3 \
	    -append "$4" > /dev/null 2>&1 &
	qp=$!
	boot_ms=
	for _ in $(seq 1 120); do
		if ns_exec ping -c 1 -W 1 "$NS_GUEST" > /dev/null 2>&1; then
			boot_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
			return 0
		fi
		kill -0 "$qp" 2>/dev/null || return 1
		sleep 0.4
	done
	return 1
}

rate() {	# kind size -> answered requests per second
	ns_exec python3 tests/bench/loadgen.py "$1" "$NS_GUEST" "$2" "$SECS" \
	    2>/dev/null | awk '/^rate/ {sub("/s", "", $2); print $2}'
}

row() {		# name kernel initrd append
	if boot "$1" "$2" "$3" "$4"; then
		u64=$(rate udp 64); u1472=$(rate udp 1472); ic=$(rate icmp 56)
	else
		boot_ms=n/a; u64=n/a; u1472=n/a; ic=n/a
	fi
	kill "$qp" 2>/dev/null; wait "$qp" 2>/dev/null; qp=
	printf '  %-28s %10s %10s %10s %12s\n' "$1" "${u64:-0}" \
	    "${u1472:-0}" "${ic:-0}" "$boot_ms"
	eval "r_$5_u64=\${u64:-0} r_$5_u1472=\${u1472:-0} r_$5_ic=\${ic:-0}"
}

echo
echo "6. packet rate in QEMU (TCG), answered requests/s, $SECS s per figure, 8 in flight"
printf '  %-28s %10s %10s %10s %12s\n' "" "UDP 64 B" "UDP 1472 B" \
    "ICMP 56 B" "boot->ping ms"
row "(a) mbufk" build/kernel.elf "" "selftest=none" a
row "(b) mbufk reflector" build/kernel.elf "" "selftest=none reflect=1" b
row "(c) Linux $(basename "$vmlinuz")" "$vmlinuz" \
    "-initrd build/guest/initramfs.gz" "console=ttyS0 quiet" c
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (y + 0 > 0 && x + 0 > 0)
    printf "%.2f", x / y; else printf "n/a" }'; }
printf '  %-28s %10s %10s %10s\n' "(a)/(b)" "$(ratio "$r_a_u64" "$r_b_u64")" \
    "$(ratio "$r_a_u1472" "$r_b_u1472")" "$(ratio "$r_a_ic" "$r_b_ic")"
printf '  %-28s %10s %10s %10s\n' "(a)/(c)" "$(ratio "$r_a_u64" "$r_c_u64")" \
    "$(ratio "$r_a_u1472" "$r_c_u1472")" "$(ratio "$r_a_ic" "$r_c_ic")"
