#!/bin/sh
# mkinitramfs.sh: a tiny initramfs for the Linux guest of the
# packet-rate benchmark: busybox-static, the e1000 module of the
# installed Debian kernel, and a static UDP echo server.
#
#   sh tests/bench/guest/mkinitramfs.sh OUTDIR     -> OUTDIR/initramfs.gz
#
# The guest takes 192.0.2.2/24 on eth0 (the same address as mbufk, so
# both sit behind the same command line) and says GUEST-READY on ttyS0.
set -e
out=$1
here=$(dirname "$0")
kver=$(ls /boot/vmlinuz-* | sort | tail -n 1 | sed 's|/boot/vmlinuz-||')
root=$out/root
rm -rf "$root"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
cp /bin/busybox "$root/bin/busybox"
gcc -O2 -static -o "$root/bin/udpecho" "$here/udpecho.c"
ko=$(find "/lib/modules/$kver" -name 'e1000.ko*' | head -n 1)
case $ko in
*.xz)	xz -dc "$ko" > "$root/e1000.ko" ;;
*.zst)	zstd -dcq "$ko" > "$root/e1000.ko" ;;
*)	cp "$ko" "$root/e1000.ko" ;;
esac
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
insmod /e1000.ko
ip link set lo up
ip link set eth0 up
ip addr add 192.0.2.2/24 dev eth0
/bin/udpecho 7 &
echo GUEST-READY > /dev/ttyS0
while :; do sleep 3600; done
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) > "$out/initramfs.gz"
echo "/boot/vmlinuz-$kver"
