#!/bin/sh
# deps.sh: make sure the tools a target needs are installed.
#
#   sh tests/deps.sh qemu mandoc ...
#
# Each word names a tool group.  What is missing is installed with
# apt-get when running as root (CI is root), after a line per group
# saying which packages are about to be installed and why; otherwise the
# script says exactly what to install and fails.  Nothing here touches
# /boot: the benchmark's Linux guest is downloaded and unpacked into
# build/ (tests/bench/guest/fetch.sh), never installed.
#
# Python modules are checked with the interpreter the test scripts run,
# PY (/usr/bin/python3, Debian's, where apt-get puts python3-*
# modules; the scripts' shebang and the suites name it), not the first
# python3 on PATH.
set -u
PY=/usr/bin/python3
# Why a group's packages are wanted, printed before they are installed.
why() {
	case $1 in
	qemu)	echo "QEMU, to boot the kernel (make run, make test)" ;;
	mandoc)	echo "mandoc, to lint the man pages (make man, make test)" ;;
	gdb)	echo "gdb, to check the kernel's backtraces in a debugger" \
		    "(make test)" ;;
	python)	echo "Debian's python3 ($PY), which runs the tests' scripts" ;;
	scapy)	echo "scapy for $PY, for the hostile-traffic battery" \
		    "(make test)" ;;
	tshark)	echo "tshark, to read the network tests' captures" ;;
	net)	echo "ip and ping, for the network namespace of the network" \
		    "tests and make run NET=tap" ;;
	clang)	echo "clang and libFuzzer, for the fuzz targets (make fuzz," \
		    "make test)" ;;
	bench)	echo "lwIP and DPDK libraries and headers (under /usr), the" \
		    "peers make bench links in, and valgrind for its" \
		    "instruction counts" ;;
	valgrind) echo "valgrind, for instruction counts" ;;
	tsan)	echo "gcc's ThreadSanitizer and AddressSanitizer runtimes, for" \
		    "the threads-as-CPUs stress (tests/suite-18-tsan.sh)" ;;
	s390x)	echo "the s390x cross compiler, its libc and UBSan, and" \
		    "qemu-user, for the big-endian build (make portable," \
		    "make test)" ;;
	i686)	echo "the i686 cross compiler, its libc, ASan and UBSan, for" \
		    "the 32-bit build (make portable, make test)" ;;
	*)	echo "tool group $1" ;;
	esac
}

need=""
reasons=""
for what in "$@"; do
	before=$need
	case $what in
	qemu)	command -v qemu-system-x86_64 >/dev/null 2>&1 ||
		    need="$need qemu-system-x86" ;;
	mandoc)	command -v mandoc >/dev/null 2>&1 || need="$need mandoc" ;;
	gdb)	command -v gdb >/dev/null 2>&1 || need="$need gdb" ;;
	python)	[ -x "$PY" ] || need="$need python3" ;;
	scapy)	[ -x "$PY" ] || need="$need python3"
		"$PY" -c 'import scapy' >/dev/null 2>&1 ||
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
	# The portability builds (make portable).  Debian's gcc-multilib
	# conflicts with its cross compilers, so the 32-bit build uses the
	# i686 cross compiler and its own libc under /usr/i686-linux-gnu.
	s390x)	command -v s390x-linux-gnu-gcc >/dev/null 2>&1 ||
		    need="$need gcc-s390x-linux-gnu"
		[ -f /usr/s390x-linux-gnu/lib/libc.so.6 ] &&
		    [ -f /usr/s390x-linux-gnu/include/stdio.h ] ||
		    need="$need libc6-dev-s390x-cross"
		ls /usr/s390x-linux-gnu/lib/libubsan.so.* >/dev/null 2>&1 ||
		    need="$need libubsan1-s390x-cross"
		command -v qemu-s390x-static >/dev/null 2>&1 ||
		    need="$need qemu-user-static" ;;
	i686)	command -v i686-linux-gnu-gcc >/dev/null 2>&1 ||
		    need="$need gcc-i686-linux-gnu"
		[ -f /usr/i686-linux-gnu/lib/libc.so.6 ] &&
		    [ -f /usr/i686-linux-gnu/include/stdio.h ] ||
		    need="$need libc6-dev-i386-cross"
		ls /usr/i686-linux-gnu/lib/libasan.so.* >/dev/null 2>&1 ||
		    need="$need libasan8-i386-cross"
		ls /usr/i686-linux-gnu/lib/libubsan.so.* >/dev/null 2>&1 ||
		    need="$need libubsan1-i386-cross" ;;
	valgrind) command -v valgrind >/dev/null 2>&1 ||
		    need="$need valgrind" ;;
	# gcc -print-file-name prints the bare name when it has no such file.
	tsan)	[ "$(gcc -print-file-name=libtsan.so)" != libtsan.so ] ||
		    need="$need libtsan2"
		[ "$(gcc -print-file-name=libasan.so)" != libasan.so ] ||
		    need="$need libasan8" ;;
	*)	echo "deps.sh: unknown tool group $what" >&2; exit 2 ;;
	esac
	[ "$need" = "$before" ] || reasons="$reasons
deps.sh: ${need#"$before" }: $(why "$what")"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing:$need$reasons" >&2
	echo "deps.sh: install them with: sudo apt-get install$need" >&2
	exit 1
fi
echo "deps.sh: about to install with apt-get:$need$reasons"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
# shellcheck disable=SC2086
apt-get install -y -qq $need >/dev/null 2>&1 ||
    apt-get install -y $need || {
	echo "deps.sh: apt-get install$need failed" >&2
	exit 1
}
exit 0
