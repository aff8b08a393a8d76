#!/bin/sh
# run.sh: "make bench".  Figures, never pass/fail.
#  1. the host benchmarks (build/bench/kernel: optimised, peers linked);
#  2. instructions per alloc+free pair under callgrind (repeatable on a
#     noisy machine);
#  3. the QEMU packet-rate figures when root (tests/bench/qemu-rate.sh);
#  4. the SMP rows (section 8): allocation pairs on 1 and 2
#     threads-as-CPUs beside DPDK's cached mempool on 1 and 2 lcores
#     (tests/pthread/pt_bench.c, built by tests/pthread/build.sh bench).
cd "$(dirname "$0")/../.." || exit 1
iters=${ITERS:-200000}
echo "== make bench: $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, $(uname -r)"
./build/bench/kernel selftest=none halt=1 bench=all iters="$iters" 2>&1 |
    grep -v '^EAL:\|^host:\|^mbufk:\|^cmdline:\|^memory:\|^TELEMETRY'

echo
echo "5. instructions per alloc+free pair (callgrind, 100000 pairs, loop only)"
if command -v valgrind >/dev/null 2>&1; then
	for loop in freelist m_get m_gethdr m_getcl mpipe msys64 lwip_pool lwip_ram \
	    dpdk_nocache dpdk_cache; do
		out=$(valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$$ \
		    --collect-atstart=no --toggle-collect=bench_loop_entry \
		    ./build/bench/kernel selftest=none halt=1 bench=loop:$loop \
		    iters=100000 2>&1)
		ir=$(callgrind_annotate /tmp/cg.$$ 2>/dev/null |
		    awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
		rm -f /tmp/cg.$$
		if [ -n "$ir" ] && [ "$ir" -gt 0 ] 2>/dev/null; then
			printf '  %-20s %8s instructions/pair\n' "$loop" \
			    "$(echo "$ir" | awk '{printf "%.1f", $1 / 100000}')"
		else
			printf '  %-20s %8s\n' "$loop" "n/a"
		fi
	done
else
	echo "  valgrind not installed"
fi
if [ "$(id -u)" -eq 0 ] && [ -f tests/bench/qemu-rate.sh ]; then
	sh tests/bench/qemu-rate.sh
else
	echo
	echo "6. QEMU packet rate: needs root (a tap in a network namespace)"
fi
echo
if sh tests/pthread/build.sh bench build/pt-bench > build/pt-bench.log 2>&1
then
	./build/pt-bench/pt_bench 2>&1 | grep -v '^EAL:\|^TELEMETRY'
else
	echo "8. SMP rows: tests/pthread/build.sh bench failed:"
	sed 's/^/  /' build/pt-bench.log
fi
