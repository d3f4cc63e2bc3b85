#!/usr/bin/env bash
# Fault tolerance (docs/fault-tolerance.md): a guest run on a pair
# (scripts/pair.sh): the primary records it and streams the log to the
# backup, which replays it as it comes (role=backup).
# - ft_pair_*: the primary's console must be the guest's native run, the
#   backup's replayed console the primary's byte for byte, and the backup
#   must confirm every digest and the final one.
# - ft_takeover_*: the primary's emulator SIGKILLed at a random moment of
#   the guest's run: the backup must take over where its log stopped and
#   run the guest to its end, with the native exit code; what the outside
#   saw (the primary's released console, then the backup's from there:
#   scripts/pair.sh) must be the native run's, and the backup's console
#   must not contradict a byte the primary released (the output rule).
# With the witness (pair.sh --witness; docs/fault-tolerance.md, "Fencing"):
# - ft_takeover_ticker_witness_svm: as ft_takeover_*, and the backup must
#   go live under the lease's next epoch;
# - ft_cut_link_witness_svm: the FT link cut, both sides alive: exactly one
#   runs the guest afterwards (the primary, under a new epoch; the backup
#   stands down);
# - ft_isolated_primary_svm: the primary cut off from the backup and the
#   witness: it is fenced, the backup goes live, and the outside's console
#   is the native run's.
# - ft_backup_killed_*: the backup's emulator SIGKILLed at a random moment:
#   the primary must notice within its ft_timeout_ms, run on without a
#   backup (recording stops, what it held goes out, nothing is held from
#   then on) and end the guest's run as natively.
# With the pre-shared key (docs/secure-link.md):
# - ft_pair_timer_tls_svm: the same ft_key on both: the log stream runs
#   inside TLS (both sides say so), with the checks above;
# - ft_pair_wrong_key_svm: keys that differ in their last bit: the backup
#   refuses the primary's TLS handshake and replays nothing (it says no
#   recording came within its rr_live_wait, the refusal named); the primary
#   says the backup refused it and runs the guest without a backup to its
#   native end (exit 0), with no log sent. No log shows either key.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ft_lib.sh"
g=$root/build/guests
WRONG_KEY_WAIT=30 # s the refusing backup waits for a recording (the primary boots meanwhile)
BOCHS_FT_TIMEOUT_MS=60000

# pair_case NAME EMU GUEST [ARGS [KEY]]: with KEY, both sides have it.
pair_case() {
	local name=$1 emu=$2 guest=$3 args=${4:-} key=${5:-} status native_status
	local words="" opts=()
	[ -z "$key" ] || words="ft_key=$key"
	# Bochs' clock follows the instructions it runs: one starved of the
	# host's CPU (a loaded make test runs four emulators on two cores)
	# falls silent for seconds of its peer's time. Both sides wait long.
	[ "$emu" != bochs ] || words="$words ft_timeout_ms=$BOCHS_FT_TIMEOUT_MS"
	[ -z "$words" ] || opts=(--primary-options "$words" --backup-options "$words")
	native_and_pair "$name" "$guest" "$args" --emu "$emu" "${opts[@]}"
	if pair_confirmed "$name" "$status" "$native_status" "$key"; then
		echo "PASS: $name ($(pair_figures "$name"))"
	fi
}

# The primary with one key, the backup with another: refused on both sides.
wrong_key_case() {
	local name=ft_pair_wrong_key_svm status summary err
	err=$results/$name.err
	rm -rf "$results/$name.logs"
	set +e
	"$root/scripts/pair.sh" --guest "$g/timer.elf" --emu qemu --logs "$results/$name.logs" \
		--primary-options "ft_key=$KEY" \
		--backup-options "ft_key=$OTHER_KEY rr_live_wait=$WRONG_KEY_WAIT" \
		>"$results/$name.out" 2>"$err"
	status=$?
	set -e
	summary=$(sed -n 's/^pair.sh: //p' "$err" | tail -n 1)
	if [[ "$summary" != "primary exit 0, backup exit 126; backup: no verdict; the primary finished the run"?(; listener: *) ]]; then
		echo "FAIL: $name: expected the primary to exit 0 and the backup 126 without a verdict ($summary)"
	elif ! grep -q "^primary: error: tls: handshake with 10.9.0.2:9730 failed: the peer refused the handshake (alert bad_record_mac: .*): it holds a different pre-shared key" "$err"; then
		echo "FAIL: $name: the primary's TLS did not say the backup refused its key ($(grep -m1 '^primary: .*tls:' "$err"))"
	elif ! grep -q "^primary: warn: ft: the backup is lost (the collector refused the TLS handshake: .*different pre-shared key): running without a backup from landmark 0, .*it had acknowledged 0 of" "$err"; then
		echo "FAIL: $name: the primary did not say its backup refused it and that it runs without one ($(grep -m1 '^primary: .*ft: ' "$err"))"
	elif ! grep -q -E "^backup: error: tls: handshake with 10\.9\.0\.1:[0-9]+ failed: the peer's Finished message failed authentication: it holds a different pre-shared key" "$err"; then
		echo "FAIL: $name: the backup's TLS did not say the primary's key differs ($(grep -m1 '^backup: .*tls:' "$err"))"
	elif ! grep -q "^backup: error: rr: no recording streamed its log to port 9730 within $WRONG_KEY_WAIT s: 1 connection refused, the last: .*different pre-shared key" "$err"; then
		echo "FAIL: $name: the backup did not report the refused recording ($(grep -m1 '^backup: error: rr:' "$err"))"
	elif grep -q -E '^backup: (rr: replaying|logstream: a recording streams)' "$err" ||
		[ -s "$results/$name.logs/backup" ]; then
		echo "FAIL: $name: the backup took or replayed something from the refused primary"
	elif ! keys_hidden "$err" "$results/$name.out"; then
		echo "FAIL: $name: a log shows a key"
	else
		echo "PASS: $name (the primary, refused, ran without a backup; the backup refused the key and replayed nothing)"
	fi
}

pair_case ft_pair_timer_svm qemu "$g/timer.elf"
pair_case ft_pair_timer_tls_svm qemu "$g/timer.elf" "" "$KEY"
wrong_key_case
pair_case ft_pair_memloop_svm qemu "$g/memloop.elf"
pair_case ft_pair_ticker_svm qemu "$g/ticker.elf" "seconds=4"
pair_case ft_pair_nondet_svm qemu "$g/nondet.elf"
pair_case ft_pair_timer_vmx bochs "$g/timer.elf"

# takeover_case NAME EMU GUEST ARGS [--witness]: the primary killed at a
# random moment (with the witness: the backup must go live under epoch 2).
takeover_case() {
	local name=$1 status native_status kill_after summary at
	kill_run "$1" "$2" "$3" "$4" kill-primary "${@:5}"
	at=$(sed -n 's/^backup: ft: the primary is gone: the guest goes live here, at landmark \([0-9]*\).*/\1/p' "$results/$name.err")
	if ! grep -q -E "\(killed after $kill_after s[;)]" <<<"$summary"; then
		echo "FAIL: $name: the primary was not killed after $kill_after s (it ended first?) ($summary)"
	elif [ -z "$at" ]; then
		echo "FAIL: $name: the backup did not take over ($summary)"
	elif [ "${5:-}" = --witness ] && ! grep -q '^backup: ft: the witness gave this backup the lease (epoch 2)' "$results/$name.err"; then
		echo "FAIL: $name: the backup went live without the witness's next epoch ($summary)"
	elif grep -q 'contradicts' <<<"$summary"; then
		echo "FAIL: $name: $summary"
	elif same_as_native "$name" backup; then
		echo "PASS: $name (primary killed after $kill_after s; the backup took over at landmark $at, $(sed -n 's/.*the backup went live \([0-9]*\) ms later.*/\1/p' <<<"$summary") ms after the kill, and ran the guest to its end; the outside saw $(stat -c %s "$results/$name.logs/primary") bytes from the primary, then the backup's, $(grep -c '' "$results/$name.out") lines as natively)"
	fi
}

# backup_killed_case NAME EMU GUEST ARGS: the backup killed at a random
# moment.
backup_killed_case() {
	local name=$1 status native_status kill_after summary at
	kill_run "$@" kill-backup
	at=$(sed -n 's/^primary: warn: ft: the backup is lost (.*): running without a backup from landmark \([0-9]*\),.*/\1/p' "$results/$name.err")
	if ! grep -q "backup exit [0-9]* (killed after $kill_after s)" <<<"$summary"; then
		echo "FAIL: $name: the backup was not killed after $kill_after s (it ended first?) ($summary)"
	elif [ -z "$at" ]; then
		echo "FAIL: $name: the primary did not say it runs on without its backup ($summary)"
	elif ! grep -q "the primary finished the run" <<<"$summary"; then
		echo "FAIL: $name: $summary"
	elif same_as_native "$name" primary; then
		echo "PASS: $name (backup killed after $kill_after s; the primary ran on without it from landmark $at to the guest's end, $(grep -c '' "$results/$name.out") lines as natively)"
	fi
}

# isolated_case NAME EMU GUEST ARGS: with the witness, the primary cut off
# from the backup and from the witness at a random moment: it cannot move
# the lease on and is fenced (exit 117), nothing more released; the backup
# gets the next epoch and runs the guest to its native end, and the
# outside's console (the primary's released bytes, then the backup's) is
# the native run's.
isolated_case() {
	local name=$1 status native_status kill_after summary at
	kill_run "$@" isolate-primary
	at=$(sed -n 's/^backup: ft: the primary is gone: the guest goes live here, at landmark \([0-9]*\).*/\1/p' "$results/$name.err")
	if ! grep -q "primary exit 117 (isolated after $kill_after s" <<<"$summary"; then
		echo "FAIL: $name: the isolated primary was not fenced ($summary)"
	elif ! grep -q '^primary: understudy: guest stopped: ft: fenced' "$results/$name.err"; then
		echo "FAIL: $name: the primary did not say it was fenced ($summary)"
	elif ! grep -q '^backup: ft: the witness gave this backup the lease (epoch 2)' "$results/$name.err" || [ -z "$at" ]; then
		echo "FAIL: $name: the backup did not go live with the next epoch ($summary)"
	elif grep -q -E 'contradicts|split brain' <<<"$summary"; then
		echo "FAIL: $name: $summary"
	elif same_as_native "$name" backup; then
		echo "PASS: $name (primary isolated after $kill_after s and fenced; the backup went live under epoch 2 at landmark $at and ran the guest to its end; the outside saw $(stat -c %s "$results/$name.logs/primary") bytes from the primary, then the backup's, as natively)"
	fi
}

backup_killed_case ft_backup_killed_ticker_svm qemu "$g/ticker.elf" "seconds=8"
# Ten random kills of the primary in all (issue 12, item 11 b): the
# ticker once as it is, eight times reading the TSC 20 times a tick (a
# missing output rule would show as values the backup contradicts), once
# with the witness.
takeover_case ft_takeover_ticker_svm qemu "$g/ticker.elf" "seconds=4"
for trial in 1 2 3 4 5 6 7 8; do
	takeover_case "ft_takeover_ticker_reads_svm_$trial" qemu "$g/ticker.elf" "seconds=4 reads=20"
done
takeover_case ft_takeover_ticker_witness_svm qemu "$g/ticker.elf" "seconds=4" --witness
cut_link_case ft_cut_link_witness_svm qemu "$g/ticker.elf" "seconds=8"
isolated_case ft_isolated_primary_svm qemu "$g/ticker.elf" "seconds=8"
