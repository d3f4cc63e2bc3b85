/* Fields of any width up to 8 bytes, byte by byte (no alignment needed):
 * little-endian for the record log and the log stream, big-endian (network
 * order) for the protocols on the wire. */
#ifndef UNDERSTUDY_ENDIAN_H
#define UNDERSTUDY_ENDIAN_H

#include "types.h"

static inline void le_put(u8 *p, u64 v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (u8)(v >> (8 * i));
}

static inline u64 le_get(const u8 *p, unsigned size)
{
	u64 v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

static inline void be_put(u8 *p, u64 v, unsigned size)
{
	for (unsigned i = size; i-- > 0; v >>= 8)
		p[i] = (u8)v;
}

static inline u64 be_get(const u8 *p, unsigned size)
{
	u64 v = 0;

	for (unsigned i = 0; i < size; i++)
		v = v << 8 | p[i];
	return v;
}

#endif
