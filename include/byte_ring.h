/*
 * A byte ring in hypervisor memory between the record path and its sink
 * (or, in replay, between the log's source and the replayer). Whole frames
 * go in and come out; the writer never blocks: it is told there is no room,
 * and the run loop pumps it to the sink before the guest runs again (the
 * TCP sink consumes only acknowledged bytes, so it is also the resend
 * buffer). Pure code.
 */
#ifndef UNDERSTUDY_BYTE_RING_H
#define UNDERSTUDY_BYTE_RING_H

#include "types.h"

struct byte_ring {
	u8 *buf;
	u64 size;  /* a power of two */
	u64 head;  /* total bytes ever written */
	u64 tail;  /* total bytes ever consumed */
	u64 high_water; /* most bytes ever held */
};

/* @pre size is a power of two and buf holds size bytes. */
void byte_ring_init(struct byte_ring *r, u8 *buf, u64 size);

static inline u64 byte_ring_used(const struct byte_ring *r)
{
	return r->head - r->tail;
}

static inline u64 byte_ring_free(const struct byte_ring *r)
{
	return r->size - byte_ring_used(r);
}

/* Appends len bytes, all or nothing; false when there is no room. */
bool byte_ring_put(struct byte_ring *r, const void *data, u64 len);

/* Copies up to max bytes from the oldest without consuming them; returns
 * how many were copied. */
u64 byte_ring_peek(const struct byte_ring *r, void *out, u64 max);

/* Drops n bytes from the oldest. @pre n <= byte_ring_used(r). */
void byte_ring_consume(struct byte_ring *r, u64 n);

#endif
