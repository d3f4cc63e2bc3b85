/*
 * The output rule's queue for whole frames (the guest NIC's sent frames
 * under role=primary, docs/fault-tolerance.md "The output rule"): the
 * console's byte queue (hv/output_hold.h) holding each frame as one
 * record, a 2-byte little-endian length and the frame, put whole or not
 * at all, so a mark never falls inside a frame; released frames come out
 * whole, in order, however the byte queue wraps. Pure: no hardware, no
 * network.
 */
#ifndef UNDERSTUDY_HV_FRAME_HOLD_H
#define UNDERSTUDY_HV_FRAME_HOLD_H

#include "hv/output_hold.h"

#define FRAME_HOLD_FRAME_MAX 1518 /* an Ethernet frame with a VLAN tag, no FCS (vnet.h) */
#define FRAME_HOLD_LEN_BYTES 2    /* each record's length prefix */

struct frame_hold {
	struct output_hold q;
	u8 record[FRAME_HOLD_LEN_BYTES + FRAME_HOLD_FRAME_MAX]; /* being reassembled */
	u32 record_fill;
	u64 frames_held, frames_released;
	/* the release being made */
	void (*out)(void *ctx, const u8 *frame, size_t len);
	void *out_ctx;
};

/* Receives one released frame, whole. */
typedef void (*frame_hold_out_fn)(void *ctx, const u8 *frame, size_t len);

void frame_hold_init(struct frame_hold *h);

/* Holds one frame (at host TSC now): 0; -ENOSPC when the queue cannot
 * take it now (the caller waits for releases and tries again); -E2BIG
 * for an empty frame or one longer than FRAME_HOLD_FRAME_MAX (never
 * held). */
int frame_hold_put(struct frame_hold *h, const u8 *frame, size_t len, u64 now);

/* Frames held since the last mark? */
static inline bool frame_hold_unmarked(const struct frame_hold *h)
{
	return output_hold_unmarked(&h->q);
}

/* The log is cut at log_offset: every frame held so far needs it. */
static inline void frame_hold_mark(struct frame_hold *h, u64 log_offset)
{
	output_hold_mark(&h->q, log_offset);
}

/* Releases, through out, every frame whose mark is at most acked; returns
 * the frames released. */
u64 frame_hold_release(struct frame_hold *h, u64 acked, u64 now, frame_hold_out_fn out, void *ctx);

/* Releases every frame held, marked or not; returns the frames. */
u64 frame_hold_release_all(struct frame_hold *h, u64 now, frame_hold_out_fn out, void *ctx);

/* Frames and bytes (with their length prefixes) held at this moment. */
static inline u64 frame_hold_frames_now(const struct frame_hold *h)
{
	return h->frames_held - h->frames_released;
}

static inline u64 frame_hold_bytes_now(const struct frame_hold *h)
{
	return h->q.head - h->q.tail;
}

#endif
