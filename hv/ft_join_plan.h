/*
 * When a side that runs its guest without a backup tries to migrate it
 * into one that joins (hv/ft_join.c; docs/fault-tolerance.md, "A backup
 * joins"): pure code, host-tested. Alone, an attempt begins at once, and
 * again FT_JOIN_RETRY_NS after one failed; an attempt under way waits for
 * its backup to listen (the migration's connection retries on its own).
 * A join that succeeded is followed until the backup is lost, which makes
 * the side alone again. Failures in a row (an attempt that failed, or a
 * backup lost within FT_JOIN_STEADY_NS of joining: one that took the
 * guest but never followed, or a peer without the pair's key) double the
 * wait, up to FT_JOIN_RETRY_MAX_NS: each attempt copies the guest's RAM
 * and holds the guest while the log stream comes up, so a peer that keeps
 * failing must not cost the guest that often.
 */
#ifndef UNDERSTUDY_HV_FT_JOIN_PLAN_H
#define UNDERSTUDY_HV_FT_JOIN_PLAN_H

#include "hv/config.h"
#include "types.h"

#define FT_JOIN_RETRY_NS 1000000000ULL      /* after a failed attempt, 1 s */
#define FT_JOIN_RETRY_MAX_NS 64000000000ULL /* ... doubled for each in a row, to 64 s */
#define FT_JOIN_STEADY_NS 10000000000ULL    /* a backup followed this long: a success */

enum ft_join_phase {
	FT_JOIN_OFF,       /* join=off, or a backup that follows its primary */
	FT_JOIN_ALONE,     /* the guest runs here without a backup */
	FT_JOIN_MIGRATING, /* an attempt under way: connecting, pre-copy, the stun */
	FT_JOIN_FOLLOWED,  /* a backup joined and follows */
};

struct ft_join_plan {
	enum ft_join_phase phase;
	u64 next_try_ns;    /* alone: an attempt may begin from then */
	u64 alone_since_ns; /* alone (or migrating) since */
	u64 joined_ns;      /* followed since */
	u32 in_a_row;       /* failures since the last success */
	u32 attempts, failures, joins;
};

void ft_join_plan_init(struct ft_join_plan *p);
/* The guest runs here without a backup from now (started so, or the
 * backup was lost, or this backup took over): an attempt is due at once,
 * or, after a backup lost soon after it joined, after the wait. */
void ft_join_plan_alone(struct ft_join_plan *p, u64 now_ns);
/* Is an attempt due now? */
bool ft_join_plan_due(const struct ft_join_plan *p, u64 now_ns);
/* The wait after n failures in a row (n >= 1). */
u64 ft_join_plan_retry_ns(u32 n);
void ft_join_plan_attempt(struct ft_join_plan *p);
/* The attempt failed: alone, the next one after the wait (FT_JOIN_RETRY_NS,
 * doubled for each failure in a row). */
void ft_join_plan_failed(struct ft_join_plan *p, u64 now_ns);
/* The backup joined; returns how long the guest ran alone before (ns). */
u64 ft_join_plan_joined(struct ft_join_plan *p, u64 now_ns);
/* "off", "without a backup", "a backup joining", "followed". */
const char *ft_join_phase_name(enum ft_join_phase phase);

/* The recording a join starts, from this side's configuration: the log
 * streams to the peer's FT port as a primary's does (role=primary
 * rr=record rr_sink=tcp rr_collector=PEER), from the migrated state. */
void ft_join_record_config(const struct config *cfg, struct config *rec);

#endif
