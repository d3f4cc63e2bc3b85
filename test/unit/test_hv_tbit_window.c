// sources-list: test/unit/hv_host.sources
/*
 * The T bit (hv/rr/tbit.c) and the write window (hv/rr/write_window.c) on the
 * fake backend, whose guest stores go through the VM's real stage-2
 * tables (EPT and NPT formats). The guest runs in long mode on 4-level
 * page tables in its RAM: the T bit must find and write-protect them, let
 * a store into one through for exactly one instruction, protect it again
 * and flush the guest's TLB, follow a new child table, and rescan at a CR3
 * write. The write window must let a store outside it exit once and take
 * its page in, let its oldest page go when full, hand the dirty pages over
 * to a digest, and hash exactly its own pages.
 */
#include "helpers.h"

#include "arch/x86/mm.h"
#include "errno.h"
#include "fake_vm.h"
#include "hv/guest_mem.h"
#include "hv/rr/write_window.h"
#include "hv/rr/rr_digest.h"
#include "hv/rr/tbit.h"

/* Two 4-level hierarchies (PML4, PDPT, PD, PT), each identity-mapping the
 * first 2 MiB with 4 KiB pages, and a spare page for a new table. */
#define TABLES_A 0x180000ULL
#define TABLES_B 0x190000ULL
#define SPARE_TABLE 0x1A0000ULL
#define TABLE_LEVELS 4
#define PTE_RW (PTE_P | PTE_W)
#define SLOT_BYTES 8             /* one 64-bit entry */
#define PAGE_A FAKE_DATA_GPA
#define PAGE_B (FAKE_DATA_GPA + 3 * PAGE_SIZE_4K)
#define PROT_MARKED (S2_R | S2_X | S2_TBIT)

static const struct virt_backend *hw;

static void put_entry(u64 table, unsigned index, u64 entry)
{
	assert_int_equal(vm_write_gpa(&fake_vm, table + index * SLOT_BYTES, &entry, sizeof(entry)), 0);
}

static u64 get_entry(u64 table, unsigned index)
{
	u64 entry;

	assert_int_equal(vm_read_gpa(&fake_vm, table + index * SLOT_BYTES, &entry, sizeof(entry)), 0);
	return entry;
}

/* A hierarchy at base: tables at base, +4K, +8K, +12K. */
static void build_tables(u64 base)
{
	u64 pml4 = base, pdpt = base + PAGE_SIZE_4K, pd = pdpt + PAGE_SIZE_4K, pt = pd + PAGE_SIZE_4K;

	put_entry(pml4, 0, pdpt | PTE_RW);
	put_entry(pdpt, 0, pd | PTE_RW);
	put_entry(pd, 0, pt | PTE_RW);
	for (unsigned i = 0; i < PT_L64_ENTRIES; i++)
		put_entry(pt, i, i * PAGE_SIZE_4K | PTE_RW);
}

static u64 table(u64 base, int level)
{
	return base + (u64)(TABLE_LEVELS - level) * PAGE_SIZE_4K;
}

/* The guest in 64-bit mode with paging on hierarchy A. */
static void enter_long_mode(void)
{
	build_tables(TABLES_A);
	build_tables(TABLES_B);
	fake.s.cr0 |= CR0_PG;
	fake.s.cr4 = CR4_PAE;
	fake.s.cr3 = TABLES_A;
	fake.s.efer = EFER_LME | EFER_LMA;
	fake.s.seg[SEG_CS].ar = (fake.s.seg[SEG_CS].ar | SEG_AR_L) & ~SEG_AR_DB;
}

static u32 prot_of(u64 gpa)
{
	u64 hpa;
	u32 prot;

	assert_int_equal(stage2_lookup(&fake_vm.stage2, gpa, &hpa, &prot), 0);
	assert_true(hpa == virt_to_phys(fake_vm.ram) + gpa); /* never remapped */
	return prot & (S2_RWX | S2_TBIT);
}

static void assert_prot(u64 gpa, u32 want)
{
	u32 prot = prot_of(gpa);

	if (prot != want)
		fail_msg("page %#llx: rights %#x, expected %#x", gpa, prot, want);
}

static void assert_marked(u64 base, bool marked)
{
	for (int level = 1; level <= TABLE_LEVELS; level++)
		assert_prot(table(base, level), marked ? PROT_MARKED : S2_RWX);
}

/* A guest in long mode on hierarchy A with the T bit on (and no record or
 * replay: no dirty tracking). */
static int setup_tbit(void **state)
{
	hw = *state;
	fake_vm_prepare();
	fake_cfg.tbit = TBIT_ON;
	assert_int_equal(fake_vm_create(hw), 0);
	enter_long_mode();
	assert_int_equal(fake_vm_start(), 0);
	return 0;
}

/* A guest with the write window only. */
static int setup_window(void **state)
{
	hw = *state;
	fake_vm_prepare();
	assert_int_equal(fake_vm_create(hw), 0);
	assert_int_equal(ww_init(&fake_vm, fake_vm.boot_written_end), 0);
	assert_int_equal(fake_vm_start(), 0);
	return 0;
}

/* Both, as a record run has them. */
static int setup_both(void **state)
{
	hw = *state;
	fake_vm_prepare();
	fake_cfg.tbit = TBIT_ON;
	assert_int_equal(fake_vm_create(hw), 0);
	enter_long_mode();
	assert_int_equal(ww_init(&fake_vm, fake_vm.boot_written_end), 0);
	assert_int_equal(fake_vm_start(), 0);
	return 0;
}

static int teardown(void **state)
{
	fake_vm_destroy();
	return 0;
}

/* --- the T bit ------------------------------------------------------------------------- */

/* At start every table reachable from CR3 is write-protected and marked;
 * CR3 loads will exit. */
static void test_tables_marked(void **state)
{
	struct tbit_state *t = fake_vm.tbit;

	assert_non_null(t);
	assert_marked(TABLES_A, true);
	assert_marked(TABLES_B, false);
	assert_prot(PAGE_A, S2_RWX);
	assert_int_equal(t->stats.marked, TABLE_LEVELS);
	assert_int_equal(t->stats.rescans, 1);
	assert_true(fake.cr3_exiting);
	assert_true(fake.stage2_flushes >= 1);
}

/* A store into a page table exits, runs alone single-stepped with the page
 * writable, and the page is protected again and the guest's TLB flushed;
 * both exits are landmarks (replay meets them at the same instructions). */
static void test_table_store_single_stepped(void **state)
{
	const u64 pt = table(TABLES_A, 1), pte = 0x1FF000 | PTE_RW;
	const struct fake_step script[] = {
		FAKE_STORE(pt + 5 * SLOT_BYTES, pte, SLOT_BYTES), FAKE_NOP, FAKE_NOP,
	};
	struct tbit_stats *s = &fake_vm.tbit->stats;

	fake_vm_run_script(script, ARRAY_SIZE(script));
	assert_true(get_entry(pt, 5) == pte);
	assert_int_equal(fake.npf_exits, 1);
	assert_int_equal(fake.single_step_ons, 1);
	assert_int_equal(fake.mtf_exits, 1);
	assert_false(fake.single_step);
	assert_int_equal(fake.guest_tlb_flushes, 1);
	assert_int_equal(s->write_exits, 1);
	assert_int_equal(s->step_exits, 1);
	assert_int_equal(s->guest_flushes, 1);
	assert_int_equal(s->aborted_steps, 0);
	assert_marked(TABLES_A, true);
	assert_int_equal(fake_vm.stats.guest_caused_exits, 3); /* write, step, exit port */
}

/* A store that links a new table into the hierarchy marks the new table
 * as the step ends. */
static void test_new_child_table_followed(void **state)
{
	const u64 pd = table(TABLES_A, 2);
	const struct fake_step script[] = {
		FAKE_STORE(pd + 1 * SLOT_BYTES, SPARE_TABLE | PTE_RW, SLOT_BYTES),
	};

	assert_prot(SPARE_TABLE, S2_RWX);
	fake_vm_run_script(script, ARRAY_SIZE(script));
	assert_prot(SPARE_TABLE, PROT_MARKED);
	assert_marked(TABLES_A, true);
	assert_int_equal(fake_vm.tbit->stats.marked, TABLE_LEVELS + 1);
}

/* A CR3 load rescans: the new hierarchy is marked, the old one released. */
static void test_cr3_load_rescans(void **state)
{
	const struct fake_step script[] = { FAKE_MOV_TO_CR(3, TABLES_B) };
	unsigned flushes = fake.stage2_flushes;

	fake_vm_run_script(script, ARRAY_SIZE(script));
	assert_true(fake.s.cr3 == TABLES_B);
	assert_marked(TABLES_B, true);
	assert_marked(TABLES_A, false);
	assert_int_equal(fake_vm.tbit->stats.rescans, 2);
	assert_int_equal(fake_vm.tbit->stats.marked, TABLE_LEVELS);
	assert_true(fake.stage2_flushes > flushes);
}

/* --- the write window --------------------------------------------------------------------- */

static bool dirty(u64 gpa)
{
	const u64 *bits = ww_dirty_bits(&fake_vm);
	u64 p = gpa / PAGE_SIZE_4K;

	return bits[p / 64] >> (p % 64) & 1;
}

/* All RAM starts write-protected with an empty window; what the loader
 * wrote starts dirty, the rest is known to be zero. */
static void test_window_starts_empty(void **state)
{
	u64 first_clean = ALIGN_UP(fake_vm.boot_written_end, PAGE_SIZE_4K);

	assert_true(first_clean > FAKE_KERNEL_LOAD);
	assert_true(dirty(FAKE_KERNEL_LOAD));
	assert_false(dirty(first_clean));
	assert_prot(FAKE_KERNEL_LOAD, S2_R | S2_X);
	assert_prot(first_clean, S2_R | S2_X);
	assert_prot(FAKE_VM_RAM - PAGE_SIZE_4K, S2_R | S2_X);
	assert_int_equal(fake_vm.window->count, 0);
	assert_true(fake.stage2_flushes >= 1);
}

/* A store outside the window exits once and its page joins the window;
 * later stores to it run freely. These exits are landmarks: replay meets
 * them at the same instructions. */
static void test_store_joins_window(void **state)
{
	const struct fake_step script[] = {
		FAKE_STORE(PAGE_A, 1, 8), FAKE_STORE(PAGE_A + 8, 2, 8), FAKE_STORE(PAGE_B, 3, 4),
	};

	fake_vm_run_script(script, ARRAY_SIZE(script));
	assert_int_equal(fake.npf_exits, 2);
	assert_int_equal(fake_vm.window->stats.faults, 2);
	assert_true(dirty(PAGE_A));
	assert_true(dirty(PAGE_B));
	assert_false(dirty(PAGE_A + PAGE_SIZE_4K));
	assert_prot(PAGE_A, S2_RWX);
	assert_prot(PAGE_B, S2_RWX);
	assert_int_equal(fake_vm.stats.guest_caused_exits, 3); /* two faults and the exit port */
	assert_int_equal(fake_vm.stats.exits[VEXIT_NPF], 2);
	assert_true(*(u64 *)(fake_vm.ram + PAGE_A + 8) == 2);
}

/* A full window lets its oldest page go, protected again: the next store
 * to it exits again. */
static void test_window_evicts_oldest(void **state)
{
	struct fake_step script[WW_PAGES + 2];
	const unsigned size = fake_vm.window->size;

	for (unsigned i = 0; i <= size; i++)
		script[i] = (struct fake_step)FAKE_STORE(PAGE_A + i * PAGE_SIZE_4K, i, 4);
	script[size + 1] = (struct fake_step)FAKE_STORE(PAGE_A, 99, 4);
	fake_vm_run_script(script, size + 1);
	assert_int_equal(fake_vm.window->stats.evictions, 1);
	assert_prot(PAGE_A, S2_R | S2_X);
	assert_prot(PAGE_A + size * PAGE_SIZE_4K, S2_RWX);
	assert_true(dirty(PAGE_A)); /* until the next digest */
	fake.npf_exits = 0;
	fake_vm_run_script(script + size + 1, 1);
	assert_int_equal(fake.npf_exits, 1);
	assert_int_equal(fake_vm.window->stats.evictions, 2);
}

/* Emptied (where a snapshot is taken while recording), the window is as
 * at the start: its pages protected again, the next store to them exits,
 * and they stay dirty until a digest. */
static void test_window_emptied(void **state)
{
	const struct fake_step script[] = {
		FAKE_STORE(PAGE_A, 1, 8), FAKE_STORE(PAGE_B, 2, 8), FAKE_STORE(PAGE_A, 3, 8),
	};
	u64 flushes;

	fake_vm_run_script(script, 2);
	assert_int_equal(fake_vm.window->count, 2);
	flushes = fake.stage2_flushes;
	ww_empty(&fake_vm);
	assert_int_equal(fake_vm.window->count, 0);
	assert_false(ww_contains(&fake_vm, PAGE_A / PAGE_SIZE_4K));
	assert_prot(PAGE_A, S2_R | S2_X);
	assert_prot(PAGE_B, S2_R | S2_X);
	assert_true(dirty(PAGE_A) && dirty(PAGE_B));
	assert_true(fake.stage2_flushes > flushes);
	fake.npf_exits = 0;
	fake_vm_run_script(script + 2, 1);
	assert_int_equal(fake.npf_exits, 1);
	assert_true(ww_contains(&fake_vm, PAGE_A / PAGE_SIZE_4K));
	assert_int_equal(fake_vm.window->slot[0], PAGE_A / PAGE_SIZE_4K);
}

/* A digest rehashes the dirty pages only: after a first harvest, the pages
 * the guest then stored to are exactly those reported changed; after the
 * digest only the pages still in the window stay dirty. */
static void test_dirty_pages_harvested(void **state)
{
	const struct fake_step script[] = { FAKE_STORE(PAGE_B, 7, 8), FAKE_STORE(PAGE_A, 9, 8) };
	u64 npages = FAKE_VM_RAM / PAGE_SIZE_4K, n;
	static u64 prev[FAKE_VM_RAM / PAGE_SIZE_4K];
	static struct rrlog_page_hash changed[FAKE_VM_RAM / PAGE_SIZE_4K];

	memset(prev, 0, sizeof(prev));
	rr_digest_memory(fake_vm.ram, npages, ww_dirty_bits(&fake_vm), prev, changed, &n);
	ww_digest_taken(&fake_vm);
	assert_true(n >= 1); /* the kernel's pages */
	assert_false(dirty(FAKE_KERNEL_LOAD));
	fake_vm_run_script(script, ARRAY_SIZE(script));
	rr_digest_memory(fake_vm.ram, npages, ww_dirty_bits(&fake_vm), prev, changed, &n);
	assert_int_equal(n, 2);
	assert_true(changed[0].page == PAGE_A / PAGE_SIZE_4K && changed[1].page == PAGE_B / PAGE_SIZE_4K);
	ww_digest_taken(&fake_vm);
	assert_true(dirty(PAGE_A)); /* still writable: it may change again */
	assert_false(dirty(FAKE_KERNEL_LOAD));
}

/* The contents hash covers the window's pages and nothing else. */
static void test_contents_hash(void **state)
{
	const struct fake_step script[] = { FAKE_STORE(PAGE_A, 1, 4) };
	u64 empty, before;

	empty = ww_contents_hash(&fake_vm);
	fake_vm_run_script(script, ARRAY_SIZE(script));
	before = ww_contents_hash(&fake_vm);
	assert_true(before != empty);
	fake_vm.ram[PAGE_B] ^= 1; /* outside the window */
	assert_true(ww_contents_hash(&fake_vm) == before);
	fake_vm.ram[PAGE_A + 100] ^= 1;
	assert_true(ww_contents_hash(&fake_vm) != before);
}

static bool has_page(const u64 *pages, unsigned n, u64 gpa)
{
	for (unsigned i = 0; i < n; i++)
		if (pages[i] == gpa / PAGE_SIZE_4K)
			return true;
	return false;
}

/* Where the CPU sets stage-2 dirty flags (NPT always; here the fake's
 * A/D), a delivery logs only the window's pages written since the last
 * window fault or delivery: the second fault proves the flags by the page
 * that joined at the first and clears them, so a take gives the page
 * written since (the one that joined); a store to a page already in the
 * window is found by its flag alone; each take clears the flags and
 * flushes stage 2, and nothing written gives nothing. */
static void test_take_written_by_dirty_flags(void **state)
{
	const struct fake_step joins[] = { FAKE_STORE(PAGE_A, 1, 8), FAKE_STORE(PAGE_B, 2, 8) };
	const struct fake_step again[] = { FAKE_STORE(PAGE_B + 16, 3, 8) };
	u64 pages[WW_PAGES], flushes;
	unsigned n;

	fake.ad_on = true;
	fake_vm_run_script(joins, ARRAY_SIZE(joins));
	assert_string_equal(ww_dirty_flags_name(&fake_vm), "proven");
	n = ww_take_written(&fake_vm, pages);
	assert_int_equal(n, 1);
	assert_true(has_page(pages, n, PAGE_B));
	fake_vm_run_script(again, ARRAY_SIZE(again));
	flushes = fake.stage2_flushes;
	n = ww_take_written(&fake_vm, pages);
	assert_int_equal(n, 1);
	assert_true(has_page(pages, n, PAGE_B));
	assert_int_equal(fake.stage2_flushes, flushes + 1);
	assert_int_equal(ww_take_written(&fake_vm, pages), 0);
	assert_int_equal(fake_vm.window->stats.takes, 3);
	assert_int_equal(fake_vm.window->stats.pages_taken, 2);
	assert_int_equal(fake_vm.window->stats.pages_offered, 6);
}

/* Where the CPU claims them but sets none (an emulator's NPT could),
 * pages that joined show no flag: every take gives the whole window while
 * the flags are unknown, and WW_FLAGS_TRIES joined pages without one make
 * them absent for good. */
static void test_take_written_without_flags(void **state)
{
	struct fake_step joins[WW_FLAGS_TRIES + 1];
	u64 pages[WW_PAGES];

	for (unsigned i = 0; i <= WW_FLAGS_TRIES; i++)
		joins[i] = (struct fake_step)FAKE_STORE(PAGE_A + i * PAGE_SIZE_4K, i, 8);
	fake_vm_run_script(joins, 2);
	assert_int_equal(ww_take_written(&fake_vm, pages), 2);
	assert_string_equal(ww_dirty_flags_name(&fake_vm), "unknown");
	fake_vm_run_script(joins + 2, WW_FLAGS_TRIES - 1);
	assert_string_equal(ww_dirty_flags_name(&fake_vm), "absent");
	fake.ad_on = true;
	assert_int_equal(ww_take_written(&fake_vm, pages), WW_FLAGS_TRIES + 1); /* absent stays */
}

/* A probe's measure by the dirty flags: after a mark, nothing written
 * reads as nothing; a store into a page already in the window (no fault)
 * reads as written until the next mark. Without the flags the mark says
 * so (the recorder hashes instead), and a mark never hides a write from
 * the next take. */
static void test_mark_tells_writes(void **state)
{
	const struct fake_step joins[] = { FAKE_STORE(PAGE_A, 1, 8), FAKE_STORE(PAGE_B, 2, 8) };
	const struct fake_step again[] = { FAKE_STORE(PAGE_A + 64, 3, 8) };
	u64 pages[WW_PAGES];
	unsigned n;

	assert_false(ww_mark(&fake_vm)); /* nothing proven yet */
	fake.ad_on = true;
	fake_vm_run_script(joins, ARRAY_SIZE(joins));
	assert_true(ww_mark(&fake_vm));
	assert_false(ww_written_since_mark(&fake_vm));
	fake_vm_run_script(again, ARRAY_SIZE(again));
	assert_int_equal(fake_vm.window->stats.faults, 2); /* PAGE_A was in the window */
	assert_true(ww_written_since_mark(&fake_vm));
	assert_true(ww_written_since_mark(&fake_vm)); /* until the next mark */
	assert_true(ww_mark(&fake_vm));
	assert_false(ww_written_since_mark(&fake_vm));
	n = ww_take_written(&fake_vm, pages); /* B since the last fault, A since */
	assert_int_equal(n, 2);
	assert_true(has_page(pages, n, PAGE_A) && has_page(pages, n, PAGE_B));
}

/* EPT's A/D flags would make every guest page walk a write (the window
 * keeps them off): its window is the small one, the flags stay unknown
 * and every take gives the whole window, every mark asks for the hash. */
static void test_no_flags_under_ept(void **state)
{
	const struct fake_step joins[] = { FAKE_STORE(PAGE_A, 1, 8), FAKE_STORE(PAGE_B, 2, 8) };
	u64 pages[WW_PAGES];

	fake.ad_on = true;
	assert_int_equal(fake_vm.window->size, WW_PAGES_WITHOUT_FLAGS);
	fake_vm_run_script(joins, ARRAY_SIZE(joins));
	assert_false(ww_mark(&fake_vm));
	assert_int_equal(ww_take_written(&fake_vm, pages), 2);
	assert_int_equal(ww_take_written(&fake_vm, pages), 2);
	assert_string_equal(ww_dirty_flags_name(&fake_vm), "unknown");
}

/* A replay takes the log's window size (16 pages before format version
 * 5): the window then evicts at that size. Refused once the window holds
 * pages, or out of range. */
static void test_window_size_set(void **state)
{
	struct fake_step script[WW_PAGES_LEGACY + 1];

	assert_int_equal(fake_vm.window->size, hw == &fake_backend_npt ? WW_PAGES_WITH_FLAGS
									: WW_PAGES_WITHOUT_FLAGS);
	assert_int_equal(ww_set_size(&fake_vm, 0), -EINVAL);
	assert_int_equal(ww_set_size(&fake_vm, WW_PAGES + 1), -EINVAL);
	assert_int_equal(ww_set_size(&fake_vm, WW_PAGES_LEGACY), 0);
	for (unsigned i = 0; i <= WW_PAGES_LEGACY; i++)
		script[i] = (struct fake_step)FAKE_STORE(PAGE_A + i * PAGE_SIZE_4K, i, 4);
	fake_vm_run_script(script, WW_PAGES_LEGACY + 1);
	assert_int_equal(fake_vm.window->count, WW_PAGES_LEGACY);
	assert_int_equal(fake_vm.window->stats.evictions, 1);
	assert_prot(PAGE_A, S2_R | S2_X);
	assert_int_equal(ww_page_at(fake_vm.window, 0), PAGE_A / PAGE_SIZE_4K + 1);
	assert_int_equal(ww_set_size(&fake_vm, WW_PAGES), -EINVAL); /* not empty */
}

static void test_take_written_while_dirty_log_runs(void **state)
{
	const struct fake_step joins[] = { FAKE_STORE(PAGE_A, 1, 8), FAKE_STORE(PAGE_B, 2, 8) };
	u64 pages[WW_PAGES];

	fake.ad_on = true;
	fake_vm_run_script(joins, ARRAY_SIZE(joins));
	assert_int_equal(ww_take_written(&fake_vm, pages), 1);
	assert_int_equal(ww_take_written(&fake_vm, pages), 0);
	fake_vm.dirty = (struct dirty_log *)&fake_vm; /* any non-NULL: it runs */
	assert_int_equal(ww_take_written(&fake_vm, pages), 2);
	fake_vm.dirty = NULL;
}

/* With both on, a store into a page table is the T bit's (it marks the
 * page dirty itself); a digest leaves the T bit's protection alone. */
static void test_table_store_with_window(void **state)
{
	const u64 pt = table(TABLES_A, 1);
	const struct fake_step script[] = { FAKE_STORE(pt, PTE_RW, SLOT_BYTES) };

	ww_digest_taken(&fake_vm);
	fake_vm_run_script(script, ARRAY_SIZE(script));
	assert_int_equal(fake_vm.tbit->stats.write_exits, 1);
	assert_int_equal(fake_vm.window->stats.faults, 0);
	assert_true(dirty(pt));
	ww_digest_taken(&fake_vm);
	assert_prot(pt, PROT_MARKED);
}

/* A side that runs its guest on without record or replay (hv/ft_join.c)
 * lets both go: every page writable again, CR3 loads no longer exit, a
 * store to a table or outside the window runs without an exit; turned on
 * again for a recording that starts there, they reuse their maps and
 * protect as at the start, every page dirty (a migrated guest's RAM). */
static void test_stopped_then_started_again(void **state)
{
	const u64 pt = table(TABLES_A, 1);
	const struct fake_step script[] = { FAKE_STORE(PAGE_A, 1, 8), FAKE_STORE(pt, PTE_RW, 8) };
	struct write_window *w = fake_vm.window;
	struct tbit_state *t = fake_vm.tbit;
	u8 *mark = t->mark;

	assert_true(tbit_stop(&fake_vm));
	ww_stop(&fake_vm);
	assert_null(fake_vm.tbit);
	assert_null(fake_vm.window);
	assert_false(fake.cr3_exiting);
	assert_marked(TABLES_A, false);
	assert_prot(PAGE_A, S2_RWX);
	fake.npf_exits = 0;
	fake_vm_run_script(script, ARRAY_SIZE(script));
	assert_int_equal(fake.npf_exits, 0);
	assert_int_equal(ww_init(&fake_vm, FAKE_VM_RAM), 0);
	assert_int_equal(tbit_init(&fake_vm, &fake_cfg), 0);
	assert_ptr_equal(fake_vm.window, w);
	assert_ptr_equal(fake_vm.tbit, t);
	assert_ptr_equal(t->mark, mark);
	assert_marked(TABLES_A, true);
	assert_prot(PAGE_A, S2_R | S2_X);
	assert_int_equal(fake_vm.window->count, 0);
	assert_true(dirty(PAGE_A) && dirty(FAKE_VM_RAM - PAGE_SIZE_4K));
	assert_true(fake.cr3_exiting);
}

#define ON(f, setup, hw) { #f " on " #hw, f, setup, teardown, (void *)&hw }
#define BOTH(f, setup) ON(f, setup, fake_backend_ept), ON(f, setup, fake_backend_npt)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_tables_marked, setup_tbit),
		BOTH(test_table_store_single_stepped, setup_tbit),
		BOTH(test_new_child_table_followed, setup_tbit),
		BOTH(test_cr3_load_rescans, setup_tbit),
		BOTH(test_window_starts_empty, setup_window),
		BOTH(test_store_joins_window, setup_window),
		BOTH(test_window_evicts_oldest, setup_window),
		BOTH(test_window_emptied, setup_window),
		BOTH(test_dirty_pages_harvested, setup_window),
		BOTH(test_contents_hash, setup_window),
		ON(test_take_written_by_dirty_flags, setup_window, fake_backend_npt),
		ON(test_take_written_without_flags, setup_window, fake_backend_npt),
		ON(test_take_written_while_dirty_log_runs, setup_window, fake_backend_npt),
		ON(test_mark_tells_writes, setup_window, fake_backend_npt),
		ON(test_no_flags_under_ept, setup_window, fake_backend_ept),
		BOTH(test_window_size_set, setup_window),
		BOTH(test_table_store_with_window, setup_both),
		BOTH(test_stopped_then_started_again, setup_both),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
