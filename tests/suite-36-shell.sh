#!/bin/sh
# The console shell takes no bad input silently (shell(9)): every
# command answers bad arguments with its usage line (the synopsis of
# its help text) and an unknown interface or name with an error; the
# line editor swallows escape sequences (Up/Down walk the history),
# Ctrl-U and Ctrl-C drop the line, a line over 127 characters is
# refused and its Enter still ends it; mwait has a limit and a stop.
# The host build reads the shell from stdin (under ASan/UBSan); the
# QEMU kernel is then driven through its serial port with a 300-byte
# paste, longer than the UART's receive ring.
p=0; f=0
ok() { echo "ok $*"; p=$((p + 1)); }
notok() { echo "not ok $*"; f=$((f + 1)); }
mkdir -p build/logs
log=build/logs/shell-host.log
long=$(printf '%0300d' 0)

# Each input line's answer must appear right after its echo.
{
	printf 'ifconfig foo\n'
	printf 'ifconfig lo0 lo0\n'
	printf 'arp -x\n'
	printf 'ndp -x\n'
	printf 'udpsend 127.0.0.1 7 hello   world\n'
	printf 'udpsend 127.0.0.1 x hi\n'
	printf 'udpsend 127.0.0.1 99999 hi\n'
	printf 'udpsend 1.2.3 7 hi\n'
	printf 'udpsend\n'
	printf 'mwait 999999\n'
	printf 'mwait 10 -1\n'
	printf 'mwait 100 1000 5\n'
	printf 'mwait 100\n'
	printf 'mwait stop\n'
	printf 'mwait stop\n'
	printf 'mstress 0\n'
	printf 'mstress 5 5\n'
	printf 'mstress stop\n'
	for c in help mem threads uptime reboot msys mpipes; do
		printf '%s x\n' "$c"
	done
	printf 'netstat -q\n'
	printf 'kenv -x\n'
	printf 'selftest a b\n'
	printf 'ping\n'
	printf 'uptime\n\033[A\n'			# Up: uptime again
	printf '\033[1;5C\033OPkenv\n'			# swallowed escapes
	printf 'bogus1\025kenv\n'			# Ctrl-U
	printf 'bogus2\003'				# Ctrl-C
	printf '%s\nkenv\n' "$long"			# too long, then Enter
	printf 'a b c d e f g h i j k l m n o p q\n'	# 17 words
	printf 'kenv\r\nkenv\n'				# CR LF is one Enter
	printf 'netstat -m\n'
} | timeout 60 ./build/host/kernel selftest=none > "$log" 2>&1
rc=$?
[ $rc -eq 0 ] && ok "host shell: ran to the end of its input" ||
    notok "host shell: exit $rc"

# after LINE, WANT: the output line right after the echoed LINE
answer() {
	awk -v l="mbufk> $1" 'found { print; exit } $0 == l { found = 1 }' \
	    "$log"
}
expect() {
	got=$(answer "$1")
	if [ "$got" = "$2" ]; then
		ok "'$1': $2"
	else
		notok "'$1' # got '$got', wanted '$2'"
	fi
}
expect 'ifconfig foo' 'ifconfig: foo: no such interface'
expect 'ifconfig lo0 lo0' 'usage: ifconfig [IF]'
expect 'arp -x' 'usage: arp [-d]'
expect 'ndp -x' 'usage: ndp -a | -c'
# Every word is sent, joined by one blank: 11 bytes (the echo service
# does not answer our own address: udp(9)).
case $(answer 'udpsend 127.0.0.1 7 hello   world') in
'reply from 127.0.0.1 port 7: hello world' | \
'sent 11 bytes, no reply within a second')
	ok "udpsend sends every word: hello world" ;;
*)	notok "udpsend 'hello   world' # $(answer 'udpsend 127.0.0.1 7 hello   world')" ;;
esac
expect 'udpsend 127.0.0.1 x hi' 'udpsend: PORT x: not a number in 1..65535'
expect 'udpsend 127.0.0.1 99999 hi' \
    'udpsend: PORT 99999: not a number in 1..65535'
expect 'udpsend 1.2.3 7 hi' 'udpsend: 1.2.3: not an IPv4 address'
expect 'udpsend' 'usage: udpsend ADDR PORT TEXT...'
expect 'mwait 10 -1' 'mwait: HOLDMS -1: not a number in 0..60000'
expect 'mstress 0' 'mstress: SECS 0: not a number in 1..600'
expect 'mstress 5 5' 'usage: mstress SECS | mstress stop'
expect 'mstress stop' 'mstress: not running'
expect 'mwait 100' 'mwait: a thread is still running (mwait stop)'
expect 'mwait stop' ''
grep -q '^mwait: stopped after 0 of 5 rounds; all released$' "$log" &&
    ok "mwait stop: the thread stopped and released its clusters" ||
    notok "mwait stop: no 'mwait: stopped' line"
case $(answer 'mwait 999999') in
"mwait: N 999999: not a number in 1.."*) ok "mwait 999999: refused" ;;
*) notok "mwait 999999 # $(answer 'mwait 999999')" ;;
esac
# mwait's usage line is the synopsis of its help line.
usage=$(printf 'mwait\n' | ./build/host/kernel selftest=none 2>&1 |
    sed -n 's/^usage: //p')
help=$(printf 'help\n' | ./build/host/kernel selftest=none 2>&1 |
    sed -n 's/^  mwait *\([^:]*\):.*/\1/p')
[ -n "$usage" ] && [ "$usage" = "$help" ] &&
    ok "mwait: usage and help agree: $usage" ||
    notok "mwait: usage '$usage', help '$help'"
for c in help mem threads uptime reboot msys mpipes; do
	expect "$c x" "usage: $c"
done
expect 'kenv -x' 'usage: kenv [-v]'
expect 'selftest a b' 'usage: selftest [PATTERN]'
expect 'ping' 'usage: ping ADDR [count] [size]'
case $(answer 'netstat -q') in
"usage: netstat"*) ok "netstat -q: usage" ;;
*) notok "netstat -q # $(answer 'netstat -q')" ;;
esac
if grep -q 'unknown command' "$log"; then
	notok "no input reached a command as junk:"; grep 'unknown' "$log"
else
	ok "no escape sequence, killed or dropped line ran as a command"
fi
[ "$(grep -c '^0 ticks\|^[0-9]* ticks' "$log")" -eq 2 ] &&
    ok "Up arrow: uptime ran again from the history" ||
    notok "Up arrow # $(grep -c 'ticks' "$log") uptime outputs"
grep -q "^shell: line longer than 127 characters; not run$" "$log" &&
    ok "a 300-character line: refused with a message" ||
    notok "a 300-character line: no message"
[ "$(grep -c '^selftest=none$' "$log")" -eq 5 ] &&
    ok "kenv ran 5 times: after escapes, Ctrl-U, Ctrl-C with the long line, CR LF" ||
    notok "kenv ran $(grep -c '^selftest=none$' "$log") times, wanted 5"
expect 'a b c d e f g h i j k l m n o p q' 'a: more than 16 words; not run'
# Everything mwait and udpsend took is back.
grep -q '^0/[0-9]*/[0-9]*/[0-9]* mbuf clusters in use' "$log" &&
    ok "netstat -m: no cluster left in use" ||
    notok "netstat -m: clusters still in use"

# netstat -s counts real traffic only: the boot self-tests' synthetic
# frames (thousands through the capture interface) are reset, and said.
log=build/logs/shell-host-netstat.log
printf 'netstat -s\n' | timeout 120 ./build/host/kernel 'selftest=net.*' \
    > "$log" 2>&1
if grep -q '^netstat: protocol counters reset after the boot self-tests$' \
    "$log" && grep -q '^	0 frames received, 0 sent$' "$log" &&
    grep -q '^	0 total packets received, 0 delivered$' "$log"; then
	ok "netstat -s after the net self-tests: 0 frames, reset said"
else
	notok "netstat -s after the net self-tests:"
	grep -A1 'reset\|^ether:\|^ip:' "$log" | sed 's/^/    /'
fi

# QEMU: a paste longer than the serial ring, and escapes on the wire;
# em0's hardware counters are running totals (the chip's clear on read).
W=$(mktemp -d /tmp/shell-suite.XXXXXX)
trap 'exec 3>&- 2>/dev/null; [ -n "$qp" ] && kill $qp 2>/dev/null; rm -rf "$W"' EXIT
mkfifo "$W/in"
timeout 120 qemu-system-x86_64 -machine pc,accel="${ACCEL:-tcg}" -cpu max \
    -m 128M -no-reboot -display none -serial stdio -monitor none \
    -netdev user,id=n0,restrict=on,net=192.0.2.0/24,host=192.0.2.1 \
    -device e1000,netdev=n0 \
    -kernel build/kernel.elf -append "selftest=none" \
    < "$W/in" > "$W/con" 2>&1 &
qp=$!
exec 3> "$W/in"
wait_for() {	# pattern, seconds
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		grep -q -- "$1" "$W/con" 2>/dev/null && return 0
		kill -0 $qp 2>/dev/null || return 1
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
if wait_for 'mbufk> ' 60; then
	printf '%s\rkenv\r\033[A\ruptime\r' "$long" >&3
	wait_for 'ticks (hz' 20
	printf 'ifconfig em0\r' >&3
	wait_for 'hw good' 10
	sleep 1
	printf 'ifconfig em0\r' >&3
	i=0
	while [ $i -lt 50 ] &&
	    [ "$(grep -c 'hw good' "$W/con")" -lt 2 ]; do
		sleep 0.2; i=$((i + 1))
	done
	tr -d '\r' < "$W/con" > build/logs/shell-qemu.log
	grep -q "^shell: line longer than 127 characters; not run$" \
	    build/logs/shell-qemu.log &&
	    ok "qemu: a 300-character paste refused, its Enter kept" ||
	    notok "qemu: 300-character paste # no refusal"
	[ "$(grep -c '^selftest=none$' build/logs/shell-qemu.log)" -eq 2 ] &&
	    grep -q "ticks (hz 100)" build/logs/shell-qemu.log &&
	    ! grep -q "unknown command" build/logs/shell-qemu.log &&
	    ok "qemu: Up ran kenv again, then uptime; nothing junk ran" ||
	    notok "qemu: Up arrow"
	tx=$(sed -n 's/.*hw good rx [0-9]* tx \([0-9]*\),.*/\1/p' \
	    build/logs/shell-qemu.log | tr '\n' ' ')
	set -- $tx
	if [ $# -eq 2 ] && [ "$1" -gt 0 ] && [ "$2" -ge "$1" ]; then
		ok "qemu: ifconfig em0 twice: hw tx $1 then $2 (running totals)"
	else
		notok "qemu: ifconfig em0 twice: hw tx '$tx'"
	fi
else
	notok "qemu: no shell prompt in 60 s"
fi
echo "$p passed, $f failed"
