#!/usr/bin/env bash
# Command-line handling: a malformed value is refused with a message naming
# the key; an unknown key is warned about and the boot goes on.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

boot_case cmdline_bad_value 126 --emu qemu --cmdline "log=loud" -- \
	"^error: config: log: invalid value 'loud'" 'fix the command line' '!^selftest:'
boot_case cmdline_unknown_key 0 --emu qemu --cmdline "frobnicate=3 log=debug" -- \
	"^warn: config: unknown option 'frobnicate' ignored" '^config: log=debug' \
	'^debug: selftest: lapic_timer ok'
boot_case cmdline_quoted 126 --emu qemu --cmdline 'selftest="maybe not"' -- \
	"^error: config: selftest: invalid value 'maybe not'"
