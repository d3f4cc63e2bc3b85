/* A migration's modification history and page copies (migrate_history.h). */
#include "hv/migrate_history.h"

#include <string.h>

#include "bitops.h"
#include "compiler.h"
#include "hash.h"

#define HOT_MASK ((1u << MIG_HIST_HOT_EPOCHS) - 1)

u64 mig_history_bytes(u64 npages, u32 slots)
{
	return npages * (3 * sizeof(u8) + sizeof(u32) + sizeof(u64)) +
	       (u64)slots * (sizeof(u64) + MIG_HIST_PAGE);
}

void mig_history_init(struct mig_history *h, u64 npages, u32 slots, void *mem)
{
	u8 *p = mem;

	memset(h, 0, sizeof(*h));
	h->npages = npages;
	h->slots = slots;
	h->copies = p; /* page-sized parts first: they stay page aligned */
	p += (u64)slots * MIG_HIST_PAGE;
	h->slot_page = (u64 *)p;
	p += (u64)slots * sizeof(u64);
	h->sent_hash = (u64 *)p;
	p += npages * sizeof(u64);
	h->slot_of = (u32 *)p;
	p += npages * sizeof(u32);
	h->epochs = p;
	h->sent_round = p + npages;
	h->confirmed = p + 2 * npages;
	memset(h->epochs, 0, npages);
	memset(h->sent_round, MIG_HIST_NEVER, npages);
	memset(h->confirmed, 0, npages);
	memset(h->slot_of, 0xFF, npages * sizeof(u32));
	memset(h->slot_page, 0xFF, (u64)slots * sizeof(u64));
}

void mig_history_epoch(struct mig_history *h, const u64 *dirty)
{
	for (u64 p = 0; p < h->npages; p++)
		h->epochs[p] = (u8)(h->epochs[p] << 1) | ((dirty[p / 64] >> (p % 64)) & 1);
}

bool mig_history_hot(const struct mig_history *h, u64 p)
{
	return p < h->npages &&
	       popcount64(h->epochs[p] & HOT_MASK) >= MIG_HIST_HOT_MIN;
}

bool mig_history_warm(const struct mig_history *h, u64 p)
{
	return p < h->npages && (h->epochs[p] & HOT_MASK);
}

const u8 *mig_history_copy(const struct mig_history *h, u64 p)
{
	if (p >= h->npages || h->slot_of[p] == MIG_HIST_NO_SLOT)
		return NULL;
	return h->copies + (u64)h->slot_of[p] * MIG_HIST_PAGE;
}

/* A slot for a new copy: a free one, else the first from the hand on
 * whose page was not dirtied lately (its copy dropped), else none. */
static u32 find_slot(struct mig_history *h)
{
	if (h->used < h->slots)
		return h->used++;
	for (u32 i = 0; i < h->slots; i++) {
		u32 s = (h->hand + i) % h->slots;
		u64 owner = h->slot_page[s];

		if (mig_history_warm(h, owner))
			continue;
		h->hand = (s + 1) % h->slots;
		h->slot_of[owner] = MIG_HIST_NO_SLOT;
		h->evicted++;
		return s;
	}
	return MIG_HIST_NO_SLOT;
}

const u8 *mig_history_base(const struct mig_history *h, u64 p)
{
	const u8 *copy = mig_history_copy(h, p);

	return copy && h->confirmed[p] ? copy : NULL;
}

void mig_history_sent(struct mig_history *h, u64 p, const u8 *page, u32 round)
{
	u32 s;

	if (p >= h->npages)
		return;
	if (mig_history_copy(h, p)) {
		h->based += h->confirmed[p];
		h->unconfirmed += !h->confirmed[p];
	}
	h->sent_hash[p] = hash64(page, MIG_HIST_PAGE, 0);
	h->sent_round[p] = (u8)MIN(round, MIG_HIST_ROUND_MAX);
	h->confirmed[p] = 0;
	s = h->slot_of[p];
	if (s == MIG_HIST_NO_SLOT) {
		if (!mig_history_warm(h, p))
			return;
		s = find_slot(h);
		if (s == MIG_HIST_NO_SLOT) {
			h->refused++;
			return;
		}
		h->slot_of[p] = s;
		h->slot_page[s] = p;
		h->kept++;
	}
	memcpy(h->copies + (u64)s * MIG_HIST_PAGE, page, MIG_HIST_PAGE);
}

enum mig_held mig_history_held(struct mig_history *h, u32 round, u64 p, u64 hash)
{
	u8 r = (u8)MIN(round, MIG_HIST_ROUND_MAX);

	if (p >= h->npages || h->sent_round[p] == MIG_HIST_NEVER || h->sent_round[p] < r)
		return MIG_HELD_UNSENT;
	if (h->sent_round[p] > r) {
		h->fb_stale++;
		return MIG_HELD_STALE;
	}
	if (hash != h->sent_hash[p]) {
		h->fb_mismatched++;
		return MIG_HELD_MISMATCH;
	}
	h->confirmed[p] = 1;
	h->fb_confirmed++;
	return MIG_HELD_CONFIRMED;
}
