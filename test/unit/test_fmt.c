// sources: lib/fmt.c
/*
 * lib/fmt.c against the C library's snprintf: every flag, width, precision,
 * length modifier and conversion the formatter documents, plus its own
 * rules for truncation, unknown conversions and a trailing '%'.
 */
#include "helpers.h"

#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>

#include "fmt.h"

#define OUT_MAX 512

static unsigned long comparisons;

/* Formats with fmt_vsnprintf and the C library; fails on any difference in
 * the text or the returned length. */
static void __printf(1, 2) check_same(const char *fmt, ...)
{
	char want[OUT_MAX], got[OUT_MAX];
	va_list ap, ap2;
	int nwant, ngot;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	nwant = vsnprintf(want, sizeof(want), fmt, ap);
	ngot = fmt_vsnprintf(got, sizeof(got), fmt, ap2);
	va_end(ap2);
	va_end(ap);
	comparisons++;
	if (nwant != ngot || strcmp(want, got))
		fail_msg("format \"%s\": got \"%s\" (%d), C library \"%s\" (%d)", fmt, got, ngot,
			 want, nwant);
}

/* Formats with fmt_snprintf only and compares with a fixed expectation. */
#define check_fmt(expect, ...)                                                      \
	do {                                                                        \
		char out_[OUT_MAX];                                                 \
		int n_ = fmt_snprintf(out_, sizeof(out_), __VA_ARGS__);             \
		assert_string_equal(out_, (expect));                                \
		assert_int_equal(n_, (int)strlen(expect));                          \
	} while (0)

enum arg_kind { ARG_INT, ARG_LONG, ARG_LLONG, ARG_SIZE, ARG_INTMAX, ARG_PTRDIFF };

struct length_mod {
	const char *text;
	enum arg_kind kind;
};

static const struct length_mod lengths[] = {
	{ "", ARG_INT },       { "hh", ARG_INT },       { "h", ARG_INT },
	{ "l", ARG_LONG },     { "ll", ARG_LLONG },     { "z", ARG_SIZE },
	{ "j", ARG_INTMAX },   { "t", ARG_PTRDIFF },
};

static const char *const widths[] = { "", "1", "6", "25" };
static const char *const precisions[] = { "", ".", ".0", ".1", ".4", ".22" };

/* Passes v as the C type the length modifier expects, signed. */
static void check_signed(const char *fmt, enum arg_kind kind, long long v)
{
	switch (kind) {
	case ARG_INT: check_same(fmt, (int)v); break;
	case ARG_LONG: check_same(fmt, (long)v); break;
	case ARG_LLONG: check_same(fmt, v); break;
	case ARG_SIZE: check_same(fmt, (ssize_t)v); break;
	case ARG_INTMAX: check_same(fmt, (intmax_t)v); break;
	case ARG_PTRDIFF: check_same(fmt, (ptrdiff_t)v); break;
	}
}

/* Passes v as the C type the length modifier expects, unsigned. */
static void check_unsigned(const char *fmt, enum arg_kind kind, unsigned long long v)
{
	switch (kind) {
	case ARG_INT: check_same(fmt, (unsigned)v); break;
	case ARG_LONG: check_same(fmt, (unsigned long)v); break;
	case ARG_LLONG: check_same(fmt, v); break;
	case ARG_SIZE: check_same(fmt, (size_t)v); break;
	case ARG_INTMAX: check_same(fmt, (uintmax_t)v); break;
	case ARG_PTRDIFF: check_same(fmt, (size_t)v); break;
	}
}

/* Writes the subset `mask` of the characters in set into out. */
static void flag_subset(const char *set, unsigned mask, char *out)
{
	for (unsigned i = 0; set[i]; i++)
		if (mask & (1u << i))
			*out++ = set[i];
	*out = '\0';
}

static const long long signed_values[] = {
	0, 1, -1, 7, -42, 99, 127, 128, -128, -129, 255, 256, 32767, -32768, 65535,
	70000, -70000, INT_MAX, INT_MIN, (long long)INT_MAX + 1, 1234567890123LL,
	-1234567890123LL, LLONG_MAX, LLONG_MIN, INT64_MIN + 1,
};

static const unsigned long long unsigned_values[] = {
	0, 1, 7, 8, 9, 10, 15, 16, 0123, 255, 256, 4095, 65535, 65536, UINT_MAX,
	(unsigned long long)UINT_MAX + 1, 0xDEADBEEFCAFEULL, 0x8000000000000000ULL,
	ULLONG_MAX,
};

/* d and i over flags "-0+ ", widths, precisions, all length modifiers. */
static void test_signed_matrix(void **state)
{
	static const char convs[] = "di";
	char fmt[64], flags[8];

	comparisons = 0;
	for (unsigned c = 0; convs[c]; c++)
		for (unsigned m = 0; m < 16; m++)
			for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
				for (size_t p = 0; p < ARRAY_SIZE(precisions); p++)
					for (size_t l = 0; l < ARRAY_SIZE(lengths); l++) {
						flag_subset("-0+ ", m, flags);
						snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flags,
							 widths[w], precisions[p], lengths[l].text,
							 convs[c]);
						for (size_t v = 0; v < ARRAY_SIZE(signed_values); v++)
							check_signed(fmt, lengths[l].kind,
								     signed_values[v]);
					}
	assert_true(comparisons == 2 * 16 * ARRAY_SIZE(widths) * ARRAY_SIZE(precisions) *
				   ARRAY_SIZE(lengths) * ARRAY_SIZE(signed_values));
}

/* u, x, X and o over flags "-0+ #" (sign flags must be ignored), widths,
 * precisions and all length modifiers. */
static void test_unsigned_matrix(void **state)
{
	static const char convs[] = "uxXo";
	char fmt[64], flags[8];

	comparisons = 0;
	for (unsigned c = 0; convs[c]; c++)
		for (unsigned m = 0; m < 32; m++)
			for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
				for (size_t p = 0; p < ARRAY_SIZE(precisions); p++)
					for (size_t l = 0; l < ARRAY_SIZE(lengths); l++) {
						flag_subset("-0+ #", m, flags);
						snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%c>", flags,
							 widths[w], precisions[p], lengths[l].text,
							 convs[c]);
						for (size_t v = 0; v < ARRAY_SIZE(unsigned_values); v++)
							check_unsigned(fmt, lengths[l].kind,
								       unsigned_values[v]);
					}
	assert_true(comparisons > 100000);
}

/* s with '-', widths and precisions (precision cuts the string). */
static void test_string_matrix(void **state)
{
	static const char *const strs[] = { "", "a", "hello", "hello world", "tab\there" };
	static const char *const sw[] = { "", "1", "3", "10", "0" };
	static const char *const sp[] = { "", ".", ".0", ".2", ".5", ".30" };
	char fmt[64];

	comparisons = 0;
	for (unsigned left = 0; left < 2; left++)
		for (size_t w = 0; w < ARRAY_SIZE(sw); w++)
			for (size_t p = 0; p < ARRAY_SIZE(sp); p++)
				for (size_t s = 0; s < ARRAY_SIZE(strs); s++) {
					snprintf(fmt, sizeof(fmt), "(%%%s%s%ss)", left ? "-" : "",
						 sw[w], sp[p]);
					check_same(fmt, strs[s]);
				}
	assert_true(comparisons == 2 * ARRAY_SIZE(sw) * ARRAY_SIZE(sp) * ARRAY_SIZE(strs));
}

/* c with '-' and widths; p with '-' and widths on non-NULL pointers. */
static void test_char_and_pointer_matrix(void **state)
{
	static const int chars[] = { 'a', ' ', '%', 'Z', 0x7f, 0xE9 };
	static const char *const cw[] = { "", "1", "2", "7", "-1", "-5" };
	static const uptr ptrs[] = { 1, 0x1000, 0xFFFF800000001234ULL, UINTPTR_MAX };
	char fmt[32];
	int local;

	for (size_t w = 0; w < ARRAY_SIZE(cw); w++) {
		for (size_t c = 0; c < ARRAY_SIZE(chars); c++) {
			snprintf(fmt, sizeof(fmt), "'%%%sc'", cw[w]);
			check_same(fmt, chars[c]);
		}
		snprintf(fmt, sizeof(fmt), "{%%%sp}", cw[w]);
		for (size_t p = 0; p < ARRAY_SIZE(ptrs); p++)
			check_same(fmt, (void *)ptrs[p]);
		check_same(fmt, (void *)&local);
	}
	check_same("%p %p", (void *)test_char_and_pointer_matrix, (void *)&local);
}

/* Width and precision taken from the argument list, negative ones included. */
static void test_star(void **state)
{
	check_same("[%*d]", 5, 42);
	check_same("[%*d]", -5, 42);
	check_same("[%*d]", 0, 42);
	check_same("[%0*d]", 6, -42);
	check_same("[%0*d]", -6, -42);
	check_same("[%.*d]", 4, 42);
	check_same("[%.*d]", -1, 42);
	check_same("[%.*d]", 0, 0);
	check_same("[%*.*d]", 8, 3, 7);
	check_same("[%*.*x]", -8, -3, 0xab);
	check_same("[%-*.*s]", 10, 3, "abcdef");
	check_same("[%.*s]", -1, "abcdef");
	check_same("[%*s|%*s]", 4, "a", -4, "b");
	check_same("[%*c]", 3, 'q');
	check_same("[%*lld]", 25, LLONG_MIN);
}

/*
 * From here on the formats are odd on purpose (flags C ignores, conversions
 * the formatter does not know, NULL strings): silence the compiler's checks.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"

/* The exact cases C gets subtle about. */
static void test_c_corner_cases(void **state)
{
	check_same("%lld", (long long)INT64_MIN);
	check_same("%" PRId64 "|%" PRIu64 "|%" PRIx64, INT64_MIN, UINT64_MAX, UINT64_MAX);
	check_same("%d|%i", INT_MIN, INT_MIN);
	check_same("%.0d|%.0i|%.0u|%.0x|%.0X|%.0o", 0, 0, 0u, 0u, 0u, 0u);
	check_same("%#.0o|%#.0x|%+.0d|% .0d|%5.0d|%-5.0d|", 0u, 0u, 0, 0, 0, 0);
	check_same("%#x|%#X|%#o|%#5x|%#05x|%#-5o|", 0u, 0u, 0u, 0u, 0u, 0u);
	check_same("%#x|%#X|%#o|%#08x|%#.4x|%#.3o|%#.1o", 255u, 255u, 8u, 255u, 255u, 8u, 8u);
	check_same("%+d|% d|%+ d|% +d|%+u", 5, 5, 5, 5, 5u);
	check_same("%05d|%-05d|%05.3d|%+05d|% 05d", -42, -42, -42, 42, 42);
	check_same("%hhd|%hhu|%hd|%hu|%hhx", 200, 300, 70000, 70000, 0x1ff);
	check_same("%zu|%zd|%zx", (size_t)SIZE_MAX, (ssize_t)-5, (size_t)0x1234);
	check_same("%lu|%lx|%ld", ULONG_MAX, ULONG_MAX, LONG_MIN);
	check_same("%%|%c%%%c", 'x', 'y');
	check_same("%s and %s", "one", "two");
	check_same("%c", 'A');
	check_same("plain text, no conversions");
	check_same("%x%X%o%u%d%i%c%s%%", 10u, 11u, 9u, 3u, -3, 4, '!', "end");
}

/* NULL strings print as "(null)", padded and cut like any other string. */
static void test_null_string(void **state)
{
	const char *null = NULL;

	check_fmt("(null)", "%s", null);
	check_fmt("  (null)", "%8s", null);
	check_fmt("(null)  |", "%-8s|", null);
	check_fmt("(null)", "%.10s", null);
}

/* %p always has its "0x" prefix, for NULL too (C leaves NULL to the
 * implementation; glibc prints "(nil)"). */
static void test_null_pointer(void **state)
{
	check_fmt("0x0", "%p", NULL);
	check_fmt("  0x0|", "%5p|", NULL);
}

/* A precision bounds how far a string is read: the argument need not be
 * NUL-terminated (C11 7.21.6.1p8). ASan catches any read past the array. */
static void test_precision_limits_string_reads(void **state)
{
	char *raw = malloc(3);

	assert_non_null(raw);
	memcpy(raw, "abc", 3);
	check_fmt("abc", "%.3s", raw);
	check_fmt("ab", "%.2s", raw);
	check_fmt("  abc", "%5.3s", raw);
	check_fmt("abc|", "%-.*s|", 3, raw);
	free(raw);
}

/* The %c conversion also emits NUL characters and counts them. */
static void test_char_nul(void **state)
{
	char out[8];
	int n;

	memset(out, 'x', sizeof(out));
	n = fmt_snprintf(out, sizeof(out), "a%cb", 0);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "a\0b\0", 4);
}

/* Every prefix length of the output: the text is cut, NUL-terminated, and
 * the full length is returned, as with C's snprintf. */
static void test_truncation(void **state)
{
	const char *full = "value=-1234 name=understudy!";
	size_t len = strlen(full);

	for (size_t size = 1; size <= len + 3; size++) {
		char buf[64];
		int n;

		memset(buf, '#', sizeof(buf));
		n = fmt_snprintf(buf, size, "value=%d name=%s!", -1234, "understudy");
		assert_int_equal(n, (int)len);
		assert_int_equal(strlen(buf), size - 1 < len ? size - 1 : len);
		assert_memory_equal(buf, full, strlen(buf));
		assert_int_equal(buf[size], '#'); /* nothing written past size */
	}
}

/* Size 0 writes nothing at all and still returns the full length; buf may
 * then be NULL. */
static void test_size_zero(void **state)
{
	char buf[4] = { 'a', 'b', 'c', 'd' };

	assert_int_equal(fmt_snprintf(buf, 0, "%s %d", "xyz", 12345), 9);
	assert_memory_equal(buf, "abcd", 4);
	assert_int_equal(fmt_snprintf(NULL, 0, "%08x", 1u), 8);
	assert_int_equal(fmt_snprintf(buf, 1, "hello"), 5);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'b');
}


/* Conversions the formatter does not know are printed as written, spec and
 * all, and take no argument (a '*' in them still does). */
static void test_unknown_conversion(void **state)
{
	check_fmt("%y", "%y");
	check_fmt("a%5.2yb", "a%5.2yb");
	check_fmt("%ly|%hhq|%-#08k", "%ly|%hhq|%-#08k");
	check_fmt("%y 5", "%y %d", 5);
	check_fmt("%*y|7", "%*y|%d", 3, 7);
	check_fmt("%Lf", "%Lf", 1.0);
}

/* A '%' at the very end, alone or after a partial spec, is printed. */
static void test_trailing_percent(void **state)
{
	check_fmt("%", "%");
	check_fmt("abc%", "abc%");
	check_fmt("abc%-5", "abc%-5");
	check_fmt("12%l", "%d%%l", 12);
	check_fmt("%hh", "%hh");
	check_fmt("%.", "%.");
	check_fmt("100%", "100%%");
}

#pragma GCC diagnostic pop

struct count_sink {
	char text[64];
	int calls;
};

static void count_put(void *ctx, char c)
{
	struct count_sink *s = ctx;

	if (s->calls < (int)sizeof(s->text) - 1)
		s->text[s->calls] = c;
	s->calls++;
}

static int format_to_sink(struct count_sink *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(count_put, s, fmt, ap);
	va_end(ap);
	return n;
}

/* fmt_vformat hands every character to the sink once and counts them. */
static void test_vformat_sink(void **state)
{
	struct count_sink s = { { 0 }, 0 };
	int n = format_to_sink(&s, "%s=%#06x%c", "reg", 0x2au, '.');

	assert_int_equal(n, 11);
	assert_int_equal(s.calls, 11);
	assert_string_equal(s.text, "reg=0x002a.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_matrix),
		cmocka_unit_test(test_unsigned_matrix),
		cmocka_unit_test(test_string_matrix),
		cmocka_unit_test(test_char_and_pointer_matrix),
		cmocka_unit_test(test_star),
		cmocka_unit_test(test_c_corner_cases),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_null_pointer),
		cmocka_unit_test(test_precision_limits_string_reads),
		cmocka_unit_test(test_char_nul),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_size_zero),
		cmocka_unit_test(test_unknown_conversion),
		cmocka_unit_test(test_trailing_percent),
		cmocka_unit_test(test_vformat_sink),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
