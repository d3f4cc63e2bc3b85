#!/usr/bin/env bash
# Debian's cloud kernel, uncompressed and booted by its PVH entry, with the
# busybox initramfs of test/linux/ under Understudy's VMX backend on Bochs
# (corei7_skylake_x), against the same kernel run natively under QEMU: the
# workload's deterministic lines and exit code must match. The Bochs run
# takes about two and a half minutes.
# The command line avoids what the guest platform still lacks (IOAPIC,
# LAPIC timer: see linux_svm.sh); Bochs' TSC runs at its instruction rate,
# so the kernel's TSC calibration fails and it keeps jiffies, as natively
# it may not: only the workload's lines are compared.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
k=$root/third_party/linux
initrd=$root/build/linux/initramfs.cpio
need_linux linux_vmx "$k/vmlinux-cloud" "$initrd"

guest_case linux_vmx_cloud_pvh --emu bochs --mem 512 --timeout 900 --cmdline "guest_mem=256M" -- \
	"$k/vmlinux-cloud" --initrd "$initrd" --args "console=ttyS0 loglevel=1 acpi=off pci=off nolapic"
