#!/usr/bin/env bash
# Makes the Linux test guest's initramfs: a newc cpio archive (uncompressed,
# so the kernel spends no time decompressing it) with busybox and its applet
# links in /bin, /init, and /sbin/guest-exit. The host has no cpio: the
# busybox-static binary's own `cpio -o -H newc` writes the archive. Files are
# stored in a fixed order with fixed times, so the same inputs give the same
# archive.
#
#   test/linux/mkinitramfs.sh BUSYBOX INIT GUEST_EXIT OUT
set -euo pipefail

[ $# -eq 4 ] || { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
busybox=$1 init=$2 guest_exit=$3 out=$4
for f in "$busybox" "$init" "$guest_exit"; do
	[ -f "$f" ] || { echo "mkinitramfs.sh: no such file '$f' (run scripts/deps.sh?)" >&2; exit 1; }
done

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,root}
install -m 755 "$busybox" "$stage/bin/busybox"
install -m 755 "$init" "$stage/init"
install -m 755 "$guest_exit" "$stage/sbin/guest-exit"
for applet in $("$busybox" --list); do
	[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done
find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | "$stage/bin/busybox" cpio -o -H newc 2>/dev/null) > "$out.tmp"
mv "$out.tmp" "$out"
