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
#   - exits the T bit added (write exits and single steps) while recording;
#   - asynchronous landmarks (docs/record-replay.md, "Exact asynchronous
#     landmarks"): the write window's faults, the recorder's probes and
#     deliveries at async exits (those that logged the window's pages),
#     the delay they added to interrupt delivery (guest ns, mean and max);
#     the replay's async landmarks, reached by teleport or by breakpoint
#     search (its stops), and the replay's cost against the recording.
#   test/bench/rr.sh [GUEST...]     (default: every test guest)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
hvlog=$root/build/tools/hvlog
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
guests=("$@")
[ ${#guests[@]} -gt 0 ] || guests=(hello timer nondet paging faults ticker memloop)
declare -A args_of=([ticker]="seconds=2" [memloop]="pages=256")
declare -A emu_of=([vmx]="--emu bochs" [svm]="--emu qemu")

# TSC cycles of a whole run (set-up, guest, digests, log drain).
total_cycles() {
	sed -n 's/.*understudy: the run took \([0-9]*\) TSC cycles.*/\1/p' "$1"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# The async figures of one guest on one backend, from its record and
# replay logs: window faults, probes, deliveries (with pages), delay mean
# and max, async landmarks, teleports, searches, stops.
async_row() {
	local rec=$1 rep=$2
	local wf pr dl pg dm dx al tp se st
	wf=$(sed -n 's/^  write window: \([0-9]*\) faults.*/\1/p' "$rec")
	read -r dl pr pg dm dx < <(sed -n 's/^  async deliveries \([0-9]*\) after \([0-9]*\) probes (\([0-9]*\) with.*, delay \([0-9]*\) ns on average, \([0-9]*\) ns at most.*/\1 \2 \3 \4 \5/p' "$rec")
	read -r al tp se st < <(sed -n 's/^  async landmarks \([0-9]*\): \([0-9]*\) teleported, \([0-9]*\) searched with \([0-9]*\) breakpoint stops.*/\1 \2 \3 \4/p' "$rep")
	printf '%10s %7s %9s %6s %10s %10s %8s %9s %8s %6s' "${wf:--}" "${pr:--}" "${dl:--}" \
		"${pg:--}" "${dm:--}" "${dx:--}" "${al:--}" "${tp:--}" "${se:--}" "${st:--}"
}

for g in "${guests[@]}"; do
	[ -f "$root/build/guests/$g.elf" ] || { echo "rr.sh: build/guests/$g.elf is missing (make guests)" >&2; exit 1; }
done
printf '%-8s %-4s %9s %8s %9s %12s %12s %8s %8s %10s\n' guest hv "log B" entries "B/entry" \
	"entries/s" "B/s" record replay "T-bit exits"
: > "$out/async.rows"
for g in "${guests[@]}"; do
	for b in vmx svm; do
		elf=$root/build/guests/$g.elf log=$out/$g.$b.rrlog
		ga=()
		[ -n "${args_of[$g]:-}" ] && ga=(--guest-args "${args_of[$g]}")
		# shellcheck disable=SC2086
		"$root/scripts/run.sh" ${emu_of[$b]} --guest "$elf" "${ga[@]}" >/dev/null 2>"$out/plain.log" || true
		# shellcheck disable=SC2086
		"$root/scripts/run.sh" ${emu_of[$b]} --guest "$elf" "${ga[@]}" --record "$log" >/dev/null 2>"$out/rec.log" || true
		# shellcheck disable=SC2086
		"$root/scripts/run.sh" ${emu_of[$b]} --timeout 900 --guest "$elf" "${ga[@]}" --replay "$log" >/dev/null 2>"$out/rep.log" || true
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
		{ printf '%-8s %-4s' "$g" "$b"; async_row "$out/rec.log" "$out/rep.log"
		  printf ' %8s\n' "$(ratio "$(total_cycles "$out/rep.log")" "$(total_cycles "$out/rec.log")")x"; } >> "$out/async.rows"
	done
done
echo
printf '%-8s %-4s %10s %7s %9s %6s %10s %10s %8s %9s %8s %6s %8s\n' guest hv "win.faults" probes \
	"async dlv" pages "delay ns" "max ns" "async lm" teleports searches stops "rep/rec"
cat "$out/async.rows"
echo "record/replay: slowdowns are TSC cycles of the run over those of a plain run; T-bit exits are write exits+single steps while recording"
echo "async: win.faults are write-window exits while recording; async dlv are events delivered at async exits after a probe, pages the ones that logged the window's pages; delay is from the event coming due to its delivery (guest ns); async lm are the replay's async landmarks not reached at once, by teleport or by breakpoint search (stops); no landmark is ever fast-forwarded (unproven): a search that fails is a divergence"
