#!/bin/sh
# The foreign port (mbuf_port(9), tests/port): toyk, a kernel with its
# own names for everything and no C library, compiles the mbuf module's
# files unchanged and runs the module's self-tests (mbuf, pulldown and
# regions, mpipe, msys, os_mbuf, the property test) with its own leak
# checks.  Its KTAP is shown; each suite must have run cases and none
# may fail.
cd "$(dirname "$0")/.." || exit 1
p=0; f=0
ok() { echo "ok $*"; p=$((p + 1)); }
nok() { echo "not ok $*"; f=$((f + 1)); }
log=build/port/toyk.log
if sh tests/port/build.sh build/port > build/port.build.log 2>&1; then
	ok "toyk builds with the module's files unchanged (no libc, nothing renamed)"
else
	nok "toyk builds"; cat build/port.build.log
	echo "$p passed, $f failed"; exit 1
fi
timeout 600 ./build/port/toyk > "$log" 2>&1
rc=$?
grep -E '^(KTAP|1\.\.|ok |not ok |# |[0-9]+ passed)' "$log" | sed 's/^/  /'
last=$(tail -n 1 "$log")
case $last in
*" passed, 0 failed")
	[ "$rc" -eq 0 ] && ok "toyk: $last" || nok "toyk exited $rc" ;;
*)	nok "toyk: ${last:-no summary} (exit $rc)" ;;
esac
for s in mbuf mbuf2 mbregion mbdebug mbpool mpipe msys os_mbuf cksum; do
	n=$(grep -cE "^ok [0-9]+ $s\.[a-z0-9_]+\$" "$log")
	if [ "$n" -gt 0 ]; then
		ok "suite $s: $n cases passed on toyk"
	else
		nok "suite $s: no case passed on toyk"
	fi
done
grep -q '^ok [0-9]* mbuf2\.prop$' "$log" && ok "the property test ran on toyk" ||
    nok "the property test did not run on toyk"
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
