#!/usr/bin/env bash
# Every short test guest migrated mid-run (docs/migration.md): with
# migrate_after=exits:N the source connects at once, runs pre-copy rounds
# while the guest runs and stuns it at its Nth guest-caused exit, a
# moment even a guest that ends within a second reaches. Across both
# hosts the guest must print its native run's deterministic lines and end
# with its exit code. (ticker and dirty, which run for seconds, are
# migrated live after guest seconds by migrate.sh.)
#
# make test runs every guest SVM to SVM (QEMU) and a few VMX to VMX and
# VMX to SVM (Bochs); MIGRATE_MATRIX=full (make test-long) runs every
# guest in all three directions.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/migrate_lib.sh"
g=$root/build/guests

# guest and N: about 40% of the guest-caused exits of its run with the
# default arguments under SVM (VMX takes fewer exits for some guests: N
# stays below both), so the stun falls mid-run.
guests=(
	"apic 7000" "bootstate 1000" "faults 560" "features 140" "hello 600" "hltnmi 240"
	"memloop 600" "msr 1100" "nondet 4500" "paging 500" "strio 750" "tfstep 600"
	"timer 950" "unclaimed 750"
)
# run under Bochs in make test (each Bochs migration takes a minute)
bochs_quick="hello timer"

for entry in "${guests[@]}"; do
	read -r guest n <<<"$entry"
	mig_case "migrate_${guest}_svm" "$g/$guest.elf" "" "exits:$n"
	if [ "${MIGRATE_MATRIX:-}" = full ] || [[ " $bochs_quick " == *" $guest "* ]]; then
		mig_case "migrate_${guest}_vmx" "$g/$guest.elf" "" "exits:$n" bochs bochs
		mig_case "migrate_${guest}_vmx_to_svm" "$g/$guest.elf" "" "exits:$n" bochs qemu
	fi
done
