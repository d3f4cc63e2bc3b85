#!/usr/bin/env bash
# Fault tolerance, first step (docs/fault-tolerance.md): a guest run on a
# pair (scripts/pair.sh): the primary records it and streams the log to the
# backup, which replays it as it comes (rr_live=). The primary's console
# must be the guest's native run, the backup's replayed console the
# primary's byte for byte, and the backup must confirm every digest and
# the final one.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests

# pair_case NAME EMU GUEST [ARGS]
pair_case() {
	local name=$1 emu=$2 guest=$3 args=${4:-} status native_status
	set +e
	"$root/scripts/run_native.sh" "$guest" --args "$args" --timeout 120 >"$results/$name.native" 2>/dev/null
	native_status=$?
	rm -rf "$results/$name.logs"
	"$root/scripts/pair.sh" --guest "$guest" --guest-args "$args" --emu "$emu" \
		--logs "$results/$name.logs" >"$results/$name.out" 2>"$results/$name.err"
	status=$?
	set -e
	local summary
	summary=$(sed -n 's/^pair.sh: //p' "$results/$name.err" | tail -n 1)
	if [ "$status" != "$native_status" ]; then
		echo "FAIL: $name: exit code $status on the primary, $native_status natively ($summary)"
	elif ! "$root/test/system/compare_output.sh" "$results/$name.native" "$results/$name.out" \
		>"$results/$name.diff" 2>&1; then
		echo "FAIL: $name: the primary's console differs from the native run (see $results/$name.diff)"
	elif ! grep -q '^backup: rr: replaying the live log of a recording' "$results/$name.err"; then
		echo "FAIL: $name: the backup did not replay the live log ($summary)"
	elif ! grep -q "^pair.sh: primary exit $status, backup exit $status; backup: rr: replay matches the recording" \
		"$results/$name.err"; then
		echo "FAIL: $name: the backup did not confirm the primary's run ($summary)"
	elif ! cmp -s "$results/$name.logs/primary" "$results/$name.logs/backup"; then
		echo "FAIL: $name: the backup's replayed console differs from the primary's"
	else
		echo "PASS: $name ($(grep -c '' "$results/$name.out") console lines alike on both, $(sed -n 's/^backup: logstream: the recording.s log is complete: //p' "$results/$name.err") of log streamed; $(sed -n 's/^backup: rr: replay matches the recording: \([0-9]*\) guest-caused.*/\1/p' "$results/$name.err") landmarks confirmed)"
	fi
}

pair_case ft_pair_timer_svm qemu "$g/timer.elf"
pair_case ft_pair_memloop_svm qemu "$g/memloop.elf"
pair_case ft_pair_ticker_svm qemu "$g/ticker.elf" "seconds=4"
pair_case ft_pair_nondet_svm qemu "$g/nondet.elf"
pair_case ft_pair_timer_vmx bochs "$g/timer.elf"
