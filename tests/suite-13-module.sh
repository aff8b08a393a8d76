#!/bin/sh
# The mbuf module alone (mbuf_port(9)): its files, and no other, compile
# freestanding (-ffreestanding -nostdlib) against a port's inline header
# (tests/port's) and link with ld -r; then, with nm:
#   - the undefined names are the functions sys/mbuf_port.h declares
#     (every one of them used, except the four memory routines, which
#     the compiler may or may not call), plus the variables the port's
#     inline header itself declares extern, and nothing else;
#   - every defined global is declared in a module header (sys/mbuf.h,
#     sys/mpipe.h, sys/msys.h, sys/os_mbuf.h or kern/mbuf_private.h) and
#     named in a section 9 man page.
cd "$(dirname "$0")/.." || exit 1
out=build/module
rm -rf "$out"
mkdir -p "$out"
p=0; f=0
ok() { echo "ok $*"; p=$((p + 1)); }
nok() { echo "not ok $*"; f=$((f + 1)); }

CFLAGS="-std=gnu11 -O2 -ffreestanding -fno-builtin -nostdlib -fno-pie \
    -fno-stack-protector -Wall -Wextra -Wno-unused-parameter \
    -Wno-sign-compare -Werror -D_KERNEL -DDIAGNOSTIC -Itests/port/include -I."
objs=
err=0
for c in $(sh tests/port/modfiles.sh); do
	o=$out/$(basename "$c" .c).o
	gcc $CFLAGS -c "$c" -o "$o" 2> "$out/cc.err" || { cat "$out/cc.err"; err=1; }
	objs="$objs $o"
done
if [ $err -eq 0 ] && ld -r -o "$out/module.o" $objs; then
	ok "the module's $(sh tests/port/modfiles.sh | wc -l) files compile and link alone"
else
	nok "the module's files compile and link alone"
	echo "$p passed, $f failed"; exit 1
fi

# The seam: function names sys/mbuf_port.h declares.
grep -vE '^( \*|/\*|#)' sys/mbuf_port.h |
    grep -oE '(mbp_[a-z0-9_]+|\(mem(cpy|move|set|cmp)\))\(' | tr -d '()' |
    sort -u > "$out/seam.txt"
grep -oE '^extern [^;]*[ *]([a-z_][a-z0-9_]*);' tests/port/include/machine/mbuf_port.h |
    grep -oE '[a-z_][a-z0-9_]*;$' | tr -d ';' | sort -u > "$out/mdextern.txt"
nm -u "$out/module.o" | awk '{print $2}' | sort -u > "$out/undef.txt"
extra=$(comm -23 "$out/undef.txt" "$(sort -u "$out/seam.txt" "$out/mdextern.txt" > "$out/allowed.txt"; echo "$out/allowed.txt")")
unused=$(grep -v '^mem' "$out/seam.txt" | comm -23 - "$out/undef.txt")
if [ -z "$extra" ]; then
	ok "undefined: only the seam's names ($(wc -l < "$out/undef.txt"): $(tr '\n' ' ' < "$out/undef.txt"))"
else
	nok "undefined names outside sys/mbuf_port.h: $extra"
fi
if [ -z "$unused" ]; then
	ok "every seam function is used ($(wc -l < "$out/seam.txt") in sys/mbuf_port.h)"
else
	nok "declared in sys/mbuf_port.h but unused: $unused"
fi

# The module's own names.
nm -g --defined-only "$out/module.o" | awk '{print $3}' | sort -u > "$out/def.txt"
hdrs="sys/mbuf.h sys/mpipe.h sys/msys.h sys/os_mbuf.h kern/mbuf_private.h"
bad=
for n in $(cat "$out/def.txt"); do
	grep -qw "$n" $hdrs || bad="$bad $n(header)"
	grep -qw -- "$n" man/man9/*.9 || bad="$bad $n(man)"
done
if [ -z "$bad" ]; then
	ok "defined: $(wc -l < "$out/def.txt") names, each in a module header and a man page"
else
	nok "defined names missing a header or a man page:$bad"
fi
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
