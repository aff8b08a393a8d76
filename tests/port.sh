#!/bin/sh
# port.sh: one portability build's suite (tests/suite-16-be.sh,
# tests/suite-17-i686.sh).
#
#   sh tests/port.sh ARCH "RUNNER" "SANITIZERS"
#
# ARCH (s390x, i686) names the deps.sh group and the builds
# build/ARCH/kernel (the host kernel with every self-test) and
# build/ARCH-fz/kernel (the fuzz targets' replay driver,
# tests/fuzz/replay_main.c); RUNNER is the command line that runs a
# program of that machine ("" runs it directly).  The cases:
#   - every self-test, as tests/suite-10-host.sh runs them; a case that
#     cannot run here prints "# SKIP why" and counts neither way, and
#     the plan must be the native build's (build/logs/selftest-host.log,
#     when suite-10 ran first): the same sources, the same cases;
#   - each fuzz target's tests/fuzz/regress inputs, one case a target
#     (as tests/suite-60-fuzz.sh replays them), and the frame target's
#     seed corpus (tests/fuzz/mkcorpus.py), one case.
# A sanitizer report fails the run.  Ends with "P passed, F failed".
arch=$1
run=$2
san=$3
cd "$(dirname "$0")/.." || exit 1
mkdir -p build/logs
t0=$(date +%s)
sh tests/deps.sh "$arch" python > /dev/null 2>&1 ||
    sh tests/deps.sh "$arch" python ||
    { echo "0 passed, 1 failed"; exit 1; }
blog=build/logs/$arch-build.log
make -s -j2 build/"$arch"/kernel build/"$arch"-fz/kernel > "$blog" 2>&1 ||
    { tail -20 "$blog"; echo "0 passed, 1 failed"; exit 1; }
t1=$(date +%s)

# A sanitizer report in a log: print it and say so.
sanitized() {
	grep -q 'ERROR: AddressSanitizer\|runtime error:' "$1" || return 1
	echo "  FAIL: sanitizer report ($1):"
	grep -A12 'ERROR: Addr\|runtime error' "$1" | head -30
	return 0
}

log=build/logs/selftest-$arch.log
# shellcheck disable=SC2086
timeout 600 $run ./build/"$arch"/kernel 'selftest=*' halt=1 > "$log" 2>&1
rc=$?
grep -E '^(ok|not ok|#)' "$log" | grep -v '^ok \|^# prop\|^# model' |
    head -40
grep '^ok .* # SKIP' "$log" | sed 's/^/  skipped: /'
set -- $(sh tests/ktap.sh "$log")
p=$1; f=$2
sanitized "$log" && f=$((f + 1))
[ $rc -ne 0 ] && [ $f -eq 0 ] && { echo "  FAIL: exit status $rc"; f=1; }
skips=$(grep -c '^ok .* # SKIP' "$log")
plan=$(tr -d '\r' < "$log" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p')
nlog=build/logs/selftest-host.log
nplan=$(tr -d '\r' 2>/dev/null < "$nlog" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p')
if [ -z "$nplan" ]; then
	echo "  (no native log $nlog: run tests/suite-10-host.sh to compare)"
elif [ "$plan" != "$nplan" ]; then
	echo "  FAIL: $plan self-tests planned here, $nplan in the native build"
	f=$((f + 1))
else
	echo "  $plan self-tests, as in the native build: $p passed, $skips skipped"
fi
echo "$arch self-tests ($san): $p passed, $f failed in $(( $(date +%s) - t1 )) s (log $log)"

# The fuzz replays.
fz=build/$arch-fz
replay() {	# replay TARGET WHAT FILE...
	t=$1; what=$2; shift 2
	rlog=build/logs/fuzz-$arch-$t-$what.log
	# shellcheck disable=SC2086
	if MBUFK_FUZZ=$t timeout 300 $run ./$fz/kernel "$@" > "$rlog" 2>&1 &&
	    ! sanitized "$rlog"; then
		echo "ok replay $# $t $what input(s)"; p=$((p + 1))
	else
		echo "not ok replay $t $what inputs (log $rlog)"
		tail -20 "$rlog"; f=$((f + 1))
	fi
}
for t in frame mbuf; do
	set -- tests/fuzz/regress/"$t"-*
	[ -f "$1" ] && replay "$t" regress "$@"
done
rm -rf "$fz/corpus-frame"
mkdir -p "$fz/corpus-frame"
if /usr/bin/python3 tests/fuzz/mkcorpus.py "$fz/corpus-frame" > /dev/null; then
	replay frame seed "$fz"/corpus-frame/*
else
	echo "not ok mkcorpus.py"; f=$((f + 1))
fi
echo "$arch: build $((t1 - t0)) s, tests $(( $(date +%s) - t1 )) s"
echo "$p passed, $f failed"
