#!/usr/bin/env bash
# TCP between two Understudy instances over lwIP: two QEMUs joined by a
# socket network (one listens on a free loopback port, the other connects),
# each with one NIC and a static address; 10.9.0.1 runs nettest=server,
# 10.9.0.2 nettest=client and sends 16 MiB of a known pattern. PASS when
# both exit with 0 and the bytes sent, received and counted agree; the line
# gives the throughput each side measured. Once with e1000, once with
# virtio-net. Consoles: $results/net_tcp_NIC.{server,client}.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

SERVER_IP=10.9.0.1
CLIENT_IP=10.9.0.2
BYTES=16777216

tcp_case() { # name nic
	nettest_pair "$1" "$2" '^nettest: server listening' "ip=$SERVER_IP nettest=server" \
		"ip=$CLIENT_IP nettest=client nettest_peer=$SERVER_IP nettest_bytes=$BYTES" || return 0
	judge "$1" "$2" "$srv_log" "$srv_status" "$cli_log" "$cli_status"
}

judge() { # name nic srv_log srv_status cli_log cli_status
	local name=$1 nic=$2 sent counted received cli_rate srv_rate
	sent=$(sed -n 's/^nettest: sent \([0-9]*\) bytes in .*/\1/p' "$5")
	counted=$(sed -n 's/^nettest: sent .*server counted \([0-9]*\)$/\1/p' "$5")
	received=$(sed -n 's/^nettest: server received \([0-9]*\) bytes in .*pattern ok$/\1/p' "$3")
	cli_rate=$(sed -n 's/^nettest: sent .* in \([0-9]* ms ([0-9.]* Mbit\/s)\).*/\1/p' "$5")
	srv_rate=$(sed -n 's/^nettest: server received .* in \([0-9]* ms ([0-9.]* Mbit\/s)\).*/\1/p' "$3")
	if [ "$6" != 0 ]; then
		echo "FAIL: $name: the client exited with $6 ($(last_words "$5"))"
	elif [ "$4" != 0 ]; then
		echo "FAIL: $name: the server exited with $4 ($(last_words "$3"))"
	elif [ "$sent" != "$BYTES" ] || [ "$counted" != "$BYTES" ] || [ "$received" != "$BYTES" ]; then
		echo "FAIL: $name: sent '$sent', server counted '$counted' and received '$received', expected $BYTES"
	else
		echo "PASS: $name ($BYTES bytes over $nic: client $cli_rate, server $srv_rate)"
	fi
}

tcp_case net_tcp_e1000 e1000
tcp_case net_tcp_virtio virtio-net-pci
