#include "crc32.h"

/* Bitwise, reflected polynomial 0xEDB88320, initial and final XOR all ones:
 * slow but table-free, and modules are small. */
u32 crc32(const void *data, size_t len)
{
	const u8 *p = data;
	u32 crc = 0xFFFFFFFFu;
	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}
