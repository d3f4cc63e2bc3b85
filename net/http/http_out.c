/*
 * The control endpoint's documents and responses, built into caller buffers
 * (see http_out.h): the bounded output, JSON fields and metric families.
 */
#include "net/http/http_out.h"

#include <stdarg.h>
#include <string.h>

#include "errno.h"
#include "fmt.h"

#define INT_LIMIT 0x7fffffff /* builders return int lengths */

/* --- bounded output ------------------------------------------------------- */

void out_init(struct out *o, char *buf, size_t size)
{
	o->buf = buf;
	o->size = size;
	o->len = 0;
	o->full = false;
	if (size)
		buf[0] = '\0';
}

void out_printf(struct out *o, const char *fmt, ...)
{
	size_t room = o->size - o->len;
	va_list ap;
	int n;

	if (o->full || !room) {
		o->full = true;
		return;
	}
	va_start(ap, fmt);
	n = fmt_vsnprintf(o->buf + o->len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		o->full = true;
		return;
	}
	o->len += (size_t)n;
}

/* Appends c, keeping the text NUL-terminated. */
void out_char(struct out *o, char c)
{
	if (o->full || o->len + 1 >= o->size) {
		o->full = true;
		return;
	}
	o->buf[o->len++] = c;
	o->buf[o->len] = '\0';
}

void out_str(struct out *o, const char *s)
{
	while (*s)
		out_char(o, *s++);
}

/* The length written, or -ENOSPC with the buffer emptied. */
int out_finish(struct out *o)
{
	if (o->full || !o->size || o->len > INT_LIMIT) {
		if (o->size)
			o->buf[0] = '\0';
		return -ENOSPC;
	}
	return (int)o->len;
}

const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

bool str_is(const char *s, const char *want)
{
	return !strcmp(str_or_empty(s), want);
}


/* A JSON string literal: quote, backslash and control characters escaped;
 * bytes outside ASCII become \u00XX so the document is always valid
 * UTF-8 whatever the hypervisor's strings hold. */
void out_json_string(struct out *o, const char *s)
{
	out_char(o, '"');
	for (s = str_or_empty(s); *s; s++) {
		u8 c = (u8)*s;

		if (c == '"')
			out_str(o, "\\\"");
		else if (c == '\\')
			out_str(o, "\\\\");
		else if (c == '\n')
			out_str(o, "\\n");
		else if (c == '\r')
			out_str(o, "\\r");
		else if (c == '\t')
			out_str(o, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			out_printf(o, "\\u%04x", c);
		else
			out_char(o, (char)c);
	}
	out_char(o, '"');
}

/* "  "key": "value"," with the indent and separator given. */
void json_str_field(struct out *o, const char *indent, const char *key, const char *value,
			   bool last)
{
	out_printf(o, "%s\"%s\": ", indent, key);
	out_json_string(o, value);
	out_str(o, last ? "\n" : ",\n");
}

void json_u64_field(struct out *o, const char *indent, const char *key, u64 value,
			   bool last)
{
	out_printf(o, "%s\"%s\": %llu%s\n", indent, key, value,
		   last ? "" : ",");
}



/* A label value: backslash, double quote and newline escaped as the format
 * asks; other control characters and non-ASCII bytes become '?', so the
 * output stays valid UTF-8. */
void out_label_value(struct out *o, const char *s)
{
	for (s = str_or_empty(s); *s; s++) {
		u8 c = (u8)*s;

		if (c == '\\')
			out_str(o, "\\\\");
		else if (c == '"')
			out_str(o, "\\\"");
		else if (c == '\n')
			out_str(o, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			out_char(o, '?');
		else
			out_char(o, (char)c);
	}
}

void metric_family(struct out *o, const char *name, const char *type, const char *help)
{
	out_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{label="value"} N */
void metric_labeled(struct out *o, const char *name, const char *label, const char *value,
			   u64 n)
{
	out_printf(o, "%s{%s=\"", name, label);
	out_label_value(o, value);
	out_printf(o, "\"} %llu\n", n);
}

void metric_scalar(struct out *o, const char *name, const char *type, const char *help,
			  u64 n)
{
	metric_family(o, name, type, help);
	out_printf(o, "%s %llu\n", name, n);
}

void json_bool_field(struct out *o, const char *indent, const char *key, bool value, bool last)
{
	out_printf(o, "%s\"%s\": %s%s\n", indent, key, value ? "true" : "false", last ? "" : ",");
}
