// sources: proto/ft_psk.c
/* proto/ft_psk.c: the pre-shared key's hex form, at and past its limits. */
#include "helpers.h"

#include "errno.h"
#include "proto/ft_psk.h"

/* n hex digits: "0123456789abcdef" over and over, in the case asked. */
static void digits(char *out, size_t n, bool upper)
{
	static const char lower[] = "0123456789abcdef", capital[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++)
		out[i] = (upper ? capital : lower)[i % 16];
	out[n] = '\0';
}

static void test_parses_both_cases(void **state)
{
	char hex[2 * FT_PSK_MAX_BYTES + 1];
	u8 key[FT_PSK_MAX_BYTES], key2[FT_PSK_MAX_BYTES];
	const char *why = NULL;

	digits(hex, 32, false);
	assert_int_equal(ft_psk_parse(hex, 32, key, &why), 16);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(key[i], (u8)((2 * i % 16) << 4 | (2 * i + 1) % 16));
	digits(hex, 32, true);
	assert_int_equal(ft_psk_parse(hex, 32, key2, &why), 16);
	assert_memory_equal(key, key2, 16);
	assert_null(why);
}

static void test_limits(void **state)
{
	char hex[2 * FT_PSK_MAX_BYTES + 3];
	u8 key[FT_PSK_MAX_BYTES + 1] = { 0 };
	const char *why = NULL;

	digits(hex, 2 * FT_PSK_MAX_BYTES + 2, false);
	assert_int_equal(ft_psk_parse(hex, 2 * FT_PSK_MAX_BYTES, key, &why), FT_PSK_MAX_BYTES);
	assert_int_equal(key[FT_PSK_MAX_BYTES], 0); /* nothing written past the key */
	assert_int_equal(ft_psk_parse(hex, 2 * FT_PSK_MAX_BYTES + 2, key, &why), -EINVAL);
	assert_non_null(strstr(why, "longer"));
	assert_int_equal(ft_psk_parse(hex, 2 * FT_PSK_MIN_BYTES - 2, key, &why), -EINVAL);
	assert_non_null(strstr(why, "shorter"));
	assert_int_equal(ft_psk_parse(hex, 2 * FT_PSK_MIN_BYTES + 1, key, &why), -EINVAL);
	assert_non_null(strstr(why, "odd"));
	assert_int_equal(ft_psk_parse(hex, 0, key, &why), -EINVAL);
}

static void test_refuses_non_digits(void **state)
{
	static const char bad[] = { 'g', ' ', '\n', '\0', 'x', '-' };
	char hex[33];
	u8 key[FT_PSK_MAX_BYTES];
	const char *why;

	for (size_t i = 0; i < sizeof(bad); i++) {
		for (size_t at = 0; at < 32; at += 31) {
			digits(hex, 32, false);
			hex[at] = bad[i];
			why = NULL;
			assert_int_equal(ft_psk_parse(hex, 32, key, &why), -EINVAL);
			assert_non_null(strstr(why, "not a hex digit"));
		}
	}
}

static void test_fixed_parameters(void **state)
{
	assert_string_equal(FT_PSK_IDENTITY, "understudy-ft");
	assert_string_equal(FT_PSK_CIPHERSUITE, "TLS-PSK-WITH-AES-128-GCM-SHA256");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parses_both_cases),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_refuses_non_digits),
		cmocka_unit_test(test_fixed_parameters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
