#!/usr/bin/env bash
# The FT link's wire (docs/secure-link.md, docs/fault-tolerance.md "The
# test network"): a pair (scripts/pair.sh) running the ticker, one segment
# of the log stream from the primary tampered with on the way by netcut
# (--alter-frame-after: one payload byte flipped; --replay-frame-after: an
# earlier segment's payload in place of a later one's of the same length),
# its TCP checksum fixed so that TCP takes it and the damage reaches what
# runs above. The backup must refuse it and say why, drop the connection,
# and the primary connect again and resume where the backup's WELCOME
# says (the byte where the backup lost it); then the run is judged as a
# plain pair's (test/system/ft_lib.sh: the primary's console the native
# run's, the backup's replay confirmed to the final digest, its console
# the primary's), so nothing was taken twice or lost.
# - ft_wire_alter_tls_svm, ft_wire_replay_tls_svm: inside TLS (ft_key=):
#   the backup's TLS fails the record's authentication (bad MAC), the
#   primary hears the alert, a new TLS session carries the rest;
# - ft_wire_alter_clear_svm: in the clear: the message's checksum fails,
#   the backup tells the primary (ERROR) and both say so.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ft_lib.sh"
g=$root/build/guests
GUEST=$g/ticker.elf
ARGS=seconds=4
TAMPER_AFTER=1.5 # s after the primary started recording: well inside the 4 s run

native=$results/ft_wire.native
"$root/scripts/run_native.sh" "$GUEST" --args "$ARGS" --timeout 120 >"$native" 2>/dev/null && native_status=0 ||
	native_status=$?

# wire_run NAME EVENT [KEY]: the pair with EVENT (alter-frame, replay-frame);
# sets status.
wire_run() {
	local name=$1 event=$2 key=${3:-} opts=()
	[ -z "$key" ] || opts=(--primary-options "ft_key=$key" --backup-options "ft_key=$key")
	cp "$native" "$results/$name.native"
	rm -rf "$results/$name.logs"
	set +e
	"$root/scripts/pair.sh" --guest "$GUEST" --guest-args "$ARGS" "${opts[@]}" \
		"--$event-after" "$TAMPER_AFTER" --logs "$results/$name.logs" \
		>"$results/$name.out" 2>"$results/$name.err"
	status=$?
	set -e
}

# The stream resumed once, on a new connection, at the byte where the
# backup lost it, as the backup's WELCOME said; prints it, or the FAIL and
# returns 1.
resumed_once() { # name
	local name=$1 err=$results/$1.err lost back resumes
	lost=$(sed -n 's/^backup: warn: logstream: lost the recorder (.*) at byte \([0-9]*\)$/\1/p' "$err")
	back=$(sed -n 's/^backup: logstream: the recording is back, resuming at byte \([0-9]*\)$/\1/p' "$err")
	resumes=$(sed -n 's/^primary: logstream: collector resumes at byte \([0-9]*\) .*/\1/p' "$err" | tr '\n' ' ')
	if [ -z "$lost" ] || [ "$(grep -c '' <<<"$lost")" != 1 ]; then
		echo "FAIL: $name: the backup did not lose the recorder exactly once ($lost)"
	elif [ "$back" != "$lost" ] || [ "$resumes" != "0 $lost " ]; then
		echo "FAIL: $name: lost at byte $lost, but the backup resumed at '$back' and the primary at '$resumes'"
	else
		echo "$lost"
		return 0
	fi
	return 1
}

# tls_case NAME EVENT WHAT: WHAT is netcut's log of the tampering.
tls_case() {
	local name=$1 event=$2 what=$3 err=$results/$1.err at sessions
	wire_run "$name" "$event" "$KEY"
	sessions=$(grep -c '^primary: tls: session with 10.9.0.2:9730 up' "$err" || true)
	if ! grep -q -E "^netcut: .*: $what" "$err"; then
		echo "FAIL: $name: netcut did not tamper with a segment ($(grep -m1 -E '^netcut: .*(alter|replay) link' "$err"))"
	elif ! grep -q -E '^backup: error: tls: session with 10\.9\.0\.1:[0-9]+ failed: a record failed authentication \(bad MAC\): altered or replayed on the way$' "$err"; then
		echo "FAIL: $name: the backup's TLS did not refuse the record for its MAC ($(grep -m1 '^backup: error: tls:' "$err"))"
	elif ! grep -q '^backup: warn: logstream: lost the recorder (a record failed authentication (bad MAC): altered or replayed on the way) at byte' "$err"; then
		echo "FAIL: $name: the backup did not drop the connection for it"
	elif ! grep -q '^primary: warn: logstream: the connection to the collector ended: the peer refused the session (alert bad_record_mac: our record failed its authentication there); connecting again' "$err"; then
		echo "FAIL: $name: the primary did not hear the backup's bad_record_mac ($(grep -m1 '^primary: warn: logstream:' "$err"))"
	elif [ "$sessions" != 2 ]; then
		echo "FAIL: $name: $sessions TLS sessions, wanted 2 (the first, and a new one after the refusal)"
	elif ! at=$(resumed_once "$name"); then
		echo "$at"
	elif pair_confirmed "$name" "$status" "$native_status" "$KEY"; then
		echo "PASS: $name (refused for its MAC, a new TLS session resumed at byte $at; $(pair_figures "$name"))"
	fi
}

# In the clear: the altered message fails its XXH32 checksum.
clear_case() {
	local name=ft_wire_alter_clear_svm err=$results/ft_wire_alter_clear_svm.err at
	wire_run "$name" alter-frame
	if ! grep -q -E '^netcut: .*: alter link: primary->backup segment .* flipped payload byte' "$err"; then
		echo "FAIL: $name: netcut did not alter a segment ($(grep -m1 -E '^netcut: .*alter link' "$err"))"
	elif ! grep -q '^backup: warn: logstream: refused the recorder: a malformed message (checksum): checksum mismatch$' "$err"; then
		echo "FAIL: $name: the backup did not refuse the altered message for its checksum ($(grep -m1 '^backup: warn: logstream:' "$err"))"
	elif ! grep -q '^primary: warn: logstream: the collector refused: a malformed message (checksum): checksum mismatch$' "$err"; then
		echo "FAIL: $name: the primary was not told why ($(grep -m1 '^primary: warn: logstream:' "$err"))"
	elif grep -q -E '^(primary|backup): .*tls:' "$err"; then
		echo "FAIL: $name: TLS in a run without ft_key="
	elif ! at=$(resumed_once "$name"); then
		echo "$at"
	elif pair_confirmed "$name" "$status" "$native_status"; then
		echo "PASS: $name (refused for its checksum, resumed at byte $at on a new connection; $(pair_figures "$name"))"
	fi
}

tls_case ft_wire_alter_tls_svm alter-frame 'alter link: primary->backup segment [0-9]+->9730 seq [0-9]+, [0-9]+ payload bytes: flipped payload byte'
tls_case ft_wire_replay_tls_svm replay-frame 'replay link: primary->backup segment [0-9]+->9730 seq [0-9]+, [0-9]+ payload bytes: the payload of an earlier segment'
clear_case
