#!/usr/bin/env bash
# Runs every test: host unit tests (cmocka, ASan/UBSan), bounded fuzzer runs
# (libFuzzer), and system tests that boot the real image in emulators.
# Prints one PASS/FAIL line per case and ends with "N passed, N failed".
#   FUZZ_SECONDS  seconds per fuzzer (default 12; make test-long: 120)
#   TEST_JOBS     system test scripts run at once (default: CPU count)
#   TEST_ONLY     a regex: run only system test scripts whose name matches
#   TEST_PARTS    which parts run (default "unit fuzz system")
#   SYSTEM_SCRIPT_SECONDS  one system test script's limit (default 1200)
#   SYSTEM_BUDGET_SECONDS  no system script starts after this (default 2400)
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
	if "$bin" -max_total_time="${FUZZ_SECONDS:-12}" -timeout=10 -rss_limit_mb=2048 \
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
	echo "== fuzzers (libFuzzer, ${FUZZ_SECONDS:-12} s each)"
	local jobs=${TEST_JOBS:-$(nproc)}
	export -f run_fuzzer
	export root results
	ls "$root"/build/fuzz/fuzz_* 2>/dev/null | while read -r bin; do [ -x "$bin" ] && echo "$bin"; done |
		xargs -P "$jobs" -I{} bash -c 'run_fuzzer "$1" > "$2/fuzz-$(basename "$1").line"' _ {} "$results"
	cat "$results"/fuzz-fuzz_*.line 2>/dev/null | record
}

# One system test script, bounded by SYSTEM_SCRIPT_SECONDS; its PASS/FAIL
# lines and its duration are printed as soon as it ends, so a run that is
# stopped from outside still shows what finished. A script past its time
# is stopped with everything it started (the processes that carry its
# UNDERSTUDY_TEST_SCRIPT mark: emulators run under their own timeout(1),
# in their own process groups) and reported as a failure.
run_system_script() { # script
	local script=$1 name out start status elapsed
	name=$(basename "$script" .sh)
	out=$results/system-$name.out
	start=$(date +%s)
	if [ "$(( start - ${SYSTEM_DEADLINE:-$((start + 1))} ))" -ge 0 ]; then
		echo "FAIL: $name.sh not started: the system tests' time budget (SYSTEM_BUDGET_SECONDS) was spent" > "$out"
	else
		UNDERSTUDY_TEST_SCRIPT=$name timeout -k 20 "${SYSTEM_SCRIPT_SECONDS:-1200}" "$script" > "$out" 2>&1
		status=$?
		elapsed=$(( $(date +%s) - start ))
		if [ $status -eq 124 ] || [ $status -eq 137 ]; then
			kill_marked "$name"
			echo "FAIL: $name.sh stopped after ${elapsed} s (SYSTEM_SCRIPT_SECONDS=${SYSTEM_SCRIPT_SECONDS:-1200})" >> "$out"
		elif [ $status -ne 0 ]; then
			echo "FAIL: $name.sh exited with status $status" >> "$out"
		fi
		echo "TIME: $name.sh ${elapsed} s" >> "$out"
	fi
	flock "$results/.print" sh -c 'grep -E "^(PASS|FAIL|TIME):" "$1" | tee -a "$2"' _ "$out" "$summary"
}

# SIGKILL of every process whose environment carries the script's mark.
kill_marked() { # name
	local env pid
	for env in /proc/[0-9]*/environ; do
		pid=${env#/proc/}; pid=${pid%/environ}
		tr '\0' '\n' < "$env" 2>/dev/null | grep -qx "UNDERSTUDY_TEST_SCRIPT=$1" && kill -9 "$pid" 2>/dev/null
	done
	return 0
}

# The system test scripts, TEST_JOBS at once, the slowest first (the order
# of test/system/slowest_first.txt, then the rest by name) so that the
# last to start are short; all within SYSTEM_BUDGET_SECONDS.
run_system_tests() {
	echo "== system tests (QEMU, OVMF, Bochs)"
	local jobs=${TEST_JOBS:-$(nproc)}
	export SYSTEM_DEADLINE=$(( $(date +%s) + ${SYSTEM_BUDGET_SECONDS:-2400} ))
	export -f run_system_script kill_marked
	export root results summary
	system_scripts | xargs -P "$jobs" -I{} bash -c 'run_system_script "$1"' _ {}
}

# The scripts to run, slowest first.
system_scripts() {
	local all
	all=$(ls "$root"/test/system/*.sh | grep -v -E '/([a-z]+_)?lib\.sh$' | grep -E "${TEST_ONLY:-.}")
	{ sed -e 's/#.*//' -e '/^ *$/d' "$root/test/system/slowest_first.txt" |
		while read -r name; do grep -x "$root/test/system/$name" <<<"$all" || true; done
	  echo "$all"; } | awk '!seen[$0]++'
}

parts=${TEST_PARTS:-unit fuzz system}
[[ " $parts " == *" unit "* ]] && run_unit_tests
[[ " $parts " == *" fuzz "* ]] && run_fuzzers
[[ " $parts " == *" system "* ]] && run_system_tests

passed=$(grep -c '^PASS' "$summary")
grep '^TIME' "$summary" | sort -k3 -n -r | head -5 | sed 's/^TIME: /slowest: /'
failed=$(grep -c '^FAIL' "$summary")
echo
grep '^FAIL' "$summary"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
