/*
 * The migration stream's encoder (proto/migrate_proto.h): each call builds
 * one whole frame in the caller's buffer, payload first (from the record
 * tables), then the header with its checksum. The encoder refuses (-EINVAL)
 * what the decoder would, so the two keep the same order rules.
 */
#include "proto/migrate_proto.h"

#include <string.h>

#include "endian.h"
#include "errno.h"

void mig_encoder_init(struct mig_encoder *e)
{
	memset(e, 0, sizeof(*e));
}

/* The header before a payload of len bytes at out + MIG_FRAME_HDR, with
 * its checksum; the frame joins the chain DONE closes. Its length. */
static int seal(struct mig_encoder *e, u8 *out, u8 type, size_t len)
{
	u64 sum;

	out[0] = type;
	out[1] = 0;
	le_put(out + 2, 0, 2);
	le_put(out + 4, len, 4);
	sum = mig_checksum(out, out + MIG_FRAME_HDR, len, e->seq);
	le_put(out + 8, sum, 8);
	if (!e->done_sent && type != MIG_DONE)
		e->chain = mig_chain_next(e->chain, sum);
	e->seq++;
	return (int)(MIG_FRAME_HDR + len);
}

/* Whether the receiver would take a frame of this type now. */
static bool in_order(const struct mig_encoder *e, u8 type)
{
	bool source = e->hello_sent, destination = e->accept_sent || e->refuse_sent;
	bool pages_open = e->pages_buf && e->pages_count;

	switch (type) {
	case MIG_HELLO:
		return !source && !destination;
	case MIG_PAGES:
	case MIG_ROUND:
		return source && !e->state_sent;
	case MIG_STATE:
		return source && !e->state_sent && !pages_open;
	case MIG_DONE:
		return e->state_sent && !e->done_sent && !pages_open;
	case MIG_GO:
		return e->done_sent && !e->go_sent;
	case MIG_ACCEPT:
		return !source && !destination;
	case MIG_READY:
	case MIG_HOLDS:
		return e->accept_sent && !e->ready_sent && !e->refuse_sent;
	case MIG_REFUSE:
		return !source && !e->refuse_sent;
	}
	return false;
}

/* rec from table t into out (cap bytes): its length, -EINVAL for a value
 * the decoder would refuse, -ENOSPC when it does not fit. */
static int put_record(const struct wire_table *t, const void *rec, u8 *out, size_t cap)
{
	struct wire_sink count = { NULL, 0 }, s = { out, 0 };

	if (wire_encode(&count, t, rec, NULL))
		return -EINVAL;
	if (count.n > cap)
		return -ENOSPC;
	wire_encode(&s, t, rec, NULL);
	return (int)s.n;
}

/* A frame whose payload is one record (ROUND, DONE). */
static int encode_record_frame(struct mig_encoder *e, u8 type, const struct wire_table *t,
			       const void *rec, u8 *out, size_t cap)
{
	int n;

	if (cap < MIG_FRAME_HDR)
		return -ENOSPC;
	n = put_record(t, rec, out + MIG_FRAME_HDR, cap - MIG_FRAME_HDR);
	return n < 0 ? n : seal(e, out, type, (size_t)n);
}

/* HELLO always says MIG_VERSION, whatever h->version holds; its fixed
 * part, then the guest's CPU table. */
int mig_encode_hello(struct mig_encoder *e, const struct mig_hello *h, u8 *out, size_t cap)
{
	struct mig_hello v = *h;
	size_t cpu_len;
	int n;

	if (!in_order(e, MIG_HELLO) || h->id.ram_size % PAGE_CODEC_PAGE)
		return -EINVAL;
	if (cap < MIG_FRAME_HDR + MIG_HELLO_SIZE)
		return -ENOSPC;
	v.version = MIG_VERSION;
	n = put_record(&mig_hello_head_table, &v, out + MIG_FRAME_HDR, MIG_HELLO_HEAD);
	if (n == MIG_HELLO_HEAD)
		n = put_record(&mig_hello_table, &v, out + MIG_FRAME_HDR + MIG_HELLO_HEAD,
			       MIG_HELLO_SIZE - MIG_HELLO_HEAD);
	if (n != MIG_HELLO_SIZE - MIG_HELLO_HEAD)
		return -EINVAL;
	cpu_len = snap_cpuid_encode(&h->cpu, out + MIG_FRAME_HDR + MIG_HELLO_SIZE,
				    cap - MIG_FRAME_HDR - MIG_HELLO_SIZE);
	if (!cpu_len)
		return cap - MIG_FRAME_HDR - MIG_HELLO_SIZE < SNAP_CPUID_SIZE(h->cpu.count) ? -ENOSPC
											   : -EINVAL;
	e->hello_sent = true;
	e->ram_pages = h->id.ram_size / PAGE_CODEC_PAGE;
	return seal(e, out, MIG_HELLO, MIG_HELLO_SIZE + cpu_len);
}

int mig_encode_round(struct mig_encoder *e, const struct mig_round *r, u8 *out, size_t cap)
{
	int n;

	if (!in_order(e, MIG_ROUND) || r->round < e->round)
		return -EINVAL;
	n = encode_record_frame(e, MIG_ROUND, &mig_round_table, r, out, cap);
	if (n > 0)
		e->round = r->round;
	return n;
}

int mig_encode_state(struct mig_encoder *e, const u8 *snap, size_t len, u8 *out, size_t cap)
{
	if (!in_order(e, MIG_STATE) || !len || len > MIG_PAYLOAD_MAX)
		return -EINVAL;
	if (cap < MIG_FRAME_HDR || cap - MIG_FRAME_HDR < len)
		return -ENOSPC;
	memmove(out + MIG_FRAME_HDR, snap, len); /* snap may already sit there */
	e->state_sent = true;
	return seal(e, out, MIG_STATE, len);
}

int mig_encode_done(struct mig_encoder *e, u8 *out, size_t cap)
{
	struct mig_done d = { .frames = e->seq, .pages = e->pages, .chain = e->chain };
	int n;

	if (!in_order(e, MIG_DONE))
		return -EINVAL;
	n = encode_record_frame(e, MIG_DONE, &mig_done_table, &d, out, cap);
	if (n > 0)
		e->done_sent = true;
	return n;
}

int mig_encode_empty(struct mig_encoder *e, u8 type, u8 *out, size_t cap)
{
	if ((type != MIG_ACCEPT && type != MIG_READY && type != MIG_GO) || !in_order(e, type))
		return -EINVAL;
	if (cap < MIG_FRAME_HDR)
		return -ENOSPC;
	e->accept_sent |= type == MIG_ACCEPT;
	e->ready_sent |= type == MIG_READY;
	e->go_sent |= type == MIG_GO;
	return seal(e, out, type, 0);
}

int mig_encode_refuse(struct mig_encoder *e, const char *reason, u8 *out, size_t cap)
{
	size_t len = strnlen(reason, MIG_REASON_MAX);

	if (!in_order(e, MIG_REFUSE))
		return -EINVAL;
	if (cap < MIG_FRAME_HDR + len)
		return -ENOSPC;
	memcpy(out + MIG_FRAME_HDR, reason, len);
	e->refuse_sent = true;
	return seal(e, out, MIG_REFUSE, len);
}

/* --- PAGES and HOLDS, page by page ------------------------------------------------------- */

/* Opens a frame of page records (PAGES or HOLDS) in buf. */
static int list_begin(struct mig_encoder *e, u8 type, u32 round, u8 *buf, size_t cap, size_t rec_max)
{
	if (!in_order(e, type) || round < e->round || (e->pages_buf && e->pages_count))
		return -EINVAL;
	if (cap < MIG_FRAME_HDR + MIG_PAGES_PREFIX + rec_max)
		return -ENOSPC;
	e->list_type = type;
	e->pages_buf = buf;
	e->pages_cap = cap < MIG_FRAME_HDR + MIG_PAYLOAD_MAX ? cap : MIG_FRAME_HDR + MIG_PAYLOAD_MAX;
	e->pages_len = MIG_FRAME_HDR + MIG_PAGES_PREFIX;
	e->pages_count = 0;
	e->pages_last = 0;
	e->pages_round = round;
	return 0;
}

int mig_pages_begin(struct mig_encoder *e, u32 round, u8 *buf, size_t cap)
{
	return list_begin(e, MIG_PAGES, round, buf, cap, MIG_PAGE_RECORD_MAX);
}

/* The varint before a page: its increase over the frame's previous page
 * (the first page: over 0). */
static u64 page_step(const struct mig_encoder *e, u64 pfn)
{
	return e->pages_count ? pfn - (e->pages_last - 1) : pfn;
}

/* A record of the open frame: the page's varint, then len bytes of what
 * follows it; -ENOSPC when the frame is full. */
static int list_add(struct mig_encoder *e, u64 pfn, const u8 *rec, size_t len)
{
	struct wire_sink s = { NULL, 0 };

	wire_put_varint(&s, page_step(e, pfn));
	if (e->pages_cap - e->pages_len < s.n + len)
		return -ENOSPC;
	s = (struct wire_sink){ e->pages_buf + e->pages_len, 0 };
	wire_put_varint(&s, page_step(e, pfn));
	wire_put_bytes(&s, rec, len);
	e->pages_len += s.n;
	e->pages_count++;
	e->pages_last = pfn + 1;
	return 0;
}

int mig_pages_add(struct mig_encoder *e, u64 pfn, const u8 *enc, size_t enc_len)
{
	if (!e->pages_buf || e->list_type != MIG_PAGES || pfn >= e->ram_pages ||
	    (e->pages_count && pfn < e->pages_last) || !enc_len || enc_len > PAGE_CODEC_MAX ||
	    enc[0] >= PAGE_ENC_COUNT)
		return -EINVAL;
	return list_add(e, pfn, enc, enc_len);
}

/* Seals the open frame of type: its length, 0 when it holds no page. */
static int list_finish(struct mig_encoder *e, u8 type)
{
	struct mig_pages p = { .round = e->pages_round, .count = e->pages_count };
	u8 *buf = e->pages_buf;

	if (!buf || e->list_type != type)
		return -EINVAL;
	e->pages_buf = NULL;
	if (!p.count)
		return 0;
	put_record(&mig_pages_table, &p, buf + MIG_FRAME_HDR, MIG_PAGES_PREFIX);
	e->round = p.round;
	e->pages_count = 0;
	return seal(e, buf, type, e->pages_len - MIG_FRAME_HDR);
}

int mig_pages_finish(struct mig_encoder *e)
{
	u32 count = e->pages_count;
	int n = list_finish(e, MIG_PAGES);

	if (n > 0)
		e->pages += count;
	return n;
}

/* HOLDS: a new round's report may start at page 0; within a round, pages
 * go on increasing from frame to frame. */
int mig_holds_begin(struct mig_encoder *e, u32 round, u64 ram_pages, u8 *buf, size_t cap)
{
	bool new_round = !e->holds_next || round != e->round;
	int err = list_begin(e, MIG_HOLDS, round, buf, cap, MIG_HOLD_RECORD_MAX);

	if (err)
		return err;
	e->ram_pages = ram_pages;
	if (new_round)
		e->holds_next = 0;
	e->round = round;
	return 0;
}

int mig_holds_add(struct mig_encoder *e, u64 pfn, u64 hash)
{
	u8 le[8];
	int err;

	if (!e->pages_buf || e->list_type != MIG_HOLDS || pfn >= e->ram_pages || pfn < e->holds_next)
		return -EINVAL;
	le_put(le, hash, 8);
	err = list_add(e, pfn, le, sizeof(le));
	if (!err)
		e->holds_next = pfn + 1;
	return err;
}

int mig_holds_finish(struct mig_encoder *e)
{
	return list_finish(e, MIG_HOLDS);
}
