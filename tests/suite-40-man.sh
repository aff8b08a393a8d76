#!/bin/sh
# The man pages: mandoc -T lint is clean on every page, and every
# function and macro the public headers (sys/, net/) export is named
# in one.
sh tests/deps.sh mandoc || { echo "0 passed, 1 failed"; exit 1; }
p=0; f=0
out=$(mandoc -T lint -W warning man/man*/*.[0-9] 2>&1)
if [ -z "$out" ]; then
	echo "ok mandoc -T lint ($(ls man/man*/*.[0-9] | wc -l) pages)"; p=$((p + 1))
else
	echo "not ok mandoc -T lint"; echo "$out" | head -30; f=$((f + 1))
fi
if sh tests/mancheck.sh sys/*.h net/*.h; then
	echo "ok every exported name is documented"; p=$((p + 1))
else
	echo "not ok every exported name is documented"; f=$((f + 1))
fi
echo "$p passed, $f failed"
