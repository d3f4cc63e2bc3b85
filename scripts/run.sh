#!/usr/bin/env bash
# Boots Understudy in an emulator (or QEMU/KVM where the host really offers
# nested VMX/SVM), streams its console to stdout, and exits with the code
# the hypervisor reported.
#
#   scripts/run.sh [--emu auto|qemu|bochs|kvm] [--uefi] [--cpu MODEL]
#                  [--cmdline "key=value ..."] [--iso FILE] [--timeout SECONDS]
#                  [--console-log FILE] [--mem MIB]
#
# Exit status: the hypervisor's exit code ("understudy: halting (exit code N)"
# on its console); 124 with a message on timeout; 2 for bad arguments;
# 3 when the emulator stopped without the hypervisor saying why.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/emulators.sh"

emu=auto uefi=0 cpu="" cmdline="" iso="" timeout_s="" console_log="" mem=256

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--emu) emu=$2; shift 2 ;;
	--uefi) uefi=1; shift ;;
	--cpu) cpu=$2; shift 2 ;;
	--cmdline) cmdline=$2; shift 2 ;;
	--iso) iso=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--console-log) console_log=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	-h|--help) usage ;;
	*) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done

case "$emu" in
auto) emu=$(best_emulator) ;;
qemu|bochs|kvm) ;;
*) echo "run.sh: --emu must be auto, qemu, bochs or kvm" >&2; exit 2 ;;
esac
if [ "$emu" = kvm ] && ! kvm_nested_available; then
	echo "run.sh: this host offers no nested VMX or SVM through KVM" >&2
	exit 2
fi
if [ "$uefi" = 1 ] && [ "$emu" = bochs ]; then
	echo "run.sh: --uefi needs QEMU (Bochs has no UEFI firmware here)" >&2
	exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$iso" ] && [ -z "$cmdline" ]; then
	iso=$root/build/understudy.iso
elif [ -z "$iso" ]; then
	iso=$work/understudy.iso
	"$here/mkiso.sh" --elf "$root/build/understudy.elf" --out "$iso" --cmdline "$cmdline"
elif [ -n "$cmdline" ]; then
	echo "run.sh: --cmdline needs the ISO to be built here; drop --iso" >&2
	exit 2
fi
log=$work/console.log
: > "$log"

[ -n "$timeout_s" ] || timeout_s=$(default_timeout "$emu" "$uefi")
echo "run.sh: booting under $(emulator_description "$emu" "$uefi" "$cpu"), timeout ${timeout_s}s" >&2
start_emulator "$emu" "$uefi" "$cpu" "$iso" "$log" "$mem" "$timeout_s" "$work"
stream_console "$log" "$emu_pid"
set +e
wait "$emu_pid"
emu_status=$?
set -e
wait "$stream_pid" 2>/dev/null || true
[ -n "$console_log" ] && cp "$log" "$console_log"
exit "$(judge_run "$log" "$emu" "$emu_status" "$timeout_s")"
