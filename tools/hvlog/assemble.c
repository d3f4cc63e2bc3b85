/*
 * hvlog assemble: text (as print writes it) back to a log. Entries go
 * through the hypervisor's writer, frames end where the text has a frame
 * line (or when the next entry would not fit); entries given as raw= bytes
 * are checked against their fields and copied as they are. The result is
 * read back whole before it is written.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hvlog.h"

struct assembler {
	const char *path;
	unsigned long line;
	char err[HVLOG_ERR_SIZE];

	bool have_header;
	bool trace;
	unsigned long empty_frame_line; /* a frame line with no entry yet, or 0 */

	struct rrlog_writer w;
	u8 *frame;
	struct text_line t;
	struct rrlog_page_hash *raw_pages; /* a raw= DIGEST_PAGES entry's, decoded */

	u8 *out;
	size_t out_len, out_cap;
};

static bool fail(struct assembler *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct assembler *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->err, sizeof(a->err), fmt, ap);
	va_end(ap);
	return false;
}

/* A multi-line diff ends in a newline that the message adds itself. */
static char *chomp(char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '\n')
		s[n - 1] = '\0';
	return s;
}

static bool emit(struct assembler *a, const u8 *data, size_t len)
{
	if (a->out_len + len > a->out_cap) {
		size_t cap = a->out_cap ? a->out_cap : 1 << 16;
		u8 *bigger;

		while (cap < a->out_len + len)
			cap *= 2;
		bigger = realloc(a->out, cap);
		if (!bigger)
			return fail(a, "out of memory");
		a->out = bigger;
		a->out_cap = cap;
	}
	memcpy(a->out + a->out_len, data, len);
	a->out_len += len;
	return true;
}

/* Ends the frame being built, if it holds an entry. */
static bool flush_frame(struct assembler *a)
{
	size_t n = rrlog_finish_frame(&a->w);

	return !n || emit(a, a->frame, n);
}

static bool add_header(struct assembler *a)
{
	struct rrlog_header h;
	u8 bytes[RRLOG_HEADER_SIZE];
	char diff[HVLOG_ERR_SIZE];
	const char *why;
	int len;

	if (a->have_header)
		return fail(a, "a second header line");
	a->have_header = true;
	a->trace = a->t.hdr.trace;
	if (!a->t.raw_len)
		return emit(a, bytes, rrlog_write_header(&a->t.hdr, bytes, sizeof(bytes)));
	len = rrlog_read_header(a->t.raw, a->t.raw_len, &h, &why);
	if (len < 0)
		return fail(a, "raw= header refused: %s", why);
	if ((size_t)len != a->t.raw_len)
		return fail(a, "raw= holds %zu bytes, its header length is %d", a->t.raw_len, len);
	if (header_diff(&h, &a->t.hdr, diff, sizeof(diff)))
		return fail(a, "raw= header differs from the fields (raw vs fields):\n%s",
			    chomp(diff));
	return emit(a, a->t.raw, a->t.raw_len);
}

static bool add_frame_line(struct assembler *a)
{
	if (a->empty_frame_line)
		return fail(a, "the frame at line %lu has no entries", a->empty_frame_line);
	a->empty_frame_line = a->line;
	return flush_frame(a);
}

/* A field of the type's body past its limit, or whose running value may
 * not go backwards (CLOCK's ns) and does: false with the message. */
static bool body_refused(struct assembler *a, const struct rrlog_entry *e)
{
	const struct wire_table *body = &rrlog_type(e->type)->body;
	const char *name = rrlog_type_name(e->type);

	for (size_t i = 0; i < body->count; i++) {
		const struct wire_field *f = &body->fields[i];
		u64 v, prev;

		if ((f->kind == WIRE_LE || f->kind == WIRE_VARINT) && !f->n &&
		    (v = wire_get(e, f, 0)) > wire_limit(f))
			return fail(a, "%s %s=0x%llx exceeds 0x%llx", name, f->name, v,
				    wire_limit(f));
		if (f->kind != WIRE_UDELTA)
			continue;
		v = wire_get(e, f, 0);
		prev = *(const u64 *)((const u8 *)&a->w.d + f->run);
		if (v < prev)
			return fail(a, "%s %s=%llu is less than the previous %s's %llu", name,
				    f->name, v, name, prev);
	}
	return true;
}

/* Names what the writer's -EINVAL was about. */
static bool writer_refused(struct assembler *a, const struct rrlog_entry *e)
{
	const struct rrlog_delta_state *d = &a->w.d;
	u64 prev = d->digest_page;
	u32 i;

	if (e->landmark < d->landmark)
		return fail(a, "landmark E=%llu is less than the previous entry's %llu",
			    e->landmark, d->landmark);
	if (e->has_branches && e->branches < d->branches)
		return fail(a, "branches=%llu is less than the previous %llu",
			    e->branches, d->branches);
	if (!body_refused(a, e))
		return false;
	for (i = 0; type_has_pages(e->type) && i < e->pages.count; i++) {
		u64 page = e->pages.pages[i].page;

		if (page < prev || (page == prev && (i || prev)))
			return fail(a, "page 0x%llx after 0x%llx: pages must increase within a digest",
				    page, prev);
		prev = page;
	}
	return fail(a, "the writer refuses this %s entry", rrlog_type_name(e->type));
}

/* Decodes raw= bytes as the reader would at this point of the log; they
 * must be one entry with the line's fields. */
static bool check_raw(struct assembler *a, struct rrlog_reader *r)
{
	struct rrlog_entry dec;
	struct rrlog_pages_iter it;
	char diff[HVLOG_ERR_SIZE];
	u32 n = 0;
	int rc;

	rrlog_reader_init(r, a->trace);
	r->payload = a->t.raw;
	r->payload_len = a->t.raw_len;
	r->entries_left = 1;
	r->d = a->w.d;
	rc = rrlog_next(r, &dec);
	if (rc != 1)
		return fail(a, "raw= bytes do not decode: %s", rc ? r->error : "empty");
	if (r->pos != a->t.raw_len)
		return fail(a, "raw= holds more than one entry");
	if (type_has_pages(dec.type)) {
		rrlog_pages_begin(&it, r, &dec);
		while (n < dec.pages.count && rrlog_pages_next(&it, &a->raw_pages[n]) == 1)
			n++;
		dec.pages.pages = a->raw_pages;
	}
	if (entry_diff(&dec, &a->t.e, diff, sizeof(diff)))
		return fail(a, "raw= bytes differ from the fields (raw vs fields):\n%s",
			    chomp(diff));
	return true;
}

static bool add_raw_entry(struct assembler *a)
{
	struct rrlog_reader r;

	if (!check_raw(a, &r))
		return false;
	if (a->t.raw_len > RRLOG_FRAME_MAX_PAYLOAD - a->w.len && !flush_frame(a))
		return false;
	memcpy(a->w.buf + RRLOG_FRAME_HEADER_SIZE + a->w.len, a->t.raw, a->t.raw_len);
	a->w.len += a->t.raw_len;
	a->w.entries++;
	a->w.d = r.d;
	return true;
}

static bool add_entry(struct assembler *a)
{
	const struct rrlog_entry *e = &a->t.e;
	int rc;

	if (!rrlog_type_known(e->type, a->trace))
		return fail(a, "trace entry %s in a log (the header's magic is %s)",
			    rrlog_type_name(e->type), RRLOG_MAGIC);
	a->empty_frame_line = 0;
	if (a->t.raw_len)
		return add_raw_entry(a);
	rc = rrlog_append(&a->w, e);
	if (rc == -ENOSPC) {
		if (!flush_frame(a))
			return false;
		rc = rrlog_append(&a->w, e);
	}
	if (rc == -EINVAL)
		return writer_refused(a, e);
	if (rc)
		return fail(a, "the %s entry does not fit a frame", rrlog_type_name(e->type));
	return true;
}

static bool add_line(struct assembler *a, char *line)
{
	if (!text_parse_line(line, &a->t, a->err, sizeof(a->err)))
		return false;
	if (a->t.kind == LINE_BLANK)
		return true;
	if (a->t.kind == LINE_HEADER)
		return add_header(a);
	if (!a->have_header)
		return fail(a, "the first line must be the header");
	if (a->t.kind == LINE_FRAME)
		return add_frame_line(a);
	return add_entry(a);
}

static bool read_text(struct assembler *a, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	bool ok = true;

	while (ok && getline(&line, &cap, f) >= 0) {
		a->line++;
		ok = add_line(a, line);
	}
	free(line);
	if (!ok)
		return false;
	a->line = 0;
	if (ferror(f))
		return fail(a, "read error");
	if (!a->have_header)
		return fail(a, "no header line");
	if (a->empty_frame_line)
		return fail(a, "the frame at line %lu has no entries", a->empty_frame_line);
	return flush_frame(a);
}

/* The result must read back whole: nothing is written otherwise. */
static bool verify(struct assembler *a)
{
	struct logfile lf;
	struct rrlog_entry e;
	enum walk_event ev = WALK_ERROR;

	if (logfile_open_mem(&lf, "assembled log", a->out, a->out_len))
		while ((ev = logfile_next(&lf, &e)) == WALK_FRAME || ev == WALK_ENTRY)
			;
	if (ev != WALK_EOF)
		fail(a, "the result does not read back: %s", lf.err);
	logfile_close(&lf);
	return ev == WALK_EOF;
}

static bool write_out(struct assembler *a, const char *out_path)
{
	FILE *f = fopen(out_path, "wb");
	bool ok;

	if (!f)
		return fail(a, "%s: %s", out_path, strerror(errno));
	ok = fwrite(a->out, 1, a->out_len, f) == a->out_len;
	ok = !fclose(f) && ok;
	return ok || fail(a, "%s: write error", out_path);
}

static bool assemble(struct assembler *a, const char *text_path, const char *out_path)
{
	FILE *f = fopen(text_path, "r");
	bool ok;

	if (!f)
		return fail(a, "%s", strerror(errno));
	a->frame = malloc(HVLOG_FRAME_BUF);
	a->t.pages = calloc(RRLOG_DIGEST_PAGES_MAX, sizeof(*a->t.pages));
	a->t.raw = malloc(RRLOG_FRAME_MAX_PAYLOAD);
	a->raw_pages = calloc(RRLOG_DIGEST_PAGES_MAX, sizeof(*a->raw_pages));
	if (!a->frame || !a->t.pages || !a->t.raw || !a->raw_pages) {
		fclose(f);
		return fail(a, "out of memory");
	}
	rrlog_writer_init(&a->w, a->frame, HVLOG_FRAME_BUF);
	ok = read_text(a, f);
	fclose(f);
	if (ok) {
		a->line = 0;
		ok = verify(a) && write_out(a, out_path);
	}
	return ok;
}

int cmd_assemble(const char *text_path, const char *out_path)
{
	struct assembler a;
	bool ok;

	memset(&a, 0, sizeof(a));
	a.path = text_path;
	ok = assemble(&a, text_path, out_path);
	if (!ok) {
		if (a.line)
			fprintf(stderr, "hvlog: %s:%lu: %s\n", text_path, a.line, a.err);
		else
			fprintf(stderr, "hvlog: %s: %s\n", text_path, a.err);
	}
	free(a.frame);
	free(a.t.pages);
	free(a.t.raw);
	free(a.raw_pages);
	free(a.out);
	return ok ? EXIT_OK : EXIT_REFUSED;
}
