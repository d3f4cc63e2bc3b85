#!/usr/bin/env bash
# An exception raised in the hypervisor on purpose prints the full register
# dump and stops the machine cleanly (no reboot: the banner appears once).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dump=('FATAL EXCEPTION' '^  RIP [0-9a-f]{16}' '^  RAX [0-9a-f]{16}  RBX' '^  R13 [0-9a-f]{16}'
      'CR2 [0-9a-f]{16}' '^  backtrace:' '^understudy: halted after a fatal exception')

once() { # NAME: the banner must appear exactly once in NAME's console
	local n
	n=$(grep -c '^understudy [0-9].*microhypervisor' "$results/$1.log" || true)
	[ "$n" = 1 ] || echo "FAIL: $1-no-reboot: banner printed $n times"
	[ "$n" = 1 ] && echo "PASS: $1-no-reboot"
}

boot_case fault_pf 125 --emu qemu --cmdline "fault_test=pf" -- \
	"${dump[@]}" 'EXCEPTION 14 \(#PF page fault\)' 'page fault address \(CR2\) 0000000000000010'
once fault_pf
boot_case fault_ud 125 --emu qemu --cmdline "fault_test=ud" -- "${dump[@]}" 'EXCEPTION 6 \(#UD'
boot_case fault_gp_bochs 125 --emu bochs --cmdline "fault_test=gp" -- "${dump[@]}" 'EXCEPTION 13 \(#GP'
boot_case fault_de_uefi 125 --emu qemu --uefi --cmdline "fault_test=de" -- "${dump[@]}" 'EXCEPTION 0 \(#DE'
