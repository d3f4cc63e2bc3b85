/* The output rule's queue for whole frames (see frame_hold.h). */
#include "hv/frame_hold.h"

#include <string.h>

#include "compiler.h"
#include "errno.h"

STATIC_ASSERT(FRAME_HOLD_LEN_BYTES + FRAME_HOLD_FRAME_MAX <= OUTPUT_HOLD_BYTES,
	      "a record fits the byte queue");

void frame_hold_init(struct frame_hold *h)
{
	memset(h, 0, sizeof(*h));
	output_hold_init(&h->q);
}

int frame_hold_put(struct frame_hold *h, const u8 *frame, size_t len, u64 now)
{
	u8 rec[FRAME_HOLD_LEN_BYTES + FRAME_HOLD_FRAME_MAX];

	if (!len || len > FRAME_HOLD_FRAME_MAX)
		return -E2BIG;
	rec[0] = (u8)len;
	rec[1] = (u8)(len >> 8);
	memcpy(rec + FRAME_HOLD_LEN_BYTES, frame, len);
	if (!output_hold_put_run(&h->q, rec, FRAME_HOLD_LEN_BYTES + len, now))
		return -ENOSPC;
	h->frames_held++;
	return 0;
}

/* The length a record's prefix gives (its first two bytes are in). */
static u32 record_len(const struct frame_hold *h)
{
	return FRAME_HOLD_LEN_BYTES + (u32)(h->record[0] | h->record[1] << 8);
}

/*
 * The byte queue's release hands out runs of bytes, cut where it wraps:
 * they are put back together into records, each frame handed on whole
 * once its last byte is in. Records were put whole, so a release ends on
 * a record's end.
 */
static void reassemble(void *ctx, const u8 *bytes, size_t len)
{
	struct frame_hold *h = ctx;

	while (len) {
		u32 want = h->record_fill < FRAME_HOLD_LEN_BYTES ? FRAME_HOLD_LEN_BYTES : record_len(h);
		size_t n = MIN(len, (size_t)(want - h->record_fill));

		memcpy(h->record + h->record_fill, bytes, n);
		h->record_fill += (u32)n;
		bytes += n;
		len -= n;
		if (h->record_fill >= FRAME_HOLD_LEN_BYTES && h->record_fill == record_len(h)) {
			h->out(h->out_ctx, h->record + FRAME_HOLD_LEN_BYTES,
			       h->record_fill - FRAME_HOLD_LEN_BYTES);
			h->frames_released++;
			h->record_fill = 0;
		}
	}
}

u64 frame_hold_release(struct frame_hold *h, u64 acked, u64 now, frame_hold_out_fn out, void *ctx)
{
	u64 before = h->frames_released;

	h->out = out;
	h->out_ctx = ctx;
	output_hold_release(&h->q, acked, now, reassemble, h);
	return h->frames_released - before;
}

u64 frame_hold_release_all(struct frame_hold *h, u64 now, frame_hold_out_fn out, void *ctx)
{
	u64 before = h->frames_released;

	h->out = out;
	h->out_ctx = ctx;
	output_hold_release_all(&h->q, now, reassemble, h);
	return h->frames_released - before;
}
