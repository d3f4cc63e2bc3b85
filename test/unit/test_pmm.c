// sources: arch/x86/pmm.c
/* arch/x86/pmm.c: the bitmap page-frame allocator, checked frame by frame. */
#include "helpers.h"

#include "arch/x86/pmm.h"
#include "errno.h"

#define NPAGES 200 /* not a multiple of 64: the last bitmap word is partial */
#define PG(n) ((u64)(n) * PAGE_SIZE)

static u64 bitmap[(NPAGES + 63) / 64 + 1]; /* one guard word past the map */
static struct pmm pmm;

#define GUARD 0x5A5A5A5A5A5A5A5AULL

static int setup(void **state)
{
	memset(bitmap, 0xFF, sizeof(bitmap));
	bitmap[ARRAY_SIZE(bitmap) - 1] = GUARD;
	pmm_init(&pmm, bitmap, NPAGES);
	return 0;
}

/* The word past the map is never written. */
static int teardown(void **state)
{
	assert_true(bitmap[ARRAY_SIZE(bitmap) - 1] == GUARD);
	return 0;
}

/* Counts free frames in [first, end) directly through pmm_is_free. */
static u64 count_free(u64 first, u64 end)
{
	u64 n = 0;

	for (u64 pfn = first; pfn < end; pfn++)
		n += pmm_is_free(&pmm, PG(pfn));
	return n;
}

/* Checks that exactly the frames in [first, end) are free. */
static void assert_free_exactly(u64 first, u64 end)
{
	for (u64 pfn = 0; pfn < NPAGES; pfn++)
		if (pmm_is_free(&pmm, PG(pfn)) != (pfn >= first && pfn < end))
			fail_msg("frame %llu: free=%d, want [%llu, %llu) free",
				 pfn, pmm_is_free(&pmm, PG(pfn)),
				 first, end);
	assert_int_equal(pmm.free_pages, end - first);
}

static void test_bitmap_bytes(void **state)
{
	assert_int_equal(pmm_bitmap_bytes(0), 0);
	assert_int_equal(pmm_bitmap_bytes(1), 8);
	assert_int_equal(pmm_bitmap_bytes(64), 8);
	assert_int_equal(pmm_bitmap_bytes(65), 16);
	assert_int_equal(pmm_bitmap_bytes(NPAGES), 32);
}

/* Everything starts in use, whatever the bitmap held. */
static void test_init(void **state)
{
	assert_int_equal(pmm.npages, NPAGES);
	assert_int_equal(pmm.free_pages, 0);
	assert_int_equal(count_free(0, NPAGES), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bitmap) - 1; i++)
		assert_true(bitmap[i] == 0);
	assert_false(pmm_is_free(&pmm, PG(NPAGES)));
	assert_false(pmm_is_free(&pmm, UINT64_MAX));
}

static void test_add_free_aligned(void **state)
{
	pmm_add_free(&pmm, PG(10), PG(20));
	assert_free_exactly(10, 30);
	assert_true(pmm_is_free(&pmm, PG(10) + 123)); /* any address in the page */
}

/* Only pages wholly inside the range become free. */
static void test_add_free_unaligned(void **state)
{
	pmm_add_free(&pmm, 0x1800, 0x3000); /* [0x1800, 0x4800): pages 2 and 3 */
	assert_free_exactly(2, 4);

	setup(state);
	pmm_add_free(&pmm, 0x1001, 0x1FFF); /* [0x1001, 0x3000): page 2 */
	assert_free_exactly(2, 3);

	setup(state);
	pmm_add_free(&pmm, 0x1001, 0xFFF); /* [0x1001, 0x2000): no whole page */
	assert_free_exactly(0, 0);

	setup(state);
	pmm_add_free(&pmm, PG(5), 0); /* empty */
	assert_free_exactly(0, 0);
}

/* Ranges past the map are cut at npages; repeats are not counted twice. */
static void test_add_free_clipped_and_repeated(void **state)
{
	pmm_add_free(&pmm, PG(190), PG(100));
	assert_free_exactly(190, NPAGES);
	pmm_add_free(&pmm, PG(185), PG(10));
	assert_free_exactly(185, NPAGES);
	pmm_add_free(&pmm, PG(NPAGES + 5), PG(10)); /* wholly outside */
	assert_free_exactly(185, NPAGES);
}

/* A range whose end wraps past 2^64 frees up to the end of the map. */
static void test_add_free_wrapping_length(void **state)
{
	pmm_add_free(&pmm, PG(150), UINT64_MAX);
	assert_free_exactly(150, NPAGES);
}

/* A range in the last page of the address space holds no whole page (the
 * round-up of its start must not wrap to frame 0). */
static void test_add_free_top_of_address_space(void **state)
{
	pmm_add_free(&pmm, UINT64_MAX - 0x800, 0x400);
	assert_free_exactly(0, 0);
	pmm_add_free(&pmm, 0xFFFFFFFFFFFFF001ULL, 0xFFE);
	assert_free_exactly(0, 0);
}

/* Every page touching the range becomes used. */
static void test_reserve_rounds_outward(void **state)
{
	pmm_add_free(&pmm, 0, PG(NPAGES));
	pmm_reserve(&pmm, 0x1800, 0x1000); /* [0x1800, 0x2800): pages 1 and 2 */
	assert_false(pmm_is_free(&pmm, PG(1)));
	assert_false(pmm_is_free(&pmm, PG(2)));
	assert_true(pmm_is_free(&pmm, PG(0)));
	assert_true(pmm_is_free(&pmm, PG(3)));
	assert_int_equal(pmm.free_pages, NPAGES - 2);

	pmm_reserve(&pmm, PG(10), 1); /* one byte: one page */
	assert_false(pmm_is_free(&pmm, PG(10)));
	assert_true(pmm_is_free(&pmm, PG(11)));
	assert_int_equal(pmm.free_pages, NPAGES - 3);

	pmm_reserve(&pmm, PG(20), 0); /* empty: nothing */
	assert_true(pmm_is_free(&pmm, PG(20)));
	assert_int_equal(pmm.free_pages, NPAGES - 3);

	pmm_reserve(&pmm, PG(10), PG(1)); /* already used: not counted twice */
	assert_int_equal(pmm.free_pages, NPAGES - 3);
}

static void test_reserve_clipped_and_wrapping(void **state)
{
	pmm_add_free(&pmm, 0, PG(NPAGES));
	pmm_reserve(&pmm, PG(195), PG(100));
	assert_free_exactly(0, 195);
	pmm_reserve(&pmm, PG(190), UINT64_MAX); /* end wraps */
	assert_free_exactly(0, 190);
	pmm_reserve(&pmm, UINT64_MAX - 10, 100); /* far outside the map */
	assert_free_exactly(0, 190);
	pmm_reserve(&pmm, PG(NPAGES), PG(1));
	assert_free_exactly(0, 190);
}

/* A range ending in the last page of the address space: rounding its end
 * up to a page must not wrap to a tiny end and reserve nothing. */
static void test_reserve_to_top_of_address_space(void **state)
{
	pmm_add_free(&pmm, 0, PG(NPAGES));
	pmm_reserve(&pmm, 0, UINT64_MAX - 0x9FF);
	assert_free_exactly(0, 0);

	pmm_add_free(&pmm, 0, PG(NPAGES));
	pmm_reserve(&pmm, PG(7), UINT64_MAX - PG(7) - 0x10);
	assert_free_exactly(0, 7);
}

static void test_alloc_first_fit(void **state)
{
	u64 a, b;

	pmm_add_free(&pmm, PG(4), PG(10));
	assert_int_equal(pmm_alloc(&pmm, 1, 1, &a), 0);
	assert_true(a == PG(4));
	assert_false(pmm_is_free(&pmm, a));
	assert_int_equal(pmm.free_pages, 9);
	assert_int_equal(pmm_alloc(&pmm, 3, 1, &b), 0);
	assert_true(b == PG(5));
	assert_int_equal(count_free(5, 8), 0);
	assert_int_equal(pmm.free_pages, 6);
}

/* The first frame is a multiple of the alignment; runs too short or
 * misaligned are passed over. */
static void test_alloc_alignment(void **state)
{
	u64 a;

	pmm_add_free(&pmm, PG(1), PG(150));
	assert_int_equal(pmm_alloc(&pmm, 1, 16, &a), 0);
	assert_true(a == PG(16));
	assert_int_equal(pmm_alloc(&pmm, 4, 4, &a), 0);
	assert_true(a == PG(20)); /* after the hint, aligned */
	assert_int_equal(pmm_alloc(&pmm, 64, 64, &a), 0);
	assert_true(a == PG(64));
	assert_int_equal(pmm_alloc(&pmm, 2, 128, &a), 0);
	assert_true(a == PG(128));
	assert_int_equal(pmm.free_pages, 150 - 1 - 4 - 64 - 2);
	assert_int_equal(pmm_alloc(&pmm, 1, 256, &a), -ENOMEM); /* only frame 0: used */
}

/* A contiguous request skips holes too small for it, across words. */
static void test_alloc_contiguous_skips_holes(void **state)
{
	u64 a;

	pmm_add_free(&pmm, PG(10), PG(3));  /* 10..12 */
	pmm_add_free(&pmm, PG(60), PG(5));  /* 60..64, crosses a word */
	pmm_add_free(&pmm, PG(130), PG(8)); /* 130..137 */
	assert_int_equal(pmm_alloc(&pmm, 5, 1, &a), 0);
	assert_true(a == PG(60));
	assert_int_equal(pmm_alloc(&pmm, 6, 1, &a), 0);
	assert_true(a == PG(130));
	assert_int_equal(pmm_alloc(&pmm, 3, 1, &a), 0);
	assert_true(a == PG(10)); /* found after wrapping round the hint */
	assert_int_equal(pmm.free_pages, 2);
	assert_int_equal(pmm_alloc(&pmm, 2, 1, &a), 0);
	assert_true(a == PG(136));
}

static void test_alloc_last_frames(void **state)
{
	u64 a;

	pmm_add_free(&pmm, PG(NPAGES - 3), PG(3));
	assert_int_equal(pmm_alloc(&pmm, 4, 1, &a), -ENOMEM);
	assert_int_equal(pmm_alloc(&pmm, 3, 1, &a), 0);
	assert_true(a == PG(NPAGES - 3));
	assert_int_equal(pmm.free_pages, 0);
}

static void test_alloc_exhaustion(void **state)
{
	u64 a, prev = 0;

	pmm_add_free(&pmm, PG(100), PG(8));
	for (int i = 0; i < 8; i++) {
		assert_int_equal(pmm_alloc(&pmm, 1, 1, &a), 0);
		assert_true(i == 0 || a == prev + PAGE_SIZE);
		prev = a;
	}
	assert_int_equal(pmm.free_pages, 0);
	a = 0xDEAD;
	assert_int_equal(pmm_alloc(&pmm, 1, 1, &a), -ENOMEM);
	assert_true(a == 0xDEAD);
}

/* Enough free frames in total but no run long enough. */
static void test_alloc_fragmented(void **state)
{
	u64 a;

	for (u64 pfn = 0; pfn < NPAGES; pfn += 2)
		pmm_add_free(&pmm, PG(pfn), PG(1));
	assert_int_equal(pmm.free_pages, NPAGES / 2);
	assert_int_equal(pmm_alloc(&pmm, 2, 1, &a), -ENOMEM);
	assert_int_equal(pmm.free_pages, NPAGES / 2);
	assert_int_equal(pmm_alloc(&pmm, 1, 2, &a), 0);
	assert_int_equal(a % PG(2), 0);
}

static void test_alloc_bad_arguments(void **state)
{
	u64 a;

	pmm_add_free(&pmm, 0, PG(NPAGES));
	assert_int_equal(pmm_alloc(&pmm, 0, 1, &a), -ENOMEM);
	assert_int_equal(pmm_alloc(&pmm, 1, 0, &a), -ENOMEM);
	assert_int_equal(pmm_alloc(&pmm, 1, 3, &a), -ENOMEM);
	assert_int_equal(pmm_alloc(&pmm, 1, 12, &a), -ENOMEM);
	assert_int_equal(pmm_alloc(&pmm, NPAGES + 1, 1, &a), -ENOMEM);
	assert_int_equal(pmm_alloc(&pmm, UINT64_MAX, 1, &a), -ENOMEM);
	assert_int_equal(pmm_alloc(&pmm, 1, 1ULL << 63, &a), 0); /* frame 0 */
	assert_true(a == 0);
	assert_int_equal(pmm_alloc(&pmm, 1, 1ULL << 63, &a), -ENOMEM);
	assert_int_equal(pmm.free_pages, NPAGES - 1);
}

static void test_free_and_double_free(void **state)
{
	u64 a;

	pmm_add_free(&pmm, PG(0), PG(NPAGES));
	assert_int_equal(pmm_alloc(&pmm, 4, 1, &a), 0);
	assert_int_equal(pmm.free_pages, NPAGES - 4);
	assert_int_equal(pmm_free(&pmm, a, 4), 0);
	assert_int_equal(pmm.free_pages, NPAGES);
	assert_int_equal(count_free(0, NPAGES), NPAGES);
	assert_int_equal(pmm_free(&pmm, a, 4), -EINVAL);
	assert_int_equal(pmm_free(&pmm, a + PAGE_SIZE, 1), -EINVAL);
	assert_int_equal(pmm.free_pages, NPAGES);
}

/* A range with one already-free frame is refused whole: nothing changes. */
static void test_partial_double_free(void **state)
{
	u64 a;

	pmm_add_free(&pmm, PG(0), PG(NPAGES));
	assert_int_equal(pmm_alloc(&pmm, 8, 1, &a), 0);
	assert_int_equal(pmm_free(&pmm, a + PG(7), 1), 0);
	assert_int_equal(pmm_free(&pmm, a, 8), -EINVAL);
	assert_int_equal(count_free(a / PAGE_SIZE, a / PAGE_SIZE + 7), 0);
	assert_int_equal(pmm.free_pages, NPAGES - 7);
}

static void test_free_out_of_range(void **state)
{
	assert_int_equal(pmm_free(&pmm, PG(NPAGES), 1), -EINVAL);
	assert_int_equal(pmm_free(&pmm, PG(NPAGES - 1), 2), -EINVAL);
	assert_int_equal(pmm_free(&pmm, PG(NPAGES - 1), UINT64_MAX), -EINVAL);
	assert_int_equal(pmm_free(&pmm, UINT64_MAX & ~(PAGE_SIZE - 1), 1), -EINVAL);
	assert_int_equal(pmm_free(&pmm, PG(3) + 8, 1), -EINVAL); /* not page-aligned */
	assert_int_equal(pmm_free(&pmm, PG(3), 0), -EINVAL);
	assert_int_equal(pmm.free_pages, 0);
	assert_int_equal(pmm_free(&pmm, PG(NPAGES - 1), 1), 0); /* the last frame is fine */
	assert_int_equal(pmm.free_pages, 1);
}

/* The search starts after the last allocation and wraps to the start. */
static void test_hint_wraps_around(void **state)
{
	u64 a, first, last;

	pmm_add_free(&pmm, PG(0), PG(NPAGES));
	assert_int_equal(pmm_alloc(&pmm, 1, 1, &first), 0);
	assert_true(first == 0);
	assert_int_equal(pmm_alloc(&pmm, NPAGES - 2, 1, &a), 0);
	assert_int_equal(pmm_alloc(&pmm, 1, 1, &last), 0);
	assert_true(last == PG(NPAGES - 1));
	assert_int_equal(pmm_free(&pmm, first, 1), 0);
	assert_int_equal(pmm_free(&pmm, PG(5), 1), 0);
	assert_int_equal(pmm_alloc(&pmm, 1, 1, &a), 0);
	assert_true(a == 0); /* the hint was at the end: wrapped to frame 0 */
	assert_int_equal(pmm_alloc(&pmm, 1, 1, &a), 0);
	assert_true(a == PG(5));
	assert_int_equal(pmm.free_pages, 0);
}

/* Freed frames behind the hint are reused before fresh ones only after
 * the frames ahead of it run out. */
static void test_hint_prefers_ahead(void **state)
{
	u64 a, b;

	pmm_add_free(&pmm, PG(0), PG(NPAGES));
	assert_int_equal(pmm_alloc(&pmm, 1, 1, &a), 0);
	assert_int_equal(pmm_alloc(&pmm, 1, 1, &b), 0);
	assert_int_equal(pmm_free(&pmm, a, 1), 0);
	assert_int_equal(pmm_alloc(&pmm, 1, 1, &a), 0);
	assert_true(a == b + PAGE_SIZE);
}

/* Random allocations and frees against a shadow map: free_pages, the
 * bitmap and every result agree with the model at each step. */
static void test_random_against_model(void **state)
{
	static bool used[NPAGES];
	static struct {
		u64 addr, n;
	} live[NPAGES];
	unsigned nlive = 0;
	u64 seed = 0x9E3779B97F4A7C15ULL, model_free;

	pmm_add_free(&pmm, PG(3), PG(NPAGES - 3));
	memset(used, 0, sizeof(used));
	used[0] = used[1] = used[2] = true;
	model_free = NPAGES - 3;
	for (int step = 0; step < 20000; step++) {
		u64 r = test_rand(&seed);

		if (nlive && (r & 1)) {
			unsigned i = (unsigned)(r >> 8) % nlive;

			assert_int_equal(pmm_free(&pmm, live[i].addr, live[i].n), 0);
			for (u64 k = 0; k < live[i].n; k++)
				used[live[i].addr / PAGE_SIZE + k] = false;
			model_free += live[i].n;
			live[i] = live[--nlive];
		} else {
			u64 n = 1 + (r >> 8) % 9, align = 1ULL << ((r >> 16) % 4), a;
			int err = pmm_alloc(&pmm, n, align, &a);

			if (!err) {
				assert_int_equal(a % (align * PAGE_SIZE), 0);
				assert_true(a / PAGE_SIZE + n <= NPAGES);
				for (u64 k = 0; k < n; k++) {
					assert_false(used[a / PAGE_SIZE + k]);
					used[a / PAGE_SIZE + k] = true;
				}
				model_free -= n;
				live[nlive].addr = a;
				live[nlive++].n = n;
			} else {
				assert_int_equal(err, -ENOMEM);
			}
		}
		assert_int_equal(pmm.free_pages, model_free);
	}
	for (u64 pfn = 0; pfn < NPAGES; pfn++)
		assert_int_equal(pmm_is_free(&pmm, PG(pfn)), !used[pfn]);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bitmap_bytes),
		T(test_init),
		T(test_add_free_aligned),
		T(test_add_free_unaligned),
		T(test_add_free_clipped_and_repeated),
		T(test_add_free_wrapping_length),
		T(test_add_free_top_of_address_space),
		T(test_reserve_rounds_outward),
		T(test_reserve_clipped_and_wrapping),
		T(test_reserve_to_top_of_address_space),
		T(test_alloc_first_fit),
		T(test_alloc_alignment),
		T(test_alloc_contiguous_skips_holes),
		T(test_alloc_last_frames),
		T(test_alloc_exhaustion),
		T(test_alloc_fragmented),
		T(test_alloc_bad_arguments),
		T(test_free_and_double_free),
		T(test_partial_double_free),
		T(test_free_out_of_range),
		T(test_hint_wraps_around),
		T(test_hint_prefers_ahead),
		T(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
