# Helpers for the live-migration system tests (sourced after lib.sh):
# migrate.sh's cases and migrate_guests.sh's run a guest across two
# hosts through scripts/migrate.sh and compare the console the outside
# saw with the guest's native run.

# Runs migrate.sh; sets mig_status; NAME.out (console across both hosts),
# NAME.err (both hypervisors' logs), NAME.logs/ (each side's files).
migrate_run() { # name migrate.sh-args...
	local name=$1
	shift
	rm -rf "$results/$name.logs"
	set +e
	"$root/scripts/migrate.sh" --logs "$results/$name.logs" "$@" \
		>"$results/$name.out" 2>"$results/$name.err"
	mig_status=$?
	set -e
}

# The guest's native run (QEMU, no hypervisor) as NAME.native, sets
# native_status; run once per guest and arguments within a script.
native_run() { # name guest args
	local key
	key=$results/native.$(basename "$2" .elf).$(printf '%s' "$3" | md5sum | cut -c1-12)
	if [ ! -f "$key.status" ]; then
		set +e
		"$root/scripts/run_native.sh" "$2" --args "$3" --timeout 300 >"$key.out" 2>/dev/null
		echo $? >"$key.status"
		set -e
	fi
	cp "$key.out" "$results/$1.native"
	native_status=$(cat "$key.status")
}

# Did the guest end as natively across the run (exit code, and the console
# the outside saw against NAME.native)? NAME.diff holds the differences.
ended_natively() { # name
	[ "$mig_status" = "$native_status" ] &&
		"$root/test/system/compare_output.sh" "$results/$1.native" "$results/$1.out" \
			>"$results/$1.diff" 2>&1
}

# mig_case NAME GUEST ARGS AFTER [FROM TO [OPTIONS [DEST_OPTIONS]]]: migrated
# after AFTER (guest seconds, or exits:N: stunned at that exit) from
# emulator FROM to TO (qemu: SVM, bochs: VMX; default qemu), the source
# with hypervisor OPTIONS (dirty_track=..., ft_key=...), the destination
# with DEST_OPTIONS; with ft_key= on the source, the stream must have run
# inside TLS and no log may show the key. The PASS
# line names the dirty tracking the source ended with and why, and the
# destination's feedback: deltas sent against a copy it confirmed, pages
# with a copy sent whole for want of feedback (those at the stun), and
# mismatches (a copy the destination did not hold: a FAIL).
mig_case() {
	local name=$1 guest=$2 args=$3 after=$4 from=${5:-qemu} to=${6:-qemu} opts=${7:-} dopts=${8:-} lines summary fb key
	native_run "$name" "$guest" "$args"
	migrate_run "$name" --guest "$guest" --guest-args "$args" --after "$after" --from "$from" --to "$to" \
		--source-options "$opts" --destination-options "$dopts"
	key=$(sed -n 's/.*ft_key=\([0-9a-fA-F]*\).*/\1/p' <<<"$opts")
	summary=$(sed -n 's/^migrate.sh: //p' "$results/$name.err" | tail -n 1)
	summary="$summary; dirty tracking: $(sed -n 's/^source: migration: dirty tracking: \([^,]*\),.*/\1/p' "$results/$name.err")"
	fb=$(sed -n 's/^source: migration: feedback: .*, \([0-9]*\) mismatched; pages with a copy: \([0-9]*\) deltas against a confirmed copy, \([0-9]*\) whole for want of feedback (\([0-9]*\) of them at the stun)$/\1 \2 \3 \4/p' "$results/$name.err")
	[ -z "$fb" ] || summary="$summary; feedback: $(echo "$fb" | awk '{ printf "%s deltas confirmed, %s whole for want of feedback (%s at the stun), %s mismatched", $2, $3, $4, $1 }')"
	if ! grep -q '^source: understudy: migrated$' "$results/$name.err"; then
		echo "FAIL: $name: the source did not migrate ($(grep -E 'migration: .*failed|guest stopped|^(source|destination): run\.sh: the emulator' "$results/$name.err" | head -n 6 | paste -s -d ';' || true); $summary)"
	elif ! grep -q '^destination: migration: resuming the guest' "$results/$name.err"; then
		echo "FAIL: $name: the destination did not resume the guest ($summary)"
	elif [ -z "$fb" ] || [ "${fb%% *}" != 0 ]; then
		echo "FAIL: $name: the destination's feedback is missing or found copies it did not hold ($summary)"
	elif [ -n "$key" ] && { ! grep -q '^destination: migration: waiting for the source on .* over TLS with the pre-shared key$' "$results/$name.err" ||
		! grep -q '^source: tls: session with .* up' "$results/$name.err" || grep -q -i "$key" "$results/$name.err" "$results/$name.out"; }; then
		echo "FAIL: $name: the stream did not run inside TLS, or a log shows the key ($summary)"
	elif [ "$mig_status" != "$native_status" ]; then
		echo "FAIL: $name: exit code $mig_status across the migration, $native_status natively ($summary)"
	elif [ ! -s "$results/$name.logs/source" ] || [ ! -s "$results/$name.logs/destination" ]; then
		echo "FAIL: $name: one side printed nothing (not migrated mid-run; $summary)"
	elif ! "$root/test/system/compare_output.sh" "$results/$name.native" "$results/$name.out" \
		>"$results/$name.diff" 2>&1; then
		echo "FAIL: $name: the console across both hosts differs from the native run (see $results/$name.diff)"
	else
		lines="$(grep -c -v '^~ ' "$results/$name.logs/source") + $(grep -c -v '^~ ' "$results/$name.logs/destination")"
		echo "PASS: $name ($lines deterministic lines before + after; $summary)"
	fi
}

