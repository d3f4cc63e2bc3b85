/* Bit counting and bitmaps for freestanding code (no libgcc: __builtin_popcount would
 * call __popcountdi2, and POPCNT is not assumed of every CPU). */
#ifndef UNDERSTUDY_BITOPS_H
#define UNDERSTUDY_BITOPS_H

#include "types.h"

/* Bits set in x (the SWAR sum: pairs, nibbles, bytes, then a multiply). */
static inline unsigned popcount64(u64 x)
{
	x -= (x >> 1) & 0x5555555555555555ULL;
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

/* Bitmaps of u64 words, bit i in word i / 64 (page maps of guest RAM). */
static inline u64 bitmap_bytes(u64 nbits)
{
	return (nbits + 63) / 64 * 8;
}

static inline bool bitmap_test(const u64 *b, u64 i)
{
	return b[i / 64] & (1ULL << (i % 64));
}

static inline void bitmap_set(u64 *b, u64 i)
{
	b[i / 64] |= 1ULL << (i % 64);
}

static inline void bitmap_clear(u64 *b, u64 i)
{
	b[i / 64] &= ~(1ULL << (i % 64));
}

/* b |= add, over nbits bits. */
static inline void bitmap_or(u64 *b, const u64 *add, u64 nbits)
{
	for (u64 w = 0; w < (nbits + 63) / 64; w++)
		b[w] |= add[w];
}

/* Bits set in the first nbits of b (whole words: bits past nbits are 0). */
static inline u64 bitmap_count(const u64 *b, u64 nbits)
{
	u64 n = 0;

	for (u64 w = 0; w < (nbits + 63) / 64; w++)
		n += popcount64(b[w]);
	return n;
}

#endif
