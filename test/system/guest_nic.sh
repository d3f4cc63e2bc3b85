#!/usr/bin/env bash
# The guest's NIC (guest_nic=virtio, docs/guest-platform.md) under QEMU
# TCG (SVM): Debian's cloud kernel with its default command line finds the
# PCI root bridge in the DSDT and the virtio-net device at 00:03.0, loads
# the unmodified virtio_net driver from the initramfs (guest_net=MAC in
# test/linux/init), eth0 has guest_mac, comes up with its link up, and the
# ARP requests of a ping are counted by the device (the hypervisor's
# report) with their completion interrupts on IOAPIC pin 11, level-
# triggered; with acpi=off the kernel scans the bus itself and takes the
# interrupt through the 8259. With guest_nic=off (the default) the guest
# sees no PCI device.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
k=$root/third_party/linux
initrd=$root/build/linux/initramfs.cpio
need_linux guest_nic "$k/vmlinuz-cloud" "$initrd"
mac=02:55:53:00:00:07
hv=(--emu qemu --mem 512 --timeout 200)
net_ok=('linux: net: pci 00:03.0: ok' 'linux: net: eth0 address: ok'
	'linux: net: ip link set eth0 up: ok' 'linux: net: carrier: ok' 'linux: net: operstate: ok'
	'linux: net: frames sent: ok' 'linux: done, 0 failures'
	"guest NIC: virtio-net at PCI 00:03.0, MAC $mac, IRQ 11"
	'guest NIC: status 0x07; TX [1-9][0-9]* frames [1-9][0-9]* bytes \(0 dropped\)'
	'[1-9][0-9]* interrupts \([0-9]+ suppressed\); 0 ring errors; backend [1-9]')

boot_case guest_nic_virtio_acpi 0 "${hv[@]}" --cmdline "guest_mem=256M guest_nic=virtio guest_mac=$mac" \
	--guest "$k/vmlinuz-cloud" --initrd "$initrd" \
	--guest-args "console=ttyS0 loglevel=1 guest_net=$mac" -- \
	"${net_ok[@]}" '~ linux: net: +11: [1-9][0-9]* IO-APIC 11-fasteoi virtio0'
boot_case guest_nic_virtio_acpi_off 0 "${hv[@]}" --cmdline "guest_mem=256M guest_nic=virtio guest_mac=$mac" \
	--guest "$k/vmlinuz-cloud" --initrd "$initrd" \
	--guest-args "console=ttyS0 loglevel=1 acpi=off guest_net=$mac" -- \
	"${net_ok[@]}" '~ linux: net: +11: [1-9][0-9]* XT-PIC virtio0'
boot_case guest_nic_off_no_pci 0 "${hv[@]}" --cmdline "guest_mem=256M" \
	--guest "$k/vmlinuz-cloud" --initrd "$initrd" \
	--guest-args "console=ttyS0 loglevel=1 guest_net=none" -- \
	'linux: net: pci devices: ok' 'linux: done, 0 failures'

# Snapshots carry the NIC's state (DEVICE sections pci_host and
# virtio_net): the timer guest on a VM with the NIC, snapshotted and
# resumed on one with it; a VM without the NIC refuses that snapshot.
g=$root/build/guests
snap=$results/guest_nic_timer.snap
boot_case guest_nic_snapshot_take 0 --emu qemu --cmdline "guest_nic=virtio" --guest "$g/timer.elf" \
	--snapshot exits:200 --snapshot-out "$snap" -- 'snapshot written; the guest stopped'
boot_case guest_nic_snapshot_resume 0 --emu qemu --cmdline "guest_nic=virtio" --guest "$g/timer.elf" \
	--resume "$snap" -- 'snapshot: resumed a snapshot taken on svm' 'guest NIC: status 0x00'
boot_case guest_nic_snapshot_refused_without_nic 126 --emu qemu --guest "$g/timer.elf" \
	--resume "$snap" -- 'snapshot refused: it has a guest NIC and this VM has none'
