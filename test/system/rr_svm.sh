#!/usr/bin/env bash
# Record and replay every test guest on the SVM backend (QEMU TCG), with a
# state digest every 100 guest-caused exits: the replay must confirm the
# recording (inputs at their landmarks, every digest identical, async
# landmarks reached exactly) with the same console and exit code.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests
printf 'module for rr\n' > "$results/rr_svm_m1.txt"

d=(--cmdline rr_digest=100)
rr_case rr_svm_hello --emu qemu "${d[@]}" -- "$g/hello.elf" --args "a=1 b=2" --module "$results/rr_svm_m1.txt x=y"
rr_case rr_svm_timer --emu qemu "${d[@]}" -- "$g/timer.elf"
rr_case rr_svm_nondet --emu qemu "${d[@]}" -- "$g/nondet.elf"
rr_case rr_svm_paging --emu qemu "${d[@]}" -- "$g/paging.elf"
rr_case rr_svm_faults --emu qemu "${d[@]}" -- "$g/faults.elf"
rr_case rr_svm_ticker --emu qemu "${d[@]}" -- "$g/ticker.elf" --args "seconds=2"
rr_case rr_svm_memloop --emu qemu "${d[@]}" -- "$g/memloop.elf"
