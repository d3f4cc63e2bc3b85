#!/usr/bin/env bash
# The long trials (make test-long, docs/testing.md): every test guest
# migrated mid-run in all four directions, the live migrations between
# two Bochs (MIGRATE_MATRIX=full), a recorded Linux boot replayed three
# times (test/long/linux_rr_svm.sh), twenty failovers under a client's TCP
# stream to the Linux guest (test/long/ft_nic_trials.sh), and every fuzzer for 120 s (make
# test's run gives each 12). Prints
# one PASS/FAIL line per case and ends with "N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
results=$root/build/test-long-results
export TEST_RESULTS=$results
rm -rf "$results"
mkdir -p "$results"

{
	for script in migrate_guests migrate; do
		MIGRATE_MATRIX=full "$root/test/system/$script.sh" 2>&1
	done
	"$root/test/long/linux_rr_svm.sh" 2>&1
	"$root/test/long/ft_nic_trials.sh" 2>&1
	FUZZ_SECONDS=120 TEST_PARTS=fuzz "$root/test/run_all.sh" 2>&1
} | tee "$results/summary.txt" | grep -E '^(PASS|FAIL):'
passed=$(grep -c '^PASS' "$results/summary.txt")
failed=$(grep -c '^FAIL' "$results/summary.txt")
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
