/* The output rule's queue (see output_hold.h). */
#include "hv/output_hold.h"

#include <string.h>

#include "compiler.h"

STATIC_ASSERT((OUTPUT_HOLD_BYTES & (OUTPUT_HOLD_BYTES - 1)) == 0, "a power of two");
STATIC_ASSERT((OUTPUT_HOLD_MARKS & (OUTPUT_HOLD_MARKS - 1)) == 0, "a power of two");

void output_hold_init(struct output_hold *h)
{
	memset(h, 0, sizeof(*h));
}

bool output_hold_put(struct output_hold *h, u8 byte, u64 now)
{
	return output_hold_put_run(h, &byte, 1, now);
}

bool output_hold_put_run(struct output_hold *h, const u8 *bytes, size_t len, u64 now)
{
	if (OUTPUT_HOLD_BYTES - (h->head - h->tail) < len) {
		h->stats.full_waits++;
		return false;
	}
	if (!output_hold_unmarked(h))
		h->first_unmarked_tsc = now;
	for (size_t i = 0; i < len; i++)
		h->buf[h->head++ & (OUTPUT_HOLD_BYTES - 1)] = bytes[i];
	h->stats.held += len;
	h->stats.max_held = MAX(h->stats.max_held, h->head - h->tail);
	return true;
}

void output_hold_mark(struct output_hold *h, u64 log_offset)
{
	struct output_mark *m;

	if (!output_hold_unmarked(h))
		return;
	if (h->mark_head - h->mark_tail == OUTPUT_HOLD_MARKS) {
		m = &h->marks[(h->mark_head - 1) & (OUTPUT_HOLD_MARKS - 1)];
		m->end = h->head;
		m->log_offset = MAX(m->log_offset, log_offset);
	} else {
		m = &h->marks[h->mark_head++ & (OUTPUT_HOLD_MARKS - 1)];
		*m = (struct output_mark){ h->head, log_offset, h->first_unmarked_tsc };
	}
	h->marked = h->head;
}

/* Hands out bytes [tail, end) (at most two pieces: the queue wraps). */
static void release_to(struct output_hold *h, u64 end, output_hold_out_fn out, void *ctx)
{
	while (h->tail < end) {
		u64 at = h->tail & (OUTPUT_HOLD_BYTES - 1);
		u64 n = MIN(end - h->tail, OUTPUT_HOLD_BYTES - at);

		out(ctx, h->buf + at, (size_t)n);
		h->tail += n;
	}
}

/* A batch held since tsc goes out now: its latency. */
static void count_release(struct output_hold *h, u64 tsc, u64 now)
{
	u64 latency = now > tsc ? now - tsc : 0;

	h->stats.releases++;
	h->stats.latency_sum += latency;
	h->stats.latency_max = MAX(h->stats.latency_max, latency);
}

u64 output_hold_release(struct output_hold *h, u64 acked, u64 now, output_hold_out_fn out,
			void *ctx)
{
	u64 before = h->tail;

	while (h->mark_tail != h->mark_head) {
		struct output_mark *m = &h->marks[h->mark_tail & (OUTPUT_HOLD_MARKS - 1)];

		if (m->log_offset > acked)
			break;
		release_to(h, m->end, out, ctx);
		count_release(h, m->tsc, now);
		h->mark_tail++;
	}
	return h->tail - before;
}

u64 output_hold_release_all(struct output_hold *h, u64 now, output_hold_out_fn out, void *ctx)
{
	u64 before = h->tail;

	if (h->mark_tail != h->mark_head)
		count_release(h, h->marks[h->mark_tail & (OUTPUT_HOLD_MARKS - 1)].tsc, now);
	else if (output_hold_unmarked(h))
		count_release(h, h->first_unmarked_tsc, now);
	release_to(h, h->head, out, ctx);
	h->mark_tail = h->mark_head;
	h->marked = h->head;
	return h->tail - before;
}
