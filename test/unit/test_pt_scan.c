// sources: hv/pt_scan.c hv/guest_walk.c
/*
 * hv/pt_scan.c: scans synthetic page tables in a buffer standing in for
 * guest RAM, in every paging mode: the exact (page, level) visits, large
 * pages, non-present and reserved entries, shared and recursive tables,
 * tables outside RAM, the limits, aborts, and the children of one table;
 * then random tables checked against the walker.
 */
#include <limits.h>
#include <stdlib.h>

#include "helpers.h"

#include "compiler.h"
#include "errno.h"
#include "hv/pt_scan.h"

#include "fake_guest_ram.h"

#define OUTSIDE 0x7FFF0000ULL /* a page outside "RAM" */
/* With zero_ram, [ZERO_BASE, ZERO_END) is RAM too, full of zeros (many
 * empty page tables without a buffer for them). */
#define ZERO_BASE MiB(16)
#define ZERO_END MiB(32)

struct visit {
	u64 gpa;
	int level;
};

static bool zero_ram;
static u64 fail_gpa = ~0ULL; /* a read starting here fails */

static struct pt_scan_scratch scratch;
static struct pt_scan_stats stats;
static struct visit visits[PT_SCAN_MAX_TABLES + 1];
static unsigned nvisits;
static unsigned abort_at; /* the visit (1-based) that returns abort_ret; 0: none */
static int abort_ret;

static int mem_read(void *ctx, u64 gpa, void *dst, size_t len)
{
	reads++;
	if (gpa == fail_gpa)
		return -EIO;
	if (zero_ram && gpa >= ZERO_BASE && gpa < ZERO_END && len <= ZERO_END - gpa) {
		memset(dst, 0, len);
		return 0;
	}
	if (gpa >= MEM_SIZE || len > MEM_SIZE - gpa)
		return ERR_OUTSIDE;
	memcpy(dst, mem + gpa, len);
	return 0;
}

static int record(void *ctx, u64 gpa, int level)
{
	if (nvisits == ARRAY_SIZE(visits))
		fail_msg("more visits than the scan allows");
	visits[nvisits++] = (struct visit){ gpa, level };
	return nvisits == abort_at ? abort_ret : 0;
}

static int setup(void **state)
{
	memset(mem, 0, sizeof(mem));
	next_page = 1; /* page 0 stays empty */
	reads = 0;
	zero_ram = false;
	fail_gpa = ~0ULL;
	nvisits = 0;
	abort_at = 0;
	abort_ret = 0;
	return 0;
}

/* A full scan into visits[] and stats. */
static int scan(const struct gw_cpu *c)
{
	nvisits = 0;
	return pt_scan(c, &scratch, UINT_MAX, record, NULL, &stats);
}

static int children(const struct gw_cpu *c, u64 table, int level)
{
	nvisits = 0;
	return pt_scan_children(c, table, level, record, NULL);
}

static int cmp_visit(const void *a, const void *b)
{
	const struct visit *x = a, *y = b;

	if (x->gpa != y->gpa)
		return x->gpa < y->gpa ? -1 : 1;
	return (x->level > y->level) - (x->level < y->level);
}

/* visits[] holds exactly want[] in any order (a multiset compare: a pair
 * listed once must have been visited once). */
static void check_visits(const struct visit *want, size_t n)
{
	struct visit *got = malloc(sizeof(*got) * (nvisits + 1));
	struct visit *exp = malloc(sizeof(*exp) * (n + 1));

	assert_non_null(got);
	assert_non_null(exp);
	memcpy(got, visits, sizeof(*got) * nvisits);
	memcpy(exp, want, sizeof(*exp) * n);
	qsort(got, nvisits, sizeof(*got), cmp_visit);
	qsort(exp, n, sizeof(*exp), cmp_visit);
	for (size_t i = 0; i < MAX(n, (size_t)nvisits); i++) {
		if (i >= n || i >= nvisits || cmp_visit(&got[i], &exp[i]))
			fail_msg("visit %zu: got (%#llx, %d), expected (%#llx, %d); %u visits, %zu expected",
				 i, i < nvisits ? got[i].gpa : 0ULL,
				 i < nvisits ? got[i].level : 0,
				 i < n ? exp[i].gpa : 0ULL, i < n ? exp[i].level : 0,
				 nvisits, n);
	}
	free(got);
	free(exp);
}

#define V(gpa, level) { (gpa), (level) }
#define assert_visits(...)                                          \
	do {                                                        \
		const struct visit want_[] = { __VA_ARGS__ };       \
		check_visits(want_, ARRAY_SIZE(want_));             \
	} while (0)

/* --- paging off, arguments ------------------------------------------------- */

static void test_paging_off(void **state)
{
	u64 pml4 = new_page();
	struct gw_cpu c = cpu(CR0_PE, pml4, CR4_PAE, LONG_EFER);

	set64(pml4, 0, new_page() | P);
	assert_int_equal(scan(&c), 0);
	assert_int_equal(nvisits, 0);
	assert_int_equal(stats.tables, 0);
	assert_int_equal(children(&c, pml4, 4), 0);
	assert_int_equal(nvisits, 0);
	assert_int_equal(reads, 0);
}

static void test_bad_arguments(void **state)
{
	struct gw_cpu c = cpu(PG32, new_page(), 0, 0);

	stats.tables = 99;
	c.phys_bits = 31;
	assert_int_equal(scan(&c), -EINVAL);
	assert_int_equal(stats.tables, 0);
	assert_int_equal(children(&c, c.cr3, 2), -EINVAL);
	c.phys_bits = 53;
	assert_int_equal(scan(&c), -EINVAL);
	c.phys_bits = 46;
	c.read = NULL;
	assert_int_equal(scan(&c), -EINVAL);
	assert_int_equal(children(&c, c.cr3, 2), -EINVAL);
	c.read = mem_read;
	assert_int_equal(pt_scan(&c, &scratch, 10, NULL, NULL, &stats), -EINVAL);
	assert_int_equal(pt_scan(&c, NULL, 10, record, NULL, &stats), -EINVAL);
	assert_int_equal(pt_scan_children(&c, c.cr3, 2, NULL, NULL), -EINVAL);
	/* stats are optional */
	assert_int_equal(pt_scan(&c, &scratch, 10, record, NULL, NULL), 1);
	assert_int_equal(reads, 4096 / 64); /* the PD in 64-byte chunks, the first as the probe */
}

/* --- 32-bit paging (4.3) ---------------------------------------------------- */

static void test_32bit(void **state)
{
	u64 pd = new_page(), pt1 = new_page(), pt2 = new_page(), pt3 = new_page();
	u64 pt_high = 0x3E000; /* bits 17:13 set: read as bits 31:12, not PSE-36 */
	struct gw_cpu c = cpu(PG32, pd | 0x18 /* PWT/PCD */, CR4_PSE, 0);

	set32(pd, 0, (u32)(pt1 | P | RW));
	set32(pd, 1, (u32)(pt_high | P | US));
	set32(pd, 2, 0x00400000u | PS | P);             /* 4 MiB page */
	set32(pd, 3, (u32)pt3);                         /* not present */
	set32(pd, 4, 0x00800000u | BIT(21) | PS | P);   /* 4 MiB, bit 21 reserved */
	set32(pd, 5, (u32)(pt1 | P));                   /* pt1 again */
	set32(pd, 1023, (u32)(pt2 | P | RW | US));
	set32(pt1, 0, (u32)(pd | P));                   /* PTEs map pages only */
	assert_int_equal(gw_paging_mode(&c), GW_MODE_32BIT);
	assert_int_equal(scan(&c), 4);
	assert_visits(V(pd, 2), V(pt1, 1), V(pt2, 1), V(pt_high, 1));
	assert_int_equal(stats.tables, 4);
	assert_int_equal(stats.reserved_skipped, 1);
	assert_int_equal(stats.unreadable, 0);
	assert_int_equal(stats.entries_read, 1024 + 3); /* the PD, one probe per PT */

	/* Without CR4.PSE, PS is ignored: 0x400000 and 0x800000 are PTs, and
	 * outside RAM. */
	c.cr4 = 0;
	assert_int_equal(scan(&c), 4);
	assert_int_equal(stats.reserved_skipped, 0);
	assert_int_equal(stats.unreadable, 2);
}

/* Windows-style self-map: a PDE pointing at the PD makes it a PT too. */
static void test_32bit_recursive(void **state)
{
	u64 pd = new_page(), pt = new_page();
	struct gw_cpu c = cpu(PG32, pd, CR4_PSE, 0);

	set32(pd, 0x300, (u32)(pd | P | RW));
	set32(pd, 0x301, (u32)(pt | P | RW));
	assert_int_equal(scan(&c), 3);
	assert_visits(V(pd, 2), V(pd, 1), V(pt, 1));
}

/* --- PAE paging (4.4) -------------------------------------------------------- */

static void test_pae(void **state)
{
	u64 pdpt_page = new_page(), pdpt = pdpt_page + 0x20;
	u64 pd1 = new_page(), pd2 = new_page(), pd3 = new_page();
	u64 pt1 = new_page(), pt2 = new_page(), pt3 = new_page();
	struct gw_cpu c = cpu(PG32, pdpt, CR4_PAE, 0);

	set64(pdpt_page, 0, pd3 | P);         /* another 32-byte PDPT in the page: unused */
	set64(pdpt, 0, pd1 | P);
	set64(pdpt, 1, pd2);                  /* not present */
	set64(pdpt, 2, pd1 | P | BIT(3));     /* pd1 again (PWT is fine) */
	set64(pdpt, 3, pd2 | P | RW);         /* R/W is reserved in a PDPTE */
	set64(pd1, 0, 0x200000ULL | PS | P);  /* 2 MiB page */
	set64(pd1, 1, pt1 | P | RW);
	set64(pd1, 2, pt3 | P | XD);          /* XD without NXE: reserved */
	set64(pd1, 3, 0x400000ULL | BIT(13) | PS | P); /* 2 MiB with bit 13: reserved */
	set64(pd1, 511, pt2 | P | RW | US);
	assert_int_equal(gw_paging_mode(&c), GW_MODE_PAE);
	assert_int_equal(scan(&c), 4);
	assert_visits(V(pdpt_page, 3), V(pd1, 2), V(pt1, 1), V(pt2, 1));
	assert_int_equal(stats.reserved_skipped, 3);
	assert_int_equal(stats.entries_read, 4 + 512 + 2);

	/* with NXE, XD is an ordinary bit; bits 62:M are reserved in PAE */
	c.efer = EFER_NXE;
	set64(pd1, 4, pt2 | P | BIT(62));
	assert_int_equal(scan(&c), 5);
	assert_visits(V(pdpt_page, 3), V(pd1, 2), V(pt1, 1), V(pt2, 1), V(pt3, 1));
	assert_int_equal(stats.reserved_skipped, 3);
	/* a PDPTE address bit at or above MAXPHYADDR is reserved */
	set64(pdpt, 0, pd1 | BIT(46) | P);
	assert_int_equal(scan(&c), 5); /* pd1 through PDPTE 2 */
	set64(pdpt, 2, 0);
	assert_int_equal(scan(&c), 1);
	assert_visits(V(pdpt_page, 3));
	assert_int_equal(stats.reserved_skipped, 2);
}

/* A PAE PD mapping itself and the PDPT's page (as 32-bit Windows with PAE). */
static void test_pae_recursive(void **state)
{
	u64 pdpt_page = new_page(), pd = new_page();
	struct gw_cpu c = cpu(PG32, pdpt_page, CR4_PAE, EFER_NXE);

	set64(pdpt_page, 3, pd | P);
	set64(pd, 0x1FC, pd | P | RW);
	set64(pd, 0x1FD, pdpt_page | P | RW);
	assert_int_equal(scan(&c), 4);
	assert_visits(V(pdpt_page, 3), V(pd, 2), V(pd, 1), V(pdpt_page, 1));
}

/* --- 4-level and 5-level paging (4.5) ----------------------------------------- */

static void test_4level(void **state)
{
	u64 pml4 = new_page(), pdpt1 = new_page(), pdpt2 = new_page(), pdpt3 = new_page();
	u64 pd1 = new_page(), pd2 = new_page(), pt1 = new_page(), pt2 = new_page();
	struct gw_cpu c = cpu(PG32, pml4 | 0xFFF /* PCID */, CR4_PAE, LONG_EFER | EFER_NXE);

	set64(0, 0, pdpt3 | P); /* page 0 is a data page: never read as a table */
	set64(pml4, 0, pdpt1 | P | RW | US);
	set64(pml4, 1, pdpt3 | P | PS);        /* PS is reserved in a PML4E */
	set64(pml4, 2, pdpt3 | BIT(46) | P);   /* beyond MAXPHYADDR 46 */
	set64(pml4, 3, pdpt3 | RW);            /* not present */
	set64(pml4, 256, pdpt2 | P | RW | BIT(52) | BIT(62)); /* ignored bits */
	set64(pdpt1, 0, 0 | PS | P);           /* 1 GiB page at 0 */
	set64(pdpt1, 1, pd1 | P | RW);
	set64(pdpt1, 2, 0x40000000ULL | BIT(13) | PS | P); /* 1 GiB with bit 13 */
	set64(pd1, 0, 0 | PS | P);             /* 2 MiB page at 0 */
	set64(pd1, 1, pt1 | P);
	set64(pd1, 2, pt2 | P | XD);           /* NXE: XD is fine */
	set64(pd1, 3, 0x400000ULL | BIT(20) | PS | P); /* 2 MiB with bit 20 */
	set64(pdpt2, 5, pd2 | P);
	assert_int_equal(gw_paging_mode(&c), GW_MODE_4LEVEL);
	assert_int_equal(scan(&c), 7);
	assert_visits(V(pml4, 4), V(pdpt1, 3), V(pdpt2, 3), V(pd1, 2), V(pd2, 2),
		      V(pt1, 1), V(pt2, 1));
	assert_int_equal(stats.reserved_skipped, 4);
	assert_int_equal(stats.unreadable, 0);
	assert_int_equal(stats.entries_read, 5 * 512 + 2);

	/* without NXE, XD is reserved; with phys_bits 47, bit 46 is an address */
	c.efer = LONG_EFER;
	c.phys_bits = 47;
	assert_int_equal(scan(&c), 6);
	assert_int_equal(stats.reserved_skipped, 4);
	assert_int_equal(stats.unreadable, 1); /* pdpt3 | BIT(46) */
}

static void test_5level(void **state)
{
	u64 pml5 = new_page(), pml4 = new_page(), pdpt = new_page(), pd = new_page(),
	    pt = new_page();
	struct gw_cpu c = cpu(PG32, pml5, CR4_PAE | CR4_LA57, LONG_EFER);

	set64(pml5, 0, pml4 | P | RW);
	set64(pml5, 1, pml4 | P | PS); /* PS is reserved in a PML5E */
	set64(pml5, 511, pml4 | P | RW);
	set64(pml4, 7, pdpt | P);
	set64(pdpt, 8, pd | P);
	set64(pd, 9, pt | P);
	assert_int_equal(gw_paging_mode(&c), GW_MODE_5LEVEL);
	assert_int_equal(scan(&c), 5);
	assert_visits(V(pml5, 5), V(pml4, 4), V(pdpt, 3), V(pd, 2), V(pt, 1));
	assert_int_equal(stats.reserved_skipped, 1);

	/* the same pages with LA57 clear: the levels shift by one */
	c.cr4 = CR4_PAE;
	assert_int_equal(scan(&c), 4);
	assert_visits(V(pml5, 4), V(pml4, 3), V(pdpt, 2), V(pd, 1));
	assert_int_equal(stats.reserved_skipped, 1);
}

/* --- sharing, recursion ----------------------------------------------------- */

static void test_shared_tables(void **state)
{
	u64 pml4 = new_page(), pdpt = new_page(), pd = new_page(), pt = new_page(),
	    x = new_page();
	struct gw_cpu c = cpu(PG32, pml4, CR4_PAE, LONG_EFER);

	set64(pml4, 0, pdpt | P);
	set64(pml4, 1, pdpt | P);     /* the same PDPT: visited once */
	set64(pdpt, 0, pd | P);
	set64(pdpt, 1, pd | P);
	set64(pd, 0, pt | P);
	set64(pd, 1, pt | P);
	set64(pdpt, 2, x | P);        /* x as a PD ... */
	set64(x, 0, x | P);           /* ... and as a PT */
	set64(x, 1, pt | P);
	set64(pd, 2, pdpt | P);       /* the PDPT as a PT */
	assert_int_equal(scan(&c), 7);
	assert_visits(V(pml4, 4), V(pdpt, 3), V(pd, 2), V(pt, 1), V(x, 2), V(x, 1), V(pdpt, 1));
}

/* Recursive mapping (PML4[0x1ED] = PML4, as Windows; Linux-style self-maps
 * are alike): every table shows up at its level and every level below,
 * each (page, level) once. */
static void test_recursive_pml4(void **state)
{
	u64 pml4 = new_page(), pdpt = new_page(), pd = new_page(), pt = new_page();
	u64 pdpt_k = new_page(), pd_k = new_page(), pt_k = new_page();
	struct gw_cpu c = cpu(PG32, pml4, CR4_PAE, LONG_EFER | EFER_NXE);

	set64(pml4, 0x1ED, pml4 | P | RW | XD);
	set64(pml4, 0, pdpt | P | RW | US);
	set64(pdpt, 0, pd | P | RW | US);
	set64(pd, 0, pt | P | RW | US);
	set64(pml4, 511, pdpt_k | P | RW);
	set64(pdpt_k, 510, pd_k | P | RW);
	set64(pd_k, 3, pt_k | P | RW);
	assert_int_equal(scan(&c), 16);
	assert_visits(V(pml4, 4), V(pml4, 3), V(pml4, 2), V(pml4, 1),
		      V(pdpt, 3), V(pdpt, 2), V(pdpt, 1), V(pd, 2), V(pd, 1), V(pt, 1),
		      V(pdpt_k, 3), V(pdpt_k, 2), V(pdpt_k, 1), V(pd_k, 2), V(pd_k, 1),
		      V(pt_k, 1));
	assert_int_equal(stats.reserved_skipped, 0);

	/* two self-references and a PML4 that is every table of its walk */
	setup(NULL);
	pml4 = new_page();
	c.cr3 = pml4;
	set64(pml4, 0, pml4 | P);
	set64(pml4, 511, pml4 | P);
	assert_int_equal(scan(&c), 4);
	assert_visits(V(pml4, 4), V(pml4, 3), V(pml4, 2), V(pml4, 1));
}

static void test_recursive_pml5(void **state)
{
	u64 pml5 = new_page();
	struct gw_cpu c = cpu(PG32, pml5, CR4_PAE | CR4_LA57, LONG_EFER);

	for (unsigned i = 0; i < 512; i++)
		set64(pml5, i, pml5 | P | RW);
	assert_int_equal(scan(&c), 5);
	assert_visits(V(pml5, 5), V(pml5, 4), V(pml5, 3), V(pml5, 2), V(pml5, 1));
	assert_int_equal(stats.entries_read, 4 * 512 + 1);
}

/* --- tables outside RAM ------------------------------------------------------ */

static void test_unreadable(void **state)
{
	u64 pml4 = new_page(), pdpt = new_page(), pd = new_page();
	struct gw_cpu c = cpu(PG32, OUTSIDE, CR4_PAE, LONG_EFER);

	assert_int_equal(scan(&c), 0); /* the PML4 itself */
	assert_int_equal(nvisits, 0);
	assert_int_equal(stats.unreadable, 1);

	c.cr3 = pml4;
	set64(pml4, 0, pdpt | P);
	set64(pml4, 1, OUTSIDE | P);          /* OUTSIDE as a PDPT */
	set64(pml4, 2, OUTSIDE | P);          /* again: counted once */
	set64(pdpt, 0, OUTSIDE | P);          /* OUTSIDE as a PD */
	set64(pdpt, 1, pd | P);
	set64(pd, 0, OUTSIDE | P);            /* OUTSIDE as a PT (probed) */
	set64(pd, 1, (MEM_SIZE - 4096) | P);  /* the last page of RAM */
	assert_int_equal(scan(&c), 4);
	assert_visits(V(pml4, 4), V(pdpt, 3), V(pd, 2), V(MEM_SIZE - 4096, 1));
	assert_int_equal(stats.unreadable, 3);

	c = cpu(PG32, MEM_SIZE, 0, 0); /* 32-bit: PD just past the end */
	assert_int_equal(scan(&c), 0);
	assert_int_equal(stats.unreadable, 1);
	c = cpu(PG32, MEM_SIZE, CR4_PAE, 0);
	assert_int_equal(scan(&c), 0);
	assert_int_equal(stats.unreadable, 1);
}

/* A read failing after a table's first chunk (not with page-granular RAM):
 * the scan counts it and goes on, pt_scan_children fails. */
static void test_unreadable_inside_table(void **state)
{
	u64 pml4 = new_page(), pdpt = new_page(), pd = new_page(), pdpt2 = new_page();
	struct gw_cpu c = cpu(PG32, pml4, CR4_PAE, LONG_EFER);

	set64(pml4, 0, pdpt | P);
	set64(pml4, 8, pdpt2 | P); /* in the second 64-byte chunk */
	set64(pdpt, 0, pd | P);
	fail_gpa = pml4 + 64;
	assert_int_equal(scan(&c), 3);
	assert_visits(V(pml4, 4), V(pdpt, 3), V(pd, 2));
	assert_int_equal(stats.unreadable, 1);
	assert_int_equal(children(&c, pml4, 4), -EIO);
	assert_visits(V(pdpt, 3));
}

/* --- limits and aborts ---------------------------------------------------- */

/* pml4 -> pdpt -> pd -> pt1, pt2 */
static struct gw_cpu five_tables(u64 *t)
{
	for (unsigned i = 0; i < 5; i++)
		t[i] = new_page();
	set64(t[0], 0, t[1] | P);
	set64(t[1], 0, t[2] | P);
	set64(t[2], 0, t[3] | P);
	set64(t[2], 1, t[4] | P);
	return cpu(PG32, t[0], CR4_PAE, LONG_EFER);
}

static void test_max_tables(void **state)
{
	u64 t[5];
	struct gw_cpu c = five_tables(t);

	assert_int_equal(pt_scan(&c, &scratch, 5, record, NULL, &stats), 5);
	/* depth first, in entry order */
	assert_int_equal(nvisits, 5);
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(visits[i].gpa, t[i]);
		assert_int_equal(visits[i].level, i < 4 ? 4 - (int)i : 1);
	}
	nvisits = 0;
	assert_int_equal(pt_scan(&c, &scratch, 4, record, NULL, &stats), -E2BIG);
	assert_int_equal(nvisits, 4);
	assert_int_equal(stats.tables, 4);
	nvisits = 0;
	assert_int_equal(pt_scan(&c, &scratch, 1, record, NULL, &stats), -E2BIG);
	assert_visits(V(t[0], 4));
	nvisits = 0;
	assert_int_equal(pt_scan(&c, &scratch, 0, record, NULL, &stats), -E2BIG);
	assert_int_equal(nvisits, 0);
	/* an unreadable table is not a visit: a limit of 0 is enough */
	c.cr3 = OUTSIDE;
	assert_int_equal(pt_scan(&c, &scratch, 0, record, NULL, &stats), 0);
	assert_int_equal(stats.unreadable, 1);
}

/* pml4 -> pdpt -> pds PDs, with pts PTs (empty pages of the zero region,
 * or outside RAM when !readable) spread over them. */
static struct gw_cpu many_tables(unsigned pds, unsigned pts, bool readable)
{
	u64 pml4 = new_page(), pdpt = new_page();

	zero_ram = true;
	set64(pml4, 0, pdpt | P);
	for (unsigned i = 0; i < pds; i++) {
		u64 pd = new_page();

		set64(pdpt, i, pd | P);
		for (unsigned j = 0; j < 512 && i * 512 + j < pts; j++)
			set64(pd, j, ((readable ? ZERO_BASE : GiB(1)) + (i * 512 + j) * 4096ULL) | P);
	}
	return cpu(PG32, pml4, CR4_PAE, LONG_EFER);
}

static void test_visited_set_capacity(void **state)
{
	/* exactly PT_SCAN_MAX_TABLES tables fit */
	struct gw_cpu c = many_tables(6, PT_SCAN_MAX_TABLES - 8, true);

	assert_int_equal(scan(&c), PT_SCAN_MAX_TABLES);
	assert_int_equal(nvisits, PT_SCAN_MAX_TABLES);
	/* one more does not */
	setup(NULL);
	c = many_tables(7, PT_SCAN_MAX_TABLES - 8, true);
	assert_int_equal(scan(&c), -E2BIG);
	assert_int_equal(nvisits, PT_SCAN_MAX_TABLES);
	assert_int_equal(stats.tables, PT_SCAN_MAX_TABLES);
	/* tables outside RAM take room in the set too */
	setup(NULL);
	c = many_tables(7, 7 * 512, false);
	assert_int_equal(scan(&c), -E2BIG);
	assert_int_equal(nvisits, 8); /* pml4, pdpt, PDs 0..5 */
	assert_int_equal(stats.unreadable, PT_SCAN_MAX_TABLES - 8);
}

static void test_callback_abort(void **state)
{
	u64 t[5];
	struct gw_cpu c = five_tables(t);

	abort_at = 2;
	abort_ret = 42;
	assert_int_equal(scan(&c), 42);
	assert_visits(V(t[0], 4), V(t[1], 3));
	assert_int_equal(stats.tables, 2);
	abort_at = 5;
	abort_ret = -EIO;
	assert_int_equal(scan(&c), -EIO);
	assert_int_equal(nvisits, 5);
	abort_at = 1;
	assert_int_equal(children(&c, t[2], 2), -EIO);
	assert_visits(V(t[3], 1));
}

/* --- pt_scan_children --------------------------------------------------------- */

static void test_children_4level(void **state)
{
	u64 pml4 = new_page(), pdpt = new_page(), pd = new_page(), pt = new_page();
	struct gw_cpu c = cpu(PG32, pml4, CR4_PAE, LONG_EFER);

	set64(pml4, 0, pdpt | P);
	set64(pml4, 1, pdpt | P | RW);      /* twice: reported per entry */
	set64(pml4, 2, pd);                 /* not present */
	set64(pml4, 3, pd | P | PS);        /* reserved */
	set64(pml4, 511, OUTSIDE | P);      /* children are not read */
	set64(pdpt, 0, 0 | PS | P);         /* 1 GiB */
	set64(pdpt, 1, pd | P);
	set64(pd, 0, 0 | PS | P);           /* 2 MiB */
	set64(pd, 1, pt | P);
	set64(pd, 2, pt | XD | P);          /* reserved without NXE */
	assert_int_equal(children(&c, pml4, 4), 3);
	assert_visits(V(pdpt, 3), V(pdpt, 3), V(OUTSIDE, 3));
	assert_int_equal(children(&c, pdpt + 0x123, 3), 1); /* rounded down */
	assert_visits(V(pd, 2));
	assert_int_equal(children(&c, pd, 2), 1);
	assert_visits(V(pt, 1));
	assert_int_equal(children(&c, pt, 1), -EINVAL);
	assert_int_equal(children(&c, pml4, 5), -EINVAL);
	assert_int_equal(children(&c, pml4, 0), -EINVAL);
	assert_int_equal(children(&c, pml4, -1), -EINVAL);
	assert_int_equal(children(&c, OUTSIDE, 3), ERR_OUTSIDE);
	assert_int_equal(nvisits, 0);
	/* a table page may be any level: the PML4 read as a PD */
	assert_int_equal(children(&c, pml4, 2), 3);
	assert_visits(V(pdpt, 1), V(pdpt, 1), V(OUTSIDE, 1));
}

static void test_children_5level(void **state)
{
	u64 pml5 = new_page(), pml4 = new_page();
	struct gw_cpu c = cpu(PG32, pml5, CR4_PAE | CR4_LA57, LONG_EFER);

	set64(pml5, 100, pml4 | P);
	set64(pml5, 101, pml5 | P);
	assert_int_equal(children(&c, pml5, 5), 2);
	assert_visits(V(pml4, 4), V(pml5, 4));
	assert_int_equal(children(&c, pml5, 6), -EINVAL);
}

static void test_children_pae(void **state)
{
	u64 pdpt_page = new_page(), pdpt = pdpt_page + 0xFE0, pd = new_page(), pt = new_page();
	struct gw_cpu c = cpu(PG32, pdpt, CR4_PAE, 0);

	set64(pdpt_page, 0, pt | P); /* outside the 4 PDPTEs */
	set64(pdpt, 0, pd | P);
	set64(pdpt, 2, pt | P | BIT(7)); /* reserved in a PDPTE */
	set64(pdpt, 3, pt | P);
	set64(pd, 0, 0x200000ULL | PS | P);
	set64(pd, 1, pt | P);
	assert_int_equal(children(&c, pdpt_page, 3), 2);
	assert_visits(V(pd, 2), V(pt, 2));
	assert_int_equal(children(&c, pdpt, 3), 2);
	assert_int_equal(children(&c, pd, 3), -EINVAL); /* not the PDPT's page */
	assert_int_equal(children(&c, pd, 2), 1);
	assert_visits(V(pt, 1));
	assert_int_equal(children(&c, pdpt_page, 2), 3); /* its page as a PD */
	assert_visits(V(pt, 1), V(pd, 1), V(pt, 1));
	assert_int_equal(children(&c, pd, 4), -EINVAL);
}

static void test_children_32bit(void **state)
{
	u64 pd = new_page(), pt = new_page();
	struct gw_cpu c = cpu(PG32, pd, CR4_PSE, 0);

	set32(pd, 0, 0x00400000u | PS | P);
	set32(pd, 1, (u32)(pt | P));
	set32(pd, 1023, (u32)(pd | P));
	assert_int_equal(children(&c, pd, 2), 2);
	assert_visits(V(pt, 1), V(pd, 1));
	c.cr4 = 0;
	assert_int_equal(children(&c, pd, 2), 3);
	assert_visits(V(0x400000, 1), V(pt, 1), V(pd, 1));
	assert_int_equal(children(&c, pd, 3), -EINVAL);
	assert_int_equal(children(&c, pd, 1), -EINVAL);
}

/* --- random tables, checked against the walker and pt_scan_children ------------ */

static bool visited(u64 page, int level)
{
	for (unsigned i = 0; i < nvisits; i++)
		if (visits[i].gpa == page && (level == 0 || visits[i].level == level))
			return true;
	return false;
}

/* Fills the first pages of RAM with entries pointing mostly at them. */
static void random_tables(u64 *rng, unsigned pages)
{
	static const u64 flag_choices[] = { P, P | RW, P | PS, 0, P | XD, P | US | RW };

	for (u64 off = 0; off < pages * 4096ULL; off += 8) {
		u64 r = test_rand(rng);
		u64 target = (r % (pages + 1)) * 4096; /* sometimes just past the end */
		u64 flags = flag_choices[(r >> 32) % ARRAY_SIZE(flag_choices)];

		put64(mem + off, (r >> 40) % 16 == 0 ? test_rand(rng) : target | flags);
	}
}

static void test_random_against_walker(void **state)
{
	static const struct { u64 cr4, efer; } modes[] = {
		{ 0, 0 }, { CR4_PSE, 0 }, { CR4_PAE, 0 }, { CR4_PAE, EFER_NXE },
		{ CR4_PAE, LONG_EFER }, { CR4_PAE, LONG_EFER | EFER_NXE },
		{ CR4_PAE | CR4_LA57, LONG_EFER },
	};
	u64 rng = 0x5CA1AB1E;
	unsigned pages = 8;

	for (unsigned round = 0; round < 200; round++) {
		struct gw_cpu c;
		int n;

		setup(NULL);
		random_tables(&rng, pages);
		c = cpu(PG32, (test_rand(&rng) % pages) * 4096 + (test_rand(&rng) % 128) * 32,
			modes[round % ARRAY_SIZE(modes)].cr4, modes[round % ARRAY_SIZE(modes)].efer);
		c.phys_bits = 32 + test_rand(&rng) % 21;
		n = scan(&c);
		assert_true(n >= 0 && (unsigned)n == nvisits && n <= (int)(pages + 1) * 5);

		/* every table a translation reads was visited */
		for (unsigned i = 0; i < 64; i++) {
			u64 la = test_rand(&rng);
			struct gw_result r;

			if (i % 2)
				la = (la & 0xFFFFFFFFULL) | (la & BIT(63) ? 0xFFFF800000000000ULL : 0);
			gw_translate(&c, la, 0, &r);
			for (unsigned t = 0; t < r.table_count; t++)
				if (!visited(r.tables[t], 0))
					fail_msg("round %u: walk of %#llx read %#llx, not visited", round,
						 la, r.tables[t]);
		}

		/* the visits are closed under pt_scan_children (less what is
		 * outside RAM), and each one is a child of another (or the root) */
		struct visit all[MEM_PAGES * 5];
		unsigned nall = nvisits;

		memcpy(all, visits, sizeof(*all) * nvisits);
		for (unsigned i = 0; i < nall; i++) {
			if (all[i].level < 2)
				continue;
			assert_true(children(&c, all[i].gpa, all[i].level) >= 0);
			for (unsigned k = 0; k < nvisits; k++) {
				bool found = visits[k].gpa >= MEM_SIZE;

				for (unsigned j = 0; j < nall && !found; j++)
					found = all[j].gpa == visits[k].gpa && all[j].level == visits[k].level;
				if (!found)
					fail_msg("round %u: child (%#llx, %d) of (%#llx, %d) not visited",
						 round, visits[k].gpa, visits[k].level,
						 all[i].gpa, all[i].level);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_paging_off, setup),
		cmocka_unit_test_setup(test_bad_arguments, setup),
		cmocka_unit_test_setup(test_32bit, setup),
		cmocka_unit_test_setup(test_32bit_recursive, setup),
		cmocka_unit_test_setup(test_pae, setup),
		cmocka_unit_test_setup(test_pae_recursive, setup),
		cmocka_unit_test_setup(test_4level, setup),
		cmocka_unit_test_setup(test_5level, setup),
		cmocka_unit_test_setup(test_shared_tables, setup),
		cmocka_unit_test_setup(test_recursive_pml4, setup),
		cmocka_unit_test_setup(test_recursive_pml5, setup),
		cmocka_unit_test_setup(test_unreadable, setup),
		cmocka_unit_test_setup(test_unreadable_inside_table, setup),
		cmocka_unit_test_setup(test_max_tables, setup),
		cmocka_unit_test_setup(test_visited_set_capacity, setup),
		cmocka_unit_test_setup(test_callback_abort, setup),
		cmocka_unit_test_setup(test_children_4level, setup),
		cmocka_unit_test_setup(test_children_5level, setup),
		cmocka_unit_test_setup(test_children_pae, setup),
		cmocka_unit_test_setup(test_children_32bit, setup),
		cmocka_unit_test_setup(test_random_against_walker, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
