#!/usr/bin/env bash
# The TLS link (net/tls/) between two Understudy instances: two QEMUs
# joined by a socket network, as in net_tcp.sh; 10.9.1.1 runs
# nettest=tls_server, 10.9.1.2 nettest=tls_client (docs/secure-link.md).
# - net_tls_same_key: both with one ft_key; the client sends 4 MiB over TLS
#   with their SHA-256, the server checks it. PASS when both exit 0, the
#   handshake named the cipher suite, and the server's count and digest
#   agree with the client.
# - net_tls_wrong_key: keys that differ in their last bit; PASS when both
#   exit 1, the server says the client's Finished failed authentication
#   (a different key), the client says the server refused it with
#   bad_record_mac, the server accepted 0 bytes, and no console shows a key.
# Consoles: $results/net_tls_*.{server,client}.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"

SERVER_IP=10.9.1.1
CLIENT_IP=10.9.1.2
BYTES=4194304
KEY=5eed0fa11ba5eba11c0ffee0ddba11fe
OTHER_KEY=5eed0fa11ba5eba11c0ffee0ddba11ff

# A server with server_key and a client with client_key (nettest_pair).
tls_pair() { # name server_key client_key
	nettest_pair "$1" e1000 '^nettest: tls server listening' \
		"ip=$SERVER_IP nettest=tls_server ft_key=$2" \
		"ip=$CLIENT_IP nettest=tls_client nettest_peer=$SERVER_IP nettest_bytes=$BYTES ft_key=$3"
}

# No console shows a key, only ft_key=set. grep reads the files itself: in
# `cat | grep -q` under pipefail, grep's early exit fails cat with SIGPIPE.
key_hidden() { # log...
	! grep -q -i -E "$KEY|$OTHER_KEY" "$@" && grep -q 'ft_key=set' "$@"
}

same_key_case() {
	local name=net_tls_same_key sent counted received cli_rate srv_rate
	tls_pair "$name" "$KEY" "$KEY" || return 0
	sent=$(sed -n 's/^nettest: tls client sent \([0-9]*\) bytes .*digest matched$/\1/p' "$cli_log")
	counted=$(sed -n 's/^nettest: tls client sent .*server counted \([0-9]*\), digest matched$/\1/p' "$cli_log")
	received=$(sed -n 's/^nettest: tls server received \([0-9]*\) bytes .*SHA-256 digest ok$/\1/p' "$srv_log")
	cli_rate=$(sed -n 's/^nettest: tls client sent .* in \([0-9]* ms ([0-9.]* Mbit\/s)\).*/\1/p' "$cli_log")
	srv_rate=$(sed -n 's/^nettest: tls server received .* in \([0-9]* ms ([0-9.]* Mbit\/s)\).*/\1/p' "$srv_log")
	if [ "$cli_status" != 0 ]; then
		echo "FAIL: $name: the client exited with $cli_status ($(last_words "$cli_log"))"
	elif [ "$srv_status" != 0 ]; then
		echo "FAIL: $name: the server exited with $srv_status ($(last_words "$srv_log"))"
	elif ! grep -q "^tls: session with $SERVER_IP:5002 up (TLS 1.2, TLS-PSK-WITH-AES-128-GCM-SHA256)" "$cli_log"; then
		echo "FAIL: $name: the client did not report the session with the cipher suite"
	elif [ "$sent" != "$BYTES" ] || [ "$counted" != "$BYTES" ] || [ "$received" != "$BYTES" ]; then
		echo "FAIL: $name: sent '$sent', server counted '$counted' and received '$received', expected $BYTES"
	elif ! key_hidden "$srv_log" "$cli_log"; then
		echo "FAIL: $name: a console shows the key, or not ft_key=set"
	else
		echo "PASS: $name ($BYTES bytes over TLS: client $cli_rate, server $srv_rate)"
	fi
}

wrong_key_case() {
	local name=net_tls_wrong_key
	tls_pair "$name" "$KEY" "$OTHER_KEY" || return 0
	if [ "$cli_status" != 1 ] || [ "$srv_status" != 1 ]; then
		echo "FAIL: $name: exit statuses client $cli_status, server $srv_status, expected 1 and 1 ($(last_words "$srv_log"))"
	elif ! grep -q -E "^error: tls: handshake with $CLIENT_IP:[0-9]+ failed: the peer's Finished message failed authentication: it holds a different pre-shared key" "$srv_log"; then
		echo "FAIL: $name: the server did not say the client's key differs ($(last_words "$srv_log"))"
	elif ! grep -q "^error: tls: handshake with $SERVER_IP:5002 failed: the peer refused the handshake (alert bad_record_mac" "$cli_log"; then
		echo "FAIL: $name: the client did not say the server refused its key ($(last_words "$cli_log"))"
	elif ! grep -q '^nettest: FAILED: tls server: .*; 0 bytes of plaintext accepted' "$srv_log"; then
		echo "FAIL: $name: the server did not report 0 bytes accepted"
	elif grep -q 'digest' "$srv_log"; then
		echo "FAIL: $name: the server took data"
	elif ! key_hidden "$srv_log" "$cli_log"; then
		echo "FAIL: $name: a console shows a key, or not ft_key=set"
	else
		echo "PASS: $name (both sides refused the handshake and said why)"
	fi
}

same_key_case
wrong_key_case
