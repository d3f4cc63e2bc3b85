/* The pre-shared key's hexadecimal form (proto/ft_psk.h). */
#include "proto/ft_psk.h"

#include "errno.h"
#include "hexdigit.h"

int ft_psk_parse(const char *hex, size_t len, u8 *key, const char **why)
{
	size_t i;

	if (len < 2 * FT_PSK_MIN_BYTES) {
		*why = "shorter than 32 hex digits (16 bytes)";
		return -EINVAL;
	}
	if (len > 2 * FT_PSK_MAX_BYTES) {
		*why = "longer than 128 hex digits (64 bytes)";
		return -EINVAL;
	}
	if (len % 2) {
		*why = "an odd number of hex digits";
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		if (hex_digit(hex[i]) < 0) {
			*why = "a character that is not a hex digit";
			return -EINVAL;
		}
	}
	for (i = 0; i < len / 2; i++)
		key[i] = (u8)(hex_digit(hex[2 * i]) << 4 | hex_digit(hex[2 * i + 1]));
	return (int)(len / 2);
}
