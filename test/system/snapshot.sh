#!/usr/bin/env bash
# Snapshots (docs/snapshot-format.md): test guests snapshotted mid-run under
# QEMU (SVM) with snapshot_then=exit, then resumed from the snapshot under
# QEMU and once under Bochs (VMX); and one taken under Bochs resumed under
# QEMU: the first run's console up to the
# snapshot followed by the resumed run's console must be the native run's
# deterministic lines, with its exit code. A truncated snapshot, a
# corrupted one and one of another guest kernel are refused with the
# section named, and the guest does not start. With snapshot_then=continue
# the guest runs on as if nothing happened. A run resumed from a snapshot
# records, on QEMU and on Bochs, and its log replays from that snapshot
# only.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
g=$root/build/guests
printf 'module for snapshots\n' > "$results/snapshot_m1.txt"

# snap_take NAME WHEN GUEST [run.sh guest args...]: the first run, which
# writes $results/NAME.snap and NAME.part1 (its console); 1 if it failed.
snap_take() {
	local name=$1 when=$2 guest=$3 status
	shift 3
	set +e
	"$root/scripts/run.sh" --emu "${take_emu:-qemu}" ${take_cpu:+--cmdline "guest_cpu=$take_cpu"} \
		--guest "$guest" "$@" --snapshot "$when" \
		--snapshot-out "$results/$name.snap" --guest-log "$results/$name.part1" \
		>/dev/null 2>"$results/$name.take.log"
	status=$?
	set -e
	if [ "$status" != 0 ] || ! grep -q 'snapshot written; the guest stopped' "$results/$name.take.log"; then
		echo "FAIL: $name: no snapshot taken (exit status $status, see $results/$name.take.log)"
		return 1
	fi
}

# snap_case NAME EMU WHEN GUEST BASE [--args "..."] [--module "FILE words"]:
# snapshot under QEMU (Bochs with take_emu=bochs) into BASE.snap (reused
# when taken), resume under EMU, compare with the native run.
snap_case() {
	local name=$1 emu=$2 when=$3 guest=$4 base=$5
	shift 5
	local native_args=() run_args=() native_status status taken_on=svm
	[ "${take_emu:-qemu}" = bochs ] && taken_on=vmx
	while [ $# -gt 0 ]; do
		case "$1" in
		--args) native_args+=(--args "$2"); run_args+=(--guest-args "$2"); shift 2 ;;
		--module) native_args+=(--module "$2"); run_args+=(--guest-module "$2"); shift 2 ;;
		*) echo "FAIL: $name: bad snap_case argument '$1'"; return 0 ;;
		esac
	done
	if [ ! -f "$results/$base.snap" ]; then
		snap_take "$base" "$when" "$guest" "${run_args[@]}" || return 0
	fi
	set +e
	"$root/scripts/run_native.sh" "$guest" "${native_args[@]}" >"$results/$base.native" 2>/dev/null
	native_status=$?
	"$root/scripts/run.sh" --emu "$emu" --guest "$guest" "${run_args[@]}" \
		--resume "$results/$base.snap" --guest-log "$results/$name.part2" \
		>/dev/null 2>"$results/$name.log"
	status=$?
	set -e
	cat "$results/$base.part1" "$results/$name.part2" > "$results/$name.guest"
	if [ "$status" != "$native_status" ]; then
		echo "FAIL: $name: exit code $status resumed, $native_status natively ($(grep -m1 -E 'guest stopped|refused|run.sh: ' "$results/$name.log" | tail -n 1))"
	elif ! grep -q "snapshot: resumed a snapshot taken on $taken_on" "$results/$name.log"; then
		echo "FAIL: $name: the run did not say it resumed (see $results/$name.log)"
	elif [ ! -s "$results/$base.part1" ] || [ ! -s "$results/$name.part2" ]; then
		echo "FAIL: $name: one side of the snapshot printed nothing (not mid-run)"
	elif ! "$root/test/system/compare_output.sh" "$results/$base.native" "$results/$name.guest" \
		>"$results/$name.diff" 2>&1; then
		echo "FAIL: $name: console before + after the snapshot differs from the native run (see $results/$name.diff)"
	else
		echo "PASS: $name ($(grep -c -v '^~ ' "$results/$base.part1") + $(grep -c -v '^~ ' "$results/$name.part2") deterministic lines around the snapshot, $(stat -c %s "$results/$base.snap") bytes, exit code $status)"
	fi
}

# refused_case NAME SNAPSHOT GUEST PATTERN: resuming (under QEMU, or
# resume_emu) must be refused (126) with a message matching PATTERN, and
# the guest must print nothing.
refused_case() {
	local name=$1 snap=$2 guest=$3 pattern=$4 status
	shift 4
	set +e
	"$root/scripts/run.sh" --emu "${resume_emu:-qemu}" --guest "$guest" "$@" --resume "$snap" \
		--guest-log "$results/$name.guest" >/dev/null 2>"$results/$name.log"
	status=$?
	set -e
	if [ "$status" != 126 ]; then
		echo "FAIL: $name: exit status $status, expected 126 (refused)"
	elif ! grep -q -E -- "$pattern" "$results/$name.log"; then
		echo "FAIL: $name: no message matches '$pattern' (see $results/$name.log)"
	elif ! grep -q 'the guest was not started' "$results/$name.log" || [ -s "$results/$name.guest" ]; then
		echo "FAIL: $name: the guest started"
	else
		echo "PASS: $name ($(grep -m1 -o 'snapshot refused: .*' "$results/$name.log"))"
	fi
}

rm -f "$results"/snapshot_*.snap
hello=(--args "a=1 b=2" --module "$results/snapshot_m1.txt x=y")
snap_case snapshot_hello_svm qemu exits:300 "$g/hello.elf" snapshot_hello "${hello[@]}"
snap_case snapshot_timer_svm qemu exits:200 "$g/timer.elf" snapshot_timer
snap_case snapshot_memloop_svm qemu exits:300 "$g/memloop.elf" snapshot_memloop --args "pages=64"
# Between QEMU's AMD CPU and Bochs' Intel one the guest is given a CPU
# both can: the x86-64-v3 level (guest_cpu=), which it keeps.
take_cpu=x86-64-v3 snap_case snapshot_timer_v3_svm qemu exits:200 "$g/timer.elf" snapshot_timer_v3
take_cpu=x86-64-v3 snap_case snapshot_timer_vmx bochs exits:200 "$g/timer.elf" snapshot_timer_v3
take_cpu=x86-64-v3 take_emu=bochs snap_case snapshot_timer_vmx_to_svm qemu exits:200 "$g/timer.elf" \
	snapshot_timer_bochs
# The guest's DR0-3, DR6, DR7, XCR0 and YMM0-7 set before the snapshot and
# checked after it (test/guests/xstate.c): SVM to SVM, SVM to VMX, VMX to SVM.
take_cpu=x86-64-v3 snap_case snapshot_xstate_svm qemu exits:3000 "$g/xstate.elf" snapshot_xstate
take_cpu=x86-64-v3 snap_case snapshot_xstate_vmx bochs exits:3000 "$g/xstate.elf" snapshot_xstate
take_cpu=x86-64-v3 take_emu=bochs snap_case snapshot_xstate_vmx_to_svm qemu exits:3000 "$g/xstate.elf" \
	snapshot_xstate_bochs

# The refusals, on the timer's snapshot.
s=$results/snapshot_timer.snap
if [ -f "$s" ]; then
	size=$(stat -c %s "$s")
	head -c $((size - 100)) "$s" > "$results/snapshot_truncated.snap"
	refused_case snapshot_refuse_truncated "$results/snapshot_truncated.snap" "$g/timer.elf" \
		'snapshot refused: .*section [0-9]+ \(MEMORY\).*truncated'
	cp "$s" "$results/snapshot_corrupt.snap"
	printf '\xff' | dd of="$results/snapshot_corrupt.snap" bs=1 seek=300 conv=notrunc status=none
	refused_case snapshot_refuse_corrupt "$results/snapshot_corrupt.snap" "$g/timer.elf" \
		'snapshot refused: section 0 \(VCPU\) at offset 104: checksum mismatch'
	refused_case snapshot_refuse_other_kernel "$s" "$g/hello.elf" \
		'snapshot refused: .*another guest: kernel_hash'
	# QEMU's AMD CPU as the guest saw it (UMIP, VAES, SSE4A...) is not one
	# Bochs' Intel CPU can give it.
	resume_emu=bochs refused_case snapshot_refuse_cpu_svm_to_vmx "$s" "$g/timer.elf" \
		"snapshot refused: DEVICE cpuid: the guest's CPU has CPUID .* that this host cannot give it"
else
	echo "FAIL: snapshot_refusals: no timer snapshot to alter"
fi

# snapshot=after:SECONDS with snapshot_then=continue: the guest runs on
# undisturbed (console and exit code as natively) and the snapshot, taken
# at one guest second, verifies.
name=snapshot_continue_ticker
set +e
"$root/scripts/run_native.sh" "$g/ticker.elf" --args "seconds=2" >"$results/$name.native" 2>/dev/null
native_status=$?
"$root/scripts/run.sh" --emu qemu --guest "$g/ticker.elf" --guest-args "seconds=2" \
	--snapshot after:1 --snapshot-then continue --snapshot-out "$results/$name.snap" \
	--guest-log "$results/$name.guest" >/dev/null 2>"$results/$name.log"
status=$?
"$root/build/tools/hvlog" snapshot "$results/$name.snap" >"$results/$name.hvlog" 2>&1
verified=$?
set -e
if [ "$status" != "$native_status" ]; then
	echo "FAIL: $name: exit code $status, $native_status natively"
elif ! grep -q -E 'snapshot: [0-9]+ bytes at landmark' "$results/$name.log"; then
	echo "FAIL: $name: no snapshot taken (see $results/$name.log)"
elif [ "$verified" != 0 ]; then
	echo "FAIL: $name: the snapshot does not verify ($(tail -n 1 "$results/$name.hvlog"))"
elif ! "$root/test/system/compare_output.sh" "$results/$name.native" "$results/$name.guest" \
	>"$results/$name.diff" 2>&1; then
	echo "FAIL: $name: console differs from the native run (see $results/$name.diff)"
else
	echo "PASS: $name (guest went on after a $(stat -c %s "$results/$name.snap")-byte snapshot at $(grep -o -m1 'device time [0-9]* ns' "$results/$name.log"); $(tail -n 1 "$results/$name.hvlog"))"
fi

# A run resumed from a snapshot records, and its log replays from the same
# snapshot only: the log's identity folds the snapshot in.
# (rr_case of lib.sh, with the snapshot among the hypervisor's arguments)
snap=$results/snapshot_timer.snap
rr_case snapshot_rr_svm --emu qemu --resume "$snap" --cmdline rr_digest=100 -- "$g/timer.elf"
# (on Bochs' Intel CPU, the snapshot whose guest has the x86-64-v3 CPU)
rr_case snapshot_rr_vmx --emu bochs --resume "$results/snapshot_timer_v3.snap" --cmdline rr_digest=100 \
	-- "$g/timer.elf"
# that log without its snapshot: refused before the guest starts
set +e
"$root/scripts/run.sh" --emu qemu --guest "$g/timer.elf" --cmdline rr_digest=100 \
	--replay "$results/snapshot_rr_svm.rrlog" >/dev/null 2>"$results/snapshot_rr_no_snapshot.log"
status=$?
set -e
check_console snapshot_rr_no_snapshot "$results/snapshot_rr_no_snapshot.log" "$status" 126 \
	'rr: the log was recorded with another guest modules; refusing to replay it'

# A snapshot taken while recording (snapshot_then=continue): the log goes to
# COM3 and the snapshot over TCP to hvcollect (snapshot_sink=tcp, the two
# cannot share COM3). The recording goes on; the log replays from the start,
# and from the snapshot hvcollect stored (resume=on with the same log: the
# replay skips to the log's SNAPSHOT entry), matching the recording at every
# digest, its console then being the recording's from the snapshot on. A
# snapshot the log does not name is refused.
snap_while_recording() { # name emu guest when [guest args]
	local name=$1 emu=$2 guest=$3 when=$4 gargs=${5:-} rec rep reps size
	local snap=$results/$1.snap log=$results/$1.rrlog
	rm -f "$log"
	start_hvcollect "$name" "$snap"
	set +e
	"$root/scripts/run.sh" --emu "$emu" --timeout 900 --nic e1000 --guest "$guest" \
		--guest-args "$gargs" --record "$log" \
		--cmdline "rr_digest=100 ip=10.0.2.15 gw=10.0.2.2 snapshot=$when snapshot_then=continue snapshot_sink=tcp rr_collector=10.0.2.2:$hc_port" \
		--guest-log "$results/$name.record.guest" >/dev/null 2>"$results/$name.record.log"
	rec=$?
	set -e
	wait_or_stop "$hc_pid" 30
	if [ "$wait_status" != 0 ] || [ ! -f "$snap" ] || ! grep -q 'rr: snapshot [0-9a-f]* logged at landmark' "$results/$name.record.log"; then
		echo "FAIL: $name: no snapshot while recording (exit $rec, hvcollect $wait_status: $(grep -E 'snapshot:|rr:' "$results/$name.record.log" | tail -n 1))"
		return 0
	fi
	set +e
	"$root/scripts/run.sh" --emu "$emu" --timeout 900 --guest "$guest" --guest-args "$gargs" \
		--cmdline rr_digest=100 --replay "$log" --guest-log "$results/$name.replay.guest" \
		>/dev/null 2>"$results/$name.replay.log"
	rep=$?
	"$root/scripts/run.sh" --emu "$emu" --timeout 900 --guest "$guest" --guest-args "$gargs" \
		--cmdline rr_digest=100 --replay "$log" --resume "$snap" \
		--guest-log "$results/$name.from_snapshot.guest" >/dev/null 2>"$results/$name.from_snapshot.log"
	reps=$?
	set -e
	size=$(stat -c %s "$results/$name.from_snapshot.guest")
	if [ "$rep" != "$rec" ] || ! grep -q 'rr: replay matches the recording' "$results/$name.replay.log"; then
		echo "FAIL: $name: the replay from the start: exit $rep, recording $rec ($(replay_why "$results/$name.replay.log"))"
	elif ! cmp -s "$results/$name.record.guest" "$results/$name.replay.guest"; then
		echo "FAIL: $name: the replay from the start: its console differs from the recording's"
	elif [ "$reps" != "$rec" ] || ! grep -q 'rr: replay matches the recording' "$results/$name.from_snapshot.log"; then
		echo "FAIL: $name: the replay from the snapshot: exit $reps, recording $rec ($(replay_why "$results/$name.from_snapshot.log"))"
	elif [ "$size" = 0 ] || ! tail -c "$size" "$results/$name.record.guest" | cmp -s - "$results/$name.from_snapshot.guest"; then
		echo "FAIL: $name: the replay from the snapshot printed what the recording did not print last"
	else
		echo "PASS: $name (snapshot at landmark $(sed -n 's/^rr: snapshot [0-9a-f]* logged at landmark \([0-9]*\)$/\1/p' "$results/$name.record.log"), $(stat -c %s "$snap") bytes via hvcollect; the $(stat -c %s "$log")-byte log replays from the start and from the snapshot, $(sed -n 's/.*(\([0-9]*\) log entries before it skipped).*/\1/p' "$results/$name.from_snapshot.log") entries skipped)"
	fi
}
snap_while_recording snapshot_while_recording_svm qemu "$g/timer.elf" exits:200
snap_while_recording snapshot_while_recording_memloop_svm qemu "$g/memloop.elf" exits:300 pages=64
snap_while_recording snapshot_while_recording_vmx bochs "$g/timer.elf" exits:200

# The log with a snapshot it does not name (the one taken above without
# recording): refused before the guest starts.
if [ -f "$results/snapshot_while_recording_svm.rrlog" ] && [ -f "$results/snapshot_timer.snap" ]; then
	set +e
	"$root/scripts/run.sh" --emu qemu --guest "$g/timer.elf" --cmdline rr_digest=100 \
		--replay "$results/snapshot_while_recording_svm.rrlog" --resume "$results/snapshot_timer.snap" \
		>/dev/null 2>"$results/snapshot_while_recording_other.log"
	status=$?
	set -e
	check_console snapshot_while_recording_other "$results/snapshot_while_recording_other.log" "$status" 126 \
		'rr: the log was recorded from the start and names no snapshot [0-9a-f]+: this snapshot was not taken during it'
else
	echo "FAIL: snapshot_while_recording_other: no log or snapshot to try"
fi
