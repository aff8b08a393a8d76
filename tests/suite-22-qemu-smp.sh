#!/bin/sh
# suite-22-qemu-smp.sh: the QEMU kernel on two CPUs (MTTCG).
#
# Every self-test at -smp 2 (the smp.* tests among them: every CPU
# runs threads, spin mutexes, cross-CPU sleep/wakeup, callouts under
# load, the wakeup IPI, mbufs allocated on one CPU and freed on
# another); a panic on cpu1 must stop cpu0 and name cpu1; and, as root,
# the network suite's checks (tests/suite-50-net.sh) with the guest on
# two CPUs.  SMP=N runs it all on N CPUs instead.
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

if [ "$(id -u)" -eq 0 ]; then
	SMP=$n sh tests/suite-50-net.sh > build/logs/suite-50-net-smp$n.out 2>&1
	last=$(tail -n 1 build/logs/suite-50-net-smp$n.out)
	sed 's/^/  net -smp '"$n"': /' build/logs/suite-50-net-smp$n.out | grep -E 'FAIL|passed'
	case $last in
	*" passed, "*" failed")
		p=$((p + $(echo "$last" | awk '{print $1}')))
		f=$((f + $(echo "$last" | awk '{print $3}'))) ;;
	*)	echo "  FAIL: the network suite at -smp $n printed no summary"
		f=$((f + 1)) ;;
	esac
fi
echo "$p passed, $f failed"
