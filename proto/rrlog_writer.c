/*
 * Writing a log or trace: entries into frames (docs/log-format.md,
 * "Frames", "Entries"), each entry encoded from its type's table
 * (proto/rrlog_types.c). The writer refuses exactly what the reader would,
 * so whatever one writes the other reads back.
 */
#include "proto/rrlog.h"

#include <string.h>

#include "endian.h"
#include "errno.h"
#include "hash.h"

void rrlog_writer_init(struct rrlog_writer *w, u8 *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
}

/* Payload bytes a frame in this writer's buffer can hold. */
static size_t payload_cap(const struct rrlog_writer *w)
{
	size_t room;

	if (w->cap <= RRLOG_FRAME_HEADER_SIZE)
		return 0;
	room = w->cap - RRLOG_FRAME_HEADER_SIZE;
	return room < RRLOG_FRAME_MAX_PAYLOAD ? room : RRLOG_FRAME_MAX_PAYLOAD;
}

/* Kind, landmark, rip[, regs][, branches] and the body length. */
static int encode_prefix(struct wire_sink *s, const struct rrlog_entry *e,
			 struct rrlog_delta_state *d, size_t body_len)
{
	u8 kind = (u8)e->type;
	int err;

	if (e->async)
		kind |= RRLOG_KIND_ASYNC;
	if (e->has_branches)
		kind |= RRLOG_KIND_BRANCH;
	wire_put_le(s, kind, 1);
	err = wire_encode(s, &rrlog_prefix, e, d);
	wire_put_varint(s, body_len);
	return err;
}

/*
 * Sizes e exactly (the same encoder, counting, which also validates; the
 * prefix and the body move different running values), then writes it if
 * it fits. Returns -E2BIG for an entry that would not fit
 * even an empty frame of this buffer, so that finishing the frame and
 * retrying cannot loop.
 */
int rrlog_append(struct rrlog_writer *w, const struct rrlog_entry *e)
{
	const struct rrlog_type_desc *t = rrlog_type(e->type);
	struct wire_sink body = { NULL, 0 }, prefix = { NULL, 0 }, out;
	struct rrlog_delta_state d = w->d;
	size_t size, cap = payload_cap(w);

	if (!t || wire_encode(&body, &t->body, e, &d))
		return -EINVAL;
	d = w->d;
	if (encode_prefix(&prefix, e, &d, body.n))
		return -EINVAL;
	size = prefix.n + body.n;
	if (size > cap)
		return -E2BIG;
	if (size > cap - w->len)
		return -ENOSPC;

	out.p = w->buf + RRLOG_FRAME_HEADER_SIZE + w->len;
	out.n = 0;
	d = w->d;
	encode_prefix(&out, e, &d, body.n);
	wire_encode(&out, &t->body, e, &d);
	w->len += out.n;
	w->entries++;
	w->d = d;
	return 0;
}

size_t rrlog_finish_frame(struct rrlog_writer *w)
{
	u8 *h = w->buf;
	size_t total = RRLOG_FRAME_HEADER_SIZE + w->len;

	if (!w->entries)
		return 0;
	memcpy(h, RRLOG_FRAME_MAGIC, RRLOG_FRAME_MAGIC_SIZE);
	le_put(h + RRLOG_FRAME_LENGTH, w->len, 4);
	le_put(h + RRLOG_FRAME_SEQ, w->seq, 8);
	le_put(h + RRLOG_FRAME_COUNT, w->entries, 4);
	le_put(h + RRLOG_FRAME_CHECKSUM, hash32(h + RRLOG_FRAME_HEADER_SIZE, w->len, 0), 4);
	w->seq++;
	w->len = 0;
	w->entries = 0;
	return total;
}
