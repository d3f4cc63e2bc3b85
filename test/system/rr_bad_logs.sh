#!/usr/bin/env bash
# Bad logs on replay (SVM backend, QEMU): a value altered in the log is
# caught at the landmark of the altered entry (a device read the model
# disagrees with) or at the next digest (a TSC value); corrupted, truncated,
# foreign and garbage logs are refused with a message saying what is wrong.
# Also: hvlog's text round-trips a real log byte for byte, and a replay
# collects a trace.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests
hvlog=$root/build/tools/hvlog
log=$results/bad_base.rrlog
run() { "$root/scripts/run.sh" --emu qemu "$@"; }

set +e
run --guest "$g/nondet.elf" --cmdline "rr_digest=500" --record "$log" >/dev/null 2>"$results/bad_base.log"
set -e
"$hvlog" print "$log" > "$results/bad_base.txt"

# hvlog: text round trip of a real log.
"$hvlog" assemble "$results/bad_base.txt" "$results/bad_roundtrip.rrlog" 2>"$results/bad_roundtrip.err"
if cmp -s "$log" "$results/bad_roundtrip.rrlog"; then
	echo "PASS: rr_hvlog_round_trip_real_log ($(wc -l < "$results/bad_base.txt") lines)"
else
	echo "FAIL: rr_hvlog_round_trip_real_log: assemble(print(log)) differs from the log"
fi

# replay_case NAME WANT_STATUS LOGFILE -- PATTERN...: replays nondet from LOGFILE.
replay_case() {
	local name=$1 want=$2 file=$3
	shift 4
	local status
	set +e
	run --guest "$g/nondet.elf" --cmdline "rr_digest=500" --replay "$file" \
		>"$results/$name.log" 2>"$results/$name.log.stderr"
	status=$?
	set -e
	check_console "$name" "$results/$name.log" "$status" "$want" "$@"
}

# An RTC read altered: the device model disagrees at that very entry.
line=$(grep -m1 -n ' IO_IN port=0x71 ' "$results/bad_base.txt" | cut -d: -f1)
landmark=$(sed -n "${line}s/^E=\([0-9]*\) .*/\1/p" "$results/bad_base.txt")
sed "${line}s/value=0x[0-9a-f]*/value=0x77/" "$results/bad_base.txt" > "$results/bad_io.txt"
"$hvlog" assemble "$results/bad_io.txt" "$results/bad_io.rrlog"
replay_case rr_altered_io_value 122 "$results/bad_io.rrlog" -- \
	"replay diverged at landmark $landmark: IN from port 0x71 .* the log has .* value 0x77"

# A TSC value altered: the guest stores it; the next digest sees the change.
line=$(grep -n ' RDTSC ' "$results/bad_base.txt" | sed -n '300p' | cut -d: -f1)
landmark=$(sed -n "${line}s/^E=\([0-9]*\) .*/\1/p" "$results/bad_base.txt")
next_digest=$(awk -v l="$line" 'NR > l && / DIGEST / { sub(/^E=/, "", $1); print $1; exit }' "$results/bad_base.txt")
sed "${line}s/tsc=0x[0-9a-f]*/tsc=0x1234567890/" "$results/bad_base.txt" > "$results/bad_tsc.txt"
"$hvlog" assemble "$results/bad_tsc.txt" "$results/bad_tsc.rrlog"
replay_case rr_altered_tsc_value 122 "$results/bad_tsc.rrlog" -- \
	"replay diverged at landmark $next_digest: state digest: "
if [ -n "$next_digest" ] && [ "$next_digest" -ge "$landmark" ]; then
	echo "PASS: rr_altered_tsc_landmark_order (altered at $landmark, caught at the digest at $next_digest)"
else
	echo "FAIL: rr_altered_tsc_landmark_order: no digest after landmark $landmark"
fi

# One byte flipped inside the first frame's payload: its checksum fails.
cp "$log" "$results/bad_flip.rrlog"
printf '\xff' | dd of="$results/bad_flip.rrlog" bs=1 seek=200 conv=notrunc 2>/dev/null
replay_case rr_corrupted_log 122 "$results/bad_flip.rrlog" -- "the log is corrupt: .*checksum"

# Cut in the middle of a frame.
head -c $(( $(stat -c %s "$log") / 2 )) "$log" > "$results/bad_cut.rrlog"
replay_case rr_truncated_log 122 "$results/bad_cut.rrlog" -- "the log (is truncated|ends before the guest does)"

# A log of another guest, and bytes that are no log at all.
set +e
run --guest "$g/hello.elf" --replay "$log" >"$results/rr_foreign_log.log" 2>"$results/rr_foreign_log.log.stderr"
status=$?
set -e
check_console rr_foreign_log "$results/rr_foreign_log.log" "$status" 126 \
	"rr: the log was recorded with another guest kernel; refusing to replay it"
# The nondet log (tbit=auto: on) replayed with the T bit off: its
# landmarks would count other exits, so the header refuses it.
set +e
run --guest "$g/nondet.elf" --cmdline "rr_digest=500 tbit=off" --replay "$log" \
	>"$results/rr_tbit_mismatch.log" 2>"$results/rr_tbit_mismatch.log.stderr"
status=$?
set -e
check_console rr_tbit_mismatch "$results/rr_tbit_mismatch.log" "$status" 126 \
	"rr: the log was recorded with tbit=on and this replay has tbit=off .*: refusing to replay it; give tbit=on or tbit=auto"
head -c 4096 /dev/urandom > "$results/bad_garbage.rrlog"
replay_case rr_garbage_log 126 "$results/bad_garbage.rrlog" -- "rr: the log's header is unusable: "

# A trace collected during a replay of the paging guest.
trace=$results/rr_trace.trace
set +e
run --guest "$g/paging.elf" --record "$results/rr_trace.rrlog" >/dev/null 2>&1
run --guest "$g/paging.elf" --replay "$results/rr_trace.rrlog" \
	--trace "exits,io,pt,insns=0x100000-0x100100" --trace-out "$trace" >/dev/null 2>"$results/rr_trace.log"
status=$?
set -e
"$hvlog" print "$trace" > "$results/rr_trace.txt" 2>&1 || true
# Every traced instruction lies in the range asked for.
outside=0
for rip in $(sed -n 's/^E=[0-9]* rip=\(0x[0-9a-f]*\) .* T_INSN .*/\1/p' "$results/rr_trace.txt" | sort -u); do
	if (( rip < 0x100000 || rip >= 0x100100 )); then outside=$((outside + 1)); fi
done
if [ "$status" = 0 ] && grep -q ' T_EXIT ' "$results/rr_trace.txt" && grep -q ' T_IO ' "$results/rr_trace.txt" &&
   grep -q ' T_PT_WRITE ' "$results/rr_trace.txt" && grep -q ' T_INSN ' "$results/rr_trace.txt" &&
   [ "$outside" = 0 ] && grep -q 'rr: replay matches the recording' "$results/rr_trace.log"; then
	echo "PASS: rr_trace ($(grep -c ' T_INSN ' "$results/rr_trace.txt") instructions, $(grep -c ' T_PT_WRITE ' "$results/rr_trace.txt") page-table writes, $(grep -c ' T_EXIT ' "$results/rr_trace.txt") exits)"
else
	echo "FAIL: rr_trace: status $status, $outside traced instructions outside the range; see $results/rr_trace.txt"
fi

# Asynchronous entries altered: an interrupt's registers or the hash of the
# pages the guest wrote before it. Replay must never take such an entry for
# a moment it reached: it stops there.
async_log=$results/bad_async.rrlog
set +e
run --guest "$g/memloop.elf" --guest-args "pages=64" --cmdline "rr_digest=100" \
	--record "$async_log" >/dev/null 2>"$results/bad_async_base.log"
set -e
"$hvlog" print "$async_log" > "$results/bad_async.txt"
# alter_async NAME SED_EXPR: edits the first asynchronous INTERRUPT (and the
# CLOCK at its moment, which carries the same proof) and replays.
alter_async() {
	local name=$1 expr=$2 landmark status
	landmark=$(sed -n 's/^E=\([0-9]*\) .* async .* INTERRUPT .*/\1/p' "$results/bad_async.txt" | head -1)
	if [ -z "$landmark" ]; then
		echo "FAIL: $name: the memloop recording has no asynchronous interrupt"
		return
	fi
	sed "/^E=$landmark .* async /$expr" "$results/bad_async.txt" > "$results/$name.txt"
	rm -f "$results/$name.rrlog"
	if ! "$hvlog" assemble "$results/$name.txt" "$results/$name.rrlog" 2>"$results/$name.assemble"; then
		echo "FAIL: $name: hvlog did not assemble the altered log: $(head -c 300 "$results/$name.assemble")"
		return
	fi
	set +e
	run --guest "$g/memloop.elf" --guest-args "pages=64" --cmdline "rr_digest=100" \
		--replay "$results/$name.rrlog" >"$results/$name.log" 2>"$results/$name.log.stderr"
	status=$?
	set -e
	# caught at that landmark: searched for in vain, passed by the guest's
	# next exit, or (when the recording logged window pages for it, which
	# depends on where the timer struck) refused at once because the
	# window with those pages does not hash to the altered value
	check_console "$name" "$results/$name.log" "$status" 122 \
		"replay diverged at landmark ($landmark: the asynchronous .* was not reached exactly|$landmark: the write window differs from the asynchronous [A-Z]+'s even with its logged pages|$((landmark + 1)): the log has async [A-Z]+ at landmark $landmark .* which the guest passed without reaching)"
}
alter_async rr_altered_async_memory_hash 's/memory=0x[0-9a-f]*/memory=0x1234/'
alter_async rr_altered_async_registers 's/regs=0x[0-9a-f]*,/regs=0x5eed,/'
