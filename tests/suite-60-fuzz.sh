#!/bin/sh
# The fuzz targets (clang, libFuzzer, ASan, UBSan): replay every
# regression input under tests/fuzz/regress, then a short bounded pass
# of each target (FUZZ_SECS, 20 s by default) so regressions show in CI.
sh tests/deps.sh clang > /dev/null 2>&1 || sh tests/deps.sh clang ||
    { echo "0 passed, 1 failed"; exit 1; }
make -s build/fuzz/kernel > build/logs/fuzz-build.log 2>&1 ||
    { tail -20 build/logs/fuzz-build.log; echo "0 passed, 1 failed"; exit 1; }
p=0; f=0
for t in frame frame6 mbuf; do
	set -- tests/fuzz/regress/"$t"-*
	if [ -f "$1" ]; then
		if MBUFK_FUZZ=$t ./build/fuzz/kernel "$@" \
		    > build/logs/fuzz-regress-$t.log 2>&1; then
			echo "ok replay $# $t regression input(s)"; p=$((p + 1))
		else
			echo "not ok replay $t regression inputs"
			tail -20 build/logs/fuzz-regress-$t.log; f=$((f + 1))
		fi
	fi
	if sh tests/fuzz/run.sh "${FUZZ_SECS:-20}" "$t"; then
		p=$((p + 1))
	else
		f=$((f + 1))
	fi
done
echo "$p passed, $f failed"
