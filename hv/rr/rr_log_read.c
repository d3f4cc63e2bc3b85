/*
 * Replay's reading of the log: whole frames move from the log module into
 * the ring, entries come out of them one by one (rr_peek, rr_consume), and
 * anything the replay cannot go on with is a divergence (rr_diverge). Used
 * by the replay of exits and between them (rr_replay.c) and by a replay
 * that starts from a snapshot (rr_snapshot.c).
 */
#include <stdarg.h>
#include <string.h>

#include "errno.h"
#include "fmt.h"
#include "hv/rr/rr_internal.h"
#include "hv/rr/rr_live.h"
#include "log.h"

/* A live backup that may resync does not stop: it asks the primary for a
 * checkpoint before the guest runs again (hv/rr/rr_resync.c). */
static bool resync_instead(struct vm *vm)
{
	struct rr_sync *s = &vm->rr->sync;

	if (!s->backup || vm->state != VM_RUNNING || vm->rr->ended)
		return false;
	s->wanted = true;
	return true;
}

void rr_diverge(struct vm *vm, const char *fmt, ...)
{
	struct rr_divergence *d = &vm->rr->divergence;
	va_list ap;

	if (d->diverged)
		return;
	d->diverged = true;
	d->landmark = vm->stats.guest_caused_exits;
	va_start(ap, fmt);
	fmt_vsnprintf(d->what, sizeof(d->what), fmt, ap);
	va_end(ap);
	if (resync_instead(vm))
		return;
	pr_err("rr: replay diverged at landmark %llu: %s", d->landmark, d->what);
	vm_stop(vm, "replay diverged at landmark %llu: %s", d->landmark, d->what);
}

/* Moves whole frames from the log module (or the live log) into the ring
 * while they fit. A live log's frame still coming waits for its bytes. */
static void refill(struct vm *vm)
{
	struct rr_state *rr = vm->rr;

	while (rr->source_pos + RRLOG_FRAME_HEADER_SIZE <= rr->source_len) {
		const u8 *f = rr->source + rr->source_pos;
		u64 left = rr->source_len - rr->source_pos, total;
		u32 payload;

		memcpy(&payload, f + 4, sizeof(payload));
		total = RRLOG_FRAME_HEADER_SIZE + (u64)payload;
		if (total > left && payload <= RRLOG_FRAME_MAX_PAYLOAD && rr->live && !rr_live_over(vm))
			return; /* its bytes are still coming */
		if (total > left && rr->may_take_over && rr_live_lost(vm)) {
			/* the recorder died sending it: never a whole frame */
			rr->stats.live_partial_bytes = left;
			rr->source_pos = rr->source_len;
			return;
		}
		if (payload > RRLOG_FRAME_MAX_PAYLOAD || total > left)
			total = MIN((u64)RR_FRAME_SIZE, left); /* the reader names the problem */
		if (!byte_ring_put(&rr->ring, f, total))
			return;
		rr->source_pos += total;
	}
}

/* Opens the next frame from the ring; 1, 0 at the end of the log, or -1
 * after reporting a bad frame. */
static int open_next_frame(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	u64 n;
	long size;

	refill(vm);
	n = byte_ring_peek(&rr->ring, rr->frame, RR_FRAME_SIZE);
	while (n == 0 && rr->live && rr_live_wait(vm)) {
		refill(vm);
		n = byte_ring_peek(&rr->ring, rr->frame, RR_FRAME_SIZE);
	}
	if (n == 0)
		return 0;
	size = rrlog_open_frame(&rr->reader, rr->frame, n);
	if (size < 0) {
		rr_diverge(vm, "the log is %s: %s (frame %llu)",
			   size == -ENODATA ? "truncated" : "corrupt", rr->reader.error,
			   rr->reader.next_seq);
		return -1;
	}
	byte_ring_consume(&rr->ring, (u64)size);
	rr->frame_open = true;
	return 1;
}

bool rr_peek(struct vm *vm)
{
	struct rr_state *rr = vm->rr;

	while (!rr->have_next) {
		int r = rr->frame_open ? rrlog_next(&rr->reader, &rr->next) : 0;

		if (r < 0) {
			rr_diverge(vm, "the log is corrupt: %s (frame %llu)", rr->reader.error,
				   (rr->reader.next_seq - 1));
			return false;
		}
		if (r > 0) {
			rr->have_next = true;
			break;
		}
		rr->frame_open = false;
		if (open_next_frame(vm) <= 0)
			return false;
	}
	return true;
}

void rr_consume(struct rr_state *rr)
{
	rr->stats.entries[rr->next.type & (RR_TYPES - 1)]++;
	rr->have_next = false;
}
