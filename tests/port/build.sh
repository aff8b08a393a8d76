#!/bin/sh
# build.sh OUT: build toyk with the mbuf module and its self-tests.
#
# The module's files are compiled exactly as they are, freestanding,
# against toyk's <machine/mbuf_port.h>; no C library is linked (toyk
# has its own _start, console and allocator), and nothing is renamed.
set -e
cd "$(dirname "$0")/../.."
out=${1:-build/port}
mkdir -p "$out"
CFLAGS="-std=gnu11 -O1 -g -ffreestanding -fno-builtin -nostdlib \
    -fno-stack-protector -fno-pie -fno-strict-aliasing -Wall -Wextra \
    -Wno-unused-parameter -Wno-sign-compare -Werror -D_KERNEL -DDIAGNOSTIC"
MODULE=$(sh tests/port/modfiles.sh)
TESTS="mbuf_testlib uipc_mbuf_test uipc_mbuf2_test uipc_mbuf2_prop \
    uipc_mbregion_test uipc_mbdebug_test uipc_mbpool_test kern_mpipe_test \
    uipc_msys_test uipc_osmbuf_test uipc_cksum_test"
objs=
for f in $MODULE; do
	o=$out/mod_$(basename "$f" .c).o
	gcc $CFLAGS -Itests/port/include -I. -c "$f" -o "$o"
	objs="$objs $o"
done
for t in $TESTS; do
	o=$out/test_$t.o
	gcc $CFLAGS -fno-toplevel-reorder -Itests/port/include -I. \
	    -c tests/kern/$t.c -o "$o"
	objs="$objs $o"
done
for f in toyk toyk_mbport toyk_selftest; do
	gcc $CFLAGS -Itests/port/include -I. -c tests/port/$f.c \
	    -o "$out/$f.o"
	objs="$objs $out/$f.o"
done
gcc -c tests/port/toyk_asm.S -o "$out/toyk_asm.o"
gcc -nostdlib -static -no-pie -o "$out/toyk" $objs "$out/toyk_asm.o" \
    -Wl,--defsym=spl_level=tk_ipl,--defsym=spl_intrnest=tk_intr_depth \
    -Wl,--defsym=ticks=tk_ticks -lgcc
