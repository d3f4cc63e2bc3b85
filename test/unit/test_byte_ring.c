// sources: lib/byte_ring.c
/* lib/byte_ring.c: the record/replay byte ring. Puts are all or nothing, peeks
 * copy without consuming, and the bytes come out in the order they went in
 * wherever the wrap point falls; a long random run is checked byte for byte
 * against a linear model of the stream. */
#include "helpers.h"

#include <stdlib.h>

#include "compiler.h"
#include "byte_ring.h"

#define SENTINEL 0xa5

/* --- helpers ------------------------------------------------------------- */

/* The ring's storage comes from malloc at exactly its size, so ASan reports
 * any copy that runs past the end instead of wrapping. */
static u8 *ring_new(struct byte_ring *r, u64 size)
{
	u8 *buf = malloc(size);

	assert_non_null(buf);
	memset(buf, SENTINEL, size);
	byte_ring_init(r, buf, size);
	return buf;
}

/* Byte i of a test stream: varies with i and with seed so a misplaced or
 * repeated byte shows up. */
static u8 pattern(u64 seed, u64 i)
{
	return (u8)(i * 131 + (i >> 8) * 7 + seed * 29 + 1);
}

static void fill(u8 *p, u64 len, u64 seed, u64 first)
{
	for (u64 i = 0; i < len; i++)
		p[i] = pattern(seed, first + i);
}

static void assert_pattern(const u8 *p, u64 len, u64 seed, u64 first)
{
	for (u64 i = 0; i < len; i++)
		if (p[i] != pattern(seed, first + i))
			fail_msg("byte %llu of the stream: got %#x, want %#x",
				 (first + i), p[i], pattern(seed, first + i));
}

/* Advances an empty ring so its next byte lands at offset off. */
static void move_to(struct byte_ring *r, u64 off)
{
	u8 junk[4096];

	assert_true(off <= sizeof(junk));
	memset(junk, 0, sizeof(junk));
	assert_true(byte_ring_put(r, junk, off));
	byte_ring_consume(r, off);
	assert_int_equal(byte_ring_used(r), 0);
}

/* --- tests --------------------------------------------------------------- */

static void test_init_empty(void **state)
{
	struct byte_ring r;
	u8 out[8];
	u8 *buf = ring_new(&r, 64);

	assert_ptr_equal(r.buf, buf);
	assert_int_equal(r.size, 64);
	assert_int_equal(byte_ring_used(&r), 0);
	assert_int_equal(byte_ring_free(&r), 64);
	assert_int_equal(r.high_water, 0);
	memset(out, SENTINEL, sizeof(out));
	assert_int_equal(byte_ring_peek(&r, out, sizeof(out)), 0);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(out[i], SENTINEL);
	free(buf);
}

/*
 * Every size from 1 to 256 (powers of two), every starting offset in the
 * buffer, every frame length that fits: one put, one peek, one consume,
 * with used/free right at each step.
 */
static void test_frame_at_every_offset(void **state)
{
	u8 in[256], out[256 + 1];

	for (u64 size = 1; size <= 256; size <<= 1) {
		for (u64 off = 0; off < size; off++) {
			for (u64 len = 1; len <= size; len++) {
				struct byte_ring r;
				u8 *buf = ring_new(&r, size);
				u64 seed = size * 1000 + off;

				move_to(&r, off);
				fill(in, len, seed, 0);
				assert_true(byte_ring_put(&r, in, len));
				assert_int_equal(byte_ring_used(&r), len);
				assert_int_equal(byte_ring_free(&r), size - len);
				memset(out, SENTINEL, sizeof(out));
				assert_int_equal(byte_ring_peek(&r, out, len), len);
				assert_pattern(out, len, seed, 0);
				byte_ring_consume(&r, len);
				assert_int_equal(byte_ring_used(&r), 0);
				assert_int_equal(byte_ring_free(&r), size);
				free(buf);
			}
		}
	}
}

/*
 * Frames of one length streamed through a ring of another: each size and
 * frame length, a few hundred frames, so the wrap point falls at every
 * place inside a frame. The ring is kept about half full.
 */
static void test_stream_across_wrap(void **state)
{
	static const u64 sizes[] = { 2, 4, 8, 16, 64, 128, 4096 };
	u8 in[4096], out[4096];

	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		u64 size = sizes[s];

		for (u64 len = 1; len <= size && len <= 67; len++) {
			struct byte_ring r;
			u8 *buf = ring_new(&r, size);
			u64 written = 0, read = 0;

			for (unsigned i = 0; i < 300; i++) {
				/* Drain the oldest frame once another would not fit. */
				if (byte_ring_free(&r) < len) {
					assert_int_equal(byte_ring_peek(&r, out, len), len);
					assert_pattern(out, len, size, read);
					byte_ring_consume(&r, len);
					read += len;
				}
				fill(in, len, size, written);
				assert_true(byte_ring_put(&r, in, len));
				written += len;
				assert_int_equal(byte_ring_used(&r), written - read);
			}
			/* The rest comes out in one peek. */
			assert_int_equal(byte_ring_peek(&r, out, sizeof(out)), written - read);
			assert_pattern(out, written - read, size, read);
			free(buf);
		}
	}
}

/* A put that does not fit is refused whole: nothing is written, head and
 * high-water mark stay; a put of exactly the free space still succeeds. */
static void test_put_all_or_nothing(void **state)
{
	struct byte_ring r;
	u8 in[32], out[16], before[16];
	u8 *buf = ring_new(&r, 16);

	move_to(&r, 11); /* the free space wraps */
	fill(in, 13, 1, 0);
	assert_true(byte_ring_put(&r, in, 13));
	assert_int_equal(byte_ring_free(&r), 3);

	/* One byte too many: refused, and the buffer is untouched. */
	memcpy(before, buf, sizeof(before));
	fill(in, 4, 2, 0);
	assert_false(byte_ring_put(&r, in, 4));
	assert_memory_equal(buf, before, sizeof(before));
	assert_int_equal(byte_ring_used(&r), 13);
	assert_int_equal(r.high_water, 13);

	/* Far too many, and more than the whole ring. */
	assert_false(byte_ring_put(&r, in, 17));
	assert_false(byte_ring_put(&r, in, 32));
	assert_int_equal(byte_ring_used(&r), 13);

	/* Exactly the free space fits; then even one byte is refused, and an
	 * empty put is always fine. */
	assert_true(byte_ring_put(&r, in, 3));
	assert_int_equal(byte_ring_used(&r), 16);
	assert_int_equal(byte_ring_free(&r), 0);
	assert_false(byte_ring_put(&r, in, 1));
	assert_true(byte_ring_put(&r, in, 0));
	assert_int_equal(byte_ring_used(&r), 16);

	/* What is inside is the 13 bytes, then the 3: the refusals left no
	 * trace in the stream. */
	assert_int_equal(byte_ring_peek(&r, out, sizeof(out)), 16);
	assert_pattern(out, 13, 1, 0);
	assert_pattern(out + 13, 3, 2, 0);
	free(buf);
}

/* A ring larger than anything put at once refuses an oversized put even
 * when empty. */
static void test_put_larger_than_ring(void **state)
{
	struct byte_ring r;
	u8 in[65];
	u8 *buf = ring_new(&r, 64);

	memset(in, 1, sizeof(in));
	assert_false(byte_ring_put(&r, in, 65));
	assert_int_equal(byte_ring_used(&r), 0);
	assert_int_equal(r.high_water, 0);
	assert_true(byte_ring_put(&r, in, 64));
	assert_int_equal(byte_ring_free(&r), 0);
	free(buf);
}

/* Peeking copies the oldest bytes and leaves them there: two peeks see the
 * same bytes, and a shorter peek sees a prefix of them. */
static void test_peek_does_not_consume(void **state)
{
	struct byte_ring r;
	u8 in[20], a[20], b[20], c[5];
	u8 *buf = ring_new(&r, 32);

	move_to(&r, 25);
	fill(in, 20, 3, 0);
	assert_true(byte_ring_put(&r, in, 20));
	assert_int_equal(byte_ring_peek(&r, a, 20), 20);
	assert_int_equal(byte_ring_peek(&r, b, 20), 20);
	assert_memory_equal(a, in, 20);
	assert_memory_equal(b, in, 20);
	assert_int_equal(byte_ring_peek(&r, c, 5), 5);
	assert_memory_equal(c, in, 5);
	assert_int_equal(byte_ring_used(&r), 20);
	assert_int_equal(byte_ring_free(&r), 12);

	/* Consuming part of it moves the next peek along. */
	byte_ring_consume(&r, 7);
	assert_int_equal(byte_ring_peek(&r, a, 20), 13);
	assert_memory_equal(a, in + 7, 13);
	free(buf);
}

/* Asking for more than is held copies only what is held and writes nothing
 * past it in out; asking for nothing copies nothing. */
static void test_peek_more_than_used(void **state)
{
	struct byte_ring r;
	u8 in[10], out[64];
	u8 *buf = ring_new(&r, 16);

	move_to(&r, 12);
	fill(in, 10, 4, 0);
	assert_true(byte_ring_put(&r, in, 10));
	memset(out, SENTINEL, sizeof(out));
	assert_int_equal(byte_ring_peek(&r, out, sizeof(out)), 10);
	assert_memory_equal(out, in, 10);
	for (size_t i = 10; i < sizeof(out); i++)
		assert_int_equal(out[i], SENTINEL);

	memset(out, SENTINEL, sizeof(out));
	assert_int_equal(byte_ring_peek(&r, out, 0), 0);
	assert_int_equal(out[0], SENTINEL);
	assert_int_equal(byte_ring_used(&r), 10);
	free(buf);
}

/* The high-water mark is the most ever held: it follows the peaks, stays
 * when the ring drains, and refused puts do not move it. */
static void test_high_water(void **state)
{
	struct byte_ring r;
	u8 in[64];
	u8 *buf = ring_new(&r, 64);

	memset(in, 7, sizeof(in));
	assert_true(byte_ring_put(&r, in, 10));
	assert_int_equal(r.high_water, 10);
	assert_true(byte_ring_put(&r, in, 5));
	assert_int_equal(r.high_water, 15);
	byte_ring_consume(&r, 15);
	assert_int_equal(r.high_water, 15);
	assert_true(byte_ring_put(&r, in, 12));
	assert_int_equal(r.high_water, 15);
	assert_true(byte_ring_put(&r, in, 20));
	assert_int_equal(r.high_water, 32);
	assert_false(byte_ring_put(&r, in, 33));
	assert_int_equal(r.high_water, 32);
	assert_true(byte_ring_put(&r, in, 32));
	assert_int_equal(r.high_water, 64);
	byte_ring_consume(&r, 64);
	assert_int_equal(r.high_water, 64);

	/* Init starts the mark again. */
	byte_ring_init(&r, buf, 64);
	assert_int_equal(r.high_water, 0);
	free(buf);
}

/* head and tail count bytes ever moved, and used/free and the offsets are
 * taken modulo 2^64; a ring whose counters pass 2^64 keeps working. */
static void test_counters_wrap(void **state)
{
	struct byte_ring r;
	u8 in[24], out[24];
	u8 *buf = ring_new(&r, 32);

	r.head = r.tail = UINT64_MAX - 9; /* offset 22 of 32 */
	fill(in, 24, 5, 0);
	assert_true(byte_ring_put(&r, in, 24));
	assert_true(r.head < r.tail); /* the head has passed 2^64 */
	assert_int_equal(byte_ring_used(&r), 24);
	assert_int_equal(byte_ring_free(&r), 8);
	assert_false(byte_ring_put(&r, in, 9));
	assert_int_equal(byte_ring_peek(&r, out, sizeof(out)), 24);
	assert_memory_equal(out, in, 24);
	byte_ring_consume(&r, 24);
	assert_int_equal(byte_ring_used(&r), 0);
	free(buf);
}

/*
 * A long random run of puts (some refused), peeks of random lengths and
 * consumes, against a model holding the unconsumed bytes at the start of a
 * linear buffer: every peeked byte, used, free and the high-water mark must
 * agree.
 */
struct model {
	u8 *bytes; /* the unconsumed stream, oldest first */
	u64 used;
	u64 high;
};

static void random_run(u64 size, u64 seed, unsigned ops)
{
	struct byte_ring r;
	struct model m = { 0 };
	u64 max_len = 2 * size + 1, rng = seed;
	u8 *buf = ring_new(&r, size);
	u8 *in = malloc(max_len), *out = malloc(max_len);

	m.bytes = malloc(size);
	assert_non_null(m.bytes);
	assert_non_null(in);
	assert_non_null(out);
	for (unsigned i = 0; i < ops; i++) {
		u64 op = test_rand(&rng) % 8;
		/* Lengths up to twice the ring, most of them small. */
		u64 len = test_rand(&rng) % 4 ? test_rand(&rng) % (size / 4 + 2)
					      : test_rand(&rng) % max_len;

		if (op < 4) {
			bool fits = len <= size - m.used;

			for (u64 k = 0; k < len; k++)
				in[k] = (u8)test_rand(&rng);
			assert_int_equal(byte_ring_put(&r, in, len), fits);
			if (fits) {
				memcpy(m.bytes + m.used, in, len);
				m.used += len;
				m.high = MAX(m.high, m.used);
			}
		} else if (op < 6) {
			u64 want = MIN(len, m.used);

			memset(out, SENTINEL, max_len);
			assert_int_equal(byte_ring_peek(&r, out, len), want);
			assert_memory_equal(out, m.bytes, want);
			for (u64 k = want; k < len; k++)
				assert_int_equal(out[k], SENTINEL);
		} else {
			u64 n = MIN(len, m.used);

			byte_ring_consume(&r, n);
			memmove(m.bytes, m.bytes + n, m.used - n);
			m.used -= n;
		}
		assert_int_equal(byte_ring_used(&r), m.used);
		assert_int_equal(byte_ring_free(&r), size - m.used);
		assert_int_equal(r.high_water, m.high);
	}
	/* What is left is the model's bytes. */
	assert_int_equal(byte_ring_peek(&r, out, max_len), m.used);
	assert_memory_equal(out, m.bytes, m.used);
	free(m.bytes);
	free(out);
	free(in);
	free(buf);
}

static void test_random_against_model(void **state)
{
	static const u64 sizes[] = { 1, 2, 8, 64, 256, 4096 };

	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++)
		for (u64 seed = 1; seed <= 4; seed++)
			random_run(sizes[s], seed * 0x9e3779b97f4a7c15ULL + sizes[s], 20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty),
		cmocka_unit_test(test_frame_at_every_offset),
		cmocka_unit_test(test_stream_across_wrap),
		cmocka_unit_test(test_put_all_or_nothing),
		cmocka_unit_test(test_put_larger_than_ring),
		cmocka_unit_test(test_peek_does_not_consume),
		cmocka_unit_test(test_peek_more_than_used),
		cmocka_unit_test(test_high_water),
		cmocka_unit_test(test_counters_wrap),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
