/* Bit counting for freestanding code (no libgcc: __builtin_popcount would
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

#endif
