/*
 * The log stream protocol's encoder and incremental decoder (see
 * logstream_proto.h and docs/log-stream.md). Integers are little-endian,
 * written byte by byte so the code does not care about the host's order or
 * alignment. The checksum is XXH32 (seed 0) over header bytes [0, 28) and
 * then the payload, computed in pieces so neither side has to lay the two
 * out next to each other.
 */
#include "proto/logstream_proto.h"

#include <string.h>

#include "endian.h"
#include "hash.h"

#define HELLO_OFF_SESSION 0
#define HELLO_OFF_OLDEST 8
#define HELLO_OFF_PRODUCED 16
#define HELLO_OFF_WINDOW 24
#define HELLO_OFF_HDR_LEN 28
#define HELLO_OFF_RESERVED 30

/* A TLS record's first bytes (RFC 5246, 6.2.1 "Fragmentation"): its
 * content type, change_cipher_spec (20) to application_data (23), then the
 * protocol version's major number, 3 from SSL 3.0 to TLS 1.3. */
#define TLS_TYPE_FIRST 20
#define TLS_TYPE_LAST 23
#define TLS_MAJOR_VERSION 3

/* --- checksum ---------------------------------------------------------------- */

/* XXH32 of the checked header bytes followed by up to two payload pieces. */
static u32 checksum(const u8 head[LS_HEADER_SIZE], const void *a, size_t alen, const void *b,
		    size_t blen)
{
	struct hash32_state s;

	hash32_begin(&s, 0);
	hash32_add(&s, head, LS_CHECKED_HEADER);
	if (alen)
		hash32_add(&s, a, alen);
	if (blen)
		hash32_add(&s, b, blen);
	return hash32_end(&s);
}

/* --- encoding ------------------------------------------------------------------ */

/* Fills a header (checksum included) for a payload in up to two pieces. */
static void put_header(struct ls_encoder *e, u8 *out, u8 type, u64 offset, const void *a,
		       u32 alen, const void *b, u32 blen)
{
	le_put(out + LS_OFF_MAGIC, LS_MAGIC, 4);
	out[LS_OFF_VERSION] = LS_VERSION;
	out[LS_OFF_TYPE] = type;
	le_put(out + LS_OFF_FLAGS, 0, 2);
	le_put(out + LS_OFF_LENGTH, (u64)alen + blen, 4);
	le_put(out + LS_OFF_SEQ, e->seq++, 8);
	le_put(out + LS_OFF_OFFSET, offset, 8);
	le_put(out + LS_OFF_CHECKSUM, checksum(out, a, alen, b, blen), 4);
}

/* A whole message whose payload is already at out + LS_HEADER_SIZE. */
static size_t finish(struct ls_encoder *e, u8 *out, u8 type, u64 offset, u32 len)
{
	put_header(e, out, type, offset, out + LS_HEADER_SIZE, len, NULL, 0);
	return LS_HEADER_SIZE + (size_t)len;
}

static bool fits(size_t cap, size_t payload)
{
	return payload <= LS_MAX_PAYLOAD && cap >= LS_HEADER_SIZE + payload;
}

size_t ls_encode_hello(struct ls_encoder *e, u8 *out, size_t cap, u64 session, u64 oldest,
		       u64 produced, u32 window, const void *log_header, u16 log_header_len)
{
	u8 *p = out + LS_HEADER_SIZE;
	u32 len = LS_HELLO_FIXED + log_header_len;

	if (!session || oldest > produced || !window || log_header_len > LS_LOG_HEADER_MAX ||
	    !fits(cap, len))
		return 0;
	le_put(p + HELLO_OFF_SESSION, session, 8);
	le_put(p + HELLO_OFF_OLDEST, oldest, 8);
	le_put(p + HELLO_OFF_PRODUCED, produced, 8);
	le_put(p + HELLO_OFF_WINDOW, window, 4);
	le_put(p + HELLO_OFF_HDR_LEN, log_header_len, 2);
	le_put(p + HELLO_OFF_RESERVED, 0, 2);
	if (log_header_len)
		memcpy(p + LS_HELLO_FIXED, log_header, log_header_len);
	return finish(e, out, LS_HELLO, 0, len);
}

size_t ls_encode_welcome(struct ls_encoder *e, u8 *out, size_t cap, u64 session, u64 resume)
{
	if (!session || !fits(cap, LS_WELCOME_SIZE))
		return 0;
	le_put(out + LS_HEADER_SIZE, session, 8);
	return finish(e, out, LS_WELCOME, resume, LS_WELCOME_SIZE);
}

size_t ls_encode_data(struct ls_encoder *e, u8 *out, size_t cap, u64 offset, const void *data,
		      u32 len)
{
	if (!len || !fits(cap, len) || offset + len < offset)
		return 0;
	memmove(out + LS_HEADER_SIZE, data, len);
	return finish(e, out, LS_DATA, offset, len);
}

size_t ls_encode_ack(struct ls_encoder *e, u8 *out, size_t cap, u64 durable)
{
	if (!fits(cap, 0))
		return 0;
	return finish(e, out, LS_ACK, durable, 0);
}

size_t ls_encode_end(struct ls_encoder *e, u8 *out, size_t cap, u64 total)
{
	if (!fits(cap, 0))
		return 0;
	return finish(e, out, LS_END, total, 0);
}

size_t ls_encode_reason(struct ls_encoder *e, u8 *out, size_t cap, u8 type, const char *text)
{
	size_t len = strnlen(text, LS_REASON_MAX + 1);

	if ((type != LS_BYE && type != LS_ERROR) || len > LS_REASON_MAX ||
	    (type == LS_ERROR && !len) || !fits(cap, len))
		return 0;
	memcpy(out + LS_HEADER_SIZE, text, len);
	return finish(e, out, type, 0, (u32)len);
}

size_t ls_encode_resync(struct ls_encoder *e, u8 *out, size_t cap, u64 landmark, const char *why)
{
	size_t len = strnlen(why, LS_REASON_MAX + 1);

	if (len > LS_REASON_MAX || !fits(cap, len))
		return 0;
	memcpy(out + LS_HEADER_SIZE, why, len);
	return finish(e, out, LS_RESYNC, landmark, (u32)len);
}

size_t ls_encode_holds(struct ls_encoder *e, u8 *out, size_t cap, u64 first_page,
		       const u64 *hashes, u32 count)
{
	if (!count || count > LS_HOLDS_MAX_PAGES || !fits(cap, count * 8u) ||
	    first_page + count < first_page)
		return 0;
	for (u32 i = 0; i < count; i++)
		le_put(out + LS_HEADER_SIZE + i * 8u, hashes[i], 8);
	return finish(e, out, LS_HOLDS, first_page, count * 8u);
}

size_t ls_encode_heartbeat(struct ls_encoder *e, u8 *out, size_t cap,
			   const struct ls_replayed *replayed)
{
	u32 len = replayed ? LS_HEARTBEAT_SIZE : 0;

	if (!fits(cap, len))
		return 0;
	if (replayed) {
		le_put(out + LS_HEADER_SIZE, replayed->bytes, 8);
		le_put(out + LS_HEADER_SIZE + 8, replayed->landmark, 8);
	}
	return finish(e, out, LS_HEARTBEAT, 0, len);
}

void ls_message_set_flags(u8 *msg, u16 flags)
{
	u32 len = (u32)le_get(msg + LS_OFF_LENGTH, 4);

	le_put(msg + LS_OFF_FLAGS, flags, 2);
	le_put(msg + LS_OFF_CHECKSUM, checksum(msg, msg + LS_HEADER_SIZE, len, NULL, 0), 4);
}

size_t ls_message_add_lease(u8 *msg, size_t cap, u64 epoch)
{
	u32 len = (u32)le_get(msg + LS_OFF_LENGTH, 4);
	u8 type = msg[LS_OFF_TYPE];
	u16 flags = (u16)le_get(msg + LS_OFF_FLAGS, 2);

	if (!epoch || (type != LS_HELLO && type != LS_HEARTBEAT) || (flags & LS_FLAG_LEASE) ||
	    !fits(cap, (size_t)len + LS_LEASE_SIZE))
		return 0;
	le_put(msg + LS_HEADER_SIZE + len, epoch, LS_LEASE_SIZE);
	le_put(msg + LS_OFF_LENGTH, len + LS_LEASE_SIZE, 4);
	ls_message_set_flags(msg, flags | LS_FLAG_LEASE);
	return LS_HEADER_SIZE + (size_t)len + LS_LEASE_SIZE;
}

size_t ls_encode_data_header(struct ls_encoder *e, u8 out[LS_HEADER_SIZE], u64 offset,
			     const void *a, u32 alen, const void *b, u32 blen)
{
	u64 len = (u64)alen + blen;

	if (!len || len > LS_MAX_PAYLOAD || offset + len < offset)
		return 0;
	put_header(e, out, LS_DATA, offset, a, alen, b, blen);
	return LS_HEADER_SIZE;
}

/* --- decoding: refusals ---------------------------------------------------------- */

static enum ls_status refuse(struct ls_decoder *d, enum ls_error error, const char *why, u64 got,
			     u64 want)
{
	d->error = error;
	d->why = why;
	d->got = got;
	d->want = want;
	return LS_REFUSED;
}

/* What the header says before the payload is read: enough to know how
 * much to read, and that it is worth reading. */
static enum ls_status check_header(struct ls_decoder *d)
{
	u64 magic = le_get(d->head + LS_OFF_MAGIC, 4);
	u32 len = (u32)le_get(d->head + LS_OFF_LENGTH, 4);

	if (magic != LS_MAGIC)
		return refuse(d, LS_E_MAGIC, "bad magic (not USLS)", magic, LS_MAGIC);
	if (d->head[LS_OFF_VERSION] != LS_VERSION)
		return refuse(d, LS_E_VERSION, "unsupported protocol version",
			      d->head[LS_OFF_VERSION], LS_VERSION);
	if (len > LS_MAX_PAYLOAD)
		return refuse(d, LS_E_LENGTH, "payload length over 65536", len, LS_MAX_PAYLOAD);
	if (len > d->cap)
		return refuse(d, LS_E_TOO_BIG, "payload longer than this receiver takes", len,
			      d->cap);
	d->length = len;
	return LS_MORE;
}

/* Whether a type may come from the decoder's peer. */
static bool sent_by(enum ls_peer from, u8 type)
{
	switch (type) {
	case LS_HELLO:
	case LS_DATA:
	case LS_END:
		return from == LS_PEER_HV;
	case LS_WELCOME:
	case LS_ACK:
	case LS_RESYNC:
	case LS_HOLDS:
		return from == LS_PEER_COLLECTOR;
	default:
		return true; /* BYE, ERROR, HEARTBEAT */
	}
}

/* Payload lengths each type allows: [min, max] (a LS_FLAG_LEASE epoch
 * not counted). */
static void size_bounds(u8 type, u32 *min, u32 *max)
{
	static const u32 bounds[LS_TYPE_MAX + 1][2] = {
		[LS_HELLO] = { LS_HELLO_FIXED, LS_HELLO_FIXED + LS_LOG_HEADER_MAX },
		[LS_WELCOME] = { LS_WELCOME_SIZE, LS_WELCOME_SIZE },
		[LS_DATA] = { 1, LS_MAX_PAYLOAD },
		[LS_ACK] = { 0, 0 },
		[LS_END] = { 0, 0 },
		[LS_BYE] = { 0, LS_REASON_MAX },
		[LS_ERROR] = { 1, LS_REASON_MAX },
		[LS_RESYNC] = { 0, LS_REASON_MAX },
		[LS_HOLDS] = { 8, LS_HOLDS_MAX_PAGES * 8 },
		[LS_HEARTBEAT] = { 0, LS_HEARTBEAT_SIZE },
	};

	*min = bounds[type][0];
	*max = bounds[type][1];
}

/* The flag bits a type may carry from a sender: LS_FLAG_HEARTBEAT on
 * HELLO and WELCOME, LS_FLAG_LEASE on HELLO and the hypervisor's
 * HEARTBEAT. */
static u16 flags_defined(u8 type, enum ls_peer from)
{
	switch (type) {
	case LS_HELLO:
		return LS_FLAG_HEARTBEAT | LS_FLAG_LEASE;
	case LS_WELCOME:
		return LS_FLAG_HEARTBEAT;
	case LS_HEARTBEAT:
		return from == LS_PEER_HV ? LS_FLAG_LEASE : 0;
	default:
		return 0;
	}
}

/* LS_FLAG_LEASE: the payload's last LS_LEASE_SIZE bytes are the epoch;
 * taken off, so the type's own checks see the payload without them. */
static enum ls_status take_lease(struct ls_decoder *d, struct ls_msg *m)
{
	if (!(m->flags & LS_FLAG_LEASE))
		return LS_MESSAGE;
	if (m->length < LS_LEASE_SIZE)
		return refuse(d, LS_E_SIZE, "payload shorter than its lease epoch", m->length,
			      LS_LEASE_SIZE);
	m->length -= LS_LEASE_SIZE;
	m->lease_epoch = le_get(m->payload + m->length, LS_LEASE_SIZE);
	if (!m->lease_epoch)
		return refuse(d, LS_E_FIELD, "lease epoch 0", 0, 1);
	return LS_MESSAGE;
}

/* The offset field is defined only for DATA, WELCOME, ACK, END, RESYNC and HOLDS. */
static bool offset_defined(u8 type)
{
	return type == LS_DATA || type == LS_WELCOME || type == LS_ACK || type == LS_END ||
	       type == LS_RESYNC || type == LS_HOLDS;
}

static enum ls_status check_hello(struct ls_decoder *d, struct ls_msg *m)
{
	const u8 *p = m->payload;

	m->hello.session = le_get(p + HELLO_OFF_SESSION, 8);
	m->hello.oldest = le_get(p + HELLO_OFF_OLDEST, 8);
	m->hello.produced = le_get(p + HELLO_OFF_PRODUCED, 8);
	m->hello.window = (u32)le_get(p + HELLO_OFF_WINDOW, 4);
	m->hello.log_header_len = (u16)le_get(p + HELLO_OFF_HDR_LEN, 2);
	m->hello.log_header = p + LS_HELLO_FIXED;
	if (!m->hello.session)
		return refuse(d, LS_E_FIELD, "HELLO session id 0", 0, 1);
	if (m->hello.oldest > m->hello.produced)
		return refuse(d, LS_E_FIELD, "HELLO oldest byte beyond the bytes produced",
			      m->hello.oldest, m->hello.produced);
	if (!m->hello.window)
		return refuse(d, LS_E_FIELD, "HELLO window 0", 0, 1);
	if (le_get(p + HELLO_OFF_RESERVED, 2))
		return refuse(d, LS_E_FIELD, "HELLO reserved field not 0",
			      le_get(p + HELLO_OFF_RESERVED, 2), 0);
	if (m->length != LS_HELLO_FIXED + (u32)m->hello.log_header_len)
		return refuse(d, LS_E_SIZE, "HELLO length disagrees with its log header length",
			      m->length, LS_HELLO_FIXED + (u32)m->hello.log_header_len);
	return LS_MESSAGE;
}

/* A HEARTBEAT's payload: none from the hypervisor, what the replay has
 * reached from a collector. */
static enum ls_status check_heartbeat(struct ls_decoder *d, struct ls_msg *m)
{
	u32 want = d->from == LS_PEER_COLLECTOR ? LS_HEARTBEAT_SIZE : 0;

	if (m->length != want)
		return refuse(d, LS_E_SIZE, "HEARTBEAT length wrong for its sender", m->length,
			      want);
	if (want) {
		m->heartbeat.has_replayed = true;
		m->heartbeat.replayed_bytes = le_get(m->payload, 8);
		m->heartbeat.replayed_landmark = le_get(m->payload + 8, 8);
	}
	return LS_MESSAGE;
}

/* The type-specific payload fields. */
static enum ls_status check_payload(struct ls_decoder *d, struct ls_msg *m)
{
	switch (m->type) {
	case LS_HELLO:
		return check_hello(d, m);
	case LS_WELCOME:
		m->welcome.session = le_get(m->payload, 8);
		if (!m->welcome.session)
			return refuse(d, LS_E_FIELD, "WELCOME session id 0", 0, 1);
		return LS_MESSAGE;
	case LS_DATA:
		if (m->offset + m->length < m->offset)
			return refuse(d, LS_E_FIELD, "DATA offset plus length overflows",
				      m->offset, 0);
		return LS_MESSAGE;
	case LS_HOLDS:
		if (m->length % 8)
			return refuse(d, LS_E_SIZE, "HOLDS length not a whole number of hashes",
				      m->length, m->length / 8 * 8);
		m->holds.count = m->length / 8;
		m->holds.hashes = m->payload;
		if (m->offset + m->holds.count < m->offset)
			return refuse(d, LS_E_FIELD, "HOLDS page number plus count overflows",
				      m->offset, 0);
		return LS_MESSAGE;
	case LS_BYE:
	case LS_ERROR:
	case LS_RESYNC:
		m->reason.text = (const char *)m->payload;
		m->reason.len = m->length;
		if (memchr(m->payload, 0, m->length))
			return refuse(d, LS_E_FIELD, "reason text holds a NUL byte", 0, 0);
		return LS_MESSAGE;
	case LS_HEARTBEAT:
		return check_heartbeat(d, m);
	default:
		return LS_MESSAGE;
	}
}

/* A whole message is in: the checksum first (a damaged header names no
 * other field), then what the fields may hold. */
static enum ls_status check_message(struct ls_decoder *d, struct ls_msg *m)
{
	u32 sum = (u32)le_get(d->head + LS_OFF_CHECKSUM, 4);
	u32 want = checksum(d->head, d->buf, d->length, NULL, 0);
	u32 min, max;

	if (sum != want)
		return refuse(d, LS_E_CHECKSUM, "checksum mismatch", sum, want);
	memset(m, 0, sizeof(*m));
	m->type = d->head[LS_OFF_TYPE];
	m->flags = (u16)le_get(d->head + LS_OFF_FLAGS, 2);
	m->length = d->length;
	m->seq = le_get(d->head + LS_OFF_SEQ, 8);
	m->offset = le_get(d->head + LS_OFF_OFFSET, 8);
	m->payload = d->buf;
	if (!ls_type_name(m->type))
		return refuse(d, LS_E_TYPE, "unknown message type", m->type, 0);
	if (!sent_by(d->from, m->type))
		return refuse(d, LS_E_DIRECTION, "message type this peer never sends", m->type, 0);
	if (m->flags & ~flags_defined(m->type, d->from))
		return refuse(d, LS_E_FLAGS, "flags set that the type does not define", m->flags,
			      flags_defined(m->type, d->from));
	if (take_lease(d, m) != LS_MESSAGE)
		return LS_REFUSED;
	size_bounds(m->type, &min, &max);
	if (m->length < min || m->length > max)
		return refuse(d, LS_E_SIZE, "payload length wrong for the type", m->length,
			      m->length < min ? min : max);
	if (m->seq != d->next_seq)
		return refuse(d, LS_E_SEQUENCE, "sequence number out of order", m->seq,
			      d->next_seq);
	if (!offset_defined(m->type) && m->offset)
		return refuse(d, LS_E_FIELD, "offset set in a message that has none", m->offset, 0);
	return check_payload(d, m);
}

/* --- decoding: the byte feed ------------------------------------------------------- */

void ls_decoder_init(struct ls_decoder *d, enum ls_peer from, u8 *buf, u32 cap)
{
	memset(d, 0, sizeof(*d));
	d->from = from;
	d->buf = buf;
	d->cap = cap;
}

/* Copies up to want - have bytes into dst + have. */
static size_t take(u8 *dst, u32 *have, u32 want, const u8 *src, size_t len)
{
	size_t n = want - *have;

	if (n > len)
		n = len;
	memcpy(dst + *have, src, n);
	*have += (u32)n;
	return n;
}

enum ls_status ls_decode(struct ls_decoder *d, const u8 *data, size_t len, size_t *used,
			 struct ls_msg *m)
{
	size_t pos = 0;
	enum ls_status rc;

	*used = 0;
	if (d->error)
		return LS_REFUSED;
	if (d->have < LS_HEADER_SIZE) {
		if (!d->have)
			d->msg_start = d->consumed;
		pos += take(d->head, &d->have, LS_HEADER_SIZE, data, len);
		if (d->have == LS_HEADER_SIZE && check_header(d) != LS_MORE) {
			d->consumed += pos;
			*used = pos;
			return LS_REFUSED;
		}
	}
	if (d->have >= LS_HEADER_SIZE) {
		u32 got = d->have - LS_HEADER_SIZE;

		pos += take(d->buf, &got, d->length, data + pos, len - pos);
		d->have = LS_HEADER_SIZE + got;
	}
	d->consumed += pos;
	*used = pos;
	if (d->have < LS_HEADER_SIZE || d->have - LS_HEADER_SIZE < d->length)
		return LS_MORE;
	rc = check_message(d, m);
	if (rc != LS_MESSAGE)
		return rc;
	d->have = 0;
	d->next_seq++;
	d->messages++;
	return LS_MESSAGE;
}

/* --- names --------------------------------------------------------------------------- */

const char *ls_type_name(unsigned type)
{
	static const char *const names[LS_TYPE_MAX + 1] = {
		[LS_HELLO] = "HELLO", [LS_WELCOME] = "WELCOME", [LS_DATA] = "DATA",
		[LS_ACK] = "ACK",     [LS_END] = "END",         [LS_BYE] = "BYE",
		[LS_ERROR] = "ERROR", [LS_HEARTBEAT] = "HEARTBEAT", [LS_RESYNC] = "RESYNC",
		[LS_HOLDS] = "HOLDS",
	};

	return type <= LS_TYPE_MAX ? names[type] : NULL;
}

bool ls_decoder_saw_tls(const struct ls_decoder *d)
{
	u8 type = d->head[0];

	return d->error == LS_E_MAGIC && d->msg_start == 0 && type >= TLS_TYPE_FIRST &&
	       type <= TLS_TYPE_LAST && d->head[1] == TLS_MAJOR_VERSION;
}

const char *ls_error_name(enum ls_error e)
{
	static const char *const names[] = {
		[LS_OK] = "ok",           [LS_E_MAGIC] = "magic",     [LS_E_VERSION] = "version",
		[LS_E_LENGTH] = "length", [LS_E_TOO_BIG] = "too big", [LS_E_CHECKSUM] = "checksum",
		[LS_E_TYPE] = "type",     [LS_E_DIRECTION] = "direction", [LS_E_FLAGS] = "flags",
		[LS_E_SIZE] = "size",     [LS_E_SEQUENCE] = "sequence", [LS_E_FIELD] = "field",
	};

	return (unsigned)e < sizeof(names) / sizeof(names[0]) ? names[e] : "unknown";
}
