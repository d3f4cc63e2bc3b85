// sources: hv/guest_walk.c
/*
 * hv/guest_walk.c: walks over synthetic page tables in a buffer standing in
 * for guest RAM, for every paging mode, page size and fault kind, including
 * the list of paging-structure pages visited and the linear reader.
 */
#include <stdlib.h>

#include "helpers.h"

#include "errno.h"
#include "hv/guest_walk.h"

#include "fake_guest_ram.h"

static int mem_read(void *ctx, u64 gpa, void *dst, size_t len)
{
	reads++;
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return ERR_OUTSIDE;
	memcpy(dst, mem + gpa, len);
	return 0;
}

static int setup(void **state)
{
	memset(mem, 0, sizeof(mem));
	next_page = 1; /* page 0 stays empty */
	reads = 0;
	return 0;
}

#define assert_tables(res, ...)                                                   \
	do {                                                                      \
		const u64 want_[] = { __VA_ARGS__ };                              \
		assert_int_equal((res).table_count, ARRAY_SIZE(want_));           \
		for (size_t i_ = 0; i_ < ARRAY_SIZE(want_); i_++)                  \
			assert_int_equal((res).tables[i_], want_[i_]);            \
	} while (0)

/* --- paging off ---------------------------------------------------------- */

static void test_paging_off(void **state)
{
	struct gw_cpu c = cpu(CR0_PE, 0x1000, CR4_PAE, EFER_LME);
	struct gw_result r;

	assert_int_equal(gw_paging_mode(&c), GW_MODE_NONE);
	assert_int_equal(gw_translate(&c, 0xFEE00ABC, GW_ACCESS_WRITE | GW_ACCESS_USER, &r), 0);
	assert_int_equal(r.gpa, 0xFEE00ABC);
	assert_int_equal(r.page_size, 4096);
	assert_true(r.writable && r.user && r.executable);
	assert_int_equal(r.table_count, 0);
	assert_int_equal(gw_translate(&c, 0x100001234ULL, GW_ACCESS_READ, &r), 0);
	assert_int_equal(r.gpa, 0x1234); /* linear addresses wrap at 4 GiB */
	assert_int_equal(reads, 0);
}

/* --- 32-bit paging (4.3) -------------------------------------------------- */

static void test_32bit_4k(void **state)
{
	u64 pd = new_page(), pt = new_page();
	struct gw_cpu c = cpu(PG32, pd | 0x18 /* PWT/PCD ignored */, 0, 0);
	struct gw_result r;
	u64 la = (3ULL << 22) | (0x1A5ULL << 12) | 0x123;

	set32(pd, 3, (u32)(pt | P | RW | US));
	set32(pt, 0x1A5, 0xABCDE000 | P | US);
	assert_int_equal(gw_paging_mode(&c), GW_MODE_32BIT);
	assert_int_equal(gw_translate(&c, la, GW_ACCESS_USER, &r), 0);
	assert_int_equal(r.gpa, 0xABCDE123);
	assert_int_equal(r.page_size, 4096);
	assert_false(r.writable);
	assert_true(r.user && r.executable);
	assert_tables(r, pd, pt);
	assert_int_equal(gw_translate(&c, la | 0xFFFFFFFF00000000ULL, 0, &r), 0); /* truncated */
	assert_int_equal(r.gpa, 0xABCDE123);
}

static void test_32bit_4m_and_pse36(void **state)
{
	u64 pd = new_page();
	struct gw_cpu c = cpu(PG32, pd, CR4_PSE, 0);
	struct gw_result r;

	set32(pd, 3, 0x00C00000 | (0x12u << 13) | PS | P | RW);
	c.phys_bits = 40; /* PDE bits 20:13 are address bits 39:32 */
	assert_int_equal(gw_translate(&c, 0x00C12345, GW_ACCESS_WRITE, &r), 0);
	assert_int_equal(r.gpa, 0x1200C12345ULL);
	assert_int_equal(r.page_size, 4 * 1024 * 1024);
	assert_tables(r, pd);
	c.phys_bits = 46; /* M is capped at 40 */
	assert_int_equal(gw_translate(&c, 0x00C12345, GW_ACCESS_WRITE, &r), 0);
	assert_int_equal(r.gpa, 0x1200C12345ULL);
	c.phys_bits = 36; /* bits 21:17 reserved: 0x12 sets bit 14 and 17 */
	assert_int_equal(gw_translate(&c, 0x00C12345, 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_RESERVED);
	assert_int_equal(r.fault_level, 2);
	assert_int_equal(r.error_code, GW_PF_PRESENT | GW_PF_RSVD);
	c.phys_bits = 40; /* bit 21 is always reserved */
	set32(pd, 3, 0x00C00000 | (1u << 21) | PS | P);
	assert_int_equal(gw_translate(&c, 0x00C12345, 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_RESERVED);
	c.phys_bits = 32; /* bits 21:13 reserved */
	set32(pd, 3, 0x00C00000 | (1u << 13) | PS | P);
	assert_int_equal(gw_translate(&c, 0x00C12345, 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_RESERVED);
}

/* Without CR4.PSE the PS bit is ignored: the PDE points to a table. */
static void test_32bit_ps_without_pse(void **state)
{
	u64 pd = new_page(), pt = new_page();
	struct gw_cpu c = cpu(PG32, pd, 0, 0);
	struct gw_result r;

	set32(pd, 0, (u32)(pt | PS | P | RW));
	set32(pt, 5, 0x7000 | P | RW);
	assert_int_equal(gw_translate(&c, 0x5010, GW_ACCESS_WRITE, &r), 0);
	assert_int_equal(r.gpa, 0x7010);
	assert_int_equal(r.page_size, 4096);
	assert_tables(r, pd, pt);
}

static void test_32bit_not_present(void **state)
{
	u64 pd = new_page(), pt = new_page();
	struct gw_cpu c = cpu(PG32, pd, 0, 0);
	struct gw_result r;

	set32(pd, 1, (u32)(pt | P | RW | US));
	assert_int_equal(gw_translate(&c, 0x00000123, GW_ACCESS_WRITE, &r), -EFAULT);
	assert_int_equal(r.fault, GW_NOT_PRESENT);
	assert_int_equal(r.fault_level, 2);
	assert_int_equal(r.error_code, GW_PF_WRITE);
	assert_tables(r, pd);
	assert_int_equal(gw_translate(&c, 0x00400123, GW_ACCESS_USER | GW_ACCESS_FETCH, &r),
			 -EFAULT);
	assert_int_equal(r.fault, GW_NOT_PRESENT);
	assert_int_equal(r.fault_level, 1);
	assert_int_equal(r.error_code, GW_PF_USER); /* no I/D without PAE+NXE or SMEP */
	assert_tables(r, pd, pt);
}

/* --- PAE paging (4.4) ------------------------------------------------------ */

struct pae_tables {
	u64 pdpt_page, pd, pt, data;
};

/* PDPT at pdpt_page+0x20; PDPTE[1] -> pd; PD[5] 2 MiB page at 0x40000000;
 * PD[6] -> pt; PT[7] -> data (XD when nxe). */
static struct pae_tables build_pae(u64 pte_flags)
{
	struct pae_tables t = { new_page(), new_page(), new_page(), new_page() };

	set64(t.pdpt_page + 0x20, 1, t.pd | P);
	set64(t.pd, 5, 0x40000000ULL | PS | P | RW | US);
	set64(t.pd, 6, t.pt | P | RW | US);
	set64(t.pt, 7, t.data | pte_flags);
	return t;
}

#define PAE_LA(pdpt, pd, pt, off) (((u64)(pdpt) << 30) | ((u64)(pd) << 21) | ((u64)(pt) << 12) | (off))

static void test_pae_pages(void **state)
{
	struct pae_tables t = build_pae(P | RW);
	struct gw_cpu c = cpu(PG32, t.pdpt_page + 0x20, CR4_PAE, 0);
	struct gw_result r;

	assert_int_equal(gw_paging_mode(&c), GW_MODE_PAE);
	assert_int_equal(gw_translate(&c, PAE_LA(1, 5, 0x1F, 0x234), GW_ACCESS_USER, &r), 0);
	assert_int_equal(r.gpa, 0x40000000ULL + (0x1FULL << 12) + 0x234);
	assert_int_equal(r.page_size, 2 * 1024 * 1024);
	assert_true(r.user && r.writable && r.executable);
	assert_tables(r, t.pdpt_page, t.pd);
	assert_int_equal(gw_translate(&c, PAE_LA(1, 6, 7, 0xFFF), GW_ACCESS_WRITE, &r), 0);
	assert_int_equal(r.gpa, t.data + 0xFFF);
	assert_int_equal(r.page_size, 4096);
	assert_false(r.user);
	assert_tables(r, t.pdpt_page, t.pd, t.pt);
	assert_int_equal(gw_translate(&c, PAE_LA(0, 0, 0, 0), 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_NOT_PRESENT); /* PDPTE[0] */
	assert_int_equal(r.fault_level, 3);
	assert_tables(r, t.pdpt_page);
}

static void test_pae_reserved_and_nx(void **state)
{
	struct pae_tables t = build_pae(P | RW | XD);
	struct gw_cpu c = cpu(PG32, t.pdpt_page + 0x20, CR4_PAE, 0);
	struct gw_result r;
	u64 la = PAE_LA(1, 6, 7, 0);

	/* XD without EFER.NXE is a reserved bit */
	assert_int_equal(gw_translate(&c, la, 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_RESERVED);
	assert_int_equal(r.fault_level, 1);
	/* with NXE it forbids fetches only */
	c.efer = EFER_NXE;
	assert_int_equal(gw_translate(&c, la, GW_ACCESS_WRITE, &r), 0);
	assert_false(r.executable);
	assert_int_equal(gw_translate(&c, la, GW_ACCESS_FETCH, &r), -EFAULT);
	assert_int_equal(r.fault, GW_PROTECTION);
	assert_int_equal(r.error_code, GW_PF_PRESENT | GW_PF_FETCH);
	assert_int_equal(r.gpa, t.data);
	/* PAE PDE/PTE: bits 62:M reserved (4-level ignores 62:52) */
	set64(t.pt, 7, t.data | P | BIT(62));
	assert_int_equal(gw_translate(&c, la, 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_RESERVED);
	set64(t.pt, 7, t.data | P | BIT(46));
	assert_int_equal(gw_translate(&c, la, 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_RESERVED);
	/* a 2 MiB PDE with bit 13 set */
	set64(t.pd, 5, 0x40000000ULL | BIT(13) | PS | P);
	assert_int_equal(gw_translate(&c, PAE_LA(1, 5, 0, 0), 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_RESERVED);
	assert_int_equal(r.fault_level, 2);
	/* PDPTE: R/W (bit 1) is reserved in PAE */
	set64(t.pdpt_page + 0x20, 1, t.pd | P | RW);
	assert_int_equal(gw_translate(&c, la, 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_RESERVED);
	assert_int_equal(r.fault_level, 3);
	assert_int_equal(r.error_code, GW_PF_PRESENT | GW_PF_RSVD);
}

/* --- 4-level and 5-level paging (4.5) -------------------------------------- */

struct long_tables {
	u64 pml5, pml4, pdpt, pd, pt, data;
};

#define IDX(la, level) (((la) >> (12 + 9 * ((level) - 1))) & 0x1FF)

/* Maps la to a fresh data page through fresh tables (with a PML5 when
 * five). Every table entry is P|RW|US; the PTE gets pte_flags. */
static struct long_tables build_long(u64 la, bool five, u64 pte_flags)
{
	struct long_tables t = { 0 };

	if (five)
		t.pml5 = new_page();
	t.pml4 = new_page();
	t.pdpt = new_page();
	t.pd = new_page();
	t.pt = new_page();
	t.data = new_page();
	if (five)
		set64(t.pml5, IDX(la, 5), t.pml4 | P | RW | US);
	set64(t.pml4, IDX(la, 4), t.pdpt | P | RW | US);
	set64(t.pdpt, IDX(la, 3), t.pd | P | RW | US);
	set64(t.pd, IDX(la, 2), t.pt | P | RW | US);
	set64(t.pt, IDX(la, 1), t.data | pte_flags);
	return t;
}

static void test_4level_4k(void **state)
{
	u64 la = 0xFFFF8000DEAD1ABCULL;
	struct long_tables t = build_long(la, false, P | RW | BIT(52) | BIT(62) /* ignored */);
	struct gw_cpu c = cpu(PG32, t.pml4 | 0xFFF /* PCID */, CR4_PAE, LONG_EFER);
	struct gw_result r;

	assert_int_equal(gw_paging_mode(&c), GW_MODE_4LEVEL);
	assert_int_equal(gw_translate(&c, la, GW_ACCESS_WRITE, &r), 0);
	assert_int_equal(r.gpa, t.data + 0xABC);
	assert_int_equal(r.page_size, 4096);
	assert_true(r.writable && r.executable);
	assert_false(r.user);
	assert_tables(r, t.pml4, t.pdpt, t.pd, t.pt);
}

static void test_4level_large_pages(void **state)
{
	u64 pml4 = new_page(), pdpt = new_page(), pd = new_page();
	struct gw_cpu c = cpu(PG32, pml4, CR4_PAE, LONG_EFER);
	struct gw_result r;

	set64(pml4, 0, pdpt | P | RW | US);
	set64(pdpt, 1, 0x3C0000000ULL | BIT(12) /* PAT */ | PS | P | RW | US);
	set64(pdpt, 2, pd | P | RW | US);
	set64(pd, 3, 0x1FFE00000ULL | BIT(12) | PS | P | RW);
	assert_int_equal(gw_translate(&c, (1ULL << 30) | 0x2345678, GW_ACCESS_USER, &r), 0);
	assert_int_equal(r.gpa, 0x3C2345678ULL);
	assert_int_equal(r.page_size, 1ULL << 30);
	assert_tables(r, pml4, pdpt);
	assert_int_equal(gw_translate(&c, (2ULL << 30) | (3ULL << 21) | 0x1ABCD, 0, &r), 0);
	assert_int_equal(r.gpa, 0x1FFE1ABCDULL);
	assert_int_equal(r.page_size, 2ULL << 20);
	assert_tables(r, pml4, pdpt, pd);
}

static void test_4level_reserved(void **state)
{
	u64 pml4 = new_page(), pdpt = new_page(), pd = new_page();
	struct gw_cpu c = cpu(PG32, pml4, CR4_PAE, LONG_EFER);
	struct gw_result r;

	set64(pml4, 0, pdpt | P | RW);
	set64(pml4, 1, pdpt | P | RW | PS); /* PS is reserved in a PML4E */
	set64(pdpt, 0, 0x40000000ULL | BIT(13) | PS | P); /* 1 GiB with bit 13 */
	set64(pdpt, 1, pd | P);
	set64(pd, 0, 0x200000ULL | BIT(20) | PS | P); /* 2 MiB with bit 20 */
	set64(pd, 1, 0x400000ULL | BIT(46) | PS | P); /* beyond MAXPHYADDR 46 */
	set64(pd, 2, 0x600000ULL | XD | PS | P); /* XD without NXE */

	static const struct { u64 la; u8 level; } cases[] = {
		{ 1ULL << 39, 4 }, { 0, 3 }, { 1ULL << 30, 2 },
		{ (1ULL << 30) | (1ULL << 21), 2 }, { (1ULL << 30) | (2ULL << 21), 2 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(gw_translate(&c, cases[i].la, GW_ACCESS_WRITE, &r), -EFAULT);
		assert_int_equal(r.fault, GW_RESERVED);
		assert_int_equal(r.fault_level, cases[i].level);
		assert_int_equal(r.error_code, GW_PF_PRESENT | GW_PF_RSVD | GW_PF_WRITE);
	}
	c.phys_bits = 47; /* bit 46 is now an address bit */
	assert_int_equal(gw_translate(&c, (1ULL << 30) | (1ULL << 21), 0, &r), 0);
	assert_int_equal(r.gpa, BIT(46) | 0x400000ULL);
}

static void test_4level_not_present_levels(void **state)
{
	u64 la = 0x00007FFFFFFFF000ULL;
	struct long_tables t = build_long(la, false, 0 /* PTE not present */);
	struct gw_cpu c = cpu(PG32, t.pml4, CR4_PAE, LONG_EFER);
	struct gw_result r;

	assert_int_equal(gw_translate(&c, la, GW_ACCESS_USER, &r), -EFAULT);
	assert_int_equal(r.fault, GW_NOT_PRESENT);
	assert_int_equal(r.fault_level, 1);
	assert_int_equal(r.error_code, GW_PF_USER);
	assert_tables(r, t.pml4, t.pdpt, t.pd, t.pt);
	set64(t.pdpt, IDX(la, 3), 0);
	assert_int_equal(gw_translate(&c, la, 0, &r), -EFAULT);
	assert_int_equal(r.fault_level, 3);
	assert_tables(r, t.pml4, t.pdpt);
}

static void test_4level_noncanonical(void **state)
{
	u64 pml4 = new_page();
	struct gw_cpu c = cpu(PG32, pml4, CR4_PAE, LONG_EFER);
	struct gw_result r;

	assert_int_equal(gw_translate(&c, 0x0000800000000000ULL, 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_NONCANONICAL);
	assert_int_equal(r.error_code, 0);
	assert_int_equal(r.table_count, 0);
	assert_int_equal(gw_translate(&c, 0xFFFF7FFFFFFFFFFFULL, 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_NONCANONICAL);
	assert_int_equal(reads, 0);
}

static void test_5level(void **state)
{
	u64 la = 0x00FF123456789ABCULL; /* canonical only with 57 bits */
	struct long_tables t = build_long(la, true, P | RW | US);
	struct gw_cpu c = cpu(PG32, t.pml5, CR4_PAE | CR4_LA57, LONG_EFER);
	struct gw_result r;

	assert_int_equal(gw_paging_mode(&c), GW_MODE_5LEVEL);
	assert_int_equal(gw_translate(&c, la, GW_ACCESS_USER | GW_ACCESS_WRITE, &r), 0);
	assert_int_equal(r.gpa, t.data + 0xABC);
	assert_tables(r, t.pml5, t.pml4, t.pdpt, t.pd, t.pt);
	assert_int_equal(gw_translate(&c, 0x0100000000000000ULL, 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_NONCANONICAL);
	set64(t.pml5, IDX(la, 5), t.pml4 | P | PS); /* PS reserved in a PML5E */
	assert_int_equal(gw_translate(&c, la, 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_RESERVED);
	assert_int_equal(r.fault_level, 5);
	c.cr4 &= ~CR4_LA57;
	assert_int_equal(gw_translate(&c, la, 0, &r), -EFAULT);
	assert_int_equal(r.fault, GW_NONCANONICAL);
}

/* --- access rights (4.6) --------------------------------------------------- */

struct rights_case {
	u64 pde_flags, pte_flags;
	u64 cr0, cr4, efer;
	u32 access;
	int want;        /* 0 or -EFAULT */
	u32 error_code;  /* when -EFAULT */
};

static void check_rights(const struct rights_case *rc, size_t i)
{
	u64 la = 0x401000;
	struct long_tables t = build_long(la, false, rc->pte_flags);
	struct gw_cpu c = cpu(PG32 | rc->cr0, t.pml4, CR4_PAE | rc->cr4, LONG_EFER | rc->efer);
	struct gw_result r;
	int err;

	set64(t.pd, IDX(la, 2), t.pt | rc->pde_flags);
	err = gw_translate(&c, la, rc->access, &r);
	if (err != rc->want)
		fail_msg("rights case %zu: returned %d, expected %d", i, err, rc->want);
	if (err && (r.fault != GW_PROTECTION || r.error_code != rc->error_code))
		fail_msg("rights case %zu: fault %d code %#x, expected %#x", i, r.fault,
			 r.error_code, rc->error_code);
	if (err)
		assert_int_equal(r.gpa, t.data); /* the translation is still reported */
}

#define W GW_ACCESS_WRITE
#define U GW_ACCESS_USER
#define F GW_ACCESS_FETCH
#define AC GW_ACCESS_AC
#define EP GW_PF_PRESENT

static const struct rights_case rights[] = {
	/* user accesses need U/S at every level */
	{ P | RW | US, P | RW | US, 0, 0, 0, U | W, 0, 0 },
	{ P | RW, P | RW | US, 0, 0, 0, U, -EFAULT, EP | GW_PF_USER },
	{ P | RW | US, P | RW, 0, 0, 0, U, -EFAULT, EP | GW_PF_USER },
	/* user writes need R/W at every level, whatever CR0.WP */
	{ P | US, P | RW | US, 0, 0, 0, U | W, -EFAULT, EP | GW_PF_USER | GW_PF_WRITE },
	{ P | RW | US, P | US, 0, 0, 0, U, 0, 0 },
	/* supervisor writes to read-only pages: allowed unless CR0.WP */
	{ P | RW, P, 0, 0, 0, W, 0, 0 },
	{ P | RW, P, CR0_WP, 0, 0, W, -EFAULT, EP | GW_PF_WRITE },
	{ P, P | RW, CR0_WP, 0, 0, W, -EFAULT, EP | GW_PF_WRITE },
	{ P | RW, P | RW, CR0_WP, 0, 0, W, 0, 0 },
	/* execute-disable with NXE, at any level */
	{ P | RW, P | XD, 0, 0, EFER_NXE, F, -EFAULT, EP | GW_PF_FETCH },
	{ P | RW | XD, P, 0, 0, EFER_NXE, F, -EFAULT, EP | GW_PF_FETCH },
	{ P | RW | XD, P, 0, 0, EFER_NXE, 0, 0, 0 },
	{ P | RW | US, P | US | XD, 0, 0, EFER_NXE, U | F, -EFAULT,
	  EP | GW_PF_USER | GW_PF_FETCH },
	/* SMEP: no supervisor fetch from user pages */
	{ P | RW | US, P | US, 0, CR4_SMEP, 0, F, -EFAULT, EP | GW_PF_FETCH },
	{ P | RW | US, P | US, 0, CR4_SMEP, 0, U | F, 0, 0 },
	{ P | RW | US, P, 0, CR4_SMEP, 0, F, 0, 0 },
	/* SMAP: no supervisor data access to user pages unless RFLAGS.AC */
	{ P | RW | US, P | RW | US, 0, CR4_SMAP, 0, 0, -EFAULT, EP },
	{ P | RW | US, P | RW | US, 0, CR4_SMAP, 0, W, -EFAULT, EP | GW_PF_WRITE },
	{ P | RW | US, P | RW | US, 0, CR4_SMAP, 0, AC | W, 0, 0 },
	{ P | RW | US, P | US, CR0_WP, CR4_SMAP, 0, AC | W, -EFAULT, EP | GW_PF_WRITE },
	{ P | RW | US, P | RW | US, 0, CR4_SMAP, 0, F, 0, 0 },
	{ P | RW | US, P | RW | US, 0, CR4_SMAP, 0, U | W, 0, 0 },
};

static void test_access_rights(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(rights); i++) {
		setup(NULL);
		check_rights(&rights[i], i);
	}
}

static void test_effective_rights_combine(void **state)
{
	u64 la = 0x1000;
	struct long_tables t = build_long(la, false, P | RW | US);
	struct gw_cpu c = cpu(PG32, t.pml4, CR4_PAE, LONG_EFER | EFER_NXE);
	struct gw_result r;

	set64(t.pdpt, 0, t.pd | P | US | XD); /* read-only and no-execute above */
	assert_int_equal(gw_translate(&c, la, GW_ACCESS_USER, &r), 0);
	assert_false(r.writable);
	assert_true(r.user);
	assert_false(r.executable);
}

/* --- unreadable tables, shared pages, arguments ----------------------------- */

static void test_unreadable_tables(void **state)
{
	u64 pml4 = new_page(), pdpt = new_page();
	struct gw_cpu c = cpu(PG32, 0x7FFFF000ULL, CR4_PAE, LONG_EFER);
	struct gw_result r;

	assert_int_equal(gw_translate(&c, 0, 0, &r), ERR_OUTSIDE);
	assert_int_equal(r.fault, GW_UNREADABLE);
	assert_int_equal(r.table_count, 0);
	c.cr3 = pml4;
	set64(pml4, 0, pdpt | P);
	set64(pdpt, 0, 0x123456000ULL | P); /* a PD outside guest RAM */
	assert_int_equal(gw_translate(&c, 0, 0, &r), ERR_OUTSIDE);
	assert_int_equal(r.fault, GW_UNREADABLE);
	assert_tables(r, pml4, pdpt);
	c = cpu(PG32, MEM_SIZE, 0, 0); /* 32-bit: PD just past the end */
	assert_int_equal(gw_translate(&c, 0, 0, &r), ERR_OUTSIDE);
	assert_int_equal(r.fault, GW_UNREADABLE);
}

/* A self-referencing PML4 is read four times but listed once. */
static void test_tables_listed_once(void **state)
{
	u64 pml4 = new_page();
	struct gw_cpu c = cpu(PG32, pml4, CR4_PAE, LONG_EFER);
	struct gw_result r;

	set64(pml4, 0, pml4 | P | RW);
	assert_int_equal(gw_translate(&c, 0x10, 0, &r), 0);
	assert_int_equal(r.gpa, pml4 + 0x10);
	assert_tables(r, pml4);
	assert_int_equal(reads, 4);
}

/* The walker never writes guest memory (no accessed/dirty bits). */
static void test_no_writes(void **state)
{
	static u8 before[MEM_SIZE];
	u64 la = 0x7F0000123000ULL;
	struct long_tables t = build_long(la, false, P | RW | US);
	struct gw_cpu c = cpu(PG32, t.pml4, CR4_PAE, LONG_EFER);
	struct gw_result r;

	memcpy(before, mem, sizeof(mem));
	assert_int_equal(gw_translate(&c, la, GW_ACCESS_WRITE | GW_ACCESS_USER, &r), 0);
	assert_memory_equal(before, mem, sizeof(mem));
}

static void test_bad_arguments(void **state)
{
	struct gw_cpu c = cpu(PG32, 0, 0, 0);
	struct gw_result r;

	c.phys_bits = 31;
	assert_int_equal(gw_translate(&c, 0, 0, &r), -EINVAL);
	c.phys_bits = 53;
	assert_int_equal(gw_translate(&c, 0, 0, &r), -EINVAL);
	c.phys_bits = 46;
	c.read = NULL;
	assert_int_equal(gw_translate(&c, 0, 0, &r), -EINVAL);
}

/* --- gw_read_linear -------------------------------------------------------- */

/* Two linear pages 0x7000 and 0x8000 map to data pages in reverse order. */
static void test_read_linear_across_pages(void **state)
{
	u64 pd = new_page(), pt = new_page(), lo = new_page(), hi = new_page();
	struct gw_cpu c = cpu(PG32, pd, 0, 0);
	struct gw_result r;
	u8 buf[15];
	size_t done;

	set32(pd, 0, (u32)(pt | P | RW));
	set32(pt, 7, (u32)(hi | P));
	set32(pt, 8, (u32)(lo | P));
	memcpy(mem + hi + 0xFF8, "\x48\x89\x47\x08\x90\x90\x90\x90", 8);
	memcpy(mem + lo, "ABCDEFG", 7);
	assert_int_equal(gw_read_linear(&c, 0x7FF8, buf, sizeof(buf), GW_ACCESS_FETCH, &done, &r), 0);
	assert_int_equal(done, 15);
	assert_memory_equal(buf, "\x48\x89\x47\x08\x90\x90\x90\x90" "ABCDEFG", 15);
	assert_tables(r, pd, pt);
	assert_int_equal(r.gpa, lo); /* the last walk */
	assert_int_equal(gw_read_linear(&c, 0x7000, buf, 0, 0, &done, &r), 0);
	assert_int_equal(done, 0);
}

static void test_read_linear_stops(void **state)
{
	u64 pd = new_page(), pt = new_page(), data = new_page();
	struct gw_cpu c = cpu(PG32, pd, 0, 0);
	struct gw_result r;
	u8 buf[15];
	size_t done;

	set32(pd, 0, (u32)(pt | P | RW));
	set32(pt, 1, (u32)(data | P));
	assert_int_equal(gw_read_linear(&c, 0x1FFA, buf, sizeof(buf), 0, &done, &r), -EFAULT);
	assert_int_equal(done, 6);
	assert_int_equal(r.fault, GW_NOT_PRESENT);
	assert_int_equal(r.fault_level, 1);
	/* the next page maps outside guest RAM: translation works, read fails */
	set32(pt, 2, 0x80000000u | P);
	assert_int_equal(gw_read_linear(&c, 0x1FFA, buf, sizeof(buf), 0, &done, &r), ERR_OUTSIDE);
	assert_int_equal(done, 6);
	assert_int_equal(r.fault, GW_UNREADABLE);
	/* a write to a read-only page with CR0.WP stops before any byte */
	c.cr0 |= CR0_WP;
	assert_int_equal(gw_read_linear(&c, 0x1FFA, buf, sizeof(buf), GW_ACCESS_WRITE, &done, &r),
			 -EFAULT);
	assert_int_equal(done, 0);
	assert_int_equal(r.fault, GW_PROTECTION);
}

/* A read touching nine page tables overflows the 10-entry list. */
static void test_read_linear_table_overflow(void **state)
{
	u64 pml4 = new_page(), pdpt = new_page(), pd = new_page(), data = new_page();
	struct gw_cpu c = cpu(PG32, pml4, CR4_PAE, LONG_EFER);
	size_t len = 7 * MiB(2) + KiB(8), done;
	u64 la = MiB(2) - KiB(4);
	u8 *buf = malloc(len);
	struct gw_result r;

	assert_non_null(buf);
	set64(pml4, 0, pdpt | P | RW);
	set64(pdpt, 0, pd | P | RW);
	for (unsigned i = 0; i < 9; i++) {
		u64 pt = new_page();

		set64(pd, i, pt | P | RW);
		for (unsigned j = 0; j < 512; j++)
			set64(pt, j, data | P | RW); /* every page aliases one */
	}
	assert_int_equal(gw_read_linear(&c, la, buf, len, 0, &done, &r), 0);
	assert_int_equal(done, len);
	assert_int_equal(r.table_count, GW_MAX_TABLES);
	assert_true(r.tables_overflow);
	assert_int_equal(r.tables[0], pml4);
	assert_int_equal(r.tables[1], pdpt);
	assert_int_equal(r.tables[2], pd);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_paging_off, setup),
		cmocka_unit_test_setup(test_32bit_4k, setup),
		cmocka_unit_test_setup(test_32bit_4m_and_pse36, setup),
		cmocka_unit_test_setup(test_32bit_ps_without_pse, setup),
		cmocka_unit_test_setup(test_32bit_not_present, setup),
		cmocka_unit_test_setup(test_pae_pages, setup),
		cmocka_unit_test_setup(test_pae_reserved_and_nx, setup),
		cmocka_unit_test_setup(test_4level_4k, setup),
		cmocka_unit_test_setup(test_4level_large_pages, setup),
		cmocka_unit_test_setup(test_4level_reserved, setup),
		cmocka_unit_test_setup(test_4level_not_present_levels, setup),
		cmocka_unit_test_setup(test_4level_noncanonical, setup),
		cmocka_unit_test_setup(test_5level, setup),
		cmocka_unit_test_setup(test_access_rights, setup),
		cmocka_unit_test_setup(test_effective_rights_combine, setup),
		cmocka_unit_test_setup(test_unreadable_tables, setup),
		cmocka_unit_test_setup(test_tables_listed_once, setup),
		cmocka_unit_test_setup(test_no_writes, setup),
		cmocka_unit_test_setup(test_bad_arguments, setup),
		cmocka_unit_test_setup(test_read_linear_across_pages, setup),
		cmocka_unit_test_setup(test_read_linear_stops, setup),
		cmocka_unit_test_setup(test_read_linear_table_overflow, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
