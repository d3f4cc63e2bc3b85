#!/usr/bin/env bash
# Record and replay every test guest on the VMX backend (Bochs, EPT): the
# replay must confirm the recording with the same console and exit code.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests

rr_case rr_vmx_hello --emu bochs -- "$g/hello.elf" --args "a=1 b=2"
rr_case rr_vmx_timer --emu bochs -- "$g/timer.elf"
rr_case rr_vmx_nondet --emu bochs -- "$g/nondet.elf"
rr_case rr_vmx_paging --emu bochs -- "$g/paging.elf"
rr_case rr_vmx_faults --emu bochs -- "$g/faults.elf"
