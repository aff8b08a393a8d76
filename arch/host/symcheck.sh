#!/bin/sh
# symcheck.sh: fail the host build when the kernel object defines a
# global symbol that libc also defines.  Such a symbol would silently
# replace libc's for the whole process (and for the sanitizer runtime);
# rename it in arch/host/kern.syms instead.
#
#   sh arch/host/symcheck.sh OBJ [PREFIX]
#
# PREFIX names a cross toolchain (s390x-linux-gnu-): its nm reads OBJ
# and the target's libc, /usr/${PREFIX%-}/lib/libc.so.6, is the one
# compared with (the cross libc must be there: a missing one fails).
obj=$1
prefix=${2:-}
nm=${prefix}nm
if [ -n "$prefix" ]; then
	libc=/usr/${prefix%-}/lib/libc.so.6
	[ -f "$libc" ] || { echo "symcheck: no $libc" >&2; exit 1; }
else
	libc=$(ldd /bin/sh 2>/dev/null | awk '/libc.so/ {print $3}')
	[ -n "$libc" ] || libc=/lib/x86_64-linux-gnu/libc.so.6
	[ -f "$libc" ] || exit 0
fi
clash=$($nm -g --defined-only "$obj" | awk '{print $3}' | sort -u |
    comm -12 - "$($nm -D --defined-only "$libc" | awk '{print $3}' |
    sed 's/@.*//' | sort -u > "$obj.libc"; echo "$obj.libc")")
rm -f "$obj.libc"
if [ -n "$clash" ]; then
	echo "symcheck: the kernel defines symbols libc also defines:" >&2
	echo "$clash" | sed 's/^/    /' >&2
	echo "rename them in arch/host/kern.syms" >&2
	exit 1
fi
exit 0
