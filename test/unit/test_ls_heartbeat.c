// sources: proto/ls_heartbeat.c
/*
 * proto/ls_heartbeat.c: the heartbeat clock of a log stream's end. A
 * heartbeat is due only after a whole interval without sending anything;
 * the peer is silent exactly when it has been unheard for the timeout,
 * not a nanosecond before; each whole interval unheard after half an
 * interval's grace is one missed heartbeat, counted once, and the count
 * survives a word from the peer
 * and a new connection; 0 turns each half off.
 */
#include "helpers.h"

#include "proto/ls_heartbeat.h"

#define MS 1000000ULL
#define T0 (5000 * MS)

static void test_due_after_interval_of_nothing_sent(void **state)
{
	struct ls_beat b;

	ls_beat_init(&b, 200 * MS, 3000 * MS, T0);
	assert_false(ls_beat_due(&b, T0 + 200 * MS - 1));
	assert_true(ls_beat_due(&b, T0 + 200 * MS));
	ls_beat_sent(&b, T0 + 150 * MS, false); /* data counts as sending */
	assert_false(ls_beat_due(&b, T0 + 349 * MS));
	assert_true(ls_beat_due(&b, T0 + 350 * MS));
	ls_beat_sent(&b, T0 + 350 * MS, true);
	assert_int_equal(b.sent, 1);
	assert_false(ls_beat_due(&b, T0 + 400 * MS));
}

static void test_silent_exactly_at_timeout(void **state)
{
	struct ls_beat b;

	ls_beat_init(&b, 200 * MS, 3000 * MS, T0);
	ls_beat_heard(&b, T0 + 100 * MS, true);
	assert_int_equal(b.received, 1);
	assert_false(ls_beat_check(&b, T0 + 3100 * MS - 1));
	assert_true(ls_beat_check(&b, T0 + 3100 * MS));
	assert_int_equal(ls_beat_heard_age_ms(&b, T0 + 3100 * MS), 3000);
	/* a word, even data, ends the silence */
	ls_beat_heard(&b, T0 + 3200 * MS, false);
	assert_int_equal(b.received, 1);
	assert_false(ls_beat_check(&b, T0 + 3200 * MS));
}

static void test_missed_counted_once_per_interval(void **state)
{
	struct ls_beat b;
	struct ls_beat_status st;

	ls_beat_init(&b, 200 * MS, 3000 * MS, T0);
	ls_beat_check(&b, T0 + 299 * MS); /* a heartbeat a little late is not missed */
	assert_int_equal(b.missed, 0);
	ls_beat_check(&b, T0 + 300 * MS);
	ls_beat_check(&b, T0 + 400 * MS); /* the same interval again */
	assert_int_equal(b.missed, 1);
	ls_beat_check(&b, T0 + 1100 * MS); /* polled late: four more at once */
	assert_int_equal(b.missed, 5);
	ls_beat_heard(&b, T0 + 1100 * MS, true);
	ls_beat_check(&b, T0 + 1499 * MS);
	assert_int_equal(b.missed, 6);
	ls_beat_restart(&b, T0 + 2000 * MS); /* a new connection: the counts stay */
	ls_beat_check(&b, T0 + 2100 * MS);
	assert_int_equal(b.missed, 6);
	ls_beat_status(&b, true, T0 + 2100 * MS, &st);
	assert_true(st.on);
	assert_int_equal(st.missed, 6);
	assert_int_equal(st.received, 1);
	assert_int_equal(st.heard_age_ms, 100);
}

static void test_zero_turns_off(void **state)
{
	struct ls_beat b;

	ls_beat_init(&b, 0, 0, T0);
	assert_false(ls_beat_due(&b, T0 + 3600000 * MS));
	assert_false(ls_beat_check(&b, T0 + 3600000 * MS));
	assert_int_equal(b.missed, 0);
	ls_beat_init(&b, 200 * MS, 0, T0); /* heartbeats, but never silent */
	assert_false(ls_beat_check(&b, T0 + 3600000 * MS));
	assert_int_equal(b.missed, 17999);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due_after_interval_of_nothing_sent),
		cmocka_unit_test(test_silent_exactly_at_timeout),
		cmocka_unit_test(test_missed_counted_once_per_interval),
		cmocka_unit_test(test_zero_turns_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
