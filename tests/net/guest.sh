#!/bin/sh
# guest.sh: the kernel booted in QEMU on the test network, with its
# serial console as a shell we can type into.  Sourced after ns.sh.
#
#   guest_boot DIR "CMDLINE" [SECS]   boot; console in DIR/console.log
#   kcmd "netstat -s" [SECS]          run a shell command; output in
#                                     $KOUT (DIR/last.out)
#   guest_alive                       QEMU still running
#   guest_stop                        kill QEMU (callers trap it)
#   kcopied                           bytes copied by mbuf calls so
#                                     far (netstat -m -v, copies.awk)
#   kstat SECTION LABEL               the netstat -s counter "N LABEL"
#                                     of SECTION ("udp6", "echoed")
# SMP=N boots it with N CPUs (as tests/qemu.sh).
#
# The serial port reads a fifo that stays open on fd 3 and writes the
# console log; kcmd waits for the next "mbufk> " prompt, bounded.
GPID=

# Wait up to $2 s for pattern $1 in the console after line $3.
wait_con() {
	_i=0
	while [ $_i -lt $(($2 * 5)) ]; do
		tail -n +"$(($3 + 1))" "$CON" 2>/dev/null | grep -q -- "$1" &&
		    return 0
		guest_alive || return 1
		sleep 0.2
		_i=$((_i + 1))
	done
	return 1
}

prompts() { grep -o 'mbufk> ' "$CON" 2>/dev/null | wc -l; }

kcmd() {
	_n=$(wc -l < "$CON")
	_k=$(prompts)
	printf '%s\r' "$1" >&3
	_i=0
	while [ "$(prompts)" -le "$_k" ] && [ $_i -lt $((${2:-10} * 10)) ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	tail -n +"$((_n + 1))" "$CON" | tr -d '\r' > "$KOUT"
}

kcopied() {
	kcmd "netstat -m -v" 10
	awk -f tests/net/copies.awk "$KOUT" | awk '{print $3}'
}

kstat() {
	kcmd "netstat -s" 10
	awk -v sec="$1:" -v lab="$2" '
	    $0 == sec { on = 1; next }
	    /^[a-z0-9]+:$/ { on = 0 }
	    on && (i = index($0, " " lab)) > 0 {
		s = substr($0, 1, i - 1)
		sub(/.*[^0-9]/, "", s)
		print s + 0; exit
	    }' "$KOUT"
}

guest_alive() { [ -n "$GPID" ] && kill -0 "$GPID" 2>/dev/null; }

# The machine: SMP=N gives it N CPUs, as tests/qemu.sh does (MTTCG).
guest_machine() {
	if [ "${SMP:-1}" -gt 1 ] && [ "${ACCEL:-tcg}" = tcg ]; then
		echo "-machine pc -accel tcg,thread=multi -smp $SMP"
	elif [ "${SMP:-1}" -gt 1 ]; then
		echo "-machine pc,accel=${ACCEL} -smp $SMP"
	else
		echo "-machine pc,accel=${ACCEL:-tcg}"
	fi
}

guest_boot() {
	GDIR=$1
	CON=$GDIR/console.log
	KOUT=$GDIR/last.out
	_fifo=$GDIR/serial.in
	rm -f "$_fifo" "$CON"
	mkfifo "$_fifo" || return 1
	# Started directly, not through a function: the fifo must be opened
	# by the background process (it blocks until fd 3 opens below),
	# and $! must be QEMU's timeout, not a subshell.
	# shellcheck disable=SC2086
	ip netns exec "$NS" timeout 900 qemu-system-x86_64 \
	    $(guest_machine) -cpu max -m "${GUEST_MEM:-128M}" \
	    -no-reboot -display none -serial stdio -monitor none \
	    -kernel build/kernel.elf -append "$2" $NS_QEMU_NET \
	    < "$_fifo" > "$CON" 2>&1 &
	GPID=$!
	exec 3> "$_fifo"
	wait_con 'mbufk> ' "${3:-60}" 0
}

guest_stop() {
	exec 3>&-
	if [ -n "$GPID" ]; then
		kill "$GPID" 2>/dev/null
		sleep 0.5
		kill -9 "$GPID" 2>/dev/null
		wait "$GPID" 2>/dev/null
	fi
	GPID=
	[ -n "${GDIR:-}" ] && rm -f "$GDIR/serial.in"
}
