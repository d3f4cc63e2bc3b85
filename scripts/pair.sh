#!/usr/bin/env bash
# Runs a guest on a fault-tolerant pair of Understudy instances
# (docs/fault-tolerance.md), each in its own emulator, their NICs joined
# as scripts/migrate.sh joins them: a backup that replays the log as it
# comes (rr=replay rr_live=), started first, and a primary that records
# the guest and streams its log to the backup (rr=record rr_sink=tcp).
# This first step has no failover yet: the guest runs on the primary and
# the backup follows it.
#
#   scripts/pair.sh --guest FILE [--guest-args "..."] [--emu qemu|bochs]
#                   [--digest N] [--timeout SECONDS] [--logs DIR]
#                   [--primary-options "key=value ..."] [--backup-options "key=value ..."]
#
# Standard output: the guest's console as the outside saw it (the
# primary's). The backup's replayed console is in LOGS/backup (a temporary
# directory without --logs). Standard error: both hypervisors' logs
# (prefixed "primary: " and "backup: "), then a summary line: both exit
# codes and the backup's verdict. Exit status: the guest's exit code on
# the primary; 2 for bad arguments; 3 when the backup did not come up.
# --digest N: a state digest every N guest-caused exits (default 100),
# each checked by the backup as it replays.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

PRIMARY_IP=10.9.0.1
BACKUP_IP=10.9.0.2
LOG_PORT=9710
LISTEN_WAIT_S=120

guest="" guest_args="" emu=qemu digest=100 timeout_s=300 logs="" primary_options="" backup_options=""

usage() {
	sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--guest) guest=$2; shift 2 ;;
	--guest-args) guest_args=$2; shift 2 ;;
	--emu) emu=$2; shift 2 ;;
	--digest) digest=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--logs) logs=$2; shift 2 ;;
	--primary-options) primary_options=$2; shift 2 ;;
	--backup-options) backup_options=$2; shift 2 ;;
	-h | --help) usage ;;
	*) echo "pair.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
[ -n "$guest" ] || { echo "pair.sh: --guest is required" >&2; usage; }
[ -f "$guest" ] || { echo "pair.sh: no guest file '$guest'" >&2; exit 2; }
case "$emu" in qemu | bochs) ;; *) echo "pair.sh: --emu takes qemu or bochs, not '$emu'" >&2; exit 2 ;; esac
case "$digest" in '' | *[!0-9]*) echo "pair.sh: --digest takes a number" >&2; exit 2 ;; esac

backup_pid="" primary_pid=""
two_hosts_instances() { echo "$primary_pid $backup_pid"; }
. "$root/scripts/lib/two_hosts.sh"
two_hosts_setup

join_two_hosts "$emu" "$emu" "$logs"
run_args=(--emu "$emu" --timeout "$timeout_s" --guest "$guest" --nic e1000)
[ -z "$guest_args" ] || run_args+=(--guest-args "$guest_args")

start_instance "$logs/backup" "${run_args[@]}" --netdev "$first_netdev" \
	--cmdline "selftest=off http=off ip=$BACKUP_IP rr=replay rr_live=$LOG_PORT rr_digest=$digest${backup_options:+ $backup_options}"
backup_pid=$inst_pid
if ! wait_for_line "$logs/backup.stderr" '^logstream: waiting for a recording' "$backup_pid" "$LISTEN_WAIT_S"; then
	sed 's/^/backup: /' "$logs/backup.stderr" >&2
	echo "pair.sh: the backup did not come up" >&2
	exit 3
fi
start_instance "$logs/primary" "${run_args[@]}" --netdev "$second_netdev" \
	--cmdline "selftest=off http=off ip=$PRIMARY_IP rr=record rr_sink=tcp rr_collector=$BACKUP_IP:$LOG_PORT rr_digest=$digest${primary_options:+ $primary_options}"
primary_pid=$inst_pid

wait_or_stop "$primary_pid" "$timeout_s"
primary_status=$wait_status
primary_pid=""
wait_or_stop "$backup_pid" "$timeout_s"
backup_status=$wait_status
backup_pid=""
cat "$logs/primary"
awk '{ print "primary: " $0 }' "$logs/primary.stderr" >&2
awk '{ print "backup: " $0 }' "$logs/backup.stderr" >&2
verdict=$(grep -m1 -o -E 'rr: replay (matches the recording|diverged).*' "$logs/backup.stderr" || echo "no verdict")
echo "pair.sh: primary exit $primary_status, backup exit $backup_status; backup: $verdict" >&2
exit "$primary_status"
