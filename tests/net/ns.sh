#!/bin/sh
# ns.sh: the test network, sourced by the scripts that need one.
#
#   . tests/net/ns.sh; ns_up NAME; ...; ns_down
#
# ns_up creates network namespace NAME holding a tap device "tap0" with
# the host side's address 192.0.2.1/24 (TEST-NET-1) and nothing else:
# no route leaves it, so every frame stays between the namespace and the
# QEMU guest attached to the tap.  The guest takes 192.0.2.2.  ns_down
# deletes the namespace (and with it the tap); callers trap it on EXIT.
# ns_qemu runs a command inside the namespace (QEMU opens the tap there).
NS_HOST=192.0.2.1
NS_GUEST=192.0.2.2

ns_up() {
	NS=$1
	ip netns del "$NS" 2>/dev/null
	ip netns add "$NS" || return 1
	ip -n "$NS" link set lo up
	ip -n "$NS" tuntap add dev tap0 mode tap || return 1
	ip -n "$NS" addr add "$NS_HOST/24" dev tap0
	ip -n "$NS" link set tap0 up
}

ns_down() {
	[ -n "${NS:-}" ] && ip netns del "$NS" 2>/dev/null
	NS=
}

ns_exec() {
	ip netns exec "$NS" "$@"
}

# The QEMU network arguments every network test and benchmark uses.
NS_QEMU_NET="-netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device e1000,netdev=n0"
