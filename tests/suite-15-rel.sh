#!/bin/sh
# The self-tests in the release host build: -O2, no DIAGNOSTIC, no
# sanitizers.  The paths a production kernel takes (the inline fast
# paths of mpipe(9) and the mbuf seam, which the DIAGNOSTIC build's
# poisoning hooks steer around) run here; cases that check DIAGNOSTIC's
# own panics report "# SKIP" and count neither way.
log=build/logs/selftest-rel.log
mkdir -p build/logs
timeout 300 ./build/rel/kernel 'selftest=*' halt=1 > "$log" 2>&1
rc=$?
grep -E '^(ok|not ok|#)' "$log" | grep -v '^ok \|^# prop\|^# model' | head -40
set -- $(sh tests/ktap.sh "$log")
p=$1; f=$2
[ $rc -ne 0 ] && [ $f -eq 0 ] && { echo "  FAIL: exit status $rc"; f=1; }
echo "release self-tests: $p passed, $f failed (log $log)"
echo "$p passed, $f failed"
