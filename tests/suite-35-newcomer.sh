#!/bin/sh
# suite-35-newcomer: what make run, the self-test selection, the host
# program's options and deps.sh promise a newcomer, and a clear answer
# to each bad input.
#
#  - a self-test pattern that selects nothing (or a list with an element
#    that does) fails, naming it: host, release host, QEMU, release
#    QEMU, and the shell's "selftest PATTERN"; selftest=none still
#    passes;
#  - make run APPEND='... halt=1': 0 when the tests pass, non-zero with
#    one "run:" line when one fails or panics; Ctrl-A X leaves with 0;
#    a bad NET= or PCAP= without a network is refused with a line;
#  - make run PCAP=FILE on the restricted user network: tshark reads the
#    guest's frames from FILE;
#  - make run NET=tap (root): the ping and UDP commands it prints reach
#    the guest, and the namespace is gone afterwards;
#  - build/host/kernel --help prints every word the sources read and
#    exits 0; an unknown option exits 2 naming it;
#  - deps.sh checks Python modules with /usr/bin/python3, not the first
#    python3 on PATH, and says what it installs and why before it does;
#  - CC from the environment builds the host programs, a GCC the QEMU
#    kernel.
cd "$(dirname "$0")/.." || exit 1
W=build/logs/newcomer
rm -rf "$W"
mkdir -p "$W"
p=0; f=0
pass() { echo "ok $1"; p=$((p + 1)); }
fail() { echo "not ok $1"; f=$((f + 1)); }
# "COND && COND ...", then "result NAME": pass when the conditions held.
result() { if [ $? -eq 0 ]; then pass "$1"; else fail "$1"; fi; }
has() { grep -q -- "$2" "$1"; }
hasnt() { ! grep -q -- "$2" "$1"; }
sh tests/deps.sh qemu tshark > /dev/null 2>&1

# ---- an empty selection fails, naming the pattern ------------------
nomatch='selftest: pattern "nosuch" matches no self-test; nothing ran'
for k in host rel; do
	./build/$k/kernel selftest=nosuch halt=1 > "$W/$k-nosuch.log" 2>&1
	rc=$?
	[ $rc -ne 0 ] && has "$W/$k-nosuch.log" "^$nomatch" &&
	    hasnt "$W/$k-nosuch.log" '^0 passed, 0 failed'
	result "$k: selftest=nosuch fails (exit $rc) naming the pattern"
done
./build/host/kernel 'selftest=kern.spl,nosuhc' halt=1 > "$W/list.log" 2>&1
rc=$?
[ $rc -ne 0 ] && has "$W/list.log" '"nosuhc" (in pattern "kern.spl,nosuhc")' &&
    hasnt "$W/list.log" '^ok '
result "host: a list with one unmatched element fails naming it (exit $rc)"
./build/host/kernel 'selftest=' halt=1 > "$W/empty.log" 2>&1
rc=$?
[ $rc -ne 0 ] && has "$W/empty.log" 'pattern "" matches no self-test'
result "host: an empty selftest= fails (exit $rc)"
./build/host/kernel selftest=none halt=1 > "$W/none.log" 2>&1
rc=$?
[ $rc -eq 0 ] && hasnt "$W/none.log" '^KTAP'
result "host: selftest=none still passes (exit $rc)"
for k in build/kernel.elf build/kernel-rel.elf; do
	KERNEL=$k sh tests/qemu.sh 60 "$W/qemu-nosuch.log" \
	    'selftest=nosuch halt=1'
	rc=$?
	[ $rc -eq 1 ] && has "$W/qemu-nosuch.log" "^$nomatch"
	result "qemu $k: selftest=nosuch fails (qemu.sh $rc) naming it"
done

# ---- make run's exit status -----------------------------------------
mrun() {	# log, make arguments...: make run with no terminal, bounded
	_log=$1; shift
	timeout 120 make -s --no-print-directory run "$@" < /dev/null \
	    > "$_log" 2>&1
}
mrun "$W/run-pass.log" APPEND='selftest=kern.spl halt=1'
rc=$?
[ $rc -eq 0 ] && has "$W/run-pass.log" '^1 passed, 0 failed'
result "make run halt=1, tests pass: exit 0 (got $rc)"
for t in deliberate_failure deliberate_panic; do
	mrun "$W/run-$t.log" APPEND="selftest=selftest.$t halt=1"
	rc=$?
	[ $rc -ne 0 ] && [ "$(grep -c '^run: ' "$W/run-$t.log")" -eq 1 ] &&
	    has "$W/run-$t.log" '^run: the kernel reported a failure'
	result "make run halt=1, selftest.$t: non-zero ($rc) with one run: line"
done
mrun "$W/run-badnet.log" NET=bogus
rc=$?
[ $rc -ne 0 ] && has "$W/run-badnet.log" '^run: NET=bogus: use NET=user'
result "make run NET=bogus: refused ($rc) with a line"
mrun "$W/run-badpcap.log" NET=none PCAP="$W/none.pcap"
rc=$?
[ $rc -ne 0 ] && has "$W/run-badpcap.log" '^run: PCAP=.* needs a network'
result "make run NET=none PCAP=: refused ($rc) with a line"
mrun "$W/run-badqemu.log" RUN_NET='-netdev bogus' APPEND='halt=1'
rc=$?
[ $rc -ne 0 ] && has "$W/run-badqemu.log" '^run: .* failed'
result "make run, QEMU itself fails: non-zero ($rc), not a pass"

# ---- the shell, driven through make run's console, with a capture ----
# The console reads a fifo held open on fd 3; each step waits for its
# text, at most 60 s in all.
waitfor() {	# text, log
	_i=0
	while [ $_i -lt 300 ]; do
		grep -q -- "$1" "$2" 2>/dev/null && return 0
		kill -0 "$rpid" 2>/dev/null || return 1
		sleep 0.2
		_i=$((_i + 1))
	done
	return 1
}
con=$W/run-shell.log
pcap=$W/run-shell.pcap
rm -f "$W/shell.in"
mkfifo "$W/shell.in"
timeout 120 make -s --no-print-directory run APPEND=selftest=none \
    PCAP="$pcap" < "$W/shell.in" > "$con" 2>&1 &
rpid=$!
exec 3> "$W/shell.in"
waitfor 'mbufk> ' "$con"
printf 'selftest nosuch\r' >&3
waitfor 'nothing ran' "$con"
waitfor '0 passed, 1 failed' "$con"
printf 'ping 192.0.2.1 2\r' >&3
waitfor 'packets received' "$con"
sleep 0.5
printf '\001x' >&3
exec 3>&-
wait "$rpid"
rc=$?
rm -f "$W/shell.in"
tr -d '\r' < "$con" > "$con.txt"
has "$con.txt" "^$nomatch" && hasnt "$con.txt" '^0 passed, 0 failed'
result "shell: selftest nosuch prints the message, claims no pass"
[ $rc -eq 0 ]
result "make run left with Ctrl-A X: exit 0 (got $rc)"
tshark -r "$pcap" -T fields -e eth.src -e arp.src.proto_ipv4 -e ip.src \
    -e icmp.type > "$W/pcap.txt" 2> "$W/tshark.err"
frames=$(wc -l < "$W/pcap.txt")
[ "$frames" -ge 1 ] &&
    grep -q '^52:54:00:12:34:56	192.0.2.2' "$W/pcap.txt"
result "PCAP: tshark reads $frames frames, the guest's ARP among them"
grep -q "	192.0.2.2	8$" "$W/pcap.txt" &&
    grep -q "	192.0.2.1	0$" "$W/pcap.txt"
result "PCAP: the guest's ping of 192.0.2.1 and the reply are in it"

# ---- make run NET=tap: the printed commands work; nothing stays ------
if [ "$(id -u)" -eq 0 ]; then
	con=$W/run-tap.log
	mkfifo "$W/tap.in"
	timeout 120 make -s --no-print-directory run NET=tap \
	    APPEND=selftest=none < "$W/tap.in" > "$con" 2>&1 &
	rpid=$!
	exec 3> "$W/tap.in"
	waitfor 'em0: inet' "$con"
	pingcmd=$(sed -n 's/^run:   \(ip netns exec [^ ]* ping .*\)/\1/p' "$con")
	udpcmd=$(sed -n 's/^run:   \(ip netns exec [^ ]* .*udpecho.py.*\)/\1/p' \
	    "$con")
	ns=$(echo "$pingcmd" | awk '{print $4}')
	# shellcheck disable=SC2086
	timeout 30 $pingcmd > "$W/tap-ping.out" 2>&1
	grep -q ' 0% packet loss' "$W/tap-ping.out"
	result "NET=tap: the printed ping is answered ($pingcmd)"
	# shellcheck disable=SC2086
	timeout 30 $udpcmd > "$W/tap-udp.out" 2>&1
	grep -q 'udpecho: sent 3 echoed 3 ' "$W/tap-udp.out"
	result "NET=tap: the printed UDP command is echoed"
	printf '\001x' >&3
	exec 3>&-
	wait "$rpid"
	rc=$?
	rm -f "$W/tap.in"
	[ $rc -eq 0 ] && [ -n "$ns" ] && ! ip netns list | grep -q "^$ns\\b"
	result "NET=tap: exit 0 ($rc), namespace $ns removed"
else
	echo "# NET=tap needs root: not run"
fi

# ---- build/host/kernel --help ---------------------------------------
./build/host/kernel --help > "$W/help.out" 2>&1
rc=$?
# Every word the kernel's sources read (the self-test of kenv itself
# uses throwaway words).
words=$(ls kern/*.c net/*.c arch/*/*.c tests/kern/*.c tests/bench/kern/*.c |
    grep -v '^tests/kern/kern_test.c$' | xargs grep -ho \
    'kenv_get\(int\)\?("[a-z_0-9]*"\|mb_tunable("[a-z_0-9]*"' |
    sed 's/.*("\(.*\)"/\1/' | sort -u)
missing=
for w in $words; do
	grep -q "^  $w=" "$W/help.out" || missing="$missing $w"
done
[ $rc -eq 0 ] && has "$W/help.out" '^usage: ' && [ -z "$missing" ] &&
    hasnt "$W/help.out" '^KTAP'
result "--help: exit 0 ($rc), usage with every word the sources read${missing:+ (missing:$missing)}"
./build/host/kernel --bogus selftest=none > "$W/bogus.out" 2>&1
rc=$?
[ $rc -eq 2 ] && has "$W/bogus.out" 'unknown option --bogus'
result "an unknown option exits 2 ($rc) naming it"

# ---- deps.sh ---------------------------------------------------------
# A first python3 on PATH without scapy (pyenv's, say) and an apt-get
# that only records being called.
stub=$W/stub
mkdir -p "$stub"
printf '#!/bin/sh\nexit 1\n' > "$stub/python3"
printf '#!/bin/sh\necho APT-GET "$@"\nexit 1\n' > "$stub/apt-get"
chmod +x "$stub/python3" "$stub/apt-get"
if /usr/bin/python3 -c 'import scapy' > /dev/null 2>&1; then
	PATH=$(pwd)/$stub:$PATH sh tests/deps.sh scapy > "$W/deps-scapy.out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && hasnt "$W/deps-scapy.out" APT-GET
	result "deps.sh scapy: found with /usr/bin/python3 ($rc), no apt-get"
	if command -v setpriv > /dev/null 2>&1; then
		# The user may not reach this tree (a clone in a 0700
		# directory): give it a readable copy of the script and stub.
		u=$(mktemp -d /tmp/mbk-deps.XXXXXX)
		cp tests/deps.sh "$u/deps.sh"
		cp -r "$stub" "$u/stub"
		chmod -R a+rX "$u"
		(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups \
		    env PATH="$u/stub:$PATH" sh "$u/deps.sh" scapy) \
		    > "$W/deps-user.out" 2>&1
		rc=$?
		rm -rf "$u"
		[ $rc -eq 0 ]
		result "deps.sh scapy as a user: passes ($rc)"
	fi
else
	fail "deps.sh: /usr/bin/python3 has no scapy (sh tests/deps.sh scapy)"
fi
# A PATH without QEMU: deps.sh names the package and why, then calls
# apt-get (the stub), and fails when it fails.
bin=$W/bin
mkdir -p "$bin"
for t in sh id ls; do ln -sf "$(command -v $t)" "$bin/$t"; done
cp "$stub/apt-get" "$bin/apt-get"
if [ "$(id -u)" -eq 0 ]; then
	PATH=$(pwd)/$bin sh tests/deps.sh qemu > "$W/deps-qemu.out" 2>&1
	rc=$?
	first=$(grep -n 'about to install' "$W/deps-qemu.out" | cut -d: -f1)
	apt=$(grep -n '^APT-GET install' "$W/deps-qemu.out" | head -n 1 |
	    cut -d: -f1)
	[ $rc -ne 0 ] && [ -n "$first" ] && [ -n "$apt" ] &&
	    [ "$first" -lt "$apt" ] &&
	    has "$W/deps-qemu.out" '^deps.sh: qemu-system-x86: QEMU, to boot'
	result "deps.sh says what and why before apt-get, fails with it ($rc)"
fi

# ---- CC -------------------------------------------------------------
CC=clang make -n -B build/host/md/arch/host/host_main.o \
    build/k/kern/kern_param.o > "$W/cc.out" 2>&1
grep -q '^clang .*host_main.c' "$W/cc.out"
result "CC=clang from the environment builds the host program with clang"
grep -q '^gcc .*-ffreestanding.* kern/kern_param.c' "$W/cc.out"
result "... and the QEMU kernel with gcc"
make -n -B CC=clang build/k/kern/kern_param.o KCC=gcc-12 > "$W/kcc.out" 2>&1
grep -q '^gcc-12 .*kern/kern_param.c' "$W/kcc.out"
result "KCC= overrides the kernel's compiler"

echo "$p passed, $f failed"
