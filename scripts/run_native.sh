#!/usr/bin/env bash
# Runs a test guest directly under QEMU TCG, the reference ("oracle") for
# running the same guest under Understudy. COM1 goes to a file and is
# streamed to stdout byte for byte. The guest is a Multiboot v1 kernel, or
# a Linux kernel (a bzImage, or an ELF vmlinux without a Multiboot header,
# which QEMU boots by its PVH note): Linux mode is chosen from the image.
#
#   scripts/run_native.sh GUEST.elf [--args "key=value ..."] [--module FILE]...
#                         [--timeout SECONDS] [--mem MIB] [--console-log FILE]
#                         [--cpu MODEL] [--input FILE]
#   scripts/run_native.sh LINUX-KERNEL [--args "console=ttyS0 ..."] [--initrd FILE]
#                         [--timeout SECONDS] [--mem MIB] [--console-log FILE]
#                         [--cpu MODEL] [--nic DEVICE --netdev SPEC]
#
# --module may be given several times; "FILE word..." passes words as that
# module's command line. Kernel and modules are run from a scratch folder
# under their base names, so the guest sees the command line
# "GUEST.elf key=value ..." and module command lines "FILE [words]", the
# same on every machine. A Linux kernel gets --args as its command line
# unchanged, --initrd as its initrd, and 256 MiB unless --mem says otherwise.
# --input FILE types FILE's bytes (a file, or a FIFO written as the guest
# asks) on COM1's receiver. --cpu is QEMU's -cpu (default max, an AMD CPU under TCG;
# max,vendor=GenuineIntel shows an Intel one). --nic DEVICE adds one
# network card, QEMU's -device value (e.g. virtio-net-pci,mac=...,addr=03),
# on --netdev SPEC, QEMU's -netdev value with id=n0 (e.g.
# user,id=n0,hostfwd=...); without them the machine has no network.
#
# Exit status: the guest's exit code (the value it wrote to port 0xF4;
# QEMU's status s becomes (s-1)/2); 124 on timeout (default 30 s);
# 125 when QEMU itself failed (message on stderr); 126 when the machine
# stopped without the guest writing port 0xF4 (e.g. a triple fault, which
# -no-reboot turns into a shutdown); 2 for bad arguments.
set -euo pipefail

usage() { sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

guest="" args="" timeout_s=30 mem="" console_log="" initrd_file="" cpu=max input="" nic="" netdev=""
modules=()
while [ $# -gt 0 ]; do
	case "$1" in
	--args) args=$2; shift 2 ;;
	--module) modules+=("$2"); shift 2 ;;
	--initrd) initrd_file=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--console-log) console_log=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--input) input=$2; shift 2 ;;
	--nic) nic=$2; shift 2 ;;
	--netdev) netdev=$2; shift 2 ;;
	-h|--help) usage ;;
	-*) echo "run_native.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
	*) [ -z "$guest" ] || { echo "run_native.sh: one guest only" >&2; exit 2; }
	   guest=$1; shift ;;
	esac
done
[ -n "$guest" ] || usage
[ -f "$guest" ] || { echo "run_native.sh: no such guest '$guest'" >&2; exit 2; }
if [ -n "$nic$netdev" ] && { [ -z "$nic" ] || [[ ",$netdev," != *,id=n0,* ]]; }; then
	echo "run_native.sh: --nic DEVICE and --netdev SPEC go together, SPEC with id=n0" >&2
	exit 2
fi

# A Linux kernel: a bzImage ("HdrS" at 0x202, Documentation/arch/x86/boot.rst)
# or an ELF64 file without a Multiboot header (QEMU boots it by its PVH note).
is_linux() { # file
	[ "$(od -A n -t x1 -j 514 -N 4 "$1" | tr -d ' ')" = 48647253 ] && return 0
	[ "$(od -A n -t x1 -N 5 "$1" | tr -d ' ')" = 7f454c4602 ] &&
		! grub-file --is-x86-multiboot "$1" 2>/dev/null
}
linux=0
is_linux "$guest" && linux=1
if [ "$linux" = 1 ] && [ ${#modules[@]} -gt 0 ]; then
	echo "run_native.sh: a Linux kernel takes --initrd, not --module" >&2
	exit 2
fi
if [ "$linux" = 0 ] && [ -n "$initrd_file" ]; then
	echo "run_native.sh: --initrd is for a Linux kernel; '$guest' is a Multiboot guest (use --module)" >&2
	exit 2
fi
[ -n "$mem" ] || mem=$([ "$linux" = 1 ] && echo 256 || echo 64)

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
[ -n "$initrd_file" ] && initrd=$(link_in "$initrd_file")
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
com1="file:$log"
[ -n "$input" ] && com1=stdio # its output to the log below
qemu_args=(-machine q35 -accel tcg -cpu "$cpu" -m "$mem" -display none -monitor none
	   -serial "$com1" -no-reboot -net none
	   -device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$kernel")
[ -n "$args" ] && qemu_args+=(-append "$args")
[ -n "$initrd" ] && qemu_args+=(-initrd "$initrd")
[ -n "$nic" ] && qemu_args+=(-netdev "$netdev" -device "$nic,netdev=n0")

if [ -n "$input" ]; then
	(cd "$work/run" && exec timeout "$timeout_s" qemu-system-x86_64 "${qemu_args[@]}") \
		<"$input" >"$log" 2>"$work/qemu.out" &
else
	(cd "$work/run" && exec timeout "$timeout_s" qemu-system-x86_64 "${qemu_args[@]}") \
		>"$work/qemu.out" 2>&1 &
fi
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
