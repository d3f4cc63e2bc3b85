/*
 * The listener's copy of a guest's console (docs/console-stream.md): the
 * bytes every sender sent, merged in offset order. A byte at an offset the
 * copy has is taken only when it is the same (a byte that differs is a
 * contradiction: counted, and told to the caller with both bytes); bytes
 * past the end of the copy extend it (after a gap when they do not start
 * at its end: bytes no sender had any more). The first HELLO names the
 * guest (unless the caller did); a HELLO that names another is refused.
 * Pure: memory only, no I/O.
 */
#ifndef UNDERSTUDY_TOOLS_HVLISTEN_MERGE_H
#define UNDERSTUDY_TOOLS_HVLISTEN_MERGE_H

#include "types.h"

#define MERGE_GAPS_KEPT 64 /* gaps remembered (so that their bytes are not compared) */

struct merge_gap {
	u64 start, end; /* bytes [start, end) no sender had */
};

struct merge {
	u8 *bytes;          /* the console, bytes [0, have) (a gap's are zero) */
	u64 have, cap;
	u64 guest;
	bool guest_known;
	struct merge_gap kept[MERGE_GAPS_KEPT];
	unsigned gaps_kept;
	/* counters */
	u64 senders;        /* HELLOs taken */
	u64 refused;        /* HELLOs refused (another guest) */
	u64 received;       /* DATA bytes received, overlaps included */
	u64 checked;        /* bytes that overlapped the copy and were compared */
	u64 contradictions; /* of those, bytes that differed */
	u64 gaps, gap_bytes;
};

/* A byte that contradicts the copy. */
struct merge_contradiction {
	u64 offset;
	u8 have, got;
};

void merge_init(struct merge *m);
void merge_free(struct merge *m);
/* Fixes the guest before any HELLO (hvlisten --guest). */
void merge_set_guest(struct merge *m, u64 guest);

/* A sender's HELLO for guest: true when taken (the first names the
 * guest), false for another guest (counted in refused). */
bool merge_hello(struct merge *m, u64 guest);

/*
 * len bytes at offset from a sender that said HELLO. Returns the new bytes
 * appended to the copy (at old have; *gap_before set to the bytes skipped
 * before them, 0 without a gap), or -1 when memory ran out. The first
 * max_report contradictions go to report[] (*reported: how many), all are
 * counted.
 */
long merge_data(struct merge *m, u64 offset, const u8 *data, size_t len,
		u64 *gap_before, struct merge_contradiction *report, unsigned max_report,
		unsigned *reported);

#endif
