#!/usr/bin/env bash
# What `make run` shows: Debian's cloud kernel, unmodified, with the
# busybox initramfs of test/linux/, booted under Understudy in the best
# emulator here (QEMU/KVM where the host offers nested virtualization,
# else QEMU TCG). On a terminal the guest ends in a busybox shell on its
# serial console, and what you type goes to it (the hypervisor hands the
# console's input to the guest's COM1: guest_input=on); `guest-exit N`
# ends the run with status N, `poweroff -f` with 0, Ctrl-C ends QEMU.
# Without a terminal the guest runs its workload and exits.
#
#   scripts/demo.sh [--emu auto|qemu|kvm] [run.sh options...]
#
# The hypervisor's log goes to stderr, the guest's console to stdout.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
kernel=$root/third_party/linux/vmlinuz-cloud
initrd=$root/build/linux/initramfs.cpio
for f in "$kernel" "$initrd"; do
	[ -f "$f" ] || { echo "demo.sh: $f is missing: run scripts/deps.sh and make linux-guest" >&2; exit 2; }
done
# The guest's TSC runs at the host's rate: telling the kernel spares it a
# calibration that a loaded emulator can make fail (docs/linux-guest.md).
tsc_khz=$(awk '/^cpu MHz/ { printf "%d", $4 * 1000; exit }' /proc/cpuinfo)
args="console=ttyS0 loglevel=4 tsc_early_khz=$tsc_khz"
mode=(--timeout 600)
if [ -t 0 ] && [ -t 1 ]; then
	args="$args guest_shell=1"
	mode=(--interactive --timeout 86400)
	echo "demo.sh: Linux boots under Understudy; its shell takes what you type (guest-exit N to end, Ctrl-C to stop QEMU)" >&2
fi
exec "$root/scripts/run.sh" --mem 512 --cmdline "guest_mem=256M" "${mode[@]}" \
	--guest "$kernel" --initrd "$initrd" --guest-args "$args" "$@"
