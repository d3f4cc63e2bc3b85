/*
 * QEMU's XBZRLE, as QEMU defines it (test/bench/xbzrle.h): the encoder, its
 * decoder (to check every encoding), and what QEMU sends for a page.
 */
#include <string.h>

#include "proto/wire.h"
#include "test/bench/xbzrle.h"

#define PG XBZRLE_PAGE

/* QEMU's run lengths are unsigned LEB128, the wire's varint. */
static int uleb_put(u8 *p, u32 v)
{
	struct wire_sink s = { p, 0 };

	wire_put_varint(&s, v);
	return (int)s.n;
}

int xbzrle_encode(const u8 *old, const u8 *new, u8 *dst, int dlen)
{
	int i = 0, d = 0;

	while (i < PG) {
		int z = 0, nz = 0, start;

		if (d + 2 > dlen)
			return XBZRLE_OVERFLOW;
		while (i < PG && old[i] == new[i]) {
			z++;
			i++;
		}
		if (z == PG)
			return 0;
		if (i == PG)
			return d; /* the last equal run is left out */
		d += uleb_put(dst + d, (u32)z);
		if (d + 2 > dlen)
			return XBZRLE_OVERFLOW;
		start = i;
		while (i < PG && old[i] != new[i]) {
			nz++;
			i++;
		}
		d += uleb_put(dst + d, (u32)nz);
		if (d + nz > dlen)
			return XBZRLE_OVERFLOW;
		memcpy(dst + d, new + start, (size_t)nz);
		d += nz;
	}
	return d;
}

/* One ULEB128 run length at src[*i] (at most two bytes: a run fits a
 * page): 0, or -1 when it is cut short or too long. */
static int uleb_get(const u8 *src, int slen, int *i, u32 *v)
{
	u32 shift = 0;
	u8 b;

	*v = 0;
	do {
		if (*i >= slen || shift > 14)
			return -1;
		b = src[(*i)++];
		*v |= (u32)(b & 0x7F) << shift;
		shift += 7;
	} while (b & 0x80);
	return 0;
}

int xbzrle_decode(const u8 *src, int slen, u8 *page)
{
	int i = 0, d = 0;

	while (i < slen) {
		u32 zrun, nzrun;

		if (uleb_get(src, slen, &i, &zrun) || uleb_get(src, slen, &i, &nzrun))
			return -1;
		d += (int)zrun;
		if (!nzrun || d + (int)nzrun > PG || i + (int)nzrun > slen)
			return -1;
		memcpy(page + d, src + i, nzrun);
		d += (int)nzrun;
		i += (int)nzrun;
	}
	return 0;
}

static bool all_zero(const u8 *p)
{
	for (int i = 0; i < PG; i++)
		if (p[i])
			return false;
	return true;
}

long xbzrle_qemu_bytes(const u8 *old, const u8 *new)
{
	static u8 enc[PG], check[PG];
	int n;

	if (all_zero(new))
		return 1;
	n = xbzrle_encode(old, new, enc, PG);
	if (n == XBZRLE_OVERFLOW)
		return PG;
	if (n == 0)
		return 0;
	memcpy(check, old, PG);
	if (xbzrle_decode(enc, n, check) || memcmp(check, new, PG))
		return -1;
	return n + 1 + 2; /* ENCODING_FLAG_XBZRLE, be16 length */
}
