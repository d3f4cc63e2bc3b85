#!/usr/bin/env bash
# The long trials (make test-long, docs/testing.md): every test guest
# migrated mid-run in all three directions (MIGRATE_MATRIX=full). Prints
# one PASS/FAIL line per case and ends with "N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
results=$root/build/test-long-results
export TEST_RESULTS=$results
rm -rf "$results"
mkdir -p "$results"

MIGRATE_MATRIX=full "$root/test/system/migrate_guests.sh" 2>&1 | tee "$results/summary.txt" |
	grep -E '^(PASS|FAIL):'
passed=$(grep -c '^PASS' "$results/summary.txt")
failed=$(grep -c '^FAIL' "$results/summary.txt")
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
