#!/usr/bin/env bash
# The log stream (docs/log-stream.md): hvcollect receives record logs from
# logstream_fakehv, which plays the hypervisor's side from a log file with
# odd-sized messages, disconnects, corrupted and truncated messages and a
# bounded window of unACKed bytes. Every received file must be byte for byte
# the log that was sent, and complete by hvcollect's own check; a freshly
# recorded log, received this way, must replay.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

collect=$root/build/tools/hvcollect
fakehv=$root/build/tools/logstream_fakehv
hvlog=$root/build/tools/hvlog
work=$results/logstream
rm -rf "$work"
mkdir -p "$work"

for tool in "$collect" "$fakehv" "$hvlog"; do
	if [ ! -x "$tool" ]; then
		echo "FAIL: logstream: $tool not built (make all)"
		exit 0
	fi
done

WAIT=120 # seconds any one program may take

# --- the collector in the background -------------------------------------------

# start_collector NAME ARGS...: starts hvcollect on a free port; sets cpid
# and cport, its stderr in $work/NAME.collector.
start_collector() {
	local name=$1 try
	shift
	for try in 1 2 3 4 5 6 7 8 9 10; do
		cport=$((20000 + (RANDOM % 20000)))
		timeout "$WAIT" "$collect" --port "$cport" "$@" 2>"$work/$name.collector" &
		cpid=$!
		while kill -0 "$cpid" 2>/dev/null && ! grep -qs 'listening on' "$work/$name.collector"; do
			sleep 0.05
		done
		if grep -qs 'listening on' "$work/$name.collector"; then
			return 0
		fi
		wait "$cpid" || true
	done
	echo "FAIL: $name: hvcollect cannot listen ($(tail -n 1 "$work/$name.collector"))"
	return 1
}

# collector_wait: waits for the collector; sets status to its exit status.
collector_wait() {
	status=0
	wait "$cpid" || status=$?
}

# stop_collector NAME PATTERN [COUNT]: waits until the collector printed
# COUNT (default 1) lines matching PATTERN (at most 10 s), then stops it.
stop_collector() {
	local i
	for i in $(seq 200); do
		[ "$(grep -cs -E -- "$2" "$work/$1.collector")" -ge "${3:-1}" ] && break
		sleep 0.05
	done
	kill -TERM "$cpid" 2>/dev/null || true
	wait "$cpid" 2>/dev/null || true
}

# fake NAME ARGS...: runs the fake hypervisor against the collector; its
# stderr in $work/NAME.fakehv; sets fstatus.
fake() {
	local name=$1
	shift
	fstatus=0
	timeout "$WAIT" "$fakehv" --port "$cport" "$@" 2>"$work/$name.fakehv" || fstatus=$?
}

# verdict NAME FILE SOURCE [PATTERN...]: PASS when FILE is SOURCE byte for
# byte, the fake hv succeeded, and the collector's and fake's output match
# every PATTERN ('!' in front: must match no line).
verdict() {
	local name=$1 file=$2 source=$3 p all=$work/$1.all
	shift 3
	cat "$work/$name.collector" "$work/$name.fakehv" >"$all" 2>/dev/null || true
	if [ "$fstatus" != 0 ]; then
		echo "FAIL: $name: the fake hypervisor failed ($(tail -n 1 "$work/$name.fakehv"))"
		return 0
	fi
	if ! cmp -s "$file" "$source"; then
		echo "FAIL: $name: $file differs from $source ($(cmp "$file" "$source" 2>&1 | head -n 1))"
		return 0
	fi
	for p in "$@"; do
		if [ "${p:0:1}" = "!" ]; then
			if grep -q -E -- "${p:1}" "$all"; then
				echo "FAIL: $name: output has a line matching '${p:1}'"
				return 0
			fi
		elif ! grep -q -E -- "$p" "$all"; then
			echo "FAIL: $name: no output line matches '$p'"
			return 0
		fi
	done
	echo "PASS: $name ($(stat -c %s "$file") bytes, $(awk '{ for (i = 1; i < NF; i++) if ($(i + 1) ~ /^connections/) n += $i } END { print n + 0 }' "$work/$name.fakehv") connections)"
}

# offsets SIZE N: N odd offsets spread over (0, SIZE).
offsets() {
	local size=$1 n=$2 i
	for i in $(seq "$n"); do
		echo $(( (size * i / (n + 1)) | 1 ))
	done
}

complete='complete log of [0-9]+ bytes, [0-9]+ frames, ends with END'

# --- the logs sent --------------------------------------------------------------

# A real recording of the timer guest when the image can be run here, else
# the one kept in the fuzz corpus.
timer=$work/timer.rrlog
fresh=0
if [ -f "$root/build/understudy.iso" ] && [ -f "$root/build/guests/timer.elf" ] &&
	timeout "$WAIT" "$root/scripts/run.sh" --emu qemu --guest "$root/build/guests/timer.elf" \
		--record "$timer" >/dev/null 2>"$work/record.log" && [ -s "$timer" ]; then
	fresh=1
else
	echo "# logstream: no fresh recording ($(tail -n 1 "$work/record.log" 2>/dev/null)); using the corpus log"
	cp "$root/test/fuzz/corpus/rrlog/recorded_timer" "$timer"
fi

# A bigger log with many frames (about 900 KB), assembled from text.
big=$work/big.rrlog
{
	echo "header magic=USTDYLOG ram_size=0x8000000 backend=vmx hv_version=logstream-test"
	awk 'BEGIN { for (i = 1; i <= 150000; i++) printf "E=%d rip=0x%x RDTSC tsc=0x%x\n", i, 4096 + i % 977, i * 7919 }'
	echo "E=150000 rip=0x1000 END how=0 code=0"
} >"$work/big.txt"
"$hvlog" assemble "$work/big.txt" "$big" 2>"$work/big.err"
big_size=$(stat -c %s "$big")
timer_size=$(stat -c %s "$timer")

# --- (a) clean transfers ----------------------------------------------------------

for src in timer big; do
	log=$work/$src.rrlog
	name=logstream_clean_$src
	start_collector "$name" --once --out "$work/$name.out" || continue
	fake "$name" --log "$log" --seed 3
	collector_wait
	if [ "$status" != 0 ]; then
		echo "FAIL: $name: hvcollect --once exited with $status ($(tail -n 1 "$work/$name.collector"))"
	else
		verdict "$name" "$work/$name.out" "$log" "$complete" \
			'session [0-9a-f]{16} from .*: new log' '!connection dropped'
	fi
done

if [ "$fresh" = 1 ]; then
	set +e
	timeout "$WAIT" "$root/scripts/run.sh" --emu qemu --guest "$root/build/guests/timer.elf" \
		--replay "$work/logstream_clean_timer.out" >/dev/null 2>"$work/replay.log"
	set -e
	if grep -q 'rr: replay matches the recording' "$work/replay.log"; then
		echo "PASS: logstream_received_log_replays"
	else
		echo "FAIL: logstream_received_log_replays: $(grep -m1 -E 'diverged|refus|rr:|run.sh' "$work/replay.log")"
	fi
fi

# --- (b) disconnects at odd offsets ------------------------------------------------

for n in 1 3 10; do
	args=()
	for o in $(offsets "$timer_size" "$n"); do args+=(--drop-at "$o"); done
	name=logstream_drops_$n
	start_collector "$name" --once --out "$work/$name.out" || continue
	fake "$name" --log "$timer" --seed "$n" "${args[@]}"
	collector_wait
	[ "$status" = 0 ] || { echo "FAIL: $name: hvcollect exited with $status"; continue; }
	verdict "$name" "$work/$name.out" "$timer" "$complete" \
		"dropping the connection at log offset" 'resuming .* at byte' \
		" $((n + 1)) connections"
done

args=()
for o in $(offsets "$big_size" 10); do args+=(--drop-at "$o"); done
name=logstream_drops_10_big
if start_collector "$name" --once --out "$work/$name.out"; then
	fake "$name" --log "$big" --seed 11 "${args[@]}"
	collector_wait
	if [ "$status" = 0 ]; then
		verdict "$name" "$work/$name.out" "$big" "$complete" " 11 connections" \
			'bytes resent'
	else
		echo "FAIL: $name: hvcollect exited with $status"
	fi
fi

# --- (c) corrupted and truncated messages --------------------------------------------

# Without --once a malformed message drops the connection and the collector
# keeps listening; the fake hypervisor reconnects and completes the log.
for fault in corrupt truncate; do
	name=logstream_${fault}
	start_collector "$name" --out "$work/$name.out" || continue
	fake "$name" --log "$timer" --seed 5 "--$fault-at" $((timer_size / 2 + 1))
	stop_collector "$name" "$complete"
	case $fault in
	corrupt) want='refused: checksum mismatch.*connection dropped' ;;
	truncate) want='connection closed in the middle of a message' ;;
	esac
	verdict "$name" "$work/$name.out" "$timer" "$complete" "$want" " 2 connections"
done

# All the faults in one transfer of the big log, each on a connection of
# its own (a fault is never applied to a connection already doomed).
name=logstream_all_faults
if start_collector "$name" --out "$work/$name.out"; then
	fake "$name" --log "$big" --seed 9 --drop-at 70001 \
		--corrupt-at $((big_size * 2 / 5 + 1)) --truncate-at $((big_size * 3 / 5 + 1)) \
		--drop-at $((big_size * 3 / 5 + 7)) --corrupt-at $((big_size - 5)) \
		--drop-at $((big_size - 1))
	stop_collector "$name" "$complete"
	verdict "$name" "$work/$name.out" "$big" "$complete" 'checksum mismatch' \
		'sending 13 bytes of a header' " 7 connections"
fi

# With --once, malformed input ends the collector with status 1.
name=logstream_once_refuses_corrupt
if start_collector "$name" --once --out "$work/$name.out"; then
	fake "$name" --log "$timer" --corrupt-at 1001
	collector_wait
	check_console "$name" "$work/$name.collector" "$status" 1 \
		'refused: checksum mismatch.*connection dropped' 'incomplete \(no END yet\)'
fi

# --- (d) a slow collector: backpressure, no loss ------------------------------------------

name=logstream_slow_collector
if start_collector "$name" --once --slow-ms 30 --out "$work/$name.out"; then
	fake "$name" --log "$big" --seed 4
	collector_wait
	[ "$status" = 0 ] || echo "FAIL: $name: hvcollect exited with $status"
	[ "$status" = 0 ] && verdict "$name" "$work/$name.out" "$big" "$complete" \
		'waited for ACKs [1-9][0-9]* times' 'window 262144'
fi
name=logstream_slow_small_window
if start_collector "$name" --once --slow-ms 5 --out "$work/$name.out"; then
	fake "$name" --log "$timer" --window 4096 --drop-at 7777
	collector_wait
	[ "$status" = 0 ] || echo "FAIL: $name: hvcollect exited with $status"
	[ "$status" = 0 ] && verdict "$name" "$work/$name.out" "$timer" "$complete" \
		'waited for ACKs [1-9][0-9]* times' 'at most [0-9]+ bytes unACKed \(window 4096\)'
fi
# The fake's window is a bound: never more unACKed bytes than it.
for name in logstream_slow_collector logstream_slow_small_window logstream_drops_10_big; do
	line=$(grep -o 'at most [0-9]* bytes unACKed (window [0-9]*)' "$work/$name.fakehv" 2>/dev/null || true)
	most=$(echo "$line" | sed -n 's/at most \([0-9]*\) .*/\1/p')
	win=$(echo "$line" | sed -n 's/.*window \([0-9]*\))/\1/p')
	if [ -n "$most" ] && [ "$most" -le "$win" ]; then
		echo "PASS: ${name}_window_bound ($most of $win bytes unACKed at most)"
	else
		echo "FAIL: ${name}_window_bound: '$line'"
	fi
done

# --- (e) sessions: two runs at once, two files; --out takes one ----------------------------

name=logstream_two_sessions
mkdir -p "$work/sessions"
if start_collector "$name" --dir "$work/sessions"; then
	status1=0 status2=0
	timeout "$WAIT" "$fakehv" --port "$cport" --log "$timer" --session 0x1111 \
		--drop-at 3001 2>"$work/$name.fakehv1" &
	f1=$!
	timeout "$WAIT" "$fakehv" --port "$cport" --log "$big" --session 0x2222 \
		--drop-at 99999 2>"$work/$name.fakehv2" &
	f2=$!
	wait "$f1" || status1=$?
	wait "$f2" || status2=$?
	stop_collector "$name" "$complete" 2
	cat "$work/$name.fakehv1" "$work/$name.fakehv2" >"$work/$name.fakehv"
	fstatus=$((status1 + status2))
	a=$work/sessions/0000000000001111.rrlog
	b=$work/sessions/0000000000002222.rrlog
	if [ "$(grep -c -E "$complete" "$work/$name.collector")" != 2 ]; then
		echo "FAIL: $name: the collector did not complete two logs"
	elif ! cmp -s "$b" "$big"; then
		echo "FAIL: $name: $b differs from the big log"
	else
		verdict "$name" "$a" "$timer" 'session 0000000000001111 from' \
			'session 0000000000002222 from'
	fi
fi

name=logstream_out_refuses_second_session
if start_collector "$name" --out "$work/$name.out"; then
	fake "$name.first" --log "$timer" --session 0x10
	first=$fstatus
	fake "$name" --log "$big" --session 0x20
	second=$fstatus
	stop_collector "$name" 'session 0000000000000020 refused'
	if [ "$first" = 0 ] && [ "$second" != 0 ] && cmp -s "$work/$name.out" "$timer" &&
		grep -q 'session 0000000000000020 refused: this collector writes' "$work/$name.collector"; then
		echo "PASS: $name"
	else
		echo "FAIL: $name: first $first, second $second ($(grep -m1 refused "$work/$name.collector"))"
	fi
fi

# --- a collector started again resumes from its file ----------------------------------------

name=logstream_collector_restart
mkdir -p "$work/restart"
if start_collector "$name" --dir "$work/restart" --slow-ms 300; then
	timeout "$WAIT" "$fakehv" --port "$cport" --log "$big" --session 0x3333 \
		2>"$work/$name.fakehv" &
	fpid=$!
	file=$work/restart/0000000000003333.rrlog
	for i in $(seq 200); do
		[ "$(stat -c %s "$file" 2>/dev/null || echo 0)" -gt 100000 ] && break
		sleep 0.05
	done
	kill -TERM "$cpid" 2>/dev/null || true
	wait "$cpid" 2>/dev/null || true
	mv "$work/$name.collector" "$work/$name.collector.first"
	port=$cport
	timeout "$WAIT" "$collect" --port "$port" --dir "$work/restart" 2>"$work/$name.collector" &
	cpid=$!
	fstatus=0
	wait "$fpid" || fstatus=$?
	stop_collector "$name" "$complete"
	verdict "$name" "$file" "$big" "$complete" 'resuming .* at byte [1-9]'
fi
