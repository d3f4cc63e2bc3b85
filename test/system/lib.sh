# Helpers for system tests (sourced). A case boots Understudy through
# scripts/run.sh and checks its exit status and console lines.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
results=${TEST_RESULTS:-$root/build/test-results}
mkdir -p "$results"

# boot_case NAME EXPECTED_STATUS [run.sh args...] -- PATTERN...
# Each PATTERN is an extended regex that must match a console line; a
# PATTERN starting with '!' must match none. Prints "PASS: NAME" or
# "FAIL: NAME: reason"; the console is kept in $results/NAME.log.
boot_case() {
	local name=$1 want=$2
	shift 2
	local args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	local log=$results/$name.log status
	set +e
	"$root/scripts/run.sh" "${args[@]}" >"$log" 2>"$log.stderr"
	status=$?
	set -e
	check_console "$name" "$log" "$status" "$want" "$@"
}

# check_console NAME LOG STATUS WANT PATTERN...: PATTERNs are matched
# against LOG and LOG.stderr together.
check_console() {
	local name=$1 log=$2 status=$3 want=$4
	shift 4
	if [ "$status" != "$want" ]; then
		echo "FAIL: $name: exit status $status, expected $want ($(tail -n 1 "$log.stderr" 2>/dev/null))"
		return 0
	fi
	local p all=$log.all
	cat "$log" "$log.stderr" > "$all" 2>/dev/null || true
	for p in "$@"; do
		if [ "${p:0:1}" = "!" ]; then
			if grep -q -E -- "${p:1}" "$all"; then
				echo "FAIL: $name: console has a line matching '${p:1}'"
				return 0
			fi
		elif ! grep -q -E -- "$p" "$all"; then
			echo "FAIL: $name: no console line matches '$p'"
			return 0
		fi
	done
	echo "PASS: $name"
}

# tool_case NAME STATUS CMD... -- PATTERN...: runs a host tool; PASS when
# it exits with STATUS and its output (stdout and stderr) matches every
# PATTERN (a PATTERN starting with '!' must match no line).
tool_case() {
	local name=$1 want=$2
	shift 2
	local cmd=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do cmd+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	local log=$results/$name.log status
	set +e
	"${cmd[@]}" >"$log" 2>"$log.stderr"
	status=$?
	set -e
	check_console "$name" "$log" "$status" "$want" "$@"
}

# guest_case NAME [--cpu MODEL] [--emu EMU] -- GUEST.elf [--args "..."] [--module "FILE words"]...
#            [--initrd FILE]
# Runs the guest natively under QEMU (the reference; with --cpu MODEL too
# unless --emu is bochs, so both see one CPU vendor) and under Understudy;
# PASS when both exit with the same code and every deterministic console
# line (not starting with "~ ") is identical. Consoles are kept in
# $results/NAME.native and $results/NAME.guest, the hypervisor log in
# $results/NAME.log.
# need_linux NAME FILE...: the Linux test guest's files (scripts/deps.sh
# unpacks the kernels, make linux-guest builds the initramfs); a FAIL
# line and the script's end when one is missing.
need_linux() {
	local name=$1 f
	shift
	for f in "$@"; do
		[ -f "$f" ] || { echo "FAIL: $name: $f is missing (scripts/deps.sh, make linux-guest)"; exit 0; }
	done
}

guest_case() {
	local name=$1
	shift
	local hv_args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do hv_args+=("$1"); shift; done
	shift
	local guest=$1
	shift
	local native_args=() run_args=() i
	for ((i = 0; i < ${#hv_args[@]} - 1; i++)); do
		[ "${hv_args[i]}" = --emu ] && [ "${hv_args[i + 1]}" = bochs ] && native_args=() && break
		[ "${hv_args[i]}" = --cpu ] && native_args=(--cpu "${hv_args[i + 1]}")
	done
	while [ $# -gt 0 ]; do
		case "$1" in
		--args) native_args+=(--args "$2"); run_args+=(--guest-args "$2"); shift 2 ;;
		--module) native_args+=(--module "$2"); run_args+=(--guest-module "$2"); shift 2 ;;
		--initrd) native_args+=(--initrd "$2"); run_args+=(--initrd "$2"); shift 2 ;;
		*) echo "FAIL: $name: bad guest_case argument '$1'"; return 0 ;;
		esac
	done
	local native_status hv_status
	set +e
	"$root/scripts/run_native.sh" "$guest" "${native_args[@]}" >"$results/$name.native" 2>/dev/null
	native_status=$?
	"$root/scripts/run.sh" "${hv_args[@]}" --guest "$guest" "${run_args[@]}" \
		--guest-log "$results/$name.guest" >/dev/null 2>"$results/$name.log"
	hv_status=$?
	set -e
	if [ "$native_status" != "$hv_status" ]; then
		echo "FAIL: $name: exit code $hv_status under Understudy, $native_status natively ($(grep -m1 -E 'guest stopped|run.sh: ' "$results/$name.log" | tail -n 1))"
	elif ! "$root/test/system/compare_output.sh" "$results/$name.native" "$results/$name.guest" \
		>"$results/$name.diff" 2>&1; then
		echo "FAIL: $name: console differs from the native run (see $results/$name.diff)"
	else
		echo "PASS: $name ($(grep -c -v '^~ ' "$results/$name.guest") deterministic lines, exit code $hv_status)"
	fi
}

# stopped_case NAME [run.sh args...] -- PATTERN...: the hypervisor must stop
# the guest (exit status 120) and its log must match every PATTERN.
stopped_case() {
	local name=$1
	shift
	local args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	local log=$results/$name.log status
	set +e
	"$root/scripts/run.sh" "${args[@]}" >"$results/$name.guest" 2>"$log"
	status=$?
	set -e
	cp "$log" "$log.stderr"
	check_console "$name" "$log" "$status" 120 "$@"
}

# Why a replay did not confirm its recording, from its log: the divergence
# line, else a refusal, else run.sh's or the emulator's last words, else
# the replay's last rr: line.
replay_why() { # replay_log
	grep -m1 -E 'diverged at landmark' "$1" || grep -m1 -E 'refus|truncated' "$1" ||
		grep -m1 -E '^run\.sh: (the emulator|timed out|the hypervisor)' "$1" || grep -E 'rr:' "$1" | tail -n 1 || true
}

# rr_case NAME [run.sh args...] -- GUEST.elf [--args "..."] [--module "FILE words"]...
#         [--initrd FILE]
# Records the guest, then replays the log; PASS when the replay reports it
# matches the recording (every input at its landmark, the final digest
# identical), and the console and exit code are the recording's. The log is
# kept in $results/NAME.rrlog.
rr_case() {
	local name=$1
	shift
	local hv_args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do hv_args+=("$1"); shift; done
	shift
	local guest=$1
	shift
	local run_args=()
	while [ $# -gt 0 ]; do
		case "$1" in
		--args) run_args+=(--guest-args "$2"); shift 2 ;;
		--module) run_args+=(--guest-module "$2"); shift 2 ;;
		--initrd) run_args+=(--initrd "$2"); shift 2 ;;
		*) echo "FAIL: $name: bad rr_case argument '$1'"; return 0 ;;
		esac
	done
	local log=$results/$name.rrlog rec_status rep_status
	set +e
	"$root/scripts/run.sh" "${hv_args[@]}" --guest "$guest" "${run_args[@]}" --record "$log" \
		--guest-log "$results/$name.record.guest" >/dev/null 2>"$results/$name.record.log"
	rec_status=$?
	"$root/scripts/run.sh" "${hv_args[@]}" --timeout 900 --guest "$guest" "${run_args[@]}" \
		--replay "$log" --guest-log "$results/$name.replay.guest" \
		>/dev/null 2>"$results/$name.replay.log"
	rep_status=$?
	set -e
	if [ "$rec_status" != "$rep_status" ]; then
		echo "FAIL: $name: exit code $rep_status in replay, $rec_status in the recording ($(replay_why "$results/$name.replay.log"))"
	elif ! grep -q 'rr: replay matches the recording' "$results/$name.replay.log"; then
		echo "FAIL: $name: the replay did not confirm the recording ($(replay_why "$results/$name.replay.log"))"
	elif ! cmp -s "$results/$name.record.guest" "$results/$name.replay.guest"; then
		echo "FAIL: $name: the replay's console differs from the recording's"
	else
		echo "PASS: $name ($(stat -c %s "$log") log bytes, $(sed -n 's/.*replay matches the recording: \([0-9]*\) guest-caused.*/\1/p' "$results/$name.replay.log") landmarks, $(sed -n 's/^record\/replay (replay): .*, \([0-9]*\) digests$/\1/p' "$results/$name.replay.log") digests, exit code $rep_status)"
	fi
}
