#!/usr/bin/env bash
# Prints, for every test guest, its VM exits by reason and the hypervisor's
# average TSC cycles per exit, for each backend side by side:
#   VMX: Bochs (corei7_skylake_x), SVM: QEMU TCG (-cpu max).
# In emulators the TSC is emulated, so compare counts and ratios within one
# run rather than absolute cycles across machines.
#   test/bench/exit_stats.sh [GUEST...]   (default: every test guest)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
guests=("$@")
[ ${#guests[@]} -gt 0 ] || guests=(hello timer nondet paging faults)

backends=(vmx svm)
declare -A emu_of=([vmx]="--emu bochs" [svm]="--emu qemu")

# Extracts "reason exits avg" rows from the table in a hypervisor log.
table_rows() {
	awk '/^exit statistics/ { on = 1; next }
	     on && /^  reason/ { next }
	     on && /^  guest-caused/ { on = 0 }
	     on && NF >= 3 { name = $1; for (i = 2; i <= NF - 2; i++) name = name " " $i;
	                     print name "\t" $(NF-1) "\t" $NF }' "$1"
}

for g in "${guests[@]}"; do
	for b in "${backends[@]}"; do
		# shellcheck disable=SC2086
		"$root/scripts/run.sh" ${emu_of[$b]} --guest "$root/build/guests/$g.elf" \
			--cmdline "hv=$b" >/dev/null 2>"$out/$g.$b.log" || true
		table_rows "$out/$g.$b.log" > "$out/$g.$b.rows"
		if [ ! -s "$out/$g.$b.rows" ]; then
			echo "exit_stats: no exit statistics from $g on $b; its log ends:" >&2
			tail -n 5 "$out/$g.$b.log" >&2
			exit 1
		fi
	done
	echo "== $g"
	printf '%-20s' "reason"
	for b in "${backends[@]}"; do printf ' %10s %12s' "$b exits" "avg cycles"; done
	echo
	{ cut -f1 "$out/$g".*.rows | grep -v '^total$' | awk '!seen[$0]++'; echo total; } |
	while IFS= read -r reason; do
		printf '%-20s' "$reason"
		for b in "${backends[@]}"; do
			row=$(awk -F'\t' -v r="$reason" '$1 == r' "$out/$g.$b.rows")
			if [ -n "$row" ]; then
				printf ' %10s %12s' "$(cut -f2 <<<"$row")" "$(cut -f3 <<<"$row")"
			else
				printf ' %10s %12s' "-" "-"
			fi
		done
		echo
	done
	for b in "${backends[@]}"; do
		echo "  $b: $(grep -m1 'guest-caused exits' "$out/$g.$b.log" | sed 's/^ *//'); $(grep -m1 'TSC cycles:' "$out/$g.$b.log" | sed 's/^ *//')"
	done
done
