/*
 * The console stream protocol's frames (proto/console_stream.h): each
 * type's payload as a wire-field table (proto/wire.h), the encoder, and
 * the receiver that gathers frames from bytes split anyhow, judging each
 * header as soon as it is in (a hostile length is refused before any
 * payload is waited for), then the checksum, the sequence number and the
 * fields.
 */
#include "proto/console_stream.h"

#include <stddef.h>
#include <string.h>

#include "endian.h"
#include "errno.h"
#include "hash.h"

#define MSG(m) WIRE_AT(struct cs_msg, m)
#define U64(n, m) { .name = n, .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_DEC, MSG(m) }

static const struct wire_field hello[] = {
	{ .name = "guest", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX, MSG(guest) },
	{ .name = "role", .kind = WIRE_LE, .bytes = 1, .max = CS_ROLE_MAX, .fmt = WIRE_DEC,
	  MSG(role) },
	U64("epoch", epoch), U64("oldest", oldest), U64("produced", produced),
};
static const struct wire_field offset_only[] = { U64("offset", offset) }; /* DATA, WELCOME, ACK */
static const struct wire_field refused[] = {
	{ .name = "reason", .kind = WIRE_LE, .bytes = 1, .max = CS_R_MAX, .fmt = WIRE_DEC,
	  MSG(reason) },
	{ .name = "text", .kind = WIRE_STR, .bytes = CS_TEXT_MAX, .fmt = WIRE_TEXT, MSG(text) },
};

static const struct wire_table hello_table = WIRE_TABLE(hello);
static const struct wire_table offset_table = WIRE_TABLE(offset_only);
static const struct wire_table refused_table = WIRE_TABLE(refused);

static const struct cs_type_info types[] = {
	{ CS_HELLO, CS_TO_LISTENER, "HELLO", &hello_table, 8 + 1 + 8 + 8 + 8, false },
	{ CS_DATA, CS_TO_LISTENER, "DATA", &offset_table, CS_DATA_FIXED, true },
	{ CS_WELCOME, CS_TO_SENDER, "WELCOME", &offset_table, 8, false },
	{ CS_ACK, CS_TO_SENDER, "ACK", &offset_table, 8, false },
	{ CS_REFUSED, CS_TO_SENDER, "REFUSED", &refused_table, 1 + CS_TEXT_MAX, false },
};
_Static_assert(CS_CHECKED_HDR == CS_OFF_CHECKSUM && CS_HDR == CS_OFF_CHECKSUM + 4,
	       "the header: the checksum last");

const struct cs_type_info *cs_type(u8 type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return &types[i];
	return NULL;
}

const char *cs_type_name(u8 type)
{
	const struct cs_type_info *t = cs_type(type);

	return t ? t->name : wire_msg("type ", type, NULL);
}

const char *cs_reason_name(u8 reason)
{
	static const char *const names[] = {
		[CS_R_NONE] = "none",         [CS_R_OTHER_GUEST] = "other_guest",
		[CS_R_ORDER] = "order",       [CS_R_BUSY] = "busy",
		[CS_R_FORMAT] = "format",     [CS_R_LENGTH] = "length",
		[CS_R_CHECKSUM] = "checksum", [CS_R_REPLAY] = "replay",
	};

	return reason <= CS_R_MAX ? names[reason] : "unknown";
}

const char *cs_role_name(u8 role)
{
	static const char *const names[] = { "alone", "primary", "backup" };

	return role <= CS_ROLE_MAX ? names[role] : "unknown";
}

/* XXH32 of the checked header bytes and the payload. */
static u32 checksum(const u8 *hdr, const u8 *payload, size_t len)
{
	struct hash32_state s;

	hash32_begin(&s, 0);
	hash32_add(&s, hdr, CS_CHECKED_HDR);
	if (len)
		hash32_add(&s, payload, len);
	return hash32_end(&s);
}

/* A REFUSED text: 1 to CS_TEXT_MAX printable characters. */
static bool text_ok(const char *s)
{
	size_t n = strnlen(s, CS_TEXT_MAX + 1);

	if (!n || n > CS_TEXT_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < ' ' || s[i] > '~')
			return false;
	return true;
}

/* Why m, its fields within their limits, is still not a frame of its
 * type, or NULL. Both directions refuse it. */
static const char *msg_refusal(const struct cs_msg *m)
{
	if (m->type == CS_REFUSED && m->reason == CS_R_NONE)
		return "REFUSED reason 0 (none)";
	if (m->type == CS_REFUSED && !text_ok(m->text))
		return "REFUSED text is empty or not printable";
	if (m->type == CS_HELLO && m->oldest > m->produced)
		return "HELLO oldest is past produced";
	if (m->type == CS_DATA && m->offset + m->len < m->offset)
		return "DATA runs past the largest offset";
	return NULL;
}

/* --- encoding ------------------------------------------------------------------ */

int cs_encode(const struct cs_msg *m, u8 *out, size_t cap)
{
	const struct cs_type_info *t = cs_type(m->type);
	struct wire_sink s;
	size_t len;

	if (!t || !m->seq || msg_refusal(m) || (t->bytes_follow && (!m->len || m->len > CS_DATA_MAX)))
		return -EINVAL;
	len = t->size + (t->bytes_follow ? m->len : 0);
	if (cap < CS_HDR + len)
		return -ENOSPC;
	s = (struct wire_sink){ out + CS_HDR, 0 };
	if (wire_encode(&s, t->fields, m, NULL) || s.n != t->size)
		return -EINVAL;
	if (t->bytes_follow)
		memmove(out + CS_HDR + t->size, m->data, m->len);
	le_put(out + CS_OFF_MAGIC, CS_MAGIC, 4);
	out[CS_OFF_VERSION] = CS_VERSION;
	out[CS_OFF_TYPE] = m->type;
	le_put(out + CS_OFF_LENGTH, len, 2);
	le_put(out + CS_OFF_SEQ, m->seq, 8);
	le_put(out + CS_OFF_CHECKSUM, checksum(out, out + CS_HDR, len), 4);
	return (int)(CS_HDR + len);
}

/* --- receiving ------------------------------------------------------------------ */

/* Stops the receiver for good; why, made printable and cut to a REFUSED
 * text, becomes rx->why, so that it can be sent back as it is. */
static enum cs_rx_status refuse(struct cs_rx *rx, u8 reason, const char *why)
{
	size_t n = 0;

	for (; why[n] && n < CS_TEXT_MAX; n++)
		rx->why[n] = why[n] >= ' ' && why[n] <= '~' ? why[n] : '?';
	rx->why[n] = '\0';
	rx->reason = reason;
	return CS_RX_REFUSED;
}

void cs_rx_init(struct cs_rx *rx, enum cs_dir dir)
{
	memset(rx, 0, sizeof(*rx));
	rx->dir = (u8)dir;
}

/* The size of the frame being gathered, once its header is in. */
static size_t expected(const struct cs_rx *rx)
{
	return rx->have < CS_HDR ? CS_HDR : CS_HDR + (size_t)le_get(rx->buf + CS_OFF_LENGTH, 2);
}

/* Magic, version, a type of the receiver's direction, the type's length. */
static enum cs_rx_status check_header(struct cs_rx *rx)
{
	const u8 *h = rx->buf;
	const struct cs_type_info *t = cs_type(h[CS_OFF_TYPE]);
	u64 len = le_get(h + CS_OFF_LENGTH, 2);

	if (le_get(h + CS_OFF_MAGIC, 4) != CS_MAGIC)
		return refuse(rx, CS_R_FORMAT, "not a console stream frame (bad magic)");
	if (h[CS_OFF_VERSION] != CS_VERSION)
		return refuse(rx, CS_R_FORMAT, wire_msg("version ", h[CS_OFF_VERSION], " (not 1)"));
	if (!t || t->dir != rx->dir) {
		wire_msg("type ", h[CS_OFF_TYPE], NULL);
		return refuse(rx, CS_R_FORMAT, wire_msg_str(rx->dir == CS_TO_LISTENER
								    ? " is not a sender's"
								    : " is not a listener's"));
	}
	if (t->bytes_follow ? len <= t->size || len > (u64)t->size + CS_DATA_MAX : len != t->size) {
		wire_msg_start(t->name);
		wire_msg_str(" payload length ");
		wire_msg_num(len);
		return refuse(rx, CS_R_LENGTH, wire_msg_str(" is not its type's"));
	}
	return CS_RX_MORE;
}

/* A REFUSED text's padding: zeros only after its end (one encoding per text). */
static bool padding_zero(const struct cs_msg *m, const u8 *payload)
{
	const u8 *text = payload + 1;

	if (m->type != CS_REFUSED)
		return true;
	for (size_t i = strnlen(m->text, CS_TEXT_MAX); i < CS_TEXT_MAX; i++)
		if (text[i])
			return false;
	return true;
}

/* A whole frame: checksum, sequence number, then its fields into m. */
static enum cs_rx_status take_frame(struct cs_rx *rx, struct cs_msg *m)
{
	const u8 *h = rx->buf, *p = rx->buf + CS_HDR;
	const struct cs_type_info *t = cs_type(h[CS_OFF_TYPE]);
	size_t len = (size_t)le_get(h + CS_OFF_LENGTH, 2);
	u64 seq = le_get(h + CS_OFF_SEQ, 8);
	struct wire_src c = { p, p + t->size, t->name, NULL, NULL };

	if (le_get(h + CS_OFF_CHECKSUM, 4) != checksum(h, p, len))
		return refuse(rx, CS_R_CHECKSUM, "checksum mismatch (the frame is corrupt)");
	if (seq <= rx->last_seq) {
		wire_msg("sequence number ", seq, " is not above the last (");
		wire_msg_num(rx->last_seq);
		return refuse(rx, CS_R_REPLAY, wire_msg_str(")"));
	}
	memset(m, 0, sizeof(*m));
	m->type = t->type;
	m->seq = seq;
	if (wire_decode(&c, t->fields, m, NULL))
		return refuse(rx, CS_R_FORMAT, c.error);
	if (t->bytes_follow) {
		m->data = p + t->size;
		m->len = (u16)(len - t->size);
	}
	if (msg_refusal(m))
		return refuse(rx, CS_R_FORMAT, msg_refusal(m));
	if (!padding_zero(m, p))
		return refuse(rx, CS_R_FORMAT, "REFUSED text has bytes after its end");
	rx->last_seq = seq;
	rx->frames++;
	return CS_RX_FRAME;
}

/* Copies up to want - rx->have bytes of data into the frame: the bytes taken. */
static size_t gather(struct cs_rx *rx, const u8 *data, size_t len, size_t want)
{
	size_t n = want - rx->have < len ? want - rx->have : len;

	memcpy(rx->buf + rx->have, data, n);
	rx->have += n;
	return n;
}

enum cs_rx_status cs_rx_push(struct cs_rx *rx, const u8 *data, size_t len, size_t *used,
			     struct cs_msg *m)
{
	enum cs_rx_status st;

	*used = 0;
	if (rx->reason)
		return CS_RX_REFUSED;
	if (rx->have < CS_HDR) {
		*used = gather(rx, data, len, CS_HDR);
		if (rx->have < CS_HDR)
			return CS_RX_MORE;
		st = check_header(rx);
		if (st != CS_RX_MORE)
			return st;
	}
	*used += gather(rx, data + *used, len - *used, expected(rx));
	if (rx->have < expected(rx))
		return CS_RX_MORE;
	rx->have = 0;
	return take_frame(rx, m);
}
