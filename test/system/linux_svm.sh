#!/usr/bin/env bash
# Debian's own kernels (third_party/linux, from scripts/deps.sh) with the
# busybox initramfs of test/linux/ under Understudy's SVM backend on QEMU
# TCG, against the same kernel and initramfs run natively under QEMU: the
# workload's deterministic lines and exit code must match. The kernel
# prints nothing (loglevel=1), so only the workload's lines are compared.
#
# Each kernel boots with its default command line (ACPI, the local APIC
# timer, the IOAPIC) and with the command line of a PC without APICs
# (acpi=off or ACPI with nolapic, pci=off, the TSC frequency given).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
k=$root/third_party/linux
initrd=$root/build/linux/initramfs.cpio
need_linux linux_svm "$k/vmlinuz-cloud" "$k/vmlinux-cloud" "$k/vmlinuz-amd64" "$initrd"

# The TSC frequency the guest's TSC runs at (the host's, under QEMU TCG):
# without it, calibration against the PIT and the PM timer fails whenever
# each of their reads costs an exit (docs/linux-guest.md).
tsc_khz=$(awk '/^cpu MHz/ { printf "%d", $4 * 1000; exit }' /proc/cpuinfo)
pc="console=ttyS0 loglevel=1 acpi=off pci=off nolapic tsc_early_khz=$tsc_khz"
acpi="console=ttyS0 loglevel=1 pci=off nolapic tsc_early_khz=$tsc_khz"
hv=(--emu qemu --mem 512 --timeout 300)

guest_case linux_svm_cloud_bzimage "${hv[@]}" --cmdline "guest_mem=256M" -- \
	"$k/vmlinuz-cloud" --initrd "$initrd" --args "$pc"
guest_case linux_svm_cloud_bzimage_entry32 "${hv[@]}" --cmdline "guest_mem=256M guest_entry=32" -- \
	"$k/vmlinuz-cloud" --initrd "$initrd" --args "$pc"
guest_case linux_svm_cloud_pvh "${hv[@]}" --cmdline "guest_mem=256M" -- \
	"$k/vmlinux-cloud" --initrd "$initrd" --args "$pc"
# ACPI on: the generated RSDP/XSDT/FADT/MADT/DSDT and the PM timer
guest_case linux_svm_cloud_acpi "${hv[@]}" --cmdline "guest_mem=256M" -- \
	"$k/vmlinuz-cloud" --initrd "$initrd" --args "$acpi"
# Linux powers off through the FADT's PM1a control block (\_S5): the run ends
boot_case linux_svm_acpi_s5_poweroff 0 "${hv[@]}" --cmdline "guest_mem=256M" \
	--guest "$k/vmlinuz-cloud" --initrd "$initrd" --guest-args "$acpi guest_poweroff=1" -- \
	'linux: done, 0 failures' 'devices: the guest entered ACPI S5 \(soft off\)' \
	'understudy: guest exited with code 0'

# Refusals, each with its reason (exit code 121: the guest did not load).
head -c 100000 "$k/vmlinuz-cloud" > "$results/linux_truncated.bzImage"
printf 'not a kernel\n' > "$results/linux_not_a_kernel.txt"
boot_case linux_svm_refuse_small_guest_mem 121 "${hv[@]}" --cmdline "guest_mem=64M" \
	--guest "$k/vmlinuz-cloud" --initrd "$initrd" --guest-args "$pc" -- \
	'cannot load the kernel: the kernel needs more memory than guest_mem' \
	'it needs 68 MiB of guest RAM, guest_mem is 64 MiB'
boot_case linux_svm_refuse_initrd_too_big 121 "${hv[@]}" --cmdline "guest_mem=68M" \
	--guest "$k/vmlinuz-cloud" --initrd "$initrd" --guest-args "$pc" -- \
	'cannot load the kernel: the initrd does not fit in guest RAM'
boot_case linux_svm_refuse_truncated 121 "${hv[@]}" --cmdline "guest_mem=256M" \
	--guest "$results/linux_truncated.bzImage" --initrd "$initrd" --guest-args "$pc" -- \
	'cannot load the kernel: the image is truncated'
boot_case linux_svm_refuse_not_linux 121 "${hv[@]}" --cmdline "guest_mem=256M" \
	--guest "$results/linux_not_a_kernel.txt" --initrd "$initrd" -- \
	'cannot load the kernel: the kernel is neither a bzImage' \
	'nor is it a Multiboot kernel: no Multiboot header'

# The default command lines: the platform Linux expects (ACPI, APICs).
guest_case linux_svm_cloud_default "${hv[@]}" --cmdline "guest_mem=256M" -- \
	"$k/vmlinuz-cloud" --initrd "$initrd" --args "console=ttyS0 loglevel=1"
guest_case linux_svm_cloud_pvh_default "${hv[@]}" --cmdline "guest_mem=256M" -- \
	"$k/vmlinux-cloud" --initrd "$initrd" --args "console=ttyS0 loglevel=1"
guest_case linux_svm_amd64_default "${hv[@]}" --cmdline "guest_mem=256M" -- \
	"$k/vmlinuz-amd64" --initrd "$initrd" --args "console=ttyS0 loglevel=1"
guest_case linux_svm_amd64_bzimage "${hv[@]}" --cmdline "guest_mem=256M" -- \
	"$k/vmlinuz-amd64" --initrd "$initrd" --args "$pc"

# Recorded and replayed: the cloud kernel with its default command line
# boots, runs the workload, idles 30 guest seconds at a shell and exits;
# the replay must confirm every landmark and the final digest. The T bit is
# off (tbit=auto chooses so for a Linux kernel, and the replay takes the
# log's choice): Linux invalidates its TLB as the architecture requires, and
# the T bit's single step per page-table write would make the boot take
# hours (docs/linux-guest.md, "Record and replay"). make test-long runs it
# three times more (test/long/linux_rr_svm.sh).
rr_case linux_svm_cloud_record_replay --emu qemu --mem 512 --timeout 600 \
	--cmdline "guest_mem=256M" -- \
	"$k/vmlinuz-cloud" --initrd "$initrd" --args "console=ttyS0 loglevel=1 guest_idle=30"
grep -q 'rr: recording, .*; the T bit off (tbit=auto: a Linux kernel)' \
	"$results/linux_svm_cloud_record_replay.record.log" &&
	echo "PASS: linux_svm_tbit_auto_off" ||
	echo "FAIL: linux_svm_tbit_auto_off: tbit=auto did not record the Linux kernel with the T bit off"
