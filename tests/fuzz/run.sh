#!/bin/sh
# run.sh: run the fuzz targets for SECONDS each (make fuzz; FUZZTIME).
#
#   sh tests/fuzz/run.sh SECONDS [target...]   (targets: frame frame6 mbuf)
#
# Corpora live in build/fuzz/corpus-TARGET, seeded by mkcorpus.py
# (frame, frame6) and by tests/fuzz/regress.  A crash (an input that
# crashes, trips a sanitizer or leaks a buffer) is written to
# build/fuzz/crash-TARGET-*;
# copy it to tests/fuzz/regress/TARGET-NAME so make test replays it.
# Prints each target's executions, rate and outcome; exits 1 on a crash.
cd "$(dirname "$0")/../.." || exit 1
secs=${1:-60}
shift
[ $# -gt 0 ] || set -- frame frame6 mbuf
fz=build/fuzz
rc=0
for t in "$@"; do
	corpus=$fz/corpus-$t
	mkdir -p "$corpus"
	case $t in
	frame*)	/usr/bin/python3 tests/fuzz/mkcorpus.py "$corpus" "$t" > /dev/null ;;
	esac
	for f in tests/fuzz/regress/"$t"-*; do
		[ -f "$f" ] && cp "$f" "$corpus/"
	done
	log=$fz/fuzz-$t.log
	MBUFK_FUZZ=$t timeout $((secs + 60)) ./$fz/kernel -max_total_time="$secs" \
	    -print_final_stats=1 -max_len=16384 -timeout=10 -rss_limit_mb=3072 \
	    -artifact_prefix="$fz/crash-$t-" "$corpus" > "$log" 2>&1
	st=$?
	runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
	rate=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log")
	if [ $st -eq 0 ]; then
		echo "fuzz $t: ${runs:-0} executions in $secs s (${rate:-0}/s), corpus $(ls "$corpus" | wc -l), no crash"
	else
		echo "fuzz $t: CRASH (exit $st) after ${runs:-?} executions; see $log"
		grep -A15 'ERROR: \|runtime error\|leak:\|panic' "$log" | head -30
		ls $fz/crash-$t-* 2>/dev/null
		rc=1
	fi
done
exit $rc
