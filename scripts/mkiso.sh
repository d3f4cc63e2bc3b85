#!/usr/bin/env bash
# Builds a GRUB ISO (bootable under BIOS and UEFI) holding understudy.elf,
# its command line, and optional Multiboot2 modules.
#   scripts/mkiso.sh --elf build/understudy.elf --out X.iso [--cmdline "k=v ..."]
#                    [--module FILE "module cmdline"]...
set -euo pipefail

elf="" out="" cmdline=""
modules=() module_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--elf) elf=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--cmdline) cmdline=$2; shift 2 ;;
	--module) modules+=("$2"); module_args+=("$3"); shift 3 ;;
	*) echo "mkiso.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ -n "$elf" ] && [ -n "$out" ] || { echo "usage: mkiso.sh --elf ELF --out ISO [--cmdline ...] [--module FILE ARGS]..." >&2; exit 2; }
[ -f "$elf" ] || { echo "mkiso.sh: no such file: $elf" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/iso
mkdir -p "$stage/boot/grub"
cp "$elf" "$stage/boot/understudy.elf"
{
	echo "set timeout=0"
	echo "set default=0"
	echo "menuentry \"Understudy\" {"
	echo "  multiboot2 /boot/understudy.elf $cmdline"
	for i in "${!modules[@]}"; do
		name="module$i-$(basename "${modules[$i]}")"
		cp "${modules[$i]}" "$stage/boot/$name"
		echo "  module2 /boot/$name ${module_args[$i]}"
	done
	echo "  boot"
	echo "}"
} > "$stage/boot/grub/grub.cfg"

mkdir -p "$(dirname "$out")"
tmp_out="$out.tmp.$$"
if ! grub-mkrescue -o "$tmp_out" "$stage" --fonts= --locales= --themes= >"$tmp/log" 2>&1; then
	cat "$tmp/log" >&2
	rm -f "$tmp_out"
	exit 1
fi
mv "$tmp_out" "$out"   # never rewrite an ISO an emulator may have open
