// sources: proto/logstream_proto.c lib/hash.c
/* proto/logstream_proto.c: every message type encoded and decoded
 * back, a stream of messages split at every byte, and every refusal of the
 * encoder and the decoder. Malformed messages are built by hand here, with
 * the checksum computed independently (XXH32 of the checked header bytes
 * and the payload laid out together), so the checks behind the checksum are
 * reached too. */
#include "helpers.h"

#include <stdlib.h>

#include "compiler.h"
#include "endian.h"
#include "hash.h"
#include "proto/logstream_proto.h"

#define LOG_HEADER_BYTES 112
#define MAX_MSGS 16
#define STREAM_CAP (8 * LS_MAX_MESSAGE)

/* --- helpers ------------------------------------------------------------- */

/* The checksum as the protocol defines it, from contiguous bytes. */
static u32 reference_checksum(const u8 *msg, u32 payload_len)
{
	u8 *tmp = malloc(LS_CHECKED_HEADER + payload_len);
	u32 sum;

	assert_non_null(tmp);
	memcpy(tmp, msg, LS_CHECKED_HEADER);
	memcpy(tmp + LS_CHECKED_HEADER, msg + LS_HEADER_SIZE, payload_len);
	sum = hash32(tmp, LS_CHECKED_HEADER + payload_len, 0);
	free(tmp);
	return sum;
}

/* A hand-made message: any field, and a correct checksum. */
struct raw {
	u32 magic;
	u8 version, type;
	u16 flags;
	u32 length;
	u64 seq, offset;
	const void *payload;
};

static size_t build_raw(u8 *out, const struct raw *r)
{
	le_put(out + LS_OFF_MAGIC, r->magic, 4);
	out[LS_OFF_VERSION] = r->version;
	out[LS_OFF_TYPE] = r->type;
	le_put(out + LS_OFF_FLAGS, r->flags, 2);
	le_put(out + LS_OFF_LENGTH, r->length, 4);
	le_put(out + LS_OFF_SEQ, r->seq, 8);
	le_put(out + LS_OFF_OFFSET, r->offset, 8);
	if (r->length)
		memcpy(out + LS_HEADER_SIZE, r->payload, r->length);
	le_put(out + LS_OFF_CHECKSUM, reference_checksum(out, r->length), 4);
	return LS_HEADER_SIZE + r->length;
}

static struct raw raw_of(u8 type, u32 length, const void *payload)
{
	return (struct raw){ .magic = LS_MAGIC, .version = LS_VERSION, .type = type,
			     .length = length, .payload = payload };
}

/* A HELLO payload by hand. */
static void hello_payload(u8 *p, u64 session, u64 oldest, u64 produced, u32 window, u16 hlen,
			  u16 reserved)
{
	le_put(p, session, 8);
	le_put(p + 8, oldest, 8);
	le_put(p + 16, produced, 8);
	le_put(p + 24, window, 4);
	le_put(p + 28, hlen, 2);
	le_put(p + 30, reserved, 2);
	for (u16 i = 0; i < hlen; i++)
		p[LS_HELLO_FIXED + i] = (u8)(i * 7 + 1);
}

/* A decoded message, copied out of the decoder's buffer. */
struct got {
	struct ls_msg m;
	u8 payload[LS_MAX_PAYLOAD];
};

static struct got got[MAX_MSGS];
static u8 dec_buf[LS_MAX_PAYLOAD];

/* Feeds len bytes in pieces of the sizes the callback picks; returns the
 * messages decoded, *status the last status. */
typedef size_t (*piece_fn)(size_t pos, size_t left, void *arg);

static size_t feed(struct ls_decoder *d, const u8 *data, size_t len, piece_fn piece, void *arg,
		   enum ls_status *status)
{
	size_t pos = 0, n = 0;

	*status = LS_MORE;
	while (pos < len) {
		size_t want = piece(pos, len - pos, arg), used;
		size_t off = 0;

		while (off < want) {
			struct ls_msg m;
			enum ls_status st = ls_decode(d, data + pos + off, want - off, &used, &m);

			off += used;
			*status = st;
			if (st == LS_REFUSED)
				return n;
			if (st == LS_MESSAGE) {
				assert_true(n < MAX_MSGS);
				got[n].m = m;
				memcpy(got[n].payload, m.payload, m.length);
				n++;
			} else {
				assert_int_equal(off, want); /* MORE takes everything */
			}
		}
		pos += want;
	}
	return n;
}

static size_t whole(size_t pos, size_t left, void *arg)
{
	return left;
}

/* Decodes a whole buffer at once (hv's messages unless from says). */
static enum ls_status decode_one(enum ls_peer from, const u8 *data, size_t len,
				 struct ls_decoder *d)
{
	enum ls_status st;

	ls_decoder_init(d, from, dec_buf, sizeof(dec_buf));
	feed(d, data, len, whole, NULL, &st);
	return st;
}

/* --- round trips ------------------------------------------------------------ */

static u8 log_header[LOG_HEADER_BYTES];

static void fill_log_header(void)
{
	for (size_t i = 0; i < sizeof(log_header); i++)
		log_header[i] = (u8)(i * 13 + 5);
}

/* The messages a hypervisor sends, one of each, into buf; returns length. */
static size_t hv_stream(u8 *buf, size_t cap, u8 *data, u32 data_len)
{
	struct ls_encoder e;
	size_t n = 0, k;

	ls_encoder_init(&e);
	k = ls_encode_hello(&e, buf + n, cap - n, 0x1122334455667788ULL, 100, 5000, 262144,
			    log_header, sizeof(log_header));
	assert_int_equal(k, LS_HEADER_SIZE + LS_HELLO_FIXED + sizeof(log_header));
	n += k;
	k = ls_encode_data(&e, buf + n, cap - n, 4096, data, data_len);
	assert_int_equal(k, LS_HEADER_SIZE + data_len);
	n += k;
	n += ls_encode_data(&e, buf + n, cap - n, 4096 + data_len, data, 1);
	n += ls_encode_end(&e, buf + n, cap - n, 4097 + data_len);
	n += ls_encode_reason(&e, buf + n, cap - n, LS_BYE, "");
	n += ls_encode_reason(&e, buf + n, cap - n, LS_ERROR, "disk full");
	assert_int_equal(e.seq, 6);
	return n;
}

static void check_hv_stream(size_t n, const u8 *data, u32 data_len)
{
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(got[i].m.seq, i);
		assert_int_equal(got[i].m.flags, 0);
	}
	assert_int_equal(got[0].m.type, LS_HELLO);
	assert_int_equal(got[0].m.offset, 0);
	assert_true(got[0].m.hello.session == 0x1122334455667788ULL);
	assert_int_equal(got[0].m.hello.oldest, 100);
	assert_int_equal(got[0].m.hello.produced, 5000);
	assert_int_equal(got[0].m.hello.window, 262144);
	assert_int_equal(got[0].m.hello.log_header_len, sizeof(log_header));
	assert_memory_equal(got[0].payload + LS_HELLO_FIXED, log_header, sizeof(log_header));
	assert_int_equal(got[1].m.type, LS_DATA);
	assert_int_equal(got[1].m.offset, 4096);
	assert_int_equal(got[1].m.length, data_len);
	assert_memory_equal(got[1].payload, data, data_len);
	assert_int_equal(got[2].m.type, LS_DATA);
	assert_int_equal(got[2].m.offset, 4096 + data_len);
	assert_int_equal(got[2].m.length, 1);
	assert_int_equal(got[3].m.type, LS_END);
	assert_int_equal(got[3].m.offset, 4097 + data_len);
	assert_int_equal(got[3].m.length, 0);
	assert_int_equal(got[4].m.type, LS_BYE);
	assert_int_equal(got[4].m.length, 0);
	assert_int_equal(got[5].m.type, LS_ERROR);
	assert_int_equal(got[5].m.length, 9);
	assert_memory_equal(got[5].payload, "disk full", 9);
}

static void test_hv_messages_round_trip(void **state)
{
	static u8 buf[STREAM_CAP], data[LS_MAX_PAYLOAD];
	static const u32 lens[] = { 1, 2, 300, 4093, LS_MAX_PAYLOAD };
	struct ls_decoder d;
	enum ls_status st;

	fill_log_header();
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (u8)(i ^ (i >> 8));
	for (size_t l = 0; l < ARRAY_SIZE(lens); l++) {
		size_t len = hv_stream(buf, sizeof(buf), data, lens[l]);

		ls_decoder_init(&d, LS_PEER_HV, dec_buf, sizeof(dec_buf));
		check_hv_stream(feed(&d, buf, len, whole, NULL, &st), data, lens[l]);
		assert_int_equal(st, LS_MESSAGE);
		assert_int_equal(d.consumed, len);
		assert_int_equal(d.messages, 6);
		assert_false(ls_decoder_mid_message(&d));
	}
}

static void test_collector_messages_round_trip(void **state)
{
	static u8 buf[4096], rx[LS_MAX_TO_HV_PAYLOAD];
	char reason[LS_REASON_MAX + 1];
	struct ls_encoder e;
	struct ls_decoder d;
	enum ls_status st;
	size_t n = 0;

	memset(reason, 'r', LS_REASON_MAX);
	reason[LS_REASON_MAX] = '\0';
	ls_encoder_init(&e);
	n += ls_encode_welcome(&e, buf + n, sizeof(buf) - n, 42, 12345);
	n += ls_encode_ack(&e, buf + n, sizeof(buf) - n, 65536);
	n += ls_encode_ack(&e, buf + n, sizeof(buf) - n, UINT64_MAX);
	n += ls_encode_reason(&e, buf + n, sizeof(buf) - n, LS_BYE, "log complete");
	n += ls_encode_reason(&e, buf + n, sizeof(buf) - n, LS_ERROR, reason);
	assert_int_equal(e.seq, 5);

	/* the hypervisor's decoder, with its small buffer, takes all of it */
	ls_decoder_init(&d, LS_PEER_COLLECTOR, rx, sizeof(rx));
	assert_int_equal(feed(&d, buf, n, whole, NULL, &st), 5);
	assert_int_equal(got[0].m.type, LS_WELCOME);
	assert_int_equal(got[0].m.welcome.session, 42);
	assert_int_equal(got[0].m.offset, 12345);
	assert_int_equal(got[1].m.type, LS_ACK);
	assert_int_equal(got[1].m.offset, 65536);
	assert_true(got[2].m.offset == UINT64_MAX);
	assert_int_equal(got[3].m.type, LS_BYE);
	assert_int_equal(got[3].m.reason.len, 12);
	assert_memory_equal(got[3].payload, "log complete", 12);
	assert_int_equal(got[4].m.type, LS_ERROR);
	assert_int_equal(got[4].m.reason.len, LS_REASON_MAX);
}

/* A backup's request for a checkpoint and the page hashes that follow it
 * (RESYNC, HOLDS): the hypervisor's decoder takes the largest HOLDS. */
static void test_resync_and_holds_round_trip(void **state)
{
	static u8 buf[2 * LS_MAX_MESSAGE], rx[LS_MAX_TO_HV_PAYLOAD];
	static u64 hashes[LS_HOLDS_MAX_PAGES];
	struct ls_encoder e;
	struct ls_decoder d;
	enum ls_status st;
	size_t n = 0;

	for (unsigned i = 0; i < LS_HOLDS_MAX_PAGES; i++)
		hashes[i] = 0x0123456789ABCDEFULL ^ ((u64)i << 32 | i);
	ls_encoder_init(&e);
	n += ls_encode_resync(&e, buf + n, sizeof(buf) - n, 77, "output differs");
	n += ls_encode_holds(&e, buf + n, sizeof(buf) - n, 4096, hashes, LS_HOLDS_MAX_PAGES);
	n += ls_encode_holds(&e, buf + n, sizeof(buf) - n, 8192, hashes, 1);
	assert_int_equal(e.seq, 3);
	assert_int_equal(ls_encode_holds(&e, buf, sizeof(buf), 0, hashes, 0), 0);
	assert_int_equal(ls_encode_holds(&e, buf, sizeof(buf), 0, hashes, LS_HOLDS_MAX_PAGES + 1), 0);
	assert_int_equal(ls_encode_holds(&e, buf, sizeof(buf), UINT64_MAX, hashes, 2), 0);

	ls_decoder_init(&d, LS_PEER_COLLECTOR, rx, sizeof(rx));
	assert_int_equal(feed(&d, buf, n, whole, NULL, &st), 3);
	assert_int_equal(got[0].m.type, LS_RESYNC);
	assert_int_equal(got[0].m.offset, 77);
	assert_int_equal(got[0].m.reason.len, 14);
	assert_memory_equal(got[0].payload, "output differs", 14);
	assert_int_equal(got[1].m.type, LS_HOLDS);
	assert_int_equal(got[1].m.offset, 4096);
	assert_int_equal(got[1].m.holds.count, LS_HOLDS_MAX_PAGES);
	assert_int_equal(got[2].m.holds.count, 1);
	assert_string_equal(ls_type_name(LS_RESYNC), "RESYNC");
	assert_string_equal(ls_type_name(LS_HOLDS), "HOLDS");
	assert_string_equal(ls_type_name(LS_HEARTBEAT), "HEARTBEAT");
}

/* The checksum is XXH32 of header bytes [0, 28) then the payload, and
 * every field sits where docs/log-stream.md says. */
static void test_wire_layout(void **state)
{
	u8 buf[64], payload[5] = { 1, 2, 3, 4, 5 };
	struct ls_encoder e = { .seq = 0x0102030405060708ULL };
	size_t n = ls_encode_data(&e, buf, sizeof(buf), 0xA1A2A3A4A5A6A7A8ULL, payload, 5);

	assert_int_equal(n, 37);
	assert_memory_equal(buf, "USLS", 4);
	assert_int_equal(buf[4], 1);
	assert_int_equal(buf[5], LS_DATA);
	assert_int_equal(le_get(buf + 6, 2), 0);
	assert_int_equal(le_get(buf + 8, 4), 5);
	assert_true(le_get(buf + 12, 8) == 0x0102030405060708ULL);
	assert_true(le_get(buf + 20, 8) == 0xA1A2A3A4A5A6A7A8ULL);
	assert_int_equal(le_get(buf + 28, 4), reference_checksum(buf, 5));
	assert_memory_equal(buf + 32, payload, 5);
}

/* A payload in two pieces (a ring's wrap) gets the same header as in one. */
static void test_data_header_from_pieces(void **state)
{
	static u8 data[LS_MAX_PAYLOAD], whole_msg[LS_MAX_MESSAGE];
	u8 head[LS_HEADER_SIZE];
	static const u32 splits[] = { 0, 1, 7, 1000, 4095 };
	struct ls_encoder a, b;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (u8)(i * 31);
	for (size_t s = 0; s < ARRAY_SIZE(splits); s++) {
		ls_encoder_init(&a);
		ls_encoder_init(&b);
		assert_int_equal(ls_encode_data(&a, whole_msg, sizeof(whole_msg), 77, data, 4096),
				 LS_HEADER_SIZE + 4096);
		assert_int_equal(ls_encode_data_header(&b, head, 77, data, splits[s],
						       data + splits[s], 4096 - splits[s]),
				 LS_HEADER_SIZE);
		assert_memory_equal(head, whole_msg, LS_HEADER_SIZE);
		assert_int_equal(a.seq, b.seq);
	}
	ls_encoder_init(&b);
	assert_int_equal(ls_encode_data_header(&b, head, 0, data, LS_MAX_PAYLOAD, data, 1), 0);
	assert_int_equal(ls_encode_data_header(&b, head, 0, data, 0, data, 0), 0);
	assert_int_equal(ls_encode_data_header(&b, head, UINT64_MAX, data, 1, NULL, 0), 0);
	assert_int_equal(b.seq, 0);
}

/* --- every split point ----------------------------------------------------------- */

struct split {
	size_t at;
};

static size_t split_once(size_t pos, size_t left, void *arg)
{
	struct split *s = arg;

	return pos < s->at && s->at - pos < left ? s->at - pos : left;
}

static size_t one_byte(size_t pos, size_t left, void *arg)
{
	return 1;
}

static size_t odd_pieces(size_t pos, size_t left, void *arg)
{
	u32 *rng = arg;

	*rng = *rng * 1103515245u + 12345u;
	return MIN(left, (size_t)(*rng >> 16) % 700 + 1);
}

static void test_every_split_point(void **state)
{
	static u8 buf[STREAM_CAP], data[300];
	struct ls_decoder d;
	enum ls_status st;
	size_t len;
	u32 rng = 7;

	fill_log_header();
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (u8)(255 - i);
	len = hv_stream(buf, sizeof(buf), data, sizeof(data));
	for (size_t at = 0; at <= len; at++) {
		struct split s = { at };

		ls_decoder_init(&d, LS_PEER_HV, dec_buf, sizeof(dec_buf));
		check_hv_stream(feed(&d, buf, len, split_once, &s, &st), data, sizeof(data));
		assert_int_equal(st, LS_MESSAGE);
	}
	ls_decoder_init(&d, LS_PEER_HV, dec_buf, sizeof(dec_buf));
	check_hv_stream(feed(&d, buf, len, one_byte, NULL, &st), data, sizeof(data));
	for (int round = 0; round < 50; round++) {
		ls_decoder_init(&d, LS_PEER_HV, dec_buf, sizeof(dec_buf));
		check_hv_stream(feed(&d, buf, len, odd_pieces, &rng, &st), data, sizeof(data));
	}
}

/* A message cut anywhere leaves the decoder mid-message and yields nothing. */
static void test_cut_message(void **state)
{
	u8 buf[64], data[9] = "123456789";
	struct ls_encoder e;
	struct ls_decoder d;
	enum ls_status st;
	size_t n;

	ls_encoder_init(&e);
	n = ls_encode_data(&e, buf, sizeof(buf), 0, data, sizeof(data));
	for (size_t cut = 1; cut < n; cut++) {
		ls_decoder_init(&d, LS_PEER_HV, dec_buf, sizeof(dec_buf));
		assert_int_equal(feed(&d, buf, cut, whole, NULL, &st), 0);
		assert_int_equal(st, LS_MORE);
		assert_true(ls_decoder_mid_message(&d));
	}
}

/* --- encoder refusals ---------------------------------------------------------------- */

static void test_encoder_refusals(void **state)
{
	static u8 buf[LS_MAX_MESSAGE + 1], data[LS_MAX_PAYLOAD + 1];
	char long_reason[LS_REASON_MAX + 2];
	struct ls_encoder e;

	memset(long_reason, 'x', sizeof(long_reason) - 1);
	long_reason[sizeof(long_reason) - 1] = '\0';
	ls_encoder_init(&e);
	/* too small a buffer, by one byte */
	assert_int_equal(ls_encode_ack(&e, buf, LS_HEADER_SIZE - 1, 0), 0);
	assert_int_equal(ls_encode_data(&e, buf, LS_HEADER_SIZE + 9, 0, data, 10), 0);
	assert_int_equal(ls_encode_welcome(&e, buf, LS_HEADER_SIZE + 7, 1, 0), 0);
	assert_int_equal(ls_encode_hello(&e, buf, LS_HEADER_SIZE + LS_HELLO_FIXED + 111, 1, 0, 0, 1,
					 log_header, 112), 0);
	assert_int_equal(ls_encode_end(&e, buf, 0, 0), 0);
	/* values out of range */
	assert_int_equal(ls_encode_data(&e, buf, sizeof(buf), 0, data, 0), 0);
	assert_int_equal(ls_encode_data(&e, buf, sizeof(buf), 0, data, LS_MAX_PAYLOAD + 1), 0);
	assert_int_equal(ls_encode_data(&e, buf, sizeof(buf), UINT64_MAX, data, 1), 0);
	assert_int_equal(ls_encode_hello(&e, buf, sizeof(buf), 0, 0, 0, 1, NULL, 0), 0);
	assert_int_equal(ls_encode_hello(&e, buf, sizeof(buf), 1, 2, 1, 1, NULL, 0), 0);
	assert_int_equal(ls_encode_hello(&e, buf, sizeof(buf), 1, 0, 0, 0, NULL, 0), 0);
	assert_int_equal(ls_encode_hello(&e, buf, sizeof(buf), 1, 0, 0, 1, data,
					 LS_LOG_HEADER_MAX + 1), 0);
	assert_int_equal(ls_encode_welcome(&e, buf, sizeof(buf), 0, 0), 0);
	assert_int_equal(ls_encode_reason(&e, buf, sizeof(buf), LS_ERROR, ""), 0);
	assert_int_equal(ls_encode_reason(&e, buf, sizeof(buf), LS_BYE, long_reason), 0);
	assert_int_equal(ls_encode_reason(&e, buf, sizeof(buf), LS_DATA, "x"), 0);
	/* nothing was numbered */
	assert_int_equal(e.seq, 0);
	/* the limits themselves are fine */
	assert_int_equal(ls_encode_data(&e, buf, sizeof(buf), UINT64_MAX - 1, data, 1),
			 LS_HEADER_SIZE + 1);
	long_reason[LS_REASON_MAX] = '\0';
	assert_int_equal(ls_encode_reason(&e, buf, sizeof(buf), LS_BYE, long_reason),
			 LS_HEADER_SIZE + LS_REASON_MAX);
	assert_int_equal(ls_encode_hello(&e, buf, sizeof(buf), 1, 0, 0, 1, data, LS_LOG_HEADER_MAX),
			 LS_HEADER_SIZE + LS_HELLO_FIXED + LS_LOG_HEADER_MAX);
	assert_int_equal(e.seq, 3);
}

/* --- decoder refusals --------------------------------------------------------------- */

/* Decodes msg (len bytes) and expects the refusal err, with got/want. */
static void expect_refusal(enum ls_peer from, const u8 *msg, size_t len, enum ls_error err,
			   u64 want_got, u64 want_want)
{
	struct ls_decoder d;
	struct ls_msg m;
	size_t used;

	assert_int_equal(decode_one(from, msg, len, &d), LS_REFUSED);
	assert_int_equal(d.error, err);
	assert_non_null(d.why);
	assert_true(strlen(d.why) > 0);
	assert_true(d.got == want_got);
	assert_true(d.want == want_want);
	assert_int_equal(d.msg_start, 0);
	/* sticky: nothing more is taken */
	assert_int_equal(ls_decode(&d, msg, len, &used, &m), LS_REFUSED);
	assert_int_equal(used, 0);
}

static void test_refuse_magic_version_length(void **state)
{
	static u8 buf[LS_MAX_MESSAGE + 64];
	struct raw r = raw_of(LS_ACK, 0, NULL);
	struct ls_decoder d;
	struct ls_msg m;
	size_t n, used;

	r.magic = 0x534C5356; /* "VSLS" */
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_MAGIC, 0x534C5356, LS_MAGIC);
	r = raw_of(LS_ACK, 0, NULL);
	r.version = 2;
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_VERSION, 2, 1);

	/* an oversized length is refused as soon as the header is in, before
	 * any payload byte is taken */
	r = raw_of(LS_DATA, 0, NULL);
	n = build_raw(buf, &r);
	le_put(buf + LS_OFF_LENGTH, LS_MAX_PAYLOAD + 1, 4);
	ls_decoder_init(&d, LS_PEER_HV, dec_buf, sizeof(dec_buf));
	assert_int_equal(ls_decode(&d, buf, sizeof(buf), &used, &m), LS_REFUSED);
	assert_int_equal(used, LS_HEADER_SIZE);
	assert_int_equal(d.error, LS_E_LENGTH);
	assert_int_equal(d.got, LS_MAX_PAYLOAD + 1);
	le_put(buf + LS_OFF_LENGTH, UINT32_MAX, 4);
	expect_refusal(LS_PEER_HV, buf, LS_HEADER_SIZE, LS_E_LENGTH, UINT32_MAX, LS_MAX_PAYLOAD);
}

static void test_refuse_too_big_for_receiver(void **state)
{
	static u8 buf[LS_MAX_MESSAGE], rx[LS_MAX_TO_HV_PAYLOAD];
	char text[LS_REASON_MAX + 1];
	u8 data[LS_MAX_TO_HV_PAYLOAD + 1] = { 0 };
	struct raw r = raw_of(LS_ERROR, sizeof(data), data);
	struct ls_decoder d;
	struct ls_msg m;
	size_t n = build_raw(buf, &r), used;

	/* the hypervisor's decoder reads at most LS_MAX_TO_HV_PAYLOAD bytes */
	ls_decoder_init(&d, LS_PEER_COLLECTOR, rx, sizeof(rx));
	assert_int_equal(ls_decode(&d, buf, n, &used, &m), LS_REFUSED);
	assert_int_equal(d.error, LS_E_TOO_BIG);
	assert_int_equal(d.got, sizeof(data));
	assert_int_equal(d.want, sizeof(rx));
	/* and exactly that much is fine */
	memset(text, 'e', LS_REASON_MAX);
	text[LS_REASON_MAX] = '\0';
	r = raw_of(LS_ERROR, LS_REASON_MAX, text);
	n = build_raw(buf, &r);
	ls_decoder_init(&d, LS_PEER_COLLECTOR, rx, sizeof(rx));
	assert_int_equal(ls_decode(&d, buf, n, &used, &m), LS_MESSAGE);
	assert_int_equal(m.reason.len, LS_REASON_MAX);
}

static void test_refuse_checksum(void **state)
{
	u8 buf[128], data[40];
	struct ls_encoder e;
	size_t n;
	u32 sum;

	memset(data, 0x33, sizeof(data));
	/* a flipped bit anywhere: in the payload, the checked header, the sum */
	for (size_t at = 0; at < LS_HEADER_SIZE + sizeof(data); at++) {
		if (at < LS_OFF_TYPE)
			continue; /* magic and version are refused before the sum */
		if (at >= LS_OFF_LENGTH && at < LS_OFF_SEQ)
			continue; /* so is a length that changes how much is read */
		ls_encoder_init(&e);
		n = ls_encode_data(&e, buf, sizeof(buf), 10, data, sizeof(data));
		sum = (u32)le_get(buf + LS_OFF_CHECKSUM, 4);
		buf[at] ^= 0x10;
		expect_refusal(LS_PEER_HV, buf, n, LS_E_CHECKSUM,
			       (u32)le_get(buf + LS_OFF_CHECKSUM, 4),
			       reference_checksum(buf, sizeof(data)));
		if (at < LS_OFF_CHECKSUM || at >= LS_HEADER_SIZE)
			assert_int_equal(le_get(buf + LS_OFF_CHECKSUM, 4), sum);
	}
}

static void test_refuse_type_and_direction(void **state)
{
	static const u8 hv_only[] = { LS_HELLO, LS_DATA, LS_END };
	static const u8 collector_only[] = { LS_WELCOME, LS_ACK };
	u8 buf[128], payload[LS_WELCOME_SIZE] = { 1 };
	struct raw r;
	size_t n;

	r = raw_of(0, 0, NULL);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_TYPE, 0, 0);
	r = raw_of(LS_TYPE_MAX + 1, 0, NULL);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_TYPE, LS_TYPE_MAX + 1, 0);
	r = raw_of(255, 0, NULL);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_TYPE, 255, 0);
	for (size_t i = 0; i < ARRAY_SIZE(hv_only); i++) {
		r = raw_of(hv_only[i], 1, payload);
		n = build_raw(buf, &r);
		expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_DIRECTION, hv_only[i], 0);
	}
	for (size_t i = 0; i < ARRAY_SIZE(collector_only); i++) {
		r = raw_of(collector_only[i], 0, NULL);
		n = build_raw(buf, &r);
		expect_refusal(LS_PEER_HV, buf, n, LS_E_DIRECTION, collector_only[i], 0);
	}
}

static void test_refuse_flags(void **state)
{
	u8 buf[64];
	struct raw r = raw_of(LS_END, 0, NULL);
	size_t n;

	for (unsigned bit = 0; bit < 16; bit++) {
		r.flags = (u16)(1u << bit);
		n = build_raw(buf, &r);
		expect_refusal(LS_PEER_HV, buf, n, LS_E_FLAGS, 1u << bit, 0);
	}
}

/* A HOLDS whose length is not whole hashes, an empty one, and either type
 * from a hypervisor are refused. */
static void test_refuse_bad_holds(void **state)
{
	static u8 buf[LS_MAX_MESSAGE], payload[16] = { 1 };
	struct raw r;
	size_t n;

	r = raw_of(LS_HOLDS, 12, payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_SIZE, 12, 8);
	r = raw_of(LS_HOLDS, 0, NULL);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_SIZE, 0, 8);
	r = raw_of(LS_HOLDS, 16, payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_DIRECTION, LS_HOLDS, 0);
	r = raw_of(LS_RESYNC, 0, NULL);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_DIRECTION, LS_RESYNC, 0);
}

static void test_refuse_size_for_type(void **state)
{
	static u8 buf[LS_MAX_MESSAGE], payload[LS_HELLO_FIXED + LS_LOG_HEADER_MAX + 1];
	struct raw r;
	size_t n;

	memset(payload, 'a', sizeof(payload));
	r = raw_of(LS_WELCOME, LS_WELCOME_SIZE - 1, payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_SIZE, 7, 8);
	r = raw_of(LS_WELCOME, LS_WELCOME_SIZE + 1, payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_SIZE, 9, 8);
	r = raw_of(LS_DATA, 0, NULL);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_SIZE, 0, 1);
	r = raw_of(LS_ACK, 1, payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_SIZE, 1, 0);
	r = raw_of(LS_END, 8, payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_SIZE, 8, 0);
	r = raw_of(LS_ERROR, 0, NULL);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_SIZE, 0, 1);
	r = raw_of(LS_BYE, LS_REASON_MAX + 1, payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_SIZE, LS_REASON_MAX + 1, LS_REASON_MAX);
	r = raw_of(LS_HELLO, LS_HELLO_FIXED - 1, payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_SIZE, LS_HELLO_FIXED - 1, LS_HELLO_FIXED);
	r = raw_of(LS_HELLO, sizeof(payload), payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_SIZE, sizeof(payload), sizeof(payload) - 1);
	/* a HELLO whose log header length disagrees with its payload */
	hello_payload(payload, 1, 0, 0, 1, 10, 0);
	r = raw_of(LS_HELLO, LS_HELLO_FIXED + 11, payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_SIZE, LS_HELLO_FIXED + 11, LS_HELLO_FIXED + 10);
}

static void test_refuse_sequence(void **state)
{
	u8 buf[256];
	struct ls_encoder e;
	struct ls_decoder d;
	enum ls_status st;
	size_t n = 0, first;

	/* a sequence that starts at 1 */
	ls_encoder_init(&e);
	e.seq = 1;
	n = ls_encode_end(&e, buf, sizeof(buf), 0);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_SEQUENCE, 1, 0);

	/* 0, 1, then 1 again: the third is refused, the first two decode */
	ls_encoder_init(&e);
	n = ls_encode_end(&e, buf, sizeof(buf), 5);
	n += ls_encode_end(&e, buf + n, sizeof(buf) - n, 6);
	first = n;
	e.seq = 1;
	n += ls_encode_end(&e, buf + n, sizeof(buf) - n, 7);
	ls_decoder_init(&d, LS_PEER_HV, dec_buf, sizeof(dec_buf));
	assert_int_equal(feed(&d, buf, n, whole, NULL, &st), 2);
	assert_int_equal(st, LS_REFUSED);
	assert_int_equal(d.error, LS_E_SEQUENCE);
	assert_int_equal(d.got, 1);
	assert_int_equal(d.want, 2);
	assert_int_equal(d.msg_start, first);
	assert_int_equal(d.messages, 2);
}

static void test_refuse_fields(void **state)
{
	u8 buf[256], payload[LS_HELLO_FIXED + 4];
	struct raw r;
	size_t n;

	hello_payload(payload, 0, 0, 0, 1, 0, 0);
	r = raw_of(LS_HELLO, LS_HELLO_FIXED, payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_FIELD, 0, 1);
	hello_payload(payload, 9, 11, 10, 1, 0, 0);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_FIELD, 11, 10);
	hello_payload(payload, 9, 0, 0, 0, 0, 0);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_FIELD, 0, 1);
	hello_payload(payload, 9, 0, 0, 1, 0, 0x100);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_FIELD, 0x100, 0);
	hello_payload(payload, 9, 0, 0, 1, 0, 0);
	r.offset = 3; /* HELLO has no offset */
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_FIELD, 3, 0);

	memset(payload, 0, LS_WELCOME_SIZE);
	r = raw_of(LS_WELCOME, LS_WELCOME_SIZE, payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_FIELD, 0, 1);

	r = raw_of(LS_DATA, 2, "ab");
	r.offset = UINT64_MAX - 1;
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_FIELD, UINT64_MAX - 1, 0);

	r = raw_of(LS_ERROR, 3, "a\0b");
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_FIELD, 0, 0);
	r = raw_of(LS_BYE, 2, "ok");
	r.offset = 1;
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_FIELD, 1, 0);
}

/* A refusal comes at the bad message, after the good ones before it. */
static void test_refusal_after_good_messages(void **state)
{
	static u8 buf[4096];
	u8 data[100] = { 0 };
	struct ls_encoder e;
	struct ls_decoder d;
	enum ls_status st;
	size_t n = 0, bad;

	ls_encoder_init(&e);
	n += ls_encode_hello(&e, buf, sizeof(buf), 5, 0, 0, 1, NULL, 0);
	n += ls_encode_data(&e, buf + n, sizeof(buf) - n, 0, data, sizeof(data));
	bad = n;
	n += ls_encode_data(&e, buf + n, sizeof(buf) - n, 100, data, sizeof(data));
	n += ls_encode_end(&e, buf + n, sizeof(buf) - n, 200);
	buf[bad + LS_HEADER_SIZE + 50] ^= 1;
	ls_decoder_init(&d, LS_PEER_HV, dec_buf, sizeof(dec_buf));
	assert_int_equal(feed(&d, buf, n, one_byte, NULL, &st), 2);
	assert_int_equal(st, LS_REFUSED);
	assert_int_equal(d.error, LS_E_CHECKSUM);
	assert_int_equal(d.msg_start, bad);
	assert_int_equal(d.consumed, bad + LS_HEADER_SIZE + sizeof(data));
}

/* A TLS record header where the first message's magic should be: the
 * peer speaks TLS. Anything else refused, or a TLS header later on the
 * connection, is not that. */
static void test_saw_tls(void **state)
{
	static u8 buf[256];
	struct ls_decoder d;
	struct raw r = raw_of(LS_ACK, 0, NULL);
	size_t n;

	memset(buf, 0, sizeof(buf));
	buf[0] = 22; /* handshake (RFC 5246, 6.2.1), TLS 1.0 in the record, a ClientHello */
	buf[1] = 3;
	buf[2] = 1;
	assert_int_equal(decode_one(LS_PEER_HV, buf, 100, &d), LS_REFUSED);
	assert_true(ls_decoder_saw_tls(&d));
	buf[0] = 21; /* an alert, TLS 1.2 */
	buf[2] = 3;
	assert_int_equal(decode_one(LS_PEER_COLLECTOR, buf, 100, &d), LS_REFUSED);
	assert_true(ls_decoder_saw_tls(&d));
	buf[0] = 24; /* not a content type TLS 1.2 has */
	assert_int_equal(decode_one(LS_PEER_HV, buf, 100, &d), LS_REFUSED);
	assert_false(ls_decoder_saw_tls(&d));
	buf[0] = 22;
	buf[1] = 2; /* SSL 2 */
	assert_int_equal(decode_one(LS_PEER_HV, buf, 100, &d), LS_REFUSED);
	assert_false(ls_decoder_saw_tls(&d));
	memcpy(buf, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 28);
	assert_int_equal(decode_one(LS_PEER_HV, buf, 100, &d), LS_REFUSED);
	assert_false(ls_decoder_saw_tls(&d));
	/* a good message, then TLS: not the connection's first */
	n = build_raw(buf, &r);
	memset(buf + n, 0, LS_HEADER_SIZE);
	buf[n] = 22;
	buf[n + 1] = 3;
	assert_int_equal(decode_one(LS_PEER_COLLECTOR, buf, n + LS_HEADER_SIZE, &d), LS_REFUSED);
	assert_int_equal(d.error, LS_E_MAGIC);
	assert_false(ls_decoder_saw_tls(&d));
	/* nothing refused yet: nothing seen */
	ls_decoder_init(&d, LS_PEER_HV, dec_buf, sizeof(dec_buf));
	assert_false(ls_decoder_saw_tls(&d));
}

/* HEARTBEAT both ways: empty from the hypervisor, what the replay has
 * reached from a collector; and the one flag, on HELLO and WELCOME only. */
static void test_heartbeat_round_trip(void **state)
{
	static const struct ls_replayed replayed = { 0x0102030405060708ULL, 0x1112131415161718ULL };
	u8 buf[256];
	struct ls_encoder e;
	struct ls_decoder d;
	size_t n;

	ls_encoder_init(&e);
	n = ls_encode_heartbeat(&e, buf, sizeof(buf), NULL);
	assert_int_equal(n, LS_HEADER_SIZE);
	assert_int_equal(decode_one(LS_PEER_HV, buf, n, &d), LS_MESSAGE);
	assert_int_equal(got[0].m.type, LS_HEARTBEAT);
	assert_false(got[0].m.heartbeat.has_replayed);
	ls_encoder_init(&e);
	n = ls_encode_heartbeat(&e, buf, sizeof(buf), &replayed);
	assert_int_equal(n, LS_HEADER_SIZE + LS_HEARTBEAT_SIZE);
	assert_int_equal(buf[LS_OFF_TYPE], 8);
	assert_int_equal(le_get(buf + LS_HEADER_SIZE, 8), replayed.bytes); /* wire layout */
	assert_int_equal(le_get(buf + LS_HEADER_SIZE + 8, 8), replayed.landmark);
	assert_int_equal(le_get(buf + LS_OFF_OFFSET, 8), 0);
	assert_int_equal(decode_one(LS_PEER_COLLECTOR, buf, n, &d), LS_MESSAGE);
	assert_true(got[0].m.heartbeat.has_replayed);
	assert_true(got[0].m.heartbeat.replayed_bytes == replayed.bytes);
	assert_true(got[0].m.heartbeat.replayed_landmark == replayed.landmark);
	assert_int_equal(ls_encode_heartbeat(&e, buf, LS_HEADER_SIZE + 15, &replayed), 0);
	assert_int_equal(ls_encode_heartbeat(&e, buf, LS_HEADER_SIZE - 1, NULL), 0);
}

static void test_heartbeat_flag(void **state)
{
	u8 buf[256];
	struct ls_encoder e;
	struct ls_decoder d;
	size_t n;

	ls_encoder_init(&e);
	n = ls_encode_hello(&e, buf, sizeof(buf), 7, 0, 0, 4096, NULL, 0);
	ls_message_set_flags(buf, LS_FLAG_HEARTBEAT);
	assert_int_equal(le_get(buf + LS_OFF_FLAGS, 2), 1);
	assert_int_equal(le_get(buf + LS_OFF_CHECKSUM, 4), reference_checksum(buf, LS_HELLO_FIXED));
	assert_int_equal(decode_one(LS_PEER_HV, buf, n, &d), LS_MESSAGE);
	assert_int_equal(got[0].m.flags, LS_FLAG_HEARTBEAT);
	ls_encoder_init(&e);
	n = ls_encode_welcome(&e, buf, sizeof(buf), 7, 0);
	ls_message_set_flags(buf, LS_FLAG_HEARTBEAT);
	assert_int_equal(decode_one(LS_PEER_COLLECTOR, buf, n, &d), LS_MESSAGE);
	assert_int_equal(got[0].m.flags, LS_FLAG_HEARTBEAT);
	/* any other bit on them, and the flag on any other type, is refused */
	ls_message_set_flags(buf, LS_FLAG_HEARTBEAT | 2);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_FLAGS, 3, LS_FLAG_HEARTBEAT);
	ls_encoder_init(&e);
	n = ls_encode_heartbeat(&e, buf, sizeof(buf), NULL);
	ls_message_set_flags(buf, LS_FLAG_HEARTBEAT);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_FLAGS, 1, LS_FLAG_LEASE);
}

/* LS_FLAG_LEASE: a HELLO (with its log header) and a hypervisor's
 * HEARTBEAT name the sender's lease epoch in their last 8 bytes; the
 * decoder takes them off, so the rest decodes as without them. A
 * collector's HEARTBEAT with it, epoch 0, a payload too short for it and
 * a second epoch are refused. */
static void test_lease(void **state)
{
	static const u8 header[5] = { 1, 2, 3, 4, 5 };
	static const struct ls_replayed replayed = { 1, 2 };
	u8 buf[256], zero[LS_LEASE_SIZE] = { 0 };
	struct ls_encoder e;
	struct ls_decoder d;
	struct raw r;
	size_t n;

	ls_encoder_init(&e);
	n = ls_encode_hello(&e, buf, sizeof(buf), 7, 0, 0, 4096, header, sizeof(header));
	ls_message_set_flags(buf, LS_FLAG_HEARTBEAT);
	n = ls_message_add_lease(buf, sizeof(buf), 0x0102030405060708ULL);
	assert_int_equal(n, LS_HEADER_SIZE + LS_HELLO_FIXED + sizeof(header) + LS_LEASE_SIZE);
	assert_int_equal(le_get(buf + LS_OFF_FLAGS, 2), LS_FLAG_HEARTBEAT | LS_FLAG_LEASE);
	assert_int_equal(le_get(buf + n - 8, 8), 0x0102030405060708ULL); /* wire layout */
	assert_int_equal(le_get(buf + LS_OFF_CHECKSUM, 4), reference_checksum(buf, (u32)n - 32));
	assert_int_equal(decode_one(LS_PEER_HV, buf, n, &d), LS_MESSAGE);
	assert_true(got[0].m.lease_epoch == 0x0102030405060708ULL);
	assert_int_equal(got[0].m.hello.log_header_len, sizeof(header));
	assert_memory_equal(got[0].m.hello.log_header, header, sizeof(header));
	assert_int_equal(ls_message_add_lease(buf, sizeof(buf), 9), 0); /* one epoch only */

	ls_encoder_init(&e);
	n = ls_encode_heartbeat(&e, buf, sizeof(buf), NULL);
	assert_int_equal(ls_message_add_lease(buf, LS_HEADER_SIZE + 7, 3), 0); /* no room */
	assert_int_equal(ls_message_add_lease(buf, sizeof(buf), 0), 0);
	n = ls_message_add_lease(buf, sizeof(buf), 3);
	assert_int_equal(n, LS_HEADER_SIZE + LS_LEASE_SIZE);
	assert_int_equal(decode_one(LS_PEER_HV, buf, n, &d), LS_MESSAGE);
	assert_int_equal(got[0].m.type, LS_HEARTBEAT);
	assert_true(got[0].m.lease_epoch == 3);
	assert_false(got[0].m.heartbeat.has_replayed);

	/* not on a collector's HEARTBEAT, nor on DATA */
	ls_encoder_init(&e);
	n = ls_encode_heartbeat(&e, buf, sizeof(buf), &replayed);
	assert_int_equal(ls_message_add_lease(buf, sizeof(buf), 3),
			 LS_HEADER_SIZE + LS_HEARTBEAT_SIZE + LS_LEASE_SIZE);
	expect_refusal(LS_PEER_COLLECTOR, buf, n + LS_LEASE_SIZE, LS_E_FLAGS,
		       LS_FLAG_LEASE, 0);
	ls_encoder_init(&e);
	n = ls_encode_data(&e, buf, sizeof(buf), 0, header, sizeof(header));
	assert_int_equal(ls_message_add_lease(buf, sizeof(buf), 3), 0);

	/* epoch 0, and a flag with no room for the epoch */
	r = raw_of(LS_HEARTBEAT, LS_LEASE_SIZE, zero);
	r.flags = LS_FLAG_LEASE;
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_FIELD, 0, 1);
	r = raw_of(LS_HEARTBEAT, LS_LEASE_SIZE - 1, zero);
	r.flags = LS_FLAG_LEASE;
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_SIZE, LS_LEASE_SIZE - 1, LS_LEASE_SIZE);
}

/* A HEARTBEAT's length is its sender's: none from the hypervisor, 16 bytes
 * from a collector; its offset field is unused. */
static void test_refuse_heartbeat(void **state)
{
	u8 buf[128], payload[LS_HEARTBEAT_SIZE + 1] = { 0 };
	struct raw r;
	size_t n;

	r = raw_of(LS_HEARTBEAT, LS_HEARTBEAT_SIZE, payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_SIZE, LS_HEARTBEAT_SIZE, 0);
	r = raw_of(LS_HEARTBEAT, 0, NULL);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_SIZE, 0, LS_HEARTBEAT_SIZE);
	r = raw_of(LS_HEARTBEAT, LS_HEARTBEAT_SIZE + 1, payload);
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_COLLECTOR, buf, n, LS_E_SIZE, LS_HEARTBEAT_SIZE + 1,
		       LS_HEARTBEAT_SIZE);
	r = raw_of(LS_HEARTBEAT, 0, NULL);
	r.offset = 5;
	n = build_raw(buf, &r);
	expect_refusal(LS_PEER_HV, buf, n, LS_E_FIELD, 5, 0);
}

static void test_names(void **state)
{
	assert_string_equal(ls_type_name(LS_HEARTBEAT), "HEARTBEAT");
	assert_string_equal(ls_type_name(LS_HELLO), "HELLO");
	assert_string_equal(ls_type_name(LS_ERROR), "ERROR");
	assert_null(ls_type_name(0));
	assert_null(ls_type_name(LS_TYPE_MAX + 1));
	assert_string_equal(ls_error_name(LS_E_CHECKSUM), "checksum");
	assert_string_equal(ls_error_name(LS_E_FIELD), "field");
	assert_string_equal(ls_error_name((enum ls_error)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hv_messages_round_trip),
		cmocka_unit_test(test_collector_messages_round_trip),
		cmocka_unit_test(test_wire_layout),
		cmocka_unit_test(test_resync_and_holds_round_trip),
		cmocka_unit_test(test_refuse_bad_holds),
		cmocka_unit_test(test_data_header_from_pieces),
		cmocka_unit_test(test_every_split_point),
		cmocka_unit_test(test_cut_message),
		cmocka_unit_test(test_encoder_refusals),
		cmocka_unit_test(test_refuse_magic_version_length),
		cmocka_unit_test(test_refuse_too_big_for_receiver),
		cmocka_unit_test(test_refuse_checksum),
		cmocka_unit_test(test_refuse_type_and_direction),
		cmocka_unit_test(test_refuse_flags),
		cmocka_unit_test(test_refuse_size_for_type),
		cmocka_unit_test(test_refuse_sequence),
		cmocka_unit_test(test_refuse_fields),
		cmocka_unit_test(test_refusal_after_good_messages),
		cmocka_unit_test(test_saw_tls),
		cmocka_unit_test(test_heartbeat_round_trip),
		cmocka_unit_test(test_heartbeat_flag),
		cmocka_unit_test(test_refuse_heartbeat),
		cmocka_unit_test(test_lease),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
