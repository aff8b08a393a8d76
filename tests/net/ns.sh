#!/bin/sh
# ns.sh: the test network, sourced by every script that needs one (the
# network suites and the QEMU benchmark).  One piece of code for it.
#
#   . tests/net/ns.sh; ns_up NAME || exit; trap ns_down EXIT; ...
#
# ns_up creates network namespace NAME holding a tap device "tap0" with
# the host side's address 192.0.2.1/24 (TEST-NET-1) and nothing else:
# no route leaves it, so every frame stays between the namespace and the
# QEMU guest attached to the tap.  IPv6 is off inside it, so the link
# carries only what the tests send; NS_IPV6=1 before ns_up leaves it on
# (for the IPv6 suite) with 2001:db8::1/64 on tap0 beside its
# link-local address, nothing else.  The guest takes 192.0.2.2 and the
# MAC address NS_MAC (QEMU's default, pinned in NS_QEMU_NET).  ns_down
# deletes the namespace (and with it the tap); callers trap it on EXIT.
# ns_exec runs a command inside the namespace (QEMU opens the tap there).
# ns_spawn starts one in the background and sets NS_PID to the process
# itself (not to a subshell: "ns_exec cmd &" forks a shell that waits
# for cmd, and killing that shell leaves cmd running).  ns_killall
# stops every process still inside the namespace (ours: nothing else
# runs there); ns_down calls it before deleting the namespace.
NS_HOST=192.0.2.1
NS_GUEST=192.0.2.2
NS_HOST6=2001:db8::1
NS_GUEST6=2001:db8::2
NS_MAC=52:54:00:12:34:56

ns_up() {
	NS=$1
	ip netns del "$NS" 2>/dev/null
	ip netns add "$NS" || return 1
	ip -n "$NS" link set lo up
	ip -n "$NS" tuntap add dev tap0 mode tap || { ns_down; return 1; }
	_v6off=1
	[ "${NS_IPV6:-0}" = 1 ] && _v6off=0
	ip netns exec "$NS" sysctl -q -w \
	    net.ipv6.conf.all.disable_ipv6=$_v6off > /dev/null 2>&1
	ip netns exec "$NS" sysctl -q -w \
	    net.ipv6.conf.default.disable_ipv6=$_v6off > /dev/null 2>&1
	ip netns exec "$NS" sysctl -q -w \
	    net.ipv6.conf.tap0.disable_ipv6=$_v6off > /dev/null 2>&1
	ip -n "$NS" addr add "$NS_HOST/24" dev tap0
	if [ "$_v6off" = 0 ]; then
		# No router solicitations or DAD delay: a quiet, ready link.
		ip netns exec "$NS" sysctl -q -w \
		    net.ipv6.conf.tap0.router_solicitations=0 > /dev/null 2>&1
		ip -n "$NS" addr add "$NS_HOST6/64" dev tap0 nodad
	fi
	ip -n "$NS" link set tap0 up
}

ns_down() {
	[ -n "${NS:-}" ] || return 0
	ns_killall
	ip netns del "$NS" 2>/dev/null
	NS=
}

ns_exec() {
	ip netns exec "$NS" "$@"
}

ns_spawn() {
	ip netns exec "$NS" "$@" &
	NS_PID=$!
}

ns_killall() {
	[ -n "${NS:-}" ] || return 0
	_pids=$(ip netns pids "$NS" 2>/dev/null)
	[ -n "$_pids" ] || return 0
	# shellcheck disable=SC2086
	kill $_pids 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -z "$(ip netns pids "$NS" 2>/dev/null)" ] && return 0
		sleep 0.2
	done
	# shellcheck disable=SC2046
	kill -9 $(ip netns pids "$NS" 2>/dev/null) 2>/dev/null
	return 0
}

# The QEMU network arguments every network test and benchmark uses.
NS_QEMU_NET="-netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device e1000,netdev=n0,mac=$NS_MAC"

# The other network: QEMU's user network, restricted (restrict=on:
# nothing leaves it), on the same addresses, QEMU standing in as the
# peer 192.0.2.1.  make run's default and tests/qemu.sh's.
NS_USER_NET="-netdev user,id=n0,restrict=on,net=192.0.2.0/24,host=$NS_HOST -device e1000,netdev=n0,mac=$NS_MAC"
