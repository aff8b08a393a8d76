#!/bin/sh
# The self-tests in the QEMU kernel under TCG, and the boot time.
# KERNEL, LOG and LABEL let suite-25-qemu-rel.sh run the release kernel
# the same way.
sh tests/deps.sh qemu || { echo "0 passed, 1 failed"; exit 1; }
kernel=${KERNEL:-build/kernel.elf}
log=${LOG:-build/logs/selftest-qemu.log}
label=${LABEL:-qemu self-tests}
t0=$(date +%s%N)
KERNEL=$kernel sh tests/qemu.sh 240 "$log" 'selftest=* halt=1'
rc=$?
t1=$(date +%s%N)
grep -E '^(ok|not ok|#)' "$log" | grep -v '^ok \|^# prop\|^# model' | head -40
set -- $(sh tests/ktap.sh "$log")
p=$1; f=$2
[ $rc -ne 0 ] && [ $f -eq 0 ] && { echo "  FAIL: exit status $rc"; tail -20 "$log"; f=1; }
echo "$label: $p passed, $f failed; QEMU start to exit $(( (t1 - t0) / 1000000 )) ms (log $log)"
echo "$p passed, $f failed"
