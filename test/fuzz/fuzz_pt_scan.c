// sources: hv/pt_scan.c hv/guest_walk.c
/*
 * Fuzzes hv/pt_scan.c. Input: a 48-byte header of control registers and
 * scan parameters, then 10-byte records that write a 64-bit value into a
 * zeroed 64 KiB "guest RAM" (reads past it fail as reads outside guest RAM
 * do), so that a few records make a page-table tree.
 *   0 cr0 (u32)   4 cr4 (u32)   8 efer (u32)   12 phys_bits (u8, 32 + n % 21)
 *  13 pt_scan_children level (s8)   14 max_tables (u16, 0xFFFF: no limit)
 *  16 cr3 (u64)  24 pt_scan_children table (u64)  32 linear address (u64)
 *  40 the visit that aborts (u16, 0: none)   42 unused (6 bytes)
 *  48 records: offset / 4 in RAM (u16, modulo the RAM), value (u64)
 * Checks: the visits stay within the bounds, each (page, level) once, and
 * the read count is bounded (termination); a complete scan visits exactly
 * the closure of CR3's table under pt_scan_children, counts what lies
 * outside RAM, and covers every table the walker reads.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "errno.h"
#include "hv/pt_scan.h"

#define HEADER_SIZE 48
#define RECORD_SIZE 10
#define RAM_PAGES 16
#define RAM_SIZE (RAM_PAGES * KiB(4))
#define ERR_OUTSIDE (-ERANGE)
#define ABORT_VALUE 1000000 /* what the aborting visit returns */
#define LEVELS 6            /* levels 1..5 index bitmaps directly */
#define CHUNKS_PER_TABLE (KiB(4) / 64)
#define MAX_OUTSIDE (RAM_PAGES * (LEVELS - 1) * 1024) /* children outside RAM */

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

struct pair {
	u64 gpa;
	int level;
};

static u8 ram[RAM_SIZE];
static unsigned long reads;
static struct pt_scan_scratch scratch;

/* what the visit callback records */
static struct pair visits[PT_SCAN_MAX_TABLES + 1024];
static unsigned nvisits;
static unsigned visit_limit; /* visits the call may make at most */
static unsigned abort_after;

/* the reference closure */
static bool in_scan[RAM_PAGES][LEVELS], in_closure[RAM_PAGES][LEVELS];
static struct pair outside[MAX_OUTSIDE];
static unsigned noutside;

static int ram_read(void *ctx, u64 gpa, void *dst, size_t len)
{
	CHECK(len > 0 && len <= 64 && gpa / KiB(4) == (gpa + len - 1) / KiB(4));
	reads++;
	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return ERR_OUTSIDE;
	memcpy(dst, ram + gpa, len);
	return 0;
}

static int record(void *ctx, u64 gpa, int level)
{
	CHECK(nvisits < visit_limit);
	visits[nvisits++] = (struct pair){ gpa, level };
	return abort_after && nvisits == abort_after ? ABORT_VALUE : 0;
}

static u64 get(const u8 *p, size_t n)
{
	u64 v = 0;

	memcpy(&v, p, n);
	return v;
}

static int top_level(enum gw_mode mode)
{
	static const int top[] = { [GW_MODE_NONE] = 0, [GW_MODE_32BIT] = 2, [GW_MODE_PAE] = 3,
				   [GW_MODE_4LEVEL] = 4, [GW_MODE_5LEVEL] = 5 };

	return top[mode];
}

/* The page CR3 selects (4.3, 4.4, 4.5). */
static u64 root_page(const struct gw_cpu *cpu, enum gw_mode mode)
{
	if (mode == GW_MODE_32BIT || mode == GW_MODE_PAE)
		return cpu->cr3 & 0xFFFFF000ULL;
	return cpu->cr3 & (BIT(cpu->phys_bits) - 1) & ~0xFFFULL;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->gpa != y->gpa)
		return x->gpa < y->gpa ? -1 : 1;
	return (x->level > y->level) - (x->level < y->level);
}

/* Each visit once, of a page in RAM, at a level of the mode. */
static void check_visits(int top)
{
	memset(in_scan, 0, sizeof(in_scan));
	for (unsigned i = 0; i < nvisits; i++) {
		u64 gpa = visits[i].gpa;
		int level = visits[i].level;

		CHECK(gpa % KiB(4) == 0 && gpa < RAM_SIZE && level >= 1 && level <= top);
		CHECK(!in_scan[gpa / KiB(4)][level]);
		in_scan[gpa / KiB(4)][level] = true;
	}
}

/* The closure of the root under pt_scan_children must be the scan; the
 * distinct children outside RAM are what it counted as unreadable. */
static void check_closure(const struct gw_cpu *cpu, int top, const struct pt_scan_stats *st)
{
	struct pair work[RAM_PAGES * LEVELS];
	unsigned nwork = 0, distinct = 0;
	u64 root = root_page(cpu, gw_paging_mode(cpu));

	memset(in_closure, 0, sizeof(in_closure));
	noutside = 0;
	if (root >= RAM_SIZE) {
		outside[noutside++] = (struct pair){ root, top };
	} else {
		in_closure[root / KiB(4)][top] = true;
		work[nwork++] = (struct pair){ root, top };
	}
	while (nwork) {
		struct pair t = work[--nwork];

		if (t.level < 2)
			continue;
		nvisits = 0;
		visit_limit = 1024;
		abort_after = 0;
		CHECK(pt_scan_children(cpu, t.gpa, t.level, record, NULL) == (int)nvisits);
		for (unsigned i = 0; i < nvisits; i++) {
			struct pair c = visits[i];

			CHECK(c.level == t.level - 1 && c.gpa % KiB(4) == 0);
			if (c.gpa >= RAM_SIZE) {
				CHECK(noutside < MAX_OUTSIDE);
				outside[noutside++] = c;
			} else if (!in_closure[c.gpa / KiB(4)][c.level]) {
				in_closure[c.gpa / KiB(4)][c.level] = true;
				work[nwork++] = c;
			}
		}
	}
	CHECK(memcmp(in_closure, in_scan, sizeof(in_scan)) == 0);
	qsort(outside, noutside, sizeof(*outside), cmp_pair);
	for (unsigned i = 0; i < noutside; i++)
		distinct += i == 0 || cmp_pair(&outside[i - 1], &outside[i]) != 0;
	CHECK(st->unreadable == distinct);
}

/* Every paging-structure page a translation reads was visited. */
static void check_walks(const struct gw_cpu *cpu, u64 la)
{
	for (unsigned i = 0; i < 8; i++) {
		u64 addr = i ? (la << (9 * i)) | (la >> (64 - 9 * i)) : la;
		struct gw_result r;
		bool any;

		gw_translate(cpu, addr, 0, &r);
		for (unsigned t = 0; t < r.table_count; t++) {
			CHECK(r.tables[t] < RAM_SIZE);
			any = false;
			for (int level = 1; level < LEVELS; level++)
				any |= in_scan[r.tables[t] / KiB(4)][level];
			CHECK(any);
		}
	}
}

static void fuzz_scan(const struct gw_cpu *cpu, unsigned max_tables, u64 la)
{
	enum gw_mode mode = gw_paging_mode(cpu);
	int top = top_level(mode);
	struct pt_scan_stats st;
	int ret;

	nvisits = 0;
	reads = 0;
	visit_limit = MIN(max_tables, (unsigned)PT_SCAN_MAX_TABLES);
	ret = pt_scan(cpu, &scratch, max_tables, record, NULL, &st);
	/* at most a table's chunks per (page, level), and the probe that found the set full */
	CHECK(reads <= (unsigned long)PT_SCAN_MAX_TABLES * CHUNKS_PER_TABLE + 1);
	CHECK(st.tables == nvisits);
	check_visits(top);
	if (mode == GW_MODE_NONE) {
		CHECK(ret == 0 && nvisits == 0 && reads == 0);
		return;
	}
	if (ret == ABORT_VALUE) {
		CHECK(abort_after && nvisits == abort_after);
		return;
	}
	if (ret == -E2BIG) {
		CHECK(nvisits == max_tables ||
		      nvisits + st.unreadable == (unsigned)PT_SCAN_MAX_TABLES);
		return;
	}
	CHECK(ret >= 0 && (unsigned)ret == nvisits);
	CHECK(!abort_after || nvisits < abort_after);
	check_closure(cpu, top, &st);
	check_walks(cpu, la);
}

static void fuzz_children(const struct gw_cpu *cpu, u64 table, int level)
{
	enum gw_mode mode = gw_paging_mode(cpu);
	int ret;

	nvisits = 0;
	reads = 0;
	visit_limit = 1024;
	abort_after = 0;
	ret = pt_scan_children(cpu, table, level, record, NULL);
	CHECK(reads <= CHUNKS_PER_TABLE);
	if (mode == GW_MODE_NONE) {
		CHECK(ret == 0 && nvisits == 0);
		return;
	}
	if (level < 2 || level > top_level(mode)) {
		CHECK(ret == -EINVAL && nvisits == 0);
		return;
	}
	CHECK(ret == (int)nvisits || ret == ERR_OUTSIDE || ret == -EINVAL);
	CHECK(ret != -EINVAL || (mode == GW_MODE_PAE && level == 3));
	for (unsigned i = 0; i < nvisits; i++)
		CHECK(visits[i].level == level - 1 && visits[i].gpa % KiB(4) == 0);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct gw_cpu cpu = { .read = ram_read };
	unsigned max_tables;
	u64 children_table, la;
	int children_level;

	if (size < HEADER_SIZE)
		return 0;
	cpu.cr0 = get(data, 4);
	cpu.cr4 = get(data + 4, 4);
	cpu.efer = get(data + 8, 4);
	cpu.phys_bits = 32 + data[12] % 21; /* 32..52 */
	children_level = (s8)data[13];
	max_tables = get(data + 14, 2);
	if (max_tables == 0xFFFF)
		max_tables = UINT_MAX;
	cpu.cr3 = get(data + 16, 8);
	children_table = get(data + 24, 8);
	la = get(data + 32, 8);
	abort_after = get(data + 40, 2);

	memset(ram, 0, sizeof(ram));
	for (size_t off = HEADER_SIZE; off + RECORD_SIZE <= size; off += RECORD_SIZE) {
		size_t at = get(data + off, 2) % (RAM_SIZE / 4) * 4;
		u64 value = get(data + off + 2, 8);

		memcpy(ram + at, &value, MIN((size_t)8, RAM_SIZE - at));
	}

	fuzz_scan(&cpu, max_tables, la);
	fuzz_children(&cpu, children_table, children_level);
	return 0;
}
