/* Tokenizer and value parsers for "key=value" command lines (lib/cmdline.c).
 * Values may be double-quoted to hold spaces: guest_args="a b". */
#ifndef UNDERSTUDY_CMDLINE_H
#define UNDERSTUDY_CMDLINE_H

#include "types.h"

struct cmdline_token {
	const char *key;
	size_t key_len;
	const char *value; /* without surrounding quotes; NULL when no '=' */
	size_t value_len;
};

/*
 * Reads the next token at *cursor and advances it. Returns 1 with *tok set,
 * 0 at the end of the line, or -EINVAL (with *cursor at the end) when a
 * quoted value is not closed or a token has an empty key.
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

#endif
