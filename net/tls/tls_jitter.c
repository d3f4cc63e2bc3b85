/* Timing jitter: entropy estimate and folding (see tls_jitter.h). */
#include "net/tls/tls_jitter.h"

#include <string.h>

#define BYTE_VALUES 256
#define BITS_PER_BYTE 8

unsigned jitter_bits_per_sample(const u64 *deltas, size_t n)
{
	u32 count[BYTE_VALUES];
	size_t most = 0;
	unsigned bits = 0;

	if (!n)
		return 0;
	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < n; i++) {
		u32 c = ++count[deltas[i] & 0xFF];

		if (c > most)
			most = c;
	}
	/* floor(log2(n / most)): the largest bits with most << bits <= n. */
	while (bits < BITS_PER_BYTE && (most << (bits + 1)) <= n)
		bits++;
	return bits;
}

size_t jitter_group(unsigned bits)
{
	if (!bits)
		return 0;
	return (BITS_PER_BYTE + bits - 1) / bits;
}

static u8 rotl8(u8 v, unsigned r)
{
	r %= BITS_PER_BYTE;
	return r ? (u8)(v << r | v >> (BITS_PER_BYTE - r)) : v;
}

size_t jitter_fold(const u64 *deltas, size_t n, size_t group, u8 *out, size_t out_len)
{
	size_t bytes;

	if (!group)
		return 0;
	bytes = n / group < out_len ? n / group : out_len;
	for (size_t i = 0; i < bytes; i++) {
		u8 b = 0;

		for (size_t j = 0; j < group; j++)
			b ^= rotl8((u8)deltas[i * group + j], (unsigned)j);
		out[i] = b;
	}
	return bytes;
}
