#!/usr/bin/env bash
# Runs every test: host unit tests (cmocka, ASan/UBSan), bounded fuzzer runs
# (libFuzzer), and system tests that boot the real image in emulators.
# Prints one PASS/FAIL line per case and ends with "N passed, N failed".
#   FUZZ_SECONDS  seconds per fuzzer (default 20)
#   TEST_JOBS     system test scripts run at once (default: CPU count)
#   TEST_ONLY     a regex: run only system test scripts whose name matches
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
results=$root/build/test-results
export TEST_RESULTS=$results
rm -rf "$results"
mkdir -p "$results"
summary=$results/summary.txt
: > "$summary"

record() { tee -a "$summary"; }

run_unit_tests() {
	echo "== unit tests (cmocka, ASan/UBSan)"
	local bin out status
	for bin in "$root"/build/unit/test_*; do
		[ -x "$bin" ] || continue
		out=$results/unit-$(basename "$bin").tap
		CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$out" 2>&1
		status=$?
		sed -n -e "s/^ok [0-9]* - \(.*\)/PASS: unit $(basename "$bin") \1/p" \
			-e "s/^not ok [0-9]* - \(.*\)/FAIL: unit $(basename "$bin") \1/p" "$out" | record
		if [ $status -ne 0 ] && ! grep -q '^not ok' "$out"; then
			echo "FAIL: unit $(basename "$bin") exited with status $status (see $out)" | record
		fi
	done
}

# One fuzzer's bounded run from a copy of its seed corpus; prints its line.
run_fuzzer() { # binary
	local bin=$1 name corpus
	name=${bin##*/fuzz_}
	corpus=$(mktemp -d)
	cp -r "$root/test/fuzz/corpus/$name/." "$corpus/" 2>/dev/null || true
	if "$bin" -max_total_time="${FUZZ_SECONDS:-20}" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 "$corpus" >"$results/fuzz-$name.log" 2>&1; then
		echo "PASS: fuzz $name ($(sed -n 's/^stat::number_of_executed_units: *//p' \
			"$results/fuzz-$name.log") inputs)"
	else
		echo "FAIL: fuzz $name (see $results/fuzz-$name.log)"
	fi
	rm -rf "$corpus"
}

# The fuzzers, as many at once as system tests run (each is one process
# on one core), their lines in name order.
run_fuzzers() {
	echo "== fuzzers (libFuzzer, ${FUZZ_SECONDS:-20} s each)"
	local jobs=${TEST_JOBS:-$(nproc)}
	export -f run_fuzzer
	export root results
	ls "$root"/build/fuzz/fuzz_* 2>/dev/null | while read -r bin; do [ -x "$bin" ] && echo "$bin"; done |
		xargs -P "$jobs" -I{} bash -c 'run_fuzzer "$1" > "$2/fuzz-$(basename "$1").line"' _ {} "$results"
	cat "$results"/fuzz-fuzz_*.line 2>/dev/null | record
}

run_system_tests() {
	echo "== system tests (QEMU, OVMF, Bochs)"
	local jobs=${TEST_JOBS:-$(nproc)}
	ls "$root"/test/system/*.sh | grep -v -E '/([a-z]+_)?lib\.sh$' | grep -E "${TEST_ONLY:-.}" |
		xargs -P "$jobs" -I{} sh -c '"$1" > "$2/system-$(basename "$1" .sh).out" 2>&1 || echo "FAIL: $(basename "$1") exited with status $?" >> "$2/system-$(basename "$1" .sh).out"' _ {} "$results"
	cat "$results"/system-*.out | grep -E '^(PASS|FAIL):' | record
}

run_unit_tests
run_fuzzers
run_system_tests

passed=$(grep -c '^PASS' "$summary")
failed=$(grep -c '^FAIL' "$summary")
echo
grep '^FAIL' "$summary"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
