/*
 * What the two ends of a migration share inside hv/: the convergence rule
 * of pre-copy and the figures a migration reports (hv/migrate_plan.c,
 * pure code, host-tested).
 */
#ifndef UNDERSTUDY_HV_MIGRATE_INTERNAL_H
#define UNDERSTUDY_HV_MIGRATE_INTERNAL_H

#include "hv/dirty_log.h"
#include "hv/migrate_history.h"
#include "proto/page_codec.h"
#include "types.h"

#define MIG_ROUNDS_MAX 30              /* pre-copy rounds before the stun, at most */
#define MIG_STUN_TARGET_NS 20000000ULL /* a stun this short ends pre-copy (20 ms) */
#define MIG_SHRINK_ROUNDS 3            /* rounds before "not shrinking" may end it */

/*
 * Pre-copy's convergence rule (seed 002): after each round, the dirty
 * pages left are what the stun would have to send. Their cost is
 * predicted from the link's measured throughput over the round and the
 * bytes a page took in it; pre-copy ends when that stun would be short
 * enough, when the dirty set stopped shrinking (the guest dirties as fast
 * as the link sends), or at the round cap.
 */
struct mig_round_plan {
	u64 npages;
	u32 round;              /* the round being sent */
	u64 round_pages;        /* pages sent in it so far */
	u64 round_start_ns, round_start_acked;
	u64 last_dirty;         /* dirty pages left after the round before */
	u64 held;               /* pages the history held back for the stun in the round */
	u64 link_bytes_per_s;   /* measured over the last round */
	u64 predicted_stun_ns;  /* for the dirty pages left */
	bool converged;
	const char *why;        /* why pre-copy ended */
};

void mig_plan_start(struct mig_round_plan *p, u64 npages, u64 now_ns);

/* A round ended with dirty pages left (dirtied during it, and those held
 * back for the stun), acked bytes acknowledged by the destination so far;
 * moves on to the next round or converges. */
void mig_plan_round_end(struct mig_round_plan *p, u64 dirty, u64 acked, u64 now_ns);

/* What a migration sent and what its stun cost. */
struct mig_figures {
	u64 pages, bytes;                 /* page records and their encoded bytes */
	u64 enc_pages[PAGE_ENC_COUNT];    /* by encoding */
	u64 enc_bytes[PAGE_ENC_COUNT];
	u64 stun_cycles;                  /* guest held: the last pages to GO acknowledged */
	u64 stun_pages;                   /* pages sent while it was held */
	u64 stun_first;                   /* of them, first copies (a stun in round 0) */
	u64 stun_dirty;                   /* dirtied in the last round (found at the stun) */
	u64 stun_unconfirmed;             /* stun pages with a copy sent whole: no feedback yet */
	u64 start_ns, end_ns;
	u32 rounds;                       /* pre-copy rounds plus the stun's */
};

/* One page record of kind and len bytes was sent. */
void mig_figures_page(struct mig_figures *f, u8 kind, size_t len);

/* The summary line (docs/migration.md) and the dirty log's costs. */
void mig_figures_print(const struct mig_figures *f, const struct mig_round_plan *p,
		       const struct dirty_log_stats *d, const struct mig_history *h);

#endif
