/* Shared by the files of hv/rr/ only. */
#ifndef UNDERSTUDY_HV_RR_INTERNAL_H
#define UNDERSTUDY_HV_RR_INTERNAL_H

#include "hv/rr/rr.h"
#include "hv/rr/rr_identity.h"
#include "hv/rr/rr_landmark.h"

#define RR_LOG_MODULE_ROLE "replay_log" /* first word of the log's boot module */

struct boot_info;
struct config;

int rr_record_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg);
void rr_record_before_entry(struct vm *vm);
void rr_record_pump(struct vm *vm);
u64 rr_record_sink_deadline_tsc(const struct vm *vm);
void rr_record_finish(struct vm *vm);
/* The log's END says checkpoints follow (ft=auto): hv/rr/rr_to_checkpoints.c. */
void rr_replay_to_checkpoints(struct vm *vm);
/* Appends e at the current landmark (record). */
void rr_log(struct vm *vm, struct rrlog_entry *e);
void rr_log_digest(struct vm *vm);
/* role=primary: the log so far acknowledged by the backup, every held
 * output released (before a checkpoint); false when the backup is lost. */
bool rr_record_drain(struct vm *vm);

int rr_replay_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg);
void rr_replay_before_entry(struct vm *vm);
void rr_replay_finish(struct vm *vm);
bool rr_replay_exit_is_ours(struct vm *vm, const struct vexit *e);
/* Takes the next entry, which must be of type at the current landmark,
 * logged during this exit; false (the replay stopped) when it is not. */
bool rr_take(struct vm *vm, enum rrlog_type type, struct rrlog_entry *e);
/* Makes rr->next the next entry: false at the end of the log or on an
 * error (reported). */
bool rr_peek(struct vm *vm);
/* rr->next is done with (counted). */
void rr_consume(struct rr_state *rr);
/* Replay: a SNAPSHOT entry between exits (rr->next): realigns as the
 * recording did. */
void rr_replay_snapshot(struct vm *vm);
/* Replay resumed from a snapshot taken while recording: skips the log up
 * to and including its SNAPSHOT entry with this hash. 0, or -EINVAL with a
 * message. */
int rr_replay_skip_to_snapshot(struct vm *vm, u64 hash);
/* The backup's takeover (hv/rr/rr_takeover.c): may the replay, out of
 * log here, go live instead of stopping (a live log whose recorder is
 * gone, with role=backup)? And going live: the guest runs on from this
 * landmark on this host, its time continuing from the replay's. */
bool rr_can_take_over(struct vm *vm);
void rr_take_over(struct vm *vm);
/* The log's END says the primary switched over here: a backup goes live
 * (hv/rr/rr_takeover.c), another replay stops. */
void rr_replay_switchover(struct vm *vm);
/* Stops the replay: the guest no longer does what the log says. */
void rr_diverge(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* hv/rr/rr_async_state.c: the state logged for an async entry. */
/* Keeps e (rrlog_type_is_async_state) for the async entry after it and
 * consumes it; false (diverged) when it is not what a recorder writes. */
bool rr_keep_async_state(struct vm *vm, const struct rrlog_entry *e);
/* The kept window pages, written into the guest's memory. */
void rr_write_pending_pages(struct vm *vm);
/* The FPU registers kept for async entry e, or NULL when none were logged
 * for its moment. */
const u8 *rr_pending_fpu(struct vm *vm, const struct rrlog_entry *e);
/* Gives the guest the FPU registers kept for e, if any: false (diverged)
 * when the CPU cannot load them (a log from a CPU with other components). */
bool rr_load_pending_fpu(struct vm *vm, const struct rrlog_entry *e);

#endif
