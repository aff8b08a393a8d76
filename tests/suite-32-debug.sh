#!/bin/sh
# Debugging the kernel: gdb's backtraces reach the bottom of the stack
# (the CFI of boot.S ends the boot frame, that of vectors.S unwinds a
# trap into the interrupted code; kernel.ld keeps .eh_frame by name),
# and the unoptimised kernel of "make debug O=0" builds, boots and
# passes its self-tests.
p=0; f=0
ok() { echo "ok $*"; p=$((p + 1)); }
notok() { echo "not ok $*"; f=$((f + 1)); }
mkdir -p build/logs
sh tests/deps.sh gdb qemu || { echo "0 passed, 1 failed"; exit 1; }

# kernel, log: stop at hardclock (an interrupt) taken on the boot stack
# and print the backtrace.  The first tick no longer lands in kern_init
# (the 8259 latched one while masked; the I/O APIC, ioapic(4), drops an
# edge on a masked pin), so the boot thread is kept busy in a long
# property test and gdb stops at the first tick whose callers include
# kern_main (a tick whose unwinding stops short, or that lands on
# another thread's stack, the idle loop's, does not stop it; a trap
# frame gdb cannot unwind at all never does, and the test times out).
gdb_bt() {
	port=$((20000 + $$ % 20000))
	timeout 60 qemu-system-x86_64 -machine pc,accel="${ACCEL:-tcg}" \
	    -cpu max -m 128M -no-reboot -display none -serial none \
	    -monitor none -nic none -kernel "$1" \
	    -append "selftest=mbuf2.prop mbuf_prop_steps=100000000" \
	    -gdb tcp:127.0.0.1:$port -S > /dev/null 2>&1 &
	qp=$!
	sleep 1
	timeout 50 gdb -q -batch -nx -ex "file $1" \
	    -ex "target remote 127.0.0.1:$port" \
	    -ex 'break hardclock if $_any_caller_is("kern_main", 60)' \
	    -ex "continue" -ex "set print frame-arguments none" -ex "bt" \
	    -ex "kill" > "$2" 2>&1
	kill $qp 2>/dev/null
	wait $qp 2>/dev/null
}
check_bt() {	# name, log
	if grep -q ' in alltraps ()' "$2" && grep -q ' in kern_main ' "$2" &&
	    grep -q ' in _start ()' "$2" &&
	    ! grep -q 'corrupt stack\|boot_stack\|kenv_buf' "$2"; then
		ok "$1: gdb unwinds hardclock through the trap to _start"
	else
		notok "$1: gdb backtrace:"; sed 's/^/    /' "$2"
	fi
}
gdb_bt build/kernel.elf build/logs/debug-gdb.log
check_bt "kernel.elf" build/logs/debug-gdb.log

if make -s -j2 O=0 build/O0/kernel.elf > build/logs/debug-O0-build.log 2>&1
then
	ok "make O=0: the unoptimised kernel builds"
	KERNEL=build/O0/kernel.elf sh tests/qemu.sh 240 \
	    build/logs/debug-O0.log 'selftest=* halt=1'
	rc=$?
	set -- $(sh tests/ktap.sh build/logs/debug-O0.log)
	if [ $rc -eq 0 ] && [ "${2:-1}" -eq 0 ]; then
		ok "O=0 kernel: $1 self-tests passed"
	else
		notok "O=0 kernel: exit $rc, $* (build/logs/debug-O0.log)"
	fi
	gdb_bt build/O0/kernel.elf build/logs/debug-gdb-O0.log
	check_bt "O=0 kernel" build/logs/debug-gdb-O0.log
else
	notok "make O=0 # see build/logs/debug-O0-build.log"
fi
echo "$p passed, $f failed"
