#!/usr/bin/env bash
# Boots Understudy in an emulator (or QEMU/KVM where the host really offers
# nested VMX/SVM), optionally with a guest, and exits with the code the
# hypervisor reports.
#
#   scripts/run.sh [--emu auto|qemu|bochs|kvm] [--uefi [--efi-direct [--efi-cfg FILE]]] [--cpu MODEL]
#                  [--cmdline "key=value ..."] [--iso FILE | --elf FILE] [--timeout SECONDS]
#                  [--mem MIB] [--console-log FILE] [--guest-log FILE]
#                  [--guest FILE [--guest-args "..."] [--guest-module "FILE [words]"]...
#                   [--initrd FILE]]
#                  [--record LOG | --replay LOG [--trace SPEC --trace-out FILE]]
#                  [--snapshot WHEN --snapshot-out FILE [--snapshot-then exit|continue]]
#                  [--resume FILE] [--com3-out FILE]
#                  [--nic e1000|virtio-net-pci|none]... [--netdev SPEC]... [--hub SPEC;SPEC...]...
#                  [--capture FILE] [--input FILE | --interactive]
#
# --record writes the guest's record/replay log to LOG; --replay runs the
# guest from LOG (the same guest, arguments and modules must be given);
# --trace collects a trace during a replay (SPEC: exits,io,pt,insns=A-B).
# --snapshot writes a snapshot of the running guest to FILE (through COM3)
# at WHEN: after:SECONDS of guest time or exits:N guest-caused exits; the
# guest then stops (exit status 0) or, with --snapshot-then continue, goes
# on. --resume starts the guest from a snapshot FILE (the same guest,
# arguments and modules must be given; docs/snapshot-format.md).
# --com3-out copies what the hypervisor wrote to COM3 to FILE (a backup's
# copy of its live log with rr_live_copy=on, say).
# --nic adds a network card (repeat it for more; default none). Card N is
# attached to the Nth --netdev SPEC: under QEMU a -netdev value (by
# default "user,id=nN": user-mode networking, gateway 10.0.2.2); under
# Bochs, where only e1000 exists, Bochs' slirp (the same 10.0.2.0/24
# network) without one. Under either, "bxhub:PORT" makes the card session
# PORT of a bxhub (Bochs' Ethernet hub): how Bochs reaches another
# instance (scripts/migrate.sh). Under either, "tap:IFNAME" puts the card
# on the host's existing tap device IFNAME (QEMU's tap netdev, Bochs'
# tuntap ethmod): a host network the host can ping (root, or a network
# namespace of one's own; test/system/guest_nic_tap.sh). Under QEMU,
# "hub:SPEC;SPEC;..." puts the card on a QEMU hub joining those -netdev
# values (each with its id=), e.g.
# 'hub:socket,id=ft0,connect=127.0.0.1:P;user,id=w0,restrict=on': what one
# sends reaches all the others. --hub SPEC;SPEC;... adds a hub without a
# card (QEMU only), e.g. a user network joined to a socket netdev: how
# scripts/pair.sh's test network gives each instance a witness
# (scripts/lib/netcut.py). --capture writes the first card's
# traffic, both ways, to FILE as a pcap (QEMU only: its filter-dump).
#
# --elf boots FILE instead of build/understudy.elf (e.g. the exit-path
# profile's build/exit_profile/understudy.elf, docs/exit-path.md).
#
# --efi-direct boots build/understudy.efi straight from an ESP folder under
# OVMF, without GRUB: the folder holds it as \EFI\BOOT\BOOTX64.EFI (the
# firmware's removable-media path), understudy.elf, the modules and an
# understudy.cfg naming them (or FILE, with --efi-cfg). When understudy.efi
# returns to the firmware (it printed why), the run ends with status 4.
#
# --input FILE types FILE's bytes (a file, or a FIFO a test writes to as
# the guest asks) on the guest's console port, which the hypervisor hands
# to the guest's COM1 (guest_input=on, the default; QEMU only).
# --interactive does the same with the terminal: what you type goes to the
# guest, and the guest's console shows on the terminal (how `make run`
# gives a Linux shell; Ctrl-C ends QEMU).
#
# --guest is a Multiboot kernel, or a Linux bzImage or vmlinux (chosen from
# the image); --initrd gives a Linux kernel its initrd (the boot module
# "guest_initrd").
#
# Without --guest the hypervisor's console goes to stdout. With --guest the
# guest's console bytes go to stdout unmodified and the hypervisor's log to
# stderr. Exit status: the hypervisor's exit code ("understudy: halting
# (exit code N)"): with a guest, the code the guest wrote to its exit port,
# 120 when the hypervisor stopped the guest (the reason is on stderr), 121
# without usable virtualization, 122 when a replay diverged, 123 when a
# record log did not all reach its sink, 118 when the guest migrated away
# (migrate=), 119 when an incoming migration failed (incoming=), 125 after
# a hypervisor panic, 126
# for a refused command line; 124 on timeout; 4 when understudy.efi
# returned to the firmware;
# 3 when the emulator stopped without the hypervisor saying why; 2 for bad
# arguments.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/lib/emulators.sh"

elf="" emu=auto uefi=0 efi_direct=0 efi_cfg="" cpu="" cmdline="" iso="" timeout_s="" console_log="" guest_log="" mem=256
guest="" guest_args="" guest_args_set=0 initrd="" record="" replay="" trace="" trace_out=""
snapshot="" snapshot_out="" snapshot_then="" resume="" com3_out=""
guest_modules=()
emu_console_in="" emu_console_tty=0
emu_nics=() emu_netdevs=() emu_hubs=() emu_capture=""

usage() { sed -n '2,/^[^#]/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 2; }
while [ $# -gt 0 ]; do
	case "$1" in
	--emu) emu=$2; shift 2 ;;
	--uefi) uefi=1; shift ;;
	--efi-direct) efi_direct=1; shift ;;
	--efi-cfg) efi_cfg=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--cmdline) cmdline=$2; shift 2 ;;
	--iso) iso=$2; shift 2 ;;
	--elf) elf=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--console-log) console_log=$2; shift 2 ;;
	--guest-log) guest_log=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--guest) guest=$2; shift 2 ;;
	--guest-args) guest_args=$2; guest_args_set=1; shift 2 ;;
	--guest-module) guest_modules+=("$2"); shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--record) record=$2; shift 2 ;;
	--replay) replay=$2; shift 2 ;;
	--trace) trace=$2; shift 2 ;;
	--trace-out) trace_out=$2; shift 2 ;;
	--snapshot) snapshot=$2; shift 2 ;;
	--snapshot-out) snapshot_out=$2; shift 2 ;;
	--snapshot-then) snapshot_then=$2; shift 2 ;;
	--resume) resume=$2; shift 2 ;;
	--com3-out) com3_out=$2; shift 2 ;;
	--nic) [ "$2" = none ] || emu_nics+=("$2"); shift 2 ;;
	--netdev) emu_netdevs+=("$2"); shift 2 ;;
	--hub) emu_hubs+=("$2"); shift 2 ;;
	--capture) emu_capture=$2; shift 2 ;;
	--input) emu_console_in=$2; shift 2 ;;
	--interactive) emu_console_in=/dev/tty emu_console_tty=1; shift ;;
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
if [ "$efi_direct" = 1 ] && [ "$uefi" = 0 ]; then
	echo "run.sh: --efi-direct needs --uefi" >&2
	exit 2
fi
if [ -n "$efi_cfg" ] && { [ "$efi_direct" = 0 ] || [ ! -f "$efi_cfg" ]; }; then
	echo "run.sh: --efi-cfg needs --efi-direct and an existing file" >&2
	exit 2
fi
if [ -n "$emu_console_in" ] && { [ "$emu" = bochs ] || [ -z "$guest" ]; }; then
	echo "run.sh: --input and --interactive need QEMU and a --guest" >&2
	exit 2
fi
if [ "$emu_console_tty" = 1 ] && ! [ -t 0 ]; then
	echo "run.sh: --interactive needs a terminal on standard input" >&2
	exit 2
fi
nic_error=$(check_nics "$emu") || { echo "run.sh: $nic_error" >&2; exit 2; }
if [ -n "$emu_capture" ] && { [ "$emu" = bochs ] || [ "${#emu_nics[@]}" = 0 ]; }; then
	echo "run.sh: --capture needs QEMU and a --nic" >&2
	exit 2
fi
if [ -n "$guest" ] && [ ! -f "$guest" ]; then
	echo "run.sh: no such guest '$guest'" >&2
	exit 2
fi
if [ -n "$initrd" ] && { [ -z "$guest" ] || [ ! -f "$initrd" ]; }; then
	echo "run.sh: --initrd needs --guest and an existing file ('$initrd')" >&2
	exit 2
fi
if { [ -n "$record" ] || [ -n "$replay" ]; } && [ -z "$guest" ]; then
	echo "run.sh: --record and --replay need --guest" >&2
	exit 2
fi
if [ -n "$record" ] && [ -n "$replay" ]; then
	echo "run.sh: --record and --replay exclude each other" >&2
	exit 2
fi
if [ -n "$replay" ] && [ ! -f "$replay" ]; then
	echo "run.sh: no such log '$replay'" >&2
	exit 2
fi
if { [ -n "$snapshot" ] || [ -n "$resume" ]; } && [ -z "$guest" ]; then
	echo "run.sh: --snapshot and --resume need --guest" >&2
	exit 2
fi
if [ -n "$snapshot" ] && [ -z "$snapshot_out" ]; then
	echo "run.sh: --snapshot needs --snapshot-out FILE" >&2
	exit 2
fi
if [ -n "$resume" ] && [ ! -f "$resume" ]; then
	echo "run.sh: no such snapshot '$resume'" >&2
	exit 2
fi
if [ -n "$trace" ] && { [ -z "$replay" ] || [ -z "$trace_out" ]; }; then
	echo "run.sh: --trace needs --replay and --trace-out" >&2
	exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Boot modules: files and their Multiboot2 strings, for the ISO or the ESP.
mod_files=() mod_strings=()
if [ -n "$guest" ]; then
	mod_files+=("$guest") mod_strings+=("guest")
	[ -n "$initrd" ] && mod_files+=("$initrd") mod_strings+=("guest_initrd")
	for m in "${guest_modules[@]}"; do
		file=${m%% *}
		words=""
		[ "$file" != "$m" ] && words=" ${m#* }"
		[ -f "$file" ] || { echo "run.sh: no such guest module '$file'" >&2; exit 2; }
		mod_files+=("$file") mod_strings+=("guest_module $(basename "$file")$words")
	done
	[ "$guest_args_set" = 1 ] && cmdline="$cmdline guest_args=\"$guest_args\""
	[ -n "$record" ] && cmdline="$cmdline rr=record"
	if [ -n "$replay" ]; then
		cmdline="$cmdline rr=replay"
		mod_files+=("$replay") mod_strings+=("replay_log")
	fi
	[ -n "$trace" ] && cmdline="$cmdline trace=$trace"
	[ -n "$snapshot" ] && cmdline="$cmdline snapshot=$snapshot"
	[ -n "$snapshot_then" ] && cmdline="$cmdline snapshot_then=$snapshot_then"
	if [ -n "$resume" ]; then
		cmdline="$cmdline resume=on"
		mod_files+=("$resume") mod_strings+=("snapshot")
	fi
fi

# An ESP folder for understudy.efi: the same words as the GRUB entry.
make_esp() { # dir
	local dir=$1/EFI/BOOT i name
	mkdir -p "$dir"
	cp "$root/build/understudy.efi" "$dir/BOOTX64.EFI"
	cp "${elf:-$root/build/understudy.elf}" "$dir/understudy.elf"
	echo "multiboot2 understudy.elf $cmdline" > "$dir/understudy.cfg"
	for i in "${!mod_files[@]}"; do
		name="module$i-$(basename "${mod_files[$i]}")"
		cp "${mod_files[$i]}" "$dir/$name"
		echo "module2 $name ${mod_strings[$i]}" >> "$dir/understudy.cfg"
	done
	[ -n "$efi_cfg" ] && cp "$efi_cfg" "$dir/understudy.cfg"
	return 0
}

if [ "$efi_direct" = 1 ]; then
	[ -z "$iso" ] || { echo "run.sh: --efi-direct boots an ESP folder; drop --iso" >&2; exit 2; }
	[ -f "$root/build/understudy.efi" ] || { echo "run.sh: build/understudy.efi is missing: run make" >&2; exit 2; }
	iso=$work/esp
	make_esp "$iso"
elif [ -z "$iso" ] && [ -z "$cmdline" ] && [ -z "$guest" ] && [ -z "$elf" ]; then
	iso=$root/build/understudy.iso
elif [ -z "$iso" ]; then
	mkiso_args=(--elf "${elf:-$root/build/understudy.elf}" --out "$work/understudy.iso")
	for i in "${!mod_files[@]}"; do
		mkiso_args+=(--module "${mod_files[$i]}" "${mod_strings[$i]}")
	done
	iso=$work/understudy.iso
	"$here/mkiso.sh" "${mkiso_args[@]}" --cmdline "$cmdline"
else
	echo "run.sh: --cmdline and --guest need the ISO to be built here; drop --iso" >&2
	exit 2
fi

# OVMF mirrors its console on COM2, the guest's. With --efi-direct the
# guest's console is what follows understudy.efi's last line: after it the
# firmware writes nothing (its boot services are gone). Under GRUB the
# firmware's text stays at the head of the guest's console.
guest_console() {
	if [ "$efi_direct" = 1 ]; then sed -u "0,/$EFI_HANDOVER_LINE/d"; else cat; fi
}

log=$work/console.log
guest_out=$work/guest.out
: > "$log"
: > "$guest_out"
[ -n "$timeout_s" ] || timeout_s=$(default_timeout "$emu" "$uefi")
echo "run.sh: booting under $(emulator_description "$emu" "$uefi" "$cpu"), timeout ${timeout_s}s" >&2
start_emulator "$emu" "$uefi" "$cpu" "$iso" "$log" "$mem" "$timeout_s" "$work" "$guest_out"
[ "$efi_direct" = 1 ] && stop_when_loader_returns "$log" "$emu_pid"
if [ -n "$guest" ]; then
	stream_console "$log" "$emu_pid" >&2
	hv_stream=$stream_pid
	guest_stream=""
	if [ "$emu_console_tty" = 0 ]; then
		tail -c +1 -f --pid="$emu_pid" "$guest_out" 2>/dev/null | guest_console &
		guest_stream=$!
	fi
else
	stream_console "$log" "$emu_pid"
	hv_stream=$stream_pid
	guest_stream=""
fi
set +e
wait "$emu_pid"
emu_status=$?
set -e
wait "$hv_stream" 2>/dev/null || true
[ -n "$guest_stream" ] && { wait "$guest_stream" 2>/dev/null || true; }
[ -n "$console_log" ] && cp "$log" "$console_log"
[ -n "$guest_log" ] && guest_console < "$guest_out" > "$guest_log"
[ -n "$record" ] && cp "$work/com3.out" "$record"
[ -n "$trace_out" ] && cp "$work/com3.out" "$trace_out"
[ -n "$snapshot_out" ] && cp "$work/com3.out" "$snapshot_out"
[ -n "$com3_out" ] && cp "$work/com3.out" "$com3_out"
exit "$(judge_run "$log" "$emu" "$emu_status" "$timeout_s" "$work")"
