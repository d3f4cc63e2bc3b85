#!/usr/bin/env bash
# The hypervisor's files form layers: no call cycle between the files of
# hv/ (nor between those of arch/, net/ or drivers/), read from the built
# objects with nm (test/lib/call_cycles.py). No emulator needed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

for dir in hv/ arch/ net/ drivers/; do
	name=layers_${dir%/}
	if out=$("$root/test/lib/call_cycles.py" "$root/build/kernel" "$dir" 2>&1); then
		echo "PASS: $name ($(tail -n 1 <<<"$out"))"
	else
		printf '%s\n' "$out" > "$results/$name.txt"
		echo "FAIL: $name: $(head -n 1 <<<"$out") (see $results/$name.txt)"
	fi
done
