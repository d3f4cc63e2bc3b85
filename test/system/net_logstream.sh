#!/usr/bin/env bash
# The record log over TCP (rr_sink=tcp) from the real hypervisor to
# hvcollect: Understudy under QEMU with an e1000 on user-mode networking
# records the ticker guest (TSC reads make its log grow) and streams the log
# to hvcollect on the host (10.0.2.2 from inside). Three cases:
#   net_logstream_record: hvcollect gets the complete log, and --replay of
#     that file matches the recording;
#   net_logstream_slow: hvcollect sleeps before every ACK: the record ring
#     fills, the guest waits (the hypervisor counts the waits), nothing is
#     lost: the log is complete and replays;
#   net_logstream_hostile: a proxy in front of hvcollect answers the first
#     connections with garbage, a truncated message, or a reset; the
#     hypervisor reconnects and resumes, the guest finishes, the log is
#     complete and replays;
#   net_logstream_vmx: the first case under Bochs (VMX, its e1000 on
#     Bochs' slirp, the same 10.0.2.0/24 network).
# And snapshots (snapshot_sink=tcp) through the same stream:
#   net_snapshot_tcp: the memloop guest's snapshot goes to hvcollect, which
#     verifies it and stores it under its name; resumed from that file, the
#     console before and after the snapshot is the native run's;
#   net_snapshot_truncated, net_snapshot_corrupt: that snapshot cut short or
#     with a flipped byte, sent by logstream_fakehv: hvcollect refuses it
#     naming the problem, and nothing appears under the final name.
# Files: $results/net_logstream_*.{log,guest,rrlog,collect,replay.log},
# $results/net_snapshot_*. NET_LOGSTREAM_CASES=snapshot runs the snapshot cases alone.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

guest_args="seconds=3 reads=150" # the slow case makes more log than the ring holds
emu=qemu
HVCOLLECT=$root/build/tools/hvcollect

# Records the ticker guest with its log streamed to 10.0.2.2:port; sets
# rec_status.
record_to() { # name port
	set +e
	"$root/scripts/run.sh" --emu "$emu" --timeout 600 --nic e1000 \
		--cmdline "ip=10.0.2.15 gw=10.0.2.2 rr=record rr_sink=tcp rr_collector=10.0.2.2:$2" \
		--guest "$root/build/guests/ticker.elf" --guest-args "$guest_args" \
		--guest-log "$results/$1.guest" >/dev/null 2>"$results/$1.log"
	rec_status=$?
	set -e
}

# Replays the collected log; prints nothing when it matches the recording
# and its console is the recording's, else why not.
replay_verdict() { # name
	local status
	set +e
	"$root/scripts/run.sh" --emu "$emu" --timeout 900 --guest "$root/build/guests/ticker.elf" \
		--guest-args "$guest_args" --replay "$results/$1.rrlog" \
		--guest-log "$results/$1.replay.guest" >/dev/null 2>"$results/$1.replay.log"
	status=$?
	set -e
	if [ "$status" != 0 ]; then
		echo "the replay exited with $status ($(grep -m1 -E 'diverged|refus|rr:' "$results/$1.replay.log"))"
	elif ! grep -q 'rr: replay matches the recording' "$results/$1.replay.log"; then
		echo "the replay did not confirm the recording"
	elif ! cmp -s "$results/$1.guest" "$results/$1.replay.guest"; then
		echo "the replay's console differs from the recording's"
	fi
}

# Runs one case: hvcollect [args] behind an optional proxy; checks the
# recording, the collected file and its replay. The proxy, when given, is
# a command that takes the port to listen on and hvcollect's port.
stream_case() { # name "hvcollect args" proxy-function|"" extra-check-function|""
	local name=$1 hc_args=$2 proxy=$3 extra=$4 port hv_port hc_pid proxy_pid="" why bytes
	port=$(free_port)
	rm -f "$results/$name.rrlog"
	"$HVCOLLECT" --port "$port" --once --out "$results/$name.rrlog" $hc_args \
		>"$results/$name.collect" 2>&1 &
	hc_pid=$!
	hv_port=$port
	if [ -n "$proxy" ]; then
		hv_port=$(free_port)
		"$proxy" "$hv_port" "$port" >"$results/$name.proxy" 2>&1 &
		proxy_pid=$!
	fi
	sleep 0.3
	record_to "$name" "$hv_port"
	wait_or_stop "$hc_pid" 30
	collect_status=$wait_status
	[ -z "$proxy_pid" ] || { kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; }
	bytes=$(sed -n 's/^rr: log complete: \([0-9]*\) bytes through the sink (tcp)$/\1/p' "$results/$name.log")
	if [ "$rec_status" != 0 ]; then
		echo "FAIL: $name: the recording exited with $rec_status ($(grep -E 'rr:|logstream:|understudy:' "$results/$name.log" | tail -n 1))"
	elif [ "$collect_status" != 0 ]; then
		echo "FAIL: $name: hvcollect exited with $collect_status ($(tail -n 1 "$results/$name.collect"))"
	elif [ -z "$bytes" ] || [ "$(stat -c %s "$results/$name.rrlog")" != "$bytes" ]; then
		echo "FAIL: $name: the hypervisor delivered '$bytes' bytes, the file has $(stat -c %s "$results/$name.rrlog")"
	elif ! grep -q '^ticker: done, 0 failures' "$results/$name.guest"; then
		echo "FAIL: $name: the guest did not finish cleanly"
	elif [ -n "$extra" ] && why=$("$extra" "$name") && [ -n "$why" ]; then
		echo "FAIL: $name: $why"
	elif why=$(replay_verdict "$name") && [ -n "$why" ]; then
		echo "FAIL: $name: $why"
	else
		echo "PASS: $name ($bytes log bytes collected$(extra_note "$name"), replay matches)"
	fi
}

extra_note() { # name
	local waits drops
	waits=$(sed -n 's/^  ring high water .*, \([0-9]*\) waits for a full ring.*/\1/p' "$results/$1.log")
	drops=$(grep -c 'logstream: .*connecting again' "$results/$1.log" || true)
	echo "; $waits ring-full waits, $drops reconnects"
}

# A slow collector must have made the guest wait for room in the ring.
check_waited() { # name
	local waits
	waits=$(sed -n 's/^  ring high water .*, \([0-9]*\) waits for a full ring.*/\1/p' "$results/$1.log")
	[ -n "$waits" ] && [ "$waits" -gt 0 ] || echo "no waits for a full ring with a slow collector ('$waits')"
}

# The hostile proxy must have made the hypervisor reconnect.
check_reconnected() { # name
	local drops
	drops=$(grep -c 'logstream: .*connecting again' "$results/$1.log" || true)
	[ "$drops" -ge 3 ] || echo "only $drops reconnects after 3 hostile connections"
}

# Listens on $1; the first three connections get garbage, a truncated
# message header, a reset; later ones are relayed to hvcollect on $2.
hostile_proxy() { # listen_port collector_port
	python3 - "$1" "$2" <<'PY'
import os, select, socket, struct, sys, threading
listen, target = int(sys.argv[1]), int(sys.argv[2])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", listen))
srv.listen(8)
def relay(a):
    b = socket.create_connection(("127.0.0.1", target))
    socks = [a, b]
    while True:
        r, _, _ = select.select(socks, [], [])
        for s in r:
            data = s.recv(65536)
            if not data:
                a.close(); b.close(); return
            (b if s is a else a).sendall(data)
n = 0
while True:
    c, _ = srv.accept()
    if n == 0:
        c.recv(4096); c.sendall(os.urandom(512)); c.close()
    elif n == 1:
        c.recv(4096); c.sendall(b"USLS\x01\x02\x00\x00\x10\x00"); c.close()
    elif n == 2:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); c.close()
    else:
        threading.Thread(target=relay, args=(c,), daemon=True).start()
    print(f"connection {n}", flush=True)
    n += 1
PY
}

# The memloop guest's snapshot over TCP (some MiB: more than the
# hypervisor's 256 KiB snapshot ring, which then waits for ACKs), resumed
# from the file hvcollect stored, against the native run.
snapshot_tcp_case() { # name
	local name=$1 status native_status snap=$results/$1.snap
	local guest=$root/build/guests/memloop.elf
	start_hvcollect "$name" "$snap"
	set +e
	"$root/scripts/run.sh" --emu qemu --timeout 600 --nic e1000 --guest "$guest" \
		--cmdline "ip=10.0.2.15 gw=10.0.2.2 snapshot=exits:300 snapshot_sink=tcp rr_collector=10.0.2.2:$hc_port" \
		--guest-log "$results/$name.part1" >/dev/null 2>"$results/$name.log"
	status=$?
	set -e
	wait_or_stop "$hc_pid" 30
	if [ "$status" != 0 ] || ! grep -q 'snapshot written; the guest stopped' "$results/$name.log"; then
		echo "FAIL: $name: no snapshot taken (exit status $status, $(grep -E 'snapshot:|logstream:' "$results/$name.log" | tail -n 1))"
		return 0
	fi
	if [ "$wait_status" != 0 ] || [ ! -f "$snap" ] || [ -e "$snap.part" ]; then
		echo "FAIL: $name: hvcollect exited with $wait_status ($(tail -n 1 "$results/$name.collect"))"
		return 0
	fi
	set +e
	"$root/scripts/run_native.sh" "$guest" >"$results/$name.native" 2>/dev/null
	native_status=$?
	"$root/scripts/run.sh" --emu qemu --guest "$guest" --resume "$snap" \
		--guest-log "$results/$name.part2" >/dev/null 2>"$results/$name.resume.log"
	status=$?
	set -e
	cat "$results/$name.part1" "$results/$name.part2" >"$results/$name.guest"
	if [ "$status" != "$native_status" ]; then
		echo "FAIL: $name: resumed from the collected file: exit code $status, $native_status natively"
	elif [ ! -s "$results/$name.part1" ] || [ ! -s "$results/$name.part2" ]; then
		echo "FAIL: $name: one side of the snapshot printed nothing (not mid-run)"
	elif ! "$root/test/system/compare_output.sh" "$results/$name.native" "$results/$name.guest" \
		>"$results/$name.diff" 2>&1; then
		echo "FAIL: $name: console before + after the snapshot differs from the native run (see $results/$name.diff)"
	else
		echo "PASS: $name ($(stat -c %s "$snap") bytes through hvcollect: $(grep -o 'complete snapshot of [0-9]* bytes, [0-9]* sections' "$results/$name.collect"); resumed as natively)"
	fi
}

# A damaged snapshot sent by logstream_fakehv: hvcollect must refuse it
# with the reader's reason and give nothing the final name.
snapshot_refused_case() { # name file pattern
	local name=$1 file=$2 pattern=$3 out=$results/$1.snap
	start_hvcollect "$name" "$out"
	"$root/build/tools/logstream_fakehv" --port "$hc_port" --log "$file" --quiet \
		>"$results/$name.fakehv" 2>&1 || true
	wait_or_stop "$hc_pid" 30
	if [ "$wait_status" != 1 ]; then
		echo "FAIL: $name: hvcollect exited with $wait_status, expected 1 (refused)"
	elif ! grep -q -E -- "$pattern" "$results/$name.collect"; then
		echo "FAIL: $name: no message matches '$pattern' (see $results/$name.collect)"
	elif [ -e "$out" ]; then
		echo "FAIL: $name: a refused snapshot was stored under its final name"
	else
		echo "PASS: $name ($(grep -m1 -o 'refused: .*' "$results/$name.collect"))"
	fi
}

snapshot_cases() {
	local snap=$results/net_snapshot_tcp.snap size
	snapshot_tcp_case net_snapshot_tcp
	if [ ! -f "$snap" ]; then
		echo "FAIL: net_snapshot_refusals: no collected snapshot to alter"
		return 0
	fi
	size=$(stat -c %s "$snap")
	head -c $((size - 100)) "$snap" >"$results/net_snapshot_cut.in"
	snapshot_refused_case net_snapshot_truncated "$results/net_snapshot_cut.in" \
		'snapshot of [0-9]+ bytes refused: .*truncated'
	cp "$snap" "$results/net_snapshot_flip.in"
	printf '\xff' | dd of="$results/net_snapshot_flip.in" bs=1 seek=300 conv=notrunc status=none
	snapshot_refused_case net_snapshot_corrupt "$results/net_snapshot_flip.in" \
		'snapshot of [0-9]+ bytes refused: section 0 \(VCPU\) at offset 104: checksum mismatch'
}

if [ "${NET_LOGSTREAM_CASES:-all}" = snapshot ]; then
	snapshot_cases
	exit 0
fi

stream_case net_logstream_record "" "" ""
guest_args="seconds=3 reads=400" # the TCP window (64 KiB) and the collector's socket hold some of it too
stream_case net_logstream_slow "--slow-ms 3000" "" check_waited
guest_args="seconds=3 reads=150"
stream_case net_logstream_hostile "" hostile_proxy check_reconnected
snapshot_cases
emu=bochs guest_args="seconds=2 reads=20"
stream_case net_logstream_vmx "" "" ""
