#!/usr/bin/env bash
# More test guests on Bochs VMX: paging and faults against their native
# runs, the timer guest on a CPU whose EPT lacks accessed/dirty flags, and
# guests the hypervisor must stop (memory it does not have, triple fault)
# while itself staying up and exiting cleanly.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests

guest_case vmx_paging --emu bochs -- "$g/paging.elf"
guest_case vmx_faults --emu bochs -- "$g/faults.elf"
guest_case vmx_memloop --emu bochs -- "$g/memloop.elf" --args "pages=256"
guest_case vmx_timer_sandy_bridge --emu bochs --cpu corei7_sandy_bridge_2600k -- "$g/timer.elf"
stopped_case vmx_stop_unmapped --emu bochs --guest "$g/faults.elf" --guest-args "mode=unmapped" \
	--cmdline "strict_mmio=on" -- \
	'guest stopped: the guest read guest-physical address 0xe0000000, which is neither its RAM .* nor a device \(strict_mmio=on\)' \
	'^  guest RIP [0-9a-f]{16}' '^exit statistics' 'understudy: halting \(exit code 120\)'
stopped_case vmx_stop_triple_fault --emu bochs --guest "$g/faults.elf" --guest-args "mode=triple" -- \
	'guest stopped: the guest triple-faulted' '  IDTR 0/0  ' 'understudy: halting \(exit code 120\)'
stopped_case vmx_entry_failure --emu bochs --guest "$g/hello.elf" --cmdline "fault_test=entry" -- \
	'vmx: VM entry failed: invalid guest state \(exit reason 33' \
	'guest stopped: VM entry refused the guest state' 'VMCS fields:' 'GUEST_IA32_EFER +0x500'
