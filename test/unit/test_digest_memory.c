// sources: hv/rr/digest_memory.c lib/hash.c
/* Unit tests of rr_digest_memory: which pages are rehashed, which are
 * reported as changed, and the combined memory hash (docs/log-format.md,
 * "State digest"). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hash.h"
#include "hv/rr/rr_digest.h"

#define PAGES 8
#define PAGE 4096

static u8 ram[PAGES * PAGE];
static u64 prev[PAGES];
static struct rrlog_page_hash changed[PAGES];

/* Fresh RAM of zeros and prev[] holding the hash of a zero page, as a
 * digest state starts. */
static void reset(void)
{
	u64 zero;

	memset(ram, 0, sizeof(ram));
	zero = hash64(ram, PAGE, 0);
	for (int i = 0; i < PAGES; i++)
		prev[i] = zero;
}

static void test_first_digest_lists_nonzero_pages(void **state)
{
	u64 n, h;

	reset();
	ram[2 * PAGE + 5] = 1;
	ram[6 * PAGE] = 0xAA;
	h = rr_digest_memory(ram, PAGES, NULL, prev, changed, &n);
	assert_int_equal(n, 2);
	assert_int_equal(changed[0].page, 2);
	assert_int_equal(changed[0].hash, (u32)hash64(ram + 2 * PAGE, PAGE, 0));
	assert_int_equal(changed[1].page, 6);
	assert_int_equal(changed[1].hash, (u32)hash64(ram + 6 * PAGE, PAGE, 0));
	assert_int_equal(prev[6], hash64(ram + 6 * PAGE, PAGE, 0));
	assert_int_equal(h, hash64(prev, sizeof(prev), 0));
}

static void test_dirty_bitmap_limits_rehashing(void **state)
{
	u64 n, dirty = 1ULL << 3, before;

	reset();
	before = rr_digest_memory(ram, PAGES, NULL, prev, changed, &n);
	assert_int_equal(n, 0);
	ram[3 * PAGE] = 7; /* marked dirty: seen */
	ram[4 * PAGE] = 9; /* not marked: the caller's contract is to mark writes */
	assert_int_not_equal(rr_digest_memory(ram, PAGES, &dirty, prev, changed, &n), before);
	assert_int_equal(n, 1);
	assert_int_equal(changed[0].page, 3);
	assert_int_equal(prev[4], hash64(ram + 5 * PAGE, PAGE, 0)); /* still a zero page's hash */
}

static void test_rewrite_same_content_not_listed(void **state)
{
	u64 n, h1, h2, dirty = 1ULL << 1;

	reset();
	ram[PAGE] = 3;
	h1 = rr_digest_memory(ram, PAGES, NULL, prev, changed, &n);
	assert_int_equal(n, 1);
	ram[PAGE] = 3; /* written again, same byte */
	h2 = rr_digest_memory(ram, PAGES, &dirty, prev, changed, &n);
	assert_int_equal(n, 0);
	assert_int_equal(h1, h2);
}

static void test_register_names(void **state)
{
	assert_string_equal(rr_digest_reg_name(RR_REG_RIP), "RIP");
	assert_string_equal(rr_digest_reg_name(RR_REG_GPR0 + 4), "RSP");
	assert_string_equal(rr_digest_reg_name(RR_REG_EFER), "EFER");
	assert_string_equal(rr_digest_reg_name(RRLOG_DIGEST_REGS), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_digest_lists_nonzero_pages),
		cmocka_unit_test(test_dirty_bitmap_limits_rehashing),
		cmocka_unit_test(test_rewrite_same_content_not_listed),
		cmocka_unit_test(test_register_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
