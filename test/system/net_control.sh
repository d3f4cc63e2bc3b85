#!/usr/bin/env bash
# The control endpoint while a guest runs: Understudy under QEMU with an
# e1000 on user-mode networking, ip=10.0.2.15, and a host port forwarded to
# its HTTP port; the ticker guest runs for a few seconds and linger= keeps
# the network up after it ends. curl reads /status (JSON, checked field by
# field) and /metrics (Prometheus text) while the guest runs; a flood of
# malformed requests, more idle connections than the server has slots,
# oversized heads and half-sent requests follow; /status must still answer
# and count the bad requests, the guest must finish every second it was
# asked for with exit code 0, and after it ends /status says "exited".
# Logs: $results/net_control.{guest,guest.stderr,*.json,metrics,abuse}.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

NAME=net_control
SECONDS_RUN=25 # the guest's run: long enough for the checks while it runs
LINGER_S=30    # the endpoint after the guest: for the checks after it
BOOT_WAIT_S=120

hv_pid=""

trap 'stop_instance "$hv_pid"' EXIT

wait_logged() { # pattern seconds
	wait_for_line "$log" "$1" "$hv_pid" "$2"
}

# Checks a /status document: prints nothing when every expectation holds,
# else what is wrong. want_state: running or exited.
check_status_json() { # file want_state
	python3 - "$1" "$2" <<'PY'
import json, sys
doc, want = sys.argv[1], sys.argv[2]
try:
    s = json.load(open(doc))
except Exception as e:
    print(f"not JSON: {e}"); sys.exit()
problems = []
def expect(cond, what):
    if not cond: problems.append(what)
expect(s.get("version", "").startswith("0."), "version")
expect(s.get("uptime_ns", 0) > 0, "uptime_ns > 0")
expect(s.get("backend") in ("vmx", "svm"), "backend vmx or svm")
g = s.get("guest", {})
expect(g.get("state") == want, f"guest state {want} (is {g.get('state')})")
if want == "exited":
    expect(g.get("exit_code") == 0, "exit_code 0")
e = s.get("exits", {})
expect(e.get("total", 0) > 0 and e.get("guest_caused", 0) > 0, "exit counts > 0")
expect(any(r.get("reason") == "hlt" and r.get("count", 0) > 0 for r in e.get("by_reason", [])),
       "a hlt row in exits.by_reason")
expect(e.get("interrupts_injected", 0) > 0, "interrupts injected > 0")
n = s.get("nic") or {}
expect(n.get("name") == "e1000" and n.get("address") == "10.0.2.15", "nic e1000 at 10.0.2.15")
expect(n.get("mac") == "52:54:00:12:34:56", "nic mac")
expect(n.get("rx_packets", 0) > 0 and n.get("tx_packets", 0) > 0, "nic counters > 0")
expect("rr" in s and s["rr"].get("mode") == "off", "rr mode off")
expect("http" in s and s["http"].get("served", -1) >= 0, "http counters")
if problems:
    print("; ".join(problems))
PY
}

# Throws bad input at the endpoint; prints one summary line.
abuse() { # port
	python3 - "$1" <<'PY'
import os, socket, sys, time
port = int(sys.argv[1])
def conn():
    return socket.create_connection(("127.0.0.1", port), timeout=10)
def exchange(data):
    try:
        s = conn()
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            b = s.recv(4096)
            if not b: break
            out += b
        s.close()
        return out
    except OSError:
        return b""
bad = [b"\x00\xff garbage\r\n\r\n", b"GET\r\n\r\n", b"GET /status HTTP/9.9\r\n\r\n",
       b"GET status HTTP/1.1\r\n\r\n", b"GET /status HTTP/1.1\rX\r\n\r\n",
       b"GET /" + b"a" * 3000 + b" HTTP/1.1\r\n\r\n",
       b"GET /status HTTP/1.1\r\n" + b"X-A: b\r\n" * 100 + b"\r\n",
       b"GET /status HTTP/1.1\r\n folded\r\n\r\n", os.urandom(2000)]
answered = {}
for i in range(60):
    r = exchange(bad[i % len(bad)])
    code = r[9:12].decode(errors="replace") if r.startswith(b"HTTP/1.1 ") else "none"
    answered[code] = answered.get(code, 0) + 1
# more idle connections than slots, and half-sent heads, held open
idle = []
for i in range(20):
    try:
        s = conn()
        if i % 2: s.sendall(b"GET /sta")
        idle.append(s)
    except OSError:
        pass
time.sleep(1)
for s in idle: s.close()
# connections opened and dropped at once
for i in range(30):
    try: conn().close()
    except OSError: pass
print("answers " + " ".join(f"{k}:{v}" for k, v in sorted(answered.items())) +
      f"; {len(idle)} idle connections held")
PY
}

port=$(free_port)
start_instance "$results/$NAME.guest" --emu qemu --timeout 300 --nic e1000 \
	--netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:8080" \
	--cmdline "ip=10.0.2.15 gw=10.0.2.2 linger=$LINGER_S" \
	--guest "$root/build/guests/ticker.elf" --guest-args "seconds=$SECONDS_RUN"
hv_pid=$inst_pid
log=$results/$NAME.guest.stderr

if ! wait_logged '^control: serving /status' "$BOOT_WAIT_S" ||
   ! wait_logged '^understudy: starting the guest' 30; then
	echo "FAIL: ${NAME}_status: the endpoint did not start ($(tail -n 1 "$log"))"
	echo "FAIL: ${NAME}_metrics: not run"
	echo "FAIL: ${NAME}_abuse: not run"
	echo "FAIL: ${NAME}_after_exit: not run"
	exit 0
fi
base=http://127.0.0.1:$port

# 1. /status while the guest runs
curl -s -m 10 -o "$results/$NAME.running.json" -w '%{http_code}' "$base/status" \
	>"$results/$NAME.running.code" || true
why=$(check_status_json "$results/$NAME.running.json" running)
code=$(cat "$results/$NAME.running.code")
if [ "$code" != 200 ] || [ -n "$why" ]; then
	echo "FAIL: ${NAME}_status: HTTP $code; $why"
else
	echo "PASS: ${NAME}_status (200, JSON with a running guest, exit counts and NIC counters)"
fi

# 2. /metrics, 404, 405, HEAD
curl -s -m 10 "$base/metrics" >"$results/$NAME.metrics" || true
c404=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$base/nope" || true)
c405=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST "$base/status" || true)
head_len=$(curl -s -m 10 -I "$base/metrics" | tr -d '\r' | sed -n 's/^Content-Length: //p' || true)
missing=""
for p in '^# TYPE understudy_vm_exits_total counter$' \
	'^understudy_vm_exits_total\{reason="hlt"\} [1-9][0-9]*$' \
	'^understudy_guest_state\{state="running"\} 1$' \
	'^understudy_nic_rx_packets_total\{nic="e1000"\} [1-9][0-9]*$' \
	'^understudy_uptime_seconds [0-9]+\.[0-9]+$'; do
	grep -q -E -- "$p" "$results/$NAME.metrics" || missing="$missing '$p'"
done
if [ -n "$missing" ]; then
	echo "FAIL: ${NAME}_metrics: no line matches$missing"
elif [ "$c404" != 404 ] || [ "$c405" != 405 ] || [ -z "$head_len" ]; then
	echo "FAIL: ${NAME}_metrics: /nope gave $c404 (want 404), POST $c405 (want 405), HEAD length '$head_len'"
else
	echo "PASS: ${NAME}_metrics (Prometheus text; 404, 405 and HEAD answered)"
fi

# 3. bad input, then the endpoint must still answer and count it
abuse "$port" >"$results/$NAME.abuse" 2>&1 || true
curl -s -m 10 -o "$results/$NAME.after_abuse.json" "$base/status" || true
bad=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["http"]["bad_requests"])' \
	"$results/$NAME.after_abuse.json" 2>/dev/null || echo none)
if ! grep -q '400:' "$results/$NAME.abuse"; then
	echo "FAIL: ${NAME}_abuse: malformed requests were not answered with 400 ($(cat "$results/$NAME.abuse"))"
elif [ "$bad" = none ] || [ "$bad" -lt 40 ]; then
	echo "FAIL: ${NAME}_abuse: /status after the flood: bad_requests '$bad' (want >= 40)"
else
	echo "PASS: ${NAME}_abuse ($(cat "$results/$NAME.abuse"); still serving, $bad bad requests counted)"
fi

# 4. the guest finished untouched; /status says so while the network lingers
if ! wait_logged '^understudy: serving the network for' $((SECONDS_RUN * 4)); then
	echo "FAIL: ${NAME}_after_exit: the guest did not finish ($(tail -n 1 "$log"))"
	exit 0
fi
# Up to three tries: a lingering hypervisor under a loaded make test has
# once let a single 10 s request time out; the PASS line says how many.
for tries in 1 2 3; do
	curl -s -m 10 -o "$results/$NAME.exited.json" "$base/status" && break
done
why=$(check_status_json "$results/$NAME.exited.json" exited)
last=$(grep -c '^ticker: second ' "$results/$NAME.guest" || true)
if [ -n "$why" ]; then
	echo "FAIL: ${NAME}_after_exit: $why"
elif [ "$last" != "$SECONDS_RUN" ] || ! grep -q '^ticker: done, 0 failures' "$results/$NAME.guest"; then
	echo "FAIL: ${NAME}_after_exit: the guest printed $last of $SECONDS_RUN seconds"
else
	echo "PASS: ${NAME}_after_exit (guest ran all $SECONDS_RUN seconds, /status says exited with 0; answered at try $tries)"
fi
stop_instance "$hv_pid"
