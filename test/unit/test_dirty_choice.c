// sources: hv/dirty_choice.c
/*
 * The choice of a dirty-tracking mechanism (hv/dirty_choice.c): given what
 * each one was measured to cost and the epoch's dirty rate and length,
 * which one and why; the switching margin; mechanisms unavailable or never
 * measured are never chosen.
 */
#include "helpers.h"

#include "hv/dirty_choice.h"

#define NPAGES 16384
#define MS 1000000ULL
#define SEC 1000000000ULL

/* Write protection 2000 cycles per dirty page, the scan 20 per RAM page
 * (327680 an epoch), PML 300 per dirty page and 5000 per full log; each
 * with a 1000-cycle flush an epoch. */
static void measured(struct dirty_model *m)
{
	memset(m, 0, sizeof(*m));
	m->npages = NPAGES;
	for (int k = 0; k < DIRTY_KIND_COUNT; k++) {
		m->available[k] = true;
		m->m[k].epochs = 2;
		m->m[k].fixed_cycles = 2000;
	}
	m->m[DIRTY_WP].per_dirty_cycles = 2000 * 100;
	m->m[DIRTY_WP].dirty_pages = 100;
	m->m[DIRTY_AD].scan_cycles = 20 * 2 * NPAGES;
	m->m[DIRTY_AD].pages_scanned = 2 * NPAGES;
	m->m[DIRTY_PML].per_dirty_cycles = 300 * 100;
	m->m[DIRTY_PML].dirty_pages = 100;
	m->m[DIRTY_PML].exit_cycles = 5000;
	m->m[DIRTY_PML].exits = 1;
}

/* The formulas: per dirty page, per RAM page, per full log. */
static void test_predict(void **state)
{
	struct dirty_model m;

	measured(&m);
	assert_int_equal(dirty_predict(&m, DIRTY_WP, 10), 10 * 2000 + 1000);
	assert_int_equal(dirty_predict(&m, DIRTY_AD, 10), NPAGES * 20 + 1000);
	assert_int_equal(dirty_predict(&m, DIRTY_PML, 1024), 1024 * 300 + 2 * 5000 + 1000);
	m.m[DIRTY_PML].exits = 0; /* never full: an exit costs what a fault did */
	m.exit_cycles_hint = 7000;
	assert_int_equal(dirty_predict(&m, DIRTY_PML, 512), 512 * 300 + 7000 + 1000);
	m.m[DIRTY_AD].epochs = 0;
	assert_int_equal(dirty_predict(&m, DIRTY_AD, 10), 0);
}

/* Without PML: few dirty pages, write protection; many, the scan once the
 * faults cost more than scanning all of RAM. PML, cheaper per page than a
 * fault and paying nothing per clean page, beats both. The dirty set is
 * the rate times the epoch. */
static void test_by_dirty_rate(void **state)
{
	struct dirty_model m;
	struct dirty_choice c;

	measured(&m);
	m.available[DIRTY_PML] = false;
	dirty_choose(&m, DIRTY_WP, 100, SEC, 0, &c); /* 100 pages */
	assert_int_equal(c.use, DIRTY_WP);
	assert_int_equal(c.dirty_pages, 100);
	assert_string_equal(c.why, "the cheapest predicted");
	dirty_choose(&m, DIRTY_WP, 5000, 500 * MS, DIRTY_SWITCH_MARGIN_PCT, &c); /* 2500 pages */
	assert_int_equal(c.use, DIRTY_AD);
	assert_true(c.switched);
	assert_int_equal(c.predicted[DIRTY_PML], 0);
	assert_string_equal(c.why, "cheaper by more than the switching margin");
	m.available[DIRTY_PML] = true;
	dirty_choose(&m, DIRTY_AD, 5000, 500 * MS, DIRTY_SWITCH_MARGIN_PCT, &c);
	assert_int_equal(c.use, DIRTY_AD); /* 2500 pages: 771000 for PML */
	assert_int_equal(c.predicted[DIRTY_PML], 2500 * 300 + 4 * 5000 + 1000);
	dirty_choose(&m, DIRTY_AD, 1000, 500 * MS, DIRTY_SWITCH_MARGIN_PCT, &c);
	assert_int_equal(c.use, DIRTY_PML); /* 500 pages: 151000 */
	assert_true(c.switched);
}

/* A longer epoch at the same rate dirties more pages (up to all of RAM). */
static void test_by_epoch_length(void **state)
{
	struct dirty_model m;
	struct dirty_choice c;

	measured(&m);
	m.available[DIRTY_PML] = false;
	dirty_choose(&m, DIRTY_WP, 1000, 100 * MS, 0, &c); /* 100 pages */
	assert_int_equal(c.use, DIRTY_WP);
	dirty_choose(&m, DIRTY_WP, 1000, 10 * SEC, 0, &c); /* 10000 pages */
	assert_int_equal(c.use, DIRTY_AD);
	dirty_choose(&m, DIRTY_AD, 1000000, 10 * SEC, 0, &c);
	assert_int_equal(c.dirty_pages, NPAGES);
}

/* Within the margin the mechanism in use stays; the first choice has no
 * margin. */
static void test_hysteresis(void **state)
{
	struct dirty_model m;
	struct dirty_choice c;

	measured(&m);
	m.available[DIRTY_PML] = false;
	/* 150 pages: write protection 301000, the scan 328680: 9% apart */
	dirty_choose(&m, DIRTY_AD, 150, SEC, DIRTY_SWITCH_MARGIN_PCT, &c);
	assert_int_equal(c.use, DIRTY_AD);
	assert_false(c.switched);
	assert_string_equal(c.why, "another is cheaper, but within the switching margin");
	dirty_choose(&m, DIRTY_AD, 150, SEC, 0, &c);
	assert_int_equal(c.use, DIRTY_WP);
}

/* An epoch too short to judge (the stun's, right after the last round's)
 * keeps the mechanism in use. */
static void test_short_epoch_keeps(void **state)
{
	struct dirty_model m;
	struct dirty_choice c;

	measured(&m);
	dirty_choose(&m, DIRTY_AD, 0, DIRTY_EPOCH_MIN_NS - 1, DIRTY_SWITCH_MARGIN_PCT, &c);
	assert_int_equal(c.use, DIRTY_AD);
	assert_false(c.switched);
	assert_string_equal(c.why, "too short an epoch to judge");
}

/* A mechanism never measured or unavailable is not chosen; the one in use
 * unmeasured says so. */
static void test_unmeasured_unavailable(void **state)
{
	struct dirty_model m;
	struct dirty_choice c;

	measured(&m);
	m.m[DIRTY_PML].epochs = 0;
	m.available[DIRTY_AD] = false;
	dirty_choose(&m, DIRTY_WP, 5000, SEC, 0, &c);
	assert_int_equal(c.use, DIRTY_WP);
	assert_int_equal(c.predicted[DIRTY_AD], 0);
	m.m[DIRTY_WP].epochs = 0;
	dirty_choose(&m, DIRTY_WP, 5000, SEC, 0, &c);
	assert_string_equal(c.why, "the mechanism in use is not measured");
	assert_string_equal(dirty_kind_name(DIRTY_AD), "A/D scan");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_predict),
		cmocka_unit_test(test_by_dirty_rate),
		cmocka_unit_test(test_by_epoch_length),
		cmocka_unit_test(test_hysteresis),
		cmocka_unit_test(test_short_epoch_keeps),
		cmocka_unit_test(test_unmeasured_unavailable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
