// sources: hv/output_hold.c
/* hv/output_hold.c: the output rule's queue. Bytes leave only once the
 * log up to their mark is acknowledged, in order, none twice, none lost,
 * across the queue's wrap, a full queue and a full list of marks. */
#include "helpers.h"

#include <string.h>

#include "hv/output_hold.h"

static struct output_hold hold;
static u8 outside[4 * OUTPUT_HOLD_BYTES];
static size_t seen;

/* What the outside saw, in order. */
static void out(void *ctx, const u8 *bytes, size_t len)
{
	assert_true(seen + len <= sizeof(outside));
	memcpy(outside + seen, bytes, len);
	seen += len;
}

static int setup(void **state)
{
	output_hold_init(&hold);
	seen = 0;
	return 0;
}

static void put_text(const char *s, u64 now)
{
	while (*s)
		assert_true(output_hold_put(&hold, (u8)*s++, now));
}

/* Nothing leaves before its log is acknowledged, everything after. */
static void test_held_until_acknowledged(void **state)
{
	put_text("ab", 10);
	assert_true(output_hold_unmarked(&hold));
	assert_int_equal(output_hold_release(&hold, 1000, 20, out, NULL), 0); /* not marked yet */
	output_hold_mark(&hold, 100);
	assert_false(output_hold_unmarked(&hold));
	put_text("c", 30);
	output_hold_mark(&hold, 200);
	assert_int_equal(output_hold_release(&hold, 99, 40, out, NULL), 0);
	assert_int_equal(output_hold_release(&hold, 150, 50, out, NULL), 2);
	assert_memory_equal(outside, "ab", 2);
	assert_int_equal(output_hold_release(&hold, 150, 60, out, NULL), 0);
	assert_int_equal(output_hold_release(&hold, 200, 70, out, NULL), 1);
	assert_memory_equal(outside, "abc", 3);
	assert_int_equal(hold.stats.held, 3);
	assert_int_equal(hold.stats.releases, 2);
	assert_int_equal(hold.stats.latency_max, 40); /* "ab": held at 10, out at 50 */
	assert_int_equal(hold.stats.latency_sum, 40 + 40);
}

/* A mark with nothing new held is no mark; a second mark never releases
 * bytes before their own. */
static void test_marks_only_new_bytes(void **state)
{
	output_hold_mark(&hold, 5);
	assert_int_equal(hold.mark_head, 0);
	put_text("x", 1);
	output_hold_mark(&hold, 50);
	output_hold_mark(&hold, 60); /* nothing new: ignored */
	assert_int_equal(hold.mark_head, 1);
	assert_int_equal(output_hold_release(&hold, 49, 2, out, NULL), 0);
	assert_int_equal(output_hold_release(&hold, 50, 3, out, NULL), 1);
}

/* A full queue refuses a byte until releases make room; bytes come out
 * in order across the queue's wrap. */
static void test_full_queue_and_wrap(void **state)
{
	u64 total = 0;

	for (; total < 100; total++)
		assert_true(output_hold_put(&hold, (u8)(total * 7 + 3), total));
	output_hold_mark(&hold, total);
	assert_int_equal(output_hold_release(&hold, total, total, out, NULL), 100);
	for (unsigned round = 0; round < 2; round++) {
		while (output_hold_put(&hold, (u8)(total * 7 + 3), total))
			total++;
		assert_int_equal(hold.head - hold.tail, OUTPUT_HOLD_BYTES); /* full */
		output_hold_mark(&hold, total);
		assert_int_equal(output_hold_release(&hold, total, total, out, NULL),
				 OUTPUT_HOLD_BYTES); /* from offset 100 on: wraps */
	}
	assert_int_equal(seen, total);
	for (u64 i = 0; i < seen; i++)
		assert_int_equal(outside[i], (u8)(i * 7 + 3));
	assert_int_equal(hold.stats.full_waits, 2);
	assert_int_equal(hold.stats.max_held, OUTPUT_HOLD_BYTES);
}

/* More marks than the list holds fold into the last: the bytes wait for
 * the latest offset, never for less than their own. */
static void test_full_mark_list_folds(void **state)
{
	for (u64 i = 0; i < OUTPUT_HOLD_MARKS + 10; i++) {
		assert_true(output_hold_put(&hold, (u8)i, i));
		output_hold_mark(&hold, 100 + i);
	}
	assert_int_equal(hold.mark_head - hold.mark_tail, OUTPUT_HOLD_MARKS);
	/* the folded mark needs the last offset */
	assert_int_equal(output_hold_release(&hold, 100 + OUTPUT_HOLD_MARKS, 0, out, NULL),
			 OUTPUT_HOLD_MARKS - 1);
	assert_int_equal(output_hold_release(&hold, 100 + OUTPUT_HOLD_MARKS + 9, 0, out, NULL), 11);
	for (u64 i = 0; i < seen; i++)
		assert_int_equal(outside[i], (u8)i);
}

/* At the end (or without a backup) everything goes, marked or not. */
static void test_release_all(void **state)
{
	put_text("12", 5);
	output_hold_mark(&hold, 1000);
	put_text("3", 6);
	assert_int_equal(output_hold_release_all(&hold, 9, out, NULL), 3);
	assert_memory_equal(outside, "123", 3);
	assert_false(output_hold_unmarked(&hold));
	assert_int_equal(output_hold_release_all(&hold, 10, out, NULL), 0);
	assert_int_equal(hold.stats.latency_max, 4);
}

/* A run goes in whole or not at all. */
static void test_run_whole_or_nothing(void **state)
{
	static u8 big[OUTPUT_HOLD_BYTES];

	assert_true(output_hold_put_run(&hold, (const u8 *)"xyz", 3, 1));
	assert_false(output_hold_put_run(&hold, big, OUTPUT_HOLD_BYTES - 2, 2));
	assert_int_equal(hold.head, 3);
	assert_int_equal(hold.stats.full_waits, 1);
	assert_true(output_hold_put_run(&hold, big, OUTPUT_HOLD_BYTES - 3, 2));
	assert_false(output_hold_put(&hold, 'q', 3));
	assert_int_equal(hold.stats.held, OUTPUT_HOLD_BYTES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_held_until_acknowledged, setup),
		cmocka_unit_test_setup(test_marks_only_new_bytes, setup),
		cmocka_unit_test_setup(test_full_queue_and_wrap, setup),
		cmocka_unit_test_setup(test_full_mark_list_folds, setup),
		cmocka_unit_test_setup(test_release_all, setup),
		cmocka_unit_test_setup(test_run_whole_or_nothing, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
