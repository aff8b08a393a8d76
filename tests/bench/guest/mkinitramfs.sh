#!/bin/sh
# mkinitramfs.sh: a tiny initramfs for the Linux guest of the
# packet-rate benchmark: busybox-static, the e1000 module of Debian's
# kernel and a static UDP echo server.  The kernel, the module and
# busybox come from fetch.sh (downloaded and unpacked into OUTDIR,
# never installed); the archive is packed with that busybox's cpio.
#
#   sh tests/bench/guest/mkinitramfs.sh OUTDIR
#       -> OUTDIR/initramfs.gz; prints the kernel's path
#
# The guest takes 192.0.2.2/24 and 2001:db8::2/64 on eth0 (mbufk's
# addresses, so both sit behind the same command line; no DAD, no
# router solicitations) and says GUEST-READY on ttyS0.
set -e
out=$1
here=$(dirname "$0")
vmlinuz=$(sh "$here/fetch.sh" "$out")
root=$out/root
rm -rf "$root"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
cp "$out/busybox" "$root/bin/busybox"
cp "$out/e1000.ko" "$root/e1000.ko"
gcc -O2 -static -o "$root/bin/udpecho" "$here/udpecho.c"
cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
insmod /e1000.ko
ip link set lo up
echo 0 > /proc/sys/net/ipv6/conf/eth0/accept_dad 2>/dev/null
echo 0 > /proc/sys/net/ipv6/conf/eth0/router_solicitations 2>/dev/null
ip link set eth0 up
ip addr add 192.0.2.2/24 dev eth0
ip addr add 2001:db8::2/64 dev eth0 2>/dev/null
/bin/udpecho 7 &
echo GUEST-READY > /dev/ttyS0
while :; do sleep 3600; done
INIT
chmod +x "$root/init"
bb=$(cd "$out" && pwd)/busybox
(cd "$root" && find . | "$bb" cpio -o -H newc 2>/dev/null | gzip -1) \
    > "$out/initramfs.gz"
echo "$vmlinuz"
