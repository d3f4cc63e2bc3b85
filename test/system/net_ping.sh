#!/usr/bin/env bash
# lwIP answers Linux: in a network namespace made here (nothing outside it
# is touched), a tap device 10.9.1.1/24 is QEMU's e1000 network; Understudy
# runs with ip=10.9.1.2 nettest=server. Linux pings it (ICMP echo: one
# warm-up echo first, answered late because QEMU's e1000 holds received
# frames for about a second after its driver enables receive), then a
# Linux TCP client sends 1 MiB of the nettest pattern to its port 5001 and
# reads back the count, which also ends the run. PASS when every echo is
# answered, the count matches and Understudy exits with 0.
# Needs root and /dev/net/tun; without them this FAILs (a test must never
# pass by not running). Consoles: $results/net_ping.{log,ping,tcp}.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

NAME=net_ping
NS=understudy-ping-$$
TAP=ustap0
HOST_IP=10.9.1.1
HV_IP=10.9.1.2
PINGS=5
BYTES=1048576
LISTEN_WAIT_S=120

log=$results/$NAME.log
hv_pid=""

# Stops everything in the session Understudy was started in (run.sh, and
# the emulator that timeout(1) put in a process group of its own), then
# removes the namespace with its tap.
cleanup() {
	local pids
	if [ -n "$hv_pid" ]; then
		pids=$(ps -o pid= -s "$hv_pid" 2>/dev/null || true)
		[ -z "$pids" ] || kill $pids 2>/dev/null || true
		wait "$hv_pid" 2>/dev/null || true
	fi
	ip netns del "$NS" 2>/dev/null || true
}

# The namespace with its loopback and the tap, addressed and up (no carrier
# until QEMU opens it).
make_namespace() {
	ip netns add "$NS" &&
	ip -n "$NS" link set lo up &&
	ip -n "$NS" tuntap add dev "$TAP" mode tap &&
	ip -n "$NS" addr add "$HOST_IP/24" dev "$TAP" &&
	ip -n "$NS" link set "$TAP" up
}

wait_listening() {
	local i
	for ((i = 0; i < LISTEN_WAIT_S * 2; i++)); do
		grep -q '^nettest: server listening' "$log" && return 0
		kill -0 "$hv_pid" 2>/dev/null || return 1
		sleep 0.5
	done
	return 1
}

# Sends BYTES of the nettest pattern (byte i is i mod 251), closes the
# sending side and prints the 16-byte answer: count and first bad offset.
linux_client() {
	ip netns exec "$NS" python3 - "$HV_IP" 5001 "$BYTES" <<'PY'
import socket, struct, sys
host, port, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pattern = bytes(i % 251 for i in range(251 * 64))
s = socket.create_connection((host, port), timeout=30)
sent = 0
while sent < total:
    off = sent % 251
    chunk = pattern[off:off + min(total - sent, 251 * 60)]
    s.sendall(chunk)
    sent += len(chunk)
s.shutdown(socket.SHUT_WR)
reply = b""
while len(reply) < 16:
    data = s.recv(16 - len(reply))
    if not data:
        break
    reply += data
if len(reply) < 16:
    print("short answer: %d bytes" % len(reply))
    sys.exit(1)
count, bad = struct.unpack(">QQ", reply)
print("sent %d counted %d bad %d" % (sent, count, bad))
sys.exit(0 if count == total and bad == (1 << 64) - 1 else 1)
PY
}

if why=$(tap_prerequisites_missing); then
	echo "FAIL: $NAME: needs root and /dev/net/tun to make a network namespace with a tap device ($why)"
	exit 0
fi
trap cleanup EXIT
if ! make_namespace 2>"$results/$NAME.setup"; then
	echo "FAIL: $NAME: cannot make the namespace and tap device ($(tail -n 1 "$results/$NAME.setup"))"
	exit 0
fi
: >"$log"
setsid ip netns exec "$NS" "$root/scripts/run.sh" --emu qemu --timeout 180 --nic e1000 \
	--netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no" \
	--cmdline "selftest=off ip=$HV_IP nettest=server" >"$log" 2>"$log.stderr" &
hv_pid=$!
if ! wait_listening; then
	echo "FAIL: $NAME: Understudy did not listen ($(grep -E '^(net|nettest|understudy):|error:' "$log" | tail -n 1))"
	exit 0
fi
set +e
ip netns exec "$NS" ping -n -c 1 -w 6 "$HV_IP" >"$results/$NAME.warmup" 2>&1
ip netns exec "$NS" ping -n -c "$PINGS" -i 0.2 -W 2 "$HV_IP" >"$results/$NAME.ping" 2>&1
ping_status=$?
linux_client >"$results/$NAME.tcp" 2>&1
tcp_status=$?
for ((i = 0; i < 40 && tcp_status == 0; i++)); do # Understudy ends after the transfer
	kill -0 "$hv_pid" 2>/dev/null || break
	sleep 0.5
done
if kill -0 "$hv_pid" 2>/dev/null; then
	cleanup
	hv_status=124
else
	wait "$hv_pid"
	hv_status=$?
fi
hv_pid=""
set -e
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$results/$NAME.ping")
rtt=$(sed -n 's/^rtt [^=]*= [0-9.]*\/\([0-9.]*\)\/.*/\1/p' "$results/$NAME.ping")
if [ "$ping_status" != 0 ] || [ "$received" != "$PINGS" ]; then
	echo "FAIL: $NAME: ${received:-0} of $PINGS echo requests answered"
elif [ "$tcp_status" != 0 ]; then
	echo "FAIL: $NAME: TCP from Linux: $(tail -n 1 "$results/$NAME.tcp")"
elif [ "$hv_status" != 0 ]; then
	echo "FAIL: $NAME: Understudy exited with $hv_status ($(grep -E '^nettest:|error:' "$log" | tail -n 1))"
else
	echo "PASS: $NAME ($received/$PINGS echo replies from $HV_IP, rtt avg $rtt ms; Linux sent $BYTES bytes over TCP, Understudy counted them)"
fi
