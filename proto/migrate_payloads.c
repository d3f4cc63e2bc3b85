/*
 * The migration stream's payloads, for the decoder (proto/migrate_decoder.c)
 * once a frame's checksum and order are right: each record read from its
 * table and checked (HELLO's magic and version, rounds never going back,
 * pages increasing and within the guest's RAM, a PAGES frame filled
 * exactly by its records, DONE's totals and chain), then handed out.
 */
#include "proto/migrate_decoder.h"

#include <string.h>

#include "endian.h"
#include "errno.h"

/* A round lower than the last PAGES or ROUND frame's is refused; else it
 * becomes the last. */
static int check_round(struct mig_decoder *d, u32 round)
{
	if (d->round_seen && round < d->round) {
		mig_fail(d, -EBADMSG, "round ");
		mig_msg_num(d, round);
		mig_msg_str(d, " after round ");
		mig_msg_num(d, d->round);
		return -EBADMSG;
	}
	d->round = round;
	d->round_seen = true;
	return 0;
}

/* --- payloads ----------------------------------------------------------------------- */

/* A record from its table that must fill the payload exactly. */
static int read_record(struct mig_decoder *d, const struct wire_table *t, const u8 *p, size_t len,
		       void *rec)
{
	struct wire_src c = { p, p + len, NULL, "payload too short", NULL };

	if (wire_decode(&c, t, rec, NULL))
		return mig_fail(d, -EBADMSG, c.error);
	if (c.p != c.end)
		return mig_fail(d, -EBADMSG, "bytes after the record");
	return 0;
}

static int take_hello(struct mig_decoder *d, const u8 *p, size_t len)
{
	static struct mig_hello h; /* its CPU table is 1 KiB: off the stack */
	const char *why = NULL;
	int err;

	memset(&h, 0, sizeof(h));
	err = read_record(d, &mig_hello_head_table, p, MIG_HELLO_HEAD, &h);
	if (err)
		return err;
	if (h.version != MIG_VERSION) {
		mig_fail(d, -ENOTSUP, "stream version ");
		mig_msg_num(d, h.version);
		mig_msg_str(d, " not supported (this decoder knows ");
		mig_msg_num(d, MIG_VERSION);
		mig_msg_str(d, ")");
		return -ENOTSUP;
	}
	if (len < MIG_HELLO_SIZE)
		return mig_fail(d, -EBADMSG, "shorter than HELLO's fixed part");
	err = read_record(d, &mig_hello_table, p + MIG_HELLO_HEAD, MIG_HELLO_SIZE - MIG_HELLO_HEAD, &h);
	if (err)
		return err;
	if (snap_cpuid_decode(&h.cpu, p + MIG_HELLO_SIZE, len - MIG_HELLO_SIZE, &why)) {
		mig_fail(d, -EBADMSG, "the guest's CPU: ");
		mig_msg_str(d, why);
		return -EBADMSG;
	}
	if (h.id.ram_size % PAGE_CODEC_PAGE)
		return mig_fail(d, -EBADMSG, "ram_size is not a whole number of pages");
	d->hello_seen = true;
	d->ram_pages = h.id.ram_size / PAGE_CODEC_PAGE;
	return d->ops->hello ? d->ops->hello(d->ctx, &h) : 0;
}

/* The page number a record's varint gives: pages strictly increase within
 * a frame and stay below the guest's RAM. */
static int next_page(struct mig_decoder *d, struct wire_src *c, u32 i, u64 prev, u64 *pfn)
{
	u64 step;

	if (wire_get_varint(c, &step))
		return mig_fail(d, -EBADMSG, c->error);
	if (i && !step) {
		mig_fail(d, -EBADMSG, "pages not increasing (page ");
		mig_msg_num(d, prev);
		mig_msg_str(d, " twice)");
		return -EBADMSG;
	}
	*pfn = i ? prev + step : step;
	if (*pfn < prev)
		return mig_fail(d, -EBADMSG, "page number overflows 64 bits");
	if (*pfn >= d->ram_pages) {
		mig_fail(d, -EBADMSG, "page ");
		mig_msg_num(d, *pfn);
		mig_msg_str(d, " beyond the guest's ");
		mig_msg_num(d, d->ram_pages);
		mig_msg_str(d, " pages");
		return -EBADMSG;
	}
	return 0;
}

/* One page record: its number, then its encoding decoded into the
 * receiver's copy of the page (a delta applied in place), or, without a
 * page_buffer callback, into scratch only to check it. */
static int take_page(struct mig_decoder *d, struct wire_src *c, u32 round, u32 i, u64 *pfn)
{
	const char *why;
	u8 *page;
	int n, err = next_page(d, c, i, *pfn, pfn);

	if (err)
		return err;
	page = d->ops->page_buffer ? d->ops->page_buffer(d->ctx, *pfn) : d->work->out;
	if (!page) {
		mig_fail(d, -EBADMSG, "page ");
		mig_msg_num(d, *pfn);
		mig_msg_str(d, " refused by the receiver");
		return -EBADMSG;
	}
	n = page_decode(c->p, (size_t)(c->end - c->p), page, page, d->work, &why);
	if (n < 0) {
		mig_fail(d, -EBADMSG, "page ");
		mig_msg_num(d, *pfn);
		mig_msg_str(d, ": ");
		mig_msg_str(d, why);
		return -EBADMSG;
	}
	c->p += n;
	if (d->ops->page && (err = d->ops->page(d->ctx, *pfn, c->p[-n], (size_t)n)))
		return mig_callback_failed(d, err);
	return 0;
}

/* A record of a PAGES or HOLDS frame: the i-th of the frame, whose
 * previous page number is *pfn (updated). */
typedef int (*take_record_fn)(struct mig_decoder *d, struct wire_src *c, u32 round, u32 i,
			      u64 *pfn);

/* A PAGES or HOLDS frame: its prefix (round, count), a round not going
 * back, at least one record, records that fill the payload exactly. */
static int take_list(struct mig_decoder *d, const u8 *p, size_t len, take_record_fn take,
		     u32 *count)
{
	struct wire_src c = { p + MIG_PAGES_PREFIX, p + len, NULL, "page record truncated", NULL };
	struct mig_pages pg;
	u64 pfn = 0;
	int err;

	memset(&pg, 0, sizeof(pg));
	err = read_record(d, &mig_pages_table, p, MIG_PAGES_PREFIX, &pg);
	if (!err)
		err = check_round(d, pg.round);
	if (!err && !pg.count)
		err = mig_fail(d, -EBADMSG, "no pages in it");
	for (u32 i = 0; i < pg.count && !err; i++)
		err = take(d, &c, pg.round, i, &pfn);
	if (err)
		return err;
	if (c.p != c.end)
		return mig_fail(d, -EBADMSG, "bytes after the last of its pages (count too small)");
	*count = pg.count;
	return 0;
}

static int take_pages(struct mig_decoder *d, const u8 *p, size_t len)
{
	u32 count;
	int err = take_list(d, p, len, take_page, &count);

	if (!err)
		d->pages += count;
	return err;
}

static int take_round(struct mig_decoder *d, const u8 *p, size_t len)
{
	struct mig_round r;
	int err = read_record(d, &mig_round_table, p, len, &r);

	if (!err)
		err = check_round(d, r.round);
	if (err)
		return err;
	return d->ops->round ? d->ops->round(d->ctx, &r) : 0;
}

/* One HOLDS record: a page of a round the source ended, not reported
 * yet in that round (pages increase across the round's frames; a new
 * round starts again from 0), and its hash. */
static int take_held(struct mig_decoder *d, struct wire_src *c, u32 round, u32 i, u64 *pfn)
{
	u8 le[8];
	int err;

	if (round >= d->rounds_ended) {
		mig_fail(d, -EBADMSG, "round ");
		mig_msg_num(d, round);
		mig_msg_str(d, " has not ended (the source ended ");
		mig_msg_num(d, d->rounds_ended);
		mig_msg_str(d, " rounds)");
		return -EBADMSG;
	}
	if (round != d->holds_round)
		d->holds_next = 0;
	d->holds_round = round;
	err = next_page(d, c, i, *pfn, pfn);
	if (err)
		return err;
	if (*pfn < d->holds_next) {
		mig_fail(d, -EBADMSG, "page ");
		mig_msg_num(d, *pfn);
		mig_msg_str(d, " reported again or out of order in round ");
		mig_msg_num(d, round);
		return -EBADMSG;
	}
	if (wire_get_bytes(c, le, sizeof(le)))
		return mig_fail(d, -EBADMSG, c->error);
	d->holds_next = *pfn + 1;
	if (d->ops->held && (err = d->ops->held(d->ctx, round, *pfn, le_get(le, 8))))
		return mig_callback_failed(d, err);
	return 0;
}

/* HOLDS: the destination's hashes of the pages a round sent it. */
static int take_holds(struct mig_decoder *d, const u8 *p, size_t len)
{
	u32 count;

	return take_list(d, p, len, take_held, &count);
}

/* DONE: the frames, pages and chain that came must be what it says. */
static int take_done(struct mig_decoder *d, const u8 *p, size_t len)
{
	struct mig_done dn;
	int err = read_record(d, &mig_done_table, p, len, &dn);

	if (err)
		return err;
	if (dn.frames != d->seq || dn.pages != d->pages) {
		mig_fail(d, -EBADMSG, "says ");
		mig_msg_num(d, dn.frames);
		mig_msg_str(d, " frames and ");
		mig_msg_num(d, dn.pages);
		mig_msg_str(d, " pages, but ");
		mig_msg_num(d, d->seq);
		mig_msg_str(d, " frames and ");
		mig_msg_num(d, d->pages);
		mig_msg_str(d, " pages came");
		return -EBADMSG;
	}
	if (dn.chain != d->chain)
		return mig_fail(d, -EBADMSG, "chain differs from the frames that came");
	d->done_seen = true;
	return d->ops->done ? d->ops->done(d->ctx, &dn) : 0;
}

/* ACCEPT, READY, GO and REFUSE (its reason as a C string). */
static int take_reply(struct mig_decoder *d, u8 type, const u8 *p, size_t len)
{
	char reason[MIG_REASON_MAX + 1];

	d->accept_seen |= type == MIG_ACCEPT;
	d->ready_seen |= type == MIG_READY;
	d->refuse_seen |= type == MIG_REFUSE;
	d->go_seen |= type == MIG_GO;
	if (!d->ops->reply)
		return 0;
	if (type != MIG_REFUSE)
		return d->ops->reply(d->ctx, type, NULL);
	memcpy(reason, p, len);
	reason[len] = '\0';
	return d->ops->reply(d->ctx, type, reason);
}

/* The payload of a frame that is in order. */
int mig_take_payload(struct mig_decoder *d, u8 type, const u8 *p, size_t len)
{
	switch (type) {
	case MIG_HELLO:
		return take_hello(d, p, len);
	case MIG_PAGES:
		return take_pages(d, p, len);
	case MIG_ROUND:
		return take_round(d, p, len);
	case MIG_STATE:
		d->state_seen = true;
		return d->ops->state ? d->ops->state(d->ctx, p, len) : 0;
	case MIG_DONE:
		return take_done(d, p, len);
	case MIG_HOLDS:
		return take_holds(d, p, len);
	default:
		return take_reply(d, type, p, len);
	}
}
