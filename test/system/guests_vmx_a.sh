#!/usr/bin/env bash
# Test guests under Understudy on Bochs (VMX with EPT, corei7_skylake_x)
# against the same guests run natively under QEMU: same deterministic
# console lines, same exit code.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests
printf 'module one\n' > "$results/m1.txt"
head -c 5000 /dev/urandom > "$results/m2.bin"

guest_case vmx_hello --emu bochs -- "$g/hello.elf" --args "foo=bar n=42" \
	--module "$results/m1.txt" --module "$results/m2.bin a=1 b"
guest_case vmx_timer --emu bochs -- "$g/timer.elf"
guest_case vmx_nondet --emu bochs -- "$g/nondet.elf"
