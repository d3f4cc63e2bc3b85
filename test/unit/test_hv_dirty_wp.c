// sources-list: test/unit/hv_host.sources
/*
 * Write protection's 2 MiB write traces (hv/dirty_wp.c) on the fake
 * backend, whose stores go through the VM's real stage-2 tables (EPT and
 * NPT formats) and fault where any level withholds the write right: the
 * trace is installed in the directory entry (the leaves keep their
 * rights); the first store splits the region into 4 KiB traces; a region
 * written densely is then traced at 2 MiB again and marked whole on its
 * first store (one exit), split again after WP_DENSE_EPOCHS to measure
 * it; pages the hypervisor wrote leave the trace in place; a region RAM
 * does not fill is traced at 4 KiB; stopping gives every right back.
 */
#include "helpers.h"

#include "arch/x86/mm.h"
#include "fake_vm.h"
#include "hv/dirty_internal.h"
#include "hv/guest_mem.h"

#define PAGE_A FAKE_DATA_GPA
#define PAGE_B (FAKE_DATA_GPA + 5 * PAGE_SIZE_4K)
#define NPAGES (MiB(4) / PAGE_SIZE_4K) /* the largest RAM a test gives */
#define FIRST_STORED 40                /* stores from this page on */

static u64 set[(NPAGES + 63) / 64];
static struct fake_step script[PT_ENTRIES];

/* The leaf's own rights, and those a guest access gets. */
static u32 own(u64 gpa)
{
	u64 hpa;
	u32 prot;

	assert_int_equal(stage2_lookup(&fake_vm.stage2, gpa, &hpa, &prot), 0);
	return prot & S2_RWX;
}

static u32 eff(u64 gpa)
{
	return fake_vm_access(gpa) & S2_RWX;
}

static int setup(void **state)
{
	fake_vm_prepare();
	return 0;
}

static void boot(void **state, u64 ram)
{
	fake_cfg.guest_mem = ram;
	assert_int_equal(fake_vm_create(*state), 0);
	assert_int_equal(fake_vm_start(), 0);
	dirty_log_configure(DIRTY_TRACK_WP);
	assert_int_equal(dirty_log_start(&fake_vm), 0);
	memset(set, 0, sizeof(set));
}

static int teardown(void **state)
{
	dirty_log_stop(&fake_vm);
	dirty_log_configure(DIRTY_TRACK_AUTO);
	fake_vm_destroy();
	return 0;
}

/* Stores to n pages from FIRST_STORED, each writing back the word that
 * is there (the fake kernel's pages keep their contents); returns the
 * exits they took. */
static u64 store_pages(unsigned n)
{
	u64 before = fake.npf_exits;

	for (unsigned i = 0; i < n; i++) {
		u64 gpa = (u64)(FIRST_STORED + i) * PAGE_SIZE_4K + 8;

		script[i] = (struct fake_step)FAKE_STORE(gpa, *(u64 *)(fake_vm.ram + gpa), 8);
	}
	fake_vm_run_script(script, n);
	return fake.npf_exits - before;
}

static u64 harvest(void)
{
	memset(set, 0, sizeof(set));
	return dirty_log_harvest(&fake_vm, set);
}

/* The trace is the directory entry's: every leaf keeps its write right,
 * yet no page is writable to the guest. */
static void test_trace_in_directory_entry(void **state)
{
	boot(state, MiB(2));
	assert_int_equal(own(0), S2_RWX);
	assert_int_equal(own(PAGE_A), S2_RWX);
	assert_int_equal(own(MiB(2) - PAGE_SIZE_4K), S2_RWX);
	assert_int_equal(eff(0), S2_R | S2_X);
	assert_int_equal(eff(PAGE_A), S2_R | S2_X);
	assert_int_equal(eff(MiB(2) - PAGE_SIZE_4K), S2_R | S2_X);
}

/* The first store splits the region: one exit marks its page and
 * protects the other leaves; each other page costs its own exit once; the
 * harvest protects the harvested pages again and the region stays split. */
static void test_first_store_splits(void **state)
{
	const struct fake_step steps[] = {
		FAKE_STORE(PAGE_A, 1, 8), FAKE_STORE(PAGE_A + 8, 2, 8), FAKE_STORE(PAGE_B, 3, 8),
	};

	boot(state, MiB(2));
	fake_vm_run_script(steps, ARRAY_SIZE(steps));
	assert_int_equal(fake.npf_exits, 2);
	assert_int_equal(dirty_log_stats()->splits, 1);
	assert_int_equal(own(PAGE_A), S2_RWX);
	assert_int_equal(own(PAGE_A + PAGE_SIZE_4K), S2_R | S2_X);
	assert_int_equal(eff(PAGE_A + PAGE_SIZE_4K), S2_R | S2_X);
	assert_int_equal(eff(PAGE_B), S2_RWX);
	assert_int_equal(harvest(), 2);
	assert_int_equal(own(PAGE_A), S2_R | S2_X);
	assert_int_equal(own(PAGE_B), S2_R | S2_X);
	fake_vm_run_script(steps, 1);
	assert_int_equal(fake.npf_exits, 3);
	assert_int_equal(dirty_log_stats()->splits, 1);
}

/* A page the hypervisor wrote is handed out without touching the trace:
 * the guest's next store still takes the region's first exit. */
static void test_noted_keeps_trace(void **state)
{
	const struct fake_step steps[] = { FAKE_STORE(PAGE_A, 1, 8) };
	u8 byte = 7;

	boot(state, MiB(2));
	assert_int_equal(vm_write_gpa(&fake_vm, PAGE_A, &byte, 1), 0);
	assert_int_equal(harvest(), 1);
	assert_int_equal(own(PAGE_A), S2_RWX);
	assert_int_equal(eff(PAGE_A), S2_R | S2_X);
	fake_vm_run_script(steps, 1);
	assert_int_equal(fake.npf_exits, 1);
	assert_int_equal(dirty_log_stats()->splits, 1);
}

/* One page short of dense: the region stays split, a store per exit. */
static void test_sparse_stays_split(void **state)
{
	boot(state, MiB(2));
	assert_int_equal(store_pages(WP_DENSE_PAGES - 1), WP_DENSE_PAGES - 1);
	assert_int_equal(harvest(), WP_DENSE_PAGES - 1);
	assert_int_equal(store_pages(WP_DENSE_PAGES - 1), WP_DENSE_PAGES - 1);
	assert_int_equal(dirty_log_stats()->wholes, 0);
}

/* Dense: the harvest traces the region at 2 MiB again (its leaves
 * writable); each of the next WP_DENSE_EPOCHS epochs takes one exit and
 * hands the whole region out; then it is split again to measure it, and
 * found dense, is marked whole again. */
static void test_dense_marked_whole(void **state)
{
	boot(state, MiB(2));
	assert_int_equal(store_pages(WP_DENSE_PAGES), WP_DENSE_PAGES);
	assert_int_equal(harvest(), WP_DENSE_PAGES);
	assert_int_equal(own(PAGE_A), S2_RWX);
	assert_int_equal(eff(PAGE_A), S2_R | S2_X);
	for (int epoch = 0; epoch < WP_DENSE_EPOCHS; epoch++) {
		assert_int_equal(store_pages(WP_DENSE_PAGES), 1);
		assert_int_equal(harvest(), PT_ENTRIES);
		assert_int_equal(eff(PAGE_A), S2_R | S2_X);
	}
	assert_int_equal(dirty_log_stats()->wholes, WP_DENSE_EPOCHS);
	assert_int_equal(store_pages(10), 10);
	assert_int_equal(harvest(), 10);
	assert_int_equal(dirty_log_stats()->splits, 2);
	assert_int_equal(store_pages(WP_DENSE_PAGES), WP_DENSE_PAGES);
	assert_int_equal(harvest(), WP_DENSE_PAGES);
	assert_int_equal(store_pages(WP_DENSE_PAGES), 1); /* dense again */
}

/* RAM ending inside a region: that region is traced at 4 KiB (its
 * directory entry could map more than RAM); the full one at 2 MiB. */
static void test_short_region_4k(void **state)
{
	const struct fake_step steps[] = { FAKE_STORE(MiB(2) + PAGE_SIZE_4K, 1, 8) };

	boot(state, MiB(3));
	assert_int_equal(own(0), S2_RWX);
	assert_int_equal(own(MiB(2)), S2_R | S2_X);
	assert_int_equal(eff(MiB(3) - PAGE_SIZE_4K), S2_R | S2_X);
	fake_vm_run_script(steps, 1);
	assert_int_equal(fake.npf_exits, 1);
	assert_int_equal(dirty_log_stats()->splits, 0);
	assert_int_equal(harvest(), 1);
	assert_true(set[(MiB(2) / PAGE_SIZE_4K + 1) / 64] & (1ULL << ((MiB(2) / PAGE_SIZE_4K + 1) % 64)));
}

/* Stopping gives the write right back at both levels, whatever state
 * each region was in (split, whole, traced). */
static void test_stop_restores(void **state)
{
	boot(state, MiB(4));
	assert_int_equal(store_pages(WP_DENSE_PAGES), WP_DENSE_PAGES);
	assert_int_equal(harvest(), WP_DENSE_PAGES);
	assert_int_equal(store_pages(1), 1); /* region 0 whole */
	dirty_log_stop(&fake_vm);
	for (u64 gpa = 0; gpa < MiB(4); gpa += PAGE_SIZE_4K)
		if (eff(gpa) != S2_RWX || own(gpa) != S2_RWX)
			fail_msg("%#llx left protected after stop", (unsigned long long)gpa);
}

#define ON(f, hw) { #f " on " #hw, f, setup, teardown, (void *)&hw }
#define BOTH(f) ON(f, fake_backend_ept), ON(f, fake_backend_npt)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_trace_in_directory_entry),
		BOTH(test_first_store_splits),
		BOTH(test_noted_keeps_trace),
		BOTH(test_sparse_stays_split),
		BOTH(test_dense_marked_whole),
		BOTH(test_short_region_4k),
		BOTH(test_stop_restores),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
