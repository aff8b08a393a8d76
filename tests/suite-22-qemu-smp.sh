#!/bin/sh
# suite-22-qemu-smp.sh: the QEMU kernel on two CPUs (MTTCG).
#
# Every self-test at -smp 2 (the smp.* tests among them: every CPU
# runs threads, spin mutexes, cross-CPU sleep/wakeup, callouts under
# load, the wakeup IPI, mbufs allocated on one CPU and freed on
# another); a panic on cpu1 must stop cpu0 and name cpu1; and, as root,
# the network suite's checks (tests/suite-50-net.sh), the whole hostile
# battery, the exhaustion test and the IPv6 battery
# (tests/suite-55-hostile.sh, about 50 s) with the guest on two CPUs.
# SMP=N runs it all on N CPUs instead.
cd "$(dirname "$0")/.." || exit 1
sh tests/deps.sh qemu || { echo "0 passed, 1 failed"; exit 1; }
n=${SMP:-2}
p=0; f=0
mkdir -p build/logs

log=build/logs/selftest-qemu-smp$n.log
t0=$(date +%s%N)
SMP=$n sh tests/qemu.sh 300 "$log" 'selftest=* halt=1'
rc=$?
t1=$(date +%s%N)
grep -E '^(ok|not ok|#)' "$log" | grep -v '^ok \|^# prop\|^# model' | head -40
set -- $(sh tests/ktap.sh "$log")
sp=$1; sf=$2
[ $rc -ne 0 ] && [ "$sf" -eq 0 ] && { echo "  FAIL: exit status $rc"; tail -20 "$log"; sf=1; }
grep -q "^mp: $n CPUs running" "$log" || { echo "  FAIL: not $n CPUs running"; sf=$((sf + 1)); }
echo "qemu -smp $n self-tests: $sp passed, $sf failed; QEMU start to exit $(( (t1 - t0) / 1000000 )) ms (log $log)"
p=$((p + sp)); f=$((f + sf))

log=build/logs/harness-qemu-smp-panic.log
SMP=$n sh tests/qemu.sh 60 "$log" 'selftest=smp.panic_on_cpu1 halt=1'
rc=$?
if [ $rc -eq 1 ] && grep -q '^panic: cpu[1-9][0-9]*: deliberate panic from smp.panic_on_cpu1' "$log" &&
    grep -q "^mp: cpu[1-9][0-9]* stopped $((n - 1)) of $((n - 1)) other CPUs" "$log" &&
    grep -q '^not ok 1 smp.panic_on_cpu1 # panic: cpu' "$log"; then
	echo "ok a panic on cpu1 stops the others and names the CPU"; p=$((p + 1))
else
	echo "not ok a panic on cpu1 stops the others and names the CPU # exit $rc, $log"
	tail -8 "$log"; f=$((f + 1))
fi

# A root suite with the guest on $n CPUs: its failures and summary,
# its counts added to this suite's.
smp_suite() {
	_s=$1 _tag=$2 _out=build/logs/$1-smp$n.out
	SMP=$n sh "tests/$_s.sh" > "$_out" 2>&1
	last=$(tail -n 1 "$_out")
	sed 's/^/  '"$_tag"' -smp '"$n"': /' "$_out" |
	    grep -E 'FAIL|^  [a-z0-9]* -smp [0-9]*: not ok|passed'
	case $last in
	*" passed, "*" failed")
		p=$((p + $(echo "$last" | awk '{print $1}')))
		f=$((f + $(echo "$last" | awk '{print $3}'))) ;;
	*)	echo "  FAIL: $_s at -smp $n printed no summary"
		f=$((f + 1)) ;;
	esac
}
if [ "$(id -u)" -eq 0 ]; then
	smp_suite suite-50-net net
	smp_suite suite-55-hostile hostile
fi
echo "$p passed, $f failed"
