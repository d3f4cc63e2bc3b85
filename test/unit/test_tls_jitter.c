// sources: net/tls/tls_jitter.c
/*
 * net/tls/tls_jitter.c: the entropy estimate of timer deltas (a counter
 * that never varies, or varies in a few values, claims little or nothing)
 * and the fold of deltas into bytes.
 */
#include "helpers.h"

#include "net/tls/tls_jitter.h"

#define N 256

static u64 deltas[N];

static void test_constant_counter_claims_nothing(void **state)
{
	for (size_t i = 0; i < N; i++)
		deltas[i] = 1000; /* an emulator's TSC that counts instructions */
	assert_int_equal(jitter_bits_per_sample(deltas, N), 0);
	assert_int_equal(jitter_group(0), 0);
	u8 out[8] = { 0 };
	assert_int_equal(jitter_fold(deltas, N, 0, out, sizeof(out)), 0);
}

/* Differences only above the low byte are not counted: the fold drops them. */
static void test_high_bits_do_not_count(void **state)
{
	for (size_t i = 0; i < N; i++)
		deltas[i] = 0x100 * i + 7;
	assert_int_equal(jitter_bits_per_sample(deltas, N), 0);
}

static void test_two_values(void **state)
{
	for (size_t i = 0; i < N; i++)
		deltas[i] = 100 + (i & 1);
	assert_int_equal(jitter_bits_per_sample(deltas, N), 1);
	assert_int_equal(jitter_group(1), 8);
}

/* One value taking more than half the samples: under 1 bit, so 0. */
static void test_dominant_value(void **state)
{
	for (size_t i = 0; i < N; i++)
		deltas[i] = i % 4 ? 50 : i;
	assert_int_equal(jitter_bits_per_sample(deltas, N), 0);
}

static void test_every_value_once(void **state)
{
	for (size_t i = 0; i < N; i++)
		deltas[i] = (i * 37) & 0xFF;
	assert_int_equal(jitter_bits_per_sample(deltas, N), 8);
	assert_int_equal(jitter_group(8), 1);
	assert_int_equal(jitter_bits_per_sample(deltas, 16), 4);
	assert_int_equal(jitter_group(3), 3);
	assert_int_equal(jitter_bits_per_sample(deltas, 0), 0);
}

static void test_fold(void **state)
{
	u8 out[4];

	for (size_t i = 0; i < N; i++)
		deltas[i] = 0xA500 + i;
	/* group 2: sample 2i and 2i+1 rotated by 1. */
	assert_int_equal(jitter_fold(deltas, 6, 2, out, sizeof(out)), 3);
	assert_int_equal(out[0], (u8)(0x00 ^ 0x02));
	assert_int_equal(out[1], (u8)(0x02 ^ 0x06));
	assert_int_equal(out[2], (u8)(0x04 ^ 0x0A));
	/* out_len bounds it. */
	assert_int_equal(jitter_fold(deltas, N, 1, out, 2), 2);
	assert_int_equal(out[1], 0x01);
	/* rotation wraps: 0x80 rotated by 1 is 0x01. */
	deltas[0] = 0;
	deltas[1] = 0x80;
	assert_int_equal(jitter_fold(deltas, 2, 2, out, 1), 1);
	assert_int_equal(out[0], 0x01);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constant_counter_claims_nothing),
		cmocka_unit_test(test_high_bits_do_not_count),
		cmocka_unit_test(test_two_values),
		cmocka_unit_test(test_dominant_value),
		cmocka_unit_test(test_every_value_once),
		cmocka_unit_test(test_fold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
