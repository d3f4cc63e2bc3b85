// sources: hv/ft_join_plan.c
/* hv/ft_join_plan.c: when a side without a backup tries to migrate its
 * guest into one that joins, and the recording a join starts. */
#include "helpers.h"

#include "hv/ft_join_plan.h"

#define S 1000000000ULL

static void test_alone_tries_at_once_then_after_each_failure(void **state)
{
	struct ft_join_plan p;

	ft_join_plan_init(&p);
	assert_int_equal(p.phase, FT_JOIN_OFF);
	assert_false(ft_join_plan_due(&p, 5 * S)); /* off: never */
	ft_join_plan_alone(&p, 10 * S);
	assert_true(ft_join_plan_due(&p, 10 * S)); /* at once */
	ft_join_plan_attempt(&p);
	assert_int_equal(p.phase, FT_JOIN_MIGRATING);
	assert_false(ft_join_plan_due(&p, 11 * S)); /* one attempt at a time */
	ft_join_plan_failed(&p, 12 * S);
	assert_int_equal(p.phase, FT_JOIN_ALONE);
	assert_false(ft_join_plan_due(&p, 12 * S));
	assert_false(ft_join_plan_due(&p, 12 * S + FT_JOIN_RETRY_NS - 1));
	assert_true(ft_join_plan_due(&p, 12 * S + FT_JOIN_RETRY_NS));
	ft_join_plan_attempt(&p);
	assert_int_equal(p.attempts, 2);
	assert_int_equal(p.failures, 1);
}

static void test_joined_counts_the_time_alone(void **state)
{
	struct ft_join_plan p;

	ft_join_plan_init(&p);
	ft_join_plan_alone(&p, 3 * S);
	ft_join_plan_attempt(&p);
	ft_join_plan_failed(&p, 4 * S); /* failures do not restart the time alone */
	ft_join_plan_attempt(&p);
	assert_int_equal(ft_join_plan_joined(&p, 7 * S), 4 * S);
	assert_int_equal(p.phase, FT_JOIN_FOLLOWED);
	assert_int_equal(p.joins, 1);
	assert_false(ft_join_plan_due(&p, 100 * S)); /* followed: nothing to try */
	ft_join_plan_alone(&p, 20 * S); /* the backup lost: again, at once */
	assert_true(ft_join_plan_due(&p, 20 * S));
	ft_join_plan_attempt(&p);
	assert_int_equal(ft_join_plan_joined(&p, 21 * S), 1 * S);
	assert_int_equal(p.joins, 2);
}

/* Failures in a row double the wait, to 64 s; a backup that followed 10 s
 * is a success, one lost sooner a failure. */
static void test_failures_in_a_row_back_off(void **state)
{
	struct ft_join_plan p;
	u64 now = 0;

	assert_int_equal(ft_join_plan_retry_ns(1), 1 * S);
	assert_int_equal(ft_join_plan_retry_ns(2), 2 * S);
	assert_int_equal(ft_join_plan_retry_ns(7), 64 * S);
	assert_int_equal(ft_join_plan_retry_ns(1000), FT_JOIN_RETRY_MAX_NS);
	ft_join_plan_init(&p);
	ft_join_plan_alone(&p, now);
	for (u32 n = 1; n <= 8; n++) {
		ft_join_plan_attempt(&p);
		ft_join_plan_failed(&p, now);
		assert_false(ft_join_plan_due(&p, now + ft_join_plan_retry_ns(n) - 1));
		assert_true(ft_join_plan_due(&p, now + ft_join_plan_retry_ns(n)));
		now += ft_join_plan_retry_ns(n);
	}
	assert_int_equal(p.in_a_row, 8);
	ft_join_plan_attempt(&p);
	ft_join_plan_joined(&p, now);
	ft_join_plan_alone(&p, now + FT_JOIN_STEADY_NS - 1); /* lost soon: a ninth */
	assert_int_equal(p.in_a_row, 9);
	assert_false(ft_join_plan_due(&p, now + FT_JOIN_STEADY_NS));
	now += FT_JOIN_STEADY_NS - 1 + FT_JOIN_RETRY_MAX_NS;
	assert_true(ft_join_plan_due(&p, now));
	ft_join_plan_attempt(&p);
	ft_join_plan_joined(&p, now);
	ft_join_plan_alone(&p, now + FT_JOIN_STEADY_NS); /* followed long enough */
	assert_int_equal(p.in_a_row, 0);
	assert_true(ft_join_plan_due(&p, now + FT_JOIN_STEADY_NS));
	ft_join_plan_attempt(&p);
	ft_join_plan_failed(&p, now);
	assert_true(ft_join_plan_due(&p, now + 1 * S)); /* counting from one again */
}

static void test_phase_names(void **state)
{
	assert_string_equal(ft_join_phase_name(FT_JOIN_OFF), "off");
	assert_string_equal(ft_join_phase_name(FT_JOIN_ALONE), "without a backup");
	assert_string_equal(ft_join_phase_name(FT_JOIN_MIGRATING), "a backup joining");
	assert_string_equal(ft_join_phase_name(FT_JOIN_FOLLOWED), "followed");
	assert_string_equal(ft_join_phase_name((enum ft_join_phase)9), "?");
}

/* A survivor (role=backup, replaying its primary's log live) records as
 * a primary would, to the peer's FT port, from the migrated state. */
static void test_record_config_of_a_survivor(void **state)
{
	struct config cfg, rec;

	memset(&cfg, 0, sizeof(cfg));
	cfg.role = FT_ROLE_BACKUP;
	cfg.rr = RR_CHOICE_REPLAY;
	cfg.rr_live_port = 9730;
	cfg.rr_live_copy = true;
	cfg.incoming_port = CONFIG_FT_JOIN_PORT;
	cfg.ft_peer_ip = 0x0A090001;
	cfg.ft_peer_port = 9730;
	cfg.ft_join = true;
	cfg.rr_digest = 100;
	ft_join_record_config(&cfg, &rec);
	assert_int_equal(rec.role, FT_ROLE_PRIMARY);
	assert_int_equal(rec.rr, RR_CHOICE_RECORD);
	assert_int_equal(rec.rr_sink, RR_SINK_TCP);
	assert_int_equal(rec.rr_collector_ip, 0x0A090001);
	assert_int_equal(rec.rr_collector_port, 9730);
	assert_int_equal(rec.rr_live_port, 0);
	assert_false(rec.rr_live_copy);
	assert_int_equal(rec.incoming_port, 0);
	assert_true(rec.ft_join);
	assert_int_equal(rec.rr_digest, 100); /* the rest is this side's */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alone_tries_at_once_then_after_each_failure),
		cmocka_unit_test(test_joined_counts_the_time_alone),
		cmocka_unit_test(test_failures_in_a_row_back_off),
		cmocka_unit_test(test_phase_names),
		cmocka_unit_test(test_record_config_of_a_survivor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
