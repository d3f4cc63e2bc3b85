#!/usr/bin/env bash
# Host PCI enumeration and NIC drivers. nettest=arp broadcasts an ARP
# request for the user-mode network's gateway 10.0.2.2 on every card and
# waits for the reply, proving transmit and receive without a TCP/IP stack:
# e1000 under QEMU with SeaBIOS and with OVMF, virtio-net-pci under QEMU,
# e1000 under Bochs (its slirp), both QEMU cards at once; a normal boot
# lists and registers both; without an answer or a card the test fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

reply='ARP reply from 10\.0\.2\.2 is at 52:55:0a:00:02:02$'
e1000_pci='^pci: 00:02\.0 8086:100e class 02\.00 e1000 \(BAR0 mem 0x[0-9a-f]+ 128 KiB, BAR1 io 0x[0-9a-f]+ 64 B\)$'
virtio_pci='^pci: 00:0[23]\.0 1af4:1000 class 02\.00 virtio-net \(BAR0 io 0x[0-9a-f]+ 32 B'

boot_case net_e1000_qemu_bios 0 --emu qemu --nic e1000 --cmdline "nettest=arp" -- \
	'^pci: configuration through ECAM' "$e1000_pci" \
	'^e1000: 00:02\.0 MAC 52:54:00:12:34:56, link up 1000 Mb/s full duplex' \
	"^nettest: e1000 52:54:00:12:34:56 link up: $reply" \
	'^nettest: e1000 counters: rx [1-9][0-9]* frames .* tx [1-9][0-9]* frames' \
	'^nettest: 1 of 1 device passed'
boot_case net_virtio_qemu_bios 0 --emu qemu --nic virtio-net-pci --cmdline "nettest=arp" -- \
	"$virtio_pci" '^virtio-net: 00:02\.0 MAC 52:54:00:12:34:56, link up, features 0x10020' \
	"^nettest: virtio-net 52:54:00:12:34:56 link up: $reply"
boot_case net_e1000_qemu_uefi 0 --emu qemu --uefi --nic e1000 --cmdline "nettest=arp" -- \
	'^boot: ACPI 2\.0\+ RSDP' "$e1000_pci" "^nettest: e1000 52:54:00:12:34:56 link up: $reply"
boot_case net_e1000_bochs 0 --emu bochs --nic e1000 --cmdline "nettest=arp" -- \
	'^pci: configuration mechanism 1' "$e1000_pci" \
	"^nettest: e1000 52:54:00:12:34:56 link up: $reply"
boot_case net_both_qemu_nettest 0 --emu qemu --nic e1000 --nic virtio-net-pci \
	--cmdline "nettest=arp" -- \
	"^nettest: e1000 52:54:00:12:34:56 link up: $reply" \
	"^nettest: virtio-net 52:54:00:12:34:57 link up: $reply" '^nettest: 2 of 2 devices passed'
boot_case net_both_qemu_boot 0 --emu qemu --nic e1000 --nic virtio-net-pci -- \
	"$e1000_pci" '^pci: 00:03\.0 1af4:1000 class 02\.00 virtio-net \(BAR0 io' \
	'^pci: 00:1f\.0 8086:2918 class 06\.01 ISA bridge$' \
	'^pci: 7 functions on 1 bus, 2 bound to a driver$' \
	'^e1000: 00:02\.0 MAC' '^virtio-net: 00:03\.0 MAC' '^selftest: [1-9][0-9]* passed, 0 failed' \
	'!^nettest:'
# A hub with no other port: the request goes nowhere, so no reply comes.
boot_case net_e1000_no_reply 1 --emu qemu --nic e1000 --netdev "hubport,id=n0,hubid=0" \
	--cmdline "nettest=arp" -- \
	'^nettest: e1000 52:54:00:12:34:56 link up: no ARP reply from 10\.0\.2\.2 within 2000 ms' \
	'^nettest: 0 of 1 device passed'
boot_case net_no_card 1 --emu qemu --cmdline "nettest=arp" -- \
	'^pci: 5 functions on 1 bus, 0 bound to a driver$' '^nettest: no network device to test'
