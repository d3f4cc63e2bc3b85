/*
 * Bounded output for the control endpoint's documents (http_response.c,
 * http_ft.c): everything goes through struct out, which remembers when
 * something did not fit so that a builder returns -ENOSPC instead of a
 * cut document. Also the pieces both documents are made of: JSON fields
 * and Prometheus metric families. Internal to net/http/.
 */
#ifndef UNDERSTUDY_NET_HTTP_HTTP_OUT_H
#define UNDERSTUDY_NET_HTTP_HTTP_OUT_H

#include "compiler.h"
#include "types.h"

#define GAUGE "gauge"
#define COUNTER "counter"

struct out {
	char *buf;
	size_t size;
	size_t len;  /* written so far, excluding the NUL */
	bool full;   /* something did not fit: the result is -ENOSPC */
};

void out_init(struct out *o, char *buf, size_t size);
__printf(2, 3) void out_printf(struct out *o, const char *fmt, ...);
/* Appends c, keeping the text NUL-terminated. */
void out_char(struct out *o, char c);
void out_str(struct out *o, const char *s);
/* The length written, or -ENOSPC with the buffer emptied. */
int out_finish(struct out *o);

/* NULL strings print as "". */
const char *str_or_empty(const char *s);
bool str_is(const char *s, const char *want);

/* A JSON string literal, escaped so that the document stays ASCII. */
void out_json_string(struct out *o, const char *s);
/* "  "key": "value"," with the indent and separator given. */
void json_str_field(struct out *o, const char *indent, const char *key, const char *value,
		    bool last);
void json_u64_field(struct out *o, const char *indent, const char *key, u64 value, bool last);
void json_bool_field(struct out *o, const char *indent, const char *key, bool value, bool last);

/* A label value, escaped as the text format asks. */
void out_label_value(struct out *o, const char *s);
/* # HELP and # TYPE of a family. */
void metric_family(struct out *o, const char *name, const char *type, const char *help);
/* name{label="value"} N */
void metric_labeled(struct out *o, const char *name, const char *label, const char *value, u64 n);
/* A family of one unlabeled sample. */
void metric_scalar(struct out *o, const char *name, const char *type, const char *help, u64 n);

#endif
