# Judging a fault-tolerant pair's run (scripts/pair.sh), for the ft_*.sh
# system tests (sourced after lib.sh): the run's files are
# $results/NAME.native (the guest's native console), NAME.out and NAME.err
# (pair.sh's standard output and error) and NAME.logs (its --logs).

# The pre-shared keys the tests give (docs/secure-link.md): no log may show
# either.
KEY=5eed0fa11ba5eba11c0ffee0ddba11fe
OTHER_KEY=5eed0fa11ba5eba11c0ffee0ddba11ff

# No log shows a key.
keys_hidden() { # file...
	! grep -q -i -E "$KEY|$OTHER_KEY" "$@"
}

# The pair ran the guest as natively with the backup following all of it:
# the primary's exit code and console are the native run's, the backup
# replayed the live log, confirmed every digest and the final one, and its
# replayed console is the primary's byte for byte; with KEY, the stream
# ran inside TLS on both sides and no log shows the key. pair.sh's summary
# may name one event of the run (a frame altered, ...). Prints the FAIL
# and returns 1 when not.
pair_confirmed() { # name status native_status [key]
	local name=$1 status=$2 native_status=$3 key=${4:-} summary
	summary=$(sed -n 's/^pair.sh: //p' "$results/$name.err" | tail -n 1)
	if [ "$status" != "$native_status" ]; then
		echo "FAIL: $name: exit code $status on the primary, $native_status natively ($summary)"
	elif ! "$root/test/system/compare_output.sh" "$results/$name.native" "$results/$name.out" \
		>"$results/$name.diff" 2>&1; then
		echo "FAIL: $name: the primary's console differs from the native run (see $results/$name.diff)"
	elif ! grep -q '^backup: rr: replaying the live log of a recording' "$results/$name.err"; then
		echo "FAIL: $name: the backup did not replay the live log ($summary)"
	elif ! grep -q -E "^pair.sh: primary exit $status( \([^)]*\))?, backup exit $status; backup: rr: replay matches the recording" \
		"$results/$name.err"; then
		echo "FAIL: $name: the backup did not confirm the primary's run ($summary)"
	elif ! cmp -s "$results/$name.logs/primary" "$results/$name.logs/backup"; then
		echo "FAIL: $name: the backup's replayed console differs from the primary's"
	elif [ -n "$key" ] && ! grep -q "^primary: rr: streaming to 10.9.0.2:9730 over TLS with the pre-shared key" "$results/$name.err"; then
		echo "FAIL: $name: the primary did not stream over TLS"
	elif [ -n "$key" ] && ! grep -q "^primary: tls: session with 10.9.0.2:9730 up (TLS 1.2, TLS-PSK-WITH-AES-128-GCM-SHA256)" "$results/$name.err"; then
		echo "FAIL: $name: the primary did not report its TLS session"
	elif [ -n "$key" ] && ! grep -q "^backup: logstream: a recording streams its log here over TLS" "$results/$name.err"; then
		echo "FAIL: $name: the backup did not take the log over TLS"
	elif [ -n "$key" ] && ! keys_hidden "$results/$name.err" "$results/$name.out"; then
		echo "FAIL: $name: a log shows the key"
	else
		return 0
	fi
	return 1
}

# A confirmed run's figures, for its PASS line: console lines, the output
# rule's hold, the log streamed, the landmarks confirmed.
pair_figures() { # name
	local name=$1
	echo "$(grep -c '' "$results/$name.out") console lines alike on both; $(sed -n 's/^primary: ft: output rule: \([0-9]* console bytes held\).*hold \([0-9]* us\) on average.*/\1, \2 on average/p' "$results/$name.err"); $(sed -n 's/^backup: logstream: the recording.s log is complete: //p' "$results/$name.err") of log streamed; $(sed -n 's/^backup: rr: replay matches the recording: \([0-9]*\) guest-caused.*/\1/p' "$results/$name.err") landmarks confirmed"
}

# The run's exit code and what the outside saw are the native run's;
# prints the FAIL and returns 1 when not (name, the side that finished;
# the caller sets status, native_status and summary).
same_as_native() { # name side
	if [ "$status" != "$native_status" ]; then
		echo "FAIL: $1: exit code $status on the $2, $native_status natively ($summary)"
	elif ! "$root/test/system/compare_output.sh" "$results/$1.native" "$results/$1.out" \
		>"$results/$1.diff" 2>&1; then
		echo "FAIL: $1: what the outside saw differs from the native run (see $results/$1.diff)"
	else
		return 0
	fi
	return 1
}

# taken_over_cleanly NAME FROM: after kill_run with --listener (kill_after,
# summary and status set), the primary was killed, the backup went live
# (FROM: where it said it did, empty when it did not), the outside listener
# saw no gap and no contradiction, and the backup ended as natively;
# prints the FAIL and returns 1 when not.
taken_over_cleanly() { # name from
	if ! grep -q -E "\(killed after $kill_after s[;)]" <<<"$summary"; then
		echo "FAIL: $1: the primary was not killed after $kill_after s (it ended first?) ($summary)"
	elif [ -z "$2" ]; then
		echo "FAIL: $1: the backup did not take over ($summary)"
	elif grep -q -E 'contradicts|split brain' <<<"$summary"; then
		echo "FAIL: $1: $summary"
	elif ! grep -q -E "listener: [0-9]* bytes from [0-9]* senders, 0 contradictions, 0 gaps \(0 bytes\), 0 refused, the consoles' reconstruction agrees$" <<<"$summary"; then
		echo "FAIL: $1: the outside listener saw a gap or a contradiction ($summary)"
	else
		same_as_native "$1" backup
		return
	fi
	return 1
}

# random_kill_time: seconds between 0.3 and 2.9, one decimal.
random_kill_time() {
	local t
	t=$(printf '%d.%d' $((RANDOM % 3)) $((RANDOM % 10)))
	case "$t" in 0.0 | 0.1 | 0.2) t=0.3 ;; esac
	echo "$t"
}

# The guest natively, then on a pair (scripts/pair.sh with the options
# given): sets native_status, status (the pair's) and summary (pair.sh's
# last line). LOGS is $results/NAME.logs.
native_and_pair() { # name guest args pair.sh-options...
	local name=$1 guest=$2 args=$3
	shift 3
	set +e
	"$root/scripts/run_native.sh" "$guest" --args "$args" --timeout 120 >"$results/$name.native" 2>/dev/null
	native_status=$?
	rm -rf "$results/$name.logs"
	"$root/scripts/pair.sh" --guest "$guest" --guest-args "$args" --logs "$results/$name.logs" "$@" \
		>"$results/$name.out" 2>"$results/$name.err"
	status=$?
	set -e
	summary=$(sed -n 's/^pair.sh: //p' "$results/$name.err" | tail -n 1)
}

# kill_run NAME EMU GUEST ARGS EVENT [PAIR OPTION...]: the native run,
# then the pair with EVENT (kill-primary, kill-backup, cut-link,
# isolate-primary) at a random moment of the recording (with --mode
# checkpoint among the options: of the epochs). Sets kill_after,
# status, native_status and summary.
kill_run() {
	local name=$1 emu=$2 guest=$3 args=$4 event=$5
	shift 5
	kill_after=$(random_kill_time)
	native_and_pair "$name" "$guest" "$args" --emu "$emu" "--$event-after" "$kill_after" "$@"
}

# cut_link_case NAME EMU GUEST ARGS [PAIR OPTION...]: with the witness,
# the FT link cut at a random moment, both sides alive and reaching the
# witness (in either mode: --mode checkpoint among the options): the primary
# moves the lease to a new epoch and runs on alone to the native end; the
# backup stands down (exit 117) and never goes live.
cut_link_case() {
	local name=$1 status native_status kill_after summary epoch
	kill_run "$1" "$2" "$3" "$4" cut-link --witness "${@:5}"
	epoch=$(sed -n 's/^primary: ft: lease epoch \([0-9]*\) (was 1): a backup that knew the old one stands down/\1/p' "$results/$name.err")
	if ! grep -q "(link cut after $kill_after s)" <<<"$summary"; then
		echo "FAIL: $name: the link was not cut after $kill_after s (the run ended first?) ($summary)"
	elif [ -z "$epoch" ]; then
		echo "FAIL: $name: the primary did not move the lease to a new epoch ($summary)"
	elif ! grep -q "backup exit 117; backup: ft: this backup stands down: the lease moved past the primary's epoch 1.*; the primary finished the run\(; listener: [^;]*\)\{0,1\}$" <<<"$summary"; then
		echo "FAIL: $name: the backup did not stand down, or not alone ($summary)"
	elif grep -q '^backup: ft: the primary is gone: the guest goes live' "$results/$name.err"; then
		echo "FAIL: $name: the backup went live too ($summary)"
	elif same_as_native "$name" primary; then
		echo "PASS: $name (link cut after $kill_after s; the primary ran on alone under lease epoch $epoch to the native end; the backup stood down)"
	fi
}
