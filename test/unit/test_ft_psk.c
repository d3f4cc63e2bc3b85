// sources: proto/ft_psk.c
/*
 * proto/ft_psk.c: the FT link's pre-shared key in hex, as the hypervisor's
 * ft_key= and the host tools read it: every length limit, both cases,
 * every way a key can be malformed, and nothing written on failure.
 */
#include "helpers.h"

#include "errno.h"
#include "proto/ft_psk.h"

static const char digits[] = "0123456789abcdef";

/* n bytes of key as hex: byte i is (i * 7 + 3) mod 256. */
static void make_hex(char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		u8 b = (u8)(i * 7 + 3);

		out[2 * i] = digits[b >> 4];
		out[2 * i + 1] = digits[b & 15];
	}
}

static void test_every_length(void **state)
{
	char hex[2 * FT_PSK_KEY_MAX + 2];

	for (size_t n = 1; n <= FT_PSK_KEY_MAX + 1; n++) {
		struct ft_psk k = { .len = 99 };
		int err;

		make_hex(hex, n);
		err = ft_psk_parse_hex(hex, 2 * n, &k);
		if (n < FT_PSK_KEY_MIN || n > FT_PSK_KEY_MAX) {
			assert_int_equal(err, -ERANGE);
			assert_int_equal(k.len, 99);
			continue;
		}
		assert_int_equal(err, 0);
		assert_int_equal(k.len, n);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(k.key[i], (u8)(i * 7 + 3));
	}
}

static void test_cases_and_digits(void **state)
{
	struct ft_psk k;

	assert_int_equal(ft_psk_parse_hex("0123456789ABCDEFabcdefFEDCBA9876", 32, &k), 0);
	assert_int_equal(k.key[0], 0x01);
	assert_int_equal(k.key[4], 0x89);
	assert_int_equal(k.key[5], 0xAB);
	assert_int_equal(k.key[8], 0xAB);
	assert_int_equal(k.key[15], 0x76);
}

/* Only len characters are read: a longer buffer is not the key. */
static void test_length_is_given(void **state)
{
	struct ft_psk k;

	assert_int_equal(ft_psk_parse_hex("00112233445566778899aabbccddeeffZZZ", 32, &k), 0);
	assert_int_equal(k.len, 16);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"00112233445566778899aabbccddeef",    /* odd */
		"00112233445566778899aabbccddeefg",   /* g */
		"00112233445566778899aabbccddee f",   /* space */
		"0x112233445566778899aabbccddeeff",   /* prefix */
		"00112233445566778899aabbccdd-eff",   /* dash */
		"00112233445566778899aabbccddeef\xff",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct ft_psk k = { .len = 7 };

		assert_int_equal(ft_psk_parse_hex(bad[i], strlen(bad[i]), &k), -EINVAL);
		assert_int_equal(k.len, 7);
	}
	assert_non_null(strstr(ft_psk_parse_error(-EINVAL), "hex digits"));
	assert_non_null(strstr(ft_psk_parse_error(-ERANGE), "32 to 128"));
}

static void test_empty(void **state)
{
	struct ft_psk k = { .len = 7 };

	assert_int_equal(ft_psk_parse_hex("", 0, &k), -ERANGE);
	assert_int_equal(k.len, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_length),
		cmocka_unit_test(test_cases_and_digits),
		cmocka_unit_test(test_length_is_given),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
