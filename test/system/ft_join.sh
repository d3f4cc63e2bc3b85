#!/usr/bin/env bash
# A backup joins a running guest by live migration (docs/fault-tolerance.md,
# "A backup joins"; issue 12 item 1 and test g), on QEMU (SVM) with the
# ticker (scripts/pair.sh --join):
# - ft_join_ticker_svm: a primary with join=on runs its guest at once, with
#   no backup; the backup starts a second later with join=on, receives the
#   running guest by live migration and replays the primary's log from
#   that state (both over TLS with the pair's key). The primary's console (what
#   the outside saw) and exit code must be the native run's, the primary
#   must say it ran without a backup and when the backup joined, the
#   backup must have received the guest by migration, confirmed every
#   digest of the log (the first one at the join's landmark: the migrated
#   state) and the final one, and its console must be the primary's from
#   the offset of the join on, byte for byte.
# - ft_join_failover_ticker_svm: the same pair (ft_timeout_ms=1000); the
#   primary is killed at a random moment after the join, the backup goes
#   live; a new backup starts in the dead primary's place and joins the
#   survivor; the survivor is killed at a random moment after that join,
#   and the new backup must finish the run: the native exit code, and the
#   outside's console the native run without a contradiction: what an
#   outside listener received from the three in turn (pair.sh --listener,
#   console_out=: no contradiction, no gap), and the three consoles'
#   reconstruction agreeing with it.
# - ft_join_failover_witness_ticker_svm: the same under a witness
#   (pair.sh --witness): the primary holds the lease from its start
#   (epoch 1), the joined backup learns it from the primary's stream (the
#   HELLO names it, so a primary killed right after the join is no
#   outage) and goes live under epoch 2, the new backup learns epoch 2 the
#   same way once it joined the survivor and goes live under epoch 3; the
#   outside sees the native run. Leases of 3 s (the default ft_timeout_ms):
#   with 1 s, a primary whose emulator got no CPU for a second on a loaded
#   host lost its lease during the join's migration and was fenced, an
#   outage of both sides (consistent, but not what this case tests).
# - ft_join_wrong_key_svm: the backup joins with another key than the
#   primary's: the migration (TLS with the primary's key) is refused on
#   both sides, so the backup receives no page of the guest, never runs it
#   and ends (exit 119, incoming migration failed); the primary says the
#   backup refused its key and ends the run alone as natively. No log
#   shows either key.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ft_lib.sh"
g=$root/build/guests
JOIN_RE='^primary: ft: backup joined at landmark [0-9]+ after [0-9]+ ms, [0-9]+ ms stun$'

# random_time: seconds between 0.3 and 1.9, one decimal.
random_time() {
	local t
	t=$(printf '%d.%d' $((RANDOM % 2)) $((RANDOM % 10)))
	[[ "$t" > 0.2 ]] || t=0.3
	echo "$t"
}

# Runs the native guest and the pair: sets status, native_status, summary.
run_pair() { # name guest args pair.sh-args...
	local name=$1 guest=$2 args=$3
	shift 3
	native_and_pair "$name" "$guest" "$args" --emu qemu --join "$@"
}

# The offset of the guest's console at which a joined backup's console
# starts (the first OUTPUT of its log).
joined_offset() { # side err
	sed -n "s/^$1: ft: the console stream goes on at offset \\([0-9]*\\) (this console had written 0 bytes): joined$/\\1/p" "$2" | head -n 1
}

join_case() {
	local name=ft_join_ticker_svm err offset logs
	# 10 s: the backup boots while the primary's guest runs (4 to 7 s
	# on a loaded host before it joins), and the guest must outlast that.
	run_pair "$name" "$g/ticker.elf" "seconds=10" \
		--primary-options "ft_key=$KEY" --backup-options "ft_key=$KEY"
	err=$results/$name.err logs=$results/$name.logs
	offset=$(joined_offset backup "$err")
	if ! same_as_native "$name" primary; then
		:
	elif ! grep -q '^primary: ft: running without a backup (the guest starts at once) at landmark 0' "$err"; then
		echo "FAIL: $name: the primary did not say it runs without a backup ($summary)"
	elif ! grep -q -E "$JOIN_RE" "$err"; then
		echo "FAIL: $name: the primary did not say the backup joined ($summary)"
	elif ! grep -q '^backup: migration: resuming the guest migrated from svm' "$err"; then
		echo "FAIL: $name: the backup did not receive the guest by migration"
	elif [[ "$summary" != "primary exit $status, backup exit $status; backup: rr: replay matches the recording"* ]]; then
		echo "FAIL: $name: the backup did not confirm the primary's run from the join ($summary)"
	elif [ -z "$offset" ] || [ "$offset" = 0 ]; then
		echo "FAIL: $name: the backup did not start its console where the guest's stood at the join"
	elif ! cmp -s <(tail -c +"$((offset + 1))" "$logs/primary") "$logs/backup"; then
		echo "FAIL: $name: the backup's console is not the primary's from offset $offset on"
	elif ! grep -q "^primary: rr: streaming to 10.9.0.2:9730 over TLS with the pre-shared key" "$err" ||
		! grep -q "^backup: logstream: a recording streams its log here over TLS" "$err"; then
		echo "FAIL: $name: the log after the join did not run over TLS"
	elif ! grep -q "^backup: migration: waiting for the source on 10.9.0.2:9733 over TLS with the pre-shared key" "$err" ||
		! grep -q "^primary: tls: session with 10.9.0.2:9733 up" "$err"; then
		echo "FAIL: $name: the migration of the join did not run over TLS"
	elif ! keys_hidden "$err" "$results/$name.out"; then
		echo "FAIL: $name: a log shows the key"
	else
		echo "PASS: $name ($(sed -n -E 's/^primary: ft: (backup joined at .*)/\1/p' "$err"), the backup's console from offset $offset; $(sed -n 's/^backup: rr: replay matches the recording: \([0-9]*\) guest-caused.*/\1/p' "$err") landmarks confirmed)"
	fi
}

failover_case() {
	local name=ft_join_failover_ticker_svm err kill1 kill2 words="ft_timeout_ms=1000"
	kill1=$(random_time) kill2=$(random_time)
	run_pair "$name" "$g/ticker.elf" "seconds=20" --primary-options "$words" \
		--backup-options "$words" --kill-primary-after "$kill1" --rejoin-after 1 \
		--kill-survivor-after "$kill2" --timeout 150 --listener
	err=$results/$name.err
	if ! same_as_native "$name" "new backup"; then
		:
	elif [[ "$summary" != *"; the new backup finished the run; listener: "*" senders, 0 contradictions, 0 gaps (0 bytes), 0 refused, the consoles' reconstruction agrees" ]]; then
		echo "FAIL: $name: the new backup did not finish the run, or the outside saw a contradiction or a gap ($summary)"
	elif ! grep -q -E '^backup: ft: backup joined at landmark [0-9]+ after [0-9]+ ms, [0-9]+ ms stun$' "$err"; then
		echo "FAIL: $name: the survivor did not say a new backup joined ($summary)"
	elif ! grep -q '^rejoin: migration: resuming the guest migrated from svm' "$err"; then
		echo "FAIL: $name: the new backup did not receive the guest by migration"
	elif [ -z "$(joined_offset rejoin "$err")" ]; then
		echo "FAIL: $name: the new backup did not say where its console starts"
	else
		echo "PASS: $name (primary killed $kill1 s after the join, survivor killed $kill2 s after the second; $(sed -n -E 's/^backup: ft: (backup joined at .*)/\1/p' "$err"); $(sed -n 's/.*the survivor killed [0-9.]* s after it joined, \(the new backup live [0-9]* ms later\).*/\1/p' <<<"$summary"))"
	fi
}

# The failover case under a witness (--witness): the first primary holds
# the lease from its start, the backup goes live under the next epoch, the
# new backup learns the survivor's epoch after it joined and goes live
# under the one after that.
failover_witness_case() {
	local name=ft_join_failover_witness_ticker_svm err kill1 kill2 words="ft_timeout_ms=3000" e1 e2 learned
	kill1=$(random_time) kill2=$(random_time)
	run_pair "$name" "$g/ticker.elf" "seconds=20" --primary-options "$words" \
		--backup-options "$words" --kill-primary-after "$kill1" --rejoin-after 1 \
		--kill-survivor-after "$kill2" --timeout 150 --witness
	err=$results/$name.err
	e1=$(sed -n 's/^backup: ft: the witness gave this backup the lease (epoch \([0-9]*\)).*/\1/p' "$err")
	e2=$(sed -n 's/^rejoin: ft: the witness gave this backup the lease (epoch \([0-9]*\)).*/\1/p' "$err")
	learned=$(sed -n -e 's/^rejoin: witness: the primary "10.9.0.2" holds the lease at epoch \([0-9]*\)$/\1/p' \
		-e "s/^rejoin: witness: the primary's stream names its lease epoch \([0-9]*\)$/\1/p" "$err" | tail -1)
	if ! same_as_native "$name" "new backup"; then
		:
	elif [[ "$summary" != *"; the new backup finished the run"* ]]; then
		echo "FAIL: $name: the new backup did not finish the run ($summary)"
	elif ! grep -q -E '^backup: witness: (the primary "10.9.0.1" holds the lease at|the primary'"'"'s stream names its lease) epoch 1$' "$err"; then
		echo "FAIL: $name: the joined backup did not learn the first primary's epoch 1"
	elif [ "$e1" != 2 ]; then
		echo "FAIL: $name: the backup did not go live under epoch 2 (${e1:-none})"
	elif [ "$learned" != "$e1" ]; then
		echo "FAIL: $name: the new backup did not learn the survivor's epoch $e1 (${learned:-none})"
	elif [ "$e2" != $((e1 + 1)) ]; then
		echo "FAIL: $name: the new backup did not go live under epoch $((e1 + 1)) (${e2:-none})"
	elif grep -q -E '^(backup|rejoin): .*(stands down|fenced)' "$err"; then
		echo "FAIL: $name: a side stood down or was fenced"
	else
		echo "PASS: $name (primary killed $kill1 s after the join, survivor $kill2 s after the second; the backup live under epoch $e1, the new backup learned it and went live under epoch $e2)"
	fi
}

wrong_key_case() {
	local name=ft_join_wrong_key_svm err
	run_pair "$name" "$g/ticker.elf" "seconds=10" --primary-options "ft_key=$KEY" \
		--backup-options "ft_key=$OTHER_KEY"
	err=$results/$name.err
	if ! same_as_native "$name" primary; then
		:
	elif [[ "$summary" != "primary exit $status, backup exit 119; backup: no verdict; the primary finished the run" ]]; then
		echo "FAIL: $name: expected the primary to finish alone and the backup to exit 119 (no guest) without a verdict ($summary)"
	elif ! grep -q "^primary: error: tls: handshake with 10.9.0.2:9733 failed: .*different pre-shared key" "$err" ||
		! grep -q "^primary: migration: failed: the destination refused the TLS handshake: .*different pre-shared key; the guest runs on here" "$err"; then
		echo "FAIL: $name: the primary did not say the backup refused its key for the migration ($(grep -m1 '^primary: .*tls:' "$err"))"
	elif ! grep -q "^backup: migration: incoming migration failed: the TLS handshake with the source failed: .*different pre-shared key; what was received is discarded" "$err"; then
		echo "FAIL: $name: the backup did not refuse the migration for the key ($(grep -m1 '^backup: migration: incoming' "$err"))"
	elif grep -q -E '^backup: (migration: the source|migration: received|migration: resuming|rr: replaying|logstream: a recording streams|ft: the primary is gone)' "$err" ||
		[ -s "$results/$name.logs/backup" ]; then
		echo "FAIL: $name: the backup received pages or the guest, a log, or ran the guest of a primary with another key"
	elif grep -q -E '^primary: (migration: the destination accepted|ft: backup joined|ft: the backup took the guest)' "$err"; then
		echo "FAIL: $name: the primary says a backup with another key took its guest"
	elif ! keys_hidden "$err" "$results/$name.out"; then
		echo "FAIL: $name: a log shows a key"
	else
		echo "PASS: $name (the migration refused for the key on both sides, no page sent; the primary ran on alone)"
	fi
}

join_case
failover_case
failover_witness_case
wrong_key_case
