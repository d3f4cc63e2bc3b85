// sources: hv/migrate_history.c
/*
 * A migration's modification history (hv/migrate_history.c): which pages
 * were dirtied in which of the recent epochs, which are hot (held back for
 * the stun) and warm (their copy kept for deltas), and the copies: taken
 * within the budget, always following what was last sent, dropped for a
 * warmer page when the budget is full.
 */
#include "helpers.h"

#include <stdlib.h>

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
	mig_history_sent(&h, 9, page);
	assert_null(mig_history_copy(&h, 9));
	epoch(9, -1);
	mig_history_sent(&h, 9, page);
	assert_non_null(mig_history_copy(&h, 9));
	assert_memory_equal(mig_history_copy(&h, 9), page, sizeof(page));
	memset(page, 0x55, sizeof(page));
	epoch(-1);
	epoch(-1);
	epoch(-1); /* no longer warm: the copy still follows what is sent */
	mig_history_sent(&h, 9, page);
	assert_memory_equal(mig_history_copy(&h, 9), page, sizeof(page));
	assert_int_equal(h.kept, 1);
}

/* The budget: a third warm page finds no slot while both copies belong to
 * warm pages; once one of them cools, its slot goes to the new page. */
static void test_budget_and_eviction(void **state)
{
	epoch(1, 2, 3, -1);
	mig_history_sent(&h, 1, page);
	mig_history_sent(&h, 2, page);
	mig_history_sent(&h, 3, page);
	assert_non_null(mig_history_copy(&h, 1));
	assert_non_null(mig_history_copy(&h, 2));
	assert_null(mig_history_copy(&h, 3));
	assert_int_equal(h.refused, 1);
	epoch(2, 3, -1);
	epoch(2, 3, -1);
	epoch(2, 3, -1); /* page 1 cooled */
	mig_history_sent(&h, 3, page);
	assert_non_null(mig_history_copy(&h, 3));
	assert_null(mig_history_copy(&h, 1));
	assert_non_null(mig_history_copy(&h, 2));
	assert_int_equal(h.evicted, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hot_and_warm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copies_follow_sends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget_and_eviction, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
