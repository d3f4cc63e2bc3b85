// sources-list: test/unit/hv_host.sources
/*
 * Live migration's dirty log (hv/dirty_log.c) on the fake backend, whose
 * guest stores go through the VM's real stage-2 tables (EPT and NPT
 * formats): every page protected at start, the first store to a page
 * exits once (not a landmark) and marks it, later stores run freely, a
 * harvest hands the set out and protects those pages again, the
 * hypervisor's own writes are noted, and stopping gives every page its
 * rights back. Then pre-copy's convergence rule (hv/migrate_plan.c).
 */
#include "helpers.h"

#include "arch/x86/mm.h"
#include "fake_vm.h"
#include "hv/dirty_log.h"
#include "hv/guest_mem.h"
#include "hv/migrate_internal.h"

#define PAGE_A FAKE_DATA_GPA
#define PAGE_B (FAKE_DATA_GPA + 5 * PAGE_SIZE_4K)
#define NPAGES (FAKE_VM_RAM / PAGE_SIZE_4K)
#define BITMAP_WORDS ((NPAGES + 63) / 64)

static u64 set[BITMAP_WORDS];

static u32 prot_of(u64 gpa)
{
	return fake_vm_access(gpa) & S2_RWX;
}

static bool in_set(u64 gpa)
{
	u64 p = gpa / PAGE_SIZE_4K;

	return set[p / 64] & (1ULL << (p % 64));
}

static int setup(void **state)
{
	fake_vm_prepare();
	assert_int_equal(fake_vm_create(*state), 0);
	assert_int_equal(fake_vm_start(), 0);
	assert_int_equal(dirty_log_start(&fake_vm), 0);
	memset(set, 0, sizeof(set));
	return 0;
}

static int teardown(void **state)
{
	dirty_log_stop(&fake_vm);
	fake_vm_destroy();
	return 0;
}

/* Every RAM page starts read-only, none dirty. */
static void test_start_protects_all(void **state)
{
	assert_true(dirty_log_active(&fake_vm));
	assert_int_equal(prot_of(0), S2_R | S2_X);
	assert_int_equal(prot_of(PAGE_A), S2_R | S2_X);
	assert_int_equal(prot_of(FAKE_VM_RAM - PAGE_SIZE_4K), S2_R | S2_X);
	assert_int_equal(dirty_log_pending(&fake_vm), 0);
	assert_true(fake.stage2_flushes >= 1);
}

/* The first store to a page exits once and marks it; the store lands;
 * the exits are the hypervisor's own, not landmarks. */
static void test_first_store_marks(void **state)
{
	const struct fake_step script[] = {
		FAKE_STORE(PAGE_A, 1, 8), FAKE_STORE(PAGE_A + 8, 2, 8), FAKE_STORE(PAGE_B, 3, 4),
	};

	fake_vm_run_script(script, ARRAY_SIZE(script));
	assert_int_equal(fake.npf_exits, 2);
	assert_int_equal(dirty_log_stats()->faults, 2);
	assert_int_equal(dirty_log_pending(&fake_vm), 2);
	assert_int_equal(prot_of(PAGE_A), S2_RWX);
	assert_int_equal(prot_of(PAGE_A + PAGE_SIZE_4K), S2_R | S2_X);
	assert_true(*(u64 *)(fake_vm.ram + PAGE_A + 8) == 2);
	assert_int_equal(fake_vm.stats.guest_caused_exits, 1); /* the exit port only */
}

/* A harvest hands the pages out and protects them again: the next store
 * to one exits again. */
static void test_harvest_reprotects(void **state)
{
	const struct fake_step script[] = { FAKE_STORE(PAGE_A, 1, 8), FAKE_STORE(PAGE_B, 2, 8) };

	fake_vm_run_script(script, ARRAY_SIZE(script));
	assert_int_equal(dirty_log_harvest(&fake_vm, set), 2);
	assert_true(in_set(PAGE_A));
	assert_true(in_set(PAGE_B));
	assert_false(in_set(PAGE_A + PAGE_SIZE_4K));
	assert_int_equal(prot_of(PAGE_A), S2_R | S2_X);
	assert_int_equal(dirty_log_pending(&fake_vm), 0);
	fake.npf_exits = 0;
	fake_vm_run_script(script, 1);
	assert_int_equal(fake.npf_exits, 1);
	assert_int_equal(dirty_log_pending(&fake_vm), 1);
	assert_int_equal(dirty_log_stats()->epochs, 1);
}

/* The hypervisor's own writes (vm_write_gpa) are noted, across a page
 * boundary too; stopping makes every page writable again. */
static void test_noted_and_stop(void **state)
{
	u8 bytes[16] = { 1 };

	assert_int_equal(vm_write_gpa(&fake_vm, PAGE_B - 8, bytes, sizeof(bytes)), 0);
	assert_int_equal(dirty_log_pending(&fake_vm), 2);
	assert_int_equal(dirty_log_stats()->noted, 2);
	assert_int_equal(dirty_log_harvest(&fake_vm, set), 2);
	assert_true(in_set(PAGE_B - PAGE_SIZE_4K));
	assert_true(in_set(PAGE_B));
	dirty_log_stop(&fake_vm);
	assert_false(dirty_log_active(&fake_vm));
	assert_int_equal(prot_of(PAGE_A), S2_RWX);
	assert_int_equal(prot_of(0), S2_RWX);
}

/* --- the convergence rule ------------------------------------------------ */

#define MS 1000000ULL

/* A link of 1 MB per 100 ms and 4 KiB pages: 100 dirty pages would take
 * about 41 ms: another round; 40 pages about 16 ms: converged. */
static void test_plan_stun_target(void **state)
{
	struct mig_round_plan p;

	mig_plan_start(&p, 1000, 0);
	p.round_pages = 244;
	mig_plan_round_end(&p, 100, 1000000, 100 * MS);
	assert_false(p.converged);
	assert_int_equal(p.round, 1);
	assert_int_equal(p.link_bytes_per_s, 10000000);
	p.round_pages = 244;
	mig_plan_round_end(&p, 40, 2000000, 200 * MS);
	assert_true(p.converged);
	assert_string_equal(p.why, "the pages left fit the stun target");
}

/* A dirty set that stops shrinking ends pre-copy from the third round on;
 * the round cap ends it anyway. */
static void test_plan_not_shrinking_and_cap(void **state)
{
	struct mig_round_plan p;
	u64 acked = 0;

	mig_plan_start(&p, 100000, 0);
	for (int r = 0; r < 2; r++) {
		p.round_pages = 100;
		acked += 409600;
		mig_plan_round_end(&p, 50000, acked, (u64)(r + 1) * 1000 * MS);
		assert_false(p.converged);
	}
	p.round_pages = 100;
	mig_plan_round_end(&p, 50000, acked + 409600, 3000 * MS);
	assert_true(p.converged);
	assert_string_equal(p.why, "the dirty set stopped shrinking");

	mig_plan_start(&p, 100000, 0);
	for (u64 dirty = 90000; !p.converged; dirty -= 1000) {
		p.round_pages = 100;
		acked += 409600;
		mig_plan_round_end(&p, dirty, acked, (u64)(p.round + 1) * 1000 * MS);
	}
	assert_int_equal(p.round, MIG_ROUNDS_MAX);
	assert_string_equal(p.why, "the round cap");
}

/* Nothing dirty: converged at once, with nothing measured. */
static void test_plan_nothing_dirty(void **state)
{
	struct mig_round_plan p;

	mig_plan_start(&p, 10, 0);
	mig_plan_round_end(&p, 0, 0, 0);
	assert_true(p.converged);
	assert_int_equal(p.predicted_stun_ns, 0);
}

#define ON(f, hw) { #f " on " #hw, f, setup, teardown, (void *)&hw }
#define BOTH(f) ON(f, fake_backend_ept), ON(f, fake_backend_npt)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_start_protects_all),
		BOTH(test_first_store_marks),
		BOTH(test_harvest_reprotects),
		BOTH(test_noted_and_stop),
		cmocka_unit_test(test_plan_stun_target),
		cmocka_unit_test(test_plan_not_shrinking_and_cap),
		cmocka_unit_test(test_plan_nothing_dirty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
