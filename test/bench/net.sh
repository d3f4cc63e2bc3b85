#!/usr/bin/env bash
# Network figures, measured side by side in one run of this script under
# QEMU TCG (absolute rates in an emulator say little; compare the rows):
#   1. TCP throughput between two Understudy instances (nettest=server and
#      nettest=client in two QEMUs joined by a socket netdev), per NIC, and
#      the hypervisor's TSC cycles per received frame on each side (driver,
#      lwIP and the test's callback; the server receives data, the client
#      ACKs) and per poll that found nothing;
#   2. what the network costs a running guest: the ticker guest (HLT between
#      100 Hz ticks, 3 s) without and with ip=: VM exits, the exits the
#      network's poll deadline adds, and the whole run's TSC cycles;
#   3. the record log to its sink: the same guest recording with TSC reads,
#      log to COM3 (serial) against log to hvcollect over TCP: log bytes and
#      the whole run's TSC cycles.
#   test/bench/net.sh [BYTES]   (default 16M for the TCP transfer)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
. "$root/test/system/net_lib.sh"
bytes=${1:-16M}

field() { sed -n "$2" "$1" | head -n 1; }
run_cycles() { field "$1" 's/.*understudy: the run took \([0-9]*\) TSC cycles.*/\1/p'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

echo "1. TCP between two instances ($bytes, client to server)"
printf '%-16s %16s %16s %14s %14s %12s\n' nic "client Mbit/s" "server Mbit/s" \
	"srv cyc/frame" "cli cyc/frame" "cyc/empty poll"
for nic in e1000 virtio-net-pci; do
	port=$(free_port) srv=$results/$nic.server cli=$results/$nic.client
	start_instance "$srv" --emu qemu --timeout 300 --nic "$nic" \
		--netdev "socket,id=n0,listen=127.0.0.1:$port" --cmdline "selftest=off ip=10.9.0.1 nettest=server"
	srv_pid=$inst_pid
	if ! wait_for_line "$srv" '^nettest: server listening' "$srv_pid" 120; then
		stop_instance "$srv_pid"
		printf '%-16s the server did not start\n' "$nic"
		continue
	fi
	"$root/scripts/run.sh" --emu qemu --timeout 300 --nic "$nic" \
		--netdev "socket,id=n0,connect=127.0.0.1:$port" \
		--cmdline "selftest=off ip=10.9.0.2 nettest=client nettest_peer=10.9.0.1 nettest_bytes=$bytes" \
		>"$cli" 2>&1 || true
	wait_or_stop "$srv_pid" 30
	cost='s/^nettest: received [0-9]* frames in [0-9]* polls: \([0-9]*\) TSC cycles per received frame.*/\1/p'
	printf '%-16s %16s %16s %14s %14s %12s\n' "$nic" \
		"$(field "$cli" 's/^nettest: sent .* (\([0-9.]*\) Mbit\/s).*/\1/p')" \
		"$(field "$srv" 's/^nettest: server received .* (\([0-9.]*\) Mbit\/s).*/\1/p')" \
		"$(field "$srv" "$cost")" "$(field "$cli" "$cost")" \
		"$(field "$srv" 's/.*, \([0-9]*\) per empty poll$/\1/p')"
done

echo
echo "2. the ticker guest (3 s) without and with the network (e1000, ip=10.0.2.15)"
printf '%-10s %10s %14s %16s %10s\n' network exits "poll exits" "run TSC cycles" ratio
ticker=$root/build/guests/ticker.elf
"$root/scripts/run.sh" --emu qemu --guest "$ticker" --guest-args seconds=3 \
	>/dev/null 2>"$results/off.log" || true
"$root/scripts/run.sh" --emu qemu --nic e1000 --cmdline "ip=10.0.2.15" --guest "$ticker" \
	--guest-args seconds=3 >/dev/null 2>"$results/on.log" || true
base=$(run_cycles "$results/off.log")
for m in off on; do
	# the network's deadline exits: the timer (VMX) or a host interrupt (SVM)
	printf '%-10s %10s %14s %16s %10s\n' "$m" \
		"$(field "$results/$m.log" 's/^  total *\([0-9]*\) .*/\1/p')" \
		"$(sed -n 's/^  \(timer\|host interrupt\) *\([0-9]*\) .*/\2/p' "$results/$m.log" | awk '{ s += $1 } END { print s + 0 }')" \
		"$(run_cycles "$results/$m.log")" "$(ratio "$(run_cycles "$results/$m.log")" "$base")"
done

echo
echo "3. recording the ticker guest (2 s, 300 TSC reads a tick): the log to COM3 or over TCP"
printf '%-8s %12s %16s %10s %10s\n' sink "log bytes" "run TSC cycles" ratio "ring waits"
args="seconds=2 reads=300"
"$root/scripts/run.sh" --emu qemu --guest "$ticker" --guest-args "$args" --record "$results/com3.rrlog" \
	>/dev/null 2>"$results/com3.log" || true
port=$(free_port)
"$root/build/tools/hvcollect" --port "$port" --once --quiet --out "$results/tcp.rrlog" \
	>"$results/hvcollect.log" 2>&1 &
hc=$!
sleep 0.3
"$root/scripts/run.sh" --emu qemu --nic e1000 --guest "$ticker" --guest-args "$args" \
	--cmdline "ip=10.0.2.15 rr=record rr_sink=tcp rr_collector=10.0.2.2:$port" \
	>/dev/null 2>"$results/tcp.log" || true
wait_or_stop "$hc" 30
base=$(run_cycles "$results/com3.log")
for s in com3 tcp; do
	printf '%-8s %12s %16s %10s %10s\n' "$s" "$(stat -c %s "$results/$s.rrlog" 2>/dev/null || echo -)" \
		"$(run_cycles "$results/$s.log")" "$(ratio "$(run_cycles "$results/$s.log")" "$base")" \
		"$(field "$results/$s.log" 's/^  ring high water .*, \([0-9]*\) waits for a full ring.*/\1/p')"
done
