#!/usr/bin/env bash
# The witness (docs/witness.md): hvwitness on a free port with short leases,
# driven by its own client over TLS with the pre-shared key. Two nodes
# contend and exactly one gets the lease; after it expires the other gets it
# with a higher epoch and the old holder's renewal is refused; a client with
# a wrong key is refused and logged; garbage, a TLS peer's garbage, a
# corrupt, a replayed and a truncated frame are refused without killing the
# witness; a witness killed and started again keeps the epoch and the holder.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

hvw=$root/build/tools/hvwitness
work=$results/witness
rm -rf "$work"
mkdir -p "$work"
started=$SECONDS

if [ ! -x "$hvw" ]; then
	echo "FAIL: witness: $hvw not built (make all)"
	exit 0
fi

LEASE_MS=1500
key=$work/key
wrong=$work/wrong.key
state=$work/state
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$key"
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$wrong"

# start_witness NAME: hvwitness on a free port with the state file; sets
# wpid and wport, its log in $work/NAME.log. The script stops it when it ends.
wpid=
trap '[ -z "$wpid" ] || kill -KILL "$wpid" 2>/dev/null || true' EXIT
start_witness() {
	local name=$1 try
	for try in 1 2 3 4 5 6 7 8 9 10; do
		wport=$((20000 + (RANDOM % 20000)))
		"$hvw" --port "$wport" --bind 127.0.0.1 --key-file "$key" --state "$state" \
			--lease-ms "$LEASE_MS" 2>"$work/$name.log" &
		wpid=$!
		while kill -0 "$wpid" 2>/dev/null && ! grep -qs 'listening on' "$work/$name.log"; do
			sleep 0.05
		done
		grep -qs 'listening on' "$work/$name.log" && return 0
		wait "$wpid" || true
	done
	echo "FAIL: witness: hvwitness cannot listen ($(tail -n 1 "$work/$name.log"))"
	exit 0
}

# ask OUT ARGS...: one client request; its output in $work/OUT, its status
# in $work/OUT.rc.
ask() {
	local out=$work/$1 rc=0
	shift
	timeout 30 "$hvw" --client "127.0.0.1:$wport" --timeout-ms 10000 "$@" >"$out" 2>&1 || rc=$?
	echo "$rc" >"$out.rc"
}

# field OUT KEY: the value of KEY= in the last line of $work/OUT (quotes removed).
field() {
	tail -n 1 "$work/$1" | sed -n "s/.* $2=\"\{0,1\}\([^\" ]*\).*/\1/p"
}

# expect NAME OUT STATUS PATTERN: FAIL unless $work/OUT ended with STATUS
# and its last line matches PATTERN; true when it did.
expect() {
	local rc
	rc=$(cat "$work/$2.rc")
	if [ "$rc" != "$3" ] || ! tail -n 1 "$work/$2" | grep -q -E -- "$4"; then
		echo "FAIL: $1: $2 exited with $rc, wanted $3 and /$4/ ($(tail -n 1 "$work/$2"))"
		return 1
	fi
}

# logged NAME PATTERN [LOG]: FAIL unless the witness's log has a matching line.
logged() {
	if ! grep -q -E -- "$2" "$work/${3:-witness}.log"; then
		echo "FAIL: $1: the witness logged no line matching /$2/"
		return 1
	fi
}

start_witness witness

# --- two nodes contend: exactly one gets the lease ---------------------------------

ask a1 --key-file "$key" --node node-a acquire &
apid=$!
ask b1 --key-file "$key" --node node-b acquire &
wait "$apid" $!
grants=$(cat "$work/a1" "$work/b1" | grep -c '^GRANTED' || true)
if [ "$grants" = 1 ]; then
	winner=$(grep -l '^GRANTED' "$work/a1" "$work/b1")
	loser=$work/b1
	[ "$winner" = "$work/a1" ] || loser=$work/a1
	holder=$(field "${winner##*/}" holder)
	epoch1=$(field "${winner##*/}" epoch)
	other=node-a
	[ "$holder" = node-a ] && other=node-b
	if expect witness_contention "${loser##*/}" 1 "^REFUSED .*holder=\"$holder\" .*reason=held" &&
		logged witness_contention "ACQUIRE .* -> GRANTED .*epoch=$epoch1 .*holder=\"$holder\"" &&
		logged witness_contention "ACQUIRE .* -> REFUSED .*reason=held"; then
		echo "PASS: witness_contention ($holder holds epoch $epoch1, $other refused)"
	fi
else
	echo "FAIL: witness_contention: $grants grants ($(cat "$work/a1" "$work/b1" | tr '\n' ' '))"
	holder=node-a other=node-b epoch1=1
fi

# --- the lease expires: the other node gets a higher epoch, the old holder's
# renewal is refused ---------------------------------------------------------------

sleep $((LEASE_MS / 1000 + 1))
ask b2 --key-file "$key" --node "$other" acquire "$epoch1"
epoch2=$(field b2 epoch)
if expect witness_expiry b2 0 "^GRANTED .*holder=\"$other\"" && [ "${epoch2:-0}" -gt "$epoch1" ] &&
	logged witness_expiry "expired: holder=\"$holder\" epoch=$epoch1"; then
	echo "PASS: witness_expiry ($other holds epoch $epoch2 after $holder's epoch $epoch1 expired)"
elif [ "${epoch2:-0}" -le "$epoch1" ]; then
	echo "FAIL: witness_expiry: epoch ${epoch2:-none} is not above $epoch1"
fi

ask a2 --key-file "$key" --node "$holder" renew "$epoch1"
if expect witness_old_holder_renew a2 1 "^REFUSED .* epoch=$epoch2 .*reason=stale_epoch" &&
	logged witness_old_holder_renew "RENEW .*node=\"$holder\" epoch=$epoch1 -> REFUSED .*stale_epoch"; then
	echo "PASS: witness_old_holder_renew ($holder's renewal under epoch $epoch1 refused)"
fi

# --- a client without the key gets nothing ------------------------------------------

ask w1 --key-file "$wrong" --node "$holder" acquire
ask w2 --key-file "$key" query
if expect witness_wrong_key w1 3 '^ERROR .*handshake failed' &&
	logged witness_wrong_key 'handshake failed, not authenticated.*connection dropped' &&
	expect witness_wrong_key w2 0 "^STATE .* epoch=$epoch2 "; then
	echo "PASS: witness_wrong_key (handshake refused and logged; the lease unchanged)"
fi

# --- garbage, corrupt, replayed and truncated frames ----------------------------------

garbage_ok=1
exec 3<>"/dev/tcp/127.0.0.1/$wport"
{ printf 'GET /status HTTP/1.0\r\n\r\n'; head -c 4096 /dev/urandom; } >&3 2>/dev/null || true
timeout 10 cat <&3 >"$work/raw.out" 2>/dev/null || true
exec 3<&- 3>&-
if [ -s "$work/raw.out" ]; then
	echo "FAIL: witness_garbage: a peer without TLS got $(stat -c %s "$work/raw.out") bytes back"
	garbage_ok=0
fi
ask g1 --key-file "$key" send-hex "$(od -An -tx1 -N64 /dev/urandom | tr -d ' \n')"
ask g2 --key-file "$key" --node "$other" --corrupt renew "$epoch2"
ask g3 --key-file "$key" --replay query
ask g4 --key-file "$key" --node "$other" --truncate 30 renew "$epoch2"
ask g5 --key-file "$key" --node "$other" --seq 0 query
ask g6 --key-file "$key" send-hex 55574954010100000100000000000000aabbccdd
expect witness_garbage g1 1 '^REFUSED .*reason=format' || garbage_ok=0
expect witness_garbage g2 1 '^REFUSED .*reason=checksum' || garbage_ok=0
expect witness_garbage g3 1 '^REFUSED .*reason=replay text="sequence number 1 is not above' || garbage_ok=0
grep -q '^STATE' "$work/g3" || { echo "FAIL: witness_garbage: the replayed frame was not answered the first time"; garbage_ok=0; }
expect witness_garbage g4 1 '^REFUSED .*reason=truncated text="30 of 44 bytes' || garbage_ok=0
expect witness_garbage g5 1 '^REFUSED .*reason=replay' || garbage_ok=0
expect witness_garbage g6 1 '^REFUSED .*reason=length text="ACQUIRE payload length 0 \(not 28\)' || garbage_ok=0
for p in 'handshake failed.*ClientHello|handshake failed.*record' 'refused frame \(format\)' \
	'refused frame \(checksum\)' 'refused frame \(replay\)' 'refused frame \(truncated\)' \
	'refused frame \(length\)'; do
	logged witness_garbage "$p" || garbage_ok=0
done
ask g7 --key-file "$key" query
if ! kill -0 "$wpid" 2>/dev/null; then
	echo "FAIL: witness_garbage: the witness died ($(tail -n 1 "$work/witness.log"))"
elif expect witness_garbage g7 0 "^STATE .* epoch=$epoch2 " && [ "$garbage_ok" = 1 ]; then
	echo "PASS: witness_garbage (raw bytes, TLS garbage, corrupt, replayed, zero-sequence, truncated and short frames refused; the witness still serves)"
fi

# --- a restarted witness keeps the epoch and the holder -------------------------------

{ kill -KILL "$wpid"; wait "$wpid"; } 2>/dev/null || true
if kill -0 "$wpid" 2>/dev/null; then
	echo "FAIL: witness_restart: the witness survived SIGKILL"
fi
start_witness witness2
ask r1 --key-file "$key" query
ask r2 --key-file "$key" --node "$holder" acquire
sleep $((LEASE_MS / 1000 + 1))
ask r3 --key-file "$key" --node "$holder" acquire "$epoch1"
epoch3=$(field r3 epoch)
if expect witness_restart r1 0 "^STATE .*holder=\"$other\" epoch=$epoch2 " &&
	expect witness_restart r2 1 "^REFUSED .*holder=\"$other\" epoch=$epoch2 .*reason=held" &&
	expect witness_restart r3 0 "^GRANTED .*holder=\"$holder\"" &&
	logged witness_restart "state .*: epoch $epoch2, holder \"$other\"" witness2; then
	if [ "${epoch3:-0}" -eq $((epoch2 + 1)) ]; then
		echo "PASS: witness_restart (killed and started again: epoch $epoch2 and its holder kept, next epoch $epoch3)"
	else
		echo "FAIL: witness_restart: the next epoch is ${epoch3:-none}, not $((epoch2 + 1))"
	fi
fi
kill -TERM "$wpid" 2>/dev/null || true
wait "$wpid" 2>/dev/null || true
wpid=
echo "# witness.sh took $((SECONDS - started)) s"
