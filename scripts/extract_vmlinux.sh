#!/usr/bin/env bash
# Extracts the uncompressed kernel (vmlinux, an ELF file) from an x86 bzImage,
# for the PVH boot path. The compressed payload is found through the setup
# header (Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header"):
# the protected-mode code starts at (setup_sects + 1) * 512 (setup_sects 0
# means 4), and payload_offset/payload_length (protocol 2.08+) locate the
# payload inside it. The kernel's build appends the uncompressed size as a
# little-endian u32 to the payload; it is checked against the result.
# LZ4 (legacy frame) and XZ payloads are decompressed with Debian's lz4 and
# xz tools; other formats are refused.
#
#   scripts/extract_vmlinux.sh BZIMAGE OUT
#
# Exit status 0 with OUT written (atomically); 1 with a message otherwise.
set -euo pipefail

die() { echo "extract_vmlinux.sh: $*" >&2; exit 1; }
[ $# -eq 2 ] || { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 1; }
image=$1 out=$2
[ -f "$image" ] || die "no such file '$image'"

SETUP_SECTS_OFF=$((0x1F1))  # u8
BOOT_FLAG_OFF=$((0x1FE))    # u16 0xAA55
HEADER_OFF=$((0x202))       # u32 "HdrS"
VERSION_OFF=$((0x206))      # u16 protocol version
PAYLOAD_OFF_OFF=$((0x248))  # u32 payload_offset
PAYLOAD_LEN_OFF=$((0x24C))  # u32 payload_length
MIN_VERSION=$((0x208))      # payload fields exist from 2.08
SECTOR=512
size=$(stat -L -c %s "$image")

# Little-endian unsigned integer of WIDTH bytes at OFFSET.
le() { # offset width
	[ $(($1 + $2)) -le "$size" ] || die "'$image' is truncated (no byte $(($1 + $2 - 1)))"
	od -A n -t "u$2" -j "$1" -N "$2" --endian=little "$image" | tr -d ' '
}

boot_flag=$(le $BOOT_FLAG_OFF 2)
header=$(le $HEADER_OFF 4)
[ "$boot_flag" = $((0xAA55)) ] || die "'$image' is not a bzImage (no 0xAA55 boot flag at 0x1FE)"
[ "$header" = $((0x53726448)) ] || die "'$image' is not a bzImage (no \"HdrS\" at 0x202)"
version=$(le $VERSION_OFF 2)
[ "$version" -ge $MIN_VERSION ] ||
	die "'$image' uses boot protocol $(printf '%x.%02x' $((version >> 8)) $((version & 255))), older than 2.08 (no payload fields)"
sects=$(le $SETUP_SECTS_OFF 1)
[ "$sects" -eq 0 ] && sects=4
payload_offset=$(le $PAYLOAD_OFF_OFF 4)
payload=$(( (sects + 1) * SECTOR + payload_offset ))
length=$(le $PAYLOAD_LEN_OFF 4)
[ "$length" -gt 4 ] || die "'$image' has no compressed payload (payload_length $length)"
[ $((payload + length)) -le "$size" ] || die "'$image' is truncated: its payload ends past the file"
want=$(le $((payload + length - 4)) 4)

magic=$(od -A n -t x1 -j "$payload" -N 6 "$image" | tr -d ' ')
case "$magic" in
02214c18*) tool=(lz4 -d -c -q) ;;            # LZ4 legacy frame
fd377a585a00) tool=(xz -d -c -q --single-stream) ;;
*) die "'$image' has a payload this script does not decompress (magic $magic; LZ4 and XZ are supported)" ;;
esac
command -v "${tool[0]}" >/dev/null || die "${tool[0]} is missing: run scripts/deps.sh"

tmp=$(mktemp "$(dirname "$out")/.vmlinux.XXXXXX")
trap 'rm -f "$tmp"' EXIT
dd if="$image" iflag=skip_bytes,count_bytes skip="$payload" count=$((length - 4)) bs=1M status=none |
	"${tool[@]}" > "$tmp" ||
	die "${tool[0]} failed to decompress the payload of '$image'"
got=$(stat -c %s "$tmp")
[ "$got" = "$want" ] || die "'$image': decompressed $got bytes, the payload says $want"
[ "$(od -A n -t x1 -N 4 "$tmp" | tr -d ' ')" = 7f454c46 ] || die "'$image': the payload is not an ELF file"
chmod 644 "$tmp"
mv "$tmp" "$out"
trap - EXIT
