// sources: proto/console_stream.c proto/wire.c proto/wire_prim.c lib/hash.c
/* proto/console_stream.c: every frame type encoded and taken back, whole
 * and split at every byte; the layout against a frame built by hand;
 * every refusal of the receiver (magic, version, type and direction,
 * length, checksum, replayed sequence numbers, fields) and of the
 * encoder. */
#include "helpers.h"

#include "endian.h"
#include "errno.h"
#include "hash.h"
#include "proto/console_stream.h"

static const u8 some_bytes[] = "tick 1\ntick 2\n";

static const struct cs_msg samples[] = {
	{ .type = CS_HELLO, .seq = 1, .guest = 0x0123456789abcdefULL, .role = CS_ROLE_PRIMARY,
	  .epoch = 7, .oldest = 0, .produced = 12 },
	{ .type = CS_HELLO, .seq = 2, .guest = 1, .role = CS_ROLE_BACKUP, .oldest = 5, .produced = 5 },
	{ .type = CS_DATA, .seq = 3, .offset = 100, .data = some_bytes, .len = 14 },
	{ .type = CS_DATA, .seq = 4, .offset = 0, .data = some_bytes, .len = 1 },
	{ .type = CS_WELCOME, .seq = 1, .offset = 42 },
	{ .type = CS_ACK, .seq = 2, .offset = 4242 },
	{ .type = CS_REFUSED, .seq = 3, .reason = CS_R_OTHER_GUEST, .text = "another guest" },
};

static bool same_msg(const struct cs_msg *a, const struct cs_msg *b)
{
	const struct cs_type_info *t = cs_type(a->type);

	return a->type == b->type && a->seq == b->seq && wire_same(t->fields, a, b) &&
	       a->len == b->len && (!a->len || !memcmp(a->data, b->data, a->len));
}

/* Pushes len bytes in pieces of at most piece bytes; each frame taken must
 * be want[n] (n counted in *taken); returns the last status. */
static enum cs_rx_status push_all(struct cs_rx *rx, const u8 *data, size_t len, size_t piece,
				  const struct cs_msg *want, size_t *taken)
{
	enum cs_rx_status st = CS_RX_MORE;
	size_t pos = 0, used;
	struct cs_msg m;

	*taken = 0;
	while (pos < len) {
		size_t end = pos + piece < len ? pos + piece : len;

		while (pos < end) {
			st = cs_rx_push(rx, data + pos, end - pos, &used, &m);
			pos += used;
			if (st == CS_RX_REFUSED)
				return st;
			if (st == CS_RX_FRAME && want)
				assert_true(same_msg(&m, &want[(*taken)++]));
			else if (st == CS_RX_FRAME)
				(*taken)++;
		}
	}
	return st;
}

static enum cs_rx_status take_one(enum cs_dir dir, const u8 *frame, size_t len, struct cs_rx *rx)
{
	size_t taken;

	cs_rx_init(rx, dir);
	return push_all(rx, frame, len, len, NULL, &taken);
}

static void test_round_trip_each_type(void **state)
{
	u8 frame[CS_FRAME_MAX];
	struct cs_rx rx;
	size_t taken;

	for (size_t i = 0; i < ARRAY_SIZE(samples); i++) {
		const struct cs_type_info *t = cs_type(samples[i].type);
		int n = cs_encode(&samples[i], frame, sizeof(frame));

		assert_int_equal(n, CS_HDR + t->size + samples[i].len);
		cs_rx_init(&rx, (enum cs_dir)t->dir);
		assert_int_equal(push_all(&rx, frame, n, n, &samples[i], &taken), CS_RX_FRAME);
		assert_int_equal(taken, 1);
	}
}

/* The layout docs/console-stream.md gives: a DATA by hand. */
static void test_layout_by_hand(void **state)
{
	u8 frame[CS_FRAME_MAX], by_hand[64] = "USCO\x01\x02\x0b\x00";
	struct cs_msg m = { .type = CS_DATA, .seq = 9, .offset = 0x1122334455667788ULL,
			    .data = (const u8 *)"abc", .len = 3 };

	le_put(by_hand + CS_OFF_SEQ, 9, 8);
	le_put(by_hand + CS_HDR, m.offset, 8);
	memcpy(by_hand + CS_HDR + 8, "abc", 3);
	memcpy(frame, by_hand, CS_CHECKED_HDR);
	memcpy(frame + CS_CHECKED_HDR, by_hand + CS_HDR, 11);
	le_put(by_hand + CS_OFF_CHECKSUM, hash32(frame, CS_CHECKED_HDR + 11, 0), 4);
	assert_int_equal(cs_encode(&m, frame, sizeof(frame)), CS_HDR + 11);
	assert_memory_equal(frame, by_hand, CS_HDR + 11);
}

/* A sender's frames, numbered 1, 2, ..., split at every byte. */
static void test_every_split(void **state)
{
	struct cs_msg sent[4] = { samples[0], samples[2], samples[3], samples[2] };
	u8 stream[4 * CS_FRAME_MAX];
	size_t len = 0, taken;
	struct cs_rx rx;

	for (size_t i = 0; i < ARRAY_SIZE(sent); i++) {
		sent[i].seq = i + 1;
		len += cs_encode(&sent[i], stream + len, sizeof(stream) - len);
	}
	for (size_t piece = 1; piece <= len; piece++) {
		cs_rx_init(&rx, CS_TO_LISTENER);
		assert_int_equal(push_all(&rx, stream, len, piece, sent, &taken), CS_RX_FRAME);
		assert_int_equal(taken, ARRAY_SIZE(sent));
		assert_int_equal(rx.have, 0);
	}
}

/* Encodes samples[i] with one header byte changed, checksum made right. */
static size_t altered(size_t i, unsigned at, u8 value, u8 *frame)
{
	int n = cs_encode(&samples[i], frame, CS_FRAME_MAX);
	u8 tmp[CS_FRAME_MAX];

	frame[at] = value;
	memcpy(tmp, frame, CS_CHECKED_HDR);
	memcpy(tmp + CS_CHECKED_HDR, frame + CS_HDR, n - CS_HDR);
	le_put(frame + CS_OFF_CHECKSUM, hash32(tmp, CS_CHECKED_HDR + n - CS_HDR, 0), 4);
	return n;
}

static void expect_refused(size_t i, unsigned at, u8 value, enum cs_dir dir, u8 reason,
			   const char *why)
{
	u8 frame[CS_FRAME_MAX];
	size_t n = altered(i, at, value, frame);
	struct cs_rx rx;

	assert_int_equal(take_one(dir, frame, n, &rx), CS_RX_REFUSED);
	assert_int_equal(rx.reason, reason);
	assert_non_null(strstr(rx.why, why));
}

static void test_refuse_header(void **state)
{
	expect_refused(0, CS_OFF_MAGIC, 'X', CS_TO_LISTENER, CS_R_FORMAT, "bad magic");
	expect_refused(0, CS_OFF_VERSION, 2, CS_TO_LISTENER, CS_R_FORMAT, "version 2");
	expect_refused(0, CS_OFF_TYPE, 99, CS_TO_LISTENER, CS_R_FORMAT, "type 99");
	expect_refused(4, CS_OFF_TYPE, CS_WELCOME, CS_TO_LISTENER, CS_R_FORMAT, "not a sender's");
	expect_refused(0, CS_OFF_TYPE, CS_HELLO, CS_TO_SENDER, CS_R_FORMAT, "not a listener's");
	expect_refused(0, CS_OFF_LENGTH, 32, CS_TO_LISTENER, CS_R_LENGTH, "HELLO payload length 32");
	/* a DATA without bytes, and one longer than CS_DATA_MAX bytes */
	expect_refused(2, CS_OFF_LENGTH, 8, CS_TO_LISTENER, CS_R_LENGTH, "DATA payload length 8");
	expect_refused(2, CS_OFF_LENGTH + 1, 0x20, CS_TO_LISTENER, CS_R_LENGTH, "DATA payload");
}

static void test_refuse_checksum_and_replay(void **state)
{
	u8 frame[2 * CS_FRAME_MAX];
	int n = cs_encode(&samples[2], frame, CS_FRAME_MAX);
	struct cs_rx rx;
	size_t taken;

	frame[n - 1] ^= 1;
	assert_int_equal(take_one(CS_TO_LISTENER, frame, n, &rx), CS_RX_REFUSED);
	assert_int_equal(rx.reason, CS_R_CHECKSUM);
	/* the same frame twice: the second's sequence number is not above */
	frame[n - 1] ^= 1;
	memcpy(frame + n, frame, n);
	cs_rx_init(&rx, CS_TO_LISTENER);
	assert_int_equal(push_all(&rx, frame, 2 * n, 2 * n, NULL, &taken), CS_RX_REFUSED);
	assert_int_equal(taken, 1);
	assert_int_equal(rx.reason, CS_R_REPLAY);
	/* sticky: nothing more is taken */
	assert_int_equal(push_all(&rx, frame, n, n, NULL, &taken), CS_RX_REFUSED);
}

static void test_refuse_fields(void **state)
{
	expect_refused(0, CS_HDR + 8, CS_ROLE_MAX + 1, CS_TO_LISTENER, CS_R_FORMAT, "role");
	/* HELLO oldest (at 17) past produced (at 25) */
	expect_refused(1, CS_HDR + 17, 6, CS_TO_LISTENER, CS_R_FORMAT, "oldest is past produced");
	expect_refused(6, CS_HDR, 0, CS_TO_SENDER, CS_R_FORMAT, "reason 0");
	expect_refused(6, CS_HDR, CS_R_MAX + 1, CS_TO_SENDER, CS_R_FORMAT, "reason");
	expect_refused(6, CS_HDR + 1, 0, CS_TO_SENDER, CS_R_FORMAT, "text");
	expect_refused(6, CS_HDR + 1, '\n', CS_TO_SENDER, CS_R_FORMAT, "text");
	expect_refused(6, CS_HDR + 1 + CS_TEXT_MAX - 1, 'x', CS_TO_SENDER, CS_R_FORMAT,
		       "after its end");
}

static void test_encoder_refusals(void **state)
{
	u8 frame[CS_FRAME_MAX];
	struct cs_msg m = samples[2];

	assert_int_equal(cs_encode(&m, frame, CS_HDR + 8 + 13), -ENOSPC);
	m.seq = 0;
	assert_int_equal(cs_encode(&m, frame, sizeof(frame)), -EINVAL);
	m = samples[2];
	m.len = 0;
	assert_int_equal(cs_encode(&m, frame, sizeof(frame)), -EINVAL);
	m.len = CS_DATA_MAX + 1;
	assert_int_equal(cs_encode(&m, frame, sizeof(frame)), -EINVAL);
	m = samples[2];
	m.offset = UINT64_MAX - 3;
	assert_int_equal(cs_encode(&m, frame, sizeof(frame)), -EINVAL);
	m = samples[0];
	m.role = 3;
	assert_int_equal(cs_encode(&m, frame, sizeof(frame)), -EINVAL);
	m.type = 3;
	assert_int_equal(cs_encode(&m, frame, sizeof(frame)), -EINVAL);
	m = samples[6];
	m.text[0] = '\0';
	assert_int_equal(cs_encode(&m, frame, sizeof(frame)), -EINVAL);
}

static void test_names(void **state)
{
	assert_string_equal(cs_type_name(CS_HELLO), "HELLO");
	assert_string_equal(cs_type_name(CS_REFUSED), "REFUSED");
	assert_string_equal(cs_type_name(77), "type 77");
	assert_string_equal(cs_reason_name(CS_R_OTHER_GUEST), "other_guest");
	assert_string_equal(cs_reason_name(CS_R_MAX + 1), "unknown");
	assert_string_equal(cs_role_name(CS_ROLE_BACKUP), "backup");
	assert_string_equal(cs_role_name(9), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_each_type),
		cmocka_unit_test(test_layout_by_hand),
		cmocka_unit_test(test_every_split),
		cmocka_unit_test(test_refuse_header),
		cmocka_unit_test(test_refuse_checksum_and_replay),
		cmocka_unit_test(test_refuse_fields),
		cmocka_unit_test(test_encoder_refusals),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
