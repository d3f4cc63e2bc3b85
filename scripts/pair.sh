#!/usr/bin/env bash
# Runs a guest on a fault-tolerant pair of Understudy instances
# (docs/fault-tolerance.md), each in its own emulator, their NICs joined
# as scripts/migrate.sh joins them: a backup (role=backup) that replays the
# primary's log as it comes, started first, and a primary (role=primary)
# that records the guest and streams its log to the backup. When the
# primary dies the backup takes over and runs the guest to its end.
#
#   scripts/pair.sh --guest FILE [--guest-args "..."] [--emu qemu|bochs]
#                   [--digest N] [--timeout SECONDS] [--logs DIR]
#                   [--kill-primary-after SECONDS] [--kill-backup-after SECONDS]
#                   [--primary-options "key=value ..."] [--backup-options "key=value ..."]
#
# Standard output: the guest's console as the outside saw it: the
# primary's (under the output rule it releases a byte only once the backup
# has the log that produced it), and after a takeover the backup's from
# the byte where the primary's stopped (console_out=, a listener that
# takes the stream from either side, does not exist yet). Both consoles
# are in LOGS/primary and LOGS/backup (a temporary directory without
# --logs); the summary says when the backup's contradicts what the
# primary released. Standard error: both hypervisors' logs (prefixed
# "primary: " and "backup: "), then a summary line: both exit codes, the
# backup's verdict and which side finished. Exit status: the guest's exit
# code on the side that finished; 2 for bad arguments; 3 when the backup
# did not come up.
# --digest N: a state digest every N guest-caused exits (default 100),
# each checked by the backup as it replays.
# --kill-primary-after SECONDS: SIGKILL of the primary's emulator that
# long (host time, fractions allowed) after its hypervisor started
# recording.
# --kill-backup-after SECONDS: the same for the backup's emulator; the
# primary, once the backup has been silent for its ft_timeout_ms, runs on
# without it and releases what it holds.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

PRIMARY_IP=10.9.0.1
BACKUP_IP=10.9.0.2
FT_PORT=9730
LISTEN_WAIT_S=120

guest="" guest_args="" emu=qemu digest=100 timeout_s=300 logs="" primary_options="" backup_options=""
kill_after="" kill_backup_after=""

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
	--kill-primary-after) kill_after=$2; shift 2 ;;
	--kill-backup-after) kill_backup_after=$2; shift 2 ;;
	-h | --help) usage ;;
	*) echo "pair.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
[ -n "$guest" ] || { echo "pair.sh: --guest is required" >&2; usage; }
[ -f "$guest" ] || { echo "pair.sh: no guest file '$guest'" >&2; exit 2; }
case "$emu" in qemu | bochs) ;; *) echo "pair.sh: --emu takes qemu or bochs, not '$emu'" >&2; exit 2 ;; esac
case "$digest" in '' | *[!0-9]*) echo "pair.sh: --digest takes a number" >&2; exit 2 ;; esac
[[ -z "$kill_after" || "$kill_after" =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
	{ echo "pair.sh: --kill-primary-after takes seconds, not '$kill_after'" >&2; exit 2; }
[[ -z "$kill_backup_after" || "$kill_backup_after" =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
	{ echo "pair.sh: --kill-backup-after takes seconds, not '$kill_backup_after'" >&2; exit 2; }
[ -z "$kill_after" ] || [ -z "$kill_backup_after" ] ||
	{ echo "pair.sh: kill the primary or the backup, not both" >&2; exit 2; }

backup_pid="" primary_pid=""
two_hosts_instances() { echo "$primary_pid $backup_pid"; }
. "$root/scripts/lib/two_hosts.sh"
two_hosts_setup

join_two_hosts "$emu" "$emu" "$logs"
run_args=(--emu "$emu" --timeout "$timeout_s" --guest "$guest" --nic e1000)
[ -z "$guest_args" ] || run_args+=(--guest-args "$guest_args")

start_instance "$logs/backup" "${run_args[@]}" --netdev "$first_netdev" \
	--cmdline "selftest=off http=off ip=$BACKUP_IP role=backup peer=$PRIMARY_IP:$FT_PORT rr_digest=$digest${backup_options:+ $backup_options}"
backup_pid=$inst_pid
if ! wait_for_line "$logs/backup.stderr" '^logstream: waiting for a recording' "$backup_pid" "$LISTEN_WAIT_S"; then
	sed 's/^/backup: /' "$logs/backup.stderr" >&2
	echo "pair.sh: the backup did not come up" >&2
	exit 3
fi
start_instance "$logs/primary" "${run_args[@]}" --netdev "$second_netdev" \
	--cmdline "selftest=off http=off ip=$PRIMARY_IP role=primary peer=$BACKUP_IP:$FT_PORT rr_digest=$digest${primary_options:+ $primary_options}"
primary_pid=$inst_pid
killed="" backup_killed=""
if [ -n "$kill_after" ] && wait_for_line "$logs/primary.stderr" '^rr: recording' "$primary_pid" "$LISTEN_WAIT_S"; then
	sleep "$kill_after"
	kill -0 "$primary_pid" 2>/dev/null && kill_emulator "$primary_pid" && killed=1
fi
if [ -n "$kill_backup_after" ] && wait_for_line "$logs/primary.stderr" '^rr: recording' "$primary_pid" "$LISTEN_WAIT_S"; then
	sleep "$kill_backup_after"
	kill -0 "$backup_pid" 2>/dev/null && kill_emulator "$backup_pid" && backup_killed=1
fi

wait_or_stop "$primary_pid" "$timeout_s"
primary_status=$wait_status
primary_pid=""
wait_or_stop "$backup_pid" "$timeout_s"
backup_status=$wait_status
backup_pid=""
# What the outside saw: the primary's console (it released only what the
# backup could reproduce: the output rule), then, after a takeover, the
# backup's from where the primary's stopped. The backup's console up to
# there must be the primary's: anything else contradicts it.
finisher=primary status=$primary_status contradiction=""
if [ -n "$killed" ]; then
	finisher=backup status=$backup_status
	released=$(stat -c %s "$logs/primary")
	if ! cmp -s -n "$released" "$logs/primary" "$logs/backup"; then
		contradiction="; the backup's console contradicts the $released bytes the primary released"
	fi
	cat "$logs/primary"
	tail -c +"$((released + 1))" "$logs/backup"
else
	cat "$logs/primary"
fi
awk '{ print "primary: " $0 }' "$logs/primary.stderr" >&2
awk '{ print "backup: " $0 }' "$logs/backup.stderr" >&2
verdict=$(grep -m1 -o -E 'rr: replay (matches the recording|diverged).*|ft: the primary is gone.*' "$logs/backup.stderr" || echo "no verdict")
echo "pair.sh: primary exit $primary_status${killed:+ (killed after ${kill_after} s)}, backup exit $backup_status${backup_killed:+ (killed after ${kill_backup_after} s)}; backup: $verdict; the $finisher finished the run$contradiction" >&2
exit "$status"
