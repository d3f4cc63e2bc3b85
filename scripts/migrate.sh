#!/usr/bin/env bash
# Live-migrates a running guest between two Understudy instances
# (docs/migration.md): a destination started with incoming= and a source
# started with migrate=, each in its own emulator (QEMU: SVM, Bochs: VMX),
# their NICs joined: two QEMUs by a socket network (the destination
# listens on a free loopback port, the source connects), else through a
# bxhub (Bochs' Ethernet hub; QEMU joins it with a dgram netdev).
#
#   scripts/migrate.sh --guest FILE [--guest-args "..."] --after SECONDS|exits:N
#                      [--from qemu|bochs] [--to qemu|bochs] [--nic e1000|virtio-net-pci]
#                      [--timeout SECONDS] [--logs DIR]
#                      [--kill-destination-after SECONDS]
#                      [--kill-source-after SECONDS]
#                      [--destination-guest-args "..."]
#                      [--source-options "key=value ..."] [--destination-options "key=value ..."]
#                      [--capture FILE]
#
# Standard output: the guest's console as the outside saw it across both
# hosts: the source's bytes until the switch-over, then the destination's.
# Standard error: both hypervisors' logs (prefixed "source: " and
# "destination: "), then a summary line (rounds, pages and bytes by
# encoding, the stun). Exit status: the guest's exit code wherever it
# ended; 2 for bad arguments; 3 when an instance did not come up.
#
# The kill options are for the fault tests: SIGKILL of one emulator that
# many seconds after the destination accepted the migration (the other
# must cope).
# --destination-guest-args gives the destination another guest command
# line (a foreign guest: it must refuse the stream).
# --source-options adds hypervisor options to the source's command line
# (dirty_track=wp|ad|pml, log=debug, ...), --destination-options to the
# destination's (incoming_fault=wrong_copy|false_report, ...).
# --capture writes a QEMU instance's network traffic (the source's, else
# the destination's) to FILE as a pcap: the migration stream both ways,
# for test/bench/mig_pairs.c.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

SOURCE_IP=10.9.0.1
DEST_IP=10.9.0.2
MIGRATE_PORT=9720
LISTEN_WAIT_S=120

guest="" guest_args="" after="" from=qemu to=qemu nic=e1000 timeout_s=300 logs=""
kill_dest_after="" kill_source_after="" dest_guest_args="" source_options="" dest_options="" capture=""

usage() {
	sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--guest) guest=$2; shift 2 ;;
	--guest-args) guest_args=$2; shift 2 ;;
	--after) after=$2; shift 2 ;;
	--from) from=$2; shift 2 ;;
	--to) to=$2; shift 2 ;;
	--nic) nic=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--logs) logs=$2; shift 2 ;;
	--kill-destination-after) kill_dest_after=$2; shift 2 ;;
	--kill-source-after) kill_source_after=$2; shift 2 ;;
	--destination-guest-args) dest_guest_args=$2; shift 2 ;;
	--source-options) source_options=$2; shift 2 ;;
	--destination-options) dest_options=$2; shift 2 ;;
	--capture) capture=$2; shift 2 ;;
	-h | --help) usage ;;
	*) echo "migrate.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
[ -n "$guest" ] && [ -n "$after" ] || { echo "migrate.sh: --guest and --after are required" >&2; usage; }
[ -f "$guest" ] || { echo "migrate.sh: no guest file '$guest'" >&2; exit 2; }
case "$after" in
exits:*[!0-9]* | exits: | exits:0) echo "migrate.sh: --after exits:N takes N > 0" >&2; exit 2 ;;
exits:*) ;;
'' | *[!0-9]*) echo "migrate.sh: --after takes whole seconds or exits:N" >&2; exit 2 ;;
esac
for e in "$from" "$to"; do
	case "$e" in qemu | bochs) ;; *) echo "migrate.sh: --from and --to take qemu or bochs, not '$e'" >&2; exit 2 ;; esac
done

src_capture=() dest_capture=()
if [ -n "$capture" ]; then
	if [ "$from" = qemu ]; then
		src_capture=(--capture "$capture")
	elif [ "$to" = qemu ]; then
		dest_capture=(--capture "$capture")
	else
		echo "migrate.sh: --capture needs QEMU at one end (Bochs has no capture)" >&2
		exit 2
	fi
fi

dest_pid="" src_pid=""
two_hosts_instances() { echo "$src_pid $dest_pid"; }
. "$root/scripts/lib/two_hosts.sh"
two_hosts_setup
join_two_hosts "$to" "$from" "$logs"
dest_netdev=$first_netdev
src_netdev=$second_netdev

run_args=(--timeout "$timeout_s" --guest "$guest" --nic "$nic")
dest_args=("${run_args[@]}")
[ -z "$guest_args" ] || run_args+=(--guest-args "$guest_args")
[ -n "$dest_guest_args" ] || dest_guest_args=$guest_args
[ -z "$dest_guest_args" ] || dest_args+=(--guest-args "$dest_guest_args")

start_instance "$logs/destination" --emu "$to" "${dest_args[@]}" ${dest_capture[@]+"${dest_capture[@]}"} \
	--netdev "$dest_netdev" \
	--cmdline "selftest=off http=off ip=$DEST_IP incoming=$MIGRATE_PORT${dest_options:+ $dest_options}"
dest_pid=$inst_pid

start_source() {
	start_instance "$logs/source" --emu "$from" "${run_args[@]}" ${src_capture[@]+"${src_capture[@]}"} \
		--netdev "$src_netdev" \
		--cmdline "selftest=off http=off ip=$SOURCE_IP migrate=$DEST_IP:$MIGRATE_PORT migrate_after=$after${source_options:+ $source_options}"
	src_pid=$inst_pid
}

destination_listens() {
	wait_for_line "$logs/destination.stderr" '^migration: waiting for the source' "$dest_pid" "$LISTEN_WAIT_S" &&
		return 0
	sed 's/^/destination: /' "$logs/destination.stderr" >&2
	echo "migrate.sh: the destination did not come up" >&2
	exit 3
}

# With --after exits:N the source may boot beside the destination: it
# retries connecting for 60 s, and a guest that reaches exit N first
# waits there, held. (QEMU's socket netdev needs the destination's QEMU
# listening first.) A migration after guest seconds waits for the
# destination, so that the guest does not end before it is up.
case "$after" in
exits:*)
	[ -n "$hub_pid" ] || wait_for_port "$port" "$dest_pid" || destination_listens
	start_source
	destination_listens
	;;
*)
	destination_listens
	start_source
	;;
esac

# The kill of a fault test: SIGKILL of one emulator (the one timeout(1)
# runs in the instance's session), that many seconds after the source
# said the destination accepted the migration.
kill_during_migration() { # pid seconds
	local i
	for ((i = 0; i < timeout_s * 10; i++)); do
		grep -q '^migration: the destination accepted' "$logs/source.stderr" 2>/dev/null && break
		sleep 0.1
	done
	sleep "$2"
	kill_emulator "$1"
	echo "migrate.sh: killed an emulator $2 s into the migration" >&2
}
if [ -n "$kill_dest_after" ]; then
	kill_during_migration "$dest_pid" "$kill_dest_after" &
elif [ -n "$kill_source_after" ]; then
	kill_during_migration "$src_pid" "$kill_source_after" &
fi

wait_or_stop "$src_pid" "$timeout_s"
src_status=$wait_status
src_pid=""
if [ "$src_status" = 118 ]; then # migrated: the guest ends at the destination
	wait_or_stop "$dest_pid" "$timeout_s"
	dest_status=$wait_status
	status=$dest_status
	cat "$logs/source" "$logs/destination"
else
	wait_or_stop "$dest_pid" 60
	dest_status=$wait_status
	status=$src_status
	cat "$logs/source"
fi
dest_pid=""
awk '{ print "source: " $0 }' "$logs/source.stderr" >&2
awk '{ print "destination: " $0 }' "$logs/destination.stderr" >&2
summary=$(sed -n 's/^migration: summary: //p' "$logs/source.stderr" | tail -n 1)
echo "migrate.sh: source exit $src_status, destination exit $dest_status; ${summary:-no migration summary}" >&2
exit "$status"
