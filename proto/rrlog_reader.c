/*
 * Reading a log or trace: frames checked whole, then entries decoded from
 * their type's table (proto/rrlog_types.c). Logs are outside input: every
 * read is bounds-checked and a refusal names what is wrong.
 */
#include "proto/rrlog.h"

#include <string.h>

#include "endian.h"
#include "errno.h"
#include "hash.h"

void rrlog_reader_init(struct rrlog_reader *r, bool trace)
{
	memset(r, 0, sizeof(*r));
	r->trace = trace;
}

/*
 * Validates the frame header before the payload is needed, so a frame cut
 * short reports -ENODATA only when its header is sound.
 */
long rrlog_open_frame(struct rrlog_reader *r, const u8 *data, size_t len)
{
	u64 length, seq, count;

	if (len >= RRLOG_FRAME_MAGIC_SIZE && memcmp(data, RRLOG_FRAME_MAGIC, RRLOG_FRAME_MAGIC_SIZE)) {
		r->error = "bad frame magic";
		return -EBADMSG;
	}
	if (len < RRLOG_FRAME_HEADER_SIZE) {
		r->error = wire_msg("frame truncated: header needs 24 bytes, ", len, " left");
		return -ENODATA;
	}
	length = le_get(data + RRLOG_FRAME_LENGTH, 4);
	if (length == 0 || length > RRLOG_FRAME_MAX_PAYLOAD) {
		r->error = wire_msg("frame payload length ", length, " (must be 1 to 65536)");
		return -EBADMSG;
	}
	seq = le_get(data + RRLOG_FRAME_SEQ, 8);
	if (seq != r->next_seq) {
		wire_msg("frame sequence number ", seq, ", expected ");
		r->error = wire_msg_num(r->next_seq);
		return -EBADMSG;
	}
	count = le_get(data + RRLOG_FRAME_COUNT, 4);
	if (count == 0) {
		r->error = "frame holds 0 entries";
		return -EBADMSG;
	}
	if (len - RRLOG_FRAME_HEADER_SIZE < length) {
		wire_msg("frame truncated: payload of ", length, " bytes, ");
		wire_msg_num(len - RRLOG_FRAME_HEADER_SIZE);
		r->error = wire_msg_str(" left");
		return -ENODATA;
	}
	if (le_get(data + RRLOG_FRAME_CHECKSUM, 4) !=
	    hash32(data + RRLOG_FRAME_HEADER_SIZE, length, 0)) {
		r->error = "frame checksum mismatch";
		return -EBADMSG;
	}
	r->payload = data + RRLOG_FRAME_HEADER_SIZE;
	r->payload_len = length;
	r->pos = 0;
	r->entries_left = (u32)count;
	r->next_seq++;
	return (long)(RRLOG_FRAME_HEADER_SIZE + length);
}

/* Kind, landmark, rip[, regs][, branches] and the body length, from c,
 * which holds at least the kind byte. */
static int decode_prefix(struct wire_src *c, struct rrlog_entry *e, struct rrlog_delta_state *d,
			 bool trace, u64 *body_len)
{
	u8 kind = *c->p++;
	int err;

	if (!rrlog_type_known(kind & RRLOG_KIND_TYPE_MASK, trace))
		return wire_refuse(c, wire_msg("unknown entry type ", kind & RRLOG_KIND_TYPE_MASK,
					       NULL));
	e->type = kind & RRLOG_KIND_TYPE_MASK;
	e->async = kind & RRLOG_KIND_ASYNC;
	e->has_branches = kind & RRLOG_KIND_BRANCH;
	err = wire_decode(c, &rrlog_prefix, e, d);
	return err ? err : wire_get_varint(c, body_len);
}

/* Checks that the frame's stated entry count ends exactly at its end. */
static int check_count(struct rrlog_reader *r)
{
	if (!r->entries_left) {
		if (r->pos == r->payload_len)
			return 0;
		r->error = wire_msg("frame payload has ", r->payload_len - r->pos,
				    " bytes after its stated entries");
		return -EBADMSG;
	}
	if (r->pos >= r->payload_len) {
		r->error = wire_msg("frame payload ends before its stated entry count (",
				    r->entries_left, " missing)");
		return -EBADMSG;
	}
	return 1;
}

/* Reader state moves only when an entry decodes whole; body bytes past its
 * type's fields are skipped. */
int rrlog_next(struct rrlog_reader *r, struct rrlog_entry *e)
{
	struct wire_src c = { r->payload + r->pos, r->payload + r->payload_len, NULL,
			      "varint runs past the frame", NULL };
	struct wire_src body = { NULL, NULL, NULL, NULL, NULL };
	struct rrlog_delta_state d = r->d;
	u64 body_len;
	int err = check_count(r);

	if (err <= 0)
		return err;
	memset(e, 0, sizeof(*e));
	err = decode_prefix(&c, e, &d, r->trace, &body_len);
	if (!err && body_len > (u64)(c.end - c.p))
		err = wire_refuse(&c, wire_msg("entry body of ", body_len,
					       " bytes runs past the frame"));
	if (err) {
		r->error = c.error;
		return err;
	}
	body.p = c.p;
	body.end = c.p + body_len;
	body.ctx = rrlog_type_name(e->type);
	err = wire_decode(&body, &rrlog_type(e->type)->body, e, &d);
	if (err) {
		r->error = body.error;
		return err;
	}
	r->d = d;
	r->pos = (size_t)(body.end - r->payload);
	r->entries_left--;
	return 1;
}
