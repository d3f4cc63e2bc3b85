#!/usr/bin/env bash
# Runs a test guest (a Multiboot v1 ELF32 kernel) directly under QEMU TCG,
# the reference ("oracle") for running the same guest under Understudy.
# COM1 goes to a file and is streamed to stdout byte for byte.
#
#   scripts/run_native.sh GUEST.elf [--args "key=value ..."] [--module FILE]...
#                         [--timeout SECONDS] [--mem MIB] [--console-log FILE]
#                         [--cpu MODEL]
#
# --module may be given several times; "FILE word..." passes words as that
# module's command line. Kernel and modules are run from a scratch folder
# under their base names, so the guest sees the command line
# "GUEST.elf key=value ..." and module command lines "FILE [words]", the
# same on every machine. --cpu is QEMU's -cpu (default max, an AMD CPU
# under TCG; max,vendor=GenuineIntel shows an Intel one).
#
# Exit status: the guest's exit code (the value it wrote to port 0xF4;
# QEMU's status s becomes (s-1)/2); 124 on timeout (default 30 s);
# 125 when QEMU itself failed (message on stderr); 126 when the machine
# stopped without the guest writing port 0xF4 (e.g. a triple fault, which
# -no-reboot turns into a shutdown); 2 for bad arguments.
set -euo pipefail

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

guest="" args="" timeout_s=30 mem=64 console_log="" cpu=max
modules=()
while [ $# -gt 0 ]; do
	case "$1" in
	--args) args=$2; shift 2 ;;
	--module) modules+=("$2"); shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--console-log) console_log=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	-h|--help) usage ;;
	-*) echo "run_native.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
	*) [ -z "$guest" ] || { echo "run_native.sh: one guest only" >&2; exit 2; }
	   guest=$1; shift ;;
	esac
done
[ -n "$guest" ] || usage
[ -f "$guest" ] || { echo "run_native.sh: no such guest '$guest'" >&2; exit 2; }

work=$(mktemp -d)
qemu_pid=""
cleanup() {
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/run"

# Links FILE into the scratch folder under its base name; refuses two
# different files with one base name.
link_in() {
	local path base
	path=$(readlink -f "$1")
	base=$(basename "$1")
	[ -f "$path" ] || { echo "run_native.sh: no such file '$1'" >&2; exit 2; }
	case "$base" in *,*|*' '*)
		echo "run_native.sh: '$base': commas and spaces in file names are not supported" >&2
		exit 2 ;;
	esac
	if [ -e "$work/run/$base" ] && [ "$(readlink "$work/run/$base")" != "$path" ]; then
		echo "run_native.sh: two files named '$base'" >&2
		exit 2
	fi
	ln -sf "$path" "$work/run/$base"
	echo "$base"
}

kernel=$(link_in "$guest")
initrd=""
for m in "${modules[@]}"; do
	file=${m%% *}
	words=""
	[ "$file" != "$m" ] && words=" ${m#* }"
	base=$(link_in "$file")
	# QEMU splits -initrd at commas; ",," is a literal comma.
	entry="$base${words//,/,,}"
	initrd=${initrd:+$initrd,}$entry
done

log=$work/console.log
: > "$log"
qemu_args=(-machine q35 -accel tcg -cpu "$cpu" -m "$mem" -display none -monitor none
	   -serial "file:$log" -no-reboot -net none
	   -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$kernel")
[ -n "$args" ] && qemu_args+=(-append "$args")
[ -n "$initrd" ] && qemu_args+=(-initrd "$initrd")

(cd "$work/run" && exec timeout "$timeout_s" qemu-system-x86_64 "${qemu_args[@]}") \
	>"$work/qemu.out" 2>&1 &
qemu_pid=$!
tail -c +1 -s 0.05 -f --pid="$qemu_pid" "$log" 2>/dev/null &
tail_pid=$!
set +e
wait "$qemu_pid"
status=$?
set -e
qemu_pid=""
wait "$tail_pid" 2>/dev/null || true
[ -n "$console_log" ] && cp "$log" "$console_log"

# Status 1 is both "guest wrote 0" and QEMU's own error exit: QEMU's errors
# are lines "qemu-system-x86_64: ..." that are not warnings.
if [ "$status" = 1 ] && grep -v ': warning: ' "$work/qemu.out" | grep -q '^qemu-system-x86_64: '; then
	echo "run_native.sh: QEMU failed:" >&2
	cat "$work/qemu.out" >&2
	exit 125
fi
if [ "$status" = 124 ]; then
	echo "run_native.sh: timed out after ${timeout_s} s" >&2
	exit 124
fi
if [ $((status % 2)) = 1 ]; then
	exit $(((status - 1) / 2))
fi
if [ "$status" = 0 ]; then
	echo "run_native.sh: the machine stopped without the guest writing port 0xF4" >&2
	exit 126
fi
echo "run_native.sh: QEMU exited with status $status:" >&2
cat "$work/qemu.out" >&2
exit 125
