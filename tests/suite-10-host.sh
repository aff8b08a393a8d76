#!/bin/sh
# The self-tests in the host build, under ASan and UBSan.
log=build/logs/selftest-host.log
timeout 300 ./build/host/kernel 'selftest=*' halt=1 > "$log" 2>&1
rc=$?
grep -E '^(ok|not ok|#)' "$log" | grep -v '^ok ' | head -40
set -- $(sh tests/ktap.sh "$log")
p=$1; f=$2
if grep -q 'ERROR: AddressSanitizer\|runtime error:' "$log"; then
	echo "  FAIL: sanitizer report:"; grep -A12 'ERROR: Addr\|runtime error' "$log" | head -30
	f=$((f + 1))
fi
[ $rc -ne 0 ] && [ $f -eq 0 ] && { echo "  FAIL: exit status $rc"; f=1; }
echo "host self-tests: $p passed, $f failed (log $log)"
echo "$p passed, $f failed"
