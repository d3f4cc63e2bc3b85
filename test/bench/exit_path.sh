#!/usr/bin/env bash
# Where an exit's cycles go, for each backend side by side in one run:
# VMX on Bochs (corei7_skylake_x, whose TSC counts instructions) and SVM on
# QEMU TCG (-cpu max, whose TSC follows host time), each plain and
# recording (--record), for the test guests and a Linux boot. It builds
# the hypervisor with the exit-path profile (make EXIT_PROFILE=1, into
# build/exit_profile/; build/ is left alone) and prints per workload and
# exit reason, for each run: exits, the hypervisor's TSC cycles per exit
# and their breakdown by stage (docs/exit-path.md), plus the shortest
# world switch seen (VMRESUME/VMRUN to the exit's return to C, with the
# guest's run between: an upper bound on the switch itself).
#   test/bench/exit_path.sh [GUEST...]   (default: hello timer nondet paging)
# The Linux boot (Debian's cloud kernel and build/linux/initramfs.cpio) runs
# when third_party/linux/vmlinuz-cloud and the initramfs exist: on QEMU (SVM)
# by its bzImage with the default command line, plain and recording
# (tbit=off, as docs/linux-guest.md records it); on Bochs (VMX) by PVH with
# acpi=off pci=off nolapic only with EXIT_PATH_LINUX_BOCHS=1, and plain
# only (a Linux recording under Bochs is not supported yet): a profiled
# boot there took 5 minutes (docs/exit-path.md). Any run that fails, or a
# guest or kernel asked for that is missing, ends the bench with a message.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
elf=$root/build/exit_profile/understudy.elf
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
guests=("$@")
[ ${#guests[@]} -gt 0 ] || guests=(hello timer nondet paging)
kernel=$root/third_party/linux/vmlinuz-cloud
pvh=$root/third_party/linux/vmlinux-cloud
initrd=$root/build/linux/initramfs.cpio
linux_args="console=ttyS0 loglevel=1"
stages=(decode account hooks rr handler device deadline inject timer entry loop)
runs=("vmx plain" "vmx record" "svm plain" "svm record")
declare -A emu_of=([vmx]=bochs [svm]=qemu)

for g in "${guests[@]}"; do
	[ -f "$root/build/guests/$g.elf" ] || { echo "exit_path: build/guests/$g.elf is missing (make guests)" >&2; exit 1; }
done
workloads=("${guests[@]}")
if [ -e "$kernel" ] || [ -e "$initrd" ]; then
	for f in "$kernel" "$initrd"; do
		[ -e "$f" ] || { echo "exit_path: $f is missing (scripts/deps.sh; make linux-guest)" >&2; exit 1; }
	done
	workloads+=(linux)
fi
if [ "${EXIT_PATH_LINUX_BOCHS:-0}" = 1 ] && [ ! -e "$pvh" ]; then
	echo "exit_path: $pvh is missing (scripts/deps.sh)" >&2
	exit 1
fi

echo "exit_path: building the profiled hypervisor (make EXIT_PROFILE=1)" >&2
make -C "$root" -s -j2 EXIT_PROFILE=1 build/exit_profile/understudy.elf >&2

# WORKLOAD BACKEND MODE: the guest's run.sh arguments, or nothing when that
# workload does not run so.
guest_args() {
	case "$1/$2/$3" in
	linux/svm/*) printf '%q ' --mem 512 --timeout 900 --cmdline "guest_mem=256M tbit=off hv=svm" \
		--guest "$kernel" --initrd "$initrd" --guest-args "$linux_args" ;;
	linux/vmx/record) ;;
	linux/vmx/plain) if [ "${EXIT_PATH_LINUX_BOCHS:-0}" = 1 ]; then
			printf '%q ' --mem 512 --timeout 900 --cmdline "guest_mem=256M tbit=off hv=vmx" \
				--guest "$pvh" --initrd "$initrd" \
				--guest-args "$linux_args acpi=off pci=off nolapic"
		fi ;;
	*) printf '%q ' --timeout 600 --cmdline "hv=$2" --guest "$root/build/guests/$1.elf" ;;
	esac
}

# WORKLOAD BACKEND MODE: one run, its hypervisor log in $out/W.B.M.log.
run_one() {
	local w=$1 b=$2 m=$3 log=$out/$1.$2.$3.log args rc=0 start
	local -a a
	args=$(guest_args "$w" "$b" "$m")
	[ -n "$args" ] || return 0
	eval "a=($args)"
	[ "$m" = record ] && a+=(--record "$out/$w.$b.rrlog")
	start=$(date +%s)
	"$root/scripts/run.sh" --emu "${emu_of[$b]}" --elf "$elf" "${a[@]}" >/dev/null 2>"$log" || rc=$?
	echo $(($(date +%s) - start)) >"$out/$w.$b.$m.secs"
	if [ "$rc" != 0 ] || ! grep -q '^exit-profile reason=total ' "$log"; then
		echo "exit_path: $w on $b ($m) failed (exit $rc) or printed no exit profile; its log ends:" >&2
		tail -n 5 "$log" >&2
		exit 1
	fi
}

# Prints one row of the table: RUN's figures for REASON from LOG.
row() {
	local label=$1 reason=$2 log=$3
	awk -v r="$reason" -v label="$label" -v st="${stages[*]}" '
		$1 == "exit-profile" && $2 == "reason=" r {
			for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
			printf "  %-16s %-11s %9s %8s %8s %5s %7s", "", label, f["exits"], f["hv"], f["hv_raw"],
				f["marks"], f["switch_min"]
			n = split(st, s, " ")
			for (i = 1; i <= n; i++) printf " %8s", f[s[i]]
			printf "\n"
		}' "$log"
}

for w in "${workloads[@]}"; do
	for r in "${runs[@]}"; do
		read -r b m <<<"$r"
		echo "exit_path: $w on $b, $m" >&2
		run_one "$w" "$b" "$m"
	done
done

echo "TSC cycles per exit, by stage, net of the profile's own marks (hv: the hypervisor's, every"
echo "stage but the switch and idle; hv_raw: with the marks; marks: per exit; sw_min: the shortest"
echo "world switch, the guest's run inside; docs/exit-path.md)"
for w in "${workloads[@]}"; do
	echo "== $w"
	printf '  %-16s %-11s %9s %8s %8s %5s %7s' reason run exits hv hv_raw marks sw_min
	for s in "${stages[@]}"; do printf ' %8s' "$s"; done
	echo
	reasons=$(cat "$out/$w".*.log | awk '$1 == "exit-profile" { sub("reason=", "", $2); if ($2 != "total" && !seen[$2]++) print $2 }')
	for reason in $reasons total; do
		echo "  $reason"
		for r in "${runs[@]}"; do
			read -r b m <<<"$r"
			if [ -f "$out/$w.$b.$m.log" ]; then row "$b $m" "$reason" "$out/$w.$b.$m.log"; fi
		done
	done
	for r in "${runs[@]}"; do
		read -r b m <<<"$r"
		log=$out/$w.$b.$m.log
		[ -f "$log" ] || { echo "  $b $m: not run"; continue; }
		echo "  $b $m ($(cat "$out/$w.$b.$m.secs") s): $(sed -n 's/^exit profile ([a-z]*): TSC cycles per exit by stage, net of the profile.s marks; //p' "$log" | head -n 1); $(grep -m1 'TSC cycles: guest' "$log" | sed 's/^ *//')"
	done
done
