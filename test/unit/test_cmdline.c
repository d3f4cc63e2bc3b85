// sources: lib/cmdline.c
/* lib/cmdline.c: the tokenizer and every value parser, valid and not. */
#include "helpers.h"

#include "cmdline.h"
#include "errno.h"

#define MAX_TOKENS 16

struct tokens {
	int result; /* the last cmdline_next return: 0 at the end, or < 0 */
	unsigned count;
	char keys[MAX_TOKENS][64];
	char values[MAX_TOKENS][64];
	bool has_value[MAX_TOKENS];
};

/* Tokenizes line into t, copying keys and values out as C strings. */
static void tokenize(const char *line, struct tokens *t)
{
	const char *cursor = line;
	struct cmdline_token tok;

	memset(t, 0, sizeof(*t));
	while ((t->result = cmdline_next(&cursor, &tok)) == 1) {
		assert_true(t->count < MAX_TOKENS);
		assert_true(tok.key_len < sizeof(t->keys[0]));
		memcpy(t->keys[t->count], tok.key, tok.key_len);
		t->has_value[t->count] = tok.value != NULL;
		if (tok.value) {
			assert_true(tok.value_len < sizeof(t->values[0]));
			memcpy(t->values[t->count], tok.value, tok.value_len);
		}
		t->count++;
	}
}

static void assert_token(const struct tokens *t, unsigned i, const char *key, const char *value)
{
	assert_true(i < t->count);
	assert_string_equal(t->keys[i], key);
	if (value) {
		assert_true(t->has_value[i]);
		assert_string_equal(t->values[i], value);
	} else {
		assert_false(t->has_value[i]);
	}
}

/* --- tokenizer ----------------------------------------------------------- */

static void test_next_separators(void **state)
{
	struct tokens t;

	tokenize("  a=1\tb=2 \t\n\r c=three  ", &t);
	assert_int_equal(t.result, 0);
	assert_int_equal(t.count, 3);
	assert_token(&t, 0, "a", "1");
	assert_token(&t, 1, "b", "2");
	assert_token(&t, 2, "c", "three");
}

static void test_next_empty_lines(void **state)
{
	struct tokens t;

	tokenize("", &t);
	assert_int_equal(t.result, 0);
	assert_int_equal(t.count, 0);
	tokenize(" \t \n", &t);
	assert_int_equal(t.result, 0);
	assert_int_equal(t.count, 0);
}

/* A bare key has no value (NULL); "key=" has an empty one. */
static void test_next_bare_and_empty_values(void **state)
{
	struct tokens t;

	tokenize("flag key= other=x /boot/image", &t);
	assert_int_equal(t.result, 0);
	assert_int_equal(t.count, 4);
	assert_token(&t, 0, "flag", NULL);
	assert_token(&t, 1, "key", "");
	assert_token(&t, 2, "other", "x");
	assert_token(&t, 3, "/boot/image", NULL);
}

/* The value ends at the first space; later '=' are part of it. */
static void test_next_value_with_equals(void **state)
{
	struct tokens t;

	tokenize("a=b=c d", &t);
	assert_int_equal(t.count, 2);
	assert_token(&t, 0, "a", "b=c");
	assert_token(&t, 1, "d", NULL);
}

static void test_next_quoted_values(void **state)
{
	struct tokens t;

	tokenize("guest_args=\"a b\tc\" x=\"\" y=\"=\" z=1", &t);
	assert_int_equal(t.result, 0);
	assert_int_equal(t.count, 4);
	assert_token(&t, 0, "guest_args", "a b\tc");
	assert_token(&t, 1, "x", "");
	assert_token(&t, 2, "y", "=");
	assert_token(&t, 3, "z", "1");
}

/* Quotes group words as in a shell, wherever they are in the word: GRUB's
 * re-quoted "key=a b" is the same token as key="a b". */
static void test_next_shell_quoting(void **state)
{
	struct tokens t;

	tokenize("\"guest_args=a b\" x guest_args=\"a b\" y=x\"y z\"w \"k\"=v", &t);
	assert_int_equal(t.result, 0);
	assert_int_equal(t.count, 5);
	assert_token(&t, 0, "guest_args", "a b");
	assert_token(&t, 1, "x", NULL);
	assert_token(&t, 2, "guest_args", "a b");
	assert_token(&t, 3, "y", "xy zw");
	assert_token(&t, 4, "k", "v");
}

/* A backslash makes the next character literal (GRUB escapes quotes and
 * backslashes so); a final backslash stands for itself. */
static void test_next_backslash_escapes(void **state)
{
	struct tokens t;

	tokenize("a=x\\\"y b=c\\\\d c=\\ e d=\\q e=f\\", &t);
	assert_int_equal(t.result, 0);
	assert_int_equal(t.count, 5);
	assert_token(&t, 0, "a", "x\"y");
	assert_token(&t, 1, "b", "c\\d");
	assert_token(&t, 2, "c", " e");
	assert_token(&t, 3, "d", "q");
	assert_token(&t, 4, "e", "f\\");
}

/* The longest token fits CMDLINE_TOKEN_MAX - 1 bytes (quotes not counted);
 * a longer one fails with -E2BIG and the cursor past it, so the caller can
 * go on with the next token. */
static void test_next_token_length(void **state)
{
	static char line[2 * CMDLINE_TOKEN_MAX + 16];
	const size_t max = CMDLINE_TOKEN_MAX - 1;
	struct cmdline_token tok;
	const char *cursor;

	line[0] = '"';
	memset(line + 1, 'k', max);
	strcpy(line + 1 + max, "\" next");
	cursor = line;
	assert_int_equal(cmdline_next(&cursor, &tok), 1);
	assert_int_equal(tok.key_len, max);
	assert_int_equal(tok.key[max], '\0');
	assert_null(tok.value);
	assert_int_equal(cmdline_next(&cursor, &tok), 1);
	assert_true(cmdline_token_is(&tok, "next"));

	memset(line, 'k', max + 1);
	strcpy(line + max + 1, " next=1");
	cursor = line;
	assert_int_equal(cmdline_next(&cursor, &tok), -E2BIG);
	assert_ptr_equal(cursor, line + max + 1);
	assert_int_equal(cmdline_next(&cursor, &tok), 1);
	assert_true(cmdline_token_is(&tok, "next"));
	assert_int_equal(cmdline_next(&cursor, &tok), 0);
}

/* An unclosed quote fails with the cursor at the end of the line. */
static void test_next_unclosed_quote(void **state)
{
	const char *line = "ok=1 args=\"never closed";
	const char *cursor = line;
	struct cmdline_token tok;

	assert_int_equal(cmdline_next(&cursor, &tok), 1);
	assert_int_equal(cmdline_next(&cursor, &tok), -EINVAL);
	assert_ptr_equal(cursor, line + strlen(line));
	assert_int_equal(cmdline_next(&cursor, &tok), 0);

	line = "\"open";
	cursor = line;
	assert_int_equal(cmdline_next(&cursor, &tok), -EINVAL);
	assert_ptr_equal(cursor, line + strlen(line));
}

/* A token that starts with '=' has an empty key and is refused. */
static void test_next_empty_key(void **state)
{
	struct tokens t;

	tokenize("=x", &t);
	assert_int_equal(t.result, -EINVAL);
	assert_int_equal(t.count, 0);
	tokenize("a=1 =", &t);
	assert_int_equal(t.result, -EINVAL);
	assert_int_equal(t.count, 1);
	tokenize("a=1 =\"q r\"", &t);
	assert_int_equal(t.result, -EINVAL);
	tokenize("\"\" a=1", &t); /* an empty quoted word */
	assert_int_equal(t.result, -EINVAL);
	assert_int_equal(t.count, 0);
}

static void test_token_is(void **state)
{
	const char *cursor = "selftest=on";
	struct cmdline_token tok;

	assert_int_equal(cmdline_next(&cursor, &tok), 1);
	assert_true(cmdline_token_is(&tok, "selftest"));
	assert_false(cmdline_token_is(&tok, "self"));
	assert_false(cmdline_token_is(&tok, "selftests"));
	assert_false(cmdline_token_is(&tok, ""));
}

/* --- value parsers ------------------------------------------------------- */

/* Parses the whole C string s as a u64; returns the parser's result. */
static int u64_of(const char *s, u64 *out)
{
	return cmdline_parse_u64(s, strlen(s), out);
}

static void test_parse_u64_valid(void **state)
{
	u64 v;

	assert_int_equal(u64_of("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(u64_of("12345", &v), 0);
	assert_int_equal(v, 12345);
	assert_int_equal(u64_of("0x1f", &v), 0);
	assert_int_equal(v, 0x1f);
	assert_int_equal(u64_of("0XABCdef", &v), 0);
	assert_int_equal(v, 0xabcdef);
	assert_int_equal(u64_of("007", &v), 0); /* decimal, not octal */
	assert_int_equal(v, 7);
	assert_int_equal(u64_of("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(u64_of("0xffffffffffffffff", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(u64_of("0x0000000000000000000001", &v), 0);
	assert_int_equal(v, 1);
}

static void test_parse_u64_overflow(void **state)
{
	u64 v = 77;

	assert_int_equal(u64_of("18446744073709551616", &v), -ERANGE);
	assert_int_equal(u64_of("99999999999999999999", &v), -ERANGE);
	assert_int_equal(u64_of("0x10000000000000000", &v), -ERANGE);
	assert_int_equal(v, 77); /* untouched on error */
}

static void test_parse_u64_garbage(void **state)
{
	static const char *const bad[] = {
		"", "x", "0x", "-1", "+1", " 1", "1 ", "12a", "0xg", "0x-1", "1.5", "0b101",
	};
	u64 v = 77;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (u64_of(bad[i], &v) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
	assert_int_equal(v, 77);
}

/* Only len bytes are read: digits after it do not count. */
static void test_parse_u64_length_bound(void **state)
{
	u64 v;

	assert_int_equal(cmdline_parse_u64("123456", 3, &v), 0);
	assert_int_equal(v, 123);
	assert_int_equal(cmdline_parse_u64("0x10", 2, &v), -EINVAL); /* "0x" */
	assert_int_equal(cmdline_parse_u64("0x10", 1, &v), 0);
	assert_int_equal(v, 0);
}

static void test_parse_size(void **state)
{
	static const struct {
		const char *text;
		u64 value;
	} good[] = {
		{ "0", 0 },           { "4096", 4096 },     { "4k", KiB(4) },
		{ "4K", KiB(4) },     { "16m", MiB(16) },   { "16M", MiB(16) },
		{ "2g", GiB(2) },     { "2G", GiB(2) },     { "3t", 3ULL << 40 },
		{ "3T", 3ULL << 40 }, { "0x10M", MiB(16) }, { "16777215T", 16777215ULL << 40 },
	};
	u64 v;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		if (cmdline_parse_size(good[i].text, strlen(good[i].text), &v))
			fail_msg("\"%s\" was refused", good[i].text);
		assert_true(v == good[i].value);
	}
}

static void test_parse_size_errors(void **state)
{
	u64 v = 5;

	assert_int_equal(cmdline_parse_size("", 0, &v), -EINVAL);
	assert_int_equal(cmdline_parse_size("K", 1, &v), -EINVAL);
	assert_int_equal(cmdline_parse_size("4KB", 3, &v), -EINVAL);
	assert_int_equal(cmdline_parse_size("4P", 2, &v), -EINVAL);
	assert_int_equal(cmdline_parse_size("-4K", 3, &v), -EINVAL);
	assert_int_equal(cmdline_parse_size("16777216T", 9, &v), -ERANGE);
	assert_int_equal(cmdline_parse_size("17179869184G", 12, &v), -ERANGE);
	assert_int_equal(cmdline_parse_size("18014398509481984K", 18, &v), -ERANGE);
	assert_int_equal(cmdline_parse_size("99999999999999999999", 20, &v), -ERANGE);
	assert_int_equal(v, 5);
	assert_int_equal(cmdline_parse_size("18014398509481983K", 18, &v), 0);
	assert_true(v == 18014398509481983ULL << 10);
}

static void test_parse_bool(void **state)
{
	static const char *const yes[] = { "on", "yes", "true", "1" };
	static const char *const no[] = { "off", "no", "false", "0" };
	static const char *const bad[] = { "", "On", "YES", "2", "tru", "truee", "onn", "o" };
	bool b;

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		b = false;
		assert_int_equal(cmdline_parse_bool(yes[i], strlen(yes[i]), &b), 0);
		assert_true(b);
	}
	for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
		b = true;
		assert_int_equal(cmdline_parse_bool(no[i], strlen(no[i]), &b), 0);
		assert_false(b);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		b = true;
		if (cmdline_parse_bool(bad[i], strlen(bad[i]), &b) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_true(b);
	}
	assert_int_equal(cmdline_parse_bool("onward", 2, &b), 0); /* "on" */
}

static int ipv4_of(const char *s, u32 *out)
{
	return cmdline_parse_ipv4(s, strlen(s), out);
}

static void test_parse_ipv4_valid(void **state)
{
	u32 a;

	assert_int_equal(ipv4_of("10.0.2.15", &a), 0);
	assert_int_equal(a, 0x0A00020F);
	assert_int_equal(ipv4_of("0.0.0.0", &a), 0);
	assert_int_equal(a, 0);
	assert_int_equal(ipv4_of("255.255.255.255", &a), 0);
	assert_int_equal(a, 0xFFFFFFFF);
	assert_int_equal(ipv4_of("192.168.1.254", &a), 0);
	assert_int_equal(a, 0xC0A801FE);
	assert_int_equal(cmdline_parse_ipv4("1.2.3.4.5", 7, &a), 0); /* "1.2.3.4" */
	assert_int_equal(a, 0x01020304);
}

static void test_parse_ipv4_invalid(void **state)
{
	static const char *const bad[] = {
		"",          "256.1.1.1", "1.1.1.256", "1.2.3",    "1.2.3.",   "1.2..4",
		".1.2.3",    "1.2.3.4.",  "1.2.3.4.5", "1.2.3.4x", "1.2.3.4 ", " 1.2.3.4",
		"a.b.c.d",   "1234.1.1.1", "1.1.1.0001", "1.2.3.999", "-1.2.3.4", "1,2,3,4",
		"1.2.3.+4",  "999999999999.1.1.1",
	};
	u32 a = 0x11223344;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (ipv4_of(bad[i], &a) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
	assert_int_equal(a, 0x11223344);
}

static void test_parse_mac(void **state)
{
	static const u8 want[6] = { 0x52, 0x54, 0x00, 0xAB, 0xcd, 0xEF };
	u8 mac[6];

	assert_int_equal(cmdline_parse_mac("52:54:00:ab:CD:ef", 17, mac), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(cmdline_parse_mac("ff:ff:ff:ff:ff:ff", 17, mac), 0);
	assert_memory_equal(mac, "\xff\xff\xff\xff\xff\xff", 6);
}

static void test_parse_mac_invalid(void **state)
{
	static const char *const bad[] = {
		"",                  "52:54:00:ab:cd",     "52:54:00:ab:cd:e",
		"52:54:00:ab:cd:ef:", "52-54-00-ab-cd-ef", "52:54:00:ab:cd:eg",
		"5:254:00:ab:cd:ef", "52:54:00:ab:cd:efa", " 52:54:00:ab:cd:e",
		"g2:54:00:ab:cd:ef",
	};
	u8 mac[6] = { 1, 2, 3, 4, 5, 6 };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (cmdline_parse_mac(bad[i], strlen(bad[i]), mac) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
	assert_memory_equal(mac, "\1\2\3\4\5\6", 6); /* untouched on error */
}

/* The value of one key never reaches the output; every other word is
 * copied as written, quotes and all. */
static void test_redact(void **state)
{
	char out[128];

	cmdline_redact("log=debug ft_key=00112233445566778899aabbccddeeff guest_args=\"a b\"",
		       "ft_key", out, sizeof(out));
	assert_string_equal(out, "log=debug ft_key=(hidden) guest_args=\"a b\"");
	cmdline_redact("  \"ft_key=0011 2233\"\tip=10.0.0.1  ", "ft_key", out, sizeof(out));
	assert_string_equal(out, "ft_key=(hidden) ip=10.0.0.1");
	cmdline_redact("ft_key ft_keyx=1 ft_key=", "ft_key", out, sizeof(out));
	assert_string_equal(out, "ft_key ft_keyx=1 ft_key=(hidden)");
	cmdline_redact("a=1 b=\"open", "ft_key", out, sizeof(out));
	assert_string_equal(out, "a=1 ...");
	cmdline_redact(NULL, "ft_key", out, sizeof(out));
	assert_string_equal(out, "");
	cmdline_redact("log=debug ft_key=0011", "ft_key", out, 8);
	assert_string_equal(out, "log=deb");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_separators),
		cmocka_unit_test(test_next_empty_lines),
		cmocka_unit_test(test_next_bare_and_empty_values),
		cmocka_unit_test(test_next_value_with_equals),
		cmocka_unit_test(test_next_quoted_values),
		cmocka_unit_test(test_next_shell_quoting),
		cmocka_unit_test(test_next_backslash_escapes),
		cmocka_unit_test(test_next_token_length),
		cmocka_unit_test(test_next_unclosed_quote),
		cmocka_unit_test(test_next_empty_key),
		cmocka_unit_test(test_token_is),
		cmocka_unit_test(test_parse_u64_valid),
		cmocka_unit_test(test_parse_u64_overflow),
		cmocka_unit_test(test_parse_u64_garbage),
		cmocka_unit_test(test_parse_u64_length_bound),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_size_errors),
		cmocka_unit_test(test_parse_bool),
		cmocka_unit_test(test_parse_ipv4_valid),
		cmocka_unit_test(test_parse_ipv4_invalid),
		cmocka_unit_test(test_parse_mac),
		cmocka_unit_test(test_parse_mac_invalid),
		cmocka_unit_test(test_redact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
