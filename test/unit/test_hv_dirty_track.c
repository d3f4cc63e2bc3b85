// sources-list: test/unit/hv_host.sources
/*
 * The three dirty-tracking mechanisms behind hv/dirty_log.h on the fake
 * backend, whose CPU sets the stage-2 dirty flag on stores once A/D is on
 * and logs their pages while PML is on (EPT and NPT formats): a forced
 * mechanism runs its first epoch alongside write protection, which checks
 * it, then alone; the A/D scan finds the pages without a fault and a CPU
 * that sets no flag is caught and replaced by write protection; PML logs,
 * exits when its log is full and drains; a mechanism that cannot run here
 * (no PML, or sharing stage 2 with the T bit) is refused; under auto the
 * first epoch measures every mechanism and one is chosen.
 */
#include "helpers.h"

#include "arch/x86/mm.h"
#include "errno.h"
#include "fake_vm.h"
#include "hv/dirty_log.h"

#define NPAGES (FAKE_VM_RAM / PAGE_SIZE_4K)
#define BITMAP_WORDS ((NPAGES + 63) / 64)
#define DATA_PAGES 200 /* pages of FAKE_DATA_GPA.. the scripts write */

static u64 set[BITMAP_WORDS];
static struct fake_step pages_script[DATA_PAGES];

static u32 prot_of(u64 gpa)
{
	return fake_vm_access(gpa);
}

static u64 page_gpa(unsigned i)
{
	return FAKE_DATA_GPA + (u64)i * PAGE_SIZE_4K;
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
	memset(set, 0, sizeof(set));
	for (unsigned i = 0; i < DATA_PAGES; i++)
		pages_script[i] = (struct fake_step)FAKE_STORE(page_gpa(i) + 8, i, 8);
	return 0;
}

static int teardown(void **state)
{
	dirty_log_stop(&fake_vm);
	dirty_log_configure(DIRTY_TRACK_AUTO);
	fake_vm.tbit = NULL;
	fake_vm_destroy();
	return 0;
}

/* Stores to the first n data pages; the harvest must hand exactly them
 * out (and nothing else dirty: the fake guest writes nowhere else). */
static void write_and_harvest(unsigned n)
{
	memset(set, 0, sizeof(set));
	fake_vm_run_script(pages_script, n);
	assert_int_equal(dirty_log_harvest(&fake_vm, set), n);
	for (unsigned i = 0; i < n; i++)
		assert_true(in_set(page_gpa(i)));
	assert_false(in_set(page_gpa(n)));
}

static void start_forced(enum dirty_track t)
{
	dirty_log_configure(t);
	assert_int_equal(dirty_log_start(&fake_vm), 0);
}

/* A/D: the first epoch faults (write protection checks the flags), then
 * every page is writable, stores do not exit and the scan finds them. */
static void test_ad_scan(void **state)
{
	start_forced(DIRTY_TRACK_AD);
	assert_true(fake.ad_on);
	assert_int_equal(prot_of(page_gpa(0)) & S2_RWX, S2_R | S2_X);
	write_and_harvest(10);
	assert_int_equal(fake.npf_exits, 10);
	assert_int_equal(prot_of(page_gpa(0)) & (S2_RWX | S2_DIRTY), S2_RWX);
	fake.npf_exits = 0;
	write_and_harvest(20);
	assert_int_equal(fake.npf_exits, 0);
	assert_int_equal(dirty_log_stats()->by[DIRTY_AD].pages_scanned, 2 * NPAGES);
	assert_int_equal(dirty_log_stats()->by[DIRTY_AD].epochs, 2);
	assert_string_equal(dirty_log_stats()->mech, "A/D scan");
	write_and_harvest(0); /* a harvest cleared every flag */
	dirty_log_stop(&fake_vm);
	assert_false(fake.ad_on);
}

/* A CPU that claims A/D but sets no flag: caught on the first epoch and
 * replaced by write protection, which keeps tracking. */
static void test_ad_broken_falls_back(void **state)
{
	fake.ad_broken = true;
	start_forced(DIRTY_TRACK_AD);
	write_and_harvest(5);
	assert_string_equal(dirty_log_stats()->mech, "write protection");
	assert_false(fake.ad_on);
	fake.npf_exits = 0;
	write_and_harvest(7);
	assert_int_equal(fake.npf_exits, 7);
}

/* PML: after the checked first epoch, stores log without exits; a full
 * log exits and is drained (the pages still count); D is cleared on the
 * harvested pages so they log again. */
static void test_pml_logs_and_fills(void **state)
{
	start_forced(DIRTY_TRACK_PML);
	assert_true(fake.pml_hpa != 0);
	write_and_harvest(3);
	fake.npf_exits = 0;
	write_and_harvest(DATA_PAGES);
	assert_int_equal(fake.npf_exits, 0);
	/* three passes of 200 pages (their flags cleared behind the CPU's
	 * back) overflow the 512-entry log once */
	for (int pass = 0; pass < 2; pass++) {
		fake_vm_run_script(pages_script, DATA_PAGES);
		for (unsigned i = 0; i < DATA_PAGES; i++)
			stage2_test_and_clear(&fake_vm.stage2, page_gpa(i), S2_DIRTY);
	}
	write_and_harvest(DATA_PAGES);
	assert_int_equal(fake.pml_full_exits, 1);
	assert_int_equal(dirty_log_stats()->by[DIRTY_PML].exits, 1);
	assert_true(dirty_log_stats()->by[DIRTY_PML].entries >= 3 * DATA_PAGES + 3);
	assert_int_equal(prot_of(page_gpa(0)) & S2_DIRTY, 0);
	write_and_harvest(1);
}

/* dirty_track= names a mechanism the CPU lacks: refused. */
static void test_pml_refused_without_pml(void **state)
{
	fake.has_pml = false;
	dirty_log_configure(DIRTY_TRACK_PML);
	assert_int_equal(dirty_log_check_config(&fake_vm), -ENODEV);
	assert_int_equal(dirty_log_start(&fake_vm), -ENODEV);
	assert_false(dirty_log_active(&fake_vm));
	dirty_log_configure(DIRTY_TRACK_AD);
	assert_int_equal(dirty_log_check_config(&fake_vm), 0);
}

/* With the T bit on: write protection would share the write right, EPT's
 * A/D would turn page-table walks into faulting writes; NPT's scan
 * coexists. */
static void test_tbit_conflicts(void **state)
{
	bool ept = fake_vm.hw == &fake_backend_ept;

	fake_vm.tbit = (struct tbit_state *)&set; /* on: only its presence counts here */
	dirty_log_configure(DIRTY_TRACK_WP);
	assert_int_equal(dirty_log_start(&fake_vm), -ENODEV);
	dirty_log_configure(DIRTY_TRACK_PML);
	assert_int_equal(dirty_log_start(&fake_vm), -ENODEV);
	dirty_log_configure(DIRTY_TRACK_AD);
	assert_int_equal(dirty_log_start(&fake_vm), ept ? -ENODEV : 0);
	dirty_log_stop(&fake_vm);
	dirty_log_configure(DIRTY_TRACK_AUTO); /* NPT: the scan alone, unchecked */
	assert_int_equal(dirty_log_start(&fake_vm), ept ? -ENODEV : 0);
	if (!ept)
		assert_string_equal(dirty_log_stats()->mech, "A/D scan");
	dirty_log_stop(&fake_vm);
	fake_vm.tbit = NULL;
}

/* Auto: the first epoch runs every mechanism the CPU has; then one alone. */
static void test_auto_measures_then_chooses(void **state)
{
	const struct dirty_log_stats *st;

	assert_int_equal(dirty_log_start(&fake_vm), 0);
	assert_true(fake.ad_on && fake.pml_hpa);
	write_and_harvest(4);
	st = dirty_log_stats();
	assert_int_equal(st->used, DIRTY_BIT(DIRTY_WP) | DIRTY_BIT(DIRTY_AD) | DIRTY_BIT(DIRTY_PML));
	assert_int_equal(st->by[DIRTY_AD].epochs, 1);
	assert_int_equal(st->by[DIRTY_PML].entries, 4);
	assert_non_null(st->mech);
	write_and_harvest(6);
	assert_int_equal(st->epochs, 2);
}

#define ON(f, hw) { #f " on " #hw, f, setup, teardown, (void *)&hw }
#define BOTH(f) ON(f, fake_backend_ept), ON(f, fake_backend_npt)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_ad_scan),
		BOTH(test_ad_broken_falls_back),
		BOTH(test_pml_logs_and_fills),
		BOTH(test_pml_refused_without_pml),
		BOTH(test_tbit_conflicts),
		BOTH(test_auto_measures_then_chooses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
