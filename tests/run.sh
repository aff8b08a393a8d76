#!/bin/sh
# run.sh: "make run" and "make debug": boot a kernel in QEMU with its
# serial console (and QEMU's monitor, Ctrl-A C) on this terminal.
#
#   sh tests/run.sh KERNEL "CMDLINE" [extra qemu args...]
#
# From the environment (the Makefile passes them): QEMU, QEMUFLAGS,
# NET, PCAP, RUN_NET.
#   NET=user  (default) QEMU's user network, restricted (restrict=on:
#             nothing leaves it), QEMU itself the peer 192.0.2.1;
#             RUN_NET="qemu args" replaces it.
#   NET=tap   (root) a network namespace holding tap0, 192.0.2.1/24
#             (tests/net/ns.sh), the guest 192.0.2.2: prints the
#             commands that ping the guest and send it UDP from the
#             namespace, and removes the namespace when QEMU exits.
#   NET=none  no network card.
#   PCAP=FILE every frame the guest sends or receives goes to FILE
#             (QEMU's filter-dump object on netdev n0), which
#             "tshark -r FILE" reads.
# The exit status: 0 when QEMU was left (Ctrl-A X) or the kernel left
# with md_exit(0) (halt=1, every self-test passed); 1 with one line
# saying so when it left with md_exit(1) (a self-test failed, or a
# panic); QEMU's own status, with a line, when QEMU itself failed.
# QEMU's isa-debug-exit device exits with (code << 1) | 1.  The
# console is copied to build/logs/run-console.log.
kernel=$1; cmdline=$2
shift 2
here=$(dirname "$0")
. "$here/net/ns.sh"
NET=${NET:-user}
QEMU=${QEMU:-qemu-system-x86_64}

case $NET in
user)	net=${RUN_NET:-$NS_USER_NET} ;;
tap)	if [ "$(id -u)" -ne 0 ]; then
		echo "run: NET=tap needs root (it creates a network namespace);" \
		    "NET=user needs none" >&2
		exit 1
	fi
	net=$NS_QEMU_NET ;;
none)	net="-nic none" ;;
*)	echo "run: NET=$NET: use NET=user, NET=tap or NET=none" >&2
	exit 1 ;;
esac
if [ -n "${PCAP:-}" ]; then
	if [ "$NET" = none ]; then
		echo "run: PCAP=$PCAP needs a network (NET=user or NET=tap)" >&2
		exit 1
	fi
	if ! : > "$PCAP"; then
		echo "run: PCAP=$PCAP: cannot write it" >&2
		exit 1
	fi
	net="$net -object filter-dump,id=pcap0,netdev=n0,file=$PCAP"
fi

wrap=
if [ "$NET" = tap ]; then
	trap ns_down EXIT
	trap 'exit 130' INT TERM HUP
	ns_up "mbk-run-$$" || { echo "run: cannot create a namespace" >&2
		exit 1; }
	wrap="ip netns exec $NS"
	cat <<EOF
run: network namespace $NS: tap0 is $NS_HOST/24, the guest $NS_GUEST
run: from another terminal, as root, once the guest says "em0: inet":
run:   ip netns exec $NS ping -c 3 $NS_GUEST
run:   ip netns exec $NS /usr/bin/python3 $(pwd)/tests/net/udpecho.py $NS_GUEST 3 100 10
run:   (live capture: ip netns exec $NS tshark -i tap0)
run: leaving QEMU (Ctrl-A X) removes the namespace and the tap
EOF
fi

# The console (serial port and monitor multiplexed on stdio, as
# -serial mon:stdio) is also logged, so that QEMU's own exit status 1
# (a bad option) is told from the kernel's md_exit(0): only the
# kernel prints its banner.
mkdir -p build/logs
con=build/logs/run-console.log
rm -f "$con"
# shellcheck disable=SC2086
$wrap $QEMU $QEMUFLAGS -chardev stdio,id=con0,mux=on,logfile="$con" \
    -serial chardev:con0 -mon chardev=con0,mode=readline \
    -kernel "$kernel" -append "$cmdline" $net "$@"
rc=$?
[ -n "${PCAP:-}" ] && echo "run: frames captured in $PCAP: tshark -r $PCAP"
if [ $rc -eq 1 ] && ! grep -q '^mbufk: ' "$con" 2>/dev/null; then
	echo "run: $QEMU failed (exit status 1) before the kernel started" >&2
	exit 1
fi
case $rc in
0|1)	exit 0 ;;
3)	echo "run: the kernel reported a failure (md_exit(1): a failed" \
	    "self-test or a panic; see above)" >&2
	exit 1 ;;
*)	echo "run: $QEMU failed (exit status $rc)" >&2
	exit "$rc" ;;
esac
