#!/usr/bin/env bash
# Record and replay every test guest on the VMX backend (Bochs, EPT), with
# a state digest every 100 guest-caused exits: the replay must confirm the
# recording with the same console and exit code.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests

d=(--cmdline rr_digest=100)
rr_case rr_vmx_hello --emu bochs "${d[@]}" -- "$g/hello.elf" --args "a=1 b=2"
rr_case rr_vmx_timer --emu bochs "${d[@]}" -- "$g/timer.elf"
rr_case rr_vmx_nondet --emu bochs "${d[@]}" -- "$g/nondet.elf"
rr_case rr_vmx_paging --emu bochs "${d[@]}" -- "$g/paging.elf"
rr_case rr_vmx_faults --emu bochs "${d[@]}" -- "$g/faults.elf"
rr_case rr_vmx_memloop --emu bochs "${d[@]}" -- "$g/memloop.elf" --args "pages=256"
