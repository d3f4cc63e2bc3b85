#!/usr/bin/env bash
# Record/replay figures for every test guest, per backend, measured side by
# side in one run of this script:
#   - log bytes, entries, bytes per entry, entries and bytes per second of
#     guest time (hvlog summary);
#   - record and replay slowdown against a plain run of the same guest in
#     the same emulator, from the hypervisor's own TSC count of the whole
#     run (guest, exits, digests, draining the log). Bochs' TSC counts
#     instructions, so its ratios are instruction ratios; QEMU's follows
#     host time;
#   - exits the T bit added (write exits and single steps) while recording.
#   test/bench/rr.sh [GUEST...]     (default: every test guest)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
hvlog=$root/build/tools/hvlog
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
guests=("$@")
[ ${#guests[@]} -gt 0 ] || guests=(hello timer nondet paging faults)
declare -A emu_of=([vmx]="--emu bochs" [svm]="--emu qemu")

# TSC cycles of a whole run (set-up, guest, digests, log drain).
total_cycles() {
	sed -n 's/.*understudy: the run took \([0-9]*\) TSC cycles.*/\1/p' "$1"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

printf '%-8s %-4s %9s %8s %9s %12s %12s %8s %8s %10s\n' guest hv "log B" entries "B/entry" \
	"entries/s" "B/s" record replay "T-bit exits"
for g in "${guests[@]}"; do
	for b in vmx svm; do
		elf=$root/build/guests/$g.elf log=$out/$g.$b.rrlog
		# shellcheck disable=SC2086
		"$root/scripts/run.sh" ${emu_of[$b]} --guest "$elf" >/dev/null 2>"$out/plain.log" || true
		# shellcheck disable=SC2086
		"$root/scripts/run.sh" ${emu_of[$b]} --guest "$elf" --record "$log" >/dev/null 2>"$out/rec.log" || true
		# shellcheck disable=SC2086
		"$root/scripts/run.sh" ${emu_of[$b]} --timeout 900 --guest "$elf" --replay "$log" >/dev/null 2>"$out/rep.log" || true
		"$hvlog" summary "$log" > "$out/summary" 2>&1 || true
		bytes=$(sed -n 's/^log bytes: \([0-9]*\) (\([0-9.]*\) per entry)/\1/p' "$out/summary")
		per=$(sed -n 's/^log bytes: \([0-9]*\) (\([0-9.]*\) per entry)/\2/p' "$out/summary")
		entries=$(sed -n 's/^entries: \([0-9]*\)/\1/p' "$out/summary")
		eps=$(sed -n 's/^entries per second: \([0-9.]*\)/\1/p' "$out/summary")
		secs=$(sed -n 's/^guest time: \([0-9.]*\) s.*/\1/p' "$out/summary")
		bps=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { if (s > 0) printf "%.0f", b / s; else print "-" }')
		plain=$(total_cycles "$out/plain.log")
		tbit=$(sed -n 's/^T bit: .*rescans, \([0-9]*\) write exits, \([0-9]*\) single steps.*/\1+\2/p' "$out/rec.log")
		ok=$(grep -q 'replay matches the recording' "$out/rep.log" && echo "" || echo " (replay FAILED)")
		printf '%-8s %-4s %9s %8s %9s %12s %12s %8s %8s %10s%s\n' "$g" "$b" "${bytes:--}" \
			"${entries:--}" "${per:--}" "${eps:--}" "$bps" \
			"$(ratio "$(total_cycles "$out/rec.log")" "$plain")x" \
			"$(ratio "$(total_cycles "$out/rep.log")" "$plain")x" "${tbit:--}" "$ok"
	done
done
echo "record/replay: slowdowns are TSC cycles of the run over those of a plain run; T-bit exits are write exits+single steps while recording"
