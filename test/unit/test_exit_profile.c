/* arch/x86/exit_profile.c, built with the profile on (it is included here
 * with UNDERSTUDY_EXIT_PROFILE defined, over a fake TSC): every cycle
 * between two world switches is charged to exactly one stage of the exit
 * that ended the guest's run; nested stages return to the outer one; the
 * start of the VM (before the first exit) is dropped; the shortest switch
 * is kept per reason; the last trip is closed at the end; a mark's cost is
 * calibrated from the TSC. */
#define UNDERSTUDY_EXIT_PROFILE 1
#include "helpers.h"

#include "arch/x86/exit_profile.c"

static u64 fake_tsc, tsc_step;

u64 host_test_rdtsc(void)
{
	u64 now = fake_tsc;

	fake_tsc += tsc_step;
	return now;
}

static int reset(void **state)
{
	fake_tsc = 1000;
	tsc_step = 0;
	exit_profile_start();
	return 0;
}

/* One trip: the switch lasts guest cycles, then the backend decodes, the
 * handler runs and the loop polls; the exit is reason. */
static void trip(enum vexit_reason reason, u64 guest, u64 decode, u64 handler, u64 loop)
{
	EXIT_PROFILE_SWITCH();
	fake_tsc += guest;
	EXIT_PROFILE_SET(EXIT_STAGE_DECODE);
	fake_tsc += decode;
	EXIT_PROFILED(EXIT_STAGE_HANDLER, fake_tsc += handler);
	EXIT_PROFILE_REASON(reason);
	EXIT_PROFILE_SET(EXIT_STAGE_LOOP);
	fake_tsc += loop;
}

static void test_trip_charged_to_its_exit(void **state)
{
	const struct exit_profile *p = exit_profile_table();

	fake_tsc += 500; /* the VM's start: no exit yet */
	trip(VEXIT_RDTSC, 100, 7, 30, 5);
	EXIT_PROFILE_SWITCH();
	assert_int_equal(p->exits[VEXIT_RDTSC], 1);
	assert_int_equal(p->cycles[VEXIT_RDTSC][EXIT_STAGE_SWITCH], 100);
	assert_int_equal(p->cycles[VEXIT_RDTSC][EXIT_STAGE_DECODE], 7);
	assert_int_equal(p->cycles[VEXIT_RDTSC][EXIT_STAGE_HANDLER], 30);
	assert_int_equal(p->cycles[VEXIT_RDTSC][EXIT_STAGE_LOOP], 5);
	/* marks that closed a stretch: the switch, the decode twice (around
	 * the handler), the handler, the loop (at the next switch) */
	assert_int_equal(p->closes[VEXIT_RDTSC][EXIT_STAGE_SWITCH], 1);
	assert_int_equal(p->closes[VEXIT_RDTSC][EXIT_STAGE_DECODE], 2);
	assert_int_equal(p->closes[VEXIT_RDTSC][EXIT_STAGE_HANDLER], 1);
	assert_int_equal(p->closes[VEXIT_RDTSC][EXIT_STAGE_LOOP], 1);
	assert_int_equal(p->marks, 5);
	for (int r = 0; r < VEXIT_COUNT; r++)
		if (r != VEXIT_RDTSC)
			assert_int_equal(p->exits[r], 0);
}

static void test_nested_stages_return_outward(void **state)
{
	const struct exit_profile *p = exit_profile_table();
	u64 before;

	EXIT_PROFILE_SWITCH();
	fake_tsc += 10;
	EXIT_PROFILE_SET(EXIT_STAGE_HANDLER);
	fake_tsc += 20;
	EXIT_PROFILED(EXIT_STAGE_DEVICE, fake_tsc += 300;
		      EXIT_PROFILED(EXIT_STAGE_DEADLINE, fake_tsc += 4000));
	fake_tsc += 50000; /* back in the handler */
	EXIT_PROFILE_REASON(VEXIT_IO);
	exit_profile_finish();
	assert_int_equal(p->cycles[VEXIT_IO][EXIT_STAGE_HANDLER], 50020);
	assert_int_equal(p->cycles[VEXIT_IO][EXIT_STAGE_DEVICE], 300);
	assert_int_equal(p->cycles[VEXIT_IO][EXIT_STAGE_DEADLINE], 4000);
	assert_int_equal(p->cycles[VEXIT_IO][EXIT_STAGE_SWITCH], 10);
	before = fake_tsc;
	assert_int_equal(EXIT_PROFILED_VALUE(EXIT_STAGE_RR, fake_tsc += 3), before + 3);
}

static void test_every_cycle_counted_once(void **state)
{
	const struct exit_profile *p = exit_profile_table();
	u64 first, sum = 0;

	fake_tsc += 77;
	EXIT_PROFILE_SWITCH();
	first = fake_tsc;
	fake_tsc += 40;
	EXIT_PROFILE_SET(EXIT_STAGE_DECODE);
	EXIT_PROFILE_REASON(VEXIT_CPUID);
	for (int i = 0; i < 50; i++)
		trip(i % 3 ? VEXIT_IO : VEXIT_HLT, 11 * i, i, 3 * i + 1, 7);
	exit_profile_finish();
	for (int r = 0; r < VEXIT_COUNT; r++)
		for (int s = 0; s < EXIT_STAGE_COUNT; s++)
			sum += p->cycles[r][s];
	assert_int_equal(sum, fake_tsc - first);
	assert_int_equal(p->exits[VEXIT_CPUID] + p->exits[VEXIT_IO] + p->exits[VEXIT_HLT], 51);
}

static void test_switch_min_per_reason(void **state)
{
	const struct exit_profile *p = exit_profile_table();

	trip(VEXIT_HLT, 0, 0, 0, 0); /* the reason the next trip's start closes */
	trip(VEXIT_IO, 900, 1, 1, 1);
	trip(VEXIT_IO, 300, 1, 1, 1);
	trip(VEXIT_CPUID, 50, 1, 1, 1);
	trip(VEXIT_IO, 600, 1, 1, 1);
	exit_profile_finish();
	assert_int_equal(p->switch_min[VEXIT_IO], 300);
	assert_int_equal(p->switch_min[VEXIT_CPUID], 50);
	assert_int_equal(p->exits[VEXIT_IO], 3);
}

static void test_trip_without_exit_dropped(void **state)
{
	const struct exit_profile *p = exit_profile_table();

	EXIT_PROFILE_SWITCH();
	fake_tsc += 1000; /* an entry that failed: no exit was handled */
	EXIT_PROFILE_SWITCH();
	exit_profile_finish();
	for (int r = 0; r < VEXIT_COUNT; r++)
		assert_int_equal(p->exits[r], 0);
	assert_int_equal(p->marks, 0);
}

static void test_mark_cost_calibrated(void **state)
{
	tsc_step = 3; /* every TSC read takes 3 cycles */
	exit_profile_start();
	assert_int_equal(exit_profile_table()->mark_cost, 3);
}

static void test_stage_names(void **state)
{
	assert_string_equal(exit_stage_name(EXIT_STAGE_SWITCH), "switch");
	assert_string_equal(exit_stage_name(EXIT_STAGE_IDLE), "idle");
	assert_string_equal(exit_stage_name(EXIT_STAGE_COUNT), "?");
	for (int s = 0; s < EXIT_STAGE_COUNT; s++)
		assert_non_null(exit_stage_name((enum exit_stage)s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_trip_charged_to_its_exit, reset),
		cmocka_unit_test_setup(test_nested_stages_return_outward, reset),
		cmocka_unit_test_setup(test_every_cycle_counted_once, reset),
		cmocka_unit_test_setup(test_switch_min_per_reason, reset),
		cmocka_unit_test_setup(test_trip_without_exit_dropped, reset),
		cmocka_unit_test_setup(test_mark_cost_calibrated, reset),
		cmocka_unit_test_setup(test_stage_names, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
