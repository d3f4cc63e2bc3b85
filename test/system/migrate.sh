#!/usr/bin/env bash
# Live migration (docs/migration.md) through scripts/migrate.sh, between
# two QEMU (SVM) instances joined by a socket network, two Bochs (VMX)
# instances joined by a bxhub, and from each to the other: test guests
# migrated mid-run must print, across both hosts, the native run's
# deterministic lines with its exit code, and the source must have
# migrated (not run the guest to its end); the dirty guest once more with
# dirty_track=wp (the automatic choice takes the A/D scan under QEMU, so
# write protection gets a whole migration of its own). Then the faults:
# the destination killed during the migration (the source runs the guest
# on, unharmed, and says the migration failed), the source killed during
# it (the destination discards what it received and says so), and a
# destination with another guest command line (it refuses the stream; the
# guest runs on at the source), a destination that holds a wrong copy of
# a page (it is sent again) and one that reports a page it was not sent
# (the migration fails; the guest runs on at the source).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/migrate_lib.sh"
g=$root/build/guests

# The destination dies: the guest must end at the source as natively.
dest_killed_case() { # name guest args after kill_after
	local name=$1
	native_run "$name" "$2" "$3"
	migrate_run "$name" --guest "$2" --guest-args "$3" --after "$4" --kill-destination-after "$5"
	if ! grep -q '^source: migration: failed: the destination stopped acknowledging' "$results/$name.err"; then
		echo "FAIL: $name: the source did not notice the destination's end while the guest ran ($(grep -m1 '^source: migration: failed' "$results/$name.err" || echo no report))"
	elif grep -q '^source: understudy: migrated$' "$results/$name.err"; then
		echo "FAIL: $name: the source says it migrated to a killed destination"
	elif [ "$mig_status" != "$native_status" ] ||
		! "$root/test/system/compare_output.sh" "$results/$name.native" "$results/$name.out" \
			>"$results/$name.diff" 2>&1; then
		echo "FAIL: $name: the guest on the source did not end as natively (exit $mig_status, native $native_status; $results/$name.diff)"
	else
		echo "PASS: $name ($(sed -n 's/^source: migration: failed: //p' "$results/$name.err" | head -n 1))"
	fi
}

# The source dies during the migration: the destination must discard.
source_killed_case() { # name guest args after kill_after
	local name=$1 dest_status
	migrate_run "$name" --guest "$2" --guest-args "$3" --after "$4" --kill-source-after "$5"
	dest_status=$(sed -n 's/^migrate.sh: source exit .*, destination exit \([0-9]*\);.*/\1/p' "$results/$name.err")
	if ! grep -q '^destination: migration: incoming migration failed: .*discarded' "$results/$name.err"; then
		echo "FAIL: $name: the destination did not say it discarded the migration (exit $dest_status)"
	elif [ "$dest_status" != 119 ]; then
		echo "FAIL: $name: destination exit $dest_status, expected 119 (incoming migration failed)"
	elif [ -s "$results/$name.logs/destination" ]; then
		echo "FAIL: $name: the destination ran the guest"
	else
		echo "PASS: $name ($(sed -n 's/^destination: migration: incoming migration failed: \(.*\); what.*/\1/p' "$results/$name.err"))"
	fi
}

mig_case migrate_ticker_svm "$g/ticker.elf" "seconds=6" 2
mig_case migrate_dirty_svm "$g/dirty.elf" "pages=1024 hot=32 rounds=80" 1
mig_case migrate_dirty_svm_wp "$g/dirty.elf" "pages=1024 hot=32 rounds=80" 1 qemu qemu dirty_track=wp
# Bochs to Bochs: in make test-long only (the two directions below cross
# Bochs already; make test must fit its time).
[ "${MIGRATE_MATRIX:-}" != full ] ||
	mig_case migrate_ticker_vmx "$g/ticker.elf" "seconds=6" 2 bochs bochs
# Between Intel (Bochs) and AMD (QEMU) the guest is given a CPU both can:
# the x86-64-v3 level.
mig_case migrate_dirty_vmx_to_svm "$g/dirty.elf" "pages=1024 hot=32 rounds=40" 1 bochs qemu \
	guest_cpu=x86-64-v3
mig_case migrate_ticker_svm_to_vmx "$g/ticker.elf" "seconds=6" 2 qemu bochs guest_cpu=x86-64-v3
# A 48 MiB working set: pre-copy's first round takes seconds, long enough
# to kill an emulator as it starts; the guest runs long enough for the
# source to notice (5 s without acknowledgements) before it ends.
dest_killed_case migrate_dest_killed_svm "$g/dirty.elf" "pages=12288 hot=32 rounds=100" 1 0
source_killed_case migrate_source_killed_svm "$g/dirty.elf" "pages=12288 hot=32 rounds=100" 1 0

# A destination that alters its copy of a page round 0 sent
# (incoming_fault=wrong_copy): its HOLDS report gives it away, the source
# sends the page again, whole, and the guest runs on at the destination as
# natively. One that reports holding a page round 1 did not send
# (incoming_fault=false_report): the source refuses the report, the
# migration fails and the guest runs on at the source as natively.
# fault_case NAME FAULT: the dirty guest migrated to a destination with
# incoming_fault=FAULT; sets why to a FAIL's reason or leaves it empty.
# The guest writes its 16 MiB unpaced, so that pre-copy cannot converge
# before round 3 ("the dirty set stopped shrinking") and round 1, where
# the destination misbehaves, is always a pre-copy round.
fault_case() {
	local name=$1 args="pages=4096 hot=32 rounds=600 rate=0"
	why=""
	native_run "$name" "$g/dirty.elf" "$args"
	migrate_run "$name" --guest "$g/dirty.elf" --guest-args "$args" --after 1 \
		--destination-options "incoming_fault=$2"
	if ! ended_natively "$name"; then
		why="the guest did not end as natively (exit $mig_status, native $native_status; $results/$name.diff)"
	fi
}

name=migrate_wrong_copy_svm
fault_case "$name" wrong_copy
if ! grep -q '^source: migration: the destination holds another page [0-9]* than round 0 sent' "$results/$name.err"; then
	echo "FAIL: $name: the source did not notice the destination's wrong copy ($(grep -m1 -E 'feedback|failed' "$results/$name.err" || echo no report))"
elif ! grep -q '^source: understudy: migrated$' "$results/$name.err"; then
	echo "FAIL: $name: the source did not migrate ($(grep -m1 'migration: .*failed' "$results/$name.err" || echo no report))"
elif [ -n "$why" ]; then
	echo "FAIL: $name: $why"
else
	echo "PASS: $name (page $(sed -n 's/^destination: migration: incoming_fault=wrong_copy: page //p' "$results/$name.err") altered, sent again; $(sed -n 's/^source: migration: feedback: //p' "$results/$name.err"))"
fi
name=migrate_false_report_svm
fault_case "$name" false_report
if ! grep -q '^source: migration: failed: the destination reports holding page [0-9]* of round 1, which that round did not send' "$results/$name.err"; then
	echo "FAIL: $name: the source did not refuse the false report ($(grep -m1 -E 'migration: .*failed|understudy: migrated' "$results/$name.err" || echo no report))"
elif [ -n "$why" ]; then
	echo "FAIL: $name: on the source, $why"
elif ! grep -q '^destination: migration: incoming migration failed' "$results/$name.err"; then
	echo "FAIL: $name: the destination did not discard what it received"
else
	echo "PASS: $name (refused: $(sed -n 's/^source: migration: failed: //p' "$results/$name.err" | head -n 1))"
fi

# The stream inside TLS with the pre-shared key: the dirty guest migrates
# with ft_key= on both sides as in the clear. With another key on the
# destination, the TLS handshake is refused on both sides: no page leaves,
# the destination ends without the guest and the guest runs on at the
# source as natively. A key on one side only is refused too.
KEY=5eed0fa11ba5eba11c0ffee0ddba11fe
OTHER_KEY=5eed0fa11ba5eba11c0ffee0ddba11ff
mig_case migrate_dirty_svm_tls "$g/dirty.elf" "pages=1024 hot=32 rounds=80" 1 qemu qemu \
	"ft_key=$KEY" "ft_key=$KEY"
name=migrate_wrong_key_svm
native_run "$name" "$g/ticker.elf" "seconds=4"
migrate_run "$name" --guest "$g/ticker.elf" --guest-args "seconds=4" --after 1 \
	--source-options "ft_key=$KEY" --destination-options "ft_key=$OTHER_KEY"
if ! grep -q '^source: migration: failed: the destination refused the TLS handshake: .*different pre-shared key; the guest runs on here' "$results/$name.err"; then
	echo "FAIL: $name: the source did not say the destination refused its key ($(grep -m1 '^source: migration: failed' "$results/$name.err" || echo no report))"
elif ! grep -q '^destination: migration: incoming migration failed: the TLS handshake with the source failed: .*different pre-shared key' "$results/$name.err"; then
	echo "FAIL: $name: the destination did not refuse the source's key ($(grep -m1 '^destination: migration: incoming' "$results/$name.err" || echo no report))"
elif grep -q -E '^destination: migration: (the source|received|resuming)' "$results/$name.err" ||
	[ -s "$results/$name.logs/destination" ]; then
	echo "FAIL: $name: the destination took pages or ran the guest of a source with another key"
elif ! ended_natively "$name"; then
	echo "FAIL: $name: the guest on the source did not end as natively (exit $mig_status)"
elif grep -q -i -E "$KEY|$OTHER_KEY" "$results/$name.err" "$results/$name.out"; then
	echo "FAIL: $name: a log shows a key"
else
	echo "PASS: $name (refused on both sides: $(sed -n 's/^source: migration: failed: the destination refused the TLS handshake: \(.*\); the guest.*/\1/p' "$results/$name.err" | head -n 1))"
fi
# A key on one side only: refused, each side saying which has the key.
name=migrate_key_one_side_svm
migrate_run "$name.src" --guest "$g/ticker.elf" --guest-args "seconds=3" --after 1 \
	--source-options "ft_key=$KEY"
migrate_run "$name.dst" --guest "$g/ticker.elf" --guest-args "seconds=3" --after 1 \
	--destination-options "ft_key=$KEY"
if ! grep -q '^source: migration: failed: the destination takes the migration in the clear (it has no ft_key=) and this source has ft_key=' "$results/$name.src.err" ||
	! grep -q '^destination: migration: incoming migration failed: the source speaks TLS (it has ft_key=) and this destination has no ft_key=' "$results/$name.src.err"; then
	echo "FAIL: $name: a key on the source only was not refused with the reason on both sides ($(grep -m2 -E 'migration: (incoming migration )?failed' "$results/$name.src.err" | tr '\n' ' '))"
elif ! grep -q '^source: migration: failed: the peer closed the connection before ACCEPT (a destination with ft_key= closes on a source without it)' "$results/$name.dst.err" ||
	! grep -q '^destination: migration: incoming migration failed: the source speaks in the clear (it has no ft_key=) and this destination has ft_key=' "$results/$name.dst.err"; then
	echo "FAIL: $name: a key on the destination only was not refused with the reason on both sides ($(grep -m2 -E 'migration: (incoming migration )?failed' "$results/$name.dst.err" | tr '\n' ' '))"
elif grep -q -E '^destination: migration: (the source|received|resuming)' "$results/$name.src.err" "$results/$name.dst.err"; then
	echo "FAIL: $name: a destination took pages from a source that does not share its key"
else
	echo "PASS: $name (refused on both sides, either way, before any page)"
fi

# A destination with another guest command line refuses the stream.
name=migrate_foreign_svm
native_run "$name" "$g/ticker.elf" "seconds=4"
migrate_run "$name" --guest "$g/ticker.elf" --guest-args "seconds=4" --after 1 \
	--destination-guest-args "seconds=5"
if ! grep -q '^source: migration: failed: another guest image' "$results/$name.err"; then
	echo "FAIL: $name: the source did not report the destination's refusal"
elif ! ended_natively "$name"; then
	echo "FAIL: $name: the guest on the source did not end as natively (exit $mig_status)"
elif ! grep -q '^destination: migration: incoming migration failed' "$results/$name.err"; then
	echo "FAIL: $name: the destination did not end saying it took nothing"
else
	echo "PASS: $name (refused: $(sed -n 's/^source: migration: failed: //p' "$results/$name.err" | head -n 1))"
fi

# With its host's own CPU, a guest on Bochs' Intel CPU sees features QEMU's
# AMD one cannot give it under Understudy (RDRAND, which SVM cannot
# trap): the destination refuses the guest's CPU, which HELLO carries,
# before pre-copy, and the guest runs on at the source as natively.
name=migrate_cpu_refused_vmx_to_svm
native_run "$name" "$g/timer.elf" ""
migrate_run "$name" --guest "$g/timer.elf" --after exits:950 --from bochs --to qemu
if ! grep -q "^source: migration: failed: the guest's CPU has CPUID .* that this host cannot give it" "$results/$name.err"; then
	echo "FAIL: $name: the source did not report the destination's refusal of the guest's CPU ($(grep -m1 -E 'refused|migration: .*failed|understudy: migrated' "$results/$name.err" || echo no report))"
elif grep -q '^source: migration: the destination accepted' "$results/$name.err"; then
	echo "FAIL: $name: the destination accepted the guest before refusing its CPU"
elif ! ended_natively "$name"; then
	echo "FAIL: $name: the guest on the source did not end as natively (exit $mig_status)"
else
	echo "PASS: $name (refused: $(sed -n 's/^source: migration: failed: //p' "$results/$name.err" | head -n 1))"
fi

# A hostile or broken source, played from the host through QEMU's user
# network (a port forwarded to the destination's incoming=): garbage, and
# a stream that stops after a few bytes. The destination must refuse or
# give up with a message, exit 119 and never run the guest.
hostile_case() { # name pattern python-sender
	local name=$1 pattern=$2 sender=$3 hp pid status
	hp=$(free_port)
	start_instance "$results/$name" --emu qemu --timeout 120 --guest "$g/ticker.elf" --nic e1000 \
		--netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$hp-10.0.2.15:9720" \
		--cmdline "selftest=off http=off ip=10.0.2.15 gw=10.0.2.2 incoming=9720"
	pid=$inst_pid
	if ! wait_for_line "$results/$name.stderr" '^migration: waiting for the source' "$pid" 120; then
		stop_instance "$pid"
		echo "FAIL: $name: the destination did not listen"
		return 0
	fi
	python3 -c "$sender" "$hp" || true
	wait_or_stop "$pid" 60
	status=$wait_status
	if [ "$status" != 119 ]; then
		echo "FAIL: $name: exit status $status, expected 119"
	elif ! grep -q -E -- "$pattern" "$results/$name.stderr"; then
		echo "FAIL: $name: no message matches '$pattern' (see $results/$name.stderr)"
	elif [ -s "$results/$name" ]; then
		echo "FAIL: $name: the guest ran"
	else
		echo "PASS: $name ($(grep -m1 -o -E -- "$pattern.*" "$results/$name.stderr"))"
	fi
}
. "$(dirname "$0")/net_lib.sh"
hostile_case migrate_garbage_svm 'the stream is refused: ' '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET / HTTP/1.0\r\n\r\n" + bytes(range(256)) * 16)
time.sleep(3)'
hostile_case migrate_silent_source_svm 'the source stopped sending' '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"\x01\x00\x00\x00\x3c")
s.settimeout(120)  # silent until the destination gives up and closes
try:
    s.recv(1)
except OSError:
    pass'
