#!/bin/sh
# The harness itself: a deliberately failing test and a deliberate panic
# must each fail the run with the test's name in the output, in both
# builds.
p=0; f=0
check() {	# name, log, rc, wanted-text
	if [ "$3" -ne 0 ] && grep -q "$4" "$2"; then
		echo "ok $1"; p=$((p + 1))
	else
		echo "not ok $1 # exit $3, wanted '$4' in $2"; f=$((f + 1))
	fi
}
mkdir -p build/logs
for t in deliberate_failure deliberate_panic; do
	log=build/logs/harness-host-$t.log
	./build/host/kernel "selftest=selftest.$t" halt=1 > "$log" 2>&1
	check "host detects selftest.$t" "$log" $? "^not ok 1 selftest.$t"
	log=build/logs/harness-qemu-$t.log
	sh tests/qemu.sh 60 "$log" "selftest=selftest.$t halt=1"
	check "qemu detects selftest.$t" "$log" $? "^not ok 1 selftest.$t"
done
echo "$p passed, $f failed"
