// sources: arch/x86/paging.c
/*
 * arch/x86/paging.c: builds the hypervisor's page tables for a synthetic
 * machine into a host buffer and walks them, page by page, against what the
 * memory map and the image layout call for.
 */
#include "helpers.h"

#include "arch/x86/paging.h"
#include "arch/x86/regs.h"
#include "errno.h"

#define POOL_PAGES 256
#define POOL_PHYS 0x3F000000000ULL /* fake physical address of pool[0] */
#include "fake_pool.h"

/* The synthetic machine: low RAM, the legacy hole, RAM to ~255 MiB, ACPI
 * tables, a hole up to 4 GiB (with the IOAPIC), RAM above 4 GiB around a
 * reserved range, ending 2 MiB past 6 GiB. */
#define ACPI_BASE 0xFF00000ULL
#define ACPI_NVS_BASE 0xFF80000ULL
#define LOW_RAM_END 0xFF90000ULL
#define HI_HOLE_BASE 0x140000000ULL /* 5 GiB */
#define HI_RAM2_BASE 0x160000000ULL /* 5.5 GiB */
#define MAP_END 0x180200000ULL       /* 6 GiB + 2 MiB */

static const struct mem_region machine[] = {
	{ 0x0, 0x9F000, MEM_USABLE },
	{ 0x9F000, 0x61000, MEM_RESERVED },
	{ 0x100000, ACPI_BASE - 0x100000, MEM_USABLE },
	{ ACPI_BASE, 0x80000, MEM_ACPI_RECLAIMABLE },
	{ ACPI_NVS_BASE, 0x10000, MEM_ACPI_NVS },
	{ 0xFEC00000, 0x1000, MEM_RESERVED },
	{ 0x100000000ULL, 0x40000000ULL, MEM_USABLE },
	{ HI_HOLE_BASE, 0x20000000ULL, MEM_RESERVED },
	{ 0x1FD000000ULL, 0x1000, MEM_BAD }, /* beyond the RAM: not mapped */
	{ HI_RAM2_BASE, MAP_END - HI_RAM2_BASE, MEM_USABLE },
};

#define TEXT_START 0x200000ULL
#define TEXT_END 0x210000ULL
#define RODATA_END 0x218000ULL
#define IMAGE_END 0x21D000ULL

static struct paging_layout layout(bool nx, bool gb_pages)
{
	return (struct paging_layout){
		.mem = machine,
		.mem_count = ARRAY_SIZE(machine),
		.text_start = TEXT_START,
		.text_end = TEXT_END,
		.rodata_end = RODATA_END,
		.image_end = IMAGE_END,
		.low_limit = GiB(4),
		.nx = nx,
		.gb_pages = gb_pages,
	};
}

static u64 root;

/* Builds the tables for the machine into a fresh pool; returns the error. */
static int build(bool nx, bool gb_pages, unsigned limit)
{
	struct paging_layout l = layout(nx, gb_pages);

	fp.used = 0;
	fp.limit = limit;
	return paging_build(&l, &fake_alloc, &root);
}

static void build_ok(bool nx, bool gb_pages)
{
	assert_int_equal(build(nx, gb_pages, POOL_PAGES), 0);
	assert_true(root == POOL_PHYS); /* the first page is the PML4 */
}

struct leaf {
	u64 pte, size;
};

/* Walks va; fails unless it is mapped. */
static struct leaf walk(u64 va)
{
	struct leaf l;
	int err = paging_walk(root, &fake_alloc, va, &l.pte, &l.size);

	if (err)
		fail_msg("%#llx is not mapped (%d)", va, err);
	return l;
}

static void assert_unmapped(u64 va)
{
	u64 pte, size;

	if (paging_walk(root, &fake_alloc, va, &pte, &size) != -ENOENT)
		fail_msg("%#llx is mapped: pte %#llx", va,
			 pte);
}

/* The frame a leaf maps (bit 12 of a large page entry is PAT, not address). */
static u64 leaf_frame(struct leaf l)
{
	return l.pte & PTE_ADDR_MASK & ~(l.size - 1);
}

#define HAS(pte, bit) (((pte) & (bit)) != 0)
#define HAS_ALL(pte, bits) (((pte) & (bits)) == (bits))

/* --- named places ---------------------------------------------------------- */

static void test_page_zero_unmapped(void **state)
{
	build_ok(true, true);
	assert_unmapped(0);
	assert_unmapped(0xFFF);
	assert_int_equal(walk(0x1000).size, PAGE_SIZE_4K);
}

static void test_image_permissions(void **state)
{
	struct leaf l;

	build_ok(true, false);
	for (u64 va = TEXT_START; va < TEXT_END; va += PAGE_SIZE_4K) {
		l = walk(va);
		assert_int_equal(l.size, PAGE_SIZE_4K);
		assert_true(HAS(l.pte, PTE_P) && !HAS(l.pte, PTE_W) && !HAS(l.pte, PTE_NX));
		assert_true(leaf_frame(l) == va);
	}
	for (u64 va = TEXT_END; va < RODATA_END; va += PAGE_SIZE_4K) {
		l = walk(va);
		assert_int_equal(l.size, PAGE_SIZE_4K);
		assert_true(!HAS(l.pte, PTE_W) && HAS(l.pte, PTE_NX));
	}
	for (u64 va = RODATA_END; va < IMAGE_END; va += PAGE_SIZE_4K) {
		l = walk(va);
		assert_int_equal(l.size, PAGE_SIZE_4K);
		assert_true(HAS(l.pte, PTE_W) && HAS(l.pte, PTE_NX));
	}
	/* RAM in the image's 2 MiB block but outside the image: data-like. */
	l = walk(IMAGE_END);
	assert_int_equal(l.size, PAGE_SIZE_4K);
	assert_true(HAS(l.pte, PTE_W) && HAS(l.pte, PTE_NX) && !HAS(l.pte, PTE_PCD));
	l = walk(TEXT_START - PAGE_SIZE_4K);
	assert_true(HAS(l.pte, PTE_W) && HAS(l.pte, PTE_NX));
}

static void test_ram_large_pages(void **state)
{
	struct leaf l;

	build_ok(true, false);
	l = walk(0x400000);
	assert_int_equal(l.size, PAGE_SIZE_2M);
	assert_true(HAS_ALL(l.pte, PTE_P | PTE_PS | PTE_W | PTE_NX | PTE_G));
	assert_false(HAS(l.pte, PTE_PCD) || HAS(l.pte, PTE_PWT));
	assert_true(leaf_frame(l) == 0x400000);

	l = walk(GiB(4) + 0x12345);
	assert_int_equal(l.size, PAGE_SIZE_2M);
	assert_true(leaf_frame(l) == GiB(4));

	build_ok(true, true);
	l = walk(GiB(4) + 0x12345);
	assert_int_equal(l.size, PAGE_SIZE_1G);
	assert_true(HAS_ALL(l.pte, PTE_P | PTE_PS | PTE_W | PTE_NX | PTE_G));
	assert_false(HAS(l.pte, PTE_PCD));
	assert_true(leaf_frame(l) == GiB(4));
	/* 0-1 GiB holds page 0, the image and holes: never one 1 GiB page. */
	assert_int_equal(walk(0x400000).size, PAGE_SIZE_2M);
}

/* The hole below 4 GiB is mapped uncached; RAM and ACPI tables are not. */
static void test_hole_below_4g_uncached(void **state)
{
	struct leaf l;

	build_ok(true, false);
	l = walk(0x10000000); /* 256 MiB */
	assert_true(HAS(l.pte, PTE_PCD) && HAS(l.pte, PTE_PWT) && HAS(l.pte, PTE_NX));
	assert_int_equal(l.size, PAGE_SIZE_2M);
	l = walk(0xFEC00000); /* IOAPIC, reserved */
	assert_true(HAS(l.pte, PTE_PCD) && HAS(l.pte, PTE_PWT));
	l = walk(0xA0000); /* legacy hole: 4 KiB, uncached */
	assert_int_equal(l.size, PAGE_SIZE_4K);
	assert_true(HAS(l.pte, PTE_PCD) && HAS(l.pte, PTE_PWT));
	l = walk(ACPI_BASE);
	assert_int_equal(l.size, PAGE_SIZE_4K);
	assert_false(HAS(l.pte, PTE_PCD) || HAS(l.pte, PTE_PWT));
	l = walk(ACPI_NVS_BASE);
	assert_false(HAS(l.pte, PTE_PCD));
	l = walk(LOW_RAM_END); /* first page after the ACPI NVS region */
	assert_int_equal(l.size, PAGE_SIZE_4K);
	assert_true(HAS(l.pte, PTE_PCD) && HAS(l.pte, PTE_PWT));

	build_ok(true, true);
	l = walk(GiB(2) + 0x5000); /* 1-4 GiB all hole apart from the IOAPIC */
	assert_int_equal(l.size, PAGE_SIZE_1G);
	assert_true(HAS(l.pte, PTE_PCD) && HAS(l.pte, PTE_PWT));
}

static void test_above_4g(void **state)
{
	struct leaf l;

	build_ok(true, true);
	assert_unmapped(HI_HOLE_BASE);
	assert_unmapped(HI_HOLE_BASE + 0x1000000);
	assert_unmapped(HI_RAM2_BASE - PAGE_SIZE_4K);
	l = walk(HI_RAM2_BASE);
	assert_int_equal(l.size, PAGE_SIZE_2M);
	assert_false(HAS(l.pte, PTE_PCD));
	l = walk(MAP_END - 1);
	assert_true(leaf_frame(l) == MAP_END - PAGE_SIZE_2M);
	assert_unmapped(MAP_END);
	assert_unmapped(0x1FD000000ULL); /* bad RAM past the end of RAM */
	assert_unmapped(GiB(512));
	assert_unmapped(0x7FFFFFFFF000ULL);
}

/* Without NX no entry has the bit: it is reserved when EFER.NXE is 0. */
static void test_nx_off(void **state)
{
	static const u64 probes[] = {
		0x1000, 0xA0000, TEXT_START, TEXT_END, RODATA_END, 0x400000, 0x10000000,
		ACPI_BASE, GiB(4), HI_RAM2_BASE,
	};

	build_ok(false, true);
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++)
		assert_false(HAS(walk(probes[i]).pte, PTE_NX));
	assert_true(HAS(walk(RODATA_END).pte, PTE_W)); /* data still RW */
	assert_false(HAS(walk(TEXT_END).pte, PTE_W)); /* rodata still RO */
}

/* --- the whole address space, page by page --------------------------------- */

static bool is_ram(u64 pa)
{
	for (size_t i = 0; i < ARRAY_SIZE(machine); i++) {
		const struct mem_region *r = &machine[i];

		if ((r->type == MEM_USABLE || r->type == MEM_ACPI_RECLAIMABLE ||
		     r->type == MEM_ACPI_NVS) &&
		    pa >= r->base && pa - r->base < r->length)
			return true;
	}
	return false;
}

/* What one 4 KiB page at pa must look like: 0 if unmapped, else the flags
 * that matter (P W NX PCD PWT). */
static u64 expected_flags(u64 pa, bool nx)
{
	u64 x = nx ? PTE_NX : 0;

	if (pa == 0)
		return 0;
	if (pa >= TEXT_START && pa < TEXT_END)
		return PTE_P;
	if (pa >= TEXT_END && pa < RODATA_END)
		return PTE_P | x;
	if (is_ram(pa))
		return PTE_P | PTE_W | x;
	if (pa < GiB(4))
		return PTE_P | PTE_W | x | PTE_PCD | PTE_PWT;
	return 0;
}

#define CHECKED_FLAGS (PTE_P | PTE_W | PTE_NX | PTE_PCD | PTE_PWT | PTE_U)

/* Every 4 KiB page from 0 to past the end of RAM: mapped exactly where it
 * should be, identity, global, with the expected flags. */
static void check_whole_space(bool nx, bool gb_pages)
{
	u64 va = 0, pte, size, leaves = 0;

	build_ok(nx, gb_pages);
	while (va < MAP_END + MiB(64)) {
		int err = paging_walk(root, &fake_alloc, va, &pte, &size);

		if (err) {
			if (expected_flags(va, nx))
				fail_msg("%#llx unmapped", va);
			va += PAGE_SIZE_4K;
			continue;
		}
		leaves++;
		if (!gb_pages && size == PAGE_SIZE_1G)
			fail_msg("1 GiB page at %#llx without gb_pages", va);
		if ((pte & PTE_ADDR_MASK & ~(size - 1)) != va || !(pte & PTE_G) ||
		    (size > PAGE_SIZE_4K) != !!(pte & PTE_PS))
			fail_msg("bad leaf %#llx for %#llx", pte,
				 va);
		for (u64 off = 0; off < size; off += PAGE_SIZE_4K)
			if ((pte & CHECKED_FLAGS) != expected_flags(va + off, nx))
				fail_msg("%#llx (in a %#llx page at %#llx): flags %#llx, want %#llx",
					 (va + off), size,
					 va,
					 (pte & CHECKED_FLAGS),
					 expected_flags(va + off, nx));
		va += size;
	}
	assert_true(leaves > 100);
}

static void test_whole_space_nx_2m(void **state)
{
	check_whole_space(true, false);
}

static void test_whole_space_nx_1g(void **state)
{
	check_whole_space(true, true);
}

static void test_whole_space_no_nx(void **state)
{
	check_whole_space(false, false);
	check_whole_space(false, true);
}

/* Table (non-leaf) entries are present and writable, never user or NX, and
 * nothing past the lower canonical half's first PML4 slot is used. */
static void test_table_entries(void **state)
{
	u64 *pml4;

	build_ok(true, true);
	pml4 = fake_to_virt(&fp, root);
	assert_true((pml4[0] & (PTE_P | PTE_W | PTE_U | PTE_NX | PTE_PS)) == (PTE_P | PTE_W));
	for (int i = 1; i < PT_ENTRIES; i++)
		assert_true(pml4[i] == 0);
}

/* 1 GiB pages need fewer table pages; running out fails with -ENOMEM at
 * every point of the build. */
static void test_table_budget_and_enomem(void **state)
{
	unsigned need_2m, need_1g;

	build_ok(true, false);
	need_2m = fp.used;
	build_ok(true, true);
	need_1g = fp.used;
	assert_true(need_1g < need_2m);
	for (unsigned limit = 0; limit < need_1g; limit++)
		assert_int_equal(build(true, true, limit), -ENOMEM);
	assert_int_equal(build(true, true, need_1g), 0);
}

/* RAM alone, no holes: the low limit still maps the rest below it. */
static void test_low_limit_only(void **state)
{
	static const struct mem_region ram[] = { { 0x100000, MiB(63), MEM_USABLE } };
	struct paging_layout l = layout(true, false);
	struct leaf lf;

	l.mem = ram;
	l.mem_count = ARRAY_SIZE(ram);
	l.low_limit = MiB(128);
	fp.used = 0;
	fp.limit = POOL_PAGES;
	assert_int_equal(paging_build(&l, &fake_alloc, &root), 0);
	lf = walk(MiB(100));
	assert_true(HAS(lf.pte, PTE_PCD));
	lf = walk(MiB(10));
	assert_false(HAS(lf.pte, PTE_PCD));
	assert_unmapped(MiB(128));
}

/* A page only partly covered by RAM is mapped as RAM (write-back). */
static void test_partial_page_is_ram(void **state)
{
	static const struct mem_region ram[] = {
		{ 0x1000, 0x1FF000, MEM_USABLE },
		{ 0x400800, 0x1000, MEM_ACPI_RECLAIMABLE }, /* touches two pages */
	};
	struct paging_layout l = layout(true, false);

	l.mem = ram;
	l.mem_count = ARRAY_SIZE(ram);
	fp.used = 0;
	fp.limit = POOL_PAGES;
	assert_int_equal(paging_build(&l, &fake_alloc, &root), 0);
	assert_false(HAS(walk(0x400000).pte, PTE_PCD));
	assert_false(HAS(walk(0x401000).pte, PTE_PCD));
	assert_true(HAS(walk(0x402000).pte, PTE_PCD));
	assert_true(HAS(walk(0x3FF000).pte, PTE_PCD));
}

/* --- paging_map_uncached ---------------------------------------------------- */

static void test_map_uncached_above_4g(void **state)
{
	u64 base = HI_HOLE_BASE + 0x1800, before;
	struct leaf l;

	build_ok(true, true);
	before = fp.used;
	assert_int_equal(paging_map_uncached(root, &fake_alloc, base, 0x2000), 0);
	assert_int_equal(fp.used, before + 1); /* a new page table */
	assert_unmapped(HI_HOLE_BASE);
	for (u64 va = HI_HOLE_BASE + 0x1000; va < HI_HOLE_BASE + 0x4000; va += 0x1000) {
		l = walk(va);
		assert_int_equal(l.size, PAGE_SIZE_4K);
		assert_true(leaf_frame(l) == va);
		assert_true(HAS_ALL(l.pte, PTE_P | PTE_W | PTE_PCD | PTE_PWT));
	}
	assert_unmapped(HI_HOLE_BASE + 0x4000);

	/* Again: nothing new is allocated, nothing changes. */
	before = fp.used;
	assert_int_equal(paging_map_uncached(root, &fake_alloc, base, 0x2000), 0);
	assert_int_equal(fp.used, before);
}

/* Far above RAM: whole new table levels, down from the PML4. */
static void test_map_uncached_far(void **state)
{
	u64 va = 0x7F0000200000ULL;
	struct leaf l;

	build_ok(true, false);
	assert_int_equal(paging_map_uncached(root, &fake_alloc, va, PAGE_SIZE_4K), 0);
	l = walk(va);
	assert_true(leaf_frame(l) == va && HAS(l.pte, PTE_PCD));
	assert_unmapped(va + PAGE_SIZE_4K);
	assert_unmapped(va - PAGE_SIZE_4K);
}

/* Ranges that are already mapped keep their mapping (RAM stays cached). */
static void test_map_uncached_keeps_existing(void **state)
{
	struct leaf before, after;
	unsigned used;

	build_ok(true, false);
	before = walk(GiB(4));
	used = fp.used;
	assert_int_equal(paging_map_uncached(root, &fake_alloc, GiB(4), MiB(4)), 0);
	after = walk(GiB(4));
	assert_true(before.pte == after.pte && before.size == after.size);
	assert_int_equal(fp.used, used);

	before = walk(TEXT_START);
	assert_int_equal(paging_map_uncached(root, &fake_alloc, TEXT_START, 0x3000), 0);
	after = walk(TEXT_START);
	assert_true(before.pte == after.pte);
	assert_false(HAS(after.pte, PTE_PCD));
}

/* Running out of table pages part way down fails and maps nothing. */
static void test_map_uncached_enomem(void **state)
{
	u64 va = 0x7F0000200000ULL;

	build_ok(true, true);
	fp.limit = fp.used + 2; /* room for the PDPT and PD, not the PT */
	assert_int_equal(paging_map_uncached(root, &fake_alloc, va, 0x1000), -ENOMEM);
	assert_unmapped(va);
	fp.limit = fp.used; /* the same, with no room at all */
	assert_int_equal(paging_map_uncached(root, &fake_alloc, HI_HOLE_BASE, 0x1000), -ENOMEM);
	assert_unmapped(HI_HOLE_BASE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_zero_unmapped),
		cmocka_unit_test(test_image_permissions),
		cmocka_unit_test(test_ram_large_pages),
		cmocka_unit_test(test_hole_below_4g_uncached),
		cmocka_unit_test(test_above_4g),
		cmocka_unit_test(test_nx_off),
		cmocka_unit_test(test_whole_space_nx_2m),
		cmocka_unit_test(test_whole_space_nx_1g),
		cmocka_unit_test(test_whole_space_no_nx),
		cmocka_unit_test(test_table_entries),
		cmocka_unit_test(test_table_budget_and_enomem),
		cmocka_unit_test(test_low_limit_only),
		cmocka_unit_test(test_partial_page_is_ram),
		cmocka_unit_test(test_map_uncached_above_4g),
		cmocka_unit_test(test_map_uncached_far),
		cmocka_unit_test(test_map_uncached_keeps_existing),
		cmocka_unit_test(test_map_uncached_enomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
