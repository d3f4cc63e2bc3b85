/*
 * The witness protocol's frames (proto/witness.h): the encoder, and the
 * receiver that gathers frames from bytes split anyhow, judges each
 * header as soon as it is in (so a hostile length is refused before any
 * payload is waited for), then the checksum, the sequence number and the
 * fields, decoded by the type's table.
 */
#include "proto/witness.h"

#include <string.h>

#include "endian.h"
#include "errno.h"

/* Why m, its fields within their limits, is still not a frame of its
 * type, or NULL. Both directions refuse it. */
static const char *msg_refusal(const struct wit_msg *m)
{
	if (m->type == WIT_REFUSED && m->reason == WIT_R_NONE)
		return "REFUSED reason 0 (none)";
	return NULL;
}

/* --- encoding ------------------------------------------------------------------ */

int wit_encode(const struct wit_msg *m, u8 *out, size_t cap)
{
	const struct wit_type_info *t = wit_type(m->type);
	struct wire_sink s;

	if (!t || !m->seq || msg_refusal(m))
		return -EINVAL;
	if (cap < WIT_HDR + (size_t)t->size)
		return -ENOSPC;
	s = (struct wire_sink){ out + WIT_HDR, 0 };
	if (wire_encode(&s, t->fields, m, NULL) || s.n != t->size)
		return -EINVAL;
	le_put(out + WIT_OFF_MAGIC, WIT_MAGIC, 4);
	out[WIT_OFF_VERSION] = WIT_VERSION;
	out[WIT_OFF_TYPE] = m->type;
	le_put(out + WIT_OFF_LENGTH, t->size, 2);
	le_put(out + WIT_OFF_SEQ, m->seq, 8);
	le_put(out + WIT_OFF_CHECKSUM, wit_checksum(out, out + WIT_HDR, t->size), 4);
	return WIT_HDR + t->size;
}

/* --- receiving: refusals ----------------------------------------------------------- */

/* Stops the receiver for good. why becomes rx->why, cut to a REFUSED
 * text's length and characters, so that it can be sent back as it is. */
static enum wit_rx_status refuse(struct wit_rx *rx, u8 reason, const char *why)
{
	size_t n = 0;

	for (; why[n] && n < WIT_TEXT_MAX; n++)
		rx->why[n] = why[n] >= ' ' && why[n] <= '~' && why[n] != '"' && why[n] != '\\'
				     ? why[n] : '?';
	rx->why[n] = '\0';
	rx->reason = reason;
	return WIT_RX_REFUSED;
}

void wit_rx_init(struct wit_rx *rx, enum wit_dir dir)
{
	memset(rx, 0, sizeof(*rx));
	rx->dir = (u8)dir;
}

size_t wit_rx_expected(const struct wit_rx *rx)
{
	return rx->have < WIT_HDR ? WIT_HDR : WIT_HDR + (size_t)le_get(rx->buf + WIT_OFF_LENGTH, 2);
}

/* --- receiving: the header, the frame ------------------------------------------------ */

/* Judged as soon as it is in: magic, version, type, length. */
static enum wit_rx_status check_header(struct wit_rx *rx)
{
	const u8 *h = rx->buf;
	const struct wit_type_info *t = wit_type(h[WIT_OFF_TYPE]);
	u64 len = le_get(h + WIT_OFF_LENGTH, 2);

	if (le_get(h + WIT_OFF_MAGIC, 4) != WIT_MAGIC)
		return refuse(rx, WIT_R_FORMAT, "not a witness frame (bad magic)");
	if (h[WIT_OFF_VERSION] != WIT_VERSION)
		return refuse(rx, WIT_R_FORMAT, wire_msg("version ", h[WIT_OFF_VERSION], " (not 1)"));
	if (!t || t->dir != rx->dir) {
		wire_msg("type ", h[WIT_OFF_TYPE], NULL);
		return refuse(rx, WIT_R_FORMAT, wire_msg_str(rx->dir == WIT_TO_WITNESS
								     ? " is not a request"
								     : " is not a reply"));
	}
	if (len != t->size) {
		wire_msg_start(t->name);
		wire_msg_str(" payload length ");
		wire_msg_num(len);
		wire_msg_str(" (not ");
		wire_msg_num(t->size);
		return refuse(rx, WIT_R_LENGTH, wire_msg_str(")"));
	}
	return WIT_RX_MORE;
}

/* A whole frame: checksum, sequence number, then its fields into m. */
static enum wit_rx_status take_frame(struct wit_rx *rx, struct wit_msg *m)
{
	const u8 *h = rx->buf, *p = rx->buf + WIT_HDR;
	const struct wit_type_info *t = wit_type(h[WIT_OFF_TYPE]);
	u64 seq = le_get(h + WIT_OFF_SEQ, 8);
	struct wire_src c = { p, p + t->size, t->name, NULL, NULL };

	if (le_get(h + WIT_OFF_CHECKSUM, 4) != wit_checksum(h, p, t->size))
		return refuse(rx, WIT_R_CHECKSUM, "checksum mismatch (the frame is corrupt)");
	if (seq <= rx->last_seq) {
		wire_msg("sequence number ", seq, " is not above the last (");
		wire_msg_num(rx->last_seq);
		return refuse(rx, WIT_R_REPLAY, wire_msg_str("): a replayed or reordered frame"));
	}
	memset(m, 0, sizeof(*m));
	m->type = t->type;
	m->seq = seq;
	if (wire_decode(&c, t->fields, m, NULL))
		return refuse(rx, WIT_R_FORMAT, c.error);
	if (msg_refusal(m))
		return refuse(rx, WIT_R_FORMAT, msg_refusal(m));
	rx->last_seq = seq;
	rx->frames++;
	return WIT_RX_FRAME;
}

/* --- receiving: bytes in --------------------------------------------------------------- */

/* Copies up to want - rx->have bytes of data into the frame: the bytes taken. */
static size_t gather(struct wit_rx *rx, const u8 *data, size_t len, size_t want)
{
	size_t n = want - rx->have < len ? want - rx->have : len;

	memcpy(rx->buf + rx->have, data, n);
	rx->have += n;
	return n;
}

enum wit_rx_status wit_rx_push(struct wit_rx *rx, const u8 *data, size_t len, size_t *used,
			       struct wit_msg *m)
{
	enum wit_rx_status st;

	*used = 0;
	if (rx->reason)
		return WIT_RX_REFUSED;
	if (rx->have < WIT_HDR) {
		*used = gather(rx, data, len, WIT_HDR);
		if (rx->have < WIT_HDR)
			return WIT_RX_MORE;
		st = check_header(rx);
		if (st != WIT_RX_MORE)
			return st;
	}
	*used += gather(rx, data + *used, len - *used, wit_rx_expected(rx));
	if (rx->have < wit_rx_expected(rx))
		return WIT_RX_MORE;
	rx->have = 0;
	return take_frame(rx, m);
}
