#!/bin/sh
# The threads-as-CPUs port (tests/pthread, mbuf_port(9)): the mbuf
# module's files compiled unchanged with each POSIX thread a CPU, and
# the concurrency stress pt_stress over it on 2 and then 4 CPUs
# (mbufs, clusters, size classes and chains passed between CPUs,
# M_WAIT sleeping at a pipe's cap and woken from another CPU,
# M_DONTWAIT failing there, a receive ring refilled from an interrupt
# handler out of the pipes' interrupt share while the other CPUs hold
# clusters to the cap, the books and the leak checks; see
# tests/pthread/pt_stress.c), built twice:
#   - under ThreadSanitizer: every check passes and TSan reports
#     nothing (halt_on_error: the first report fails the run);
#   - under AddressSanitizer and UndefinedBehaviorSanitizer: the same;
#   - in each, a thread that is no CPU calling m_get, and an
#     mbp_intr_restore out of order, panic naming the mistake.
# A watchdog in the program fails a hang (a lost wakeup) after 120 s;
# the whole suite takes about 20 s on two loaded cores.
cd "$(dirname "$0")/.." || exit 1
p=0; f=0
ok() { echo "ok $*"; p=$((p + 1)); }
nok() { echo "not ok $*"; f=$((f + 1)); }
sh tests/deps.sh tsan || { echo "0 passed, 1 failed"; exit 1; }
rounds=${PT_ROUNDS:-3000}
for mode in tsan asan; do
	out=build/pt-$mode
	log=$out/stress.log
	mkdir -p "$out"
	if sh tests/pthread/build.sh $mode "$out" > "$out/build.log" 2>&1; then
		ok "$mode: the module's files build unchanged on the threads-as-CPUs port"
	else
		nok "$mode: the port builds"; cat "$out/build.log"
		continue
	fi
	TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" \
	ASAN_OPTIONS="detect_leaks=1 abort_on_error=0" \
	UBSAN_OPTIONS="print_stacktrace=1" \
	PT_ROUNDS=$rounds timeout 300 "./$out/pt_stress" 2 4 > "$log" 2>&1
	rc=$?
	grep -E '^(ok|not ok|#) ' "$log" | sed 's/^/  /'
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	case $last in
	*" passed, 0 failed")
		[ "$rc" -eq 0 ] &&
		    ok "$mode: pt_stress 2 4: $last, exit 0" ||
		    nok "$mode: pt_stress 2 4: $last but exit $rc" ;;
	*)	nok "$mode: pt_stress 2 4: ${last:-no summary} (exit $rc)" ;;
	esac
	bad='ThreadSanitizer|AddressSanitizer|LeakSanitizer|runtime error:'
	bad="$bad|^panic:|watchdog"
	if grep -qE "$bad" "$log"; then
		nok "$mode: a sanitizer report, a panic or a hang:"
		grep -E -A14 "$bad" "$log" | head -60
	else
		ok "$mode: no sanitizer report, no panic, no hang"
	fi
	# The port's answers to a caller's mistakes (mbuf_port(9)): a
	# panic that names it, never a run that goes on.
	for t in "nocpu:mbp_intr_disable: called from a thread that is no CPU" \
	    "nest:mbp_intr_restore(0) at nesting 2 on cpu0: not what the innermost"
	do
		arg=${t%%:*} want=${t#*:}
		timeout 60 "./$out/pt_stress" "$arg" > "$out/$arg.log" 2>&1
		rc=$?
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] &&
		    grep -qF "panic: " "$out/$arg.log" &&
		    grep -qF "$want" "$out/$arg.log"; then
			ok "$mode: pt_stress $arg panics: $want"
		else
			nok "$mode: pt_stress $arg (exit $rc):"
			head -5 "$out/$arg.log"
		fi
	done
done
# The benchmark program of make bench (section 8) from the same port,
# optimised: it builds, and a short run without the DPDK rows prints
# its rows and gives back every buffer (it panics otherwise).
if sh tests/pthread/build.sh bench build/pt-bench > build/pt-bench.log 2>&1
then
	out=$(PT_ITERS=20000 PT_RUNS=1 PT_ROWS=31 timeout 60 \
	    ./build/pt-bench/pt_bench 2>&1)
	rc=$?
	n=$(echo "$out" | grep -c 'ns/pair\|^  m_get')
	if [ "$rc" -eq 0 ] && [ "$n" -ge 6 ]; then
		ok "pt_bench (-O2) builds and runs its rows, nothing left out"
	else
		nok "pt_bench: exit $rc, $n lines:"; echo "$out" | head -20
	fi
else
	nok "pt_bench builds"; cat build/pt-bench.log
fi
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
