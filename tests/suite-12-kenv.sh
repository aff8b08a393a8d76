#!/bin/sh
# The command line's words (kenv(9)): every refused word is reported
# with its range or the nearest known word, the kernel keeps its
# default and boots.  The host build takes the command line as its
# arguments; the QEMU kernel is booted once with the words that used to
# panic it (nmbclusters=-1 nmbufs=1: "em0: no clusters for the receive
# ring") and a gateway outside the interface's subnet.
p=0; f=0
ok() { echo "ok $*"; p=$((p + 1)); }
notok() { echo "not ok $*"; f=$((f + 1)); }
mkdir -p build/logs
log=build/logs/kenv-host.log

# word, the message it must give
host_case() {
	./build/host/kernel "$1" selftest=none halt=1 > "$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -qF -- "$2" "$log"; then
		ok "host: $1 refused: $2"
	else
		notok "host: $1 # exit $rc, wanted '$2' in:"
		sed 's/^/    /' "$log"
	fi
}
host_case nmbclusters=-1 "kenv: nmbclusters=-1 is outside 256.."
host_case nmbufs=1 "kenv: nmbufs=1 is outside 512.."
host_case nmbclusters=99999999999 \
    "kenv: nmbclusters=99999999999 is outside 256.."
host_case nmbclusters=1000000 "units in a quarter of the"
host_case nmbclusters=99999999999999999999 \
    "kenv: nmbclusters=99999999999999999999 overflows: the range is 256.."
host_case ipfragttl=0 "kenv: ipfragttl=0 is outside 1..255; the default stays"
host_case foo=bar 'kenv: unknown word "foo"; ignored'
host_case nmbcluster=2048 \
    'kenv: unknown word "nmbcluster" (did you mean nmbclusters?); ignored'
host_case selftst=none 'did you mean selftest?'
host_case ipfragttl 'kenv: ipfragttl needs a value (ipfragttl=1..255)'

# The refused cap is not used: the default cluster cap stays (4096).
./build/host/kernel nmbclusters=-1 'selftest=msys.*' halt=1 > "$log" 2>&1
if [ $? -eq 0 ] && grep -q "^ok " "$log" && ! grep -q "^not ok" "$log"; then
	ok "host: msys self-tests pass with nmbclusters=-1 refused"
else
	notok "host: msys self-tests with nmbclusters=-1"; tail -20 "$log"
fi

log=build/logs/kenv-qemu.log
sh tests/qemu.sh 60 "$log" \
    'nmbclusters=-1 nmbufs=1 ip=192.0.2.9/28 gw=192.0.2.100 selftest=none halt=1'
rc=$?
if [ $rc -eq 0 ] && ! grep -q "panic" "$log" &&
    grep -q "kenv: nmbclusters=-1 is outside 256\.\." "$log" &&
    grep -q "em0: rx ring 128 clusters" "$log"; then
	ok "qemu: nmbclusters=-1 nmbufs=1 refused, the ring keeps 128 clusters"
else
	notok "qemu: nmbclusters=-1 nmbufs=1 # exit $rc"; tail -20 "$log"
fi
if grep -q "net: gateway 192.0.2.100 is outside em0's subnet 192.0.2.9 netmask 255.255.255.240; no gateway" "$log" &&
    grep -q "em0: inet 192.0.2.9 netmask 255.255.255.240 gateway none" "$log"; then
	ok "qemu: a gateway outside the subnet is refused"
else
	notok "qemu: gw outside the subnet"; grep "net:\|inet" "$log"
fi
echo "$p passed, $f failed"
