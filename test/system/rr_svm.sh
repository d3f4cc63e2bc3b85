#!/usr/bin/env bash
# Record and replay every test guest on the SVM backend (QEMU TCG): the
# replay must confirm the recording (inputs at their landmarks, identical
# final digest) with the same console and exit code.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests
printf 'module for rr\n' > "$results/rr_svm_m1.txt"

rr_case rr_svm_hello --emu qemu -- "$g/hello.elf" --args "a=1 b=2" --module "$results/rr_svm_m1.txt x=y"
rr_case rr_svm_timer --emu qemu -- "$g/timer.elf"
rr_case rr_svm_nondet --emu qemu -- "$g/nondet.elf"
rr_case rr_svm_paging --emu qemu -- "$g/paging.elf"
rr_case rr_svm_faults --emu qemu -- "$g/faults.elf"
