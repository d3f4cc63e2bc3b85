#!/usr/bin/env bash
# A Linux guest under Understudy, measured side by side in one run of this
# script on QEMU's TCG (SVM): Debian's cloud kernel (bzImage) with its
# default command line (ACPI, the local APIC timer, the IOAPIC) and the
# busybox initramfs of test/linux/, booting to its workload and exiting.
#   - boot time natively (plain QEMU), under Understudy, recording and
#     replaying: wall seconds from the emulator's start to the guest's exit;
#   - exits per boot by reason, and the hypervisor's share of the run (its
#     TSC cycles against the guest's), plain and recording;
#   - the log: entries and bytes, per second of guest time, while booting
#     (a recording that exits after the workload) and while idle (a second
#     recording whose guest then idles IDLE guest seconds at a shell,
#     guest_idle=: the frames of its last IDLE guest seconds, by the log's
#     CLOCK entries; the two runs' boots take different guest times, so
#     their difference would mean nothing);
#   - asynchronous deliveries: the write window's faults, the probes, the
#     deliveries that logged pages and how many, and the replay's async
#     landmarks (teleported, or searched: breakpoint stops). There is no
#     fast-forward: every async landmark is reached in a proven state
#     (docs/record-replay.md).
#   test/bench/linux.sh [IDLE]      (default IDLE: 30 guest seconds)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
hvlog=$root/build/tools/hvlog
kernel=$root/third_party/linux/vmlinuz-cloud
initrd=$root/build/linux/initramfs.cpio
idle=${1:-30}
for f in "$kernel" "$initrd" "$hvlog" "$root/build/understudy.elf"; do
	if [ ! -e "$f" ]; then
		echo "linux.sh: $f is missing (scripts/deps.sh; make all linux-guest)" >&2
		exit 1
	fi
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
args="console=ttyS0 loglevel=1"
hv=(--emu qemu --mem 512 --timeout 900 --cmdline "guest_mem=256M tbit=off")

# NAME CMD...: runs CMD with stderr to $out/NAME.log, its wall seconds to
# $out/NAME.secs; a failed run ends the bench (a figure from it would lie).
timed() {
	local name=$1 start end
	shift
	start=$(date +%s.%N)
	if ! "$@" >"$out/$name.out" 2>"$out/$name.log"; then
		echo "linux.sh: the $name run failed:" >&2
		tail -n 5 "$out/$name.log" >&2
		exit 1
	fi
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }' >"$out/$name.secs"
}

echo "linux.sh: 7 runs of Debian's cloud kernel under QEMU TCG; several minutes"
timed native "$root/scripts/run_native.sh" "$kernel" --initrd "$initrd" --args "$args"
timed plain "$root/scripts/run.sh" "${hv[@]}" --guest "$kernel" --initrd "$initrd" \
	--guest-args "$args"
for run in boot idle; do
	a=$args
	[ "$run" = idle ] && a="$args guest_idle=$idle"
	timed "record_$run" "$root/scripts/run.sh" "${hv[@]}" --guest "$kernel" --initrd "$initrd" \
		--guest-args "$a" --record "$out/$run.rrlog"
	timed "replay_$run" "$root/scripts/run.sh" "${hv[@]}" --guest "$kernel" --initrd "$initrd" \
		--guest-args "$a" --replay "$out/$run.rrlog"
	if ! grep -q 'rr: replay matches the recording' "$out/replay_$run.log"; then
		echo "linux.sh: the replay of the $run recording did not match:" >&2
		grep -m1 -E 'diverged|rr:' "$out/replay_$run.log" >&2 || true
		exit 1
	fi
	"$hvlog" summary "$out/$run.rrlog" >"$out/$run.summary"
done

# The exit table's count for a reason ("" when absent).
exits_of() { sed -n "s/^  $2 *\([0-9]*\) .*/\1/p" "$out/$1.log" | tail -n 1; }
# guest and hypervisor TSC cycles of a run.
cycles_of() { sed -n 's/^  TSC cycles: guest \([0-9]*\), hypervisor \([0-9]*\),.*/\1 \2/p' "$out/$1.log" | tail -n 1; }
share() { awk -v g="$1" -v h="$2" 'BEGIN { printf "%.0f%%", 100 * h / (g + h) }'; }
summary() { sed -n "s/^$2: \([0-9.]*\).*/\1/p" "$out/$1.summary"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }

echo
echo "Boot to the workload's exit (wall seconds; QEMU TCG on this host)"
printf '| %-28s | %8s | %s |\n' run seconds "x native"
printf '|%s|%s|%s|\n' "------------------------------" "----------" "----------"
for r in native plain record_boot replay_boot; do
	printf '| %-28s | %8s | %8s |\n' "$r" "$(cat "$out/$r.secs")" \
		"$(ratio "$(cat "$out/$r.secs")" "$(cat "$out/native.secs")")"
done

echo
echo "Exits per boot by reason"
printf '| %-20s | %10s | %10s |\n' reason plain recording
printf '|%s|%s|%s|\n' "----------------------" "------------" "------------"
for reason in "host interrupt" "interrupt window" cpuid rdtsc io rdmsr wrmsr "cr access" \
	"nested page fault" hlt total; do
	p=$(exits_of plain "$reason")
	r=$(exits_of record_boot "$reason")
	[ -n "$p$r" ] && printf '| %-20s | %10s | %10s |\n' "$reason" "${p:--}" "${r:--}"
done
read -r pg ph < <(cycles_of plain)
read -r rg rh < <(cycles_of record_boot)
printf '| %-20s | %10s | %10s |\n' "hypervisor share" "$(share "$pg" "$ph")" "$(share "$rg" "$rh")"

echo
echo "The log (guest time from its last CLOCK)"
be=$(summary boot entries)
bb=$(summary boot "log bytes")
bt=$(summary boot "guest time")
# The idle recording's frames that begin in its last $idle guest seconds
# (the time of the last CLOCK before each frame): entries, bytes.
read -r ie ib < <("$hvlog" print "$out/idle.rrlog" | awk -v idle="$idle" '
	/^frame / { n++; entries[n] = $4; bytes[n] = $6; at[n] = t; next }
	/ CLOCK / { if (match($0, /ns=[0-9]+/)) t = substr($0, RSTART + 3, RLENGTH - 3) + 0 }
	END { for (i = 1; i <= n; i++) if (at[i] >= t - idle * 1e9) { e += entries[i]; b += bytes[i] }
	      print e + 0, b + 0 }')
printf '| %-26s | %10s | %12s | %8s | %11s | %9s |\n' phase entries bytes "guest s" "entries/s" "Mbit/s"
printf '|%s|%s|%s|%s|%s|%s|\n' "----------------------------" "------------" "--------------" \
	"----------" "-------------" "-----------"
awk -v e="$be" -v b="$bb" -v t="$bt" 'BEGIN { printf "| %-26s | %10d | %12d | %8.1f | %11.0f | %9.3f |\n", "booting (to the exit)", e, b, t, e / t, 8 * b / t / 1e6 }'
awk -v e="$ie" -v b="$ib" -v t="$idle" 'BEGIN {
	printf "| %-26s | %10d | %12d | %8.1f | %11.1f | %9.4f |\n", "idle at a shell (last " t " s)", e, b, t, e / t, 8 * b / t / 1e6 }'
echo "(idle: the second recording's last ${idle} guest seconds; the goal is under 0.05 Mbit/s)"
echo "Window pages logged while idle: $("$hvlog" print "$out/idle.rrlog" | awk -v idle="$idle" '
	/ CLOCK / { if (match($0, /ns=[0-9]+/)) t = substr($0, RSTART + 3, RLENGTH - 3) + 0 }
	/ WINDOW_PAGE / { w[++n] = t }
	END { for (i = 1; i <= n; i++) if (w[i] >= t - idle * 1e9) c++; print c + 0 }')"

echo
echo "Asynchronous deliveries while booting"
grep -E '^  write window:|^  window pages logged:|^  async deliveries' "$out/record_boot.log" | tail -n 3
grep -E '^  async landmarks' "$out/replay_boot.log" | tail -n 1
grep -E '^WINDOW_PAGE|^FPU_STATE' "$out/boot.summary"
