#!/bin/sh
# mancheck.sh: every function and macro a public header exports must be
# named in some man page.
#
#   sh tests/mancheck.sh [header...]     (default: sys/*.h)
#
# Functions are the prototypes that start a line (KNF puts the type at
# the line's start); macros are the #defines.  Include guards and names
# starting with an underscore are private.  Prints the missing names and
# exits 1 when there are any.
[ $# -gt 0 ] || set -- sys/*.h
names=$(awk '
	/\\$/ { cont = 1; next_cont = 1 }
	{
		if (prev_cont) { prev_cont = next_cont; next_cont = 0; next }
		prev_cont = next_cont; next_cont = 0
	}
	/^#define[ \t]+[A-Za-z][A-Za-z0-9_]*/ {
		n = $2; sub(/\(.*/, "", n); print n; next
	}
	/^[A-Za-z]/ && !/^(typedef|extern|#)[ \t]/ && !/\{/ &&
	    !/^(struct|union|enum)[ \t]+[A-Za-z_0-9]+[ \t]*$/ &&
	    /[A-Za-z_][A-Za-z0-9_]*\(/ && !/^[A-Za-z_]+:/ {
		line = $0
		sub(/\(.*/, "", line)
		n = split(line, w, /[^A-Za-z0-9_]+/)
		if (w[n] != "") print w[n]
	}
' "$@" | grep -v '^_' | grep -v '_H_$' | sort -u)
missing=""
for n in $names; do
	grep -qw -- "$n" man/man*/*.[0-9] 2>/dev/null || missing="$missing $n"
done
if [ -n "$missing" ]; then
	echo "mancheck: not named in any man page:"
	echo "$missing" | tr ' ' '\n' | sed '/^$/d; s/^/    /'
	exit 1
fi
echo "mancheck: $(echo "$names" | wc -w) names, all documented"
exit 0
