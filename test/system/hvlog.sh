#!/usr/bin/env bash
# The host tool hvlog (docs/hvlog.md) on logs it assembles from text:
# print -> assemble reproduces a log byte for byte, summary and compare
# report what they should, and truncated or corrupted files are refused
# with a message naming the frame and its byte offset; `hvlog snapshot`
# prints and verifies a snapshot and refuses broken ones naming the section.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

hvlog=$root/build/tools/hvlog
work=$results/hvlog
rm -rf "$work"
mkdir -p "$work"

if [ ! -x "$hvlog" ]; then
	echo "FAIL: hvlog: $hvlog not built (make build/tools/hvlog)"
	exit 0
fi

# hv_case NAME STATUS CMD... -- PATTERN...: tool_case for hvlog_NAME.
hv_case() {
	local name=hvlog_$1
	shift
	tool_case "$name" "$@"
}

# same NAME A B: PASS when files A and B are byte for byte the same.
same() {
	if cmp -s "$2" "$3"; then
		echo "PASS: hvlog_$1"
	else
		echo "FAIL: hvlog_$1: $3 differs from $2 ($(cmp "$2" "$3" 2>&1 | head -n 1))"
	fi
}

# poke FILE OFFSET: flips the bits of one byte.
poke() {
	local byte
	byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((byte ^ 0xFF)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# --- logs written as text -----------------------------------------------------

cat >"$work/full.txt" <<'EOF'
# every log entry type, over two frames
header magic=USTDYLOG flags=0x2 kernel_hash=0x1111 modules_hash=0x0 cmdline_hash=0x2222 ram_size=0x8000000 start_epoch=1700000000 tsc_hz=2000000000 backend=vmx digest_interval=100 hv_version=0.1-test
frame 0
E=0 rip=0x100000 DIGEST rip=0x100000 rflags=0x2 rax=0x1 cr0=0x80000011 cr3=0x1000 memory=0xabcdef pages=3
E=0 rip=0x100000 DIGEST_PAGES n=2 0x0=0x11111111 0x5=0x22222222
E=0 rip=0x100000 DIGEST_PAGES n=1 0x9=0x33333333
E=3 rip=0x100010 RDTSC tsc=0x1000
E=5 rip=0x100020 RDTSCP tsc=0x900 aux=0x1
frame 1
E=7 rip=0x100030 RDRAND size=8 cf=1 value=0xdeadbeefcafef00d
E=7 rip=0x100030 RDSEED size=4 cf=0 value=0x0
E=7 rip=0x100040 async regs=0x0,0x1,0x2,0x3,0x4,0x5,0x6,0x7,0x8,0x9,0xa,0xb,0xc,0xd,0xe,0xf,0x246 state=0x5eed memory=0xfeed branches=10 INTERRUPT vector=0x20
E=9 rip=0xffffffff81000000 branches=12 CLOCK ns=1000000
E=10 rip=0x1000 IO_IN port=0x61 size=1 value=0x20
E=11 rip=0x1000 MMIO_IN gpa=0xfee00030 size=4 value=0x50014
E=12 rip=0x1000 SERIAL_IN byte=0x41
E=12 rip=0x1000 CLOCK ns=2500000000
E=12 rip=0x1000 DIGEST memory=0x1 pages=0
E=12 rip=0x1000 END how=0 code=3
EOF

# no END, no CLOCK: guest time from the TSC; and an entry the writer would
# encode differently (an extra body byte) kept as raw bytes
cat >"$work/cut.txt" <<'EOF'
header magic=USTDYLOG tsc_hz=1000
E=1 rip=0x10 RDTSC tsc=0x5 raw=010120020aff
E=2 rip=0x10 RDTSC tsc=0x7d0
EOF

cat >"$work/trace.txt" <<'EOF'
header magic=USTDYTRC flags=0x4 ram_size=0x2000000 backend=svm
E=1 rip=0x100004 T_EXIT reason=10 code=0x72
E=1 rip=0x100010 async regs=0x9a8b,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x2 state=0x1 memory=0x2 T_INSN len=3 bytes=0f01d9
E=2 rip=0x100020 T_IO in=1 port=0x3f8 size=1 value=0x41
E=3 rip=0x100030 T_PT_WRITE gpa=0x5000
E=3 rip=0x100030 END how=1 code=0
EOF

# version 6's coded contents at their largest: a raw page (4097 bytes) and
# an LZ4 block of FPU registers
{
	echo "header magic=USTDYLOG ram_size=0x2000000 backend=svm"
	echo "E=4 rip=0x100050 WINDOW_PAGE_CODED page=0x1fff len=4097 bytes=01$(printf '%08192d' 0 | tr 0 a)"
	echo "E=4 rip=0x100050 FPU_STATE_LZ4 len=512 lz4len=6 bytes=1f0001004f00"
	echo "E=4 rip=0x100050 async regs=0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x2 state=0x1 memory=0x2 CLOCK ns=5"
} >"$work/coded.txt"

# the same log as full.txt but for one value at landmark 10
sed 's/^E=10 rip=0x1000 IO_IN port=0x61 size=1 value=0x20$/E=10 rip=0x1000 IO_IN port=0x61 size=1 value=0x21/' \
	"$work/full.txt" >"$work/altered.txt"
# ... with one entry less at the end, and with another RAM size
grep -v ' END ' "$work/full.txt" >"$work/short.txt"
sed 's/ram_size=0x8000000/ram_size=0x4000000/' "$work/full.txt" >"$work/ram.txt"

for t in full cut trace coded altered short ram; do
	hv_case "assemble_$t" 0 "$hvlog" assemble "$work/$t.txt" "$work/$t.log" --
done

# --- print and assemble ---------------------------------------------------------

for t in full cut trace coded; do
	hv_case "print_$t" 0 "$hvlog" print "$work/$t.log" -- '^header magic=USTDY' '^frame 0 entries'
	"$hvlog" print "$work/$t.log" >"$work/$t.printed" 2>/dev/null || true
	"$hvlog" assemble "$work/$t.printed" "$work/$t.again" 2>/dev/null || true
	same "round_trip_$t" "$work/$t.log" "$work/$t.again"
done
hv_case print_fields 0 "$hvlog" print "$work/full.log" -- \
	'^frame 0 entries 5 bytes [0-9]+$' '^frame 1 entries 10 bytes [0-9]+$' \
	'^E=0 rip=0x100000 DIGEST rip=0x100000 rflags=0x2 rax=0x1 rcx=0x0 .* efer=0x0 memory=0xabcdef pages=3$' \
	'^E=0 rip=0x100000 DIGEST_PAGES n=2 0x0=0x11111111 0x5=0x22222222$' \
	'^E=7 rip=0x100040 async regs=0x0,0x1,0x2,0x3,0x4,0x5,0x6,0x7,0x8,0x9,0xa,0xb,0xc,0xd,0xe,0xf,0x246 state=0x5eed memory=0xfeed branches=10 INTERRUPT vector=0x20$' \
	'^E=12 rip=0x1000 END how=0 code=3$'
hv_case print_raw 0 "$hvlog" print "$work/cut.log" -- '^E=1 rip=0x10 RDTSC tsc=0x5 raw=010120020aff$' \
	'^E=2 rip=0x10 RDTSC tsc=0x7d0$'
hv_case print_trace_fields 0 "$hvlog" print "$work/trace.log" -- '^header magic=USTDYTRC' \
	'^E=1 rip=0x100010 async regs=0x9a8b,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x0,0x2 state=0x1 memory=0x2 T_INSN len=3 bytes=0f01d9$'

# text that is wrong is refused with its line number
printf 'header\nE=5 rip=0 RDTSC tsc=1\nE=4 rip=0 RDTSC tsc=1\n' >"$work/backwards.txt"
hv_case assemble_backwards 1 "$hvlog" assemble "$work/backwards.txt" "$work/x.log" -- \
	'backwards.txt:3: landmark E=4 is less than the previous entry.s 5'
printf 'header\nE=0 rip=0 RDTSC tsc=1 color=blue\n' >"$work/unknown.txt"
hv_case assemble_unknown_field 1 "$hvlog" assemble "$work/unknown.txt" "$work/x.log" -- \
	"unknown.txt:2: unknown field 'color' for RDTSC"
printf 'header\nE=1 rip=0 RDTSC tsc=0x5 raw=010000020aff\n' >"$work/badraw.txt"
hv_case assemble_raw_mismatch 1 "$hvlog" assemble "$work/badraw.txt" "$work/x.log" -- \
	'badraw.txt:2: raw= bytes differ from the fields' '^  E: 0 vs 1$'
printf 'E=0 rip=0 RDTSC tsc=1\n' >"$work/noheader.txt"
hv_case assemble_no_header 1 "$hvlog" assemble "$work/noheader.txt" "$work/x.log" -- \
	'noheader.txt:1: the first line must be the header'

# --- summary ---------------------------------------------------------------------

hv_case summary_full 0 "$hvlog" summary "$work/full.log" -- \
	'^format: log \(USTDYLOG\), header 112 bytes' '^frames: 2$' '^entries: 15$' \
	'^log bytes: [0-9]+ \([0-9.]+ per entry\)$' \
	'^RDTSC +1 +6 +6\.00$' '^DIGEST_PAGES +2 +[0-9]+ +[0-9.]+$' '^CLOCK +2 ' \
	'^guest time: 2\.500000000 s \(last CLOCK\)$' '^entries per second: 6\.00$' \
	'^end: END \(how 0, code 3\)$'
hv_case summary_truncated 0 "$hvlog" summary "$work/cut.log" -- \
	'^entries: 2$' '^guest time: 2\.000000000 s \(last TSC / tsc_hz\)$' \
	'^entries per second: 1\.00$' '^end: truncated \(no END entry\)$'
hv_case summary_trace 0 "$hvlog" summary "$work/trace.log" -- '^format: trace \(USTDYTRC\)' \
	'^T_INSN +1 ' '^guest time: unknown' '^end: END \(how 1, code 0\)$'

# --- compare -------------------------------------------------------------------

hv_case compare_identical 0 "$hvlog" compare "$work/full.log" "$work/full.again" -- \
	'^identical \(15 entries\)$'
hv_case compare_altered 1 "$hvlog" compare "$work/full.log" "$work/altered.log" -- \
	'^first difference at entry 9 \(frame 1 of A\): A has E=10 rip=0x1000 IO_IN, B has E=10 rip=0x1000 IO_IN$' \
	'^  value: 0x20 vs 0x21$' '!^  port'
hv_case compare_shorter 1 "$hvlog" compare "$work/full.log" "$work/short.log" -- \
	'^first difference at entry 14: B ends, A has E=12 rip=0x1000 END$'
hv_case compare_header 1 "$hvlog" compare "$work/full.log" "$work/ram.log" -- \
	'^headers differ' '^  ram_size: 0x8000000 vs 0x4000000$'
hv_case compare_trace 1 "$hvlog" compare "$work/full.log" "$work/trace.log" -- '^  magic: USTDYLOG vs USTDYTRC$'

# --- truncated and corrupted files ------------------------------------------------

# frame 1 starts after the 112-byte header and frame 0 (24 + its payload)
len0=$(sed -n 's/^frame 0 entries [0-9]* bytes \([0-9]*\)$/\1/p' "$work/full.printed")
frame1=$((112 + 24 + len0))
size=$(stat -c %s "$work/full.log")

head -c $((size - 3)) "$work/full.log" >"$work/truncated.log"
for cmd in print summary; do
	hv_case "${cmd}_truncated_file" 1 "$hvlog" $cmd "$work/truncated.log" -- \
		"truncated.log: frame 1 at offset $frame1: frame truncated"
done
hv_case compare_truncated_file 1 "$hvlog" compare "$work/full.log" "$work/truncated.log" -- \
	"truncated.log: frame 1 at offset $frame1: frame truncated"
head -c $((frame1 + 10)) "$work/full.log" >"$work/cut_header.log"
hv_case print_cut_frame_header 1 "$hvlog" print "$work/cut_header.log" -- \
	"frame 1 at offset $frame1: frame truncated: header needs 24 bytes, 10 left"

cp "$work/full.log" "$work/payload.log"
poke "$work/payload.log" $((frame1 + 30))
for cmd in print summary; do
	hv_case "${cmd}_corrupted_payload" 1 "$hvlog" $cmd "$work/payload.log" -- \
		"payload.log: frame 1 at offset $frame1: frame checksum mismatch"
done
hv_case compare_corrupted_payload 1 "$hvlog" compare "$work/payload.log" "$work/full.log" -- \
	"payload.log: frame 1 at offset $frame1: frame checksum mismatch"

cp "$work/full.log" "$work/seq.log"
poke "$work/seq.log" $((frame1 + 8))
hv_case print_bad_sequence 1 "$hvlog" print "$work/seq.log" -- \
	"frame 1 at offset $frame1: frame sequence number [0-9]+, expected 1"

cp "$work/full.log" "$work/header.log"
poke "$work/header.log" 40
hv_case print_corrupted_header 1 "$hvlog" print "$work/header.log" -- \
	'header.log: header at offset 0: header checksum mismatch'
printf 'not a log at all' >"$work/text.log"
hv_case summary_not_a_log 1 "$hvlog" summary "$work/text.log" -- 'bad header magic'

# --- snapshots (docs/snapshot-format.md) --------------------------------------------
# A small guest's snapshot as the writer writes it (the fuzzer's seeds, from
# test/unit/snap_builder.h by `make fuzz-seeds`): printed and verified, then
# truncated and corrupted copies refused with the section and its offset.

snap=$root/test/fuzz/corpus/snapshot/small_guest
hv_case snapshot_verified 0 "$hvlog" snapshot "$snap" -- \
	'^header magic=USTDYSNP version=1 flags=0x0 kernel_hash=0x1111222233334444 ' \
	'^section VCPU offset=104 version=1 flags=0x1 \(mandatory\) length=[0-9]+ ' \
	' rip=0xffffffff81000000 ' '^  name=uart0 device_version=1$' \
	'^  landmark=987654 device_time_ns=5000000000$' '^  pages=48 raw=6/[0-9]+B lz4=42/[0-9]+B$' \
	'^  sections=5 pages=48 chain=0x' '^verified: 5 sections, 48 pages '
hv_case snapshot_many_sections 0 "$hvlog" snapshot "$root/test/fuzz/corpus/snapshot/small_guest_many_sections" -- \
	'^verified: [0-9]+ sections, 48 pages ' '!^verified: 5 sections'

"$hvlog" snapshot "$snap" >"$work/snap.printed" 2>&1 || true
end_off=$(sed -n 's/^section END offset=\([0-9]*\) .*/\1/p' "$work/snap.printed")
mem_off=$(sed -n 's/^section MEMORY offset=\([0-9]*\) .*/\1/p' "$work/snap.printed")
snap_size=$(stat -c %s "$snap")

head -c $((snap_size - 3)) "$snap" >"$work/snap_truncated"
hv_case snapshot_truncated 1 "$hvlog" snapshot "$work/snap_truncated" -- \
	"snapshot refused: section 5 \(END\) at offset $end_off: truncated \(payload cut short\)" '!^verified'
head -c "$end_off" "$snap" >"$work/snap_no_end"
hv_case snapshot_no_end 1 "$hvlog" snapshot "$work/snap_no_end" -- \
	'snapshot refused: truncated: no END section after section 5$'
cp "$snap" "$work/snap_corrupted"
poke "$work/snap_corrupted" $((mem_off + 1000))
hv_case snapshot_corrupted_memory 1 "$hvlog" snapshot "$work/snap_corrupted" -- \
	"snapshot refused: section 4 \(MEMORY\) at offset $mem_off: checksum mismatch" '!^verified'
cp "$snap" "$work/snap_header"
poke "$work/snap_header" 20
hv_case snapshot_corrupted_header 1 "$hvlog" snapshot "$work/snap_header" -- \
	'snapshot refused: header checksum mismatch'
hv_case snapshot_not_a_snapshot 1 "$hvlog" snapshot "$work/full.log" -- \
	'snapshot refused: not a snapshot \(bad magic\)'

hv_case usage 2 "$hvlog" frobnicate -- '^usage: hvlog print FILE'
hv_case usage_args 2 "$hvlog" compare "$work/full.log" -- '^usage:'
