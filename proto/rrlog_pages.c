/*
 * The page list of a DIGEST_PAGES entry (docs/log-format.md, "State
 * digest"): a hand-written wire field kind, since its pages are deltas
 * within the whole digest, and the iterator that reads them back. And the
 * contents of a WINDOW_PAGE entry: a whole page, read in place.
 */
#include "proto/rrlog.h"

#include <string.h>

#include "compiler.h"
#include "errno.h"

#define PAGE_HASH_SIZE 4 /* the low 32 bits of a page's XXH3-64 */

/*
 * Page numbers increase within a digest. Its first page is taken against
 * 0, so page 0 may come first (a delta of 0); the state keeps only the
 * previous page, so a delta of 0 is let through only at the start of an
 * entry whose previous page is 0. Writer and reader apply the same rule.
 */
static bool page_in_order(u64 page, u64 prev, bool first_in_entry)
{
	return page > prev || (page == prev && prev == 0 && first_in_entry);
}

static u64 *prev_page(void *run, const struct wire_field *f)
{
	return (u64 *)((u8 *)run + f->run);
}

/* Refuses more pages than an entry may hold, a missing list and pages out
 * of order, as the reader would. */
static int pages_encode(struct wire_sink *s, const struct wire_field *f, const void *rec, void *run)
{
	const struct rrlog_entry *e = rec;
	u64 *prev = prev_page(run, f);
	u64 page = *prev;
	u32 i;

	if (e->pages.count > f->max || (e->pages.count && !e->pages.pages))
		return -EINVAL;
	for (i = 0; i < e->pages.count; i++) {
		if (!page_in_order(e->pages.pages[i].page, page, i == 0))
			return -EINVAL;
		page = e->pages.pages[i].page;
	}
	wire_put_varint(s, e->pages.count);
	for (i = 0; i < e->pages.count; i++) {
		wire_put_varint(s, e->pages.pages[i].page - *prev);
		wire_put_le(s, e->pages.pages[i].hash, PAGE_HASH_SIZE);
		*prev = e->pages.pages[i].page;
	}
	return 0;
}

/* One change of a page list, its page taken against *prev. */
static int get_page(struct wire_src *c, u64 *prev, bool first_in_entry, struct rrlog_page_hash *out)
{
	u64 delta, hash, page;
	int err;

	err = wire_get_varint(c, &delta);
	if (!err)
		err = wire_get_le(c, PAGE_HASH_SIZE, &hash);
	if (err)
		return err;
	page = *prev + delta;
	if (page < *prev)
		return wire_refuse(c, "DIGEST_PAGES page number overflows 64 bits");
	if (!page_in_order(page, *prev, first_in_entry))
		return wire_refuse(c, "DIGEST_PAGES page numbers do not increase");
	out->page = page;
	out->hash = (u32)hash;
	*prev = page;
	return 0;
}

/* Checks the whole list (the iterator can then not fail), keeps where it
 * is in the frame, and leaves the page it ends on in the running value, so
 * that a reader that skips the pages keeps its place. */
static int pages_decode(struct wire_src *c, const struct wire_field *f, void *rec, void *run)
{
	struct rrlog_entry *e = rec;
	struct rrlog_page_hash ph;
	u64 n, *prev = prev_page(run, f);
	int err;

	err = wire_get_varint(c, &n);
	if (err)
		return err;
	if (n > f->max) {
		wire_msg("DIGEST_PAGES holds ", n, " pages (at most ");
		wire_msg_num(f->max);
		return wire_refuse(c, wire_msg_str(")"));
	}
	e->pages.count = (u32)n;
	e->pages.enc = c->p;
	for (u32 i = 0; i < n; i++) {
		err = get_page(c, prev, i == 0, &ph);
		if (err)
			return err;
	}
	e->pages.enc_len = (size_t)(c->p - e->pages.enc);
	return 0;
}

/* Pages compare through pages.pages (the iterator fills it on the reading
 * side). */
static bool pages_same(const struct wire_field *f __unused, const void *a, const void *b)
{
	const struct rrlog_entry *ea = a, *eb = b;

	if (ea->pages.count != eb->pages.count)
		return false;
	if (!ea->pages.count)
		return true;
	if (!ea->pages.pages || !eb->pages.pages)
		return false;
	for (u32 i = 0; i < ea->pages.count; i++)
		if (ea->pages.pages[i].page != eb->pages.pages[i].page ||
		    ea->pages.pages[i].hash != eb->pages.pages[i].hash)
			return false;
	return true;
}

const struct wire_custom rrlog_page_list = { pages_encode, pages_decode, pages_same };

/*
 * rrlog_next left the reader's digest_page at the entry's last page; the
 * iteration starts back where the entry's deltas start and, run to its end,
 * leaves it there again. Iterate an entry right after rrlog_next returns it.
 */
void rrlog_pages_begin(struct rrlog_pages_iter *it, struct rrlog_reader *r,
		       const struct rrlog_entry *e)
{
	struct wire_src c = { NULL, NULL, "DIGEST_PAGES", NULL, NULL };
	u64 sum = 0, delta, hash;
	u32 i;

	it->p = it->end = NULL;
	it->left = 0;
	it->prev_page = &r->d.digest_page;
	if (e->type != RR_DIGEST_PAGES || !e->pages.enc)
		return;
	c.p = e->pages.enc;
	c.end = e->pages.enc + e->pages.enc_len;
	for (i = 0; i < e->pages.count; i++) {
		if (wire_get_varint(&c, &delta) || wire_get_le(&c, PAGE_HASH_SIZE, &hash))
			return; /* not an entry rrlog_next decoded: nothing to iterate */
		sum += delta;
	}
	it->p = e->pages.enc;
	it->end = c.p;
	it->left = e->pages.count;
	r->d.digest_page -= sum;
}

/* The entry was checked whole by rrlog_next; this stays bounds-checked for
 * an entry that was not, but cannot tell its first page from the others. */
int rrlog_pages_next(struct rrlog_pages_iter *it, struct rrlog_page_hash *out)
{
	struct wire_src c = { it->p, it->end, "DIGEST_PAGES", NULL, NULL };
	int err;

	if (!it->left)
		return 0;
	err = get_page(&c, it->prev_page, true, out);
	if (err)
		return err;
	it->p = c.p;
	it->left--;
	return 1;
}

/* A page's bytes, as they are: the writer's buffer goes out whole; the
 * reader points into the frame. */
static int contents_encode(struct wire_sink *s, const struct wire_field *f __unused,
			   const void *rec, void *run __unused)
{
	const struct rrlog_entry *e = rec;

	if (!e->window_page.data)
		return -EINVAL;
	wire_put_bytes(s, e->window_page.data, RRLOG_PAGE_SIZE);
	return 0;
}

static int contents_decode(struct wire_src *c, const struct wire_field *f __unused, void *rec,
			   void *run __unused)
{
	struct rrlog_entry *e = rec;

	e->window_page.data = c->p;
	return wire_get_bytes(c, NULL, RRLOG_PAGE_SIZE);
}

static bool contents_same(const struct wire_field *f __unused, const void *a, const void *b)
{
	const struct rrlog_entry *ea = a, *eb = b;

	if (!ea->window_page.data || !eb->window_page.data)
		return ea->window_page.data == eb->window_page.data;
	return !memcmp(ea->window_page.data, eb->window_page.data, RRLOG_PAGE_SIZE);
}

const struct wire_custom rrlog_page_contents = { contents_encode, contents_decode, contents_same };

u32 rrlog_sized_len(const struct rrlog_entry *e, const struct wire_field *f)
{
	u32 len;

	memcpy(&len, (const u8 *)e + f->len_at, sizeof(len));
	return len;
}

const u8 *rrlog_sized_data(const struct rrlog_entry *e, const struct wire_field *f)
{
	const u8 *data;

	memcpy(&data, (const u8 *)e + f->off, sizeof(data));
	return data;
}

/* Sized bytes (a CHECKPOINT_DATA piece, an FPU_STATE's registers): as
 * many as the length field before says, which it has bounded by f->max;
 * the reader points into the frame. */
static int sized_encode(struct wire_sink *s, const struct wire_field *f, const void *rec,
			void *run __unused)
{
	u32 len = rrlog_sized_len(rec, f);
	const u8 *data = rrlog_sized_data(rec, f);

	if (!data || !len || len > f->max)
		return -EINVAL;
	wire_put_bytes(s, data, len);
	return 0;
}

static int sized_decode(struct wire_src *c, const struct wire_field *f, void *rec,
			void *run __unused)
{
	const u8 *data = c->p;
	u32 len = rrlog_sized_len(rec, f);

	if (!len) {
		c->error = "a byte string of no bytes";
		return -EBADMSG;
	}
	memcpy((u8 *)rec + f->off, &data, sizeof(data));
	return wire_get_bytes(c, NULL, len);
}

static bool sized_same(const struct wire_field *f, const void *a, const void *b)
{
	u32 len = rrlog_sized_len(a, f);
	const u8 *da = rrlog_sized_data(a, f), *db = rrlog_sized_data(b, f);

	if (len != rrlog_sized_len(b, f))
		return false;
	if (!da || !db)
		return da == db;
	return !memcmp(da, db, len);
}

const struct wire_custom rrlog_sized_bytes = { sized_encode, sized_decode, sized_same };
