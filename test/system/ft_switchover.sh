#!/usr/bin/env bash
# A planned switchover (docs/fault-tolerance.md, "Planned switchover") and
# the control endpoint's authenticated requests (docs/control-endpoint.md,
# "Requests that change state"), on QEMU (SVM).
# - ft_switchover_ticker_svm: the ticker guest (6 s) on a pair
#   (scripts/pair.sh --switchover-after 3: hvctl switchover, signed with the
#   pair's key, 3 s into the primary's recording). The primary must exit 116
#   saying it switched over at landmark N, the backup go live at that same
#   landmark and finish the run with the guest's native exit code, and what
#   the outside saw (the primary's released console, then the backup's) be
#   the native run with no byte contradicted.
# - ft_switchover_witness_svm: the same under a witness (pair.sh
#   --witness): the primary releases its lease as its guest stops, and the
#   backup goes live under epoch 2 within 1 s of asking (the primary's
#   lease, renewed every second, would have had 2 s or more left), the
#   outside again seeing the native run.
# - ft_switchover_failed_svm: under a witness, the backup SIGKILLed 2 s
#   into the recording and the switchover asked 0.2 s later (pair.sh
#   --kill-backup-after 2 --switchover-after 0.2), before the primary can
#   know its backup is gone: accepted, the guest stops, the log's end is
#   never acknowledged; the primary must say the switchover failed, take a
#   new epoch of the lease it had released (2), run the guest on without a
#   backup to the native exit code, and the outside see the native run.
# - ft_switchover_refusals_svm: on the first pair while it runs, before the
#   switchover: a POST without credentials, one signed with another key,
#   and the nonce of that one again with the right MAC (a replayed nonce)
#   are each refused with 401; GET /status still answers; the refusals are
#   logged, and no log shows the key.
# - ft_switchover_read_only_svm: a primary without ft_key= (its backup
#   never answers, as in net_control_ft.sh): GET /ft/challenge is 403, and
#   hvctl switchover says "this endpoint is read-only: no ft_key=" and
#   exits 4.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
. "$(dirname "$0")/ft_lib.sh"

g=$root/build/guests
GUEST_ARGS="seconds=6"
SWITCHOVER_AFTER=3
BOOT_WAIT_S=120

pair_pid="" hv_pid=""
trap '[ -z "$pair_pid" ] || kill "$pair_pid" 2>/dev/null; stop_instance "$hv_pid"' EXIT

# The refusals, asked of the primary's endpoint at HOST:PORT with the key
# in KEYFILE: each check prints "status body" lines; python3's own hmac.
refusals() { # host:port keyfile
	python3 - "$1" "$2" <<'PY'
import hashlib, hmac, http.client, sys
host, port = sys.argv[1].rsplit(":", 1)
key = bytes.fromhex(open(sys.argv[2]).read().strip())
other = bytes([key[0] ^ 1]) + key[1:]
def ask(method, path, auth=None):
    c = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = {"X-Understudy-Auth": auth} if auth else {}
    c.request(method, path, headers=headers)
    r = c.getresponse()
    body = r.read().decode(errors="replace").strip()
    c.close()
    return r.status, body
def signed(k, nonce):
    msg = ("POST /ft/switchover " + nonce).encode()
    return nonce + " " + hmac.new(k, msg, hashlib.sha256).hexdigest()
s, b = ask("POST", "/ft/switchover")
print("missing", s, b)
s, nonce = ask("GET", "/ft/challenge")
print("challenge", s, len(nonce))
s, b = ask("POST", "/ft/switchover", signed(other, nonce))
print("wrong_mac", s, b)
s, b = ask("POST", "/ft/switchover", signed(key, nonce))
print("replayed", s, b)
s, b = ask("GET", "/status")
print("status", s, b[:1])
PY
}

# --- the pair, switched over midway, and refusals while it runs ---------

# switchover_pair NAME [--witness]: with --witness, under a witness and
# without the refusals.
switchover_pair() {
	local name=$1 witness=${2:-} rname=ft_switchover_refusals_svm
	local logs=$results/$1.logs status native_status summary at took answers="" why="" epoch=""
	local opts=()
	[ -z "$witness" ] || opts=(--witness)
	set +e
	"$root/scripts/run_native.sh" "$g/ticker.elf" --args "$GUEST_ARGS" --timeout 120 \
		>"$results/$name.native" 2>/dev/null
	native_status=$?
	set -e
	rm -rf "$logs"
	mkdir -p "$logs"
	"$root/scripts/pair.sh" --guest "$g/ticker.elf" --guest-args "$GUEST_ARGS" --emu qemu \
		--switchover-after "$SWITCHOVER_AFTER" --logs "$logs" "${opts[@]}" \
		>"$results/$name.out" 2>"$results/$name.err" &
	pair_pid=$!
	# The refusals, once the primary's guest runs with its backup following.
	if [ -n "$witness" ]; then
		:
	elif wait_for_line "$logs/primary.stderr" '^ft: the backup follows' "$pair_pid" "$BOOT_WAIT_S" &&
	   [ -s "$logs/primary.http" ]; then
		answers=$(refusals "$(cat "$logs/primary.http")" "$logs/pair.key" 2>&1) || true
	else
		answers="the pair did not come up"
	fi
	set +e
	wait "$pair_pid"
	status=$?
	set -e
	pair_pid=""
	[ -n "$witness" ] || refusals_verdict "$name" "$rname" "$answers"
	summary=$(sed -n 's/^pair.sh: //p' "$results/$name.err" | tail -n 1)
	at=$(sed -n 's/^primary: ft: switched over to the backup at landmark \([0-9]*\)$/\1/p' "$results/$name.err")
	took=$(sed -n 's/^backup: ft: the primary switched over: the guest goes live here, at landmark \([0-9]*\),.*/\1/p' "$results/$name.err")
	[ -z "$witness" ] || epoch=$(sed -n 's/^backup: ft: the witness gave this backup the lease (epoch \([0-9]*\)) after \([0-9]*\) ms$/\1 \2/p' "$results/$name.err")
	if ! grep -q '202 Accepted' "$logs/switchover.hvctl"; then
		echo "FAIL: $name: hvctl switchover was not accepted: $(head -n 1 "$logs/switchover.hvctl") ($summary)"
	elif ! grep -q -E "^primary exit 116 \(switched over after $SWITCHOVER_AFTER s.*\), backup exit $native_status; backup: ft: the primary switched over.*; the backup finished the run$" <<<"$summary"; then
		echo "FAIL: $name: expected the primary to exit 116 and the backup to finish with $native_status ($summary)"
	elif [ -z "$at" ] || [ "$at" != "$took" ]; then
		echo "FAIL: $name: the primary switched over at landmark '${at}', the backup went live at '${took}'"
	elif [ "$status" != "$native_status" ]; then
		echo "FAIL: $name: exit code $status, $native_status natively ($summary)"
	elif [ -n "$witness" ] && ! grep -q '^primary: ft: the witness.s lease is released' "$results/$name.err"; then
		echo "FAIL: $name: the primary did not release its lease"
	elif [ -n "$witness" ] && { [ "${epoch%% *}" != 2 ] || [ "${epoch##* }" -ge 1000 ]; }; then
		echo "FAIL: $name: the backup did not get epoch 2 before the primary's lease ran out ('$epoch')"
	elif ! "$root/test/system/compare_output.sh" "$results/$name.native" "$results/$name.out" \
		>"$results/$name.diff" 2>&1; then
		echo "FAIL: $name: what the outside saw differs from the native run (see $results/$name.diff)"
	else
		echo "PASS: $name (switched over at landmark $at, the backup live there $(sed -n 's/.*the backup went live \([0-9]*\) ms after the answer.*/\1/p' <<<"$summary") ms after the answer${epoch:+ under epoch 2, granted ${epoch##* } ms after it asked}; the outside saw $(stat -c %s "$logs/primary") bytes from the primary, then the backup's, $(grep -c '' "$results/$name.out") lines as natively)"
	fi
}

# A switchover whose backup died just before it: the guest stays on the
# primary (see the header).
failed_switchover() {
	local name=ft_switchover_failed_svm logs=$results/ft_switchover_failed_svm.logs
	local status native_status summary tries=0
	set +e
	"$root/scripts/run_native.sh" "$g/ticker.elf" --args "$GUEST_ARGS" --timeout 120 \
		>"$results/$name.native" 2>/dev/null
	native_status=$?
	# A pair whose backup did not follow within ft_timeout_ms (a loaded
	# host) never gets to the switchover: it is run once more.
	while [ "$tries" -lt 2 ]; do
		tries=$((tries + 1))
		"$root/scripts/pair.sh" --guest "$g/ticker.elf" --guest-args "$GUEST_ARGS" --emu qemu \
			--kill-backup-after 2 --switchover-after 0.2 --witness --logs "$logs" \
			>"$results/$name.out" 2>"$results/$name.err"
		status=$?
		grep -q '^warn: ft: no backup follows after' "$logs/primary.stderr" || break
		echo "ft_switchover.sh: $name: the backup did not follow (try $tries)" >&2
	done
	set -e
	summary=$(sed -n 's/^pair.sh: //p' "$results/$name.err" | tail -n 1)
	if ! grep -q '202 Accepted' "$logs/switchover.hvctl"; then
		echo "FAIL: $name: hvctl switchover was not accepted: $(head -n 1 "$logs/switchover.hvctl") ($summary)"
	elif ! grep -q "^primary: warn: ft: the switchover failed: the backup fell silent before it acknowledged the log's end" "$results/$name.err"; then
		echo "FAIL: $name: the primary did not say the switchover failed ($summary)"
	elif ! grep -q '^primary: ft: lease epoch 2, asked for anew' "$results/$name.err"; then
		echo "FAIL: $name: the primary did not take a new epoch of the lease ($summary)"
	elif ! grep -q -E "^primary exit $native_status .*backup exit [0-9]+ \(killed after 2 s\).*the primary finished the run$" <<<"$summary" ||
		grep -q 'contradict\|split brain' <<<"$summary"; then
		echo "FAIL: $name: expected the primary to finish with $native_status ($summary)"
	elif same_as_native "$name" primary; then
		echo "PASS: $name (the switchover failed, the guest ran on at the primary under epoch 2; the outside saw the native run)"
	fi
}

# The refusals' answers judged (name: the pair's run).
refusals_verdict() { # name rname answers
	local name=$1 rname=$2 answers=$3 logs=$results/$1.logs why=""
	echo "$answers" >"$results/$rname.answers"
	if ! grep -q '^missing 401 401 Unauthorized: no X-Understudy-Auth header' <<<"$answers"; then
		why="a POST without credentials: $(grep -m1 '^missing' <<<"$answers" || echo "$answers" | head -n 1)"
	elif ! grep -q '^challenge 200 32$' <<<"$answers"; then
		why="no nonce: $(grep -m1 '^challenge' <<<"$answers")"
	elif ! grep -q '^wrong_mac 401 401 Unauthorized: the MAC is wrong' <<<"$answers"; then
		why="a MAC under another key: $(grep -m1 '^wrong_mac' <<<"$answers")"
	elif ! grep -q '^replayed 401 401 Unauthorized: the nonce is unknown or already used' <<<"$answers"; then
		why="a replayed nonce: $(grep -m1 '^replayed' <<<"$answers")"
	elif ! grep -q '^status 200 {' <<<"$answers"; then
		why="GET /status: $(grep -m1 '^status' <<<"$answers")"
	elif [ "$(grep -c '^primary: warn: control: refused /ft/switchover from ' "$results/$name.err")" != 3 ]; then
		why="the three refusals are not logged"
	elif grep -q -i -F "$(cat "$logs/pair.key")" "$results/$name.err" "$results/$name.out"; then
		why="a log shows the key"
	fi
	if [ -n "$why" ]; then
		echo "FAIL: $rname: $why"
	else
		echo "PASS: $rname (no credentials, another key's MAC and a replayed nonce: 401; logged without the key)"
	fi
}

# --- a primary without ft_key=: read-only ---------------------------------

read_only_primary() {
	local name=ft_switchover_read_only_svm port log code
	port=$(free_port)
	log=$results/$name.guest.stderr
	start_instance "$results/$name.guest" --emu qemu --timeout 200 --nic e1000 \
		--netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:8080" \
		--cmdline "ip=10.0.2.15 gw=10.0.2.2 linger=15 role=primary peer=10.0.2.2:1 ft_timeout_ms=1000" \
		--guest "$g/ticker.elf" --guest-args "seconds=2"
	hv_pid=$inst_pid
	if ! wait_for_line "$log" '^control: serving /status' "$hv_pid" "$BOOT_WAIT_S"; then
		echo "FAIL: $name: the endpoint did not come up ($(tail -n 1 "$log"))"
		return
	fi
	od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$results/$name.key"
	curl -s -m 10 -o "$results/$name.challenge" -w '%{http_code}' "http://127.0.0.1:$port/ft/challenge" \
		>"$results/$name.code" || true
	set +e
	"$root/build/tools/hvctl" switchover "127.0.0.1:$port" --key-file "$results/$name.key" \
		>"$results/$name.hvctl" 2>&1
	code=$?
	set -e
	stop_instance "$hv_pid"
	hv_pid=""
	if [ "$(cat "$results/$name.code")" != 403 ] ||
	   ! grep -q '^403 Forbidden: this endpoint is read-only: no ft_key=$' "$results/$name.challenge"; then
		echo "FAIL: $name: GET /ft/challenge: $(cat "$results/$name.code") $(head -n 1 "$results/$name.challenge")"
	elif [ "$code" != 4 ] ||
	     ! grep -q "^127.0.0.1:$port: no challenge: 403 Forbidden: this endpoint is read-only: no ft_key=$" \
		"$results/$name.hvctl"; then
		echo "FAIL: $name: hvctl switchover: exit $code: $(head -n 1 "$results/$name.hvctl")"
	elif ! grep -q 'control: serving /status and /metrics on .* (read-only: no ft_key=)' "$log"; then
		echo "FAIL: $name: the endpoint did not say it is read-only"
	else
		echo "PASS: $name (403 for the challenge; hvctl switchover refused, exit 4)"
	fi
}

switchover_pair ft_switchover_ticker_svm
switchover_pair ft_switchover_witness_svm --witness
failed_switchover
read_only_primary
