#!/bin/sh
# The harness itself: a deliberately failing test and a deliberate panic
# must each fail the run with the test's name in the output, in both
# builds; the panic's backtrace names the functions.
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
# The panic's backtrace names its functions (function+offset, from the
# symbol table built into the kernel; backtrace_symbols on the host).
bt() {	# name, log, frame pattern
	if grep -q -- "$3" "$2"; then
		echo "ok $1"; p=$((p + 1))
	else
		echo "not ok $1 # no '$3' in $2"; f=$((f + 1))
	fi
}
log=build/logs/harness-qemu-deliberate_panic.log
bt "qemu backtrace names panic" "$log" \
    '^  #0 [0-9a-f]\{16\} panic+0x[0-9a-f]'
bt "qemu backtrace names the test" "$log" \
    '^  #1 [0-9a-f]\{16\} selftest_fn_selftest_deliberate_panic+0x'
bt "qemu backtrace names selftest_run and kern_main" "$log" \
    '^  #3 [0-9a-f]\{16\} kern_main+0x'
log=build/logs/harness-host-deliberate_panic.log
bt "host backtrace names panic and selftest_run" "$log" \
    'kernel(selftest_run+0x[0-9a-f]*)'
# The names are right: addr2line agrees on the test's frame (a return
# address, so the call is the byte before it).
log=build/logs/harness-qemu-deliberate_panic.log
a=$(sed -n 's/^  #1 \([0-9a-f]\{16\}\) .*/\1/p' "$log")
fn=$(addr2line -f -e build/kernel.elf "$(printf '%#x' $((0x$a - 1)))" \
    2>/dev/null | head -1)
bt "addr2line agrees on frame #1 ($fn)" "$log" "^  #1 $a $fn+0x"
echo "$p passed, $f failed"
