#!/usr/bin/env bash
# The test guests under Understudy's SVM backend on QEMU TCG (-cpu max: SVM
# with nested paging, no NRIP save, no decode assists) against their native
# QEMU runs; guests the hypervisor must stop; a refused VMRUN.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests
printf 'module one\n' > "$results/svm_m1.txt"
head -c 7000 /dev/urandom > "$results/svm_m2.bin"

guest_case svm_hello --emu qemu -- "$g/hello.elf" --args "foo=bar n=42" \
	--module "$results/svm_m1.txt" --module "$results/svm_m2.bin a=1 b"
guest_case svm_timer --emu qemu -- "$g/timer.elf"
guest_case svm_nondet --emu qemu -- "$g/nondet.elf"
guest_case svm_paging --emu qemu -- "$g/paging.elf"
guest_case svm_faults --emu qemu -- "$g/faults.elf"
guest_case svm_ticker --emu qemu -- "$g/ticker.elf" --args "seconds=2 reads=10"
guest_case svm_memloop --emu qemu -- "$g/memloop.elf"
guest_case svm_dirty --emu qemu -- "$g/dirty.elf" --args "pages=1024 hot=32 hotwrites=8 rounds=8"
stopped_case svm_stop_unmapped --emu qemu --guest "$g/faults.elf" --guest-args "mode=unmapped" \
	--cmdline "strict_mmio=on" -- \
	'guest stopped: the guest read guest-physical address 0xe0000000, which is neither its RAM .* nor a device \(strict_mmio=on\)' \
	'^exit statistics \(svm\)' 'understudy: halting \(exit code 120\)'
stopped_case svm_stop_triple_fault --emu qemu --guest "$g/faults.elf" --guest-args "mode=triple" -- \
	'guest stopped: the guest triple-faulted' '  IDTR 0/0  ' 'understudy: halting \(exit code 120\)'
stopped_case svm_entry_failure --emu qemu --guest "$g/hello.elf" --cmdline "fault_test=entry" -- \
	'svm: VMRUN refused the VMCB' 'guest stopped: VM entry refused the guest state' '  VMCB at '
boot_case svm_refused_without_npt 121 --emu qemu --cpu qemu64 --guest "$g/hello.elf" -- \
	'svm: this CPU has SVM without nested paging' \
	'cannot run a guest without hardware virtualization'
boot_case refused_without_virt 121 --emu qemu --cpu qemu64,-svm --guest "$g/hello.elf" -- \
	'virt: this CPU offers neither VMX nor a supported SVM'
boot_case vmx_forced_on_amd 121 --emu qemu --guest "$g/hello.elf" --cmdline "hv=vmx" -- \
	'vmx: this CPU has no VMX'
