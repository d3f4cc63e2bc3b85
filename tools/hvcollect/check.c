/*
 * The check at END: the received file is read back and walked with the
 * hypervisor's own log reader, exactly as a replay would take it: header,
 * every frame (magic, length, sequence number, checksum), every entry, and
 * the END entry last with nothing after it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hvcollect.h"
#include "proto/rrlog.h"

struct walk {
	const u8 *data;
	size_t size, off;
	struct rrlog_reader r;
	u64 frames, entries;
	bool ended;          /* the last entry seen is END */
	char err[256];
};

u8 *read_whole(const char *path, size_t *size, char *err, size_t err_size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	u8 *data = NULL;

	if (!f || fstat(fileno(f), &st)) {
		snprintf(err, err_size, "%s", strerror(errno));
		goto out;
	}
	*size = (size_t)st.st_size;
	data = malloc(*size ? *size : 1);
	if (!data || fread(data, 1, *size, f) != *size) {
		snprintf(err, err_size, "%s", data ? "short read" : "out of memory");
		free(data);
		data = NULL;
	}
out:
	if (f)
		fclose(f);
	return data;
}

/* A DIGEST_PAGES entry's page list (walking it keeps the reader's place). */
static bool walk_pages(struct walk *w, struct rrlog_entry *e)
{
	struct rrlog_pages_iter it;
	struct rrlog_page_hash p;
	u32 n = 0;
	int rc;

	rrlog_pages_begin(&it, &w->r, e);
	while ((rc = rrlog_pages_next(&it, &p)) == 1)
		n++;
	return rc == 0 && n == e->pages.count;
}

/* The entries of the open frame; false with err set. */
static bool walk_entries(struct walk *w, size_t frame_off)
{
	struct rrlog_entry e;
	int rc;

	while ((rc = rrlog_next(&w->r, &e)) == 1) {
		if (w->ended) {
			snprintf(w->err, sizeof(w->err),
				 "frame %llu at offset %zu: entries after END",
				 w->frames - 1, frame_off);
			return false;
		}
		if (e.type == RR_DIGEST_PAGES && !walk_pages(w, &e)) {
			snprintf(w->err, sizeof(w->err),
				 "frame %llu at offset %zu: DIGEST_PAGES page list does not decode",
				 w->frames - 1, frame_off);
			return false;
		}
		w->ended = e.type == RR_END;
		w->entries++;
	}
	if (rc < 0) {
		snprintf(w->err, sizeof(w->err), "frame %llu at offset %zu: %s",
			 w->frames - 1, frame_off, w->r.error);
		return false;
	}
	return true;
}

static bool walk_log(struct walk *w)
{
	struct rrlog_header h;
	const char *why;
	int hlen = rrlog_read_header(w->data, w->size, &h, &why);

	if (hlen < 0) {
		snprintf(w->err, sizeof(w->err), "header at offset 0: %s", why);
		return false;
	}
	rrlog_reader_init(&w->r, h.trace);
	for (w->off = (size_t)hlen; w->off < w->size;) {
		size_t frame_off = w->off;
		u64 seq = w->r.next_seq;
		long n = rrlog_open_frame(&w->r, w->data + w->off, w->size - w->off);

		if (n < 0) {
			snprintf(w->err, sizeof(w->err), "frame %llu at offset %zu: %s",
				 seq, frame_off, w->r.error);
			return false;
		}
		w->off += (size_t)n;
		w->frames++;
		if (!walk_entries(w, frame_off))
			return false;
	}
	return true;
}

bool check_log(const char *path)
{
	struct walk w;
	u8 *data;

	memset(&w, 0, sizeof(w));
	data = read_whole(path, &w.size, w.err, sizeof(w.err));
	if (!data) {
		msg("hvcollect: %s: cannot check the log: %s", path, w.err);
		return false;
	}
	w.data = data;
	if (!walk_log(&w)) {
		msg("hvcollect: %s: log of %zu bytes refused: %s", path, w.size, w.err);
	} else if (!w.ended) {
		msg("hvcollect: %s: log of %zu bytes, %llu frames, is truncated: no END entry",
		    path, w.size, w.frames);
	} else {
		msg("hvcollect: complete log of %zu bytes, %llu frames, ends with END", w.size,
		    w.frames);
	}
	free(data);
	return !w.err[0] && w.ended;
}
