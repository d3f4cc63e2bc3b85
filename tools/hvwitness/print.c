/*
 * Frames as one line of text, from their type's wire-field table
 * (proto/witness_types.c): what the client prints and the witness logs,
 * so both name the fields as the protocol does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "hvwitness.h"

/* Appends to out (cap bytes) at *len, cut at the end. */
static void put(char *out, size_t cap, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void put(char *out, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*len >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *len, cap - *len, fmt, ap);
	va_end(ap);
	*len += n < 0 ? 0 : (size_t)n;
}

static void put_field(char *out, size_t cap, size_t *len, const struct wit_msg *m,
		      const struct wire_field *f)
{
	if (f->fmt == WIRE_TEXT)
		put(out, cap, len, " %s=\"%s\"", f->name, (const char *)m + f->off);
	else if (f->off == offsetof(struct wit_msg, reason))
		put(out, cap, len, " %s=%s", f->name, wit_reason_name(m->reason));
	else
		put(out, cap, len, " %s=%llu", f->name, wire_get(m, f, 0));
}

void format_msg(const struct wit_msg *m, char *out, size_t cap)
{
	const struct wit_type_info *t = wit_type(m->type);
	size_t len = 0;

	out[0] = '\0';
	put(out, cap, &len, "%s seq=%llu", wit_type_name(m->type), m->seq);
	for (size_t i = 0; t && i < t->fields->count; i++)
		put_field(out, cap, &len, m, &t->fields->fields[i]);
}
