/* A log or trace read whole into memory and walked frame by frame with the
 * hypervisor's own reader; every refusal names the frame and byte offset. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hvlog.h"

static bool read_file(struct logfile *lf, const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n;

	if (!f) {
		snprintf(lf->err, sizeof(lf->err), "%s: %s", path, strerror(errno));
		return false;
	}
	lf->data = malloc(cap);
	lf->size = 0;
	while (lf->data && (n = fread(lf->data + lf->size, 1, cap - lf->size, f)) > 0) {
		lf->size += n;
		if (lf->size == cap) {
			u8 *bigger = realloc(lf->data, cap * 2);

			if (!bigger) {
				free(lf->data);
				lf->data = NULL;
				break;
			}
			lf->data = bigger;
			cap *= 2;
		}
	}
	if (!lf->data || ferror(f)) {
		snprintf(lf->err, sizeof(lf->err), "%s: %s", path,
			 lf->data ? "read error" : "out of memory");
		fclose(f);
		return false;
	}
	fclose(f);
	lf->owned = true;
	return true;
}

/* Reads the header; the walk then starts at the first frame. */
static bool open_header(struct logfile *lf)
{
	u8 canonical[RRLOG_HEADER_SIZE];
	const char *why;
	int len;

	lf->pages = calloc(RRLOG_DIGEST_PAGES_MAX, sizeof(*lf->pages));
	lf->scratch = malloc(HVLOG_FRAME_BUF);
	if (!lf->pages || !lf->scratch) {
		snprintf(lf->err, sizeof(lf->err), "%s: out of memory", lf->name);
		return false;
	}
	len = rrlog_read_header(lf->data, lf->size, &lf->hdr, &why);
	if (len < 0) {
		snprintf(lf->err, sizeof(lf->err), "%s: header at offset 0: %s", lf->name, why);
		return false;
	}
	lf->header_len = (size_t)len;
	lf->header_canonical = lf->header_len == RRLOG_HEADER_SIZE &&
			       rrlog_write_header(&lf->hdr, canonical, sizeof(canonical)) &&
			       !memcmp(canonical, lf->data, RRLOG_HEADER_SIZE);
	rrlog_reader_init(&lf->r, lf->hdr.trace);
	lf->off = lf->header_len;
	return true;
}

bool logfile_open_mem(struct logfile *lf, const char *name, u8 *data, size_t size)
{
	memset(lf, 0, sizeof(*lf));
	lf->name = name;
	lf->data = data;
	lf->size = size;
	return open_header(lf);
}

bool logfile_open(struct logfile *lf, const char *path)
{
	memset(lf, 0, sizeof(*lf));
	lf->name = path;
	return read_file(lf, path) && open_header(lf);
}

void logfile_close(struct logfile *lf)
{
	if (lf->owned)
		free(lf->data);
	free(lf->pages);
	free(lf->scratch);
	memset(lf, 0, sizeof(*lf));
}

static int entry_error(struct logfile *lf, size_t entry_off, const char *why)
{
	snprintf(lf->err, sizeof(lf->err),
		 "%s: frame %llu at offset %zu: entry %llu at offset %zu: %s", lf->name,
		 lf->frame_seq, lf->frame_off,
		 lf->entries, entry_off, why);
	return -1;
}

/* Collects a DIGEST_PAGES entry's pages (which also keeps the reader's
 * place in the digest's page list). */
static bool collect_pages(struct logfile *lf, struct rrlog_entry *e)
{
	struct rrlog_pages_iter it;
	u32 n = 0;
	int rc;

	rrlog_pages_begin(&it, &lf->r, e);
	while ((rc = rrlog_pages_next(&it, &lf->pages[n])) == 1)
		if (++n > e->pages.count)
			return false;
	e->pages.pages = lf->pages;
	return rc == 0 && n == e->pages.count;
}

/* Whether the writer, from the same running values, writes the same bytes. */
static bool is_canonical(struct logfile *lf, const struct rrlog_entry *e,
			 const struct rrlog_delta_state *before)
{
	struct rrlog_writer w;

	rrlog_writer_init(&w, lf->scratch, HVLOG_FRAME_BUF);
	w.d = *before;
	return rrlog_append(&w, e) == 0 && w.len == lf->entry_len &&
	       !memcmp(lf->scratch + RRLOG_FRAME_HEADER_SIZE, lf->data + lf->entry_off, w.len);
}

/* 1 with *e, 0 when the frame is used up, -1 with lf->err set. */
static int next_entry(struct logfile *lf, struct rrlog_entry *e)
{
	struct rrlog_delta_state before = lf->r.d;
	size_t pos = lf->r.pos;
	size_t off = lf->frame_off + RRLOG_FRAME_HEADER_SIZE + pos;
	int rc = rrlog_next(&lf->r, e);

	if (rc < 0)
		return entry_error(lf, off, lf->r.error);
	if (rc == 0) {
		lf->in_frame = false;
		return 0;
	}
	lf->entry_off = off;
	lf->entry_len = lf->r.pos - pos;
	if (type_has_pages(e->type) && !collect_pages(lf, e))
		return entry_error(lf, off, "DIGEST_PAGES page list does not decode");
	lf->entry_canonical = is_canonical(lf, e, &before);
	lf->entries++;
	return 1;
}

enum walk_event logfile_next(struct logfile *lf, struct rrlog_entry *e)
{
	long n;

	for (;;) {
		if (lf->in_frame) {
			int rc = next_entry(lf, e);

			if (rc)
				return rc > 0 ? WALK_ENTRY : WALK_ERROR;
			continue; /* the frame is used up */
		}
		if (lf->off == lf->size)
			return WALK_EOF;
		lf->frame_seq = lf->r.next_seq;
		n = rrlog_open_frame(&lf->r, lf->data + lf->off, lf->size - lf->off);
		if (n < 0) {
			snprintf(lf->err, sizeof(lf->err), "%s: frame %llu at offset %zu: %s",
				 lf->name, lf->frame_seq, lf->off,
				 lf->r.error);
			return WALK_ERROR;
		}
		lf->frame_off = lf->off;
		lf->frame_size = (size_t)n;
		lf->frame_entries = lf->r.entries_left;
		lf->off += (size_t)n;
		lf->frames++;
		lf->in_frame = true;
		return WALK_FRAME;
	}
}
