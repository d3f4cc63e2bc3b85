#!/usr/bin/env bash
# A pair's side in the control endpoint: Understudy under QEMU as a
# primary (role=primary, ft_timeout_ms=1000) whose backup never answers
# (peer=10.0.2.2:1, the host's port 1 through QEMU's user network: refused),
# so it starts the guest without a backup and runs on without one; linger=
# keeps the endpoint up after the ticker guest's end. /status must carry
# the "ft" object (role primary, state "running without a backup", the
# landmark where it went on alone, no heartbeat ever: the backup never
# agreed), /metrics the understudy_ft_* families,
# and `hvctl status` must print the side (its heartbeats off) and exit 0.
# Logs: $results/net_control_ft.{guest,guest.stderr,json,metrics,hvctl}.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

NAME=net_control_ft
SECONDS_RUN=3
LINGER_S=20
BOOT_WAIT_S=120

hv_pid=""
trap 'stop_instance "$hv_pid"' EXIT

check_ft_json() { # file
	python3 - "$1" <<'PY'
import json, sys
try:
    s = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"not JSON: {e}"); sys.exit()
ft = s.get("ft") or {}
problems = []
def expect(cond, what):
    if not cond: problems.append(what)
expect(ft.get("role") == "primary", f"ft.role primary (is {ft.get('role')})")
expect(ft.get("peer") == "10.0.2.2:1", f"ft.peer 10.0.2.2:1 (is {ft.get('peer')})")
expect(ft.get("state") == "running without a backup", f"ft.state (is {ft.get('state')})")
expect(isinstance(ft.get("backup_lost_at"), int), "ft.backup_lost_at a landmark")
expect(ft.get("landmark", 0) > 0, "ft.landmark > 0")
log = ft.get("log") or {}
expect(log.get("produced_bytes", 0) > 0, "ft.log.produced_bytes > 0")
expect(log.get("acked_bytes") == 0, "ft.log.acked_bytes 0")
expect(log.get("lag_landmarks") == 0, "ft.log.lag_landmarks 0 (no backup heartbeat heard)")
hb = ft.get("heartbeat") or {}
expect(hb.get("on") is False and hb.get("received") == 0 and hb.get("sent") == 0,
       f"ft.heartbeat off, none sent or received (is {hb})")
expect(isinstance(hb.get("peer_heard_ms"), int), "ft.heartbeat.peer_heard_ms a number")
expect("output" in ft and ft["output"].get("held_bytes") == 0, "ft.output.held_bytes 0")
expect(ft.get("witness", 1) is None, "ft.witness null")
expect(s.get("guest", {}).get("state") == "exited", "guest exited")
if problems:
    print("; ".join(problems))
PY
}

port=$(free_port)
start_instance "$results/$NAME.guest" --emu qemu --timeout 200 --nic e1000 \
	--netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:8080" \
	--cmdline "ip=10.0.2.15 gw=10.0.2.2 linger=$LINGER_S role=primary peer=10.0.2.2:1 ft_timeout_ms=1000" \
	--guest "$root/build/guests/ticker.elf" --guest-args "seconds=$SECONDS_RUN"
hv_pid=$inst_pid
log=$results/$NAME.guest.stderr

if ! wait_for_line "$log" '^understudy: serving the network for' "$hv_pid" "$BOOT_WAIT_S"; then
	echo "FAIL: ${NAME}_status: the run did not reach its linger ($(tail -n 1 "$log"))"
	echo "FAIL: ${NAME}_hvctl: not run"
	exit 0
fi
base=http://127.0.0.1:$port
for tries in 1 2 3; do
	curl -s -m 10 -o "$results/$NAME.json" "$base/status" && break
done
curl -s -m 10 -o "$results/$NAME.metrics" "$base/metrics" || true
why=$(check_ft_json "$results/$NAME.json")
if [ -z "$why" ] &&
   ! grep -q '^understudy_ft_role_info{role="primary",peer="10.0.2.2:1"} 1$' "$results/$NAME.metrics"; then
	why="no understudy_ft_role_info line in /metrics"
fi
if [ -z "$why" ] &&
   ! grep -q '^understudy_ft_state{state="running without a backup"} 1$' "$results/$NAME.metrics"; then
	why="understudy_ft_state is not \"running without a backup\" in /metrics"
fi
if [ -z "$why" ] && ! grep -q '^understudy_ft_heartbeats_received_total 0$' "$results/$NAME.metrics"; then
	why="no understudy_ft_heartbeats_received_total 0 in /metrics"
fi
if [ -n "$why" ]; then
	echo "FAIL: ${NAME}_status: $why"
else
	echo "PASS: ${NAME}_status (ft object and understudy_ft_* of a primary running without a backup)"
fi

set +e
"$root/build/tools/hvctl" status "127.0.0.1:$port" >"$results/$NAME.hvctl" 2>&1
code=$?
set -e
if [ "$code" != 0 ] ||
   ! grep -q "^127.0.0.1:$port: primary, running without a backup (from landmark [0-9]*); guest exited" \
	"$results/$NAME.hvctl" ||
   ! grep -q "^  heartbeats: off, 0 sent, 0 received, 0 missed" "$results/$NAME.hvctl"; then
	echo "FAIL: ${NAME}_hvctl: exit $code: $(head -n 1 "$results/$NAME.hvctl")"
else
	echo "PASS: ${NAME}_hvctl ($(head -n 1 "$results/$NAME.hvctl"))"
fi
stop_instance "$hv_pid"
