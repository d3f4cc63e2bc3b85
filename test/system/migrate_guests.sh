#!/usr/bin/env bash
# Every short test guest migrated mid-run (docs/migration.md): with
# migrate_after=exits:N the source connects at once, runs pre-copy rounds
# while the guest runs and stuns it at its Nth guest-caused exit, a
# moment even a guest that ends within a second reaches. Across both
# hosts the guest must print its native run's deterministic lines and end
# with its exit code. (ticker and dirty, which run for seconds, are
# migrated live after guest seconds by migrate.sh.)
#
# make test runs every guest SVM to SVM (QEMU), and the guests whose state
# differs most between the vendors (BOCHS_GUESTS: the LAPIC, MSRs, the
# extended state) VMX to VMX (Bochs) and VMX to SVM: Bochs is slow, and
# make test must fit its time (docs/testing.md). MIGRATE_MATRIX=full (make
# test-long) runs every guest in all four directions.
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
	"timer 950" "unclaimed 750" "xstate 2800"
)
# Across vendors the guest is given the x86-64-v3 level (guest_cpu=): a
# CPU both Bochs' Intel and QEMU's AMD can give it, which it keeps at the
# destination with the vendor it started on (msr checks that vendor's own
# MSRs after the stun). With the host's own CPU the destination refuses
# (migrate.sh's migrate_cpu_refused_vmx_to_svm).
BOCHS_GUESTS=" apic msr xstate "
full=${MIGRATE_MATRIX:-}
for entry in "${guests[@]}"; do
	read -r guest n <<<"$entry"
	mig_case "migrate_${guest}_svm" "$g/$guest.elf" "" "exits:$n"
	if [ "$full" = full ] || [[ "$BOCHS_GUESTS" == *" $guest "* ]]; then
		mig_case "migrate_${guest}_vmx" "$g/$guest.elf" "" "exits:$n" bochs bochs
		mig_case "migrate_${guest}_vmx_to_svm" "$g/$guest.elf" "" "exits:$n" bochs qemu \
			guest_cpu=x86-64-v3
	fi
	if [ "$full" = full ]; then
		mig_case "migrate_${guest}_svm_to_vmx" "$g/$guest.elf" "" "exits:$n" qemu bochs \
			guest_cpu=x86-64-v3
	fi
done
