// sources: proto/page_codec.c
// uses: lz4
/*
 * Fuzzes the page codec's decoder on hostile encodings, and its encoder
 * with a round trip. Input: one byte of mode, then bytes.
 *   - The bytes as an encoding, decoded against a previous copy built from
 *     the mode (or none): it is refused with a message or takes at most
 *     the bytes given; whatever decodes is encoded again as the same kind,
 *     and that must decode to the same page.
 *   - The bytes as a page and its previous copy (zero-padded, the second
 *     half the previous copy with the first half's bytes XORed in where
 *     the mode says): page_encode and every page_encode_as that applies
 *     round-trip, and page_encode is never larger than any of them.
 */
#include <stdlib.h>
#include <string.h>

#include "errno.h"
#include "proto/page_codec.h"

#define PG PAGE_CODEC_PAGE

static struct page_codec_work work;
static u8 page[PG], prev[PG], back[PG], enc[PAGE_CODEC_MAX];

static void check_roundtrip(const u8 *pg, const u8 *prv, const u8 *e, size_t n)
{
	const char *why;

	if (page_decode(e, n, prv, back, &work, &why) != (int)n || memcmp(back, pg, PG))
		abort();
}

/* Decoding hostile bytes, then re-encoding what they gave. */
static void fuzz_decode(const u8 *data, size_t size, u8 mode)
{
	const u8 *prv = (mode & 1) ? prev : NULL;
	const char *why = NULL;
	u8 *copy = malloc(size ? size : 1); /* exactly size bytes: ASan sees overreads */
	int n, m;

	memcpy(copy, data, size);
	for (size_t i = 0; i < PG; i++)
		prev[i] = (u8)(i * mode);
	n = page_decode(copy, size, prv, page, &work, &why);
	if (n < 0) {
		if (!why || (n != -EBADMSG && n != -ENODATA))
			abort();
	} else {
		if (n == 0 || (size_t)n > size || why)
			abort();
		m = page_encode_as(copy[0], page, prv, enc, &work);
		if (m > 0)
			check_roundtrip(page, prv, enc, (size_t)m);
		else if (m != -ENOSPC) /* a payload LZ4 wrote longer than RAW */
			abort();
	}
	free(copy);
}

/* Encoding a page built from the bytes, every way. */
static void fuzz_encode(const u8 *data, size_t size, u8 mode)
{
	size_t best, half = size / 2 < PG ? size / 2 : PG;
	int n;

	memset(page, 0, PG);
	memset(prev, 0, PG);
	memcpy(page, data, half);
	memcpy(prev, data + half, size - half < PG ? size - half : PG);
	if (mode & 2) /* a previous copy close to the page */
		for (size_t i = 0; i < PG; i++)
			prev[i] = (i % (1 + (mode >> 2))) ? page[i] : prev[i];
	best = page_encode(page, (mode & 1) ? prev : NULL, enc, &work);
	if (best < 1 || best > PAGE_CODEC_MAX)
		abort();
	check_roundtrip(page, (mode & 1) ? prev : NULL, enc, best);
	for (unsigned k = 0; k < PAGE_ENC_COUNT; k++) {
		n = page_encode_as(k, page, (mode & 1) ? prev : NULL, enc, &work);
		if (n == -EINVAL || n == -ENOSPC)
			continue;
		if (n <= 0 || (size_t)n < best)
			abort();
		check_roundtrip(page, (mode & 1) ? prev : NULL, enc, (size_t)n);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 0x80)
		fuzz_encode(data + 1, size - 1, data[0] & 0x7F);
	else
		fuzz_decode(data + 1, size - 1, data[0]);
	return 0;
}
