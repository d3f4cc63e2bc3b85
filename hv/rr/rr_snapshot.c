/*
 * A snapshot taken while recording (docs/record-replay.md, "Snapshots
 * while recording"). It is taken right after a guest-caused exit, and the
 * log gets a SNAPSHOT entry there naming it (its hash and device time).
 * What a replay resumed from the snapshot cannot know of the run before
 * it, the recording and a replay from the start drop at that entry too:
 * the write window is emptied and the T bit's marks are recomputed from
 * the guest's page tables, as they are when a run starts. So all three go
 * on from the same state: the recording, a replay from the start (which
 * meets the entry between exits), and a replay from the snapshot (which
 * skips the log up to the entry).
 */
#include "errno.h"
#include "hv/rr/rr_internal.h"
#include "hv/rr/tbit.h"
#include "hv/rr/write_window.h"
#include "log.h"

/* What a run starting at this landmark starts with. */
static void realign(struct vm *vm)
{
	ww_empty(vm);
	tbit_cr_written(vm); /* marks recomputed from CR3 */
}

void rr_snapshot_taken(struct vm *vm, u64 hash, u64 device_time_ns)
{
	struct rrlog_entry e = { .type = RR_SNAPSHOT };

	if (!rr_recording(vm))
		return;
	e.snapshot.hash = hash;
	e.snapshot.device_time_ns = device_time_ns;
	rr_log(vm, &e);
	realign(vm);
	pr_info("rr: snapshot %016llx logged at landmark %llu", hash, vm->stats.guest_caused_exits);
}

void rr_replay_snapshot(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	struct rrlog_entry e = rr->next;

	rr_consume(rr);
	if (e.snapshot.device_time_ns != vm->dev_time_ns) {
		rr_diverge(vm, "the log's snapshot has device time %llu ns, the replay %llu ns",
			   e.snapshot.device_time_ns, vm->dev_time_ns);
		return;
	}
	realign(vm);
}

int rr_replay_skip_to_snapshot(struct vm *vm, u64 hash)
{
	struct rr_state *rr = vm->rr;
	u64 skipped = 0;

	while (rr_peek(vm)) {
		struct rrlog_entry e = rr->next;

		rr->have_next = false; /* skipped: not counted as replayed */
		if (e.type != RR_SNAPSHOT || e.snapshot.hash != hash) {
			skipped++;
			continue;
		}
		if (e.landmark != vm->stats.guest_caused_exits ||
		    e.snapshot.device_time_ns != vm->dev_time_ns) {
			pr_err("rr: the log's SNAPSHOT entry for this snapshot is at landmark %llu, "
			       "device time %llu ns; the snapshot's are %llu, %llu ns: refusing to replay",
			       e.landmark, e.snapshot.device_time_ns, vm->stats.guest_caused_exits,
			       vm->dev_time_ns);
			return -EINVAL;
		}
		pr_info("rr: replaying from the snapshot at landmark %llu (%llu log entries before it skipped)",
			e.landmark, skipped);
		return 0;
	}
	if (rr->divergence.diverged)
		return -EINVAL; /* a bad log, already reported */
	pr_err("rr: the log was recorded from the start and names no snapshot %016llx: "
	       "this snapshot was not taken during it; refusing to replay it", hash);
	return -EINVAL;
}
