/*
 * The guest's console output as a stream with offsets, and what it held
 * between two points: the recording logs, at each cut of the output rule,
 * the offset, count and hash of the bytes written since the last cut (an
 * OUTPUT entry); a replay tallies the bytes its own guest writes and
 * compares at the same landmark (docs/fault-tolerance.md, "Resync").
 * Pure: host-tested.
 */
#ifndef UNDERSTUDY_HV_OUTPUT_TALLY_H
#define UNDERSTUDY_HV_OUTPUT_TALLY_H

#include "hash.h"
#include "types.h"

/* The bytes written since the last span ended. */
struct output_span {
	u64 offset;        /* of the first byte in the whole stream */
	u64 count;
	u64 hash;          /* XXH3-64 (seed 0) of the bytes */
};

struct output_tally {
	u64 written;       /* bytes in the whole stream so far */
	u64 span_start;    /* the offset where the current span began */
	struct hash64_state span;
};

void output_tally_init(struct output_tally *t);
void output_tally_add(struct output_tally *t, u8 byte);
/* Ends the current span (what was written since the last call) and
 * starts the next one. */
void output_tally_take(struct output_tally *t, struct output_span *out);

/* The stream goes on from offset written (a resync: the primary's), the
 * current span dropped; returns the bytes written before. */
u64 output_tally_restart(struct output_tally *t, u64 written);

#endif
