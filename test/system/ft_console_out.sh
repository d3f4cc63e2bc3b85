#!/usr/bin/env bash
# console_out= (docs/console-stream.md): the guest's console as a stream to
# an outside listener (tools/hvlisten), sent by whichever side of a pair
# is live (scripts/pair.sh --listener starts the listener and gives both
# sides console_out=).
# - ft_console_out_timer_svm: a pair runs the timer guest: the listener's
#   output is the native run's, from one sender (the primary), with no
#   contradiction and no gap, and agrees with the consoles' reconstruction.
# - ft_console_out_takeover_svm: the primary SIGKILLed at a random moment
#   of the ticker (reading the TSC 20 times a tick): the listener's output
#   is the native run's deterministic lines, from two senders (the primary,
#   then the backup that went live, resending from before the listener's
#   end), with no contradiction and no gap.
# - hvlisten_refusals: hvlisten alone on the host with a host sender
#   (console_fakesender): a HELLO naming another guest is refused, a byte
#   that differs from what it has is a contradiction (logged with its
#   offset and both bytes, counted), a gap is counted, and the summary line
#   says so; hvlisten exits 1 for the contradiction.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
. "$(dirname "$0")/ft_lib.sh"
g=$root/build/guests

# pair_run NAME GUEST ARGS [PAIR OPTION...]: the native run, then the
# pair; sets status, native_status and summary.
pair_run() {
	local name=$1 guest=$2 args=$3
	shift 3
	native_and_pair "$name" "$guest" "$args" --listener "$@"
}

# The listener heard SENDERS senders, no contradiction, no gap, agreeing
# with the consoles; the run ended as natively, and what the listener
# wrote is the native run's. Prints FAIL and returns 1 when not.
listener_as_native() { # name senders
	local name=$1
	if [ "$status" != "$native_status" ]; then
		echo "FAIL: $name: exit code $status, $native_status natively ($summary)"
	elif ! grep -q "listener: [0-9]* bytes from $2 senders, 0 contradictions, 0 gaps (0 bytes), 0 refused, the consoles' reconstruction agrees" <<<"$summary"; then
		echo "FAIL: $name: the listener did not hear $2 senders without a contradiction or gap ($summary)"
	elif ! cmp -s "$results/$name.out" "$results/$name.logs/listener.out"; then
		echo "FAIL: $name: pair.sh's standard output is not the listener's output"
	elif ! "$root/test/system/compare_output.sh" "$results/$name.native" "$results/$name.out" \
		>"$results/$name.diff" 2>&1; then
		echo "FAIL: $name: the listener's output differs from the native run (see $results/$name.diff)"
	else
		return 0
	fi
	return 1
}

timer_case() {
	local name=ft_console_out_timer_svm
	pair_run "$name" "$g/timer.elf" ""
	if ! grep -q '^backup: console_out: .* 0 sent over 0 connections (a backup that never went live sends nothing)' "$results/$name.err"; then
		echo "FAIL: $name: the backup, never live, must send nothing ($summary)"
	elif listener_as_native "$name" 1; then
		echo "PASS: $name ($(stat -c %s "$results/$name.out") bytes from the primary, as natively; $(grep -o 'console_out: [0-9]* console bytes, [0-9]* acknowledged' "$results/$name.err" | head -n 1))"
	fi
}

takeover_case() {
	local name=ft_console_out_takeover_svm kill_after
	kill_after=$(printf '%d.%d' $((1 + RANDOM % 2)) $((RANDOM % 10)))
	pair_run "$name" "$g/ticker.elf" "seconds=4 reads=20" --kill-primary-after "$kill_after"
	if ! grep -q "(killed after $kill_after s;" <<<"$summary"; then
		echo "FAIL: $name: the primary was not killed after $kill_after s, or no backup went live ($summary)"
	elif ! grep -q '^backup: console_out: this backup is live' "$results/$name.err"; then
		echo "FAIL: $name: the backup did not start sending when it went live ($summary)"
	elif listener_as_native "$name" 2; then
		echo "PASS: $name (primary killed after $kill_after s; the listener had $(sed -n 's/^backup: console_out: the listener at .* has \([0-9]*\) bytes of the console.*/\1/p' "$results/$name.err" | head -n 1) bytes from it, then the backup's; $(stat -c %s "$results/$name.out") bytes, no contradiction, no gap, as natively)"
	fi
}

# hvlisten alone: a sender, another guest's, one that contradicts, a gap.
refusals_case() {
	local name=hvlisten_refusals port log=$results/hvlisten_refusals.log pid listener_status
	local send=$root/build/tools/console_fakesender out=$results/hvlisten_refusals.out
	port=$(free_port)
	"$root/build/tools/hvlisten" --port "$port" --bind 127.0.0.1 --out "$out" 2>"$log" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null && ! grep -qs 'listening on' "$log"; do sleep 0.05; done
	set +e
	"$send" "$port" abc '0:tick 1\n' '7:tick 2\n' >"$log.a"
	"$send" "$port" abd '0:x' >"$log.b"
	"$send" "$port" abc '7:tock 2\ntick 3\n' >"$log.c"
	"$send" "$port" abc '30:after' >"$log.d"
	kill -TERM "$pid"
	wait "$pid"
	listener_status=$?
	set -e
	if ! grep -qx 'welcome 0' "$log.a" || ! grep -qx 'ack 14' "$log.a"; then
		echo "FAIL: $name: the first sender was not welcomed at 0 and acknowledged to 14 ($(tr '\n' ' ' <"$log.a"))"
	elif ! grep -q "^refused other_guest guest 0000000000000abd is not this listener's (0000000000000abc)" "$log.b"; then
		echo "FAIL: $name: another guest's HELLO was not refused ($(tr '\n' ' ' <"$log.b"))"
	elif ! grep -q "contradiction at offset 8: the sender (role alone) sent 'o', the listener has 'i'" "$log"; then
		echo "FAIL: $name: the contradiction was not logged with its offset and both bytes"
	elif ! grep -q 'gap: bytes \[21, 30) came from no sender' "$log"; then
		echo "FAIL: $name: the gap was not logged"
	elif ! grep -q '^hvlisten: 35 bytes from 3 senders, 1 contradictions, 1 gaps (9 bytes), 1 refused' "$log"; then
		echo "FAIL: $name: summary: $(tail -n 1 "$log")"
	elif [ "$listener_status" != 1 ]; then
		echo "FAIL: $name: hvlisten exited with $listener_status after a contradiction, not 1"
	elif [ "$(head -c 21 "$out")" != "$(printf 'tick 1\ntick 2\ntick 3\n')" ]; then
		echo "FAIL: $name: the output is not the first sender's bytes, then the new ones"
	else
		echo "PASS: $name (another guest refused; a contradiction at offset 8 and a gap of 9 bytes counted; exit 1)"
	fi
}

refusals_case
timer_case
takeover_case
