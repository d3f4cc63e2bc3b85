// sources: arch/x86/stage2.c arch/x86/vmx/ept.c arch/x86/svm/npt.c
/*
 * arch/x86/stage2.c with both entry formats, EPT (arch/x86/vmx/ept.c) and
 * NPT (arch/x86/svm/npt.c): builds guest-physical tables into a pool of
 * host pages with fake physical addresses, then checks the translations
 * through the engine and the raw entries through an independent walk. Every
 * test runs once per format; the entries each format must hold come from
 * the manuals (SDM Vol 3, 29.3.2 "EPT Translation Mechanism", Tables
 * 29-1..29-6; APM Vol 2, 15.25.5 "Nested Table Walk" and 5.4 "Page-
 * Translation-Table Entry Fields").
 */
#include "helpers.h"

#include "arch/x86/regs.h"
#include "arch/x86/stage2.h"
#include "arch/x86/svm/npt.h"
#include "arch/x86/vmx/ept.h"
#include "compiler.h"
#include "errno.h"

#define POOL_PAGES 64
#define POOL_PHYS 0x7E000000000ULL /* fake physical address of pool[0] */
#include "fake_pool.h"

/* EPT entry bits, SDM Vol 3, Tables 29-1..29-6. */
#define EPT_R BIT(0)
#define EPT_W BIT(1)
#define EPT_X BIT(2)
#define EPT_RWX (EPT_R | EPT_W | EPT_X)
#define EPT_MEMTYPE_MASK (7ULL << 3) /* leaf memory type, bits 5:3 */
#define EPT_MEMTYPE_WB (6ULL << 3)
#define EPT_IGNORE_PAT BIT(6)
#define EPT_LARGE BIT(7)               /* PDPTE/PDE: maps a 1 GiB / 2 MiB page */
#define EPT_A BIT(8)
#define EPT_D BIT(9)
#define EPT_TBIT BIT(52)               /* software: bits 62:52 are ignored */

/* NPT entries are long-mode page-table entries (APM Vol 2, 5.4): P, R/W,
 * U/S (every nested walk is a user access, 15.25.5), NX at 63, A and D;
 * the T bit in AVL bit 11. */
#define NPT_TBIT BIT(11)

#define ADDR_MASK 0x000FFFFFFFFFF000ULL /* bits 51:12, both formats */
#define HPA 0x123456789000ULL /* an arbitrary page-aligned host frame */
#define GPA 0x40200000ULL     /* an arbitrary page-aligned guest frame */

/* What the manual says one format's entries hold. */
struct leaf_case {
	u32 prot;
	u64 bits;                   /* the leaf's bits besides the frame and `fixed` */
	u32 seen;                   /* the rights a lookup reports for it */
};

struct s2_format_case {
	const struct stage2_format *fmt;
	u64 fixed;                  /* in every leaf: EPT's memory type, NPT's U/S */
	u64 table_must;             /* rights every non-leaf entry grants */
	u64 table_never;            /* leaf-only or restricting bits a non-leaf entry must not have */
	u64 access;                 /* the bits that grant any access at all */
	u64 tbit, a, d;
	const struct leaf_case *leaves; /* every S2_* combination, encoded */
	unsigned nleaves;
};

/* SDM Vol 3, Tables 29-1..29-6: R, W, X in bits 2:0 (W implies R, write-
 * only being a misconfiguration), write-back memory type, the T bit at 52. */
static const struct leaf_case ept_leaves[] = {
	{ S2_R, EPT_R, S2_R },
	{ S2_W, EPT_R | EPT_W, S2_R | S2_W },
	{ S2_X, EPT_X, S2_X },
	{ S2_R | S2_W, EPT_R | EPT_W, S2_R | S2_W },
	{ S2_R | S2_X, EPT_R | EPT_X, S2_R | S2_X },
	{ S2_W | S2_X, EPT_RWX, S2_RWX },
	{ S2_RWX, EPT_RWX, S2_RWX },
	{ S2_R | S2_TBIT, EPT_R | EPT_TBIT, S2_R | S2_TBIT },
	{ S2_RWX | S2_TBIT, EPT_RWX | EPT_TBIT, S2_RWX | S2_TBIT },
	{ S2_TBIT, EPT_TBIT, S2_TBIT },
};

/* APM Vol 2, 5.4: any right makes the page present (readable; NPT has no
 * execute-only or write-only page), R/W for writes, NX without execute. */
static const struct leaf_case npt_leaves[] = {
	{ S2_R, PTE_P | PTE_NX, S2_R },
	{ S2_W, PTE_P | PTE_W | PTE_NX, S2_R | S2_W },
	{ S2_X, PTE_P, S2_R | S2_X },
	{ S2_R | S2_W, PTE_P | PTE_W | PTE_NX, S2_R | S2_W },
	{ S2_R | S2_X, PTE_P, S2_R | S2_X },
	{ S2_W | S2_X, PTE_P | PTE_W, S2_RWX },
	{ S2_RWX, PTE_P | PTE_W, S2_RWX },
	{ S2_R | S2_TBIT, PTE_P | PTE_NX | NPT_TBIT, S2_R | S2_TBIT },
	{ S2_RWX | S2_TBIT, PTE_P | PTE_W | NPT_TBIT, S2_RWX | S2_TBIT },
	{ S2_TBIT, PTE_NX | NPT_TBIT, S2_TBIT },
};

static const struct s2_format_case ept = {
	.fmt = &ept_format,
	.fixed = EPT_MEMTYPE_WB,
	.table_must = EPT_RWX,
	.table_never = EPT_MEMTYPE_MASK | EPT_IGNORE_PAT | EPT_LARGE,
	.access = EPT_RWX,
	.tbit = EPT_TBIT, .a = EPT_A, .d = EPT_D,
	.leaves = ept_leaves, .nleaves = ARRAY_SIZE(ept_leaves),
};

static const struct s2_format_case npt = {
	.fmt = &npt_format,
	.fixed = PTE_U,
	.table_must = PTE_P | PTE_W | PTE_U,
	.table_never = PTE_PS | PTE_NX,
	.access = PTE_P,
	.tbit = NPT_TBIT, .a = PTE_A, .d = PTE_D,
	.leaves = npt_leaves, .nleaves = ARRAY_SIZE(npt_leaves),
};

static struct stage2 s2;
static const struct s2_format_case *fc; /* the format under test */

/* A fresh, empty set of tables with room for limit table pages in all. */
static void fresh(unsigned limit)
{
	memset(pool, 0xA5, sizeof(pool)); /* stale data the allocator must clear */
	fp.used = 0;
	fp.limit = limit;
	assert_int_equal(stage2_init(&s2, fc->fmt, &fake_alloc), 0);
}

static int setup(void **state)
{
	fc = *state;
	fresh(POOL_PAGES);
	return 0;
}

/* The leaf the manual gives for prot at hpa. */
static u64 expected_leaf(u64 hpa, u32 prot)
{
	for (unsigned i = 0; i < fc->nleaves; i++)
		if (fc->leaves[i].prot == prot)
			return hpa | fc->fixed | fc->leaves[i].bits;
	fail_msg("no expected leaf for prot %#x", prot);
	return 0;
}

/* --- an independent walk over the raw entries --------------------------------- */

static unsigned index_at(u64 gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 511;
}

/* Returns a pointer to gpa's raw leaf entry in the pool, checking on the way
 * that every non-leaf entry points to a table with full rights and sets none
 * of the leaf-only or restricting bits (EPT: memory type, ignore-PAT, large
 * page; NPT: large page, NX). */
static u64 *raw_leaf(u64 gpa)
{
	u64 *table = fake_to_virt(&fp, s2.root);

	for (int level = 4; level > 1; level--) {
		u64 e = table[index_at(gpa, level)];

		if ((e & fc->table_must) != fc->table_must || (e & fc->table_never))
			fail_msg("level %d entry for %#llx is %#llx", level,
				 gpa, e);
		table = fake_to_virt(&fp, e & ADDR_MASK);
	}
	return &table[index_at(gpa, 1)];
}

/* Looks gpa up; fails unless it translates. */
static u64 lookup_ok(u64 gpa, u32 *prot)
{
	u64 hpa = 0;
	int err = stage2_lookup(&s2, gpa, &hpa, prot);

	if (err)
		fail_msg("lookup(%#llx) = %d", gpa, err);
	return hpa;
}

static void assert_no_lookup(u64 gpa)
{
	u64 hpa = 0;
	u32 prot = 0;

	if (stage2_lookup(&s2, gpa, &hpa, &prot) != -ENOENT)
		fail_msg("%#llx translates to %#llx", gpa,
			 hpa);
}

static void map_ok(u64 gpa, u64 hpa, u64 size, u32 prot)
{
	assert_int_equal(stage2_map(&s2, gpa, hpa, size, prot), 0);
}

/* --- tests ------------------------------------------------------------------- */

/* Init takes one zeroed page for the PML4-equivalent; failing that, -ENOMEM. */
static void test_init(void **state)
{
	const u64 *root = fake_to_virt(&fp, s2.root);

	assert_true(s2.root == POOL_PHYS);
	assert_int_equal(s2.table_pages, 1);
	assert_int_equal(fp.used, 1);
	for (unsigned i = 0; i < 512; i++)
		assert_true(root[i] == 0);
	assert_no_lookup(0);

	fp.used = 0;
	fp.limit = 0;
	assert_int_equal(stage2_init(&s2, fc->fmt, &fake_alloc), -ENOMEM);
}

/* A translation keeps the offset within the page and reports the rights. */
static void test_map_then_lookup(void **state)
{
	u32 prot;

	map_ok(GPA, HPA, 3 * PAGE_SIZE_4K, S2_RWX);
	assert_true(lookup_ok(GPA, &prot) == HPA);
	assert_int_equal(prot, S2_RWX);
	assert_true(lookup_ok(GPA + 0x1234, &prot) == HPA + 0x1234);
	assert_true(lookup_ok(GPA + 3 * PAGE_SIZE_4K - 1, &prot) ==
		    HPA + 3 * PAGE_SIZE_4K - 1);
	assert_no_lookup(GPA - 1);
	assert_no_lookup(GPA + 3 * PAGE_SIZE_4K);

	map_ok(GPA + MiB(4), HPA + MiB(4), PAGE_SIZE_4K, S2_R | S2_X | S2_TBIT);
	assert_true(lookup_ok(GPA + MiB(4) + 8, &prot) == HPA + MiB(4) + 8);
	assert_int_equal(prot, S2_R | S2_X | S2_TBIT);
}

/* The leaf sits at the slot each level's 9 index bits select. */
static void test_index_per_level(void **state)
{
	u64 gpa = 3 * BIT(39) + 5 * BIT(30) + 7 * BIT(21) + 9 * BIT(12);
	const u64 *t = fake_to_virt(&fp, s2.root);

	map_ok(gpa, HPA, PAGE_SIZE_4K, S2_R);
	for (int level = 4; level > 1; level--) {
		for (unsigned i = 0; i < 512; i++)
			assert_true((t[i] != 0) == (i == index_at(gpa, level)));
		t = fake_to_virt(&fp, t[index_at(gpa, level)] & ADDR_MASK);
	}
	for (unsigned i = 0; i < 512; i++)
		assert_true((t[i] != 0) == (i == 9));
	assert_true((t[9] & ADDR_MASK) == HPA);
}

/* Each S2_* combination encodes into exactly the leaf bits of the format's
 * table (ept_leaves, npt_leaves), nothing else. */
static void test_leaf_encoding(void **state)
{
	for (unsigned i = 0; i < fc->nleaves; i++) {
		u64 gpa = GPA + i * PAGE_SIZE_4K, hpa = HPA + i * PAGE_SIZE_4K;

		map_ok(gpa, hpa, PAGE_SIZE_4K, fc->leaves[i].prot);
		if (*raw_leaf(gpa) != expected_leaf(hpa, fc->leaves[i].prot))
			fail_msg("prot %#x: entry %#llx", fc->leaves[i].prot,
				 *raw_leaf(gpa));
	}
}

/* A lookup reports the rights the entry really grants: write without read
 * is widened to read-write in both formats, and NPT cannot make a page
 * execute-only (it reads as readable too). */
static void test_rights_reported(void **state)
{
	for (unsigned i = 0; i < fc->nleaves; i++) {
		u64 gpa = GPA + i * PAGE_SIZE_4K;
		u32 prot = 0;

		map_ok(gpa, HPA, PAGE_SIZE_4K, fc->leaves[i].prot);
		lookup_ok(gpa, &prot);
		if (prot != fc->leaves[i].seen)
			fail_msg("mapped with %#x, reported %#x", fc->leaves[i].prot, prot);
	}
}

/* Write without read is widened to read-write, and reported as such. */
static void test_write_implies_read(void **state)
{
	u32 prot;

	map_ok(GPA, HPA, PAGE_SIZE_4K, S2_W);
	lookup_ok(GPA, &prot);
	assert_int_equal(prot, S2_R | S2_W);
}

/* The highest host frame either format can address (bits 51:12) survives
 * intact. */
static void test_high_hpa(void **state)
{
	u64 hpa = ADDR_MASK;
	u32 prot;

	map_ok(GPA, hpa, PAGE_SIZE_4K, S2_R);
	assert_true(lookup_ok(GPA + 0xABC, &prot) == (hpa | 0xABC));
	assert_true(*raw_leaf(GPA) == expected_leaf(hpa, S2_R));
}

/* Unmapping clears the leaves in range only, and frees no tables. */
static void test_unmap(void **state)
{
	u32 prot;

	map_ok(GPA, HPA, 4 * PAGE_SIZE_4K, S2_RWX);
	assert_int_equal(stage2_unmap(&s2, GPA + PAGE_SIZE_4K, 2 * PAGE_SIZE_4K), 0);
	assert_true(lookup_ok(GPA, &prot) == HPA);
	assert_no_lookup(GPA + PAGE_SIZE_4K);
	assert_no_lookup(GPA + 2 * PAGE_SIZE_4K);
	assert_true(lookup_ok(GPA + 3 * PAGE_SIZE_4K, &prot) == HPA + 3 * PAGE_SIZE_4K);
	assert_true(*raw_leaf(GPA + PAGE_SIZE_4K) == 0);
	assert_int_equal(s2.table_pages, 4);
}

/* Unmapping where nothing was ever mapped succeeds without building tables. */
static void test_unmap_unmapped(void **state)
{
	assert_int_equal(stage2_unmap(&s2, GiB(7), MiB(4)), 0);
	assert_int_equal(fp.used, 1);
	assert_int_equal(s2.table_pages, 1);
}

/* Protect rewrites the rights of mapped pages and keeps their frames. */
static void test_protect(void **state)
{
	u32 prot;

	map_ok(GPA, HPA, 2 * PAGE_SIZE_4K, S2_RWX);
	assert_int_equal(stage2_protect(&s2, GPA, 2 * PAGE_SIZE_4K, S2_R | S2_X), 0);
	assert_true(lookup_ok(GPA + 0x10, &prot) == HPA + 0x10);
	assert_int_equal(prot, S2_R | S2_X);
	assert_true(*raw_leaf(GPA + PAGE_SIZE_4K) == expected_leaf(HPA + PAGE_SIZE_4K, S2_R | S2_X));

	assert_int_equal(stage2_protect(&s2, GPA, PAGE_SIZE_4K, S2_W), 0);
	lookup_ok(GPA, &prot);
	assert_int_equal(prot, S2_R | S2_W);
}

/* A region's write right withheld in its directory entry: every leaf
 * keeps its own rights (lookup), no access to the region may write
 * (access), the next region is untouched; given back, writes are allowed
 * again. Unaligned: -EINVAL; no leaf table there: -ENOENT, none built. */
static void test_protect_region(void **state)
{
	u64 hpa;
	u32 prot;

	map_ok(GPA, HPA, 2 * S2_REGION_SIZE, S2_RWX);
	assert_int_equal(stage2_protect_region(&s2, GPA, false), 0);
	lookup_ok(GPA + S2_REGION_SIZE - PAGE_SIZE_4K, &prot);
	assert_int_equal(prot, S2_RWX);
	for (u64 off = 0; off < S2_REGION_SIZE; off += PAGE_SIZE_4K) {
		assert_int_equal(stage2_access(&s2, GPA + off, &hpa, &prot), 0);
		assert_int_equal(prot, S2_R | S2_X);
		assert_true(hpa == HPA + off);
	}
	assert_int_equal(stage2_access(&s2, GPA + S2_REGION_SIZE, &hpa, &prot), 0);
	assert_int_equal(prot, S2_RWX);
	assert_int_equal(stage2_protect_region(&s2, GPA, true), 0);
	assert_int_equal(stage2_access(&s2, GPA + 0x10, &hpa, &prot), 0);
	assert_int_equal(prot, S2_RWX);

	assert_int_equal(stage2_protect_region(&s2, GPA + PAGE_SIZE_4K, false), -EINVAL);
	assert_int_equal(stage2_protect_region(&s2, GiB(9), false), -ENOENT);
	assert_int_equal(stage2_access(&s2, GiB(9), &hpa, &prot), -ENOENT);
	assert_int_equal(s2.table_pages, 5);
}

/* Protect stops with -ENOENT at the first unmapped page: those before it are
 * changed, those after it are not. */
static void test_protect_unmapped(void **state)
{
	u32 prot;

	map_ok(GPA, HPA, 3 * PAGE_SIZE_4K, S2_RWX);
	assert_int_equal(stage2_unmap(&s2, GPA + PAGE_SIZE_4K, PAGE_SIZE_4K), 0);
	assert_int_equal(stage2_protect(&s2, GPA, 3 * PAGE_SIZE_4K, S2_R), -ENOENT);
	lookup_ok(GPA, &prot);
	assert_int_equal(prot, S2_R);
	lookup_ok(GPA + 2 * PAGE_SIZE_4K, &prot);
	assert_int_equal(prot, S2_RWX);
	assert_no_lookup(GPA + PAGE_SIZE_4K);

	/* No tables at all there: still -ENOENT, and none are built. */
	assert_int_equal(stage2_protect(&s2, GiB(9), PAGE_SIZE_4K, S2_R), -ENOENT);
	assert_int_equal(s2.table_pages, 4);
	assert_int_equal(fp.used, 4);
}

/* A traced page protected to no access stays "present" to the engine (it
 * keeps its frame and T bit) while the CPU sees no access right (EPT R=W=X=0,
 * NPT P=0) and faults on any access; it can later be given its rights back. */
static void test_protect_tbit_no_access(void **state)
{
	u32 prot;

	map_ok(GPA, HPA, PAGE_SIZE_4K, S2_RWX);
	assert_int_equal(stage2_protect(&s2, GPA, PAGE_SIZE_4K, S2_TBIT), 0);
	assert_true(lookup_ok(GPA + 0x42, &prot) == HPA + 0x42);
	assert_int_equal(prot, S2_TBIT);
	assert_true((*raw_leaf(GPA) & fc->access) == 0);
	assert_true(*raw_leaf(GPA) & fc->tbit);

	assert_int_equal(stage2_protect(&s2, GPA, PAGE_SIZE_4K, S2_RWX | S2_TBIT), 0);
	assert_true(lookup_ok(GPA, &prot) == HPA);
	assert_int_equal(prot, S2_RWX | S2_TBIT);
}

/* Without the T bit, no rights at all leaves nothing the engine can find. */
static void test_protect_to_nothing(void **state)
{
	map_ok(GPA, HPA, PAGE_SIZE_4K, S2_RWX);
	assert_int_equal(stage2_protect(&s2, GPA, PAGE_SIZE_4K, 0), 0);
	assert_true((*raw_leaf(GPA) & (fc->access | fc->tbit)) == 0);
	assert_no_lookup(GPA);
	assert_int_equal(stage2_protect(&s2, GPA, PAGE_SIZE_4K, S2_R), -ENOENT);
}

/* The CPU sets A and D in the leaf; test_and_clear reports and clears just
 * the ones asked for. */
static void test_test_and_clear(void **state)
{
	u64 *leaf;
	u64 clean;
	u32 prot;

	map_ok(GPA, HPA, PAGE_SIZE_4K, S2_RWX);
	leaf = raw_leaf(GPA);
	clean = *leaf;
	assert_int_equal(stage2_test_and_clear(&s2, GPA, S2_ACCESSED | S2_DIRTY), 0);

	*leaf |= fc->a | fc->d; /* as the processor would on a write */
	lookup_ok(GPA, &prot);
	assert_int_equal(prot, S2_RWX | S2_ACCESSED | S2_DIRTY);

	assert_int_equal(stage2_test_and_clear(&s2, GPA + 0x800, S2_ACCESSED), S2_ACCESSED);
	assert_true(*leaf == (clean | fc->d));
	assert_int_equal(stage2_test_and_clear(&s2, GPA, S2_ACCESSED | S2_DIRTY), S2_DIRTY);
	assert_true(*leaf == clean);
	assert_int_equal(stage2_test_and_clear(&s2, GPA, S2_ACCESSED | S2_DIRTY), 0);

	*leaf |= fc->a | fc->d;
	assert_int_equal(stage2_test_and_clear(&s2, GPA, S2_DIRTY), S2_DIRTY);
	assert_true(*leaf == (clean | fc->a));
	assert_int_equal(stage2_test_and_clear(&s2, GPA, 0), 0);
	assert_true(*leaf == (clean | fc->a));
}

/* test_and_clear needs a present leaf below 2^48. */
static void test_test_and_clear_missing(void **state)
{
	map_ok(0, HPA, PAGE_SIZE_4K, S2_RWX);
	*raw_leaf(0) |= fc->a;
	assert_int_equal(stage2_test_and_clear(&s2, PAGE_SIZE_4K, S2_ACCESSED), -ENOENT);
	assert_int_equal(stage2_test_and_clear(&s2, GiB(3), S2_ACCESSED), -ENOENT);
	assert_int_equal(stage2_test_and_clear(&s2, S2_MAX_GPA, S2_ACCESSED), -ENOENT);
	assert_true(*raw_leaf(0) & fc->a); /* 2^48 did not alias gpa 0 */

	/* A traced, inaccessible page is still there to be tested. */
	assert_int_equal(stage2_protect(&s2, 0, PAGE_SIZE_4K, S2_TBIT), 0);
	*raw_leaf(0) |= fc->a;
	assert_int_equal(stage2_test_and_clear(&s2, 0, S2_ACCESSED), S2_ACCESSED);
}

/* Every entry point rejects unaligned or empty ranges and ranges that do not
 * fit below 2^48, before touching any table. */
static void test_range_errors(void **state)
{
	static const struct {
		u64 gpa, size;
	} bad[] = {
		{ GPA + 1, PAGE_SIZE_4K },
		{ GPA + 0x800, PAGE_SIZE_4K },
		{ GPA, PAGE_SIZE_4K + 1 },
		{ GPA, 0x800 },
		{ GPA, 0 },
		{ S2_MAX_GPA, PAGE_SIZE_4K },
		{ S2_MAX_GPA - PAGE_SIZE_4K, 2 * PAGE_SIZE_4K },
		{ GPA, S2_MAX_GPA },
		{ PAGE_SIZE_4K, ~(PAGE_SIZE_4K - 1) }, /* gpa + size wraps */
		{ ~(PAGE_SIZE_4K - 1), PAGE_SIZE_4K },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		u64 g = bad[i].gpa, n = bad[i].size;

		if (stage2_map(&s2, g, HPA, n, S2_RWX) != -EINVAL ||
		    stage2_unmap(&s2, g, n) != -EINVAL ||
		    stage2_protect(&s2, g, n, S2_R) != -EINVAL)
			fail_msg("range %#llx+%#llx accepted", g,
				 n);
	}
	assert_int_equal(stage2_map(&s2, GPA, HPA + 1, PAGE_SIZE_4K, S2_RWX), -EINVAL);
	assert_int_equal(stage2_map(&s2, GPA, HPA + 0x800, PAGE_SIZE_4K, S2_RWX), -EINVAL);
	assert_int_equal(fp.used, 1);
	assert_int_equal(s2.table_pages, 1);
}

/* The last page below 2^48 is a valid mapping. */
static void test_top_of_space(void **state)
{
	u64 top = S2_MAX_GPA - PAGE_SIZE_4K;
	u32 prot;

	map_ok(top, HPA, PAGE_SIZE_4K, S2_R);
	assert_true(lookup_ok(S2_MAX_GPA - 1, &prot) == HPA + 0xFFF);
	assert_int_equal(stage2_protect(&s2, top, PAGE_SIZE_4K, S2_RWX), 0);
	assert_int_equal(stage2_unmap(&s2, top, PAGE_SIZE_4K), 0);
	assert_no_lookup(top);
}

/* Addresses at or above 2^48 never translate, even where they would alias a
 * mapped page modulo 2^48. */
static void test_lookup_beyond_48_bits(void **state)
{
	map_ok(0, HPA, PAGE_SIZE_4K, S2_RWX);
	map_ok(GPA, HPA, PAGE_SIZE_4K, S2_RWX);
	assert_no_lookup(S2_MAX_GPA);
	assert_no_lookup(S2_MAX_GPA + GPA);
	assert_no_lookup(BIT(63) | GPA);
	assert_no_lookup(~0ULL);
}

/* 64 MiB of 4 KiB pages from gpa 0 takes the root, one PDPT, one PD and one
 * PT per 2 MiB: 35 tables; mapping it again takes none. */
static void test_table_pages_64mib(void **state)
{
	u32 prot;

	map_ok(0, GiB(1), MiB(64), S2_RWX);
	assert_int_equal(s2.table_pages, 1 + 1 + 1 + 32);
	assert_int_equal(fp.used, s2.table_pages);
	for (u64 gpa = 0; gpa < MiB(64); gpa += PAGE_SIZE_4K)
		if (lookup_ok(gpa, &prot) != GiB(1) + gpa)
			fail_msg("%#llx maps elsewhere", gpa);
	assert_no_lookup(MiB(64));

	map_ok(0, GiB(2), MiB(64), S2_R);
	assert_int_equal(s2.table_pages, 35);

	/* A new 1 GiB region adds a PD and a PT, a new 512 GiB one a PDPT too. */
	map_ok(GiB(1), HPA, PAGE_SIZE_4K, S2_R);
	assert_int_equal(s2.table_pages, 37);
	map_ok(GiB(512), HPA, PAGE_SIZE_4K, S2_R);
	assert_int_equal(s2.table_pages, 40);
	assert_int_equal(fp.used, 40);
}

/* Running out of table pages part way fails with -ENOMEM; every table taken
 * is counted, nothing past the failure is mapped, and a retry with room
 * finishes the job using the tables already built. */
static void test_enomem_mid_map(void **state)
{
	u32 prot;

	fresh(4); /* root, PDPT, PD and the first PT: no room for a second PT */
	assert_int_equal(stage2_map(&s2, 0, HPA, MiB(4), S2_RWX), -ENOMEM);
	assert_int_equal(s2.table_pages, 4);
	assert_int_equal(fp.used, 4);
	assert_no_lookup(MiB(2));
	assert_no_lookup(MiB(4) - PAGE_SIZE_4K);

	fp.limit = POOL_PAGES;
	map_ok(0, HPA, MiB(4), S2_RWX);
	assert_int_equal(s2.table_pages, 5);
	assert_true(lookup_ok(MiB(4) - 1, &prot) == HPA + MiB(4) - 1);
}

/* With no room at all, not even the first intermediate table is made. */
static void test_enomem_first_table(void **state)
{
	fresh(1);
	assert_int_equal(stage2_map(&s2, GPA, HPA, PAGE_SIZE_4K, S2_R), -ENOMEM);
	assert_int_equal(s2.table_pages, 1);
	assert_true(((u64 *)fake_to_virt(&fp, s2.root))[index_at(GPA, 4)] == 0);
	assert_no_lookup(GPA);
}

/* Mapping over a mapping replaces frame and rights (and drops A/D). */
static void test_remap_replaces(void **state)
{
	u64 other = HPA + GiB(1);
	u32 prot;

	map_ok(GPA, HPA, 2 * PAGE_SIZE_4K, S2_RWX);
	*raw_leaf(GPA) |= fc->a | fc->d;
	map_ok(GPA, other, PAGE_SIZE_4K, S2_R | S2_TBIT);
	assert_true(lookup_ok(GPA + 4, &prot) == other + 4);
	assert_int_equal(prot, S2_R | S2_TBIT);
	assert_true(*raw_leaf(GPA) == expected_leaf(other, S2_R | S2_TBIT));
	assert_true(lookup_ok(GPA + PAGE_SIZE_4K, &prot) == HPA + PAGE_SIZE_4K);
	assert_int_equal(prot, S2_RWX);
	assert_int_equal(s2.table_pages, 4);
}

#define ON(f, c) { #f " (" #c ")", f, setup, NULL, (void *)&c }
#define BOTH(f) ON(f, ept), ON(f, npt)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_init),
		BOTH(test_map_then_lookup),
		BOTH(test_index_per_level),
		BOTH(test_leaf_encoding),
		BOTH(test_rights_reported),
		BOTH(test_write_implies_read),
		BOTH(test_high_hpa),
		BOTH(test_unmap),
		BOTH(test_unmap_unmapped),
		BOTH(test_protect),
		BOTH(test_protect_unmapped),
		BOTH(test_protect_region),
		BOTH(test_protect_tbit_no_access),
		BOTH(test_protect_to_nothing),
		BOTH(test_test_and_clear),
		BOTH(test_test_and_clear_missing),
		BOTH(test_range_errors),
		BOTH(test_top_of_space),
		BOTH(test_lookup_beyond_48_bits),
		BOTH(test_table_pages_64mib),
		BOTH(test_enomem_mid_map),
		BOTH(test_enomem_first_table),
		BOTH(test_remap_replaces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
