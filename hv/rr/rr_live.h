/*
 * Replay from a live log (rr_live=PORT): the log a recording streams to
 * this hypervisor over TCP (net/logstream/logstream_in.h) instead of a
 * boot module, replayed as it comes, as the backup of a fault-tolerant
 * pair does (docs/fault-tolerance.md). The replay reads the log from a
 * buffer the stream appends to; when it needs bytes that have not come
 * yet, it waits for them: the guest is not run past what the log says.
 */
#ifndef UNDERSTUDY_HV_RR_RR_LIVE_H
#define UNDERSTUDY_HV_RR_RR_LIVE_H

#include "hv/vm.h"

struct config;

/* Listens for the recording and waits for its HELLO; points rr->source at
 * the live buffer and copies the log's header (its HELLO's) to *header
 * (LOGSTREAM_IN_HEADER_MAX bytes), its length to *len. 0, or a negative
 * errno (reported). */
int rr_live_open(struct vm *vm, const struct config *cfg, u8 *header, u16 *len);

/* Waits until more of the log has come (true), or the stream has ended
 * or is lost for good (false: nothing more will come). */
bool rr_live_wait(struct vm *vm);

/* Moves the stream on after a network poll (acknowledgements, its end);
 * the run loop's, between waits. */
void rr_live_pump(struct vm *vm);

/* No more bytes will come (the stream ended, or failed)? */
bool rr_live_over(const struct vm *vm);

/* No more bytes will come, and not because the log ended: its recorder
 * is gone (failed, or silent past the wait for it to come back). */
bool rr_live_lost(const struct vm *vm);

/* For the control endpoint, in bytes of the log (its header included):
 * how much of it has arrived, and how much is in frames the replay has
 * opened (received minus replayed: what the replay has yet to catch up). */
u64 rr_live_received_bytes(const struct vm *vm);
u64 rr_live_replayed_bytes(const struct vm *vm);

/* ft=auto: the log's last entry was replayed; waits until its stream
 * ended too (the primary waits for that before it streams checkpoints),
 * or its recorder was away as long as a lost one may be. True when it
 * ended. */
bool rr_live_wait_ended(struct vm *vm);

#endif
