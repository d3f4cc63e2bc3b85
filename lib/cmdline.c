/* Command-line tokenizer and value parsers. The command line is outside
 * input: every parser checks length and range, and the host fuzzes them. */
#include "cmdline.h"

#include <string.h>

#include "compiler.h"
#include "errno.h"
#include "hexdigit.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copies one whitespace-delimited word into tok->buf, removing quotes and
 * escapes; returns its length, -EINVAL for an open quote, -E2BIG. */
static int unquote_word(const char **cursor, struct cmdline_token *tok)
{
	const char *p = *cursor;
	bool quoted = false, too_long = false;
	size_t n = 0;

	for (; *p && (quoted || !is_space(*p)); p++) {
		char c = *p;

		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (c == '\\' && p[1])
			c = *++p;
		if (n + 1 < sizeof(tok->buf))
			tok->buf[n++] = c;
		else
			too_long = true;
	}
	*cursor = p;
	tok->buf[n] = '\0';
	if (quoted)
		return -EINVAL;
	return too_long ? -E2BIG : (int)n;
}

int cmdline_next(const char **cursor, struct cmdline_token *tok)
{
	const char *p = *cursor, *eq;
	int len;

	while (is_space(*p))
		p++;
	*cursor = p;
	if (!*p)
		return 0;
	len = unquote_word(cursor, tok);
	tok->key = tok->buf;
	tok->value = NULL;
	tok->value_len = 0;
	if (len < 0) {
		tok->key_len = 0;
		return len;
	}
	eq = memchr(tok->buf, '=', (size_t)len);
	tok->key_len = eq ? (size_t)(eq - tok->buf) : (size_t)len;
	if (eq) {
		tok->value = eq + 1;
		tok->value_len = (size_t)len - tok->key_len - 1;
	}
	return tok->key_len ? 1 : -EINVAL;
}

bool cmdline_token_is(const struct cmdline_token *tok, const char *key)
{
	return strlen(key) == tok->key_len && !strncmp(tok->key, key, tok->key_len);
}

/* Appends n bytes of s to out[*len], as far as size allows (NUL kept). */
static void append(char *out, size_t size, size_t *len, const char *s, size_t n)
{
	n = MIN(n, size - 1 - *len);
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
}

void cmdline_redact(const char *line, const char *hidden_key, char *out, size_t size)
{
	static struct cmdline_token tok; /* 4 KiB: not on the boot stack */
	const char *cursor = line ? line : "";
	size_t len = 0;

	if (!size)
		return;
	out[0] = '\0';
	for (;;) {
		const char *start;
		int r;

		while (is_space(*cursor))
			cursor++;
		start = cursor;
		r = cmdline_next(&cursor, &tok);
		if (!r)
			return;
		if (len)
			append(out, size, &len, " ", 1);
		if (r == -E2BIG) {
			append(out, size, &len, "(a word too long)", 17);
		} else if (r < 0) {
			append(out, size, &len, "...", 3);
			return;
		} else if (cmdline_token_is(&tok, hidden_key)) {
			append(out, size, &len, tok.key, tok.key_len);
			append(out, size, &len, "=(hidden)", tok.value ? 9 : 0);
		} else {
			append(out, size, &len, start, (size_t)(cursor - start));
		}
	}
}

int cmdline_parse_u64(const char *s, size_t len, u64 *out)
{
	unsigned base = 10;
	u64 v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int d = hex_digit(s[i]);

		if (d < 0 || (unsigned)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - (u64)d) / base)
			return -ERANGE;
		v = v * base + (u64)d;
	}
	*out = v;
	return 0;
}

int cmdline_parse_size(const char *s, size_t len, u64 *out)
{
	unsigned shift = 0;
	u64 v;
	int err;

	if (len == 0)
		return -EINVAL;
	switch (s[len - 1]) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	case 't': case 'T': shift = 40; break;
	default: break;
	}
	if (shift)
		len--;
	err = cmdline_parse_u64(s, len, &v);
	if (err)
		return err;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

static bool word_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && !strncmp(s, word, len);
}

int cmdline_parse_bool(const char *s, size_t len, bool *out)
{
	if (word_is(s, len, "on") || word_is(s, len, "yes") || word_is(s, len, "true") ||
	    word_is(s, len, "1")) {
		*out = true;
		return 0;
	}
	if (word_is(s, len, "off") || word_is(s, len, "no") || word_is(s, len, "false") ||
	    word_is(s, len, "0")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

int cmdline_parse_ipv4(const char *s, size_t len, u32 *out)
{
	u32 addr = 0;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		u32 octet = 0;
		size_t digits = 0;

		while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			octet = octet * 10 + (u32)(s[i++] - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || octet > 255)
			return -EINVAL;
		addr = addr << 8 | octet;
		if (part < 3) {
			if (i >= len || s[i] != '.')
				return -EINVAL;
			i++;
		}
	}
	if (i != len)
		return -EINVAL;
	*out = addr;
	return 0;
}

int cmdline_parse_mac(const char *s, size_t len, u8 out[6])
{
	u8 mac[6];

	if (len != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		int hi = hex_digit(s[i * 3]), lo = hex_digit(s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return -EINVAL;
		mac[i] = (u8)(hi << 4 | lo);
	}
	memcpy(out, mac, 6);
	return 0;
}
