#!/usr/bin/env bash
# Guest platform fidelity on the SVM backend (QEMU TCG): each platform
# guest against its native QEMU run with an AMD CPU (-cpu max) and an Intel
# one (vendor=GenuineIntel), and recorded runs that replay.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests

# The entry state SeaBIOS and the loader leave (flat GDT, 8259s, PIT tick).
guest_case bootstate_svm --emu qemu -- "$g/bootstate.elf"
guest_case bootstate_svm_intel --emu qemu --cpu max,vendor=GenuineIntel -- "$g/bootstate.elf"
rr_case rr_bootstate_svm --emu qemu -- "$g/bootstate.elf"
