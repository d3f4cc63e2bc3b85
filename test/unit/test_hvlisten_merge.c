// sources: tools/hvlisten/merge.c
/* tools/hvlisten/merge.c: the listener's copy of a console. Bytes in
 * order; overlaps taken when equal, contradictions counted and reported
 * with both bytes; a gap skipped and never compared; the guest named by
 * the first HELLO (or fixed), another refused. */
#include "helpers.h"

#include "compiler.h"

#include "tools/hvlisten/merge.h"

struct result {
	long appended;
	u64 gap;
	struct merge_contradiction c[4];
	unsigned reported;
};

static struct result data(struct merge *m, u64 offset, const char *s)
{
	struct result r;

	r.appended = merge_data(m, offset, (const u8 *)s, strlen(s), &r.gap, r.c, 4, &r.reported);
	return r;
}

static void test_in_order_and_overlaps(void **state)
{
	struct merge m;
	struct result r;

	merge_init(&m);
	assert_true(merge_hello(&m, 7));
	assert_int_equal(data(&m, 0, "hello ").appended, 6);
	assert_int_equal(data(&m, 6, "world\n").appended, 6);
	/* a second sender resends from before the end: the same bytes, then new ones */
	assert_true(merge_hello(&m, 7));
	r = data(&m, 3, "lo world\nbye\n");
	assert_int_equal(r.appended, 4);
	assert_int_equal(r.reported, 0);
	assert_int_equal(data(&m, 0, "hel").appended, 0);
	assert_int_equal(m.have, 16);
	assert_memory_equal(m.bytes, "hello world\nbye\n", 16);
	assert_int_equal(m.checked, 9 + 3);
	assert_int_equal(m.contradictions, 0);
	assert_int_equal(m.senders, 2);
	assert_int_equal(m.received, 6 + 6 + 13 + 3);
	merge_free(&m);
}

static void test_contradiction(void **state)
{
	struct merge m;
	struct result r;

	merge_init(&m);
	merge_hello(&m, 1);
	data(&m, 0, "tick 1\ntick 2\n");
	r = data(&m, 5, "9\ntack 2\ntick 3\n");
	assert_int_equal(r.appended, 7);
	assert_int_equal(r.reported, 2);
	assert_int_equal(r.c[0].offset, 5);
	assert_int_equal(r.c[0].have, '1');
	assert_int_equal(r.c[0].got, '9');
	assert_int_equal(r.c[1].offset, 8);
	assert_int_equal(r.c[1].have, 'i');
	assert_int_equal(r.c[1].got, 'a');
	assert_int_equal(m.contradictions, 2);
	/* the copy keeps what it had */
	assert_memory_equal(m.bytes, "tick 1\ntick 2\ntick 3\n", 21);
	merge_free(&m);
}

static void test_reports_bounded(void **state)
{
	struct merge m;
	struct result r;

	merge_init(&m);
	merge_hello(&m, 1);
	data(&m, 0, "aaaaaaaaaa");
	r = data(&m, 0, "bbbbbbbbbb");
	assert_int_equal(r.reported, 4);
	assert_int_equal(m.contradictions, 10);
	merge_free(&m);
}

static void test_gap(void **state)
{
	struct merge m;
	struct result r;

	merge_init(&m);
	merge_hello(&m, 1);
	data(&m, 0, "abc");
	r = data(&m, 10, "xyz");
	assert_int_equal(r.appended, 3);
	assert_int_equal(r.gap, 7);
	assert_int_equal(m.gaps, 1);
	assert_int_equal(m.gap_bytes, 7);
	assert_int_equal(m.have, 13);
	/* bytes of the gap arriving later are not compared, nor taken */
	r = data(&m, 2, "c1234567x");
	assert_int_equal(r.reported, 0);
	assert_int_equal(m.contradictions, 0);
	assert_int_equal(m.checked, 2);
	r = data(&m, 2, "d");
	assert_int_equal(m.contradictions, 1);
	merge_free(&m);
}

static void test_other_guest(void **state)
{
	struct merge m;

	merge_init(&m);
	assert_true(merge_hello(&m, 0xabc));
	assert_false(merge_hello(&m, 0xabd));
	assert_int_equal(m.refused, 1);
	assert_int_equal(m.senders, 1);
	merge_init(&m);
	merge_set_guest(&m, 5);
	assert_false(merge_hello(&m, 6));
	assert_true(merge_hello(&m, 5));
}

static void test_grows(void **state)
{
	static u8 big[100000];
	struct merge m;
	u64 gap;
	unsigned reported;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (u8)(i * 7);
	merge_init(&m);
	merge_hello(&m, 1);
	for (size_t at = 0; at < sizeof(big); at += 999)
		merge_data(&m, at, big + at, MIN(sizeof(big) - at, (size_t)4000), &gap, NULL, 0,
			   &reported);
	assert_int_equal(m.have, sizeof(big));
	assert_memory_equal(m.bytes, big, sizeof(big));
	assert_int_equal(m.contradictions, 0);
	merge_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_and_overlaps),
		cmocka_unit_test(test_contradiction),
		cmocka_unit_test(test_reports_bounded),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_other_guest),
		cmocka_unit_test(test_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
