// sources: hv/migrate_history.c lib/hash.c
/*
 * A migration's modification history (hv/migrate_history.c): which pages
 * were dirtied in which of the recent epochs, which are hot (held back for
 * the stun) and warm (their copy kept for deltas), and the copies: taken
 * within the budget, always following what was last sent, dropped for a
 * warmer page when the budget is full; the destination's feedback, which
 * alone makes a copy a base for deltas.
 */
#include "helpers.h"

#include <stdlib.h>

#include "hash.h"
#include "hv/migrate_history.h"

#define NPAGES 128
#define SLOTS 2

static struct mig_history h;
static void *mem;
static u64 dirty[NPAGES / 64];
static u8 page[MIG_HIST_PAGE];

static int setup(void **state)
{
	mem = malloc(mig_history_bytes(NPAGES, SLOTS));
	assert_non_null(mem);
	mig_history_init(&h, NPAGES, SLOTS, mem);
	return 0;
}

static int teardown(void **state)
{
	free(mem);
	return 0;
}

/* One epoch in which the listed pages (ending with -1) were dirtied. */
static void epoch(int first, ...)
{
	va_list ap;

	memset(dirty, 0, sizeof(dirty));
	va_start(ap, first);
	for (int p = first; p >= 0; p = va_arg(ap, int))
		dirty[p / 64] |= 1ULL << (p % 64);
	va_end(ap);
	mig_history_epoch(&h, dirty);
}

/* Hot: dirtied in two of the last three epochs; warm: in any of them. */
static void test_hot_and_warm(void **state)
{
	epoch(5, 70, -1);
	assert_false(mig_history_hot(&h, 5));
	assert_true(mig_history_warm(&h, 5));
	assert_false(mig_history_warm(&h, 6));
	epoch(5, -1);
	assert_true(mig_history_hot(&h, 5));
	assert_false(mig_history_hot(&h, 70));
	epoch(-1);
	epoch(-1);
	assert_false(mig_history_hot(&h, 5)); /* once in the last three */
	epoch(-1);
	assert_false(mig_history_warm(&h, 5));
	assert_false(mig_history_hot(&h, NPAGES)); /* beyond the pages */
}

/* A cold page gets no copy; a warm one does, and it follows every send. */
static void test_copies_follow_sends(void **state)
{
	memset(page, 0xAA, sizeof(page));
	mig_history_sent(&h, 9, page, 0);
	assert_null(mig_history_copy(&h, 9));
	epoch(9, -1);
	mig_history_sent(&h, 9, page, 0);
	assert_non_null(mig_history_copy(&h, 9));
	assert_memory_equal(mig_history_copy(&h, 9), page, sizeof(page));
	memset(page, 0x55, sizeof(page));
	epoch(-1);
	epoch(-1);
	epoch(-1); /* no longer warm: the copy still follows what is sent */
	mig_history_sent(&h, 9, page, 0);
	assert_memory_equal(mig_history_copy(&h, 9), page, sizeof(page));
	assert_int_equal(h.kept, 1);
}

/* The budget: a third warm page finds no slot while both copies belong to
 * warm pages; once one of them cools, its slot goes to the new page. */
static void test_budget_and_eviction(void **state)
{
	epoch(1, 2, 3, -1);
	mig_history_sent(&h, 1, page, 0);
	mig_history_sent(&h, 2, page, 0);
	mig_history_sent(&h, 3, page, 0);
	assert_non_null(mig_history_copy(&h, 1));
	assert_non_null(mig_history_copy(&h, 2));
	assert_null(mig_history_copy(&h, 3));
	assert_int_equal(h.refused, 1);
	epoch(2, 3, -1);
	epoch(2, 3, -1);
	epoch(2, 3, -1); /* page 1 cooled */
	mig_history_sent(&h, 3, page, 0);
	assert_non_null(mig_history_copy(&h, 3));
	assert_null(mig_history_copy(&h, 1));
	assert_non_null(mig_history_copy(&h, 2));
	assert_int_equal(h.evicted, 1);
}

/* A copy is a delta base only once the destination reported holding
 * exactly what the last send carried. */
static void test_feedback_confirms(void **state)
{
	u64 sum;

	memset(page, 0x11, sizeof(page));
	sum = hash64(page, sizeof(page), 0);
	epoch(7, -1);
	mig_history_sent(&h, 7, page, 1);
	assert_non_null(mig_history_copy(&h, 7));
	assert_null(mig_history_base(&h, 7)); /* no feedback yet */
	assert_int_equal(h.unconfirmed + h.based, 0); /* it had no copy when sent */
	assert_int_equal(mig_history_held(&h, 1, 7, sum), MIG_HELD_CONFIRMED);
	assert_ptr_equal(mig_history_base(&h, 7), mig_history_copy(&h, 7));

	/* sent again in round 2 (as a delta): round 1's report is stale, round
	 * 2's confirms */
	page[0] = 0x22;
	mig_history_sent(&h, 7, page, 2);
	assert_int_equal(h.based, 1);
	assert_null(mig_history_base(&h, 7));
	assert_int_equal(mig_history_held(&h, 1, 7, sum), MIG_HELD_STALE);
	assert_null(mig_history_base(&h, 7));
	assert_int_equal(mig_history_held(&h, 2, 7, hash64(page, sizeof(page), 0)), MIG_HELD_CONFIRMED);
	assert_non_null(mig_history_base(&h, 7));
	assert_int_equal(h.fb_confirmed, 2);
	mig_history_sent(&h, 7, page, 3); /* a delta again */
	mig_history_sent(&h, 7, page, 4); /* whole: round 3 not confirmed */
	assert_int_equal(h.based, 2);
	assert_int_equal(h.unconfirmed, 1);
	assert_int_equal(h.fb_stale, 1);

	/* a page without a copy is confirmed too, but has no base */
	mig_history_sent(&h, 100, page, 2);
	assert_int_equal(mig_history_held(&h, 2, 100, hash64(page, sizeof(page), 0)), MIG_HELD_CONFIRMED);
	assert_null(mig_history_base(&h, 100));
}

/* What the destination holds otherwise, or says it was sent when it was
 * not, is told apart; neither makes a base. */
static void test_feedback_mismatch_and_false(void **state)
{
	memset(page, 0x33, sizeof(page));
	epoch(8, -1);
	mig_history_sent(&h, 8, page, 3);
	assert_int_equal(mig_history_held(&h, 3, 8, hash64(page, sizeof(page), 0) ^ 1), MIG_HELD_MISMATCH);
	assert_null(mig_history_base(&h, 8));
	assert_int_equal(h.fb_mismatched, 1);
	assert_int_equal(mig_history_held(&h, 4, 8, 0), MIG_HELD_UNSENT); /* a round it was not sent in */
	assert_int_equal(mig_history_held(&h, 0, 9, 0), MIG_HELD_UNSENT); /* never sent */
	assert_int_equal(mig_history_held(&h, 0, NPAGES, 0), MIG_HELD_UNSENT);
	assert_int_equal(h.fb_confirmed + h.fb_stale, 0);
	/* a send afterwards resets the page: the next report can confirm it */
	mig_history_sent(&h, 8, page, 5);
	assert_int_equal(mig_history_held(&h, 5, 8, hash64(page, sizeof(page), 0)), MIG_HELD_CONFIRMED);
	assert_non_null(mig_history_base(&h, 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hot_and_warm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copies_follow_sends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget_and_eviction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_confirms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_feedback_mismatch_and_false, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
