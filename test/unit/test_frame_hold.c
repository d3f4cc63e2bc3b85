// sources: hv/frame_hold.c hv/output_hold.c
/* hv/frame_hold.c: the output rule's queue of whole frames. Frames leave
 * whole, in order, none twice, none lost, only once the log up to their
 * mark is acknowledged, across the byte queue's wrap and a full queue;
 * frames of no bytes or too many are refused. */
#include "helpers.h"

#include <string.h>

#include "errno.h"
#include "hv/frame_hold.h"

#define SEEN_MAX 4096

static struct frame_hold hold;
static u32 seen_len[SEEN_MAX];
static u8 seen_first[SEEN_MAX];
static size_t seen;

/* A frame of len bytes, every byte a function of (id, its offset). */
static void make_frame(u8 *f, size_t len, u32 id)
{
	for (size_t i = 0; i < len; i++)
		f[i] = (u8)(id * 31 + i * 7);
}

/* What the outside saw: each frame checked against what id it must be. */
static void out(void *ctx, const u8 *frame, size_t len)
{
	u8 want[FRAME_HOLD_FRAME_MAX];

	(void)ctx;
	assert_true(seen < SEEN_MAX);
	make_frame(want, len, (u32)seen);
	assert_memory_equal(frame, want, len);
	seen_len[seen] = (u32)len;
	seen_first[seen] = frame[0];
	seen++;
}

static int setup(void **state)
{
	(void)state;
	frame_hold_init(&hold);
	seen = 0;
	return 0;
}

static int put(u32 id, size_t len, u64 now)
{
	u8 f[FRAME_HOLD_FRAME_MAX];

	make_frame(f, len, id);
	return frame_hold_put(&hold, f, len, now);
}

/* Nothing leaves before its mark is acknowledged; then exactly the frames
 * under that mark, whole. */
static void test_held_until_acknowledged(void **state)
{
	(void)state;
	assert_int_equal(put(0, 60, 1), 0);
	assert_int_equal(put(1, 1514, 2), 0);
	assert_true(frame_hold_unmarked(&hold));
	frame_hold_mark(&hold, 500);
	assert_false(frame_hold_unmarked(&hold));
	assert_int_equal(put(2, 100, 3), 0);
	frame_hold_mark(&hold, 900);
	assert_int_equal(frame_hold_release(&hold, 499, 10, out, NULL), 0);
	assert_int_equal(seen, 0);
	assert_int_equal(frame_hold_frames_now(&hold), 3);
	assert_int_equal(frame_hold_release(&hold, 500, 10, out, NULL), 2);
	assert_int_equal(seen_len[0], 60);
	assert_int_equal(seen_len[1], 1514);
	assert_int_equal(frame_hold_release(&hold, 10000, 11, out, NULL), 1);
	assert_int_equal(seen_len[2], 100);
	assert_int_equal(frame_hold_frames_now(&hold), 0);
	assert_int_equal(frame_hold_bytes_now(&hold), 0);
}

/* The queue fills (a frame that does not fit is refused whole, nothing of
 * it held) and wraps many times: every frame comes out whole and in
 * order. */
static void test_full_queue_and_wrap(void **state)
{
	u32 id = 0, acked = 0;
	u64 log = 0;

	(void)state;
	for (int round = 0; round < 600; round++) {
		size_t len = 60 + (size_t)(round * 397) % (FRAME_HOLD_FRAME_MAX - 59);
		int err;

		while ((err = put(id, len, (u64)round)) == -ENOSPC) {
			u64 before = frame_hold_bytes_now(&hold);

			assert_true(before + FRAME_HOLD_LEN_BYTES + len > OUTPUT_HOLD_BYTES);
			frame_hold_mark(&hold, ++log);
			acked = (u32)log;
			assert_true(frame_hold_release(&hold, acked, (u64)round, out, NULL) > 0);
		}
		assert_int_equal(err, 0);
		id++;
		if (round % 3 == 0)
			frame_hold_mark(&hold, ++log);
	}
	frame_hold_release_all(&hold, 999, out, NULL);
	assert_int_equal(seen, id);
	assert_true(hold.q.stats.full_waits > 0);
	assert_true(hold.q.tail > 3 * OUTPUT_HOLD_BYTES); /* it wrapped */
}

/* An empty frame, and one longer than any the NIC sends, are refused. */
static void test_bad_lengths(void **state)
{
	u8 f[FRAME_HOLD_FRAME_MAX + 1] = { 0 };

	(void)state;
	assert_int_equal(frame_hold_put(&hold, f, 0, 1), -E2BIG);
	assert_int_equal(frame_hold_put(&hold, f, FRAME_HOLD_FRAME_MAX + 1, 1), -E2BIG);
	assert_int_equal(frame_hold_frames_now(&hold), 0);
	assert_int_equal(frame_hold_bytes_now(&hold), 0);
}

/* Without a backup everything goes, marked or not, and the queue is
 * empty after. */
static void test_release_all(void **state)
{
	(void)state;
	assert_int_equal(put(0, 64, 5), 0);
	frame_hold_mark(&hold, 1000);
	assert_int_equal(put(1, 70, 6), 0);
	assert_int_equal(frame_hold_release_all(&hold, 9, out, NULL), 2);
	assert_int_equal(seen_len[1], 70);
	assert_false(frame_hold_unmarked(&hold));
	assert_int_equal(frame_hold_release_all(&hold, 10, out, NULL), 0);
	assert_int_equal(hold.q.stats.latency_max, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_held_until_acknowledged, setup),
		cmocka_unit_test_setup(test_full_queue_and_wrap, setup),
		cmocka_unit_test_setup(test_bad_lengths, setup),
		cmocka_unit_test_setup(test_release_all, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
