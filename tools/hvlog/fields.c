/* The fields of every entry type and of the header by name, for the text
 * form: derived from the format's own tables (proto/rrlog_types.c,
 * proto/rrlog_header.c), so print, assemble and compare cannot disagree
 * with each other or with the writer and the reader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hvlog.h"

#define TYPES (RRLOG_KIND_TYPE_MASK + 1)

static struct {
	struct field fields[FIELDS_MAX];
	size_t count;
} types[TYPES], header;
static bool built;

/* How the text form writes a wire field's value. */
static enum field_fmt text_fmt(const struct wire_field *f)
{
	if (f->fmt == WIRE_TEXT)
		return FMT_STR;
	return f->fmt == WIRE_HEX ? FMT_HEX : FMT_DEC;
}

/* A table with more text fields than FIELDS_MAX is a mistake in the
 * format's tables: said and stopped, never cut short. */
static void add(struct field *out, size_t *n, const char *name, enum field_fmt fmt, size_t off,
		unsigned size)
{
	if (*n == FIELDS_MAX) {
		fprintf(stderr, "hvlog: a table has more than %d fields (at %s)\n", FIELDS_MAX, name);
		abort();
	}
	out[(*n)++] = (struct field){ name, fmt, off, size };
}

/* One text field per named value: an array with element names becomes one
 * field per element. Byte strings and page lists are left to their own
 * code (type_bytes_field, type_has_pages); unnamed fields are not shown. */
static void flatten(const struct wire_table *t, struct field *out, size_t *n)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct wire_field *f = &t->fields[i];
		unsigned elem = f->size / wire_elems(f);

		if (!f->name || f->kind == WIRE_BYTES || f->custom == &rrlog_page_list ||
		    f->custom == &rrlog_page_contents || f->custom == &rrlog_sized_bytes)
			continue;
		if (!f->names) {
			add(out, n, f->name, text_fmt(f), f->off, f->size);
			continue;
		}
		for (unsigned e = 0; e < wire_elems(f); e++)
			add(out, n, f->names[e], text_fmt(f), f->off + e * elem, elem);
	}
}

/* The text fields of every type and of the header, once. */
static void build(void)
{
	unsigned t;

	for (t = 0; t < TYPES; t++)
		if (rrlog_type(t))
			flatten(&rrlog_type(t)->body, types[t].fields, &types[t].count);
	add(header.fields, &header.count, "magic", FMT_MAGIC, offsetof(struct rrlog_header, trace),
	    sizeof(bool));
	flatten(&rrlog_header_table, header.fields, &header.count);
	built = true;
}

const struct field *type_fields(unsigned type, size_t *count)
{
	if (!built)
		build();
	if (!rrlog_type(type))
		return NULL;
	*count = types[type].count;
	return types[type].fields;
}

const struct field *header_fields(size_t *count)
{
	if (!built)
		build();
	*count = header.count;
	return header.fields;
}

const struct wire_field *type_bytes_field(unsigned type)
{
	const struct rrlog_type_desc *t = rrlog_type(type);

	for (size_t i = 0; t && i < t->body.count; i++)
		if (t->body.fields[i].kind == WIRE_BYTES)
			return &t->body.fields[i];
	return NULL;
}

const struct wire_field *type_sized_field(unsigned type)
{
	const struct rrlog_type_desc *t = rrlog_type(type);

	for (size_t i = 0; t && i < t->body.count; i++)
		if (t->body.fields[i].custom == &rrlog_sized_bytes)
			return &t->body.fields[i];
	return NULL;
}

bool type_has_contents(unsigned type)
{
	const struct rrlog_type_desc *t = rrlog_type(type);

	for (size_t i = 0; t && i < t->body.count; i++)
		if (t->body.fields[i].custom == &rrlog_page_contents)
			return true;
	return false;
}

bool type_has_pages(unsigned type)
{
	const struct rrlog_type_desc *t = rrlog_type(type);

	for (size_t i = 0; t && i < t->body.count; i++)
		if (t->body.fields[i].custom == &rrlog_page_list)
			return true;
	return false;
}

unsigned bytes_len(const void *base, const struct wire_field *f)
{
	return *((const u8 *)base + f->len_at);
}

int type_from_name(const char *s)
{
	unsigned t;

	for (t = 0; t <= RRLOG_KIND_TYPE_MASK; t++)
		if (rrlog_type_name(t) && !strcmp(rrlog_type_name(t), s))
			return (int)t;
	return -1;
}

/* Numeric fields of 1 to 8 bytes (host order: hvlog runs on x86-64). */
u64 field_get(const void *base, const struct field *f)
{
	const u8 *p = (const u8 *)base + f->off;
	u8 v8;
	u16 v16;
	u32 v32;
	u64 v64;

	switch (f->size) {
	case 1:
		memcpy(&v8, p, 1);
		return v8;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	default:
		memcpy(&v64, p, 8);
		return v64;
	}
}

void field_set(void *base, const struct field *f, u64 v)
{
	u8 *p = (u8 *)base + f->off;
	u8 v8 = (u8)v;
	u16 v16 = (u16)v;
	u32 v32 = (u32)v;

	switch (f->size) {
	case 1:
		memcpy(p, &v8, 1);
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	case 4:
		memcpy(p, &v32, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

u64 field_max(const struct field *f)
{
	if (f->fmt == FMT_MAGIC)
		return 1;
	return f->size >= 8 ? ~0ULL : (1ULL << (8 * f->size)) - 1;
}

/* Printable ASCII but '\' stays as is; anything else becomes \xNN, so the
 * value is one token without spaces. */
static void format_str(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; *s && n + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c > ' ' && c < 0x7F && c != '\\')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
	}
	out[n] = '\0';
}

void field_format(char *out, size_t size, const void *base, const struct field *f)
{
	switch (f->fmt) {
	case FMT_DEC:
		snprintf(out, size, "%llu", field_get(base, f));
		break;
	case FMT_HEX:
		snprintf(out, size, "0x%llx", field_get(base, f));
		break;
	case FMT_STR:
		format_str(out, size, (const char *)base + f->off);
		break;
	case FMT_MAGIC:
		snprintf(out, size, "%s", field_get(base, f) ? RRLOG_TRACE_MAGIC : RRLOG_MAGIC);
		break;
	}
}

/* --- differences ------------------------------------------------------------- */

struct diff_out {
	char *p;
	size_t size, len;
	unsigned count;
};

static void diff_line(struct diff_out *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diff_line(struct diff_out *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	d->count++;
	if (d->len >= d->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(d->p + d->len, d->size - d->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		d->len = d->len + (size_t)n < d->size ? d->len + (size_t)n : d->size - 1;
}

static void diff_fields(struct diff_out *d, const void *a, const void *b,
			const struct field *f, size_t n)
{
	char va[128], vb[128];
	size_t i;

	for (i = 0; i < n; i++) {
		field_format(va, sizeof(va), a, &f[i]);
		field_format(vb, sizeof(vb), b, &f[i]);
		if (strcmp(va, vb))
			diff_line(d, "  %s: %s vs %s\n", f[i].name, va, vb);
	}
}

static void diff_pages(struct diff_out *d, const struct rrlog_entry *a, const struct rrlog_entry *b)
{
	u32 i, n = a->pages.count < b->pages.count ? a->pages.count : b->pages.count;

	if (a->pages.count != b->pages.count)
		diff_line(d, "  n: %u vs %u\n", a->pages.count, b->pages.count);
	for (i = 0; i < n; i++) {
		const struct rrlog_page_hash *pa = &a->pages.pages[i], *pb = &b->pages.pages[i];

		if (pa->page != pb->page || pa->hash != pb->hash) {
			diff_line(d, "  page %u: 0x%llx=0x%x vs 0x%llx=0x%x\n", i,
				  pa->page, pa->hash,
				  pb->page, pb->hash);
			return; /* the first differing page is enough */
		}
	}
}

static void hex_bytes(char *out, const u8 *p, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

/* A byte string of the same length that differs (a different length shows
 * in its length field). */
static void diff_bytes(struct diff_out *d, const void *a, const void *b, const struct wire_field *f)
{
	char ha[2 * BYTES_MAX + 1], hb[2 * BYTES_MAX + 1];
	unsigned len = bytes_len(a, f);
	const u8 *pa = (const u8 *)a + f->off, *pb = (const u8 *)b + f->off;

	if (len != bytes_len(b, f) || len > BYTES_MAX || !memcmp(pa, pb, len))
		return;
	hex_bytes(ha, pa, len);
	hex_bytes(hb, pb, len);
	diff_line(d, "  %s: %s vs %s\n", f->name, ha, hb);
}

static void diff_prefix(struct diff_out *d, const struct rrlog_entry *a, const struct rrlog_entry *b)
{
	if (a->landmark != b->landmark)
		diff_line(d, "  E: %llu vs %llu\n", a->landmark,
			  b->landmark);
	if (a->rip != b->rip)
		diff_line(d, "  rip: 0x%llx vs 0x%llx\n", a->rip,
			  b->rip);
	if (a->async != b->async)
		diff_line(d, "  async: %s vs %s\n", a->async ? "yes" : "no", b->async ? "yes" : "no");
	else if (a->async)
		for (unsigned i = 0; i < RRLOG_ASYNC_REGS; i++)
			if (a->regs[i] != b->regs[i])
				diff_line(d, "  async register %u: 0x%llx vs 0x%llx\n", i,
					  a->regs[i], b->regs[i]);
	if (a->async && b->async && a->state_hash != b->state_hash)
		diff_line(d, "  state: 0x%llx vs 0x%llx\n", a->state_hash, b->state_hash);
	if (a->async && b->async && a->memory_hash != b->memory_hash)
		diff_line(d, "  memory: 0x%llx vs 0x%llx\n", a->memory_hash, b->memory_hash);
	if (a->has_branches != b->has_branches)
		diff_line(d, "  branches: %s vs %s\n", a->has_branches ? "present" : "absent",
			  b->has_branches ? "present" : "absent");
	else if (a->has_branches && a->branches != b->branches)
		diff_line(d, "  branches: %llu vs %llu\n", a->branches,
			  b->branches);
}

unsigned entry_diff(const struct rrlog_entry *a, const struct rrlog_entry *b,
		    char *out, size_t size)
{
	struct diff_out d = { out, size, 0, 0 };
	const struct wire_field *bf, *sf;
	const struct field *f;
	size_t n = 0;

	out[0] = '\0';
	diff_prefix(&d, a, b);
	if (a->type != b->type) {
		diff_line(&d, "  type: %s vs %s\n", rrlog_type_name(a->type), rrlog_type_name(b->type));
		return d.count;
	}
	f = type_fields(a->type, &n);
	if (f)
		diff_fields(&d, a, b, f, n);
	if (type_has_pages(a->type))
		diff_pages(&d, a, b);
	bf = type_bytes_field(a->type);
	if (bf)
		diff_bytes(&d, a, b, bf);
	if (type_has_contents(a->type) && a->window_page.data && b->window_page.data &&
	    memcmp(a->window_page.data, b->window_page.data, RRLOG_PAGE_SIZE))
		diff_line(&d, "  contents differ\n");
	sf = type_sized_field(a->type);
	if (sf && rrlog_sized_len(a, sf) == rrlog_sized_len(b, sf) && rrlog_sized_data(a, sf) &&
	    rrlog_sized_data(b, sf) &&
	    memcmp(rrlog_sized_data(a, sf), rrlog_sized_data(b, sf), rrlog_sized_len(a, sf)))
		diff_line(&d, "  %s bytes differ\n", rrlog_type_name(a->type));
	return d.count;
}

unsigned header_diff(const struct rrlog_header *a, const struct rrlog_header *b,
		     char *out, size_t size)
{
	struct diff_out d = { out, size, 0, 0 };
	size_t n;
	const struct field *f = header_fields(&n);

	out[0] = '\0';
	diff_fields(&d, a, b, f, n);
	return d.count;
}
