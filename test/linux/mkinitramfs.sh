#!/usr/bin/env bash
# Makes the Linux test guest's initramfs: a newc cpio archive (uncompressed,
# so the kernel spends no time decompressing it) with busybox and its applet
# links in /bin, /init, and /sbin/guest-exit. The host has no cpio: the
# busybox-static binary's own `cpio -o -H newc` writes the archive. Files are
# stored in a fixed order with fixed times, so the same inputs give the same
# archive. With MODULES (a kernel package's lib/modules/VERSION/kernel),
# the virtio-net driver and its dependencies go to /lib/modules/net, in the
# order insmod takes them (/init loads them only when guest_net= asks).
#
#   test/linux/mkinitramfs.sh BUSYBOX INIT GUEST_EXIT OUT [MODULES]
set -euo pipefail

[ $# -eq 4 ] || [ $# -eq 5 ] || { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
busybox=$1 init=$2 guest_exit=$3 out=$4 modules=${5:-}
# virtio_net.ko's modules.dep chain, dependencies first (each .ko's depends=).
net_modules="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev
drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci net/core/failover
drivers/net/net_failover drivers/net/virtio_net"
for f in "$busybox" "$init" "$guest_exit"; do
	[ -f "$f" ] || { echo "mkinitramfs.sh: no such file '$f' (run scripts/deps.sh?)" >&2; exit 1; }
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,root}
install -m 755 "$busybox" "$stage/bin/busybox"
install -m 755 "$init" "$stage/init"
install -m 755 "$guest_exit" "$stage/sbin/guest-exit"
if [ -n "$modules" ]; then
	mkdir -p "$stage/lib/modules/net"
	n=0
	for m in $net_modules; do
		[ -f "$modules/$m.ko" ] || { echo "mkinitramfs.sh: no module $modules/$m.ko" >&2; exit 1; }
		n=$((n + 1))
		install -m 644 "$modules/$m.ko" "$stage/lib/modules/net/$n-${m##*/}.ko"
	done
fi
for applet in $("$busybox" --list); do
	[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done
find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | "$stage/bin/busybox" cpio -o -H newc 2>/dev/null) > "$out.tmp"
mv "$out.tmp" "$out"
