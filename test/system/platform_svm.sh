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

# Unclaimed guest-physical memory answers as a PC bus (all ones, writes
# dropped, counted and logged); strict_mmio=on stops the guest there.
guest_case unclaimed_svm --emu qemu -- "$g/unclaimed.elf"
guest_case unclaimed_svm_intel --emu qemu --cpu max,vendor=GenuineIntel -- "$g/unclaimed.elf"
check_console unclaimed_svm_all_ones "$results/unclaimed_svm.guest" 0 0 \
	'^~ unclaimed: HPET at 0xfed00000 reads 0xffffffff' '^~ unclaimed: flash below 4 GiB at 0xff000000 reads 0xffffffff'
check_console unclaimed_svm_counted "$results/unclaimed_svm.log" 0 0 \
	'warn: npf: the guest read guest-physical address 0xfed00000, which is neither its RAM nor a device: it reads as all ones' \
	'unclaimed memory reads 17, writes 4'
stopped_case unclaimed_svm_strict --emu qemu --guest "$g/unclaimed.elf" --cmdline "strict_mmio=on" -- \
	'guest stopped: the guest read guest-physical address 0xfed00000, which is neither its RAM .* nor a device \(strict_mmio=on\)'

# HLT with interrupts off waits for an NMI (LINT0, IOAPIC pin); with
# nothing that could send one the run ends, saying why.
guest_case hltnmi_svm --emu qemu -- "$g/hltnmi.elf"
guest_case hltnmi_svm_intel --emu qemu --cpu max,vendor=GenuineIntel -- "$g/hltnmi.elf"
rr_case rr_hltnmi_svm --emu qemu -- "$g/hltnmi.elf"
stopped_case hltnmi_svm_forever --emu qemu --guest "$g/hltnmi.elf" --guest-args "mode=forever" -- \
	'guest stopped: the guest executed HLT with interrupts disabled and no NMI source is armed'

# The single-step #DB after instructions Understudy emulates.
guest_case tfstep_svm --emu qemu -- "$g/tfstep.elf"
guest_case tfstep_svm_intel --emu qemu --cpu max,vendor=GenuineIntel -- "$g/tfstep.elf"
rr_case rr_tfstep_svm --emu qemu -- "$g/tfstep.elf"

# CPUID shows UMIP (QEMU's -cpu max has it) but not protection keys (not
# without the PKRU XSAVE component, which is not offered yet), and a 4 KiB
# command line comes through whole.
long_args=$(for i in $(seq 0 89); do printf 'k%d=%s ' "$i" "$(printf 'v%.0s' $(seq 40))"; done)
long_args=${long_args% }
guest_case features_svm --emu qemu -- "$g/features.elf" --args "$long_args"
check_console features_svm_shown "$results/features_svm.guest" 0 0 \
	'^features: command line: 90 key=value tokens, 3600 value bytes' \
	'^~ features: no PKU' '^~ PASS: UMIP: CR4.UMIP set'
guest_case features_svm_intel --emu qemu --cpu max,vendor=GenuineIntel -- "$g/features.elf" --args "$long_args"

# String port I/O (INS/OUTS, REP, both directions, 16-bit addressing).
guest_case strio_svm --emu qemu -- "$g/strio.elf"
guest_case strio_svm_intel --emu qemu --cpu max,vendor=GenuineIntel -- "$g/strio.elf"
rr_case rr_strio_svm --emu qemu -- "$g/strio.elf"
