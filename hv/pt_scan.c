/*
 * Guest paging-structure scan (see pt_scan.h). Intel SDM Vol 3A, chapter 4:
 * 4.3 "32-Bit Paging", 4.4 "PAE Paging", 4.5 "4-Level Paging and 5-Level
 * Paging". Which entries reference a table, map a page or have reserved
 * bits follows hv/guest_walk.c, whose helpers are private to it.
 */
#include "hv/pt_scan.h"

#include <string.h>

#include "arch/x86/regs.h"
#include "compiler.h"
#include "errno.h"

#define ADDR_BITS_MIN 32       /* phys_bits range the walker accepts */
/* Entries are read this many bytes at a time (a chunk never crosses a page). */
#define CHUNK_SIZE 64
/* Fibonacci hashing of the visited set's keys: 2^64 / golden ratio. */
#define HASH_MUL 0x9E3779B97F4A7C15ULL

STATIC_ASSERT(PT_SCAN_MAX_TABLES < PT_SCAN_SLOTS, "the visited set needs an empty slot");
STATIC_ASSERT(PT_LEVEL_PML5 < PAGE_SIZE_4K, "a set key is page | level");

union chunk {
	u32 e32[CHUNK_SIZE / PT_L32_ENTRY_SIZE];
	u64 e64[CHUNK_SIZE / PT_L64_ENTRY_SIZE];
};

/* State of one pt_scan or pt_scan_children. */
struct scan {
	const struct gw_cpu *cpu;
	enum gw_mode mode;
	u64 phys_mask;   /* address bits M-1:12 of an 8-byte entry */
	u64 rsvd_common; /* reserved in every PAE/4-level PDE and below */
	pt_scan_visit_fn visit;
	void *ctx;
	struct pt_scan_stats *stats;
	/* pt_scan only (NULL set: report children without descending) */
	struct pt_scan_scratch *set;
	unsigned set_count;
	unsigned max_visits;
};

enum entry_kind {
	ENTRY_NOT_PRESENT,
	ENTRY_RESERVED, /* the walker would fault with RSVD */
	ENTRY_PAGE,     /* a large page */
	ENTRY_TABLE,    /* references a table of the next level down */
};

/* Bits hi..lo set (hi >= lo, both < 64); empty when hi < lo. */
/* Bits hi..lo set (hi >= lo, both < 64); empty when hi < lo. */
static u64 genmask(unsigned hi, unsigned lo)
{
	if (hi < lo)
		return 0;
	return (~0ULL >> (63 - hi)) & ~(BIT(lo) - 1);
}

/* The level of the table CR3 points to. */
static unsigned top_level(enum gw_mode mode)
{
	switch (mode) {
	case GW_MODE_32BIT:
		return PT_LEVEL_PD;
	case GW_MODE_PAE:
		return PT_LEVEL_PDPT;
	case GW_MODE_4LEVEL:
		return PT_LEVEL_PML4;
	case GW_MODE_5LEVEL:
		return PT_LEVEL_PML5;
	default:
		return 0;
	}
}

static unsigned entry_size(const struct scan *s)
{
	return s->mode == GW_MODE_32BIT ? PT_L32_ENTRY_SIZE : PT_L64_ENTRY_SIZE;
}

/* Bytes of entries in a table at level: a page, but 32 for the PAE PDPT. */
static unsigned table_bytes(const struct scan *s, unsigned level)
{
	if (s->mode == GW_MODE_32BIT)
		return PT_L32_ENTRIES * PT_L32_ENTRY_SIZE;
	if (s->mode == GW_MODE_PAE && level == PT_LEVEL_PDPT)
		return PT_PAE_PDPTES * PT_L64_ENTRY_SIZE;
	return PT_L64_ENTRIES * PT_L64_ENTRY_SIZE;
}

/* Where the entries of the CR3 table start (4.3, 4.4, 4.5). */
static u64 root_table(const struct scan *s)
{
	switch (s->mode) {
	case GW_MODE_32BIT:
		return s->cpu->cr3 & PT_L32_ADDR_MASK;
	case GW_MODE_PAE:
		return s->cpu->cr3 & PT_PAE_CR3_MASK;
	default:
		return s->cpu->cr3 & s->phys_mask;
	}
}

/* Reserved bits of a 4-MiB PDE: 21:(M-19), with M capped at 40 (4.3). */
static u64 pse_rsvd(const struct gw_cpu *cpu)
{
	unsigned m = MIN(cpu->phys_bits, (u8)PT_L32_PSE36_MAX_BITS);

	return genmask(PT_L32_4M_RSVD_TOP, m - 19);
}

/* Whether an 8-byte PDE or PDPTE maps a page (4.4, 4.5; not the PAE PDPTE). */
static bool is_large(unsigned level, u64 entry)
{
	return level <= PT_LEVEL_PDPT && (entry & PTE_PS);
}

/* Reserved bits of an 8-byte PDE/PDPTE/PML4E/PML5E (Tables 4-9 ff., 4-15
 * ff.): PS is reserved above the PDPTE, and a large page's address bits
 * below its size (except PAT, bit 12) are reserved. */
static u64 entry_rsvd(const struct scan *s, unsigned level, u64 entry)
{
	u64 rsvd = s->rsvd_common;

	if (level >= PT_LEVEL_PML4)
		rsvd |= PTE_PS;
	else if (is_large(level, entry))
		rsvd |= genmask(PAGE_SHIFT_4K + PT_L64_INDEX_BITS * (level - 1) - 1, PT_LARGE_RSVD_LOW);
	return rsvd;
}

/* What a (level >= 2) entry is; *child is the table it references. */
static enum entry_kind classify(const struct scan *s, unsigned level, u64 entry, u64 *child)
{
	if (!(entry & PTE_P))
		return ENTRY_NOT_PRESENT;
	switch (s->mode) {
	case GW_MODE_32BIT: /* PS counts with CR4.PSE only; a PT's address has no PSE-36 bits */
		if ((entry & PTE_PS) && (s->cpu->cr4 & CR4_PSE))
			return (entry & pse_rsvd(s->cpu)) ? ENTRY_RESERVED : ENTRY_PAGE;
		*child = entry & PT_L32_ADDR_MASK;
		return ENTRY_TABLE;
	case GW_MODE_PAE:
		if (level == PT_LEVEL_PDPT) {
			if (entry & (PT_PAE_PDPTE_RSVD | genmask(63, s->cpu->phys_bits)))
				return ENTRY_RESERVED;
			*child = entry & s->phys_mask;
			return ENTRY_TABLE;
		}
		break;
	default:
		break;
	}
	if (entry & entry_rsvd(s, level, entry))
		return ENTRY_RESERVED;
	if (is_large(level, entry))
		return ENTRY_PAGE;
	*child = entry & s->phys_mask;
	return ENTRY_TABLE;
}

/* Reads len bytes of entries at gpa (never crossing a page) and counts them. */
static int read_chunk(struct scan *s, u64 gpa, union chunk *buf, unsigned len)
{
	int err = s->cpu->read(s->cpu->ctx, gpa, buf, len);

	if (!err)
		s->stats->entries_read += len / entry_size(s);
	return err;
}

/* The visited set's slot holding key, or the empty slot where it belongs.
 * Ends: the set is never full (PT_SCAN_MAX_TABLES < PT_SCAN_SLOTS). */
static u64 *set_slot(struct pt_scan_scratch *set, u64 key)
{
	u32 i = (u32)((key * HASH_MUL) >> (64 - PT_SCAN_SLOTS_SHIFT));

	while (set->seen[i] && set->seen[i] != key)
		i = (i + 1) & (PT_SCAN_SLOTS - 1);
	return &set->seen[i];
}

static int scan_table(struct scan *s, u64 table, unsigned level);

/*
 * Goes through the entries of the table whose entries start at table (its
 * first chunk already in buf when loaded), handling each child table: a
 * scan descends into it, pt_scan_children reports it. The recursion is
 * bounded: the level drops by one per call, so it is at most five deep.
 */
static int scan_entries(struct scan *s, u64 table, unsigned level, union chunk *buf, bool loaded)
{
	unsigned size = entry_size(s), bytes = table_bytes(s, level);

	for (unsigned off = 0; off < bytes; off += CHUNK_SIZE) {
		unsigned len = MIN(bytes - off, (unsigned)CHUNK_SIZE);
		int err;

		if (off > 0 || !loaded) {
			err = read_chunk(s, table + off, buf, len);
			if (err && s->set) {
				/* page-granular RAM makes this unreachable once
				 * the first chunk was read; count it all the same */
				s->stats->unreadable++;
				return 0;
			}
			if (err)
				return err;
		}
		for (unsigned i = 0; i < len / size; i++) {
			u64 entry = size == PT_L32_ENTRY_SIZE ? buf->e32[i] : buf->e64[i];
			u64 child = 0;

			switch (classify(s, level, entry, &child)) {
			case ENTRY_RESERVED:
				s->stats->reserved_skipped++;
				break;
			case ENTRY_TABLE:
				if (s->set) {
					err = scan_table(s, child, level - 1);
				} else {
					s->stats->tables++;
					err = s->visit(s->ctx, child, (int)level - 1);
				}
				if (err)
					return err;
				break;
			default:
				break;
			}
		}
	}
	return 0;
}

/*
 * Visits the table whose entries start at table, used at level, unless its
 * (page, level) was met before, then descends into its children. It reads
 * first (a PT only its first entry) so that tables outside guest RAM are
 * counted instead of visited.
 */
static int scan_table(struct scan *s, u64 table, unsigned level)
{
	u64 page = ALIGN_DOWN(table, PAGE_SIZE_4K);
	u64 *slot = set_slot(s->set, page | level);
	unsigned probe = level == PT_LEVEL_PT ? entry_size(s)
					       : MIN(table_bytes(s, level), (unsigned)CHUNK_SIZE);
	union chunk buf;
	bool readable;
	int err;

	if (*slot)
		return 0; /* met before at this level */
	readable = read_chunk(s, table, &buf, probe) == 0;
	if (s->set_count == PT_SCAN_MAX_TABLES)
		return -E2BIG;
	*slot = page | level;
	s->set_count++;
	if (!readable) {
		s->stats->unreadable++;
		return 0;
	}
	if (s->stats->tables == s->max_visits)
		return -E2BIG;
	s->stats->tables++;
	err = s->visit(s->ctx, page, (int)level);
	if (err)
		return err;
	if (level == PT_LEVEL_PT)
		return 0; /* its entries map pages */
	return scan_entries(s, table, level, &buf, true);
}

/* Checks the arguments and sets up the masks from MAXPHYADDR and EFER.NXE
 * (as the walker does). */
static int scan_init(struct scan *s, const struct gw_cpu *cpu, pt_scan_visit_fn visit,
		     void *ctx, struct pt_scan_stats *stats)
{
	unsigned rsvd_top;

	*s = (struct scan){ .cpu = cpu, .visit = visit, .ctx = ctx, .stats = stats };
	if (!cpu->read || !visit || cpu->phys_bits < ADDR_BITS_MIN ||
	    cpu->phys_bits > PT_ADDR_BITS_MAX)
		return -EINVAL;
	s->mode = gw_paging_mode(cpu);
	rsvd_top = s->mode == GW_MODE_PAE ? PT_PAE_RSVD_TOP : PT_LONG_RSVD_TOP;
	s->phys_mask = genmask(cpu->phys_bits - 1, PAGE_SHIFT_4K);
	s->rsvd_common = genmask(rsvd_top, cpu->phys_bits);
	if (!(cpu->efer & EFER_NXE))
		s->rsvd_common |= PTE_NX;
	return 0;
}

int pt_scan(const struct gw_cpu *cpu, struct pt_scan_scratch *scratch, unsigned max_tables,
	    pt_scan_visit_fn visit, void *ctx, struct pt_scan_stats *stats)
{
	struct pt_scan_stats unused;
	struct scan s;
	int err;

	if (!stats)
		stats = &unused;
	memset(stats, 0, sizeof(*stats));
	if (!scratch)
		return -EINVAL;
	err = scan_init(&s, cpu, visit, ctx, stats);
	if (err)
		return err;
	if (s.mode == GW_MODE_NONE)
		return 0;
	memset(scratch, 0, sizeof(*scratch));
	s.set = scratch;
	s.max_visits = max_tables;
	err = scan_table(&s, root_table(&s), top_level(s.mode));
	return err ? err : (int)stats->tables;
}

int pt_scan_children(const struct gw_cpu *cpu, u64 table_gpa, int level,
		     pt_scan_visit_fn visit, void *ctx)
{
	struct pt_scan_stats stats = { 0 };
	u64 table = ALIGN_DOWN(table_gpa, PAGE_SIZE_4K);
	union chunk buf;
	struct scan s;
	int err;

	err = scan_init(&s, cpu, visit, ctx, &stats);
	if (err)
		return err;
	if (s.mode == GW_MODE_NONE)
		return 0;
	if (level < PT_LEVEL_PD || level > (int)top_level(s.mode))
		return -EINVAL;
	if (s.mode == GW_MODE_PAE && level == PT_LEVEL_PDPT) {
		/* The CPU loads the PDPTEs at CR3 writes (4.4.1 "PDPTE
		 * Registers"): after a write to their page the caller sees
		 * what the next CR3 load will use. */
		if (ALIGN_DOWN(root_table(&s), PAGE_SIZE_4K) != table)
			return -EINVAL;
		table = root_table(&s);
	}
	err = scan_entries(&s, table, (unsigned)level, &buf, false);
	return err ? err : (int)stats.tables;
}
