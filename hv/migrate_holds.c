/* The destination's report of the pages it holds (migrate_holds.h). */
#include "hv/migrate_holds.h"

#include <string.h>

#include "bitops.h"
#include "errno.h"
#include "hash.h"

u64 mig_holds_bytes(u64 npages)
{
	return 2 * bitmap_bytes(npages);
}

void mig_holds_init(struct mig_holds *r, u64 npages, void *mem)
{
	memset(r, 0, sizeof(*r));
	r->npages = npages;
	r->received = mem;
	r->pending = (u64 *)((u8 *)mem + bitmap_bytes(npages));
	memset(mem, 0, mig_holds_bytes(npages));
}

void mig_holds_page(struct mig_holds *r, u64 pfn)
{
	if (pfn < r->npages && !bitmap_test(r->received, pfn)) {
		bitmap_set(r->received, pfn);
		r->fresh++;
	}
}

/* The round's pages replace what is left of the report before: a report
 * that fell behind is dropped rather than sent late. A round that sent
 * nothing (every dirty page held back as hot) replaces nothing: its ROUND
 * often follows the last one's at once, before any of that report could
 * go. */
void mig_holds_round_end(struct mig_holds *r, u32 round)
{
	if (!r->fresh)
		return;
	r->fresh = 0;
	r->dropped += r->left;
	memcpy(r->pending, r->received, bitmap_bytes(r->npages));
	memset(r->received, 0, bitmap_bytes(r->npages));
	r->left = bitmap_count(r->pending, r->npages);
	r->round = round;
	r->cursor = 0;
}

int mig_holds_build(struct mig_holds *r, struct mig_encoder *e, const u8 *ram, u8 *buf, size_t cap)
{
	int err, n;

	if (!r->left)
		return 0;
	err = mig_holds_begin(e, r->round, r->npages, buf, cap);
	if (err)
		return err;
	for (; r->cursor < r->npages && r->left; r->cursor++) {
		u64 p = r->cursor;

		if (!bitmap_test(r->pending, p))
			continue;
		err = mig_holds_add(e, p, hash64(ram + p * PAGE_CODEC_PAGE, PAGE_CODEC_PAGE, 0));
		if (err == -ENOSPC)
			break; /* this page starts the next frame */
		if (err)
			return err;
		bitmap_clear(r->pending, p);
		r->left--;
		r->reported++;
	}
	n = mig_holds_finish(e);
	r->frames += n > 0;
	return n;
}
