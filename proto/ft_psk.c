/* The FT link's pre-shared key in hex (see ft_psk.h). */
#include "proto/ft_psk.h"

#include <string.h>

#include "errno.h"
#include "hexdigit.h"

int ft_psk_parse_hex(const char *hex, size_t len, struct ft_psk *out)
{
	struct ft_psk k = { 0 };

	if (len % 2)
		return -EINVAL;
	if (len < 2 * FT_PSK_KEY_MIN || len > 2 * FT_PSK_KEY_MAX)
		return -ERANGE;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		k.key[i] = (u8)(hi << 4 | lo);
	}
	k.len = (u8)(len / 2);
	*out = k;
	return 0;
}

const char *ft_psk_parse_error(int err)
{
	if (err == -ERANGE)
		return "a key is 32 to 128 hex digits (16 to 64 bytes)";
	if (err == -EINVAL)
		return "an even number of hex digits 0-9, a-f, A-F, nothing else";
	return "no error";
}
