/*
 * The modification history of a migration's source (seed 000): for each
 * guest page, in which of the recent epochs (pre-copy rounds) it was
 * dirtied. It predicts which pages will be written again:
 *
 * - such "hot" pages are not sent again during pre-copy (they would be
 *   dirtied again before the stun and sent twice): they wait for the stun;
 *   pages that stopped changing are sent while the guest runs;
 * - the source keeps, within a bounded budget, a copy of what it last
 *   sent of the pages dirtied lately ("warm"), so that their next copy can
 *   go as a delta against the page the destination already holds;
 * - the destination's feedback (HOLDS: the hash of each page it holds
 *   after a round) is checked against the hash of what was sent: a page's
 *   copy serves for a delta only once the destination confirmed holding
 *   exactly it; a page the destination holds otherwise is a mismatch.
 *
 * Pure code over buffers the caller lends (host-tested).
 */
#ifndef UNDERSTUDY_HV_MIGRATE_HISTORY_H
#define UNDERSTUDY_HV_MIGRATE_HISTORY_H

#include "types.h"

#define MIG_HIST_PAGE 4096
#define MIG_HIST_HOT_EPOCHS 3   /* a page dirtied in ... */
#define MIG_HIST_HOT_MIN 2      /* ... at least this many of the last epochs is hot */
#define MIG_HIST_NO_SLOT 0xFFFFFFFFu
#define MIG_HIST_NEVER 0xFF     /* sent_round of a page never sent */
#define MIG_HIST_ROUND_MAX 0xFE /* rounds above count as this one */

/* What the destination's report of one page says (mig_history_held). */
enum mig_held {
	MIG_HELD_CONFIRMED,  /* it holds what was last sent */
	MIG_HELD_STALE,      /* of an earlier round: the page was sent again since */
	MIG_HELD_MISMATCH,   /* it holds something else than what that round sent */
	MIG_HELD_UNSENT,     /* the page was not sent in that round: a false report */
};

struct mig_history {
	u64 npages;
	u8 *epochs;        /* per page: bit i set = dirtied i epochs ago (bit 0: the last) */
	u32 *slot_of;      /* per page: its copy's slot, or MIG_HIST_NO_SLOT */
	u64 *slot_page;    /* per slot: the page whose copy it holds, or UINT64_MAX */
	u8 *copies;        /* slots * MIG_HIST_PAGE bytes */
	u64 *sent_hash;    /* per page: XXH3-64 of what was last sent */
	u8 *sent_round;    /* per page: the round it was last sent in, or MIG_HIST_NEVER */
	u8 *confirmed;     /* per page: the destination reported holding sent_hash */
	u32 slots;
	u32 used;
	u32 hand;          /* where eviction looks next */
	u64 kept, evicted, refused; /* copies taken, dropped for another page, not taken (budget) */
	/* feedback: reports confirmed, stale, mismatched; sends of a page with
	 * a copy as a delta against it, and whole for want of a confirmation */
	u64 fb_confirmed, fb_stale, fb_mismatched, based, unconfirmed;
};

/* Bytes of memory a history of npages pages with slots copies needs. */
u64 mig_history_bytes(u64 npages, u32 slots);

/* Lays the history out in mem (mig_history_bytes of it, zeroed or not). */
void mig_history_init(struct mig_history *h, u64 npages, u32 slots, void *mem);

/* An epoch ended with these pages dirtied (a bitmap of npages bits). */
void mig_history_epoch(struct mig_history *h, const u64 *dirty);

/* Will page p be written again (dirtied in MIG_HIST_HOT_MIN of the last
 * MIG_HIST_HOT_EPOCHS epochs)? */
bool mig_history_hot(const struct mig_history *h, u64 p);

/* Was page p dirtied in any of the last MIG_HIST_HOT_EPOCHS epochs? */
bool mig_history_warm(const struct mig_history *h, u64 p);

/* The copy of page p the destination holds (what was last sent), or NULL. */
const u8 *mig_history_copy(const struct mig_history *h, u64 p);

/* The copy of page p to send a delta against: only once the destination
 * confirmed holding it, else NULL. */
const u8 *mig_history_base(const struct mig_history *h, u64 p);

/* Page p was just sent in round with these contents (a delta against its
 * copy when mig_history_base gave one: counted in based, else in
 * unconfirmed when it had a copy); its hash is noted (unconfirmed until
 * the destination reports it); its copy is updated when
 * it has one, else taken when it is warm and a slot is free or holds a
 * page that is no longer warm (a copy, once taken, always follows the
 * page: a stale one would make a wrong delta). */
void mig_history_sent(struct mig_history *h, u64 p, const u8 *page, u32 round);

/* The destination reports holding page p, received in round, with this
 * hash: confirms the page's copy when that round's send was the last and
 * the hashes agree. Counted by what it says. */
enum mig_held mig_history_held(struct mig_history *h, u32 round, u64 p, u64 hash);

#endif
