#!/usr/bin/env bash
# The ISO boots to the banner and passes its self-tests under QEMU with
# SeaBIOS, QEMU with OVMF, and Bochs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

banner='^understudy [0-9]+\.[0-9]+\.[0-9]+ .*microhypervisor'
selftest='^selftest: [1-9][0-9]* passed, 0 failed'

boot_case boot_qemu_bios 0 --emu qemu -- "$banner" "$selftest" '^boot: ACPI' '^mm: [0-9]+ MiB usable'
boot_case boot_qemu_uefi 0 --emu qemu --uefi -- "$banner" "$selftest" \
	'^boot: EFI 64-bit system table .*not used' '^boot: ACPI 2.0\+ RSDP'
boot_case boot_bochs 0 --emu bochs --cpu corei7_skylake_x -- "$banner" "$selftest" \
	'^lapic: x2APIC mode' '^cpu: .*VMX available'
