/*
 * The destination's feedback in a live migration (seed 000): after each
 * round the source ends, the destination reports the pages it received in
 * that round with the XXH3-64 of what it now holds of each, in HOLDS
 * frames, so that the source sends a delta only against a copy the
 * destination confirmed holding. The report is built frame by frame as
 * the link has room; a report still unfinished when the next round ends
 * is dropped (its pages go whole next time, never wrong).
 *
 * Pure code over buffers the caller lends (host-tested).
 */
#ifndef UNDERSTUDY_HV_MIGRATE_HOLDS_H
#define UNDERSTUDY_HV_MIGRATE_HOLDS_H

#include "proto/migrate_proto.h"
#include "types.h"

struct mig_holds {
	u64 npages;
	u64 *received;      /* bitmap: pages received in the current round */
	u64 fresh;          /* pages in received */
	u64 *pending;       /* bitmap: pages of the ended round not reported yet */
	u32 round;          /* of pending */
	u64 cursor;         /* next page of pending to look at */
	u64 left;           /* pages in pending */
	u64 reported, frames, dropped; /* pages reported, HOLDS frames, pages dropped */
};

/* Bytes of memory the report of npages pages needs. */
u64 mig_holds_bytes(u64 npages);

/* Lays the report out in mem (mig_holds_bytes of it). */
void mig_holds_init(struct mig_holds *r, u64 npages, void *mem);

/* Page pfn was received (decoded into guest RAM). */
void mig_holds_page(struct mig_holds *r, u64 pfn);

/* The source ended round: its pages become the report to send (a round
 * that sent nothing leaves the report before it standing). */
void mig_holds_round_end(struct mig_holds *r, u32 round);

/* The next HOLDS frame of the report into buf (cap bytes), hashing each
 * page of ram as it is now: its length, 0 when nothing is to be reported,
 * or the encoder's refusal. */
int mig_holds_build(struct mig_holds *r, struct mig_encoder *e, const u8 *ram, u8 *buf, size_t cap);

#endif
