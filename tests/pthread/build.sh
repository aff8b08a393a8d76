#!/bin/sh
# build.sh MODE OUT: build the threads-as-CPUs port (mbuf_port(9)) of
# the mbuf module with one program above it.
#
#   MODE tsan   OUT/pt_stress under ThreadSanitizer (-O1, DIAGNOSTIC)
#   MODE asan   OUT/pt_stress under ASan and UBSan (-O1, DIAGNOSTIC)
#   MODE bench  OUT/pt_bench, -O2, no DIAGNOSTIC, no sanitizer, not
#               position-independent (as the kernel is built, the
#               module's globals addressed directly), with DPDK's
#               mempool beside it when pkg-config finds libdpdk
#
# The module's files (tests/port/modfiles.sh) are compiled exactly as
# they are against the kernel's headers and this port's
# <machine/mbuf_port.h> only, as every port compiles them; the port's
# seam (pt_mbport.c) and the DPDK rows see the C library's headers,
# with the kernel's after them (-idirafter) for sys/mbuf_port.h.
# CC picks the compiler (gcc by default).
set -e
cd "$(dirname "$0")/../.."
mode=${1:?usage: build.sh tsan|asan|bench OUT}
out=${2:?usage: build.sh tsan|asan|bench OUT}
CC=${CC:-gcc}
case $mode in
tsan)	SAN="-O1 -DDIAGNOSTIC -fsanitize=thread"; prog=pt_stress ;;
asan)	SAN="-O1 -DDIAGNOSTIC -fsanitize=address,undefined \
	    -fno-sanitize-recover=undefined"; prog=pt_stress ;;
bench)	SAN="-O2 -fno-pie -no-pie"; prog=pt_bench ;;
*)	echo "build.sh: MODE is tsan, asan or bench" >&2; exit 2 ;;
esac
WARN="-Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -Werror"
MI="-std=gnu11 -g -fno-builtin -ffreestanding -fno-omit-frame-pointer \
    -fno-strict-aliasing $WARN -D_KERNEL -Itests/pthread/include -I."
MD="-std=gnu11 -g -fno-omit-frame-pointer $WARN -D_GNU_SOURCE \
    -idirafter . -idirafter tests/pthread/include -Itests/pthread"
mkdir -p "$out"
objs=
for f in $(sh tests/port/modfiles.sh) tests/pthread/$prog.c; do
	o=$out/mi_$(basename "$f" .c).o
	# shellcheck disable=SC2086
	$CC $MI $SAN -c "$f" -o "$o"
	objs="$objs $o"
done
md="tests/pthread/pt_mbport.c"
libs="-lpthread"
if [ "$mode" = bench ]; then
	if pkg-config --exists libdpdk 2>/dev/null; then
		md="$md tests/pthread/pt_dpdk.c tests/bench/peer/peer_dpdk.c"
		MD="$MD -DPT_DPDK -Itests/bench/peer $(pkg-config --cflags libdpdk)"
		libs="$libs $(pkg-config --libs libdpdk)"
	else
		md="$md tests/pthread/pt_dpdk.c"
	fi
fi
for f in $md; do
	o=$out/md_$(basename "$f" .c).o
	# shellcheck disable=SC2086
	$CC $MD $SAN -c "$f" -o "$o"
	objs="$objs $o"
done
# shellcheck disable=SC2086
$CC $SAN -o "$out/$prog" $objs $libs
