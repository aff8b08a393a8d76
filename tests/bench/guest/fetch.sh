#!/bin/sh
# fetch.sh: the Linux guest of the packet-rate benchmark, downloaded
# and unpacked into build/, never installed: nothing is written to
# /boot, /lib/modules or dpkg's database, and no root is needed (but
# for "apt-get update" when apt's lists are missing or stale).
#
#   sh tests/bench/guest/fetch.sh DIR    -> prints DIR/vmlinuz-VERSION
#
# "apt-get download" fetches the kernel package Debian's
# linux-image-amd64 points to and busybox-static into DIR/debs;
# "dpkg -x" unpacks each into a scratch directory, from which DIR keeps
# vmlinuz-VERSION, e1000.ko (the guest's NIC driver) and busybox, and
# the rest is deleted.  A second run with those present does nothing.
set -eu
out=$1
mkdir -p "$out/debs"
have() { [ -n "$(ls "$out"/vmlinuz-* 2>/dev/null)" ] &&
    [ -f "$out/e1000.ko" ] && [ -x "$out/busybox" ]; }
if have; then
	ls "$out"/vmlinuz-* | sort | tail -n 1
	exit 0
fi
img=$(apt-cache depends linux-image-amd64 2>/dev/null |
    awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
if [ -z "$img" ]; then
	echo "fetch: apt knows no linux-image-amd64 (apt-get update?)" >&2
	exit 1
fi
echo "fetch: downloading (not installing) $img and busybox-static" \
    "into $out/debs for the benchmark's Linux guest" >&2
get() {
	(cd "$out/debs" && apt-get download -q "$1" 2>&1 | grep -v '^W:' >&2)
	ls "$out/debs/$1"_*.deb > /dev/null 2>&1
}
for p in "$img" busybox-static; do
	ls "$out/debs/$p"_*.deb > /dev/null 2>&1 && continue
	get "$p" && continue
	if [ "$(id -u)" -eq 0 ]; then
		apt-get update -qq > /dev/null 2>&1 || true
		get "$p" && continue
	fi
	echo "fetch: apt-get download $p failed" >&2
	exit 1
done
scratch=$out/unpack
rm -rf "$scratch"
dpkg -x "$(ls "$out/debs/$img"_*.deb | tail -n 1)" "$scratch"
dpkg -x "$(ls "$out/debs/busybox-static"_*.deb | tail -n 1)" "$scratch"
vmlinuz=$(ls "$scratch"/boot/vmlinuz-* | tail -n 1)
ko=$(find "$scratch/lib/modules" -name 'e1000.ko*' | head -n 1)
case $ko in
*.xz)	xz -dc "$ko" > "$out/e1000.ko" ;;
*.zst)	zstd -dcq "$ko" > "$out/e1000.ko" ;;
*)	cp "$ko" "$out/e1000.ko" ;;
esac
cp "$vmlinuz" "$out/"
cp "$scratch/bin/busybox" "$out/busybox"
rm -rf "$scratch" "$out/debs"
echo "$out/$(basename "$vmlinuz")"
