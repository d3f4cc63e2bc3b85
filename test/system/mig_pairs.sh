#!/usr/bin/env bash
# The bench tool mig_pairs (test/bench/mig_pairs.c) on the captures of the
# fuzzer's seeds (test/fuzz/corpus/pcap_tcp: the unit tests' migration
# stream of test/unit/mig_builder.h, sent in 1460-byte segments with one
# retransmitted): the 7 pages its round 1 sends again are costed, a page
# turned zero at QEMU's 1 byte and the rest as XBZRLE cache misses (round
# 1 is the first after the bulk pass); the big-endian capture gives the
# same; a capture cut short, one with a corrupted stream and a file that
# is no capture are refused with a message.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bin=$root/build/bench/mig_pairs
corpus=$root/test/fuzz/corpus/pcap_tcp
work=$results/mig_pairs
rm -rf "$work"
mkdir -p "$work"

if [ ! -x "$bin" ]; then
	echo "FAIL: mig_pairs: $bin not built (make build/bench/mig_pairs)"
	exit 0
fi

# The seeds are a mode byte, then the capture.
tail -c +2 "$corpus/migration" >"$work/le.pcap"
tail -c +2 "$corpus/migration_big_endian" >"$work/be.pcap"
head -c 30000 "$work/le.pcap" >"$work/cut.pcap"
cp "$work/le.pcap" "$work/corrupt.pcap"
# a byte of the HELLO frame's payload: past the file header (24), the SYN's
# record (16 + 54) and the next record's headers (16 + 54)
printf '\xff' | dd of="$work/corrupt.pcap" bs=1 seek=$((24 + 70 + 70 + 20)) conv=notrunc status=none

tool_case mig_pairs_stream 0 "$bin" "$work/le.pcap" -- \
	'46 segments, 1 repeated' '8 frames, 71 pages in rounds 0-1, RAM 64 pages; 7 pages sent again' \
	'^chosen by the source: zero 1 ' '6 cache misses .4096 raw bytes., 0 unchanged .not sent., 1 zero'
"$bin" "$work/le.pcap" >"$work/le.out" 2>&1 || true
tool_case mig_pairs_big_endian 0 "$bin" "$work/be.pcap" -- "$(sed -n 2p "$work/le.out")"
tool_case mig_pairs_cut 1 "$bin" "$work/cut.pcap" -- 'run past the end of the file'
tool_case mig_pairs_corrupt 1 "$bin" "$work/corrupt.pcap" -- 'the stream is refused: HELLO frame 0'
tool_case mig_pairs_not_pcap 1 "$bin" "$corpus/roundtrip" -- 'not a pcap file'
tool_case mig_pairs_usage 2 "$bin" -- 'usage: mig_pairs'
