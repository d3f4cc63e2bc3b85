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

# check_console NAME LOG STATUS WANT PATTERN...
check_console() {
	local name=$1 log=$2 status=$3 want=$4
	shift 4
	if [ "$status" != "$want" ]; then
		echo "FAIL: $name: exit status $status, expected $want ($(tail -n 1 "$log.stderr" 2>/dev/null))"
		return 0
	fi
	local p
	for p in "$@"; do
		if [ "${p:0:1}" = "!" ]; then
			if grep -q -E -- "${p:1}" "$log"; then
				echo "FAIL: $name: console has a line matching '${p:1}'"
				return 0
			fi
		elif ! grep -q -E -- "$p" "$log"; then
			echo "FAIL: $name: no console line matches '$p'"
			return 0
		fi
	done
	echo "PASS: $name"
}
