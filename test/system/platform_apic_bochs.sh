#!/usr/bin/env bash
# The local APIC and the IOAPIC on Bochs: the VMX backend (corei7_skylake_x,
# virtual NMIs and NMI-window exiting) with the apic guest against its
# native QEMU run, its x2APIC and TSC-deadline checks and a recorded run
# that replays; and the SVM backend on Bochs' ryzen, a second SVM besides
# QEMU's for the IRET intercept and the IRET single step that end NMI
# blocking. Bochs is slow: these are the only APIC cases on it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests

guest_case apic_vmx --emu bochs -- "$g/apic.elf"
check_console apic_vmx_x2apic_tsc_deadline "$results/apic_vmx.guest" 0 0 \
	'^~ PASS: x2apic: NMI sent inside the NMI handler arrives' \
	'^~ PASS: x2apic: TSC-deadline: interrupt' '!FAIL'
rr_case rr_apic_vmx --emu bochs -- "$g/apic.elf"
guest_case apic_svm_bochs --emu bochs --cpu ryzen -- "$g/apic.elf"
