#!/usr/bin/env bash
# The SVM backend on Bochs' AMD model (ryzen: SVM with nested paging and
# NRIP save, unlike QEMU TCG) against native runs.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests

guest_case svm_bochs_timer --emu bochs --cpu ryzen -- "$g/timer.elf"
guest_case svm_bochs_paging --emu bochs --cpu ryzen -- "$g/paging.elf"
guest_case svm_bochs_faults --emu bochs --cpu ryzen -- "$g/faults.elf"
