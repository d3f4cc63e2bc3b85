#include "cmdline.h"
#include "string.h"

static const char *line = "";

void cmdline_set(const char *cmdline) { line = cmdline ? cmdline : ""; }

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Walks the tokens; for each one containing '=', splits at the first '='. */
void cmdline_each(void (*fn)(const char *key, size_t klen, const char *val, size_t vlen, void *arg),
		  void *arg)
{
	const char *p = line;
	for (;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			return;
		const char *tok = p;
		while (*p && !is_space(*p))
			p++;
		const char *eq = tok;
		while (eq < p && *eq != '=')
			eq++;
		if (eq < p && eq > tok)
			fn(tok, (size_t)(eq - tok), eq + 1, (size_t)(p - eq - 1), arg);
	}
}

struct lookup {
	const char *key;
	char *buf;
	size_t size;
	bool found;
};

static void lookup_one(const char *key, size_t klen, const char *val, size_t vlen, void *arg)
{
	struct lookup *l = arg;
	if (strlen(l->key) != klen || strncmp(key, l->key, klen) != 0)
		return;
	size_t n = vlen < l->size - 1 ? vlen : l->size - 1;
	for (size_t i = 0; i < n; i++)
		l->buf[i] = val[i];
	l->buf[n] = '\0';
	l->found = true;
}

bool cmdline_get(const char *key, char *buf, size_t size)
{
	struct lookup l = { key, buf, size, false };
	if (!size)
		return false;
	cmdline_each(lookup_one, &l);
	return l.found;
}

bool cmdline_is(const char *key, const char *value)
{
	char buf[64];
	return cmdline_get(key, buf, sizeof(buf)) && strlen(value) < sizeof(buf) &&
	       strncmp(buf, value, sizeof(buf)) == 0;
}
