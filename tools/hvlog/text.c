/*
 * The text form of a log (docs/hvlog.md): one line for the header, one per
 * frame, one per entry, key=value fields. print writes it, assemble reads
 * it back; an entry or header the writer would encode differently also
 * carries its bytes (raw=) so that the round trip is byte for byte.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "hvlog.h"
#include "hexdigit.h"

#define TOKEN_SEPARATORS " \t\r\n"

/* --- printing ----------------------------------------------------------------- */

static void print_hex(FILE *f, const u8 *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static void print_fields(FILE *f, const void *base, const struct field *fields, size_t n)
{
	char value[256];
	size_t i;

	for (i = 0; i < n; i++) {
		field_format(value, sizeof(value), base, &fields[i]);
		fprintf(f, " %s=%s", fields[i].name, value);
	}
}

void text_print_header(FILE *f, const struct rrlog_header *h, const u8 *raw, size_t raw_len)
{
	size_t n;
	const struct field *fields = header_fields(&n);

	fputs("header", f);
	print_fields(f, h, fields, n);
	if (raw) {
		fputs(" raw=", f);
		print_hex(f, raw, raw_len);
	}
	fputc('\n', f);
}

void text_print_frame(FILE *f, u64 seq, u32 entries, size_t payload_len)
{
	fprintf(f, "frame %llu entries %u bytes %zu\n", seq, entries,
		payload_len);
}

static void print_prefix(FILE *f, const struct rrlog_entry *e)
{
	fprintf(f, "E=%llu rip=0x%llx", e->landmark, e->rip);
	if (e->async) {
		fprintf(f, " async regs=");
		for (unsigned i = 0; i < RRLOG_ASYNC_REGS; i++)
			fprintf(f, "%s0x%llx", i ? "," : "", e->regs[i]);
		fprintf(f, " state=0x%llx memory=0x%llx", e->state_hash, e->memory_hash);
	}
	if (e->has_branches)
		fprintf(f, " branches=%llu", e->branches);
	fprintf(f, " %s", rrlog_type_name(e->type));
}

void text_print_entry(FILE *f, const struct rrlog_entry *e, const u8 *raw, size_t raw_len)
{
	size_t n = 0;
	const struct field *fields = type_fields(e->type, &n);
	const struct wire_field *bytes = type_bytes_field(e->type);
	const struct wire_field *sized = type_sized_field(e->type);
	u32 i;

	print_prefix(f, e);
	if (fields)
		print_fields(f, e, fields, n);
	if (type_has_pages(e->type)) {
		fprintf(f, " n=%u", e->pages.count);
		for (i = 0; i < e->pages.count; i++)
			fprintf(f, " 0x%llx=0x%x", e->pages.pages[i].page,
				e->pages.pages[i].hash);
	}
	if (type_has_contents(e->type) && e->window_page.data) {
		fprintf(f, " contents=");
		print_hex(f, e->window_page.data, RRLOG_PAGE_SIZE);
	}
	if (sized && rrlog_sized_data(e, sized)) {
		fprintf(f, " %s=", sized->name);
		print_hex(f, rrlog_sized_data(e, sized), rrlog_sized_len(e, sized));
	}
	if (bytes && bytes_len(e, bytes)) {
		fprintf(f, " %s=", bytes->name);
		print_hex(f, (const u8 *)e + bytes->off, bytes_len(e, bytes));
	}
	if (raw) {
		fputs(" raw=", f);
		print_hex(f, raw, raw_len);
	}
	fputc('\n', f);
}

void text_entry_brief(char *out, size_t size, const struct rrlog_entry *e)
{
	snprintf(out, size, "E=%llu rip=0x%llx%s %s", e->landmark,
		 e->rip, e->async ? " async" : "", rrlog_type_name(e->type));
}

/* --- parsing -------------------------------------------------------------------- */

struct parse {
	char *err;
	size_t err_size;
};

static bool fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->err_size, fmt, ap);
	va_end(ap);
	return false;
}

/* Decimal, or hexadecimal after 0x; at most max. */
static bool parse_num(const char *s, u64 max, u64 *out)
{
	unsigned base = 10;
	u64 v = 0;
	int digit;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		digit = hex_digit(*s);
		if (digit < 0 || (unsigned)digit >= base || v > (~0ULL - (unsigned)digit) / base)
			return false;
		v = v * base + (unsigned)digit;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* An even number of hex digits into at most cap bytes. */
static bool parse_hex_bytes(const char *s, u8 *out, size_t cap, size_t *len)
{
	size_t n = strlen(s), i;

	if (n % 2 || n / 2 > cap)
		return false;
	for (i = 0; i < n / 2; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (u8)(hi << 4 | lo);
	}
	*len = n / 2;
	return true;
}

/* The inverse of field_format's escaping, into a char array of size bytes. */
static bool parse_str(const char *s, char *out, size_t size)
{
	size_t n = 0;
	int hi, lo;

	for (; *s; s++) {
		char c = *s;

		if (c == '\\') {
			if (s[1] != 'x' || (hi = hex_digit(s[2])) < 0 || (lo = hex_digit(s[3])) < 0)
				return false;
			c = (char)(hi << 4 | lo);
			s += 3;
			if (!c)
				return false;
		}
		if (n + 1 >= size)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return true;
}

/* Sets one field of base from its text; seen catches duplicates. */
static bool parse_field(struct parse *p, void *base, const struct field *f, size_t index,
			u64 *seen, const char *value)
{
	u64 v;

	if (*seen & (1ULL << index))
		return fail(p, "%s= given twice", f->name);
	*seen |= 1ULL << index;
	switch (f->fmt) {
	case FMT_STR:
		if (!parse_str(value, (char *)base + f->off, f->size))
			return fail(p, "bad %s '%s' (at most %u characters, \\xNN escapes)",
				    f->name, value, f->size - 1);
		return true;
	case FMT_MAGIC:
		if (strcmp(value, RRLOG_MAGIC) && strcmp(value, RRLOG_TRACE_MAGIC))
			return fail(p, "bad magic '%s' (%s or %s)", value, RRLOG_MAGIC,
				    RRLOG_TRACE_MAGIC);
		field_set(base, f, !strcmp(value, RRLOG_TRACE_MAGIC));
		return true;
	default:
		if (!parse_num(value, field_max(f), &v))
			return fail(p, "bad %s '%s' (a number up to 0x%llx)", f->name, value,
				    field_max(f));
		field_set(base, f, v);
		return true;
	}
}

static const struct field *find_field(const struct field *f, size_t n, const char *name,
				      size_t *index)
{
	for (*index = 0; *index < n; (*index)++)
		if (!strcmp(f[*index].name, name))
			return &f[*index];
	return NULL;
}

/* Splits "key=value" at the first '='; false for a bare word. */
static bool split(char *tok, char **value)
{
	char *eq = strchr(tok, '=');

	if (!eq)
		return false;
	*eq = '\0';
	*value = eq + 1;
	return true;
}

static bool parse_raw(struct parse *p, struct text_line *t, const char *value, size_t cap)
{
	if (t->raw_len)
		return fail(p, "raw= given twice");
	if (!parse_hex_bytes(value, t->raw, cap, &t->raw_len) || !t->raw_len)
		return fail(p, "bad raw= (hex bytes, at most %zu)", cap);
	return true;
}

static bool parse_header(struct parse *p, struct text_line *t, char **save)
{
	size_t n, index;
	const struct field *fields = header_fields(&n);
	const struct field *f;
	char *tok, *value;
	u64 seen = 0;

	while ((tok = strtok_r(NULL, TOKEN_SEPARATORS, save))) {
		if (!split(tok, &value))
			return fail(p, "'%s' is not key=value", tok);
		if (!strcmp(tok, "raw")) {
			if (!parse_raw(p, t, value, 0xFFFF))
				return false;
			continue;
		}
		f = find_field(fields, n, tok, &index);
		if (!f)
			return fail(p, "unknown header field '%s'", tok);
		if (!parse_field(p, &t->hdr, f, index, &seen, value))
			return false;
	}
	return true;
}

/* "frame [SEQ] [entries N] [bytes L]": the numbers are informative. */
static bool parse_frame(struct parse *p, char **save)
{
	char *tok;
	u64 v;

	while ((tok = strtok_r(NULL, TOKEN_SEPARATORS, save))) {
		if (!strcmp(tok, "entries") || !strcmp(tok, "bytes"))
			continue;
		if (!parse_num(tok, ~0ULL, &v))
			return fail(p, "bad frame line: '%s' (frame [SEQ] [entries N] [bytes L])",
				    tok);
	}
	return true;
}

/* The async registers: RRLOG_ASYNC_REGS comma-separated numbers. */
static bool parse_regs(char *list, u64 regs[RRLOG_ASYNC_REGS])
{
	char *save = NULL, *item = strtok_r(list, ",", &save);
	unsigned n = 0;

	for (; item; item = strtok_r(NULL, ",", &save)) {
		if (n == RRLOG_ASYNC_REGS || !parse_num(item, ~0ULL, &regs[n]))
			return false;
		n++;
	}
	return n == RRLOG_ASYNC_REGS;
}

/* E=, rip=, async, regs=, state=, memory=, branches= up to the type's name. */
static bool parse_prefix(struct parse *p, struct text_line *t, char *tok, char **save)
{
	struct rrlog_entry *e = &t->e;
	bool regs = false, state = false;
	char *value;
	u64 v;
	int type;

	for (; tok; tok = strtok_r(NULL, TOKEN_SEPARATORS, save)) {
		if (!strcmp(tok, "async")) {
			e->async = true;
			continue;
		}
		if (!split(tok, &value))
			break;
		if (!strcmp(tok, "regs")) {
			if (!parse_regs(value, e->regs))
				return fail(p, "bad regs '%s' (%d comma-separated numbers)", value,
					    RRLOG_ASYNC_REGS);
			regs = true;
			continue;
		}
		if (!parse_num(value, ~0ULL, &v))
			return fail(p, "bad %s '%s' (a number)", tok, value);
		if (!strcmp(tok, "E")) {
			e->landmark = v;
		} else if (!strcmp(tok, "rip")) {
			e->rip = v;
		} else if (!strcmp(tok, "state")) {
			e->state_hash = v;
			state = true;
		} else if (!strcmp(tok, "memory")) {
			e->memory_hash = v;
			state = true;
		} else if (!strcmp(tok, "branches")) {
			e->branches = v;
			e->has_branches = true;
		} else {
			return fail(p, "unknown field '%s' before the entry type", tok);
		}
	}
	if ((regs || state) && !e->async)
		return fail(p, "%s= without async", regs ? "regs" : "state or memory");
	if (!tok)
		return fail(p, "entry without a type");
	type = type_from_name(tok);
	if (type < 0)
		return fail(p, "unknown entry type '%s'", tok);
	e->type = (enum rrlog_type)type;
	return true;
}

/* "0xPAGE=0xHASH" of a DIGEST_PAGES entry. */
static bool parse_page(struct parse *p, struct text_line *t, const char *key, const char *value)
{
	struct rrlog_page_hash *ph;
	u64 page, hash;

	if (t->e.pages.count >= RRLOG_DIGEST_PAGES_MAX)
		return fail(p, "more than %u pages", RRLOG_DIGEST_PAGES_MAX);
	if (!parse_num(key, ~0ULL, &page) || !parse_num(value, 0xFFFFFFFF, &hash))
		return fail(p, "bad page '%s=%s' (PAGE=HASH, a 32-bit hash)", key, value);
	ph = &t->pages[t->e.pages.count++];
	ph->page = page;
	ph->hash = (u32)hash;
	return true;
}

/* A byte string (T_INSN's bytes=): its length field (or, without it, the
 * bytes) gives the length. */
static bool parse_bytes(struct parse *p, struct text_line *t, const struct wire_field *f,
			const char *value, size_t *len)
{
	if (*len != SIZE_MAX)
		return fail(p, "%s= given twice", f->name);
	if (!parse_hex_bytes(value, (u8 *)&t->e + f->off, f->size, len))
		return fail(p, "bad %s '%s' (up to %u bytes in hex)", f->name, value, f->size);
	return true;
}

/* The length field (len_name, given or not) and the bytes agree. */
static bool check_bytes(struct parse *p, struct rrlog_entry *e, const struct wire_field *f,
			const char *len_name, bool have_len, size_t bytes)
{
	u8 *len = (u8 *)e + f->len_at;

	if (!have_len && bytes != SIZE_MAX)
		*len = (u8)bytes;
	if (*len > f->size)
		return fail(p, "%s=%u exceeds %u", len_name, *len, f->size);
	if (bytes == SIZE_MAX ? *len != 0 : bytes != *len)
		return fail(p, "%s=%u but %s= holds %zu bytes", len_name, *len, f->name,
			    bytes == SIZE_MAX ? 0 : bytes);
	return true;
}

/* Index of the field at off (a byte string's length field). */
static size_t field_at(const struct field *f, size_t n, size_t off)
{
	size_t i;

	for (i = 0; i < n && f[i].off != off; i++)
		;
	return i;
}

/* The type's fields after its name, and the special ones. */
static bool parse_body(struct parse *p, struct text_line *t, char **save)
{
	struct rrlog_entry *e = &t->e;
	size_t n = 0, index, len_index;
	const struct field *fields = type_fields(e->type, &n), *f;
	const struct wire_field *bytes = type_bytes_field(e->type);
	const struct wire_field *sized = type_sized_field(e->type);
	bool pages = type_has_pages(e->type), have_n = false;
	size_t nbytes = SIZE_MAX, ncontents = 0; /* none given */
	u64 seen = 0, count = 0;
	char *tok, *value;

	while ((tok = strtok_r(NULL, TOKEN_SEPARATORS, save))) {
		if (!split(tok, &value))
			return fail(p, "'%s' is not key=value", tok);
		if (!strcmp(tok, "raw")) {
			if (!parse_raw(p, t, value, RRLOG_FRAME_MAX_PAYLOAD))
				return false;
		} else if (pages && !strcmp(tok, "n")) {
			if (have_n || !parse_num(value, RRLOG_DIGEST_PAGES_MAX, &count))
				return fail(p, "bad or repeated n '%s'", value);
			have_n = true;
		} else if (pages && tok[0] >= '0' && tok[0] <= '9') {
			if (!parse_page(p, t, tok, value))
				return false;
		} else if (bytes && !strcmp(tok, bytes->name)) {
			if (!parse_bytes(p, t, bytes, value, &nbytes))
				return false;
		} else if (type_has_contents(e->type) && !strcmp(tok, "contents")) {
			if (!parse_hex_bytes(value, t->contents, RRLOG_PAGE_SIZE, &ncontents) ||
			    ncontents != RRLOG_PAGE_SIZE)
				return fail(p, "bad contents (%u bytes in hex)", RRLOG_PAGE_SIZE);
			e->window_page.data = t->contents;
		} else if (sized && !strcmp(tok, sized->name)) {
			const u8 *data = t->contents;

			if (sized->max > sizeof(t->contents) ||
			    !parse_hex_bytes(value, t->contents, sized->max, &ncontents) || !ncontents)
				return fail(p, "bad %s (1 to %llu bytes in hex)", sized->name,
					    (unsigned long long)sized->max);
			memcpy((u8 *)e + sized->off, &data, sizeof(data));
		} else if ((f = find_field(fields, n, tok, &index))) {
			if (!parse_field(p, e, f, index, &seen, value))
				return false;
		} else {
			return fail(p, "unknown field '%s' for %s", tok, rrlog_type_name(e->type));
		}
	}
	if (have_n && count != e->pages.count)
		return fail(p, "n=%llu but %u pages follow", count,
			    e->pages.count);
	if (bytes) {
		len_index = field_at(fields, n, bytes->len_at);
		if (len_index == n)
			return fail(p, "%s has no length field", bytes->name); /* not reached */
		if (!check_bytes(p, e, bytes, fields[len_index].name, seen & (1ULL << len_index),
				 nbytes))
			return false;
	}
	if (pages)
		e->pages.pages = t->pages;
	if (type_has_contents(e->type) && !e->window_page.data)
		return fail(p, "%s without contents=", rrlog_type_name(e->type));
	if (sized && (!rrlog_sized_data(e, sized) || ncontents != rrlog_sized_len(e, sized)))
		return fail(p, "%s needs %s= of its len=", rrlog_type_name(e->type), sized->name);
	return true;
}

bool text_parse_line(char *line, struct text_line *t, char *err, size_t err_size)
{
	struct parse p = { err, err_size };
	char *save = NULL, *tok = strtok_r(line, TOKEN_SEPARATORS, &save);

	memset(&t->hdr, 0, sizeof(t->hdr));
	memset(&t->e, 0, sizeof(t->e));
	t->raw_len = 0;
	if (!tok || tok[0] == '#') {
		t->kind = LINE_BLANK;
		return true;
	}
	if (!strcmp(tok, "header")) {
		t->kind = LINE_HEADER;
		return parse_header(&p, t, &save);
	}
	if (!strcmp(tok, "frame")) {
		t->kind = LINE_FRAME;
		return parse_frame(&p, &save);
	}
	if (!strncmp(tok, "E=", 2)) {
		t->kind = LINE_ENTRY;
		return parse_prefix(&p, t, tok, &save) && parse_body(&p, t, &save);
	}
	return fail(&p, "'%s': a line starts with header, frame, E= or #", tok);
}
