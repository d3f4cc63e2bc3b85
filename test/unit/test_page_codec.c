// sources: proto/page_codec.c
// uses: lz4
/*
 * proto/page_codec.c: every encoding round-trips on pages built like guest
 * memory (zero, random, text, a few modified words, a broad periodic
 * change); page_encode picks the smallest of what page_encode_as gives for
 * each kind; the zero-run form is checked byte by byte against bytes
 * written by hand; and the decoder refuses truncated, overlong and
 * corrupted encodings with a message, never touching memory outside its
 * buffers (ASan watches).
 */
#include "helpers.h"

#include <stdlib.h>

#include "errno.h"
#include "proto/page_codec.h"

#define PG PAGE_CODEC_PAGE

static struct page_codec_work work;
static u8 out[PAGE_CODEC_MAX], page[PG], prev[PG], back[PG];

static u64 rng = 0x9E3779B97F4A7C15ULL;

static u8 rnd8(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (u8)rng;
}

static void fill_random(u8 *p)
{
	for (size_t i = 0; i < PG; i++)
		p[i] = rnd8();
}

static void fill_text(u8 *p)
{
	static const char text[] = "the quick brown fox jumps over the lazy dog; ";

	for (size_t i = 0; i < PG; i++)
		p[i] = (u8)text[i % (sizeof(text) - 1)];
}

/* Decodes out (n bytes) against prv and checks it gives want, taking n. */
static void expect_roundtrip(size_t n, const u8 *prv, const u8 *want)
{
	const char *why;

	memset(back, 0xEE, sizeof(back));
	assert_int_equal(page_decode(out, n, prv, back, &work, &why), (int)n);
	assert_null(why);
	assert_memory_equal(back, want, PG);
}

/* The smallest of the kinds that apply, from page_encode_as. */
static size_t smallest(const u8 *pg, const u8 *prv)
{
	static u8 tmp[PAGE_CODEC_MAX];
	size_t best = ~(size_t)0;

	for (unsigned k = 0; k < PAGE_ENC_COUNT; k++) {
		int n = page_encode_as(k, pg, prv, tmp, &work);

		if (n > 0 && (size_t)n < best)
			best = (size_t)n;
	}
	return best;
}

static void test_zero_page(void **state)
{
	memset(page, 0, PG);
	assert_int_equal(page_encode(page, NULL, out, &work), 1);
	assert_int_equal(out[0], PAGE_ENC_ZERO);
	expect_roundtrip(1, NULL, page);
	page[PG - 1] = 1;
	assert_false(page_is_zero(page));
	assert_int_equal(page_encode_as(PAGE_ENC_ZERO, page, NULL, out, &work), -EINVAL);
}

static void test_random_page_is_raw(void **state)
{
	fill_random(page);
	assert_int_equal(page_encode(page, NULL, out, &work), PAGE_CODEC_MAX);
	assert_int_equal(out[0], PAGE_ENC_RAW);
	expect_roundtrip(PAGE_CODEC_MAX, NULL, page);
	/* LZ4 cannot make it smaller than a page and a header */
	assert_int_equal(page_encode_as(PAGE_ENC_LZ4, page, NULL, out, &work), -ENOSPC);
}

static void test_text_page_is_lz4(void **state)
{
	size_t n;

	fill_text(page);
	n = page_encode(page, NULL, out, &work);
	assert_int_equal(out[0], PAGE_ENC_LZ4);
	assert_true(n < 200);
	assert_int_equal(n, smallest(page, NULL));
	expect_roundtrip(n, NULL, page);
}

/* Two bytes changed at offset 10: kind, length 4, zero run 10, literal
 * run 2, the XOR bytes. */
static void test_zrun_bytes_by_hand(void **state)
{
	static const u8 want[] = { PAGE_ENC_XOR_ZRUN, 4, 0, 10, 2, 0xAA, 0x55 };

	fill_random(prev);
	memcpy(page, prev, PG);
	page[10] ^= 0xAA;
	page[11] ^= 0x55;
	assert_int_equal(page_encode(page, prev, out, &work), sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	expect_roundtrip(sizeof(want), prev, page);

	/* a run of 300 zeros takes two LEB128 bytes: 300 = 0xAC 0x02 */
	memcpy(page, prev, PG);
	page[300] ^= 1;
	assert_int_equal(page_encode(page, prev, out, &work), 3 + 4);
	assert_memory_equal(out + 3, ((const u8[]){ 0xAC, 0x02, 1, 1 }), 4);
	expect_roundtrip(7, prev, page);
}

static void test_same_page_is_three_bytes(void **state)
{
	fill_random(prev);
	memcpy(page, prev, PG);
	assert_int_equal(page_encode(page, prev, out, &work), 3);
	assert_memory_equal(out, ((const u8[]){ PAGE_ENC_XOR_ZRUN, 0, 0 }), 3);
	expect_roundtrip(3, prev, page);
}

/* A change over the whole page with a pattern: XOR then LZ4 wins. */
static void test_broad_change_is_xor_lz4(void **state)
{
	size_t n;

	fill_random(prev);
	for (size_t i = 0; i < PG; i++)
		page[i] = prev[i] ^ (u8)(1 + i % 4);
	n = page_encode(page, prev, out, &work);
	assert_int_equal(out[0], PAGE_ENC_XOR_LZ4);
	assert_int_equal(n, smallest(page, prev));
	expect_roundtrip(n, prev, page);
}

/* Modified words in a text page, every 64 bytes: each kind that applies
 * round-trips, and page_encode gives the smallest. */
static void test_every_kind_roundtrips(void **state)
{
	fill_text(prev);
	memcpy(page, prev, PG);
	for (size_t i = 0; i < PG; i += 64)
		page[i] = rnd8() | 1;
	for (unsigned k = 0; k < PAGE_ENC_COUNT; k++) {
		int n = page_encode_as(k, page, prev, out, &work);

		if (k == PAGE_ENC_ZERO) {
			assert_int_equal(n, -EINVAL);
			continue;
		}
		assert_true(n > 0);
		assert_int_equal(out[0], k);
		expect_roundtrip((size_t)n, prev, page);
	}
	assert_int_equal(page_encode(page, prev, out, &work), smallest(page, prev));
	assert_int_equal(page_encode_as(PAGE_ENC_XOR_ZRUN, page, NULL, out, &work), -EINVAL);
	assert_int_equal(page_encode_as(PAGE_ENC_COUNT, page, prev, out, &work), -EINVAL);
}

/* A delta applied in place: page and prev the same buffer. */
static void test_in_place(void **state)
{
	static u8 held[PG];

	for (unsigned k = PAGE_ENC_XOR_ZRUN; k <= PAGE_ENC_XOR_LZ4; k++) {
		const char *why;
		int n;

		fill_text(prev);
		memcpy(held, prev, PG);
		memcpy(page, prev, PG);
		page[5] = 'X';
		page[4000] = 'Y';
		n = page_encode_as(k, page, prev, out, &work);
		assert_true(n > 0);
		assert_int_equal(page_decode(out, (size_t)n, held, held, &work, &why), n);
		assert_memory_equal(held, page, PG);
	}
}

/* Every truncation of every encoding is refused with a message. */
static void test_truncations(void **state)
{
	fill_text(prev);
	memcpy(page, prev, PG);
	page[100] = 0;
	page[2000] = 1;
	for (unsigned k = PAGE_ENC_RAW; k < PAGE_ENC_COUNT; k++) {
		int n = page_encode_as(k, page, prev, out, &work);

		assert_true(n > 0);
		for (int len = 0; len < n; len++) {
			const char *why = NULL;
			u8 *copy = malloc((size_t)len + 1); /* exactly len bytes readable */

			memcpy(copy, out, (size_t)len);
			assert_int_equal(page_decode(copy, (size_t)len, prev, back, &work, &why),
					 -EBADMSG);
			assert_non_null(why);
			free(copy);
		}
	}
}

static void expect_refused(const u8 *enc, size_t len, const u8 *prv, int err, const char *msg)
{
	const char *why;

	assert_int_equal(page_decode(enc, len, prv, back, &work, &why), err);
	assert_string_equal(why, msg);
}

static void test_refusals(void **state)
{
	fill_random(prev);
	expect_refused((const u8[]){ 9 }, 1, prev, -EBADMSG, "page encoding of unknown kind");
	expect_refused((const u8[]){ PAGE_ENC_LZ4, 0x01, 0x10 }, 3, prev, -EBADMSG,
		       "page payload longer than a page");
	expect_refused((const u8[]){ PAGE_ENC_LZ4, 5, 0, 1, 2 }, 5, prev, -EBADMSG,
		       "page payload truncated");
	expect_refused((const u8[]){ PAGE_ENC_LZ4, 2, 0, 0xF0, 0 }, 5, prev, -EBADMSG,
		       "page lz4: bad block (not exactly one page)");
	expect_refused((const u8[]){ PAGE_ENC_XOR_ZRUN, 2, 0, 1, 1 }, 5, NULL, -ENODATA,
		       "page delta without a previous copy");
	/* a literal run of zero bytes, a zero run of zero after the first */
	expect_refused((const u8[]){ PAGE_ENC_XOR_ZRUN, 2, 0, 1, 0 }, 5, prev, -EBADMSG,
		       "page xor-zrun: empty run");
	expect_refused((const u8[]){ PAGE_ENC_XOR_ZRUN, 6, 0, 0, 1, 7, 0, 1, 7 }, 9, prev,
		       -EBADMSG, "page xor-zrun: empty run");
	/* LEB128 not in its shortest form, longer than two bytes, past 4096 */
	expect_refused((const u8[]){ PAGE_ENC_XOR_ZRUN, 4, 0, 0x81, 0x00, 1, 7 }, 7, prev,
		       -EBADMSG, "page xor-zrun: bad run length");
	expect_refused((const u8[]){ PAGE_ENC_XOR_ZRUN, 5, 0, 0x81, 0x80, 0x01, 1, 7 }, 8, prev,
		       -EBADMSG, "page xor-zrun: bad run length");
	expect_refused((const u8[]){ PAGE_ENC_XOR_ZRUN, 4, 0, 0x81, 0x40, 1, 7 }, 7, prev,
		       -EBADMSG, "page xor-zrun: bad run length");
	/* runs past the page, literal bytes past the payload */
	expect_refused((const u8[]){ PAGE_ENC_XOR_ZRUN, 4, 0, 0xFF, 0x1F, 2, 7 }, 7, prev,
		       -EBADMSG, "page xor-zrun: runs past the page or the payload");
	expect_refused((const u8[]){ PAGE_ENC_XOR_ZRUN, 3, 0, 0, 3, 7 }, 6, prev, -EBADMSG,
		       "page xor-zrun: runs past the page or the payload");
}

/* Every single-byte corruption of an LZ4 encoding decodes or is refused;
 * neither reads nor writes out of bounds. */
static void test_corrupted_lz4(void **state)
{
	static u8 bad[PAGE_CODEC_MAX];
	int n;

	fill_text(page);
	n = page_encode(page, NULL, out, &work);
	for (int i = 0; i < n; i++) {
		for (unsigned bit = 0; bit < 8; bit++) {
			const char *why;
			int r;

			memcpy(bad, out, (size_t)n);
			bad[i] ^= (u8)(1u << bit);
			r = page_decode(bad, (size_t)n, prev, back, &work, &why);
			assert_true(r == -EBADMSG || (r > 0 && r <= n));
			if (r < 0)
				assert_non_null(why);
		}
	}
}

static void test_names(void **state)
{
	assert_string_equal(page_enc_name(PAGE_ENC_XOR_LZ4), "xor-lz4");
	assert_string_equal(page_enc_name(PAGE_ENC_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_page),
		cmocka_unit_test(test_random_page_is_raw),
		cmocka_unit_test(test_text_page_is_lz4),
		cmocka_unit_test(test_zrun_bytes_by_hand),
		cmocka_unit_test(test_same_page_is_three_bytes),
		cmocka_unit_test(test_broad_change_is_xor_lz4),
		cmocka_unit_test(test_every_kind_roundtrips),
		cmocka_unit_test(test_in_place),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_corrupted_lz4),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
