#!/usr/bin/env bash
# ft=auto (docs/fault-tolerance.md, "ft=auto"): the pair starts in replay
# mode and the primary switches it to checkpoint mode when its measured log
# costs more than checkpoints would (scripts/pair.sh --mode auto, short
# windows: ft_auto_ms=500).
# - ft_auto_round_trip_ticker_svm (a): the ticker reading the TSC 1000
#   times a tick (a log entry each) with epochs of 500 ms: the primary
#   switches to checkpoint mode at a landmark with its figures and the
#   backup replays to that landmark and follows the epochs; from the
#   guest's second 2 on it also writes 512 pages a tick, the epochs'
#   measured stun goes over the limit and the primary switches back to
#   replay from its last epoch, which the backup replays from, confirming
#   every digest to the end; the primary's console is the native run's.
# - ft_auto_stays_memloop_svm (b): memloop writes 4 MiB a pass with few
#   exits: checkpoints would send and stun far more than its log; the pair
#   stays in replay mode to the end (the backup's replay matches).
# - ft_auto_kill_ticker_svm (c): (a)'s pair with its primary killed at a
#   random moment (in either mode, or between them): the backup goes live
#   (from the replay, or from its last epoch) and the outside listener sees
#   the native run with no gap and no contradiction.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ft_lib.sh"
g=$root/build/guests
AUTO="ft_auto_ms=500 ft_epoch_ms=500"

switched() { # name: the primary's switch line
	sed -n 's/^primary: \(ft: auto: checkpoint mode from landmark .*\)/\1/p' "$results/$1.err"
}

auto_round_trip_case() { # name guest args
	local name=$1 status native_status summary to back
	native_and_pair "$name" "$2" "$3" --emu qemu --mode auto --primary-options "$AUTO" \
		--backup-options "$AUTO"
	to=$(switched "$name")
	back=$(sed -n 's/^primary: \(ft: auto: replay mode from landmark .*\)/\1/p' "$results/$name.err")
	if [ -z "$to" ]; then
		echo "FAIL: $name: the primary did not switch to checkpoint mode ($(grep -m1 'ft: auto: replay measured' "$results/$name.err" || true))"
	elif ! grep -q "^backup: ft: auto: the primary's log ended at landmark [0-9]* for checkpoint mode: this backup follows its checkpoints from here$" "$results/$name.err"; then
		echo "FAIL: $name: the backup did not follow the checkpoints from the log's end"
	elif [ -z "$back" ]; then
		echo "FAIL: $name: the primary did not switch back to replay mode ($(grep 'ft: auto: checkpoint mode measured' "$results/$name.err" | tail -n 1))"
	elif ! grep -q "^backup: ft: auto: the primary's checkpoints ended at landmark [0-9]* for replay mode: this backup replays its log from here$" "$results/$name.err"; then
		echo "FAIL: $name: the backup did not replay the log from the last epoch"
	elif ! same_as_native "$name" primary; then
		return
	elif ! grep -q "^pair.sh: primary exit $status, backup exit $status; backup: rr: replay matches the recording: .*final digest identical; the primary finished the run" "$results/$name.err"; then
		echo "FAIL: $name: the backup's replay of the second log did not match to the end ($summary)"
	else
		echo "PASS: $name ($to; $back; $(grep -m1 'ft: auto: checkpoint mode measured' "$results/$name.err" | sed 's/^primary: ft: auto: //'); the backup's replay matches to the end)"
	fi
}

auto_stays_case() { # name guest args
	local name=$1 status native_status summary
	native_and_pair "$name" "$2" "$3" --emu qemu --mode auto --primary-options "ft_auto_ms=500" \
		--backup-options "ft_auto_ms=500"
	if [ -n "$(switched "$name")" ]; then
		echo "FAIL: $name: the primary switched to checkpoint mode: $(switched "$name")"
	elif ! grep -q 'ft: auto: replay measured over' "$results/$name.err"; then
		echo "FAIL: $name: the primary measured no window"
	elif ! same_as_native "$name" primary; then
		return
	elif ! grep -q "backup: rr: replay matches the recording" <<<"$summary"; then
		echo "FAIL: $name: the backup's replay did not match ($summary)"
	else
		echo "PASS: $name (stayed in replay mode: $(grep -m1 -o 'log [0-9]* KB/s; checkpoints would send .*' "$results/$name.err"))"
	fi
}

auto_kill_case() { # name guest args
	local name=$1 status native_status kill_after summary from
	kill_run "$1" qemu "$2" "$3" kill-primary --mode auto --listener --primary-options "$AUTO" \
		--backup-options "$AUTO"
	from=$(sed -n 's/^backup: ft: the primary is gone: the guest goes live here, \(.*\)/\1/p' "$results/$name.err")
	if taken_over_cleanly "$name" "$from"; then
		echo "PASS: $name (primary killed after $kill_after s, after $(grep -c "^backup: ft: auto: the primary's .* ended at landmark" "$results/$name.err" || true) switches the backup followed; the backup went live $from)"
	fi
}

TICKER="seconds=3 reads=1000 writes=512 writes_from=2"
auto_round_trip_case ft_auto_round_trip_ticker_svm "$g/ticker.elf" "$TICKER"
auto_stays_case ft_auto_stays_memloop_svm "$g/memloop.elf" ""
auto_kill_case ft_auto_kill_ticker_svm "$g/ticker.elf" "$TICKER"
