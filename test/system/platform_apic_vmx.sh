#!/usr/bin/env bash
# The local APIC and the IOAPIC on the VMX backend (Bochs corei7_skylake_x,
# virtual NMIs and NMI-window exiting): the apic guest against its native
# QEMU run, its x2APIC and TSC-deadline checks, and a recorded run that
# replays. Bochs is slow: these are the only APIC cases on it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests

guest_case apic_vmx --emu bochs -- "$g/apic.elf"
check_console apic_vmx_x2apic_tsc_deadline "$results/apic_vmx.guest" 0 0 \
	'^~ PASS: x2apic: NMI sent inside the NMI handler arrives' \
	'^~ PASS: x2apic: TSC-deadline: interrupt' '!FAIL'
rr_case rr_apic_vmx --emu bochs -- "$g/apic.elf"
