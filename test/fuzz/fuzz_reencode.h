/*
 * What the migration fuzzers share to encode a stream again from what a
 * decoder handed out: a frame joining the output.
 */
#ifndef UNDERSTUDY_TEST_FUZZ_FUZZ_REENCODE_H
#define UNDERSTUDY_TEST_FUZZ_FUZZ_REENCODE_H

#include <stdlib.h>
#include <string.h>

#include "types.h"

/*
 * An encoder's return n for a frame built at out + *len (frame NULL) or in
 * frame (copied there): the frame joins out (cap bytes); -ENOSPC or no
 * room left sets *full (no round trip for this input); any other refusal
 * of what the decoder took is a bug.
 */
static inline void fz_out_add(u8 *out, size_t cap, size_t *len, bool *full, const u8 *frame, int n)
{
	if (n == -ENOSPC || (n >= 0 && (size_t)n > cap - *len)) {
		*full = true;
		return;
	}
	if (n < 0)
		abort(); /* the encoder refused what the decoder took */
	if (frame)
		memcpy(out + *len, frame, (size_t)n);
	*len += (size_t)n;
}

#endif
