// sources: proto/witness_types.c proto/witness_codec.c proto/wire.c proto/wire_prim.c lib/hash.c
/* proto/witness_codec.c: every frame type encoded and taken back, whole
 * and split at every byte; the layout against frames built by hand
 * (test/unit/wit_builder.h); every refusal of the receiver (magic,
 * version, type and direction, length, checksum, replayed sequence
 * numbers, fields) and of the encoder. */
#include "helpers.h"

#include "errno.h"
#include "proto/witness.h"
#include "wit_builder.h"

#define STREAM_MAX (8 * WIT_FRAME_MAX)

static const struct wit_msg samples[] = {
	{ .type = WIT_ACQUIRE, .seq = 1, .node = "primary", .epoch = 0, .duration_ms = 3000 },
	{ .type = WIT_RENEW, .seq = 2, .node = "10.0.0.1:9730", .epoch = 7 },
	{ .type = WIT_RELEASE, .seq = 9, .node = "a_b-c.D", .epoch = WIT_EPOCH_MAX },
	{ .type = WIT_QUERY, .seq = 10 },
	{ .type = WIT_GRANTED, .seq = 1, .holder = "backup", .epoch = 8, .duration_ms = 5000 },
	{ .type = WIT_REFUSED, .seq = 2, .holder = "0123456789abcdef", .epoch = 8, .left_ms = 4321,
	  .reason = WIT_R_HELD, .text = "another node holds the lease" },
	{ .type = WIT_REFUSED, .seq = 3, .holder = "", .epoch = 0, .reason = WIT_R_TRUNCATED,
	  .text = "x" },
	{ .type = WIT_STATE, .seq = 4, .holder = "", .epoch = 3 },
	{ .type = WIT_STATE, .seq = 5, .holder = "primary", .epoch = 3, .left_ms = 12,
	  .duration_ms = 3000 },
};

static enum wit_dir dir_of(u8 type)
{
	return wit_type(type)->dir;
}

/* Whether two messages hold the same frame: type, sequence and the
 * type's fields. */
static bool same_msg(const struct wit_msg *a, const struct wit_msg *b)
{
	return a->type == b->type && a->seq == b->seq &&
	       wire_same(wit_type(a->type)->fields, a, b);
}

/* Pushes len bytes in pieces of at most piece bytes; the frames taken
 * go to out (at most max); returns how many, *st the last status. */
static size_t push_all(struct wit_rx *rx, const u8 *data, size_t len, size_t piece,
		       struct wit_msg *out, size_t max, enum wit_rx_status *st)
{
	size_t pos = 0, n = 0, used;

	*st = WIT_RX_MORE;
	while (pos < len) {
		size_t end = pos + piece < len ? pos + piece : len;

		while (pos < end) {
			*st = wit_rx_push(rx, data + pos, end - pos, &used, &out[n < max ? n : 0]);
			pos += used;
			if (*st == WIT_RX_REFUSED)
				return n;
			if (*st == WIT_RX_FRAME)
				n++;
			else
				assert_int_equal(pos, end);
		}
	}
	return n;
}

/* One whole frame into a fresh receiver of its direction. */
static enum wit_rx_status take_one(enum wit_dir dir, const u8 *frame, size_t len,
				   struct wit_rx *rx, struct wit_msg *m)
{
	enum wit_rx_status st;

	wit_rx_init(rx, dir);
	push_all(rx, frame, len, len, m, 1, &st);
	return st;
}

/* --- round trips --------------------------------------------------------------- */

static void test_round_trip_each_type(void **state)
{
	u8 frame[WIT_FRAME_MAX];
	struct wit_rx rx;
	struct wit_msg m;

	for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
		int n = wit_encode(&samples[i], frame, sizeof(frame));

		assert_true(n >= WIT_HDR);
		assert_int_equal(n, WIT_HDR + wit_type(samples[i].type)->size);
		assert_int_equal(take_one(dir_of(samples[i].type), frame, n, &rx, &m), WIT_RX_FRAME);
		assert_true(same_msg(&m, &samples[i]));
		assert_false(wit_rx_mid_frame(&rx));
		assert_int_equal(rx.last_seq, samples[i].seq);
	}
}

/* The layout docs/witness.md gives, byte for byte: an ACQUIRE by hand. */
static void test_layout_by_hand(void **state)
{
	u8 payload[28] = { 'n', 'o', 'd', 'e', '1' }, by_hand[WIT_FRAME_MAX], frame[WIT_FRAME_MAX];
	struct wit_msg m = { .type = WIT_ACQUIRE, .seq = 0x0102030405060708ULL, .node = "node1",
			     .epoch = 0x1122334455667788ULL & WIT_EPOCH_MAX, .duration_ms = 0xA0B0C0D0 };
	size_t len;

	le_put(payload + 16, m.epoch, 8);
	le_put(payload + 24, m.duration_ms, 4);
	len = wb_frame(by_hand, WIT_MAGIC, 1, WIT_ACQUIRE, 28, m.seq, payload, 28);
	assert_int_equal(wit_encode(&m, frame, sizeof(frame)), len);
	assert_memory_equal(frame, by_hand, len);
	assert_memory_equal(frame, "UWIT\x01\x01\x1c\x00", 8);
}

/* The replies among the samples, numbered 1, 2, ..., split at every byte. */
static void test_every_split(void **state)
{
	u8 stream[STREAM_MAX];
	struct wit_msg sent[ARRAY_SIZE(samples)], got[ARRAY_SIZE(samples)];
	size_t len = 0, count = 0;
	enum wit_rx_status st;
	struct wit_rx rx;

	for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
		if (dir_of(samples[i].type) != WIT_TO_NODE)
			continue;
		sent[count] = samples[i];
		sent[count].seq = count + 1;
		len += (size_t)wit_encode(&sent[count++], stream + len, sizeof(stream) - len);
	}
	for (size_t piece = 1; piece <= len; piece++) {
		memset(got, 0, sizeof(got));
		wit_rx_init(&rx, WIT_TO_NODE);
		assert_int_equal(push_all(&rx, stream, len, piece, got, ARRAY_SIZE(got), &st), count);
		assert_int_equal(st, WIT_RX_FRAME);
		for (size_t i = 0; i < count; i++)
			assert_true(same_msg(&got[i], &sent[i]));
	}
}

/* A frame cut short stays pending: nothing is taken, the length is known. */
static void test_cut_frame(void **state)
{
	u8 frame[WIT_FRAME_MAX];
	int n = wit_encode(&samples[0], frame, sizeof(frame));
	struct wit_msg m;
	struct wit_rx rx;

	for (int cut = 1; cut < n; cut++) {
		assert_int_equal(take_one(WIT_TO_WITNESS, frame, cut, &rx, &m), WIT_RX_MORE);
		assert_true(wit_rx_mid_frame(&rx));
		assert_int_equal(wit_rx_expected(&rx), cut < WIT_HDR ? WIT_HDR : n);
		assert_int_equal(rx.frames, 0);
	}
}

/* --- refusals ------------------------------------------------------------------- */

/* The refusal of one frame by a fresh receiver: its reason, and a why
 * containing the words given that is itself a valid REFUSED text. */
static void expect_refused(enum wit_dir dir, const u8 *frame, size_t len, u8 reason,
			   const char *words)
{
	struct wit_msg m, r = { .type = WIT_REFUSED, .seq = 1, .reason = 1 };
	u8 out[WIT_FRAME_MAX];
	struct wit_rx rx;
	size_t used;

	assert_int_equal(take_one(dir, frame, len, &rx, &m), WIT_RX_REFUSED);
	assert_int_equal(rx.reason, reason);
	if (!strstr(rx.why, words))
		fail_msg("refusal '%s' does not say '%s'", rx.why, words);
	memcpy(r.text, rx.why, sizeof(r.text));
	assert_true(wit_encode(&r, out, sizeof(out)) > 0);
	assert_int_equal(wit_rx_push(&rx, frame, len, &used, &m), WIT_RX_REFUSED);
	assert_int_equal(used, 0); /* sticky */
}

/* Headers refused as soon as they are in (so a length's payload is never
 * waited for): magic, version, type and direction, the type's length. */
static void test_refuse_header(void **state)
{
	static const struct {
		u32 magic;
		u8 version, type, dir, reason;
		u16 length;
		size_t sent;    /* payload bytes sent */
		const char *words;
	} cases[] = {
		{ WIT_MAGIC ^ 1, 1, WIT_QUERY, WIT_TO_WITNESS, WIT_R_FORMAT, 0, 0, "bad magic" },
		{ WIT_MAGIC, 2, WIT_QUERY, WIT_TO_WITNESS, WIT_R_FORMAT, 0, 0, "version 2" },
		{ WIT_MAGIC, 1, 99, WIT_TO_WITNESS, WIT_R_FORMAT, 0, 0, "type 99 is not a request" },
		{ WIT_MAGIC, 1, WIT_STATE, WIT_TO_WITNESS, WIT_R_FORMAT, 32, 32, "type 18 is not a request" },
		{ WIT_MAGIC, 1, WIT_QUERY, WIT_TO_NODE, WIT_R_FORMAT, 0, 0, "type 4 is not a reply" },
		{ WIT_MAGIC, 1, WIT_ACQUIRE, WIT_TO_WITNESS, WIT_R_LENGTH, 27, 27,
		  "ACQUIRE payload length 27 (not 28)" },
		{ WIT_MAGIC, 1, WIT_QUERY, WIT_TO_WITNESS, WIT_R_LENGTH, 65535, 0, "length 65535 (not 0)" },
		{ WIT_MAGIC, 1, WIT_RENEW, WIT_TO_WITNESS, WIT_R_LENGTH, 25, 25,
		  "RENEW payload length 25 (not 24)" },
	};
	u8 payload[WIT_PAYLOAD_MAX] = { 'a' }, f[WIT_FRAME_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t n = wb_frame(f, cases[i].magic, cases[i].version, cases[i].type,
				    cases[i].length, 1, payload, cases[i].sent);

		expect_refused(cases[i].dir, f, n, cases[i].reason, cases[i].words);
	}
}

static void test_refuse_checksum(void **state)
{
	u8 frame[WIT_FRAME_MAX];
	int n = wit_encode(&samples[0], frame, sizeof(frame));

	/* the sequence number, the checksum, the payload (the bytes before
	 * are judged before the checksum) */
	for (int at = WIT_OFF_SEQ; at < n; at++) {
		frame[at] ^= 0x40;
		expect_refused(WIT_TO_WITNESS, frame, n, WIT_R_CHECKSUM, "checksum mismatch");
		frame[at] ^= 0x40;
	}
}

/* Each frame's sequence number must be above the last taken on the
 * connection: the same frame twice, or an older one, is a replay. */
static void test_refuse_replay(void **state)
{
	struct wit_msg a = samples[0], m[3];
	u8 stream[3 * WIT_FRAME_MAX];
	size_t len = 0;
	enum wit_rx_status st;
	struct wit_rx rx;
	int n;

	a.seq = 5;
	n = wit_encode(&a, stream, sizeof(stream));
	memcpy(stream + n, stream, n);  /* the same frame again */
	wit_rx_init(&rx, WIT_TO_WITNESS);
	assert_int_equal(push_all(&rx, stream, 2 * n, 2 * n, m, 3, &st), 1);
	assert_int_equal(st, WIT_RX_REFUSED);
	assert_int_equal(rx.reason, WIT_R_REPLAY);
	assert_non_null(strstr(rx.why, "sequence number 5 is not above the last (5)"));

	/* going back, after a gap that is allowed */
	len = 0;
	for (u64 seq = 1; seq <= 3; seq++) {
		a.seq = seq == 2 ? 9 : seq == 3 ? 7 : 1;
		len += (size_t)wit_encode(&a, stream + len, sizeof(stream) - len);
	}
	wit_rx_init(&rx, WIT_TO_WITNESS);
	assert_int_equal(push_all(&rx, stream, len, 7, m, 3, &st), 2);
	assert_int_equal(rx.reason, WIT_R_REPLAY);
	assert_non_null(strstr(rx.why, "sequence number 7 is not above the last (9)"));

	/* sequence number 0 never comes first (the encoder refuses it too) */
	len = wb_frame(stream, WIT_MAGIC, 1, WIT_QUERY, 0, 0, NULL, 0);
	expect_refused(WIT_TO_WITNESS, stream, len, WIT_R_REPLAY, "sequence number 0");
}

/* Payload fields the tables refuse, behind a right checksum. */
static void test_refuse_fields(void **state)
{
	u8 p[WIT_PAYLOAD_MAX], f[WIT_FRAME_MAX];
	size_t n;

	memset(p, 0, sizeof(p));  /* an empty node */
	n = wb_frame(f, WIT_MAGIC, 1, WIT_RENEW, 24, 1, p, 24);
	expect_refused(WIT_TO_WITNESS, f, n, WIT_R_FORMAT, "RENEW node is empty");
	memcpy(p, "no de", 5);
	n = wb_frame(f, WIT_MAGIC, 1, WIT_RENEW, 24, 1, p, 24);
	expect_refused(WIT_TO_WITNESS, f, n, WIT_R_FORMAT, "node holds a character");
	memcpy(p, "node\0x", 6);
	n = wb_frame(f, WIT_MAGIC, 1, WIT_RENEW, 24, 1, p, 24);
	expect_refused(WIT_TO_WITNESS, f, n, WIT_R_FORMAT, "node has bytes after its end");
	memcpy(p, "nodeab", 6);
	le_put(p + 16, WIT_EPOCH_MAX + 1, 8);
	n = wb_frame(f, WIT_MAGIC, 1, WIT_RENEW, 24, 1, p, 24);
	expect_refused(WIT_TO_WITNESS, f, n, WIT_R_FORMAT, "RENEW epoch 9007199254740992 exceeds");

	/* REFUSED: holder, epoch, left_ms, reason, text */
	memset(p, 0, sizeof(p));
	p[28] = WIT_R_MAX + 1;
	memcpy(p + 29, "why", 3);
	n = wb_frame(f, WIT_MAGIC, 1, WIT_REFUSED, WIT_PAYLOAD_MAX, 1, p, WIT_PAYLOAD_MAX);
	expect_refused(WIT_TO_NODE, f, n, WIT_R_FORMAT, "REFUSED reason 11 exceeds 10");
	p[28] = 0;
	n = wb_frame(f, WIT_MAGIC, 1, WIT_REFUSED, WIT_PAYLOAD_MAX, 1, p, WIT_PAYLOAD_MAX);
	expect_refused(WIT_TO_NODE, f, n, WIT_R_FORMAT, "REFUSED reason 0");
	p[28] = WIT_R_HELD;
	p[30] = '"';
	n = wb_frame(f, WIT_MAGIC, 1, WIT_REFUSED, WIT_PAYLOAD_MAX, 1, p, WIT_PAYLOAD_MAX);
	expect_refused(WIT_TO_NODE, f, n, WIT_R_FORMAT, "REFUSED text holds a character");
	p[30] = 'y';
	p[0] = ' ';
	n = wb_frame(f, WIT_MAGIC, 1, WIT_REFUSED, WIT_PAYLOAD_MAX, 1, p, WIT_PAYLOAD_MAX);
	expect_refused(WIT_TO_NODE, f, n, WIT_R_FORMAT, "REFUSED holder holds a character");
}

/* Good frames before a refused one are taken; the refusal then sticks. */
static void test_refusal_after_good_frames(void **state)
{
	u8 stream[3 * WIT_FRAME_MAX];
	struct wit_msg m[3], q = samples[3];
	enum wit_rx_status st;
	struct wit_rx rx;
	size_t len = 0;

	for (q.seq = 1; q.seq <= 2; q.seq++)
		len += (size_t)wit_encode(&q, stream + len, sizeof(stream) - len);
	len += wb_frame(stream + len, WIT_MAGIC, 1, WIT_QUERY, 0, 3, NULL, 0);
	stream[len - 1] ^= 1;
	wit_rx_init(&rx, WIT_TO_WITNESS);
	assert_int_equal(push_all(&rx, stream, len, 3, m, 3, &st), 2);
	assert_int_equal(st, WIT_RX_REFUSED);
	assert_int_equal(rx.reason, WIT_R_CHECKSUM);
	assert_int_equal(rx.frames, 2);
}

static void test_encoder_refusals(void **state)
{
	u8 out[WIT_FRAME_MAX];
	struct wit_msg m = samples[0];

	assert_int_equal(wit_encode(&m, out, WIT_HDR + 27), -ENOSPC);
	m.seq = 0;
	assert_int_equal(wit_encode(&m, out, sizeof(out)), -EINVAL);
	m = samples[0];
	m.type = 5;
	assert_int_equal(wit_encode(&m, out, sizeof(out)), -EINVAL);
	m = samples[0];
	memcpy(m.node, "01234567890123456", 17);  /* 17 characters: no NUL in reach */
	assert_int_equal(wit_encode(&m, out, sizeof(out)), -EINVAL);
	m = samples[0];
	m.node[0] = '\0';
	assert_int_equal(wit_encode(&m, out, sizeof(out)), -EINVAL);
	m = samples[0];
	m.node[1] = '/';
	assert_int_equal(wit_encode(&m, out, sizeof(out)), -EINVAL);
	m = samples[0];
	m.epoch = WIT_EPOCH_MAX + 1;
	assert_int_equal(wit_encode(&m, out, sizeof(out)), -EINVAL);
	m = samples[5];
	m.reason = WIT_R_NONE;
	assert_int_equal(wit_encode(&m, out, sizeof(out)), -EINVAL);
	m = samples[5];
	m.text[0] = '\0';
	assert_int_equal(wit_encode(&m, out, sizeof(out)), -EINVAL);
}

static void test_names(void **state)
{
	assert_string_equal(wit_type_name(WIT_ACQUIRE), "ACQUIRE");
	assert_string_equal(wit_type_name(WIT_STATE), "STATE");
	assert_string_equal(wit_type_name(77), "type 77");
	assert_string_equal(wit_reason_name(WIT_R_STALE_EPOCH), "stale_epoch");
	assert_string_equal(wit_reason_name(WIT_R_TRUNCATED), "truncated");
	assert_string_equal(wit_reason_name(WIT_R_MAX + 1), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_each_type),
		cmocka_unit_test(test_layout_by_hand),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_cut_frame),
		cmocka_unit_test(test_refuse_header),
		cmocka_unit_test(test_refuse_checksum),
		cmocka_unit_test(test_refuse_replay),
		cmocka_unit_test(test_refuse_fields),
		cmocka_unit_test(test_refusal_after_good_frames),
		cmocka_unit_test(test_encoder_refusals),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
