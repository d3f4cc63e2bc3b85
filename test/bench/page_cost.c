/*
 * One page pair's cost in one of our encodings (test/bench/page_cost.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/bench/page_cost.h"

size_t page_cost(unsigned kind, const u8 *old, const u8 *new, struct page_codec_work *w)
{
	static u8 out[PAGE_CODEC_MAX], back[PAGE_CODEC_PAGE];
	const char *why;
	int n = kind == PAGE_ENC_COUNT ? (int)page_encode(new, old, out, w)
				       : page_encode_as(kind, new, old, out, w);

	if (n < 0)
		return PAGE_CODEC_MAX;
	if (page_decode(out, (size_t)n, old, back, w, &why) != n ||
	    memcmp(back, new, PAGE_CODEC_PAGE)) {
		fprintf(stderr, "bench: %s round trip failed\n", page_enc_name(kind));
		exit(1);
	}
	return (size_t)n;
}
