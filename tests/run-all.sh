#!/bin/sh
# run-all.sh: "make test".  Runs every tests/suite-*.sh in name order;
# each prints what it checks and ends with "P passed, F failed".  This
# script sums them and ends with the same line for the whole run; the
# exit status is non-zero when anything failed or a suite broke.
cd "$(dirname "$0")/.." || exit 1
mkdir -p build/logs
tp=0
tf=0
t0=$(date +%s)
for s in tests/suite-*.sh; do
	name=$(basename "$s" .sh)
	echo "== $name"
	sh "$s" > "build/logs/$name.out" 2>&1
	rc=$?
	cat "build/logs/$name.out"
	last=$(tail -n 1 "build/logs/$name.out")
	case $last in
	*" passed, "*" failed")
		p=$(echo "$last" | awk '{print $1}')
		f=$(echo "$last" | awk '{print $3}') ;;
	*)	echo "  FAIL: $name printed no summary (exit $rc)"
		p=0; f=1 ;;
	esac
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "  FAIL: $name exited $rc"
		f=1
	fi
	tp=$((tp + p))
	tf=$((tf + f))
done
echo "== all suites took $(( $(date +%s) - t0 )) s"
echo "$tp passed, $tf failed"
[ "$tf" -eq 0 ]
