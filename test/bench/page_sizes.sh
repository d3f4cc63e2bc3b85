#!/usr/bin/env bash
# Bytes per page for each page encoding (docs/page-encoding.md) side by side
# with QEMU's XBZRLE of the same page pairs, computed on the host
# (test/bench/page_sizes.c). Guest memory is Debian's cloud kernel (vmlinux)
# and busybox from third_party/linux (scripts/deps.sh): real code, data,
# text and padding, changed in the ways a running guest changes pages.
#   test/bench/page_sizes.sh [--pairs N]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$root/build/bench/page_sizes
images=("$root/third_party/linux/vmlinux-cloud" "$root/third_party/linux/busybox")

fail() {
	echo "FAIL: page_sizes: $*" >&2
	exit 1
}

[ -x "$bin" ] || fail "$bin is not built (make build/bench/page_sizes)"
for f in "${images[@]}"; do
	[ -s "$f" ] || fail "$f is missing or empty (run scripts/deps.sh)"
done
"$bin" "$@" "${images[@]}"
