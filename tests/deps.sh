#!/bin/sh
# deps.sh: make sure the tools a target needs are installed.
#
#   sh tests/deps.sh qemu mandoc ...
#
# Each word names a tool group.  What is missing is installed with
# apt-get when running as root (CI is root); otherwise the script says
# exactly what to install and fails.
set -u
need=""
for what in "$@"; do
	case $what in
	qemu)	command -v qemu-system-x86_64 >/dev/null 2>&1 ||
		    need="$need qemu-system-x86" ;;
	mandoc)	command -v mandoc >/dev/null 2>&1 || need="$need mandoc" ;;
	scapy)	python3 -c 'import scapy' >/dev/null 2>&1 ||
		    need="$need python3-scapy" ;;
	tshark)	command -v tshark >/dev/null 2>&1 || need="$need tshark" ;;
	net)	command -v ip >/dev/null 2>&1 || need="$need iproute2"
		command -v ping >/dev/null 2>&1 || need="$need iputils-ping" ;;
	clang)	command -v clang >/dev/null 2>&1 || need="$need clang"
		ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a \
		    >/dev/null 2>&1 || need="$need libclang-rt-dev" ;;
	bench)	[ -f /usr/include/lwip/lwip/pbuf.h ] || need="$need liblwip-dev"
		pkg-config --exists libdpdk 2>/dev/null ||
		    need="$need libdpdk-dev pkg-config"
		command -v valgrind >/dev/null 2>&1 || need="$need valgrind" ;;
	linuxguest) [ -n "$(ls /boot/vmlinuz-* 2>/dev/null)" ] ||
		    need="$need linux-image-amd64"
		[ -x /bin/busybox ] || need="$need busybox-static" ;;
	valgrind) command -v valgrind >/dev/null 2>&1 ||
		    need="$need valgrind" ;;
	*)	echo "deps.sh: unknown tool group $what" >&2; exit 2 ;;
	esac
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing:$need" >&2
	echo "deps.sh: install them with: sudo apt-get install$need" >&2
	exit 1
fi
echo "deps.sh: installing$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
# shellcheck disable=SC2086
apt-get install -y -qq $need >/dev/null 2>&1 ||
    apt-get install -y $need || {
	echo "deps.sh: apt-get install$need failed" >&2
	exit 1
}
exit 0
