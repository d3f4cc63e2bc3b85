/*
 * Output comparison and checkpoint resync for a fault-tolerant pair
 * (docs/fault-tolerance.md, "Resync"; seed 001). The primary logs, where
 * the output rule cuts the log, what its guest wrote to the console since
 * the last cut (OUTPUT: offset, count, hash); the backup's replay compares
 * its own guest's. A backup whose outputs differ (or, with
 * ft_resync=digests, a state digest, or whose replay cannot go on) asks
 * the primary for a checkpoint (RESYNC on the log stream) instead of
 * stopping. The primary writes one into the log at its next snapshot
 * moment: a digest, an OUTPUT, the snapshot in CHECKPOINT_DATA pieces and
 * the SNAPSHOT entry naming it. The backup skips the log up to it, applies
 * it, and replays on from there; the primary's guest only waits while the
 * checkpoint is written into its log.
 */
#ifndef UNDERSTUDY_HV_RR_RESYNC_H
#define UNDERSTUDY_HV_RR_RESYNC_H

#include "proto/snapshot.h"
#include "types.h"

struct vm;
struct boot_info;
struct config;
struct rrlog_entry;

struct rr_sync {
	u8 mode;                 /* enum ft_resync (role=backup) */
	bool backup;             /* role=backup, live: may resync */
	bool primary;            /* role=primary: writes checkpoints when asked */
	u32 inject_at;           /* the Nth output compared is taken as differing (0: off) */
	struct snap_identity id; /* the guest, as a checkpoint names it */

	/* replay: outputs and digests compared */
	u64 outputs_checked;
	u64 output_mismatches;
	u64 digest_mismatches;   /* ft_resync=outputs: counted, the replay goes on */

	/* backup: resyncs */
	bool wanted;             /* the replay diverged: a resync is due before the guest runs */
	u64 resyncs;
	u64 wait_ns;             /* from asking to the checkpoint applied, all resyncs */
	u64 skipped_entries;     /* log entries passed over while waiting */
	u8 *buf;                 /* the checkpoint being gathered */
	u64 buf_size, fill;
	u64 primary_written;     /* the console offset at the checkpoint (its OUTPUT) */
	u64 primary_memory;      /* the memory hash of the digest at the checkpoint */

	/* primary: checkpoints written */
	bool asked;              /* a backup asked: one is due at the next snapshot moment */
	u64 asked_at;            /* the landmark where the backup diverged */
	u64 asked_ns;            /* when the request came */
	u64 *their_hash;         /* the backup's page hashes (HOLDS) that follow its request */
	u64 pages_sent;          /* pages in checkpoints, all */
	u64 checkpoints;
	u64 checkpoint_bytes;    /* snapshot bytes, all checkpoints */
	u64 stun_cycles;         /* TSC cycles the guest waited for them, all */
	u64 stun_max_cycles;
};

/* Prepares what cfg asks for (role=primary or role=backup). */
void rr_sync_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg);

/* Record (role=primary): logs the console bytes written since the last
 * OUTPUT entry, if any (always, with force: a checkpoint names the
 * stream's offset). */
void rr_log_output(struct vm *vm, bool force);
/* Replay: the OUTPUT entry rr->next, compared with this guest's bytes. */
void rr_replay_output(struct vm *vm);

/* Replay: a state digest differs; true when it is only counted
 * (ft_resync=outputs on a backup) and the replay goes on. */
bool rr_sync_digest_tolerated(struct vm *vm, const char *what);
/* Replay, between exits: the resync due (rr_sync.wanted): asks, waits for
 * the checkpoint in the log and applies it. False when the guest was
 * stopped instead (the primary gone, the log ended, a refused checkpoint). */
bool rr_resync(struct vm *vm);

/* Record (role=primary), after a network poll: a backup's request noted. */
void rr_checkpoint_note_request(struct vm *vm);
/* Record (role=primary), before an entry: writes the checkpoint a backup
 * asked for when this is a moment one can be taken. */
void rr_checkpoint_poll(struct vm *vm);

void rr_sync_report(const struct vm *vm);

#endif
