# Helpers for the network tests and benchmarks (sourced after lib.sh): free
# ports, instances started in a session of their own and stopped whole.

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Boots run.sh with the given arguments in the background, in a session of
# its own so that it can be stopped whole; stdout to log, stderr to
# log.stderr. Sets inst_pid (also the session id).
start_instance() { # log run.sh-args...
	local log=$1
	shift
	: >"$log"
	setsid "$root/scripts/run.sh" "$@" >"$log" 2>"$log.stderr" &
	inst_pid=$!
}

# Boots one nettest instance on QEMU in the background (--timeout 180);
# sets inst_pid.
start_nettest() { # log nic netdev cmdline
	start_instance "$1" --emu qemu --timeout 180 --nic "$2" --netdev "$3" \
		--cmdline "selftest=off $4"
}

# Why a nettest run went wrong: its last error, else the console's last
# word, else run.sh's.
last_words() { # log
	local w
	w=$(grep -h -E '^error:|FAILED' "$1" 2>/dev/null | tail -n 1)
	[ -n "$w" ] || w=$(grep -h -E '^(nettest|net|understudy):' "$1" 2>/dev/null | tail -n 1)
	[ -n "$w" ] || w=$(tail -n 1 "$1.stderr" 2>/dev/null)
	echo "$w"
}

# A nettest server and client on QEMU joined by a socket network: the
# server (server_cmdline) boots first and must print a line matching
# listening within 120 s; then the client (client_cmdline) runs to its end
# and the server gets 20 s more. Sets srv_log, cli_log
# ($results/NAME.{server,client}.log), srv_status and cli_status; returns 1
# when the server did not listen (said as a FAIL line).
nettest_pair() { # name nic listening server_cmdline client_cmdline
	local port srv_pid
	port=$(free_port)
	srv_log=$results/$1.server.log
	cli_log=$results/$1.client.log
	start_nettest "$srv_log" "$2" "socket,id=n0,listen=127.0.0.1:$port" "$4"
	srv_pid=$inst_pid
	if ! wait_for_line "$srv_log" "$3" "$srv_pid" 120; then
		stop_instance "$srv_pid"
		echo "FAIL: $1: the server did not listen ($(last_words "$srv_log"))"
		return 1
	fi
	set +e
	"$root/scripts/run.sh" --emu qemu --timeout 180 --nic "$2" \
		--netdev "socket,id=n0,connect=127.0.0.1:$port" --cmdline "selftest=off $5" \
		>"$cli_log" 2>"$cli_log.stderr"
	cli_status=$?
	wait_or_stop "$srv_pid" 20
	srv_status=$wait_status
	set -e
}

# Stops everything in the instance's session: run.sh, and the emulator
# that timeout(1) put in a process group of its own.
stop_instance() { # pid
	local pids
	[ -n "$1" ] || return 0
	pids=$(ps -o pid= -s "$1" 2>/dev/null || true)
	[ -z "$pids" ] || kill $pids 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# Sets wait_status to the process's exit status, or to 124 after stopping
# it when it is still running after seconds.
wait_or_stop() { # pid seconds
	local i
	for ((i = 0; i < $2 * 2; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.5
	done
	if kill -0 "$1" 2>/dev/null; then
		stop_instance "$1"
		wait_status=124
		return
	fi
	set +e
	wait "$1"
	wait_status=$?
	set -e
}

# Waits until a line of file matches the pattern; fails when the process
# ends first or after seconds.
wait_for_line() { # file pattern pid seconds
	local i
	for ((i = 0; i < $4 * 2; i++)); do
		grep -q -E -- "$2" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.5
	done
	return 1
}

# Waits until a TCP port on the host is listening (ss(8), which does not
# take a connection from the listener); fails when the process ends first
# or after 30 s.
wait_for_port() { # port pid
	local i
	for ((i = 0; i < 60; i++)); do
		ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.5
	done
	return 1
}

# Starts hvcollect --once --out FILE on a free port, in a session of its
# own (wait_or_stop can then stop it whole); its output in
# $results/NAME.collect. Sets hc_pid and hc_port.
start_hvcollect() { # name file
	hc_port=$(free_port)
	rm -f "$2" "$2.part"
	setsid "$root/build/tools/hvcollect" --port "$hc_port" --once --out "$2" \
		>"$results/$1.collect" 2>&1 &
	hc_pid=$!
	sleep 0.3
}

# Sends bytes random bytes to host:port's echo service over one TCP
# connection, closes the sending side, reads until the peer closes and
# prints "same" when what came back is what was sent (else what it was);
# fails without a connection.
echo_through() { # host port bytes
	python3 - "$1" "$2" "$3" <<'PY'
import os, socket, sys
data = os.urandom(int(sys.argv[3]))
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
back = b"".join(iter(lambda: s.recv(65536), b""))
print("same" if back == data else f"{len(back)} bytes back, differing")
PY
}

# Prints why a tap device cannot be made here (not root, no
# /dev/net/tun, no ip(8) or ping), or nothing and fails.
tap_prerequisites_missing() {
	local why=()
	[ "$(id -u)" = 0 ] || why+=("not root")
	[ -c /dev/net/tun ] || why+=("no /dev/net/tun")
	command -v ip >/dev/null || why+=("no ip (iproute2)")
	command -v ping >/dev/null || why+=("no ping (iputils-ping)")
	[ ${#why[@]} -eq 0 ] && return 1
	local IFS=,
	echo "${why[*]}"
}

# In the current network namespace (one of the test's own): loopback up,
# and a tap device with the host's address, up (no carrier until an
# emulator opens it).
make_tap() { # ifname address/prefix
	ip link set lo up &&
	ip tuntap add dev "$1" mode tap &&
	ip addr add "$2" dev "$1" &&
	ip link set "$1" up
}
