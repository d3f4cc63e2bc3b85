/*
 * The output rule's queue (docs/fault-tolerance.md, "The output rule"):
 * under role=primary the guest's console bytes leave the machine only once
 * the backup has the log that produced them. A byte is held when the guest
 * writes it; the next time the record log is cut (the frame holding the
 * byte's landmark committed), every held byte not yet marked is marked
 * with the log's length then; a byte is released once the backup has
 * acknowledged the log up to its mark. Pure: no hardware, no network.
 */
#ifndef UNDERSTUDY_HV_OUTPUT_HOLD_H
#define UNDERSTUDY_HV_OUTPUT_HOLD_H

#include "types.h"

#define OUTPUT_HOLD_BYTES 65536 /* held at most (a power of two) */
#define OUTPUT_HOLD_MARKS 1024  /* marks outstanding at most (a power of two) */

struct output_mark {
	u64 end;        /* the bytes before this count of bytes held ... */
	u64 log_offset; /* ... need the log up to here */
	u64 tsc;        /* when the first of them was held */
};

struct output_hold_stats {
	u64 held;           /* bytes ever held */
	u64 max_held;       /* bytes held at once, at most */
	u64 releases;       /* release batches */
	u64 latency_sum;    /* TSC cycles from a batch's first byte held to its release */
	u64 latency_max;
	u64 full_waits;     /* puts (a byte, or a run) that found the queue full */
};

struct output_hold {
	u8 buf[OUTPUT_HOLD_BYTES];
	u64 head, tail;     /* bytes ever held, ever released */
	u64 marked;         /* bytes [tail, marked) carry a mark */
	u64 first_unmarked_tsc;
	struct output_mark marks[OUTPUT_HOLD_MARKS];
	u32 mark_head, mark_tail;
	struct output_hold_stats stats;
};

/* Writes released bytes where the outside sees them. */
typedef void (*output_hold_out_fn)(void *ctx, const u8 *bytes, size_t len);

void output_hold_init(struct output_hold *h);

/* Holds one byte (at host TSC now); false when the queue is full (the
 * caller waits for releases and tries again). */
bool output_hold_put(struct output_hold *h, u8 byte, u64 now);

/* Holds len bytes as one piece (a record whose bytes must stay together
 * under one mark: hv/frame_hold.h), or none of them: false when they do
 * not fit now. */
bool output_hold_put_run(struct output_hold *h, const u8 *bytes, size_t len, u64 now);

/* Bytes held since the last mark? (The log must be cut for them.) */
static inline bool output_hold_unmarked(const struct output_hold *h)
{
	return h->marked != h->head;
}

/* The log is cut at log_offset: every byte held so far needs it up to
 * there. A full list of marks folds into its last (a later offset: the
 * bytes wait a little longer, never less). */
void output_hold_mark(struct output_hold *h, u64 log_offset);

/* Releases, through out, every marked byte whose mark is at most acked
 * (the log the backup acknowledged); returns the bytes released. */
u64 output_hold_release(struct output_hold *h, u64 acked, u64 now, output_hold_out_fn out,
			void *ctx);

/* Releases everything held, marked or not (the run ended with its log
 * delivered, or there is no backup any more); returns the bytes. */
u64 output_hold_release_all(struct output_hold *h, u64 now, output_hold_out_fn out, void *ctx);

#endif
