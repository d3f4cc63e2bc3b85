# Two Understudy instances on one network, for scripts that run a pair of
# hosts (scripts/migrate.sh, scripts/pair.sh). Sourced with root set; it
# sources test/system/net_lib.sh (instances, free ports).
. "$root/test/system/net_lib.sh"

# Makes the directory logs (a temporary one, removed at exit, when logs is
# empty) and, at exit, stops the instances the script's
# two_hosts_instances function names (their pids, in stop order), the
# bxhub and the helpers given to two_hosts_helper.
two_hosts_setup() {
	tmp_logs="" hub_pid="" two_hosts_helpers=""
	if [ -z "$logs" ]; then
		logs=$(mktemp -d)
		tmp_logs=1
	fi
	mkdir -p "$logs"
	trap two_hosts_cleanup EXIT
}

two_hosts_cleanup() {
	local pid
	for pid in $(two_hosts_instances); do
		stop_instance "$pid"
	done
	[ -z "$hub_pid" ] || kill "$hub_pid" 2>/dev/null || true
	for pid in $two_hosts_helpers; do
		stop_helper "$pid"
	done
	[ -z "$tmp_logs" ] || rm -rf "$logs"
}

# A host process (netcut, a witness) the cleanup stops after the instances.
two_hosts_helper() { # pid
	two_hosts_helpers="$two_hosts_helpers $1"
}

# SIGTERM to a helper, SIGKILL after 5 s; waits for it.
stop_helper() { # pid
	local i
	kill "$1" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# Four free UDP ports from an even base: bxhub's two sessions and its own.
free_udp_base() {
	python3 - <<'PY'
import random, socket
for _ in range(200):
    base = random.randrange(20000, 60000, 2)
    socks = []
    try:
        for p in range(base, base + 4):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", p))
            socks.append(s)
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(base)
    break
PY
}

# The netdevs that join an instance under emulator FIRST (qemu or bochs),
# which must start first, and one under SECOND: two QEMUs by a socket
# network (the first listens on a free loopback port, set in port, the
# second connects), else through a bxhub (Bochs' Ethernet hub, its log in
# LOGS/bxhub.log, its pid in hub_pid; QEMU joins it with a dgram netdev).
# Sets first_netdev, second_netdev, port and hub_pid.
join_two_hosts() { # first second logs
	port="" hub_pid=""
	if [ "$1" = qemu ] && [ "$2" = qemu ]; then
		port=$(free_port)
		first_netdev="socket,id=n0,listen=127.0.0.1:$port"
		second_netdev="socket,id=n0,connect=127.0.0.1:$port"
	else
		local base
		base=$(free_udp_base)
		bxhub -ports=2 -base="$base" -loglev=0 >"$3/bxhub.log" 2>&1 &
		hub_pid=$!
		first_netdev="bxhub:$base"
		second_netdev="bxhub:$((base + 2))"
	fi
}

# SIGKILL of an instance's emulator (the one timeout(1) runs in the
# instance's session: start_instance of net_lib.sh).
kill_emulator() { # pid
	local pids
	pids=$(ps -o pid=,comm= -s "$1" 2>/dev/null | awk '$2 ~ /^(qemu|bochs)/ { print $1 }')
	[ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
}
