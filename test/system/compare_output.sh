#!/usr/bin/env bash
# Compares a guest's console from a native QEMU run with the same guest's
# console under Understudy: lines starting with "~ " may differ (times, TSC
# values, random numbers, CPU-dependent results) and are dropped; every
# other line must be identical, byte for byte, in the same order.
#
#   test/system/compare_output.sh NATIVE.out HYPERVISOR.out
#
# Exit status 0 when they match; 1 with a unified diff of the compared lines
# otherwise; 2 for bad arguments. Without arguments (test/run_all.sh runs
# every test/system/*.sh that way) it checks itself on built-in examples
# and prints PASS/FAIL lines.
set -euo pipefail

# The lines that must match: everything but "~ " lines. (sed, unlike grep,
# keeps a missing final newline, so a cut-off last line is noticed.)
deterministic() { sed -e '/^~ /d' "$1"; }

compare() { # NATIVE HYPERVISOR
	local a b
	a=$(mktemp)
	b=$(mktemp)
	deterministic "$1" > "$a"
	deterministic "$2" > "$b"
	local status=0
	diff -u --label "$1 (without ~ lines)" --label "$2 (without ~ lines)" "$a" "$b" || status=$?
	rm -f "$a" "$b"
	[ "$status" -le 1 ] || exit 2
	return "$status"
}

self_test() {
	selftest_dir=$(mktemp -d)
	trap 'rm -rf "$selftest_dir"' EXIT
	local d=$selftest_dir failed=0
	printf 'g: start\n~ g: tsc 1\ng: x\ng: done, 0 failures\n' > "$d/a"
	printf 'g: start\n~ g: tsc 99\n~ g: extra\ng: x\ng: done, 0 failures\n' > "$d/b"
	printf 'g: start\ng: y\ng: done, 0 failures\n' > "$d/c"
	printf 'g: start\n~g: x\ng: done, 0 failures\n' > "$d/e"   # "~" without a space counts
	printf 'g: start\ng: x\ng: done, 0 failures' > "$d/f"       # no final newline
	expect() { # WANT(same|differ) A B WHAT
		local got=differ
		compare "$d/$2" "$d/$3" >/dev/null && got=same
		if [ "$got" = "$1" ]; then echo "PASS: compare_output $4"
		else echo "FAIL: compare_output $4"; failed=1; fi
	}
	expect same a b "ignores ~ lines"
	expect differ a c "finds a differing line"
	expect differ a e "excludes only lines starting with '~ '"
	expect differ a f "finds a missing final newline"
	return "$failed"
}

case $# in
0) self_test ;;
2) for f in "$1" "$2"; do
	[ -f "$f" ] || { echo "compare_output.sh: no such file '$f'" >&2; exit 2; }
   done
   compare "$1" "$2" ;;
*) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
