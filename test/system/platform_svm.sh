#!/usr/bin/env bash
# Guest platform fidelity on the SVM backend (QEMU TCG): each platform
# guest against its native QEMU run with an AMD CPU (-cpu max) and an Intel
# one (vendor=GenuineIntel), and recorded runs that replay.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests

# The entry state SeaBIOS and the loader leave (flat GDT, 8259s, PIT tick).
guest_case bootstate_svm --emu qemu -- "$g/bootstate.elf"
guest_case bootstate_svm_intel --emu qemu --cpu max,vendor=GenuineIntel -- "$g/bootstate.elf"
rr_case rr_bootstate_svm --emu qemu -- "$g/bootstate.elf"

# MSR semantics by vendor; a #GP Understudy injects names the MSR in its log.
guest_case msr_svm --emu qemu -- "$g/msr.elf"
check_console msr_svm_gp_logged "$results/msr_svm.log" 0 0 \
	"warn: msr: the guest's RDMSR of 0x4c4d0001 \(unknown\) raised #GP" \
	"warn: msr: the guest's WRMSR of 0x179 \(IA32_MCG_CAP\) = 0 raised #GP: it is read-only"
guest_case msr_svm_intel --emu qemu --cpu max,vendor=GenuineIntel -- "$g/msr.elf"
check_console msr_svm_intel_gp_logged "$results/msr_svm_intel.log" 0 0 \
	"warn: msr: the guest's RDMSR of 0xc0010000 \(unknown\) raised #GP"
