// sources: proto/page_codec.c proto/wire.c proto/wire_prim.c proto/rrlog_types.c proto/rrlog_pages.c proto/rrlog_header.c proto/rrlog_writer.c proto/rrlog_reader.c lib/hash.c
// uses: lz4
/*
 * Fuzzes the record/replay log reader on whole files: the header, then
 * frames and entries up to the end or the first refusal, iterating every
 * DIGEST_PAGES entry. Decoded values must keep their fields' limits and
 * running values (walked from the format's tables), and each frame that
 * decodes whole is written again with the writer (from the same running
 * values) and must decode to the same entries (compared field by field from
 * the tables) and the same state.
 *
 * The compressed contents a replay decodes (a WINDOW_PAGE_CODED's page, an
 * FPU_STATE_LZ4's registers) go through its decoders too: a page or a
 * refusal with a reason, never a read or write out of bounds.
 *
 * Each input also runs with its format version, header and frame checksums
 * and sequence numbers repaired, so that mutations reach the entry decoder
 * instead of stopping at a checksum.
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "endian.h"
#include "hash.h"
#include "proto/page_codec.h"
#include "proto/rrlog.h"

#define CHECK(cond)              \
	do {                     \
		if (!(cond))     \
			abort(); \
	} while (0)

#define FRAME_BUF (RRLOG_FRAME_HEADER_SIZE + RRLOG_FRAME_MAX_PAYLOAD)
#define MIN_ENTRY 5 /* kind, exits, rip, length, one body byte */
#define ENTRIES_MAX (RRLOG_FRAME_MAX_PAYLOAD / MIN_ENTRY + 1)
#define MIN_PAGE 5 /* one-byte delta, four-byte hash */
#define POOL_MAX (RRLOG_FRAME_MAX_PAYLOAD / MIN_PAGE + 1)

/* One frame's decoded entries and their pages. */
struct frame_entries {
	struct rrlog_entry e[ENTRIES_MAX];
	struct rrlog_page_hash pool[POOL_MAX];
	size_t n, pooled;
};

static struct frame_entries decoded, redecoded;
static u8 frame_buf[FRAME_BUF];

static u64 running(const struct rrlog_delta_state *d, const struct wire_field *f)
{
	return *(const u64 *)((const u8 *)d + f->run);
}

/* What the hand-written kinds promise: DIGEST's register count is the one
 * version 1 knows; a page list's encoding and a WINDOW_PAGE's contents lie
 * within what was read. */
static void check_custom(const struct wire_field *f, const struct rrlog_entry *e,
			 const struct rrlog_reader *r)
{
	if (f->custom == &rrlog_digest_regs) {
		CHECK(e->digest.count == RRLOG_DIGEST_REGS);
		return;
	}
	if (f->custom == &rrlog_page_contents) {
		CHECK(e->window_page.data >= r->payload &&
		      e->window_page.data + RRLOG_PAGE_SIZE <= r->payload + r->pos);
		return;
	}
	if (f->custom == &rrlog_sized_bytes) {
		u32 len = rrlog_sized_len(e, f);
		const u8 *data = rrlog_sized_data(e, f);

		CHECK(len >= 1 && len <= f->max);
		CHECK(data >= r->payload && data + len <= r->payload + r->pos);
		return;
	}
	CHECK(f->custom == &rrlog_page_list);
	CHECK(e->pages.count <= RRLOG_DIGEST_PAGES_MAX);
	CHECK(e->pages.enc >= r->payload && e->pages.enc_len <= r->payload_len &&
	      e->pages.enc + e->pages.enc_len <= r->payload + r->pos);
	CHECK(e->pages.enc_len >= (size_t)MIN_PAGE * e->pages.count);
}

/* Every decoded value within its field's limits, and the running values
 * where the fields leave them: at the value (a UDELTA one not having gone
 * backwards), at 0 after a RESTART, unmoved by an absent field. */
static void check_fields(const struct wire_table *t, const struct rrlog_entry *e,
			 const struct rrlog_delta_state *before, const struct rrlog_reader *r)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct wire_field *f = &t->fields[i];
		bool delta = f->kind == WIRE_SDELTA || f->kind == WIRE_UDELTA;

		if (!wire_present(f, e)) {
			CHECK(!delta || running(&r->d, f) == running(before, f));
			continue;
		}
		if (f->kind == WIRE_LE || f->kind == WIRE_VARINT)
			for (unsigned el = 0; el < wire_elems(f); el++)
				CHECK(wire_get(e, f, el) <= wire_limit(f));
		if (delta)
			CHECK(running(&r->d, f) == wire_get(e, f, 0));
		if (f->kind == WIRE_UDELTA)
			CHECK(wire_get(e, f, 0) >= running(before, f));
		if (f->kind == WIRE_RESTART)
			CHECK(running(&r->d, f) == 0);
		if (f->kind == WIRE_BYTES)
			CHECK(*((const u8 *)e + f->len_at) <= f->size);
		if (f->kind == WIRE_CUSTOM)
			check_custom(f, e, r);
	}
}

/* Values a decoded entry may hold, given the running values before it. */
static void check_sane(const struct rrlog_entry *e, const struct rrlog_delta_state *before,
		       const struct rrlog_reader *r)
{
	CHECK(rrlog_type_known(e->type, r->trace));
	CHECK(r->trace || e->type < RR_T_EXIT);
	CHECK(r->pos <= r->payload_len);
	check_fields(&rrlog_prefix, e, before, r);
	check_fields(&rrlog_type(e->type)->body, e, before, r);
}

/* The replay's decoders (hv/rr/rr_async_state.c) on what the reader
 * accepted: a coded page makes a whole page within its stated length or
 * is refused with a reason; so does an LZ4 block of FPU registers. */
static void decode_contents(const struct rrlog_entry *e)
{
	static struct page_codec_work w;
	static u8 out[RRLOG_PAGE_SIZE];
	const char *why = NULL;
	int n;

	if (e->type == RR_WINDOW_PAGE_CODED) {
		n = page_decode(e->window_coded.data, e->window_coded.len, NULL, out, &w, &why);
		CHECK(n < 0 ? why && *why : n <= (int)e->window_coded.len);
	} else if (e->type == RR_FPU_STATE_LZ4 && e->fpu_lz4.len <= sizeof(out)) {
		if (bytes_lz4_decode(e->fpu_lz4.data, e->fpu_lz4.lz4_len, out, e->fpu_lz4.len, &why))
			CHECK(why && *why);
	}
}

/* Iterates a DIGEST_PAGES entry into the pool: it cannot fail after
 * rrlog_next accepted the entry, and leaves the reader where it was. */
static void collect_pages(struct frame_entries *f, struct rrlog_reader *r, struct rrlog_entry *e)
{
	struct rrlog_pages_iter it;
	u64 end = r->d.digest_page, prev = 0;
	u32 n = 0;
	int rc;

	rrlog_pages_begin(&it, r, e);
	e->pages.pages = &f->pool[f->pooled];
	while ((rc = rrlog_pages_next(&it, &f->pool[f->pooled])) == 1) {
		CHECK(n == 0 || f->pool[f->pooled].page > prev);
		prev = f->pool[f->pooled].page;
		f->pooled++;
		n++;
		CHECK(f->pooled < POOL_MAX);
	}
	CHECK(rc == 0 && n == e->pages.count);
	CHECK(r->d.digest_page == end);
	CHECK(n == 0 || prev == end);
}

/* Decodes the open frame's entries into f: 0, or the refusal. */
static int decode_frame(struct frame_entries *f, struct rrlog_reader *r)
{
	struct rrlog_delta_state before;
	int rc;

	f->n = f->pooled = 0;
	for (;;) {
		before = r->d;
		rc = rrlog_next(r, &f->e[f->n]);
		if (rc <= 0)
			break;
		check_sane(&f->e[f->n], &before, r);
		decode_contents(&f->e[f->n]);
		if (f->e[f->n].type == RR_DIGEST_PAGES)
			collect_pages(f, r, &f->e[f->n]);
		f->n++;
		CHECK(f->n < ENTRIES_MAX);
	}
	if (rc < 0)
		CHECK(rc == -EBADMSG && r->error && *r->error);
	else
		CHECK(r->pos == r->payload_len && r->entries_left == 0);
	return rc;
}

/* The writer, from the frame's starting state, encodes the entries into
 * one frame (canonical encodings are never longer) that decodes the same. */
static void check_reencode(const struct rrlog_delta_state *start, u64 seq, bool trace,
			   const struct rrlog_delta_state *end)
{
	struct rrlog_writer w;
	struct rrlog_reader r;
	size_t i, len;

	rrlog_writer_init(&w, frame_buf, sizeof(frame_buf));
	w.d = *start;
	w.seq = seq;
	for (i = 0; i < decoded.n; i++)
		CHECK(rrlog_append(&w, &decoded.e[i]) == 0);
	CHECK(!memcmp(&w.d, end, sizeof(*end)));
	len = rrlog_finish_frame(&w);
	CHECK(len > RRLOG_FRAME_HEADER_SIZE);

	rrlog_reader_init(&r, trace);
	r.d = *start;
	r.next_seq = seq;
	CHECK(rrlog_open_frame(&r, frame_buf, len) == (long)len);
	CHECK(decode_frame(&redecoded, &r) == 0);
	CHECK(redecoded.n == decoded.n);
	for (i = 0; i < decoded.n; i++)
		CHECK(rrlog_entry_same(&decoded.e[i], &redecoded.e[i]));
	CHECK(!memcmp(&r.d, end, sizeof(*end)));
}

static void check_log(const u8 *data, size_t size)
{
	struct rrlog_header h;
	struct rrlog_reader r;
	struct rrlog_delta_state start;
	const char *why;
	size_t off;
	long n;
	u64 seq;
	int rc;

	rc = rrlog_read_header(data, size, &h, &why);
	if (rc < 0) {
		CHECK(rc == -EINVAL || rc == -EBADMSG || rc == -ENOTSUP);
		CHECK(why && *why);
		return;
	}
	CHECK(rc >= RRLOG_HEADER_SIZE && (size_t)rc <= size);
	CHECK(strlen(h.backend) < sizeof(h.backend) && strlen(h.version) < sizeof(h.version));
	rrlog_reader_init(&r, h.trace);
	for (off = (size_t)rc; off < size; off += (size_t)n) {
		start = r.d;
		seq = r.next_seq;
		n = rrlog_open_frame(&r, data + off, size - off);
		if (n < 0) {
			CHECK(n == -ENODATA || n == -EBADMSG);
			CHECK(r.error && *r.error && r.next_seq == seq);
			return;
		}
		CHECK(n > RRLOG_FRAME_HEADER_SIZE && (size_t)n <= size - off && n <= FRAME_BUF);
		CHECK(r.next_seq == seq + 1);
		if (decode_frame(&decoded, &r))
			return;
		check_reencode(&start, seq, h.trace, &r.d);
	}
}

/* Makes the format version, the checksums and the sequence numbers right
 * wherever the lengths allow (so that seeds of an older version still reach
 * the entry decoder); true when anything changed. */
static bool repair(u8 *p, size_t size)
{
	size_t hlen, off, len;
	u64 seq = 0;
	bool changed = false;
	u8 old[8];

	if (size < 12)
		return false;
	hlen = (size_t)le_get(p + 10, 2);
	if (hlen < RRLOG_HEADER_SIZE || hlen > size)
		return false;
	changed |= le_get(p + 8, 2) != RRLOG_VERSION;
	le_put(p + 8, RRLOG_VERSION, 2);
	memcpy(old, p + hlen - 8, 8);
	le_put(p + hlen - 8, hash64(p, hlen - 8, 0), 8);
	changed |= memcmp(old, p + hlen - 8, 8) != 0;
	for (off = hlen; size - off >= RRLOG_FRAME_HEADER_SIZE; off += RRLOG_FRAME_HEADER_SIZE + len) {
		len = (size_t)le_get(p + off + 4, 4);
		if (len == 0 || len > RRLOG_FRAME_MAX_PAYLOAD ||
		    len > size - off - RRLOG_FRAME_HEADER_SIZE)
			break;
		memcpy(old, p + off + 8, 8);
		le_put(p + off + 8, seq++, 8);
		changed |= memcmp(old, p + off + 8, 8) != 0;
		memcpy(old, p + off + 20, 4);
		le_put(p + off + 20, hash32(p + off + RRLOG_FRAME_HEADER_SIZE, len, 0), 4);
		changed |= memcmp(old, p + off + 20, 4) != 0;
	}
	return changed;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *copy = malloc(size ? size : 1);

	CHECK(copy);
	memcpy(copy, data, size);
	check_log(copy, size);
	if (repair(copy, size))
		check_log(copy, size);
	free(copy);
	return 0;
}
