#!/bin/sh
# qemu.sh: boot build/kernel.elf in QEMU (TCG) with a time limit.
#
#   sh tests/qemu.sh SECONDS LOG "CMDLINE" [extra qemu args...]
#
# KERNEL=build/kernel-rel.elf boots the release kernel instead.
# SMP=N gives the machine N CPUs (default 1); with N > 1 under TCG each
# CPU is a host thread (MTTCG, -accel tcg,thread=multi).
# The serial console goes to LOG.  The exit status is the kernel's own:
# 0 when it called md_exit(0) (pass), 1 for md_exit(1) (fail), 124 on
# timeout, anything else when QEMU itself failed.  QEMU's
# isa-debug-exit device exits with (code << 1) | 1, which is undone here.
# The network is explicit: extra args with their own -netdev/-nic/-net
# give it; otherwise QEMU's user network, restricted (restrict=on,
# NS_USER_NET of tests/net/ns.sh), never QEMU's unrestricted default.
secs=$1; log=$2; cmdline=$3
shift 3
accel=${ACCEL:-tcg}
smp=${SMP:-1}
machine="-machine pc,accel=$accel"
if [ "$smp" -gt 1 ]; then
	if [ "$accel" = tcg ]; then
		machine="-machine pc -accel tcg,thread=multi -smp $smp"
	else
		machine="$machine -smp $smp"
	fi
fi
. "$(dirname "$0")/net/ns.sh"
net=$NS_USER_NET
for a in "$@"; do
	case $a in
	-netdev|-nic|-net) net= ;;
	esac
done
# shellcheck disable=SC2086
timeout "$secs" qemu-system-x86_64 $machine -cpu max \
    -m 128M -no-reboot -display none -serial stdio -monitor none \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel "${KERNEL:-build/kernel.elf}" -append "$cmdline" $net "$@" \
    > "$log" 2>&1 < /dev/null
rc=$?
case $rc in
1) exit 0 ;;
3) exit 1 ;;
124) echo "qemu.sh: timed out after $secs s" >> "$log"; exit 124 ;;
*) echo "qemu.sh: qemu exited $rc" >> "$log"; exit "$rc" ;;
esac
