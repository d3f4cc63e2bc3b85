#!/usr/bin/env bash
# Output comparison and checkpoint resync of a fault-tolerant pair
# (docs/fault-tolerance.md, "Resync"), on QEMU (SVM). The backup is told to
# take its Nth output comparison as differing (ft_inject_mismatch=N): it
# must ask the primary for a checkpoint instead of stopping, the primary
# must write one into its log without stopping its guest, and the backup
# must apply it and replay on from there.
# - ft_resync_ticker_svm, ft_resync_memloop_svm: the pair runs the guest to its end: the primary's console
#   is the native run's, its exit code too, and the backup confirms the
#   rest of the run from the checkpoint on (final digest identical).
# - ft_resync_takeover_ticker_svm: the same, then the primary is SIGKILLed
#   well after the resync: the backup, resynced, takes over and what the
#   outside saw (scripts/pair.sh: the primary's released bytes, then the
#   backup's from the same stream offset) is the native run, nothing
#   contradicted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ft_lib.sh"
g=$root/build/guests

# pair_run NAME GUEST ARGS INJECT [PAIR OPTION...]: the native run, then
# the pair with the backup's mismatch injected at output INJECT. Sets
# status, native_status and summary.
pair_run() {
	local name=$1 guest=$2 args=$3 inject=$4
	shift 4
	native_and_pair "$name" "$guest" "$args" --emu qemu \
		--backup-options "ft_inject_mismatch=$inject" "$@"
}

# The resync happened as it should: one request, one checkpoint, one
# resync; prints the FAIL and returns 1 when not.
resynced_once() { # name
	local err=$results/$1.err
	if ! grep -q "^backup: warn: ft: the replay diverged at landmark [0-9]* (output: .*(injected: ft_inject_mismatch=)): asking the primary for a checkpoint" "$err"; then
		echo "FAIL: $1: the backup did not ask for a checkpoint on the injected mismatch ($summary)"
	elif ! grep -q "^primary: ft: checkpoint for the backup at landmark [0-9]* (it diverged at [0-9]*): [0-9]* bytes in the log" "$err"; then
		echo "FAIL: $1: the primary wrote no checkpoint ($summary)"
	elif ! grep -q "^backup: ft: resynced from the primary's checkpoint at landmark" "$err"; then
		echo "FAIL: $1: the backup did not resync ($summary)"
	elif ! grep -q "^backup: ft: [0-9]* outputs compared, 1 differed; 0 state digests differed; 1 resyncs" "$err"; then
		echo "FAIL: $1: not exactly one mismatch and one resync ($(grep -m1 '^backup: ft: [0-9]* outputs compared' "$err"))"
	else
		return 0
	fi
	return 1
}

# What the primary's checkpoint and the backup's resync cost, for the PASS line.
resync_figures() { # name
	local err=$results/$1.err
	echo "$(sed -n 's/^primary: ft: checkpoint for the backup at landmark \([0-9]*\) (it diverged at \([0-9]*\)): \([0-9]*\) bytes in the log, \([0-9]*\) of \([0-9]*\) pages .*, the guest waited \([0-9]*\) us/diverged at \2, checkpoint at \1: \3 bytes, \4 of \5 pages, the primary'"'"'s guest waited \6 us/p' "$err" | head -n 1); $(sed -n 's/^backup: ft: resynced from .*, \([0-9]*\) ms after the divergence.*/resynced \1 ms after the divergence/p' "$err")"
}

# resync_case NAME GUEST ARGS INJECT: the whole run with one resync.
resync_case() {
	local name=$1 status native_status summary
	pair_run "$@"
	if ! same_as_native "$name" primary; then
		:
	elif ! grep -q "^pair.sh: primary exit $status, backup exit $status; backup: rr: replay matches the recording: .* (after resyncs: from the last checkpoint); the primary finished the run$" \
		"$results/$name.err"; then
		echo "FAIL: $name: the backup did not confirm the run from the checkpoint on ($summary)"
	elif resynced_once "$name"; then
		echo "PASS: $name ($(resync_figures "$name"); the backup confirmed the rest of the run)"
	fi
}

# resync_takeover_case NAME GUEST ARGS INJECT KILL_AFTER: one resync, then
# the primary killed.
resync_takeover_case() {
	local name=$1 kill_after=$5 status native_status summary at
	pair_run "$1" "$2" "$3" "$4" --kill-primary-after "$kill_after"
	at=$(sed -n 's/^backup: ft: the primary is gone: the guest goes live here, at landmark \([0-9]*\).*/\1/p' "$results/$name.err")
	if ! grep -q "(killed after $kill_after s" <<<"$summary"; then
		echo "FAIL: $name: the primary was not killed after $kill_after s (it ended first?) ($summary)"
	elif [ -z "$at" ]; then
		echo "FAIL: $name: the backup did not take over ($summary)"
	elif grep -q -E 'contradicts|fewer than' <<<"$summary"; then
		echo "FAIL: $name: $summary"
	elif same_as_native "$name" backup && resynced_once "$name"; then
		echo "PASS: $name ($(resync_figures "$name"); primary killed after $kill_after s, the backup went live at landmark $at; the outside saw the native run)"
	fi
}

# The ticker rather than the timer: a guest that ends less than a second
# after the backup asks (the timer, under a loaded make test) can end before
# the primary has the backup's page hashes and writes its checkpoint, and
# the backup is then left without state (docs/fault-tolerance.md, "Resync").
resync_case ft_resync_ticker_svm "$g/ticker.elf" "seconds=4" 3
resync_case ft_resync_memloop_svm "$g/memloop.elf" "" 5
# The kill comes seconds after the resync (about 1 s into the run).
resync_takeover_case ft_resync_takeover_ticker_svm "$g/ticker.elf" "seconds=5 reads=20" 3 3.5
