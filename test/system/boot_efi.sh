#!/usr/bin/env bash
# understudy.efi started straight from an ESP folder by OVMF, without GRUB
# (scripts/run.sh --uefi --efi-direct): the hypervisor reaches its banner
# and self-tests with the boot information GRUB would give and runs a guest
# exactly as the guest's native QEMU run; a missing module, a bad word in
# understudy.cfg and a hypervisor file that is not Understudy's are refused
# with the name and the EFI status, and the firmware gets control back.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests
banner='^understudy [0-9]+\.[0-9]+\.[0-9]+ .*microhypervisor'
selftest='^selftest: [1-9][0-9]* passed, 0 failed'
efi=(--emu qemu --uefi --efi-direct)
printf 'module one\n' > "$results/efi_m1.txt"

# One boot serves two cases: the guest's console against its native run,
# then the hypervisor's log of the same boot.
guest_case efi_direct_hello "${efi[@]}" -- "$g/hello.elf" --args "foo=bar n=42" \
	--module "$results/efi_m1.txt a=1 b"
log=$results/efi_direct_boot.log
cp "$results/efi_direct_hello.log" "$log"
: > "$log.stderr"
check_console efi_direct_boot "$log" \
	"$(sed -n 's/.*understudy: halting (exit code \([0-9]*\)).*/\1/p' "$log" | tail -n 1)" 0 \
	'^understudy.efi: starting \\EFI\\BOOT\\understudy.elf at 0x[0-9a-f]+ with 2 modules' \
	"$banner" "$selftest" \
	'^boot: loaded by understudy.efi .*; command line .*guest_args="foo=bar n=42"' \
	"^boot: module 0 at 0x[0-9a-f]+, [0-9]+ bytes: 'guest'" \
	"^boot: module 1 at .*: 'guest_module efi_m1.txt a=1 b'" \
	'^boot: ACPI 2.0\+ RSDP' '^boot: EFI 64-bit system table at 0x' \
	'^boot: EFI memory map \([0-9]+ entries\)' '^mm: [0-9]+ MiB usable' \
	'^understudy: guest exited with code 0' '!no ACPI RSDP|truncated|more than'

# Refusals: understudy.efi names the file and the EFI status, returns, and
# the firmware confirms it got that status back (run.sh then says 4).
refusal() { # NAME CONFIG-TEXT PATTERN...
	local name=$1
	printf '%b' "$2" > "$results/$name.cfg"
	shift 2
	boot_case "$name" 4 "${efi[@]}" --guest "$g/hello.elf" --efi-cfg "$results/$name.cfg" -- \
		"$@" "!$banner"
}
refusal efi_missing_module 'multiboot2 understudy.elf\nmodule2 nothere.elf guest\n' \
	'^understudy.efi: cannot read module \\EFI\\BOOT\\nothere.elf \(module2, \\EFI\\BOOT\\understudy.cfg line 2\): Not Found' \
	'BdsDxe: failed to start Boot.*: Not Found'
refusal efi_bad_word 'multiboot2 understudy.elf log=info\ntimeout=5\n' \
	"^understudy.efi: \\\\EFI\\\\BOOT\\\\understudy.cfg, line 2: unknown word .*: 'timeout=5': Invalid Parameter" \
	'BdsDxe: failed to start Boot.*: Invalid Parameter'
refusal efi_not_understudy 'multiboot2 module0-hello.elf\n' \
	'^understudy.efi: \\EFI\\BOOT\\module0-hello.elf cannot be started: it is not a little-endian ELF64 file for x86-64: Load Error' \
	'BdsDxe: failed to start Boot.*: Load Error'
