#!/usr/bin/env bash
# The local APIC and the IOAPIC on the SVM backend (QEMU TCG): the apic
# guest against its native QEMU run with an AMD CPU (-cpu max) and an
# Intel one (vendor=GenuineIntel); that its x2APIC and TSC-deadline checks
# ran and passed under Understudy (QEMU 7.2's TCG has neither, so they are
# "~ " lines the comparison leaves out); that an IPI to a CPU that does not
# exist is reported; and that a recorded run replays.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests

# ran_case NAME FILE PATTERN...: every PATTERN matches a line of FILE.
ran_case() {
	local name=$1 file=$2
	shift 2
	check_console "$name" "$file" 0 0 "$@"
}

x2apic_ran=('^~ PASS: x2apic: SELF IPI register' '^~ PASS: x2apic: NMI sent inside the NMI handler arrives'
	    '^~ PASS: x2apic: WRMSR of the ID \(read-only\)' '^~ PASS: x2apic: disabled, then xAPIC mode'
	    '^~ PASS: xapic: TSC-deadline: interrupt' '^~ PASS: x2apic: TSC-deadline: writing 0 disarms'
	    '!FAIL')

guest_case apic_svm --emu qemu -- "$g/apic.elf"
ran_case apic_svm_x2apic_tsc_deadline "$results/apic_svm.guest" "${x2apic_ran[@]}"
ran_case apic_svm_ipi_reported "$results/apic_svm.log" \
	'warn: lapic: the guest sent an IPI to a CPU that does not exist .*vector 0x42, physical destination 0x1' \
	'warn: lapic: the guest sent an IPI to all other CPUs'
guest_case apic_svm_intel --emu qemu --cpu max,vendor=GenuineIntel -- "$g/apic.elf"
ran_case apic_svm_intel_x2apic_tsc_deadline "$results/apic_svm_intel.guest" "${x2apic_ran[@]}"
rr_case rr_apic_svm --emu qemu -- "$g/apic.elf"
