// sources: hv/ft_auto_policy.c
/*
 * ft=auto's rule (hv/ft_auto_policy.c): a window of replay mode predicts
 * checkpoint mode's bytes and stun; checkpoints win only by the margin and
 * under the stun limit; an empty window keeps replay mode; what checkpoint
 * mode was measured to cost floors later predictions; a window of
 * checkpoint mode goes back to replay when the log was cheaper by the
 * margin or the stun is over the limit.
 */
#include "helpers.h"

#include "hv/ft_auto_policy.h"

#define SEC 1000000000ULL

/* A one-second window of 2 epochs (ft_epoch_ms=500) writing 5 pages each. */
static struct ft_auto_window window(u64 log_bytes)
{
	return (struct ft_auto_window){ .ns = SEC, .log_bytes = log_bytes, .slices = 2,
					.slice_pages = 10 };
}

static void test_checkpoints_when_the_log_costs_more(void **state)
{
	struct ft_auto_window w = window(143000); /* ticker reads=5000, measured on QEMU */
	struct ft_auto_verdict v;

	ft_auto_judge(&w, &v);
	assert_true(v.checkpoint);
	assert_int_equal(v.log_bps, 143000);
	assert_int_equal(v.ckpt_bps, 2 * FT_AUTO_EPOCH_BYTES + 10 * FT_AUTO_PAGE_BYTES);
	assert_int_equal(v.stun_ppm, (2 * FT_AUTO_EPOCH_STUN_NS + 10 * FT_AUTO_PAGE_STUN_NS) / 1000);
	assert_string_equal(v.why, "the log costs more than checkpoints would");
}

/* Checkpoints must save the margin: just below it, replay stays. */
static void test_margin(void **state)
{
	u64 ckpt = 2 * FT_AUTO_EPOCH_BYTES + 10 * FT_AUTO_PAGE_BYTES;
	struct ft_auto_window w = window(ckpt * (100 + FT_AUTO_MARGIN_PCT) / 100 - 1);
	struct ft_auto_verdict v;

	ft_auto_judge(&w, &v);
	assert_false(v.checkpoint);
	assert_string_equal(v.why, "the log is not dearer than checkpoints by the margin");
	w.log_bytes = ckpt * (100 + FT_AUTO_MARGIN_PCT) / 100;
	ft_auto_judge(&w, &v);
	assert_true(v.checkpoint);
}

/* A guest that writes many pages per epoch (memloop): checkpoints would
 * send far more than a modest log, and stun it too long. */
static void test_many_pages_stay_in_replay(void **state)
{
	struct ft_auto_window w = { .ns = SEC, .log_bytes = 200000, .slices = 20,
				    .slice_pages = 20 * 2000 };
	struct ft_auto_verdict v;

	ft_auto_judge(&w, &v);
	assert_false(v.checkpoint);
	assert_string_equal(v.why, "checkpoints would stun the guest too long");
	w.log_bytes = 1ULL << 32; /* even against a huge log */
	ft_auto_judge(&w, &v);
	assert_false(v.checkpoint);
}

/* The ticker at 50 ms epochs: a small log is cheaper than 20 epochs a second. */
static void test_small_log_stays_in_replay(void **state)
{
	struct ft_auto_window w = { .ns = SEC, .log_bytes = 25000, .slices = 20,
				    .slice_pages = 100 };
	struct ft_auto_verdict v;

	ft_auto_judge(&w, &v);
	assert_false(v.checkpoint);
	assert_true(v.ckpt_bps > v.log_bps);
}

static void test_empty_window_keeps_replay(void **state)
{
	struct ft_auto_window w = { 0 };
	struct ft_auto_verdict v;

	ft_auto_judge(&w, &v);
	assert_false(v.checkpoint);
	assert_string_equal(v.why, "nothing measured yet");
	w.ns = SEC; /* no slice ended */
	ft_auto_judge(&w, &v);
	assert_false(v.checkpoint);
}

/* Tried once and measured dearer than predicted: the measurement stands,
 * for FT_AUTO_RETRY_WINDOWS windows. */
static void test_tried_figures_floor_the_prediction(void **state)
{
	struct ft_auto_window w = window(143000);
	struct ft_auto_verdict v;

	w.tried_bps = 69000;
	w.tried_stun_ppm = 189000; /* ticker writes=1024: 18.9 % measured */
	ft_auto_judge(&w, &v);
	assert_false(v.checkpoint);
	assert_int_equal(v.stun_ppm, 189000);
	assert_true(v.as_tried);
	assert_string_equal(v.why, "checkpoints would stun the guest too long");
	w.since_tried = FT_AUTO_RETRY_WINDOWS; /* long enough ago: tried again */
	ft_auto_judge(&w, &v);
	assert_true(v.checkpoint);
	assert_false(v.as_tried);
	w.since_tried = FT_AUTO_RETRY_WINDOWS - 1;
	w.tried_stun_ppm = 2000;
	w.tried_bps = 200000; /* dearer than the log now */
	ft_auto_judge(&w, &v);
	assert_false(v.checkpoint);
	assert_int_equal(v.ckpt_bps, 200000);
	w.tried_bps = 1000; /* cheaper than predicted: the prediction stands */
	ft_auto_judge(&w, &v);
	assert_true(v.checkpoint);
	assert_false(v.as_tried);
	assert_int_equal(v.ckpt_bps, 2 * FT_AUTO_EPOCH_BYTES + 10 * FT_AUTO_PAGE_BYTES);
}

static void test_checkpoint_window(void **state)
{
	struct ft_auto_ckpt_window w = { .ns = SEC, .bytes = 5000, .stun_ns = 2000000,
					 .log_bps = 90000 };
	struct ft_auto_verdict v;

	ft_auto_judge_checkpoints(&w, &v); /* the ticker's quiet epochs */
	assert_true(v.checkpoint);
	assert_int_equal(v.ckpt_bps, 5000);
	assert_int_equal(v.stun_ppm, 2000);
	assert_string_equal(v.why, "checkpoints cost less than the log did");
	w.stun_ns = 189000000; /* 18.9 %: back to replay */
	ft_auto_judge_checkpoints(&w, &v);
	assert_false(v.checkpoint);
	assert_string_equal(v.why, "checkpoints stun the guest too long");
	w.stun_ns = 2000000;
	w.bytes = 90000 * (100 + FT_AUTO_MARGIN_PCT) / 100; /* the log cheaper by the margin */
	ft_auto_judge_checkpoints(&w, &v);
	assert_false(v.checkpoint);
	assert_string_equal(v.why, "the log cost less than checkpoints do, by the margin");
	w.bytes--;
	ft_auto_judge_checkpoints(&w, &v);
	assert_true(v.checkpoint);
	w.ns = 0; /* nothing measured: checkpoint mode stays */
	ft_auto_judge_checkpoints(&w, &v);
	assert_true(v.checkpoint);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checkpoints_when_the_log_costs_more),
		cmocka_unit_test(test_margin),
		cmocka_unit_test(test_many_pages_stay_in_replay),
		cmocka_unit_test(test_small_log_stays_in_replay),
		cmocka_unit_test(test_empty_window_keeps_replay),
		cmocka_unit_test(test_tried_figures_floor_the_prediction),
		cmocka_unit_test(test_checkpoint_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
