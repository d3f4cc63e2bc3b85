#!/usr/bin/env bash
# The Linux guest's network (guest_nic=virtio, docs/networking.md) measured
# side by side in one run of this script on QEMU TCG, four configurations
# of the same guest (Debian's cloud kernel and the test initramfs, the
# same command line but its address):
#   native      plain QEMU, the guest's virtio-net-pci card on QEMU's user
#               network (10.0.2.15);
#   Understudy  SVM under QEMU, guest_nic=virtio on the hypervisor's e1000
#               (ip=10.0.2.15, the guest 10.0.2.16), the same user network;
#   recording   the same with rr=record (run.sh --record: the log to COM3);
#   FT pair     scripts/pair.sh --client: a primary recording and a backup
#               replaying it live, the guest (10.9.0.10) on the pair's test
#               network, the host reaching it through a third QEMU's user
#               network (10.9.0.254, netcut's segment): every frame the
#               guest sends is held by the output rule until the backup
#               has the log up to it.
# Figures: the guest pings the user network's gateway (its own slirp, or
# in the pair the client's) PINGS times 0.2 s apart (guest_ping=, busybox
# ping: avg and max); then the host fetches a file of seq 1 400000 (2688895
# bytes, guest_serve_seq=) from its busybox httpd (MB/s, the bytes
# compared), and over ONE connection to its echo service (nc -e cat,
# test/lib/echo_measure.py) times RTTS round trips of 64 bytes (median and
# p90) and then streams BYTES through it and back (MB/s, every byte
# compared). Each figure's ratio against native is beside it. In the pair
# also the output rule's hold of the guest's frames (the primary's report:
# average and longest), the figure the pair adds on its own. A run that
# fails, a guest that does not come up, bytes that differ, a missing
# input: the bench stops with a message and exit status 1.
#   test/bench/guest_net.sh [BYTES]   (default 2097152; about 7 minutes)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
kernel=$root/third_party/linux/vmlinuz-cloud
initrd=$root/build/linux/initramfs.cpio
bytes=${1:-2097152}
RTTS=200
PINGS=20
SEQ=400000
SERVE_S=300
mac=02:55:53:00:00:07
out=$(mktemp -d)
pid=""
cleanup() {
	[ -z "$pid" ] || stop_instance "$pid"
	rm -rf "$out"
}
trap cleanup EXIT
. "$root/test/system/net_lib.sh"

fail() {
	echo "guest_net.sh: $*" >&2
	exit 1
}

[[ "$bytes" =~ ^[1-9][0-9]*$ ]] || fail "BYTES is a number of bytes, not '$bytes'"
for f in "$kernel" "$initrd" "$root/build/understudy.elf" "$root/build/understudy.iso"; do
	[ -e "$f" ] || fail "$f is missing (scripts/deps.sh; make all linux-guest)"
done
grep -q -a 'guest_serve_seq=' "$initrd" ||
	fail "$initrd predates guest_ping= and guest_serve_seq= (make linux-guest)"
for tool in qemu-system-x86_64 curl python3; do
	command -v "$tool" >/dev/null || fail "$tool is missing"
done
seq 1 "$SEQ" >"$out/big.want"

# NAME GATEWAY: the guest's command line with its address and the gateway
# it pings.
guest_args() { # guest_ip gateway
	echo "console=ttyS0 loglevel=1 guest_net=$mac guest_ip=static:$1/24,$2 guest_ping=$2:$PINGS guest_serve_seq=$SEQ guest_serve=$SERVE_S"
}

# Once the guest serves (its console CONSOLE says so), the host's fetch of
# /big and its echo connection; figures in $out/NAME.fig as "key value"
# lines. Ends the bench when the guest never serves or a byte differs.
measure() { # name console http_addr echo_addr
	local name=$1 console=$2 i got took size
	for ((i = 0; i < SERVE_S * 5; i++)); do
		grep -qs '^linux: net: serving http' "$console" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	grep -qs '^linux: net: serving http' "$console" ||
		fail "$name: the guest did not serve ($(grep -h -E 'FAILED|^error|run.sh:|pair.sh:' "$console" "$out/$name.log" 2>/dev/null | head -n 1))"
	echo "boot_s $(($(date +%s) - start_s))" >"$out/$name.fig"
	sleep 3 # the guest says it serves just before nc listens (test/linux/init)
	read -r took size < <(curl -s -m 120 -o "$out/$name.big" -w '%{time_total} %{size_download}\n' \
		"http://$3/big" || echo "- 0")
	cmp -s "$out/big.want" "$out/$name.big" ||
		fail "$name: the HTTP file came back different ($size bytes in $took s; want $(stat -c %s "$out/big.want"))"
	awk -v s="$size" -v t="$took" 'BEGIN { printf "http_MBps %.3f\n", s / t / 1e6 }' >>"$out/$name.fig"
	got=$(python3 "$root/test/lib/echo_measure.py" "$4" --round-trips "$RTTS" --bytes "$bytes" --timeout 300)
	case "$got" in rtt_median_ms=*) ;; *) fail "$name: echo: $got" ;; esac
	tr ' =' '\n ' <<<"$got" >>"$out/$name.fig"
}

# The guest's ping summary from its console: avg and max ms, and the
# replies; the end of its run, which must be 0 failures.
guest_figures() { # name console
	local line
	line=$(grep -m1 "^~ linux: net: ping [0-9.]*: round-trip" "$2") ||
		fail "$1: the guest printed no ping summary"
	sed 's|.*= [0-9.]*/\([0-9.]*\)/\([0-9.]*\) ms|ping_avg_ms \1\nping_max_ms \2|' <<<"$line" >>"$out/$1.fig"
	echo "ping_replies $(sed -n 's/^~ linux: net: ping [0-9.]*: [0-9]* packets transmitted, \([0-9]*\) packets received.*/\1/p' "$2" | head -n 1)" >>"$out/$1.fig"
	grep -q '^linux: done, 0 failures' "$2" ||
		fail "$1: the guest's checks failed: $(grep -m1 'FAILED' "$2" || echo "no 'done' line")"
}

# The run's end: exit status 0 (the guest's) within SECONDS.
finish() { # name seconds
	wait_or_stop "$pid" "$2"
	pid=""
	[ "$wait_status" = 0 ] || fail "$1: exit status $wait_status ($(tail -n 1 "$out/$1.log"))"
}

# Understudy's own counters from its log: frames for the guest it could
# not give it.
hv_figures() { # name hypervisor_log
	echo "rx_not_taken $(sed -n 's/^\(primary: \)\{0,1\}guest NIC: host NIC: RX [0-9]* frames [0-9]* bytes to the guest (\([0-9]*\) not taken.*/\2/p' "$2" | head -n 1)" >>"$out/$1.fig"
}

# One configuration under scripts/run.sh (plain, or recording with more
# arguments): the guest at 10.0.2.16, the hypervisor at 10.0.2.15.
understudy_run() { # name run.sh-args...
	local name=$1 http echo
	shift
	http=$(free_port) echo=$(free_port)
	start_s=$(date +%s)
	start_instance "$out/$name.console" --emu qemu --mem 512 --timeout 600 --nic e1000 \
		--netdev "user,id=n0,ipv6=off,hostfwd=tcp:127.0.0.1:$http-10.0.2.16:80,hostfwd=tcp:127.0.0.1:$echo-10.0.2.16:7" \
		--cmdline "ip=10.0.2.15 gw=10.0.2.2 guest_mem=256M guest_nic=virtio guest_mac=$mac tbit=off" \
		--guest "$kernel" --initrd "$initrd" --guest-args "$(guest_args 10.0.2.16 10.0.2.2)" "$@"
	pid=$inst_pid
	ln -sf "$out/$name.console.stderr" "$out/$name.log"
	measure "$name" "$out/$name.console" "127.0.0.1:$http" "127.0.0.1:$echo"
	finish "$name" 120
	guest_figures "$name" "$out/$name.console"
	hv_figures "$name" "$out/$name.log"
}

echo "guest_net.sh: the Linux guest natively, under Understudy, recording, and on a pair (QEMU TCG); about 7 minutes" >&2

echo "guest_net.sh: native" >&2
http=$(free_port) echo=$(free_port)
start_s=$(date +%s)
setsid "$root/scripts/run_native.sh" "$kernel" --initrd "$initrd" --timeout 600 \
	--nic "virtio-net-pci,mac=$mac,addr=03" \
	--netdev "user,id=n0,ipv6=off,hostfwd=tcp:127.0.0.1:$http-10.0.2.15:80,hostfwd=tcp:127.0.0.1:$echo-10.0.2.15:7" \
	--args "$(guest_args 10.0.2.15 10.0.2.2)" >"$out/native.console" 2>"$out/native.log" &
pid=$!
measure native "$out/native.console" "127.0.0.1:$http" "127.0.0.1:$echo"
finish native 120
guest_figures native "$out/native.console"
echo "rx_not_taken n/a(1)" >>"$out/native.fig"

echo "guest_net.sh: Understudy" >&2
understudy_run understudy
echo "guest_net.sh: Understudy, recording" >&2
understudy_run recording --record "$out/recording.rrlog"

echo "guest_net.sh: a fault-tolerant pair" >&2
hv_opts="guest_mem=256M guest_nic=virtio guest_mac=$mac tbit=off ft_timeout_ms=10000"
logs=$out/pair.logs
mkdir -p "$logs"
start_s=$(date +%s)
setsid "$root/scripts/pair.sh" --guest "$kernel" --initrd "$initrd" --mem 1024 --timeout 600 \
	--logs "$logs" --client 10.9.0.10:80,7 --guest-args "$(guest_args 10.9.0.10 10.9.0.254)" \
	--primary-options "$hv_opts" --backup-options "$hv_opts" >"$out/pair.console" 2>"$out/pair.log" &
pid=$!
for ((i = 0; i < 600; i++)); do
	[ -s "$logs/client.addr" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
done
[ -s "$logs/client.addr" ] || fail "pair: the client's network did not come up ($(tail -n 1 "$out/pair.log"))"
measure pair "$logs/primary" "$(cat "$logs/client.80.addr")" "$(cat "$logs/client.7.addr")"
finish pair 300
guest_figures pair "$logs/primary"
hv_figures pair "$logs/primary.stderr"
grep -q 'the primary finished the run' "$out/pair.log" ||
	fail "pair: the primary did not finish the run ($(tail -n 1 "$out/pair.log"))"
grep -q 'rr: replay matches the recording' "$logs/backup.stderr" ||
	fail "pair: the backup's replay did not match ($(tail -n 1 "$out/pair.log"))"
hold=$(grep -m1 "^ft: output rule: [0-9]* guest NIC frames" "$logs/primary.stderr") ||
	fail "pair: the primary reported no held frame of the guest's"
sed 's/.*; hold \([0-9]*\) us on average, \([0-9]*\) us at most.*/hold_avg_ms \1\nhold_max_ms \2/' <<<"$hold" |
	awk '{ printf "%s %.1f\n", $1, $2 / 1000 }' >>"$out/pair.fig"
for c in native understudy recording; do
	printf 'hold_avg_ms n/a(2)\nhold_max_ms n/a(2)\n' >>"$out/$c.fig"
done

# A figure of a configuration.
fig() { awk -v k="$2" '$1 == k { print $2; exit }' "$out/$1.fig"; }
# One row: the figure in each configuration, with its ratio to native
# when RATIO is "ratio".
row() { # label key ratio
	local c v n
	n=$(fig native "$2")
	printf '| %-34s |' "$1"
	for c in native understudy recording pair; do
		v=$(fig "$c" "$2")
		[ -n "$v" ] || fail "$c: no figure $2"
		if [ "$3" = ratio ] && [ "$c" != native ]; then
			v="$v ($(awk -v a="$v" -v b="$n" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'))"
		fi
		printf ' %17s |' "$v"
	done
	echo
}

echo
echo "The Linux guest's network, QEMU TCG on this host (ratio: against native)"
printf '| %-34s | %17s | %17s | %17s | %17s |\n' figure native Understudy recording "FT pair"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------" "-------------------" \
	"-------------------" "-------------------" "-------------------"
row "echo through the guest, MB/s (3)" bulk_MBps ratio
row "HTTP fetch of /big, MB/s (3)" http_MBps ratio
row "TCP round trip, median ms (4)" rtt_median_ms ratio
row "TCP round trip, p90 ms (4)" rtt_p90_ms ratio
row "guest's ping, avg ms (5)" ping_avg_ms ratio
row "guest's ping, max ms (5)" ping_max_ms ratio
row "ping replies of $PINGS" ping_replies none
row "output rule hold, avg ms (6)" hold_avg_ms none
row "output rule hold, max ms (6)" hold_max_ms none
row "frames for the guest not taken (7)" rx_not_taken none
row "host s from start to serving" boot_s ratio
echo
echo "(1) n/a: QEMU's own card counts no such thing."
echo "(2) n/a: only a pair's primary holds the guest's frames (the output rule)."
echo "(3) MB = 10^6 bytes: $bytes bytes streamed through the echo service and back on one"
echo "    connection after its round trips; /big is $(stat -c %s "$out/big.want") bytes; both compared byte for byte."
echo "(4) $RTTS round trips of 64 bytes on that connection, host time."
echo "(5) the guest pings its gateway, 0.2 s apart, busybox's figures: 10.0.2.2 (QEMU's user"
echo "    network) natively and under Understudy; in the pair 10.9.0.254, the client QEMU's user"
echo "    network, across netcut (scripts/lib/netcut.py, a Python relay between the emulators)."
echo "    The pair's host traffic takes that path too: host, the client QEMU's slirp, netcut, the"
echo "    primary's e1000, so its figures include the relay as well as the output rule."
echo "(6) the primary's report: how long the guest's frames waited for the backup's"
echo "    acknowledgement of the log up to them."
echo "(7) the hypervisor's 'not taken' count: frames for the guest dropped on arrival (while"
echo "    recording: its queue of 32 frames full, or no receive buffer posted)."
