#!/usr/bin/env bash
# Guest platform fidelity on the VMX backend (Bochs, corei7_skylake_x):
# each platform guest against its native QEMU run, the stops that replace
# a native hang or a silent read, and a record/replay of string I/O (the
# only new path that logs on VMX). Bochs is slow: about two minutes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests

guest_case bootstate_vmx --emu bochs -- "$g/bootstate.elf"
guest_case msr_vmx --emu bochs -- "$g/msr.elf"
guest_case unclaimed_vmx --emu bochs -- "$g/unclaimed.elf"
check_console unclaimed_vmx_counted "$results/unclaimed_vmx.log" 0 0 'unclaimed memory reads 17, writes 4'
guest_case hltnmi_vmx --emu bochs -- "$g/hltnmi.elf"
stopped_case hltnmi_vmx_forever --emu bochs --guest "$g/hltnmi.elf" --guest-args "mode=forever" -- \
	'guest stopped: the guest executed HLT with interrupts disabled and no NMI source is armed'
guest_case tfstep_vmx --emu bochs -- "$g/tfstep.elf"
long_args=$(for i in $(seq 0 89); do printf 'k%d=%s ' "$i" "$(printf 'v%.0s' $(seq 40))"; done)
guest_case features_vmx --emu bochs -- "$g/features.elf" --args "${long_args% }"
guest_case strio_vmx --emu bochs -- "$g/strio.elf"
rr_case rr_strio_vmx --emu bochs -- "$g/strio.elf"
