/* Tokenizer and value parsers for "key=value" command lines (lib/cmdline.c).
 * Double quotes group words as in a shell: guest_args="a b" and GRUB's
 * re-quoted form "guest_args=a b" are the same token; a backslash makes the
 * next character literal (GRUB escapes quotes and backslashes that way). */
#ifndef UNDERSTUDY_CMDLINE_H
#define UNDERSTUDY_CMDLINE_H

#include "types.h"

#define CMDLINE_TOKEN_MAX 4352 /* key=value with a 4 KiB value (guest_args) */

struct cmdline_token {
	const char *key;   /* points into buf */
	size_t key_len;
	const char *value; /* after the first '='; NULL when there is none */
	size_t value_len;
	char buf[CMDLINE_TOKEN_MAX]; /* the token with quotes and escapes removed */
};

/*
 * Reads the next token at *cursor and advances it. Returns 1 with *tok set,
 * 0 at the end of the line, -EINVAL (with *cursor at the end) when a quote
 * is not closed or a token has an empty key, or -E2BIG (with *cursor past
 * the token) when a token is longer than CMDLINE_TOKEN_MAX - 1.
 */
int cmdline_next(const char **cursor, struct cmdline_token *tok);

/* Decimal or 0x-prefixed hexadecimal, no sign, no overflow. */
int cmdline_parse_u64(const char *s, size_t len, u64 *out);

/* A u64 with an optional K, M, G or T suffix (binary multiples). */
int cmdline_parse_size(const char *s, size_t len, u64 *out);

/* on/off, yes/no, true/false, 1/0. */
int cmdline_parse_bool(const char *s, size_t len, bool *out);

/* Dotted-quad IPv4 address, returned in host order (a.b.c.d = a<<24 | ...). */
int cmdline_parse_ipv4(const char *s, size_t len, u32 *out);

/* Six hex octets separated by ':'. */
int cmdline_parse_mac(const char *s, size_t len, u8 out[6]);

bool cmdline_token_is(const struct cmdline_token *tok, const char *key);

/*
 * Copies line into out (size bytes, always NUL-terminated, cut to fit),
 * word for word, with the value of every word whose key is hidden_key
 * written as "(hidden)": a secret on the command line (ft_key=) never
 * reaches the log. A word that does not parse ends the copy with "...".
 * Not reentrant (one static token).
 */
void cmdline_redact(const char *line, const char *hidden_key, char *out, size_t size);

#endif
