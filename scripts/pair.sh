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
#                   [--witness] [--cut-link-after SECONDS] [--isolate-primary-after SECONDS]
#                   [--alter-frame-after SECONDS] [--replay-frame-after SECONDS]
#                   [--switchover-after SECONDS]
#                   [--primary-options "key=value ..."] [--backup-options "key=value ..."]
#                   [--listener] [--mode replay|checkpoint|auto]
#                   [--initrd FILE] [--mem MB] [--client GUEST_IP:PORT[,PORT...]]
#                   [--kill-primary-when FILE] [--resume SNAPSHOT]
#                   [--join [--join-after SECONDS] [--rejoin-after SECONDS]
#                    [--kill-survivor-after SECONDS]]
#
# Standard output: the guest's console as the outside saw it. With
# --listener (QEMU) that is what an outside listener received
# (build/tools/hvlisten on a free loopback port of this host, its output
# in LOGS/listener.out, its log in LOGS/listener.log): both sides are
# given console_out=10.9.0.251:9740, and whichever side is live streams
# the console to it (docs/console-stream.md). The summary says what the
# listener took (bytes, senders, contradictions, gaps) and whether it
# agrees with the consoles' reconstruction: the primary's console (under
# the output rule it releases a byte only once the backup has the log
# that produced it), and after a takeover the backup's from the byte
# where the primary's stopped; that reconstruction is standard output
# without --listener. Both consoles
# are in LOGS/primary and LOGS/backup (a temporary directory without
# --logs), with the log the backup received in LOGS/backup.rrlog under
# QEMU (rr_live_copy=on: scripts/run.sh --replay takes it, to replay a
# divergence again); the summary says when the backup's contradicts what the
# primary released, and "split brain" when the backup went live while the
# primary, neither killed nor fenced, ran the guest on. Standard error: both hypervisors' logs (prefixed
# "primary: " and "backup: "), then a summary line: both exit codes, the
# backup's verdict and which side finished. Exit status: the guest's exit
# code on the side that finished; 2 for bad arguments; 3 when the backup
# did not come up.
# --digest N: a state digest every N guest-caused exits (default 100),
# each checked by the backup as it replays.
# --kill-primary-after SECONDS: SIGKILL of the primary's emulator that
# long (host time, fractions allowed) after its hypervisor started
# recording; the summary says how long after it the backup went live.
# --kill-backup-after SECONDS: the same for the backup's emulator; the
# primary, once the backup has been silent for its ft_timeout_ms, runs on
# without it and releases what it holds.
# --witness: a witness (build/tools/hvwitness) on a free loopback port of
# this host, with the pair's key: the ft_key= given through
# --primary-options and --backup-options (the same on both), else a new
# random one given to both; leases of at most 5000 ms (or the larger
# ft_timeout_ms given). The primary is given witness=10.9.0.253:9731, the
# backup witness=10.9.0.252:9731 (docs/fault-tolerance.md, "Running a
# pair": the test network). Its log: LOGS/witness.log.
# --cut-link-after SECONDS: that long after the primary started recording
# (as --kill-primary-after), the link between the two is cut: every frame
# between them dropped, both ways, the sockets kept (a silent partition);
# each still reaches the witness.
# --isolate-primary-after SECONDS: the same, and at once the primary's
# path to the witness too (its witness connections stay open but silent):
# the primary alone, the backup still reaching the witness. Implies
# --witness.
# --alter-frame-after SECONDS: that long after the primary started
# recording (as --kill-primary-after), the next segment of the log stream
# from the primary has one payload byte flipped (its TCP checksum fixed:
# netcut's `alter link`); --replay-frame-after SECONDS: in place of the
# next one's payload, an earlier one's of the same length (`replay link`).
# The backup must refuse it and the stream resume on a new connection.
# --switchover-after SECONDS: that long after the primary started
# recording, a planned switchover is asked of the primary's control
# endpoint (build/tools/hvctl switchover, authenticated with the pair's
# ft_key=, else a new random one given to both; the primary then serves
# http=8080, forwarded from a free loopback port of this host written to
# LOGS/primary.http as HOST:PORT, the key in LOGS/pair.key): the primary
# hands the guest to the backup at its next landmark and exits 116, the
# backup goes live there. hvctl's answer: LOGS/switchover.hvctl.
# Given with --kill-backup-after (the one pair of events allowed
# together), it counts from the backup's kill: a switchover whose backup
# is gone before it acknowledges the log's end fails, and the guest stays
# on the primary.
# --listener: the outside listener above (QEMU only: it is on netcut's
# test network). Opt-in: the other pair tests run on the network they
# had before (docs/console-stream.md, "Measured").
# --join: fault tolerance for a running guest (docs/fault-tolerance.md,
# "A backup joins"): the primary starts first, with join=on, and runs its
# guest at once without a backup; --join-after SECONDS (default 1) after it
# says so, the backup starts with join=on and receives the running guest
# by live migration, then follows the primary's log from there. The kills
# and --listener combine with it (a kill's time counts from the join,
# when the primary starts recording). --rejoin-after SECONDS: that long
# after the backup went live (a kill of the primary), a new backup starts
# in the dead primary's place (its address, its card, with --witness its
# witness address; LOGS/rejoin) with join=on, and the survivor migrates
# the guest into it;
# --kill-survivor-after SECONDS: that long after that join, the survivor's
# emulator is SIGKILLed and the new backup must finish the run. The
# summary names the new backup's exit code and who finished; the outside's
# console is the three consoles' reconstruction (each joined backup's
# console starts at the offset its log's first OUTPUT names: "ft: the
# console stream goes on at offset"). QEMU only.
# --mode checkpoint: the pair runs in checkpoint mode (ft=checkpoint on
# both sides, docs/fault-tolerance.md "Checkpoint mode"): the primary sends
# its state every epoch instead of a log; the times above count from its
# first epoch instead of its recording (replay, the default: ft=replay).
# --mode auto: ft=auto on both sides ("ft=auto"): the pair starts in replay
# mode and the primary switches to checkpoints when they are cheaper.
# --initrd FILE: the guest's initrd (a Linux guest, scripts/run.sh
# --initrd); --mem MB: each emulator's memory (run.sh's default without).
# --resume SNAPSHOT: both sides start the guest from SNAPSHOT (scripts/run.sh
# --resume; taken by a run of the same guest, arguments and modules): the
# primary records from there and the backup replays its log from the same
# state (resume=on with role=backup, docs/fault-tolerance.md).
# --client GUEST_IP:PORT: an outside client of the guest's own NIC
# (guest_nic=virtio, docs/networking.md): a third QEMU with no guest
# (-machine none: no CPU; not -S, whose stopped VM passes no frame) whose
# user network (slirp, 10.9.0.254 on the test network) is on
# netcut's segment with both cards and forwards a free loopback port of
# this host to GUEST_IP:PORT, written to LOGS/client.addr as HOST:PORT
# once it listens (with more PORTs, one host port each, written to
# LOGS/client.PORT.addr, the first one's to LOGS/client.addr too); its TCP
# stack is neither side's, so a connection
# through it survives the primary's death. Not with --witness,
# --switchover-after or --listener (their slirps have the same address).
# --kill-primary-when FILE: SIGKILL of the primary's emulator once FILE
# exists (a test's cue, e.g. in the middle of its client's stream); the
# summary says how long after it the backup went live.
# With --witness, a cut, a frame altered or replayed, a switchover,
# --join, --listener or --client, the two emulators' cards are joined through
# scripts/lib/netcut.py (its log: LOGS/netcut.log; QEMU only, not Bochs),
# and the witness's and netcut's logs follow the hypervisors' on standard
# error (prefixed "witness: " and "netcut: "). At most one of the kills and
# cuts per run; more by hand, with --logs, through netcut's control FIFO:
# echo 'cut witness backup' > LOGS/netcut.ctl (cut link, cut witness
# primary|backup, heal, alter link, replay link, stats; ';' between
# commands taken at once).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

PRIMARY_IP=10.9.0.1
BACKUP_IP=10.9.0.2
FT_PORT=9730
LISTEN_WAIT_S=120
# The test network (--witness, cuts): each side's user network (slirp)
# answers for one witness address, forwarded to the witness on the host.
NET=10.9.0.0/24
SLIRP_HOST=10.9.0.254
HTTP_PORT=8080
PRIMARY_WITNESS_ADDR=10.9.0.253
BACKUP_WITNESS_ADDR=10.9.0.252
WITNESS_PORT=9731
WITNESS_LEASE_MS=5000
# The outside listener of the console (console_out=): both slirps forward
# one address to hvlisten on the host.
LISTENER_ADDR=10.9.0.251
LISTENER_PORT=9740

guest="" guest_args="" emu=qemu digest=100 timeout_s=300 logs="" primary_options="" backup_options=""
kill_after="" kill_backup_after="" witness="" cut_link_after="" isolate_after="" switchover_after=""
alter_after="" replay_after="" listener="" mode=replay
join="" join_after=1 rejoin_after="" kill_survivor_after=""
initrd="" mem="" client="" kill_when="" resume=""

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
	--witness) witness=1; shift ;;
	--cut-link-after) cut_link_after=$2; shift 2 ;;
	--isolate-primary-after) isolate_after=$2; shift 2 ;;
	--alter-frame-after) alter_after=$2; shift 2 ;;
	--replay-frame-after) replay_after=$2; shift 2 ;;
	--switchover-after) switchover_after=$2; shift 2 ;;
	--listener) listener=1; shift ;;
	--join) join=1; shift ;;
	--join-after) join_after=$2; shift 2 ;;
	--rejoin-after) rejoin_after=$2; shift 2 ;;
	--kill-survivor-after) kill_survivor_after=$2; shift 2 ;;
	--mode) mode=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--client) client=$2; shift 2 ;;
	--kill-primary-when) kill_when=$2; shift 2 ;;
	--resume) resume=$2; shift 2 ;;
	-h | --help) usage ;;
	*) echo "pair.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
[ -n "$guest" ] || { echo "pair.sh: --guest is required" >&2; usage; }
case "$mode" in replay | checkpoint | auto) ;; *) echo "pair.sh: --mode is replay, checkpoint or auto, not '$mode'" >&2; usage ;; esac
[ -f "$guest" ] || { echo "pair.sh: no guest file '$guest'" >&2; exit 2; }
case "$emu" in qemu | bochs) ;; *) echo "pair.sh: --emu takes qemu or bochs, not '$emu'" >&2; exit 2 ;; esac
case "$digest" in '' | *[!0-9]*) echo "pair.sh: --digest takes a number" >&2; exit 2 ;; esac
[[ -z "$kill_after" || "$kill_after" =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
	{ echo "pair.sh: --kill-primary-after takes seconds, not '$kill_after'" >&2; exit 2; }
[[ -z "$kill_backup_after" || "$kill_backup_after" =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
	{ echo "pair.sh: --kill-backup-after takes seconds, not '$kill_backup_after'" >&2; exit 2; }
[[ -z "$cut_link_after" || "$cut_link_after" =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
	{ echo "pair.sh: --cut-link-after takes seconds, not '$cut_link_after'" >&2; exit 2; }
[[ -z "$isolate_after" || "$isolate_after" =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
	{ echo "pair.sh: --isolate-primary-after takes seconds, not '$isolate_after'" >&2; exit 2; }
[[ -z "$alter_after" || "$alter_after" =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
	{ echo "pair.sh: --alter-frame-after takes seconds, not '$alter_after'" >&2; exit 2; }
[[ -z "$replay_after" || "$replay_after" =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
	{ echo "pair.sh: --replay-frame-after takes seconds, not '$replay_after'" >&2; exit 2; }
[[ -z "$switchover_after" || "$switchover_after" =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
	{ echo "pair.sh: --switchover-after takes seconds, not '$switchover_after'" >&2; exit 2; }
for v in "$join_after" "$rejoin_after" "$kill_survivor_after"; do
	[[ -z "$v" || "$v" =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
		{ echo "pair.sh: --join-after, --rejoin-after and --kill-survivor-after take seconds, not '$v'" >&2; exit 2; }
done
[ -z "$join" ] || [ "$mode" = replay ] ||
	{ echo "pair.sh: --join is for --mode replay (a joining backup replays the log)" >&2; exit 2; }
[ -z "$rejoin_after$kill_survivor_after" ] || [ -n "$join" ] ||
	{ echo "pair.sh: --rejoin-after and --kill-survivor-after need --join" >&2; exit 2; }
[ -z "$rejoin_after" ] || [ -n "$kill_after" ] ||
	{ echo "pair.sh: --rejoin-after needs --kill-primary-after (a survivor to join)" >&2; exit 2; }
[ -z "$kill_survivor_after" ] || [ -n "$rejoin_after" ] ||
	{ echo "pair.sh: --kill-survivor-after needs --rejoin-after" >&2; exit 2; }
[ -z "$kill_after" ] || [ -z "$kill_backup_after" ] ||
	{ echo "pair.sh: kill the primary or the backup, not both" >&2; exit 2; }
[ -z "$kill_when" ] || [ -z "$kill_after$kill_backup_after" ] ||
	{ echo "pair.sh: --kill-primary-when is not with the other kills" >&2; exit 2; }
[[ -z "$client" || "$client" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+:[0-9]+(,[0-9]+)*$ ]] ||
	{ echo "pair.sh: --client takes GUEST_IP:PORT[,PORT...], not '$client'" >&2; exit 2; }
[ -z "$client" ] || [ -z "$witness$isolate_after$switchover_after$listener" ] ||
	{ echo "pair.sh: --client is not with --witness, --switchover-after or --listener" >&2; exit 2; }
[ -z "$initrd" ] || [ -f "$initrd" ] || { echo "pair.sh: no initrd file '$initrd'" >&2; exit 2; }
[ -z "$resume" ] || [ -f "$resume" ] || { echo "pair.sh: no snapshot file '$resume'" >&2; exit 2; }
events=0
# A backup killed just before a switchover (the switchover that fails)
# is the one pair of events allowed together: one event.
kill_backup_event=$kill_backup_after
[ -z "$switchover_after" ] || kill_backup_event=""
for e in "$kill_after" "$kill_backup_event" "$cut_link_after" "$isolate_after" "$alter_after" "$replay_after" "$switchover_after"; do
	[ -z "$e" ] || events=$((events + 1))
done
[ "$events" -le 1 ] || { echo "pair.sh: one of --kill-primary-after, --kill-backup-after," \
	"--cut-link-after, --isolate-primary-after, --alter-frame-after, --replay-frame-after and --switchover-after at a time" >&2; exit 2; }
[ -z "$isolate_after" ] || witness=1
netcut=""
[ -z "$witness$cut_link_after$alter_after$replay_after$switchover_after$listener$join$client" ] || netcut=1
if [ -n "$netcut" ] && [ "$emu" = bochs ]; then
	echo "pair.sh: --witness, the cuts, the altered or replayed frames, --switchover-after, --join and --listener" \
		"are not supported" \
		"under Bochs (scripts/lib/netcut.py joins QEMU socket netdevs and QEMU's user network)" >&2
	exit 2
fi
case "$root" in *[,\ ]*)
	[ -z "$netcut" ] || { echo "pair.sh: the test network needs a checkout path without commas or spaces ($root)" >&2; exit 2; } ;;
esac

# The last value of key= among the words.
option_value() { # key words
	local w v=""
	for w in $2; do
		case "$w" in "$1"=*) v=${w#*=} ;; esac
	done
	echo "$v"
}

# The witness's key, and the one a switchover is signed with: the pair's
# ft_key=, the same on both sides, or a new one given to both.
if [ -n "$witness$switchover_after" ]; then
	primary_key=$(option_value ft_key "$primary_options")
	backup_key=$(option_value ft_key "$backup_options")
	if [ "$primary_key" != "$backup_key" ]; then
		echo "pair.sh: --witness and --switchover-after need the same ft_key= on both sides, or none (one is made)" >&2
		exit 2
	fi
	ft_key=$primary_key
	if [ -z "$ft_key" ]; then
		ft_key=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
		primary_options="${primary_options:+$primary_options }ft_key=$ft_key"
		backup_options="${backup_options:+$backup_options }ft_key=$ft_key"
	fi
fi
if [ -n "$witness" ]; then
	lease_ms=$WITNESS_LEASE_MS
	for t in "$(option_value ft_timeout_ms "$primary_options")" "$(option_value ft_timeout_ms "$backup_options")"; do
		[[ "$t" =~ ^[0-9]+$ ]] && [ "$t" -gt "$lease_ms" ] && lease_ms=$t
	done
	primary_options="${primary_options:+$primary_options }witness=$PRIMARY_WITNESS_ADDR:$WITNESS_PORT"
	backup_options="${backup_options:+$backup_options }witness=$BACKUP_WITNESS_ADDR:$WITNESS_PORT"
fi
if [ -n "$listener" ]; then
	primary_options="${primary_options:+$primary_options }console_out=$LISTENER_ADDR:$LISTENER_PORT"
	backup_options="${backup_options:+$backup_options }console_out=$LISTENER_ADDR:$LISTENER_PORT"
fi

backup_pid="" primary_pid="" witness_pid="" netcut_pid="" listener_pid="" rejoin_pid=""
two_hosts_instances() { echo "$primary_pid $backup_pid $rejoin_pid"; }
. "$root/scripts/lib/two_hosts.sh"
two_hosts_setup

# A host tool (hvwitness, hvlisten) on a free loopback port: the words
# after LOG are its command, with @PORT@ for the port; tries five ports
# until its log (standard output and error) says it listens. Sets
# tool_pid and tool_port.
start_on_free_port() { # log command...
	local log=$1 tool=${2##*/}
	shift
	for _ in 1 2 3 4 5; do
		tool_port=$(free_port)
		"${@//@PORT@/$tool_port}" >"$log" 2>&1 &
		tool_pid=$!
		while kill -0 "$tool_pid" 2>/dev/null && ! grep -qs 'listening on' "$log"; do
			sleep 0.05
		done
		if grep -qs 'listening on' "$log"; then
			two_hosts_helper "$tool_pid"
			return 0
		fi
		wait "$tool_pid" || true
	done
	echo "pair.sh: $tool cannot listen ($(tail -n 1 "$log"))" >&2
	exit 3
}

# hvwitness with the key; sets witness_pid and witness_port, its log in
# LOGS/witness.log.
start_witness() {
	(umask 077 && printf '%s\n' "$ft_key" >"$logs/witness.key")
	rm -f "$logs/witness.state"
	start_on_free_port "$logs/witness.log" "$root/build/tools/hvwitness" --port @PORT@ \
		--bind 127.0.0.1 --key-file "$logs/witness.key" --state "$logs/witness.state" \
		--lease-ms "$lease_ms"
	witness_pid=$tool_pid witness_port=$tool_port
}

# hvlisten; sets listener_pid and listener_port, its output in
# LOGS/listener.out and its log in LOGS/listener.log.
start_listener() {
	start_on_free_port "$logs/listener.log" "$root/build/tools/hvlisten" --port @PORT@ \
		--bind 127.0.0.1 --out "$logs/listener.out"
	listener_pid=$tool_pid listener_port=$tool_port
}

# netcut.py serving the test network; sets netcut_pid and its ports
# (NIC_PRIMARY, NIC_BACKUP, and with the witness SLIRP_* and RELAY_*).
start_netcut() {
	local args=(serve --dir "$logs" --slirp-addr "$SLIRP_HOST") i
	[ -z "$witness" ] || args+=(--witness "127.0.0.1:$witness_port"
		--witness-addr "primary=$PRIMARY_WITNESS_ADDR" --witness-addr "backup=$BACKUP_WITNESS_ADDR")
	[ -z "$switchover_after$listener" ] || args+=(--slirp)
	[ -z "$client" ] || args+=(--client)
	[ -z "$listener" ] || args+=(--slirp-addr "$LISTENER_ADDR")
	rm -f "$logs/netcut.ports"
	python3 "$root/scripts/lib/netcut.py" "${args[@]}" 2>"$logs/netcut.log" &
	netcut_pid=$!
	two_hosts_helper "$netcut_pid"
	for ((i = 0; i < 100; i++)); do
		[ -f "$logs/netcut.ports" ] && break
		kill -0 "$netcut_pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -f "$logs/netcut.ports" ] ||
		{ echo "pair.sh: netcut did not start ($(tail -n 1 "$logs/netcut.log"))" >&2; exit 3; }
	# shellcheck source=/dev/null
	. "$logs/netcut.ports"
}

# netcut's control: commands separated by ';', taken at once.
netcut_ctl() { # commands
	# shellcheck disable=SC2016 # sh's own $1 and $2
	timeout 5 sh -c 'printf "%s\n" "$1" >"$2"' sh "$1" "$logs/netcut.ctl" ||
		echo "pair.sh: netcut did not take '$1'" >&2
}

# A side's run.sh network arguments on the test network: its card on
# netcut's port, and with the witness, a switchover or the listener its
# user network (a hub of its own with a socket netdev to netcut) answering
# for the side's witness address (to netcut's relay) and the listener's
# (to hvlisten), and forwarding a host port to its control endpoint.
netcut_netdevs() { # nic_port slirp_port relay_port witness_addr [host_port guest_ip]
	local fwd="" pipe="$pipe_python -S $root/scripts/lib/netcut.py pipe"
	echo --netdev
	echo "socket,id=n0,connect=127.0.0.1:$1"
	[ -n "$witness$switchover_after$listener" ] || return 0
	[ -z "$witness" ] || fwd=",guestfwd=tcp:$4:$WITNESS_PORT-cmd:$pipe $3"
	[ -z "$listener" ] || fwd="$fwd,guestfwd=tcp:$LISTENER_ADDR:$LISTENER_PORT-cmd:$pipe $listener_port"
	[ -z "${5:-}" ] || fwd="$fwd,hostfwd=tcp:127.0.0.1:$5-$6:$HTTP_PORT"
	echo --hub
	echo "user,id=w0,net=$NET,host=$SLIRP_HOST,restrict=on,ipv6=off$fwd;socket,id=w1,connect=127.0.0.1:$2"
}

# slirp runs the pipe once per guest connection: the interpreter itself
# (not a wrapper script that finds it), without site packages, starts
# fastest, which matters on a loaded machine (the emulators wait for none
# of it, but share the CPU).
pipe_python=$(python3 -c 'import sys; print(sys.executable)')
case "$pipe_python" in *[,\ ]* | "") pipe_python=python3 ;; esac
# The outside client's network (--client): a QEMU with no guest whose
# user network is on netcut's segment, forwarding a free host port to the
# guest's service (each PORT of --client); LOGS/client.addr once it
# listens, and LOGS/client.PORT.addr.
start_client() {
	local port i p fwd="" guest_ports=() host_ports=()
	IFS=, read -ra guest_ports <<<"${client#*:}"
	for p in "${guest_ports[@]}"; do
		host_ports+=("$(free_port)")
		fwd="$fwd,hostfwd=tcp:127.0.0.1:${host_ports[-1]}-${client%%:*}:$p"
	done
	port=${host_ports[0]}
	qemu-system-x86_64 -machine none -display none -nodefaults \
		-netdev "user,id=c0,net=$NET,host=$SLIRP_HOST,ipv6=off$fwd" \
		-netdev "socket,id=c1,connect=127.0.0.1:$CLIENT" \
		-netdev hubport,id=c0-hub,hubid=0,netdev=c0 -netdev hubport,id=c1-hub,hubid=0,netdev=c1 \
		>"$logs/client.log" 2>&1 &
	client_pid=$!
	two_hosts_helper "$client_pid"
	# Listening is seen in /proc/net/tcp, not by connecting: a connection
	# would reach the guest's service (slirp connects to it for each one)
	# and use it up (the echo service serves one), once the guest serves.
	for ((i = 0; i < 100; i++)); do
		python3 -c 'import sys
want = "0100007F:%04X" % int(sys.argv[1])
rows = [l.split() for l in open("/proc/net/tcp").readlines()[1:]]
sys.exit(0 if any(r[1] == want and r[3] == "0A" for r in rows) else 1)' "$port" && break
		kill -0 "$client_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$client_pid" 2>/dev/null ||
		{ echo "pair.sh: the client's QEMU did not start ($(tail -n 1 "$logs/client.log"))" >&2; exit 3; }
	for i in "${!guest_ports[@]}"; do
		echo "127.0.0.1:${host_ports[i]}" >"$logs/client.${guest_ports[i]}.addr"
	done
	echo "127.0.0.1:$port" >"$logs/client.addr"
}

if [ -n "$netcut" ]; then
	[ -z "$witness" ] || start_witness
	[ -z "$listener" ] || start_listener
	start_netcut
	[ -z "$client" ] || start_client
	http_host_port=""
	if [ -n "$switchover_after" ]; then
		http_host_port=$(free_port)
		echo "127.0.0.1:$http_host_port" >"$logs/primary.http"
		(umask 077 && printf '%s\n' "$ft_key" >"$logs/pair.key")
	fi
	mapfile -t backup_net < <(netcut_netdevs "$NIC_BACKUP" "${SLIRP_BACKUP:-}" "${RELAY_BACKUP:-}" "$BACKUP_WITNESS_ADDR")
	mapfile -t primary_net < <(netcut_netdevs "$NIC_PRIMARY" "${SLIRP_PRIMARY:-}" "${RELAY_PRIMARY:-}" "$PRIMARY_WITNESS_ADDR" $http_host_port ${http_host_port:+$PRIMARY_IP})
else
	join_two_hosts "$emu" "$emu" "$logs"
	backup_net=(--netdev "$first_netdev")
	primary_net=(--netdev "$second_netdev")
fi
run_args=(--emu "$emu" --timeout "$timeout_s" --guest "$guest" --nic e1000)
[ -z "$guest_args" ] || run_args+=(--guest-args "$guest_args")
[ -z "$initrd" ] || run_args+=(--initrd "$initrd")
[ -z "$mem" ] || run_args+=(--mem "$mem")
[ -z "$resume" ] || run_args+=(--resume "$resume")

# The backup's copy of the log it received (QEMU: its UART is instant;
# Bochs' sends at its line speed, which would hold up the backup's ACKs).
copy_args=() copy_word=""
# The primary's line the times of kills and cuts count from: its recording
# began, or in checkpoint mode its first epoch was taken.
STARTED_RE='^rr: recording'
if [ "$mode" = checkpoint ]; then
	STARTED_RE='^ft: epoch 1:'
	primary_options="ft=checkpoint${primary_options:+ $primary_options}"
	backup_options="ft=checkpoint${backup_options:+ $backup_options}"
elif [ "$mode" = auto ]; then # its log ends at the switch: no copy to compare
	primary_options="ft=auto${primary_options:+ $primary_options}"
	backup_options="ft=auto${backup_options:+ $backup_options}"
elif [ "$emu" = qemu ]; then
	copy_args=(--com3-out "$logs/backup.rrlog")
	copy_word=" rr_live_copy=on"
fi
join_word=""
[ -z "$join" ] || join_word=" join=on"
# The backup; it must come up: its log stream's port listening (with
# --join: its migration's port).
start_backup() {
	local ready='^logstream: waiting for a recording'
	[ -z "$join" ] || ready='^migration: waiting for the source'
	start_instance "$logs/backup" "${run_args[@]}" "${backup_net[@]}" "${copy_args[@]}" \
		--cmdline "selftest=off http=off ip=$BACKUP_IP role=backup$copy_word$join_word peer=$PRIMARY_IP:$FT_PORT rr_digest=$digest${backup_options:+ $backup_options}"
	backup_pid=$inst_pid
	if ! wait_for_line "$logs/backup.stderr" "$ready" "$backup_pid" "$LISTEN_WAIT_S"; then
		sed 's/^/backup: /' "$logs/backup.stderr" >&2
		echo "pair.sh: the backup did not come up" >&2
		exit 3
	fi
}
start_primary() {
	local primary_http=off
	[ -z "$switchover_after" ] || primary_http=$HTTP_PORT
	start_instance "$logs/primary" "${run_args[@]}" "${primary_net[@]}" \
		--cmdline "selftest=off http=$primary_http ip=$PRIMARY_IP role=primary$join_word peer=$BACKUP_IP:$FT_PORT rr_digest=$digest${primary_options:+ $primary_options}"
	primary_pid=$inst_pid
}
if [ -z "$join" ]; then
	start_backup
	start_primary
else # the primary runs its guest at once; the backup joins it later
	start_primary
	if ! wait_for_line "$logs/primary.stderr" '^ft: running without a backup' "$primary_pid" "$LISTEN_WAIT_S"; then
		sed 's/^/primary: /' "$logs/primary.stderr" >&2
		echo "pair.sh: the primary did not start its guest" >&2
		exit 3
	fi
	sleep "$join_after"
	start_backup
fi
# The backup says this when it goes live: after a lost primary, or at a
# planned switchover.
LIVE_RE='^ft: the primary (is gone|switched over): the guest goes live'
# The host time from the primary's death to the backup's going live (its
# hypervisor says so on its log as it happens): failover_ms.
failover_ms=""
measure_failover() { # [pid log]: the backup's, or another's (--kill-survivor-after)
	local start now pid=${1:-$backup_pid} log=${2:-$logs/backup.stderr}
	start=$(date +%s%N)
	failover_ms=""
	while kill -0 "$pid" 2>/dev/null &&
		! grep -q -E "$LIVE_RE" "$log"; do
		sleep 0.01
	done
	now=$(date +%s%N)
	grep -q -E "$LIVE_RE" "$log" &&
		failover_ms=$(((now - start) / 1000000))
	return 0
}

killed="" backup_killed=""
if [ -n "$kill_when" ]; then
	while kill -0 "$primary_pid" 2>/dev/null && [ ! -e "$kill_when" ]; do
		sleep 0.05
	done
	kill -0 "$primary_pid" 2>/dev/null && kill_emulator "$primary_pid" && killed=1
	[ -z "$killed" ] || measure_failover
fi
if [ -n "$kill_after" ] && wait_for_line "$logs/primary.stderr" "$STARTED_RE" "$primary_pid" "$LISTEN_WAIT_S"; then
	sleep "$kill_after"
	kill -0 "$primary_pid" 2>/dev/null && kill_emulator "$primary_pid" && killed=1
	[ -z "$killed" ] || measure_failover
fi
# --rejoin-after: a new backup in the dead primary's place joins the
# survivor; --kill-survivor-after: the survivor dies after that join.
rejoined="" survivor_killed="" second_failover_ms=""
if [ -n "$rejoin_after" ] && [ -n "$killed" ] && grep -q -E "$LIVE_RE" "$logs/backup.stderr"; then
	sleep "$rejoin_after"
	# in the dead primary's place: its network, so its witness address
	start_instance "$logs/rejoin" "${run_args[@]}" "${primary_net[@]}" \
		${copy_word:+--com3-out "$logs/rejoin.rrlog"} \
		--cmdline "selftest=off http=off ip=$PRIMARY_IP role=backup$copy_word join=on peer=$BACKUP_IP:$FT_PORT rr_digest=$digest${backup_options:+ ${backup_options//witness=$BACKUP_WITNESS_ADDR/witness=$PRIMARY_WITNESS_ADDR}}"
	rejoin_pid=$inst_pid rejoined=1
	if [ -n "$kill_survivor_after" ] &&
		wait_for_line "$logs/backup.stderr" '^ft: backup joined at landmark' "$backup_pid" "$LISTEN_WAIT_S"; then
		sleep "$kill_survivor_after"
		if kill -0 "$backup_pid" 2>/dev/null && kill_emulator "$backup_pid"; then
			survivor_killed=1 first_failover_ms=$failover_ms
			measure_failover "$rejoin_pid" "$logs/rejoin.stderr"
			second_failover_ms=$failover_ms failover_ms=$first_failover_ms
		fi
	fi
fi
if [ -n "$kill_backup_after" ] && wait_for_line "$logs/primary.stderr" "$STARTED_RE" "$primary_pid" "$LISTEN_WAIT_S"; then
	sleep "$kill_backup_after"
	kill -0 "$backup_pid" 2>/dev/null && kill_emulator "$backup_pid" && backup_killed=1
fi
cut=""
# netcut's commands that long after the primary started recording; the
# summary names the event (sets cut).
netcut_event() { # seconds commands summary
	[ -n "$1" ] && wait_for_line "$logs/primary.stderr" "$STARTED_RE" "$primary_pid" "$LISTEN_WAIT_S" ||
		return 0
	sleep "$1"
	netcut_ctl "$2"
	cut=" ($3)"
}
netcut_event "$cut_link_after" "cut link" "link cut after $cut_link_after s"
netcut_event "$isolate_after" "cut link; cut witness primary" \
	"isolated after $isolate_after s: the link and its witness path cut"
netcut_event "$alter_after" "alter link" "a frame altered after $alter_after s"
netcut_event "$replay_after" "replay link" "a frame replayed after $replay_after s"

switched="" switchover_answer=""
if [ -n "$switchover_after" ] && wait_for_line "$logs/primary.stderr" "$STARTED_RE" "$primary_pid" "$LISTEN_WAIT_S"; then
	sleep "$switchover_after"
	set +e
	"$root/build/tools/hvctl" --timeout-ms 10000 switchover "$(cat "$logs/primary.http")" \
		--key-file "$logs/pair.key" >"$logs/switchover.hvctl" 2>&1
	switchover_code=$?
	set -e
	switchover_answer=$(head -n 1 "$logs/switchover.hvctl")
	[ "$switchover_code" != 0 ] || switched=1
	[ -z "$switched" ] || [ -n "$backup_killed" ] || measure_failover
fi

wait_or_stop "$primary_pid" "$timeout_s"
primary_status=$wait_status
primary_pid=""
wait_or_stop "$backup_pid" "$timeout_s"
backup_status=$wait_status
backup_pid=""
rejoin_status=""
if [ -n "$rejoin_pid" ]; then
	wait_or_stop "$rejoin_pid" "$timeout_s"
	rejoin_status=$wait_status
	rejoin_pid=""
fi
# The helpers' last words (netcut's counters) before their logs are shown.
[ -z "$netcut_pid" ] || stop_helper "$netcut_pid"
[ -z "$witness_pid" ] || stop_helper "$witness_pid"
[ -z "$listener_pid" ] || stop_helper "$listener_pid"
# What the outside saw: the primary's console (it released only what the
# backup could reproduce: the output rule), then, after a takeover, the
# backup's from where the primary's stopped. The backup's console up to
# there must be the primary's: anything else contradicts it.
finisher=primary status=$primary_status contradiction=""
# The backup went live (after a kill, a cut, an isolation): the outside
# saw the primary's released bytes, then the backup's. A primary that was
# neither killed nor fenced (exit 117) ran on too: both sides ran the guest.
if grep -q -E "$LIVE_RE" "$logs/backup.stderr"; then
	finisher=backup status=$backup_status
	[ -n "$killed" ] || [ "$primary_status" = 117 ] || [ "$primary_status" = 116 ] ||
		contradiction="; split brain: the primary ran the guest on too (exit $primary_status)"
	released=$(stat -c %s "$logs/primary")
	# A backup resynced from a checkpoint (docs/fault-tolerance.md,
	# "Resync") has in its console, from there on, the stream from the
	# checkpoint's offset (the primary had released everything before it)
	# at the file offset where its own console then stood.
	stream_at=0 file_at=0
	resync=$(grep '^ft: the console stream goes on at offset' "$logs/backup.stderr" | tail -n 1 || true)
	if [ -n "$resync" ]; then
		stream_at=$(sed -n 's/.* at offset \([0-9]*\) (this console had written \([0-9]*\) bytes).*/\1/p' <<<"$resync")
		file_at=$(sed -n 's/.* at offset \([0-9]*\) (this console had written \([0-9]*\) bytes).*/\2/p' <<<"$resync")
	fi
	if [ "$released" -lt "$stream_at" ]; then
		contradiction="$contradiction; the primary released $released bytes, fewer than the $stream_at before the backup's checkpoint"
	elif ! cmp -s -n "$((released - stream_at))" <(tail -c +"$((stream_at + 1))" "$logs/primary") \
		<(tail -c +"$((file_at + 1))" "$logs/backup"); then
		contradiction="$contradiction; the backup's console contradicts the $released bytes the primary released"
	fi
	{ cat "$logs/primary"; tail -c +"$((released - stream_at + file_at + 1))" "$logs/backup"; } >"$logs/consoles.out"
else
	cat "$logs/primary" >"$logs/consoles.out"
fi
# A new backup that joined the survivor and went live in its turn: the
# outside saw the above, then its console from where that stops (its
# console starts at the offset its log's first OUTPUT named).
if [ -n "$rejoined" ] && grep -q -E "$LIVE_RE" "$logs/rejoin.stderr"; then
	finisher="new backup" status=$rejoin_status
	[ -n "$survivor_killed" ] ||
		contradiction="$contradiction; split brain: the survivor ran the guest on too (exit $backup_status)"
	outside=$(stat -c %s "$logs/consoles.out")
	joined_at=$(sed -n 's/^ft: the console stream goes on at offset \([0-9]*\) (this console had written \([0-9]*\) bytes).*/\1 \2/p' "$logs/rejoin.stderr" | tail -n 1)
	read -r stream_at file_at <<<"${joined_at:-0 0}"
	if [ "$outside" -lt "$stream_at" ]; then
		contradiction="$contradiction; the outside had $outside bytes, fewer than the $stream_at before the new backup joined"
	elif ! cmp -s -n "$((outside - stream_at))" <(tail -c +"$((stream_at + 1))" "$logs/consoles.out") \
		<(tail -c +"$((file_at + 1))" "$logs/rejoin"); then
		contradiction="$contradiction; the new backup's console contradicts the $outside bytes the outside had"
	fi
	tail -c +"$((outside - stream_at + file_at + 1))" "$logs/rejoin" >>"$logs/consoles.out"
fi
# With the listener, what it received is what the outside saw; the
# consoles' reconstruction is the cross-check.
heard=""
if [ -n "$listener_pid" ]; then
	cat "$logs/listener.out" 2>/dev/null || true
	heard=$(sed -n 's/^hvlisten: \([0-9]* bytes from .*\) (.*)$/\1/p' "$logs/listener.log" | tail -n 1)
	if ! grep -q ' 0 contradictions,' <<<"$heard"; then
		contradiction="$contradiction; a sender contradicts bytes the listener had"
	fi
	if cmp -s "$logs/listener.out" "$logs/consoles.out"; then
		heard="; listener: ${heard:-no summary}, the consoles' reconstruction agrees"
	else
		heard="; listener: ${heard:-no summary}, the consoles' reconstruction differs ($(cmp "$logs/listener.out" "$logs/consoles.out" 2>&1 | head -n 1))"
	fi
else
	cat "$logs/consoles.out"
fi
awk '{ print "primary: " $0 }' "$logs/primary.stderr" >&2
awk '{ print "backup: " $0 }' "$logs/backup.stderr" >&2
[ -z "$rejoined" ] || awk '{ print "rejoin: " $0 }' "$logs/rejoin.stderr" >&2
[ -z "$witness_pid" ] || awk '{ print "witness: " $0 }' "$logs/witness.log" >&2
[ -z "$listener_pid" ] || awk '{ print "listener: " $0 }' "$logs/listener.log" >&2
[ -z "$netcut_pid" ] || cat "$logs/netcut.log" >&2
verdict=$(grep -m1 -o -E 'rr: replay (matches the recording|diverged).*|ft: the primary (is gone|switched over).*|ft: this backup stands down.*' "$logs/backup.stderr" || echo "no verdict")
sw=""
if [ -n "$switchover_after" ]; then
	if [ "$primary_status" = 116 ]; then
		sw=" (switched over after $switchover_after s${failover_ms:+; the backup went live $failover_ms ms after the answer}: $switchover_answer)"
	elif [ -n "$switched" ] && grep -q 'ft: the switchover failed' "$logs/primary.stderr"; then
		sw=" (switchover after $switchover_after s accepted, then failed: the primary kept the guest)"
	else
		sw=" (switchover after $switchover_after s not done: ${switchover_answer:-no answer})"
	fi
fi
rj=""
if [ -n "$rejoined" ]; then
	rv=$(grep -m1 -o -E 'rr: replay (matches the recording|diverged).*|ft: the primary (is gone|switched over).*' "$logs/rejoin.stderr" || echo "no verdict")
	rj=", new backup exit $rejoin_status (started $rejoin_after s after the takeover${survivor_killed:+; the survivor killed $kill_survivor_after s after it joined${second_failover_ms:+, the new backup live $second_failover_ms ms later}}; $rv)"
fi
killed_how="after ${kill_after} s"
[ -z "$kill_when" ] || killed_how="on its cue"
echo "pair.sh: primary exit $primary_status${killed:+ (killed $killed_how${failover_ms:+; the backup went live $failover_ms ms later})}$cut$sw, backup exit $backup_status${backup_killed:+ (killed after ${kill_backup_after} s)}; backup: $verdict$rj; the $finisher finished the run$contradiction$heard" >&2
exit "$status"
