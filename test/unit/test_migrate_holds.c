// sources: hv/migrate_holds.c proto/migrate_types.c proto/migrate_encoder.c proto/migrate_decoder.c proto/migrate_payloads.c proto/snapshot_cpuid.c proto/page_codec.c proto/wire.c proto/wire_prim.c lib/hash.c
// uses: lz4
/*
 * The destination's report of the pages it holds (hv/migrate_holds.c):
 * the pages a round sent, reported after its ROUND with the hash of what
 * RAM holds of each, in HOLDS frames as small as the caller asks, which a
 * source's decoder takes; a report that falls behind the next round is
 * dropped and counted.
 */
#include "helpers.h"

#include <stdlib.h>

#include "hash.h"
#include "hv/migrate_holds.h"
#include "proto/migrate_proto.h"

#define NPAGES 200
#define FRAME_CAP (MIG_FRAME_HDR + MIG_PAYLOAD_MAX)
#define SMALL (MIG_FRAME_HDR + MIG_PAGES_PREFIX + 4 * 9 + 8) /* 4 records of 9 bytes */

static struct mig_holds r;
static struct mig_encoder e;
static u8 mem[2 * NPAGES / 8 + 64];
static u8 ram[NPAGES * PAGE_CODEC_PAGE];
static u8 stream[1 << 16], frame[FRAME_CAP];
static size_t len;
static struct page_codec_work work;

static struct {
	unsigned n;
	u32 round[64];
	u64 pfn[64], hash[64];
} got;

static int on_held(void *ctx, u32 round, u64 pfn, u64 hash)
{
	if (got.n < 64) {
		got.round[got.n] = round;
		got.pfn[got.n] = pfn;
		got.hash[got.n] = hash;
	}
	got.n++;
	return 0;
}

static const struct mig_ops ops = { .held = on_held };

static int setup(void **state)
{
	for (size_t i = 0; i < sizeof(ram); i++)
		ram[i] = (u8)(i * 7 + i / 4096);
	mig_holds_init(&r, NPAGES, mem);
	mig_encoder_init(&e);
	len = (size_t)mig_encode_empty(&e, MIG_ACCEPT, stream, sizeof(stream));
	memset(&got, 0, sizeof(got));
	return 0;
}

/* Every frame the report has now, each at most cap bytes, into stream. */
static unsigned build_all(size_t cap)
{
	unsigned frames = 0;
	int n;

	while ((n = mig_holds_build(&r, &e, ram, stream + len, cap)) > 0) {
		assert_true((size_t)n <= cap);
		len += (size_t)n;
		frames++;
	}
	assert_int_equal(n, 0);
	return frames;
}

/* Decodes stream as the source would after rounds ended. */
static void decode(u32 rounds)
{
	struct mig_decoder d;

	mig_decoder_init(&d, MIG_TO_SOURCE, &ops, NULL, frame, sizeof(frame), &work);
	mig_decoder_expect_holds(&d, NPAGES, rounds);
	assert_int_equal(mig_decoder_push(&d, stream, len), 0);
}

static void test_report_in_frames(void **state)
{
	static const u64 pages[] = { 0, 3, 4, 9, 77, 150, 199 };

	assert_int_equal(build_all(SMALL), 0); /* nothing received yet */
	for (unsigned i = 0; i < 7; i++)
		mig_holds_page(&r, pages[i]);
	mig_holds_page(&r, NPAGES); /* beyond: ignored */
	assert_int_equal(build_all(SMALL), 0); /* the round has not ended */
	mig_holds_round_end(&r, 0);
	mig_holds_page(&r, 5); /* the next round's */
	ram[4 * PAGE_CODEC_PAGE] ^= 1; /* reported as held now */
	assert_int_equal(build_all(SMALL), 2);
	decode(1);
	assert_int_equal(got.n, 7);
	for (unsigned i = 0; i < 7; i++) {
		assert_int_equal(got.round[i], 0);
		assert_int_equal(got.pfn[i], pages[i]);
		assert_int_equal(got.hash[i], hash64(ram + pages[i] * PAGE_CODEC_PAGE, PAGE_CODEC_PAGE, 0));
	}
	assert_int_equal(r.reported, 7);
	assert_int_equal(r.frames, 2);
	mig_holds_round_end(&r, 1);
	assert_int_equal(build_all(SMALL), 1);
	memset(&got, 0, sizeof(got));
	decode(2);
	assert_int_equal(got.n, 8);
	assert_int_equal(got.round[7], 1);
	assert_int_equal(got.pfn[7], 5);
	assert_int_equal(r.dropped, 0);
}

/* A report not sent when the next round ends is dropped, not sent late. */
static void test_late_report_dropped(void **state)
{
	for (u64 p = 10; p < 20; p++)
		mig_holds_page(&r, p);
	int n;

	mig_holds_round_end(&r, 0);
	n = mig_holds_build(&r, &e, ram, stream + len, SMALL); /* 4 of the 10 */
	assert_true(n > 0);
	len += (size_t)n;
	mig_holds_page(&r, 12);
	mig_holds_round_end(&r, 1);
	assert_int_equal(r.dropped, 6);
	assert_int_equal(build_all(SMALL), 1);
	decode(2);
	assert_int_equal(got.n, 5);
	assert_int_equal(got.pfn[3], 13);
	assert_int_equal(got.round[4], 1);
	assert_int_equal(got.pfn[4], 12); /* a new round may start low again */
}

/* A round that sent no page leaves the report of the round before it
 * standing: its ROUND may come right after that round's. */
static void test_empty_round_keeps_report(void **state)
{
	(void)state;
	for (u64 p = 30; p < 33; p++)
		mig_holds_page(&r, p);
	mig_holds_round_end(&r, 1);
	mig_holds_round_end(&r, 2);
	assert_int_equal(r.dropped, 0);
	assert_int_equal(build_all(SMALL), 1);
	decode(3);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.round[0], 1);
	assert_int_equal(got.pfn[2], 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_report_in_frames, setup),
		cmocka_unit_test_setup(test_late_report_dropped, setup),
		cmocka_unit_test_setup(test_empty_round_keeps_report, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
