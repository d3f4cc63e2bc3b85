// sources: hv/output_tally.c lib/hash.c
/* hv/output_tally.c: the console stream's spans. Each span is the bytes
 * written since the last one, at the stream's offset, hashed as one
 * XXH3-64 of them; a resync restarts the stream at another offset. */
#include "helpers.h"

#include "hash.h"
#include "hv/output_tally.h"

static void add_text(struct output_tally *t, const char *s)
{
	while (*s)
		output_tally_add(t, (u8)*s++);
}

static void test_spans_follow_the_stream(void **state)
{
	struct output_tally t;
	struct output_span s;

	output_tally_init(&t);
	output_tally_take(&t, &s);
	assert_int_equal(s.offset, 0);
	assert_int_equal(s.count, 0);
	assert_true(s.hash == hash64("", 0, 0)); /* an empty span */
	add_text(&t, "hello, ");
	output_tally_take(&t, &s);
	assert_int_equal(s.offset, 0);
	assert_int_equal(s.count, 7);
	assert_true(s.hash == hash64("hello, ", 7, 0));
	add_text(&t, "world\n");
	output_tally_take(&t, &s);
	assert_int_equal(s.offset, 7);
	assert_int_equal(s.count, 6);
	assert_true(s.hash == hash64("world\n", 6, 0));
}

/* The same bytes in another order, or one byte changed, hash otherwise. */
static void test_a_changed_byte_shows(void **state)
{
	struct output_tally a, b;
	struct output_span sa, sb;

	output_tally_init(&a);
	output_tally_init(&b);
	add_text(&a, "tick 41\n");
	add_text(&b, "tick 42\n");
	output_tally_take(&a, &sa);
	output_tally_take(&b, &sb);
	assert_int_equal(sa.count, sb.count);
	assert_true(sa.hash != sb.hash);
}

/* A resync: the span under way is dropped, the stream goes on at the
 * primary's offset, and the count written before is returned. */
static void test_restart_at_an_offset(void **state)
{
	struct output_tally t;
	struct output_span s;

	output_tally_init(&t);
	add_text(&t, "abc");
	output_tally_take(&t, &s);
	add_text(&t, "de"); /* a diverged replay's bytes */
	assert_int_equal(output_tally_restart(&t, 100), 5);
	add_text(&t, "xyz");
	output_tally_take(&t, &s);
	assert_int_equal(s.offset, 100);
	assert_int_equal(s.count, 3);
	assert_true(s.hash == hash64("xyz", 3, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spans_follow_the_stream),
		cmocka_unit_test(test_a_changed_byte_shows),
		cmocka_unit_test(test_restart_at_an_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
