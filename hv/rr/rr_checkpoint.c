/*
 * The primary's side of a resync (see rr_resync.h): when its backup asks,
 * the next moment a snapshot may be taken while recording (right after a
 * guest-caused exit, no event in flight), the primary writes a checkpoint
 * into its log: a digest (so that the backup's page hashes, taken afresh,
 * agree with its own), an OUTPUT (the console stream's offset; the guest
 * waits until the backup has acknowledged the log so far, so that every
 * console byte before the checkpoint is released: the backup's replay
 * from it cannot produce them), the whole
 * VM as a snapshot in CHECKPOINT_DATA pieces, then the SNAPSHOT entry with
 * its hash, which realigns the recording as any snapshot does. The guest
 * waits while the pieces go into the log (they go out as the ring fills,
 * as any entries do); it does not stop.
 */
#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/time.h"
#include "errno.h"
#include "hash.h"
#include "hv/rr/rr_internal.h"
#include "hv/rr/rr_sink.h"
#include "hv/snapshot.h"
#include "hv/snapshot_vcpu.h"
#include "hv/rr/rr_moment.h"
#include "log.h"

#define HOLDS_WAIT_NS 2000000000ULL /* for the backup's page hashes after its request */

static struct {
	u8 piece[RRLOG_CHECKPOINT_CHUNK];
	u32 fill;
	u64 offset;                 /* of piece[0] in the checkpoint */
	struct hash64_state whole;
} ck;

static void log_piece(struct vm *vm)
{
	struct rrlog_entry e = { .type = RR_CHECKPOINT_DATA };

	if (!ck.fill)
		return;
	e.checkpoint.offset = ck.offset;
	e.checkpoint.len = ck.fill;
	e.checkpoint.data = ck.piece;
	rr_log(vm, &e);
	ck.offset += ck.fill;
	ck.fill = 0;
}

/* The snapshot writer's sink: its bytes, in pieces, into the log. */
static int piece_sink(void *ctx, const void *data, size_t len)
{
	struct vm *vm = ctx;
	const u8 *p = data;

	hash64_add(&ck.whole, data, len);
	while (len) {
		u32 n = (u32)MIN(len, (size_t)(sizeof(ck.piece) - ck.fill));

		memcpy(ck.piece + ck.fill, p, n);
		ck.fill += n;
		p += n;
		len -= n;
		if (ck.fill == sizeof(ck.piece))
			log_piece(vm);
		if (vm->rr->mode != RR_RECORD)
			return -EIO; /* the backup was lost meanwhile */
	}
	return 0;
}

/* A page goes in the checkpoint unless the backup holds it alike (its
 * hash, from HOLDS, is this page's: the digest just taken made them current). */
static bool page_wanted(void *ctx, u64 pfn)
{
	struct vm *vm = ctx;
	struct rr_sync *s = &vm->rr->sync;

	if (s->their_hash && s->their_hash[pfn] == vm->rr->page_hash[pfn])
		return false;
	s->pages_sent++;
	return true;
}

static void write_checkpoint(struct vm *vm, bool delta)
{
	struct rr_sync *s = &vm->rr->sync;
	u64 start = rdtsc(), cycles, pages_before = s->pages_sent;
	u64 *their = s->their_hash;
	int err;

	s->asked = false;
	rr_log_digest(vm);
	rr_log_output(vm, true);
	if (!rr_record_drain(vm))
		return;
	ck.fill = 0;
	ck.offset = 0;
	hash64_begin(&ck.whole, 0);
	if (!delta)
		s->their_hash = NULL; /* every page goes */
	err = snapshot_write_delta(vm, &s->id, piece_sink, vm, page_wanted, vm);
	s->their_hash = their;
	if (err) {
		pr_err("ft: the checkpoint for the backup could not be written");
		return;
	}
	log_piece(vm);
	if (vm->rr->mode != RR_RECORD)
		return;
	rr_snapshot_taken(vm, hash64_end(&ck.whole), vm->dev_time_ns);
	cycles = rdtsc() - start;
	s->checkpoints++;
	s->checkpoint_bytes += ck.offset;
	s->stun_cycles += cycles;
	s->stun_max_cycles = MAX(s->stun_max_cycles, cycles);
	pr_info("ft: checkpoint for the backup at landmark %llu (it diverged at %llu): %llu bytes "
		"in the log, %llu of %llu pages (%s), the guest waited %llu us",
		vm->stats.guest_caused_exits, s->asked_at, ck.offset, s->pages_sent - pages_before,
		vm->rr->npages, delta ? "those the backup does not hold alike" : "every page",
		time_tsc_to_ns(cycles) / 1000);
}

void rr_checkpoint_note_request(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	u64 landmark;

	if (rr->sync.primary && rr->sink->resync_requested &&
	    rr->sink->resync_requested(&landmark) && !rr->sync.asked &&
	    !(rr->sync.checkpoints && landmark == rr->sync.asked_at)) { /* not asked again */
		rr->sync.asked = true;
		rr->sync.asked_at = landmark;
		rr->sync.asked_ns = time_now_ns();
		pr_info("ft: the backup asks for a checkpoint (it diverged at landmark %llu); this "
			"guest is at landmark %llu", landmark, vm->stats.guest_caused_exits);
	}
}

/* The checkpoint waits for the backup's page hashes, HOLDS_WAIT_NS at
 * most (then every page goes). */
void rr_checkpoint_poll(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	bool delta;

	if (!rr->sync.asked || rr->mode != RR_RECORD || !snap_vcpu_quiescent(vm) ||
	    !rr_snapshot_moment(vm))
		return;
	delta = rr->sync.their_hash && rr->sink->holds() >= rr->npages;
	if (delta || time_now_ns() - rr->sync.asked_ns >= HOLDS_WAIT_NS)
		write_checkpoint(vm, delta);
}
