// sources: proto/logstream_proto.c lib/hash.c
/*
 * Fuzzes the log stream decoder (proto/logstream_proto.c) with
 * arbitrary bytes as they would arrive on a connection, decoded as the
 * collector decodes the hypervisor and as the hypervisor (with its small
 * buffer) decodes the collector. Every input is fed three ways: at once, in
 * odd-sized chunks, and byte by byte; the three must agree exactly. Each
 * decoded message must be sane, and the encoder, given its fields, must
 * write back exactly the bytes it was decoded from.
 *
 * Whether the decoder took the input for TLS (ls_decoder_saw_tls) must
 * agree across the feeds and hold only for a refused first message that
 * opens a TLS record.
 *
 * Each input also runs with its sequence numbers and checksums repaired
 * wherever the lengths allow, so that mutations reach the checks behind
 * the checksum.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "endian.h"
#include "proto/logstream_proto.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define MAX_TRACKED 4096     /* messages whose summary is compared across feeds */
#define BYTEWISE_MAX 16384   /* inputs fed byte by byte only up to this size */

/* What one feed of an input produced. */
struct outcome {
	size_t messages;
	enum ls_status last;
	enum ls_error error;
	u64 consumed, msg_start, got, want;
	bool saw_tls;           /* ls_decoder_saw_tls after the feed */
	u64 sums[MAX_TRACKED];  /* per message: type, length, seq, offset mixed */
};

static struct outcome outcomes[3];
static u8 rx[LS_MAX_PAYLOAD];
static u8 again[LS_MAX_MESSAGE];
static u8 scratch[LS_CHECKED_HEADER + LS_MAX_PAYLOAD];

/* The payload bytes a LS_FLAG_LEASE epoch took (not in m->length). */
static u32 lease_bytes(const struct ls_msg *m)
{
	return m->flags & LS_FLAG_LEASE ? LS_LEASE_SIZE : 0;
}

/* The encoder, from the decoded fields, writes the original bytes. */
static void check_reencode(const struct ls_msg *m, const u8 *orig)
{
	struct ls_encoder e = { .seq = m->seq };
	struct ls_replayed replayed = { m->heartbeat.replayed_bytes, m->heartbeat.replayed_landmark };
	char text[LS_REASON_MAX + 1];
	size_t n = 0;

	switch (m->type) {
	case LS_HELLO:
		n = ls_encode_hello(&e, again, sizeof(again), m->hello.session, m->hello.oldest,
				    m->hello.produced, m->hello.window, m->hello.log_header,
				    m->hello.log_header_len);
		break;
	case LS_WELCOME:
		n = ls_encode_welcome(&e, again, sizeof(again), m->welcome.session, m->offset);
		break;
	case LS_DATA:
		n = ls_encode_data(&e, again, sizeof(again), m->offset, m->payload, m->length);
		break;
	case LS_ACK:
		n = ls_encode_ack(&e, again, sizeof(again), m->offset);
		break;
	case LS_END:
		n = ls_encode_end(&e, again, sizeof(again), m->offset);
		break;
	case LS_BYE:
	case LS_ERROR:
		CHECK(m->reason.len == m->length && m->reason.text == (const char *)m->payload);
		memcpy(text, m->reason.text, m->reason.len);
		text[m->reason.len] = '\0';
		n = ls_encode_reason(&e, again, sizeof(again), m->type, text);
		break;
	case LS_RESYNC:
		CHECK(m->reason.len == m->length && m->reason.text == (const char *)m->payload);
		memcpy(text, m->reason.text, m->reason.len);
		text[m->reason.len] = '\0';
		n = ls_encode_resync(&e, again, sizeof(again), m->offset, text);
		break;
	case LS_HOLDS: {
		static u64 hashes[LS_HOLDS_MAX_PAGES];

		CHECK(m->holds.count * 8u == m->length && m->holds.hashes == m->payload &&
		      m->holds.count <= LS_HOLDS_MAX_PAGES);
		for (u32 i = 0; i < m->holds.count; i++)
			hashes[i] = le_get(m->holds.hashes + i * 8u, 8);
		n = ls_encode_holds(&e, again, sizeof(again), m->offset, hashes, m->holds.count);
		break;
	}
	case LS_HEARTBEAT:
		n = ls_encode_heartbeat(&e, again, sizeof(again),
					m->heartbeat.has_replayed ? &replayed : NULL);
		break;
	default:
		CHECK(0);
	}
	if (m->flags & LS_FLAG_HEARTBEAT) /* on HELLO or WELCOME */
		ls_message_set_flags(again, LS_FLAG_HEARTBEAT);
	if (m->flags & LS_FLAG_LEASE) /* on HELLO or the hv's HEARTBEAT: the epoch ends it */
		n = ls_message_add_lease(again, sizeof(again), m->lease_epoch);
	CHECK(n == LS_HEADER_SIZE + m->length + lease_bytes(m));
	CHECK(!memcmp(again, orig, n));
	CHECK(e.seq == m->seq + 1);
}

static void check_message(const struct ls_decoder *d, const struct ls_msg *m, const u8 *input,
			  size_t index)
{
	CHECK(ls_type_name(m->type));
	CHECK(m->length <= d->cap && m->length <= LS_MAX_PAYLOAD);
	CHECK(m->seq == index);
	CHECK(!(m->flags & ~(LS_FLAG_HEARTBEAT | LS_FLAG_LEASE)));
	CHECK(!(m->flags & LS_FLAG_HEARTBEAT) || m->type == LS_HELLO || m->type == LS_WELCOME);
	CHECK(!(m->flags & LS_FLAG_LEASE) || m->type == LS_HELLO ||
	      (m->type == LS_HEARTBEAT && d->from == LS_PEER_HV));
	CHECK(!(m->flags & LS_FLAG_LEASE) == !m->lease_epoch);
	if (m->type == LS_HEARTBEAT)
		CHECK(m->heartbeat.has_replayed == (d->from == LS_PEER_COLLECTOR) &&
		      m->length == (m->heartbeat.has_replayed ? LS_HEARTBEAT_SIZE : 0));
	CHECK(m->payload == d->buf);
	CHECK(d->consumed - d->msg_start == LS_HEADER_SIZE + m->length + lease_bytes(m));
	if (d->from == LS_PEER_HV)
		CHECK(m->type != LS_WELCOME && m->type != LS_ACK);
	else
		CHECK(m->type != LS_HELLO && m->type != LS_DATA && m->type != LS_END);
	if (d->from == LS_PEER_HV)
		CHECK(m->type != LS_RESYNC && m->type != LS_HOLDS);
	if (m->type == LS_HELLO)
		CHECK(m->hello.session && m->hello.oldest <= m->hello.produced && m->hello.window &&
		      m->hello.log_header_len <= LS_LOG_HEADER_MAX);
	check_reencode(m, input + d->msg_start);
}

/* Chunk sizes for a feed: all at once (0), odd pieces (1), bytes (2). */
static size_t chunk(int how, u32 *rng, size_t left)
{
	if (how == 0)
		return left;
	if (how == 2)
		return 1;
	*rng = *rng * 1103515245u + 12345u;
	return (*rng >> 16) % 997 + 1 < left ? (*rng >> 16) % 997 + 1 : left;
}

static void feed(enum ls_peer from, u32 cap, const u8 *data, size_t size, int how,
		 struct outcome *o)
{
	struct ls_decoder d;
	struct ls_msg m;
	size_t pos = 0, used;
	u32 rng = (u32)size;

	memset(o, 0, sizeof(*o));
	ls_decoder_init(&d, from, rx, cap);
	o->last = LS_MORE;
	while (pos < size && o->last != LS_REFUSED) {
		size_t end = pos + chunk(how, &rng, size - pos);

		while (pos < end) {
			o->last = ls_decode(&d, data + pos, end - pos, &used, &m);
			CHECK(used <= end - pos);
			pos += used;
			CHECK(d.consumed == pos);
			if (o->last == LS_REFUSED)
				break;
			if (o->last == LS_MESSAGE) {
				check_message(&d, &m, data, o->messages);
				if (o->messages < MAX_TRACKED)
					o->sums[o->messages] = m.type ^ (u64)m.length << 8 ^
							       m.seq << 32 ^ m.offset * 31;
				o->messages++;
			} else {
				CHECK(pos == end);
			}
		}
	}
	if (o->last == LS_REFUSED) {
		CHECK(d.error != LS_OK && d.why && *d.why);
		CHECK(ls_decode(&d, data, size, &used, &m) == LS_REFUSED && used == 0);
	}
	o->error = d.error;
	o->consumed = d.consumed;
	o->msg_start = d.msg_start;
	o->got = d.got;
	o->want = d.want;
	o->saw_tls = ls_decoder_saw_tls(&d);
	/* only a refused first message whose bytes open a TLS record */
	CHECK(!o->saw_tls || (d.error == LS_E_MAGIC && d.msg_start == 0 && size >= 2 &&
			      data[0] >= 20 && data[0] <= 23 && data[1] == 3));
	CHECK(d.messages == o->messages);
}

static void check_same(const struct outcome *a, const struct outcome *b)
{
	size_t n = a->messages < MAX_TRACKED ? a->messages : MAX_TRACKED;

	CHECK(a->messages == b->messages && a->error == b->error);
	CHECK(a->consumed == b->consumed && a->msg_start == b->msg_start);
	CHECK(a->got == b->got && a->want == b->want && a->saw_tls == b->saw_tls);
	CHECK(a->last == b->last || (a->last != LS_REFUSED && b->last != LS_REFUSED));
	CHECK(!memcmp(a->sums, b->sums, n * sizeof(a->sums[0])));
}

static void check_stream(enum ls_peer from, u32 cap, const u8 *data, size_t size)
{
	feed(from, cap, data, size, 0, &outcomes[0]);
	feed(from, cap, data, size, 1, &outcomes[1]);
	check_same(&outcomes[0], &outcomes[1]);
	if (size <= BYTEWISE_MAX) {
		feed(from, cap, data, size, 2, &outcomes[2]);
		check_same(&outcomes[0], &outcomes[2]);
	}
}

/* The checksum as the protocol defines it, from a contiguous copy of
 * header bytes [0, 28) and the payload. */
static u32 reference_sum(const u8 *msg, u32 len)
{
	memcpy(scratch, msg, LS_CHECKED_HEADER);
	memcpy(scratch + LS_CHECKED_HEADER, msg + LS_HEADER_SIZE, len);
	return hash32(scratch, LS_CHECKED_HEADER + (size_t)len, 0);
}

/* Makes the sequence numbers and checksums right wherever the lengths
 * allow; true when anything changed. */
static bool repair(u8 *p, size_t size)
{
	size_t off = 0;
	u64 seq = 0;
	bool changed = false;
	u8 old[LS_HEADER_SIZE];

	while (size - off >= LS_HEADER_SIZE) {
		u32 len = (u32)le_get(p + off + LS_OFF_LENGTH, 4);

		if (len > LS_MAX_PAYLOAD || len > size - off - LS_HEADER_SIZE)
			break;
		memcpy(old, p + off, LS_HEADER_SIZE);
		le_put(p + off + LS_OFF_SEQ, seq++, 8);
		le_put(p + off + LS_OFF_CHECKSUM, reference_sum(p + off, len), 4);
		changed |= memcmp(old, p + off, LS_HEADER_SIZE) != 0;
		off += LS_HEADER_SIZE + len;
	}
	return changed;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *copy = malloc(size ? size : 1);

	CHECK(copy);
	memcpy(copy, data, size);
	check_stream(LS_PEER_HV, LS_MAX_PAYLOAD, copy, size);
	check_stream(LS_PEER_COLLECTOR, LS_MAX_TO_HV_PAYLOAD, copy, size);
	if (repair(copy, size)) {
		check_stream(LS_PEER_HV, LS_MAX_PAYLOAD, copy, size);
		check_stream(LS_PEER_COLLECTOR, LS_MAX_TO_HV_PAYLOAD, copy, size);
	}
	free(copy);
	return 0;
}
