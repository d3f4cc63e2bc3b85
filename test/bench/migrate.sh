#!/usr/bin/env bash
# Live migration's figures (docs/migration.md) for the dirty guest at
# several write rates, each migrated once between two QEMU (SVM) instances
# through scripts/migrate.sh: rounds and pages per round, bytes sent
# against guest RAM, the stun (cycles, pages, their share of the pages
# sent again), bytes per page by encoding; then dirty tracking: the
# mechanism the automatic choice (or dirty_track=) settled on and why, and
# what each mechanism that tracked cost per epoch, measured, with the
# prediction for the last epoch's dirty set; then, where one end is QEMU,
# the page pairs of each run: its stream captured (migrate.sh --capture)
# and taken apart by build/bench/mig_pairs, the bytes per page sent again
# in the encoding the source chose, in each of ours, and in QEMU's XBZRLE
# on the same (old, new) pairs, with QEMU's cache policy and on every pair
# (docs/page-encoding.md). Every run must
# also end with the guest's native output, else the bench fails.
#   test/bench/migrate.sh [--rates "64 256 1024 0"] [--from qemu|bochs] [--to qemu|bochs]
#                         [--dirty-track auto|wp|ad|pml] [--guest-args "pages=2048 hot=64"]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
guest=$root/build/guests/dirty.elf
pairs_bin=$root/build/bench/mig_pairs
rates="64 256 1024 0"
from=qemu to=qemu dirty_track=auto
ARGS_BASE="pages=2048 hot=64"

fail() {
	echo "FAIL: migrate bench: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case "$1" in
	--rates) rates=$2; shift 2 ;;
	--from) from=$2; shift 2 ;;
	--to) to=$2; shift 2 ;;
	--dirty-track) dirty_track=$2; shift 2 ;;
	--guest-args) ARGS_BASE=$2; shift 2 ;;
	*) fail "unknown argument '$1'" ;;
	esac
done
[ -s "$guest" ] || fail "$guest is not built (make guests)"
[ -s "$root/build/understudy.iso" ] || fail "build/understudy.iso is not built (make all)"
[ -x "$pairs_bin" ] || fail "$pairs_bin is not built (make all)"
capture=0
[ "$from" != qemu ] && [ "$to" != qemu ] || capture=1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Rounds that keep the guest running for several seconds at rate (a
# round writes about 2300 pages).
rounds_for() { # rate
	case "$1" in
	0) echo 300 ;;
	*) echo $((30 + $1 / 4)) ;;
	esac
}

# One migration at rate (pages written per 10 ms tick; 0: unpaced).
measure() { # rate
	local args="$ARGS_BASE rounds=$(rounds_for "$1") rate=$1" out=$work/r$1 status
	local capture_args=()
	[ "$capture" = 0 ] || capture_args=(--capture "$out.pcap")
	"$root/scripts/run_native.sh" "$guest" --args "$args" --timeout 300 >"$out.native" 2>/dev/null ||
		fail "the native run at rate $1 failed"
	set +e
	"$root/scripts/migrate.sh" --guest "$guest" --guest-args "$args" --after 1 \
		--from "$from" --to "$to" --source-options "dirty_track=$dirty_track" \
		--logs "$out.logs" ${capture_args[@]+"${capture_args[@]}"} >"$out.out" 2>"$out.err"
	status=$?
	set -e
	[ "$status" = 0 ] || fail "rate $1: exit status $status (see the logs: rerun scripts/migrate.sh)"
	grep -q '^source: understudy: migrated$' "$out.err" ||
		fail "rate $1: the source did not migrate ($(grep -m1 'migration: failed' "$out.err" || true))"
	"$root/test/system/compare_output.sh" "$out.native" "$out.out" >/dev/null 2>&1 ||
		fail "rate $1: the console across both hosts differs from the native run"
	row "$1" "$out.err"
	dirty_row "$1" "$out.err" >>"$work/dirty"
	[ "$capture" = 0 ] || pairs_row "$1" "$out.pcap" >>"$work/pairs"
}

# One run's page pairs from its capture: pages sent again, mean bytes per
# page as the source chose and in each encoding, XBZRLE, the ratios, and
# what the source chose.
pairs_row() { # rate pcap
	local res
	[ -s "$2" ] || fail "rate $1: no capture of the migration ($2)"
	res=$("$pairs_bin" "$2" 2>&1) || fail "rate $1: mig_pairs: $res"
	echo "$res" | awk -v r="$1" '
		/^ *resent / { getline; row = $0 }
		/^chosen by the source:/ { sub(/^chosen by the source: /, ""); chosen = $0 }
		/^xbzrle:/ { sub(/^xbzrle: /, ""); x = $0 }
		END {
			if (row == "") exit 1
			printf "%-6s %s  | %s | xbzrle: %s\n", r, row, chosen, x
		}' || fail "rate $1: no table in mig_pairs' output"
}

# One run's dirty tracking: the mechanism chosen and why, then per
# mechanism: cycles per epoch measured (epochs, exits, pages scanned, log
# entries) and predicted.
dirty_row() { # rate err
	local chosen mechs starts traces
	chosen=$(sed -n 's/^source: migration: dirty tracking: \([^(]*\) (\([^)]*\)), \([0-9]*\) epochs, \([0-9]*\) switches.*/\1|\2|\3|\4/p' "$2")
	mechs=$(sed -n 's/^source: migration: dirty tracking by \([^:]*\): \([0-9]*\) epochs, [0-9]* cycles (\([0-9]*\) per epoch, last [0-9]*), \([0-9]*\) exits, \([0-9]*\) pages scanned, \([0-9]*\) log entries; predicted \([0-9]*\) cycles.epoch/\1|\2|\3|\4|\5|\6|\7/p' "$2" |
		awk -F'|' '{ printf "%s%s: %s/epoch x%s (%s exits, %s scanned, %s logged; predicted %s)", sep, $1, $3, $2, $4, $5, $6, $7; sep = "; " }')
	starts=$(sed -n 's/^source: migration: dirty tracking by \([^:]*\): started in \([0-9]*\) cycles.*/\1|\2/p' "$2" |
		awk -F'|' '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')
	traces=$(sed -n 's/^source: migration: write traces at 2 MiB: //p' "$2")
	[ -n "$chosen" ] || fail "rate $1: no dirty tracking line in the source's log"
	echo "$chosen" | awk -F'|' -v r="$1" -v m="$mechs; started in cycles: $starts${traces:+; 2 MiB traces: $traces}" \
		'{ printf "%-6s %-18s %6s %8s  %-42s | %s\n", r, $1, $3, $4, $2, m }'
}

# Prints one table row from a run's logs.
row() { # rate err
	local s rounds pages bytes ram stun stun_pages share per_round enc
	s=$(sed -n 's/^source: migration: summary: //p' "$2")
	rounds=$(echo "$s" | sed -n 's/^rounds \([0-9]*\),.*/\1/p')
	pages=$(echo "$s" | sed -n 's/.* pages \([0-9]*\), bytes.*/\1/p')
	bytes=$(echo "$s" | sed -n 's/.* bytes \([0-9]*\) (RAM.*/\1/p')
	ram=$(echo "$s" | sed -n 's/.*(RAM \([0-9]*\)).*/\1/p')
	stun=$(echo "$s" | sed -n 's/.* stun \([0-9]*\) cycles.*/\1/p')
	stun_pages=$(echo "$s" | sed -n 's/.* cycles, \([0-9]*\) pages (.*/\1/p')
	share=$(echo "$s" | sed -n 's/.* pages (\([0-9.]*%\) of the pages sent again.*/\1/p')
	per_round=$(sed -n 's/^source: migration: round [0-9]*: \([0-9]*\) pages sent.*/\1/p' "$2" | paste -sd/)
	enc=$(sed -n 's/^source: migration: encoding \([a-z0-9-]*\): \([0-9]*\) pages, \([0-9]*\) bytes/\1 \2 \3/p' "$2" |
		awk '{ printf "%s%s %.0f B/page", sep, $1, $3 / $2; sep = ", " }')
	[ -n "$rounds" ] && [ -n "$bytes" ] || fail "rate $1: no summary line in the source's log"
	printf '%-6s %6s %-22s %9s %6s %12s %6s %7s  %s\n' "$1" "$rounds" "$per_round" "$bytes" \
		"$(awk -v b="$bytes" -v r="$ram" 'BEGIN { printf "%.2f", b / r }')" "$stun" "$stun_pages" "$share" \
		"$enc"
	echo "       feedback: $(sed -n 's/^source: migration: feedback: //p' "$2")"
}

echo "dirty guest ($ARGS_BASE, rounds=30+rate/4 or 300 unpaced), migrated after 1 s from $from to $to, dirty_track=$dirty_track"
printf '%-6s %6s %-22s %9s %6s %12s %6s %7s  %s\n' rate rounds "pages per round" bytes "xRAM" \
	"stun cycles" "stun" share "bytes per page by encoding"
for r in $rates; do
	measure "$r"
done
echo
echo "dirty tracking: the mechanism in use at the end and why; each mechanism's measured cycles per epoch"
printf '%-6s %-18s %6s %8s  %-42s | %s\n' rate mechanism epochs switches why "cost per mechanism"
cat "$work/dirty"
if [ "$capture" = 1 ]; then
	echo
	echo "page pairs: every page sent again, mean bytes per page: as the source sent it, in each of our"
	echo "encodings and the best against every earlier copy; QEMU's XBZRLE with its cache policy"
	echo "(xbzrle: a page is cached from its first send after round 0) and on every pair (xbzrle-all)"
	printf '%-6s %8s %8s %8s %8s %9s %8s %8s %8s %9s %10s %7s  | %s\n' rate resent chosen raw lz4 \
		xor-zrun xor-lz4 best xbzrle x/chosen xbzrle-all xa/best \
		"chosen by the source (B/page) | xbzrle's pages"
	cat "$work/pairs"
else
	echo
	echo "page pairs: not measured (no QEMU end to capture the stream)"
fi
