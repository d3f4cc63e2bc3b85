#!/usr/bin/env bash
# Typed input for the guest (guest_input=on, hv/guest_input.c): what
# arrives on the guest console's host port reaches the guest's COM1, is
# logged as SERIAL_IN and replays without any input. Lines are typed into
# a FIFO once the guest asks (as a user types at a prompt):
# - serial_input_echoin_native: the echoin guest natively under QEMU,
#   typed at its COM1: the reference;
# - serial_input_echoin_svm_record: the same under Understudy (SVM),
#   recorded: the console equals the native run, the log holds a SERIAL_IN
#   entry per byte typed, some of them asynchronous (the guest spins
#   without exits while it waits: spin=1);
# - serial_input_echoin_svm_replay: that log replayed with nothing typed:
#   every digest confirmed, the same console and exit code;
# - serial_input_linux_shell_svm: Debian's cloud kernel with the busybox
#   shell (guest_shell=1): a command typed at its prompt runs, and the
#   guest ends with the exit code the typed command gave.
# QEMU only: Bochs' serial ports here take no input (docs/guest-platform.md).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
g=$root/build/guests
lines=$'hello world\na line longer than the receive FIFO of sixteen bytes\n\n12345678\nend\n'

# typed_run NAME READY_REGEX TEXT OUT_FILE command...: runs the command
# (its stdout, the guest's console, in OUT_FILE, its stderr in
# OUT_FILE.err) with a FIFO as its --input (appended), and types TEXT into
# it once OUT_FILE has a line matching READY_REGEX. Sets status.
typed_run() {
	local name=$1 ready=$2 text=$3 out=$4 fifo pid waited=0
	shift 4
	fifo=$results/$name.fifo
	rm -f "$fifo"
	mkfifo "$fifo"
	exec 7<>"$fifo"
	: > "$out"
	set +e
	"$@" --input "$fifo" >"$out" 2>"$out.err" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null && ! grep -q -E -- "$ready" "$out" 2>/dev/null &&
		[ "$waited" -lt 3000 ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	printf '%s' "$text" >&7
	wait "$pid"
	status=$?
	set -e
	exec 7>&-
	rm -f "$fifo"
}

# The native reference.
name=serial_input_echoin_native
typed_run "$name" '^echoin: ready' "$lines" "$results/$name.out" \
	"$root/scripts/run_native.sh" "$g/echoin.elf" --args "spin=1" --timeout 60
native_status=$status
if [ "$native_status" != 0 ] || ! grep -q '^echoin: line 5: end$' "$results/$name.out"; then
	echo "FAIL: $name: exit $native_status ($(tail -n 2 "$results/$name.out" | tr '\n' ' '))"
else
	echo "PASS: $name (5 lines typed, echoed, exit 0)"
fi

# Under Understudy (SVM), recorded.
name=serial_input_echoin_svm_record
log=$results/serial_input_echoin_svm.rrlog
typed_run "$name" '^echoin: ready' "$lines" "$results/$name.out" \
	"$root/scripts/run.sh" --emu qemu --timeout 120 --cmdline rr_digest=100 \
	--guest "$g/echoin.elf" --guest-args "spin=1" --record "$log"
record_status=$status
"$root/build/tools/hvlog" print "$log" > "$results/$name.txt" 2>&1 || true
serial_in=$(grep -c ' SERIAL_IN ' "$results/$name.txt" || true)
async_in=$(grep -c ' async .* SERIAL_IN ' "$results/$name.txt" || true)
if [ "$record_status" != "$native_status" ]; then
	echo "FAIL: $name: exit $record_status, $native_status natively ($(grep -m1 -E 'guest stopped|run.sh: ' "$results/$name.out.err"))"
elif ! "$root/test/system/compare_output.sh" "$results/serial_input_echoin_native.out" \
	"$results/$name.out" > "$results/$name.diff"; then
	echo "FAIL: $name: console differs from the native run (see $results/$name.diff)"
elif [ "$serial_in" != "${#lines}" ]; then
	echo "FAIL: $name: $serial_in SERIAL_IN entries in the log, ${#lines} bytes typed"
elif ! grep -q "guest input: ${#lines} bytes typed, ${#lines} delivered" "$results/$name.out.err"; then
	echo "FAIL: $name: the hypervisor did not report ${#lines} bytes typed and delivered"
elif [ "$async_in" = 0 ]; then
	echo "FAIL: $name: no SERIAL_IN came between two exits of the spinning guest (async)"
else
	echo "PASS: $name (as natively; ${#lines} bytes typed, ${#lines} SERIAL_IN entries, $async_in of them async)"
fi

# The recording replayed, nothing typed.
name=serial_input_echoin_svm_replay
set +e
"$root/scripts/run.sh" --emu qemu --timeout 300 --cmdline rr_digest=100 --guest "$g/echoin.elf" \
	--guest-args "spin=1" --replay "$log" >"$results/$name.out" 2>"$results/$name.out.err" </dev/null
status=$?
set -e
if [ "$status" != "$record_status" ]; then
	echo "FAIL: $name: exit $status in replay, $record_status recorded ($(replay_why "$results/$name.out.err"))"
elif ! grep -q 'rr: replay matches the recording' "$results/$name.out.err"; then
	echo "FAIL: $name: the replay did not confirm the recording ($(replay_why "$results/$name.out.err"))"
elif ! cmp -s "$results/serial_input_echoin_svm_record.out" "$results/$name.out"; then
	echo "FAIL: $name: the replay's console differs from the recording's"
elif grep -q "guest input:" "$results/$name.out.err"; then
	echo "FAIL: $name: the replay took input from the host"
else
	echo "PASS: $name ($(sed -n 's/.*replay matches the recording: \([0-9]*\) guest-caused.*/\1/p' "$results/$name.out.err") landmarks, every digest confirmed, nothing typed)"
fi

# Debian's cloud kernel with the busybox shell: a command typed at it.
name=serial_input_linux_shell_svm
k=$root/third_party/linux/vmlinuz-cloud
initrd=$root/build/linux/initramfs.cpio
tsc_khz=$(awk '/^cpu MHz/ { printf "%d", $4 * 1000; exit }' /proc/cpuinfo)
if [ ! -f "$k" ] || [ ! -f "$initrd" ]; then
	echo "FAIL: $name: $k or $initrd is missing (scripts/deps.sh, make linux-guest)"
else
	typed_run "$name" '^linux: done, 0 failures' $'echo typed-$((6 * 7)); guest-exit 7\n' \
		"$results/$name.out" "$root/scripts/run.sh" --emu qemu --mem 512 --timeout 300 \
		--cmdline "guest_mem=256M" --guest "$k" --initrd "$initrd" \
		--guest-args "console=ttyS0 loglevel=1 acpi=off pci=off nolapic tsc_early_khz=$tsc_khz guest_shell=1"
	if [ "$status" != 7 ]; then
		echo "FAIL: $name: exit $status, 7 wanted from the typed guest-exit ($(grep -m1 -E 'guest stopped|run.sh: ' "$results/$name.out.err"))"
	elif ! grep -q '^typed-42' "$results/$name.out"; then
		echo "FAIL: $name: the typed command's output (typed-42) is missing"
	else
		echo "PASS: $name (the shell ran the typed command: typed-42, exit 7)"
	fi
fi
