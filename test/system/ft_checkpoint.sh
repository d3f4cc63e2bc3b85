#!/usr/bin/env bash
# Checkpoint mode (docs/fault-tolerance.md, "Checkpoint mode"): a guest
# run on a pair (scripts/pair.sh --mode checkpoint) whose primary sends
# its state every epoch instead of a log (issue 12, test h).
# - ft_ckpt_pair_ticker_tls_svm (h a): a whole run, the stream inside TLS
#   with the pair's key: the primary's exit code and console are the
#   native run's, the backup ends with the same exit code holding the
#   primary's final state (both print the same memory digest at the last
#   epoch), its console (the epochs' bytes) is the primary's byte for
#   byte, every epoch was acknowledged, and no log shows the key.
# - ft_ckpt_takeover_ticker_reads_svm_N (h b): the primary's emulator
#   SIGKILLed at a random moment: the backup goes live from the last epoch
#   it applied and runs the guest to its end with the native exit code;
#   what the outside saw (an outside listener, hvlisten, fed by whichever
#   side is live) is the native run's in its deterministic lines, with no
#   gap and no contradiction, and agrees with the consoles' reconstruction
#   (the primary's released bytes, then the backup's from there).
# - ft_ckpt_cut_link_witness_svm (h d): with the witness, the FT link cut
#   at a random moment, both sides alive: exactly one runs the guest on
#   (the primary, under a new lease epoch; the backup stands down).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ft_lib.sh"
g=$root/build/guests

# The line each side prints with its memory digest at the end of the run.
digest_of() { # side name
	sed -n "s/^$1: ft: checkpoint: .*memory digest \([0-9a-f]*\)$/\1/p" "$results/$2.err"
}

# ckpt_pair_case NAME GUEST ARGS: a whole run with KEY on both sides.
ckpt_pair_case() {
	local name=$1 guest=$2 args=$3 status native_status summary epochs acked
	native_and_pair "$name" "$guest" "$args" --emu qemu --mode checkpoint \
		--primary-options "ft_key=$KEY" --backup-options "ft_key=$KEY"
	read -r epochs acked < <(sed -n 's/^primary: ft: checkpoint mode: \([0-9]*\) epochs of [0-9]* ms, \([0-9]*\) acknowledged.*/\1 \2/p' "$results/$name.err")
	if ! same_as_native "$name" primary; then
		return
	elif ! grep -q "^pair.sh: primary exit $status, backup exit $status; .*the primary finished the run" "$results/$name.err"; then
		echo "FAIL: $name: the backup did not end with the primary's exit code ($summary)"
	elif [ -z "$(digest_of primary "$name")" ] || [ "$(digest_of primary "$name")" != "$(digest_of backup "$name")" ]; then
		echo "FAIL: $name: the backup's final state is not the primary's (digests '$(digest_of primary "$name")' and '$(digest_of backup "$name")')"
	elif ! cmp -s "$results/$name.logs/primary" "$results/$name.logs/backup"; then
		echo "FAIL: $name: the backup's console (its epochs' bytes) differs from the primary's"
	elif [ -z "${epochs:-}" ] || [ "$epochs" -lt 2 ] || [ "$acked" != "$epochs" ]; then
		echo "FAIL: $name: ${acked:-no} of ${epochs:-no} epochs acknowledged ($summary)"
	elif ! grep -q "^primary: ft: streaming to 10.9.0.2:9730 over TLS with the pre-shared key" "$results/$name.err" ||
		! grep -q "^backup: logstream: a recording streams its log here over TLS" "$results/$name.err"; then
		echo "FAIL: $name: the epochs did not go over TLS"
	elif ! keys_hidden "$results/$name.err" "$results/$name.out"; then
		echo "FAIL: $name: a log shows the key"
	else
		echo "PASS: $name ($epochs epochs, all acknowledged; $(sed -n 's/^primary: ft: checkpoint mode: [0-9]* epochs of [0-9]* ms, [0-9]* acknowledged; \(.*\)/\1/p' "$results/$name.err"); final memory digest $(digest_of backup "$name") on both; $(grep -c '' "$results/$name.out") console lines as natively)"
	fi
}

# ckpt_takeover_case NAME GUEST ARGS: the primary killed at a random moment.
ckpt_takeover_case() {
	local name=$1 status native_status kill_after summary at
	kill_run "$1" qemu "$2" "$3" kill-primary --mode checkpoint --listener
	at=$(sed -n 's/^backup: ft: the primary is gone: the guest goes live here, from epoch \([0-9]*\).*/\1/p' "$results/$name.err")
	if taken_over_cleanly "$name" "$at"; then
		echo "PASS: $name (primary killed after $kill_after s; the backup went live from epoch $at, $(sed -n 's/.*the backup went live \([0-9]*\) ms later.*/\1/p' <<<"$summary") ms after the kill, and ran the guest to its end; the outside saw $(stat -c %s "$results/$name.logs/primary") bytes from the primary, then the backup's, $(grep -c '' "$results/$name.out") lines as natively)"
	fi
}

ckpt_pair_case ft_ckpt_pair_ticker_tls_svm "$g/ticker.elf" "seconds=4"
for trial in 1 2 3; do
	ckpt_takeover_case "ft_ckpt_takeover_ticker_reads_svm_$trial" "$g/ticker.elf" "seconds=4 reads=20"
done
cut_link_case ft_ckpt_cut_link_witness_svm qemu "$g/ticker.elf" "seconds=8" --mode checkpoint
