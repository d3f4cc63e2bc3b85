/*
 * A bounded JSON walker for hvctl (see hvctl.h): recursive descent over
 * a buffer of known length, nesting capped, every index checked against
 * the end; nothing is allocated. Only scalars are reported, with the path
 * of keys that leads to them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hvctl.h"

struct scan {
	const char *p, *start, *end;
	int depth;
	char path[JSON_PATH_MAX];
	char text[JSON_TEXT_MAX];
	json_scalar_fn fn;
	void *ctx;
	char *why;
	size_t why_size;
	bool failed;
};

static int fail(struct scan *s, const char *what)
{
	if (!s->failed)
		snprintf(s->why, s->why_size, "malformed JSON at byte %zu: %s",
			 (size_t)(s->p - s->start), what);
	s->failed = true;
	return -1;
}

static void skip_space(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static bool at(struct scan *s, char c)
{
	return s->p < s->end && *s->p == c;
}

/* Appends c to the text being decoded, dropping what does not fit. */
static void text_put(char *text, size_t *n, char c)
{
	if (*n + 1 < JSON_TEXT_MAX)
		text[(*n)++] = c;
	text[*n] = '\0';
}

static int hex4(struct scan *s, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++, s->p++) {
		char c;

		if (s->p >= s->end)
			return fail(s, "a \\u escape cut short");
		c = *s->p;
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*v |= (unsigned)((c | 0x20) - 'a' + 10);
		else
			return fail(s, "a bad \\u escape");
	}
	return 0;
}

/* One escape after the backslash. */
static int escape(struct scan *s, char *text, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	unsigned v;

	if (s->p >= s->end)
		return fail(s, "a string cut short");
	hit = memchr(from, *s->p, sizeof(from) - 1);
	if (hit) {
		text_put(text, n, to[hit - from]);
		s->p++;
		return 0;
	}
	if (*s->p != 'u')
		return fail(s, "an unknown escape");
	s->p++;
	if (hex4(s, &v))
		return -1;
	text_put(text, n, v >= 0x20 && v < 0x7f ? (char)v : '?');
	return 0;
}

/* A string into text (its first JSON_TEXT_MAX - 1 bytes). */
static int string(struct scan *s, char *text)
{
	size_t n = 0;

	text[0] = '\0';
	s->p++; /* the opening quote */
	for (;;) {
		u8 c;

		if (s->p >= s->end)
			return fail(s, "a string cut short");
		c = (u8)*s->p++;
		if (c == '"')
			return 0;
		if (c < 0x20)
			return fail(s, "a control character in a string");
		if (c == '\\') {
			if (escape(s, text, &n))
				return -1;
		} else {
			text_put(text, &n, c < 0x7f ? (char)c : '?');
		}
	}
}

static bool digit(struct scan *s)
{
	return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? into s->text. */
static int number(struct scan *s)
{
	const char *begin = s->p;
	size_t len;

	if (at(s, '-'))
		s->p++;
	if (!digit(s))
		return fail(s, "a bad number");
	if (*s->p == '0')
		s->p++;
	else
		while (digit(s))
			s->p++;
	if (at(s, '.')) {
		s->p++;
		if (!digit(s))
			return fail(s, "a bad fraction");
		while (digit(s))
			s->p++;
	}
	if (at(s, 'e') || at(s, 'E')) {
		s->p++;
		if (at(s, '+') || at(s, '-'))
			s->p++;
		if (!digit(s))
			return fail(s, "a bad exponent");
		while (digit(s))
			s->p++;
	}
	len = (size_t)(s->p - begin);
	if (len >= JSON_TEXT_MAX)
		len = JSON_TEXT_MAX - 1;
	memcpy(s->text, begin, len);
	s->text[len] = '\0';
	return 0;
}

static int literal(struct scan *s, const char *word, enum json_kind kind)
{
	size_t n = strlen(word);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n))
		return fail(s, "an unexpected character");
	s->p += n;
	s->text[0] = '\0';
	s->fn(s->ctx, s->path, kind, s->text);
	return 0;
}

static int value(struct scan *s);

/* Adds ".key" (or "key" at the top) to the path; returns the old length. */
static size_t path_push(struct scan *s, const char *key)
{
	size_t old = strlen(s->path);

	snprintf(s->path + old, sizeof(s->path) - old, "%s%s", old ? "." : "", key);
	return old;
}

static int object(struct scan *s)
{
	char key[JSON_TEXT_MAX];

	s->p++;
	skip_space(s);
	if (at(s, '}')) {
		s->p++;
		return 0;
	}
	for (;;) {
		size_t old;

		skip_space(s);
		if (!at(s, '"'))
			return fail(s, "a key expected");
		if (string(s, key))
			return -1;
		skip_space(s);
		if (!at(s, ':'))
			return fail(s, "':' expected");
		s->p++;
		old = path_push(s, key);
		if (value(s))
			return -1;
		s->path[old] = '\0';
		skip_space(s);
		if (at(s, '}')) {
			s->p++;
			return 0;
		}
		if (!at(s, ','))
			return fail(s, "',' or '}' expected");
		s->p++;
	}
}

static int array(struct scan *s)
{
	size_t old = strlen(s->path);

	s->p++;
	skip_space(s);
	if (at(s, ']')) {
		s->p++;
		return 0;
	}
	snprintf(s->path + old, sizeof(s->path) - old, "[]");
	for (;;) {
		if (value(s))
			return -1;
		skip_space(s);
		if (at(s, ']')) {
			s->p++;
			s->path[old] = '\0';
			return 0;
		}
		if (!at(s, ','))
			return fail(s, "',' or ']' expected");
		s->p++;
	}
}

static int value(struct scan *s)
{
	int r;

	skip_space(s);
	if (s->p >= s->end)
		return fail(s, "a value expected");
	if (*s->p == '{' || *s->p == '[') {
		if (++s->depth > JSON_DEPTH_MAX)
			return fail(s, "nested too deep");
		r = *s->p == '{' ? object(s) : array(s);
		s->depth--;
		return r;
	}
	if (*s->p == '"') {
		if (string(s, s->text))
			return -1;
		s->fn(s->ctx, s->path, JSON_STRING, s->text);
		return 0;
	}
	if (*s->p == 't')
		return literal(s, "true", JSON_TRUE);
	if (*s->p == 'f')
		return literal(s, "false", JSON_FALSE);
	if (*s->p == 'n')
		return literal(s, "null", JSON_NULL);
	if (number(s))
		return -1;
	s->fn(s->ctx, s->path, JSON_NUMBER, s->text);
	return 0;
}

int json_scan(const char *text, size_t len, json_scalar_fn fn, void *ctx, char *why,
	      size_t why_size)
{
	struct scan s = {
		.p = text, .start = text, .end = text + len, .fn = fn, .ctx = ctx,
		.why = why, .why_size = why_size,
	};

	if (value(&s))
		return -1;
	skip_space(&s);
	if (s.p != s.end)
		return fail(&s, "more after the document");
	return 0;
}
