/* Record/replay set-up, exit classification and the report. */
#include "hv/rr/rr.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "boot/bootinfo.h"
#include "errno.h"
#include "hash.h"
#include "hv/config.h"
#include "hv/guest_boot.h"
#include "hv/mb1_loader.h"
#include "hv/ft_switchover.h"
#include "hv/rr/rr_internal.h"
#include "hv/rr/rr_live.h"
#include "hv/rr/tbit.h"
#include "hv/rr/write_window.h"
#include "log.h"

static struct rr_state the_rr; /* one VM */

STATIC_ASSERT((RR_RING_SIZE & (RR_RING_SIZE - 1)) == 0, "the ring's size is a power of two");
STATIC_ASSERT(RR_RING_SIZE >= 2 * RR_FRAME_SIZE, "a whole frame always finds room once the ring drains");
STATIC_ASSERT((int)RR_CHOICE_RECORD == (int)RR_RECORD && (int)RR_CHOICE_REPLAY == (int)RR_REPLAY,
	      "config's rr values are rr_mode values");

/* *out, unless it holds what a recording before took for this VM (a
 * recording started again: hv/ft_join.c). */
static int alloc_pages(u64 bytes, void **out)
{
	u64 pa;
	int err;

	if (*out)
		return 0;
	err = page_alloc(ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE, 1, &pa);
	if (!err)
		*out = phys_to_virt(pa);
	return err;
}

/* The ring, the frame buffer and the digest arrays (those of kept, a
 * recording or replay before on this VM, reused). Page hashes start as
 * the hash of a page of zeros (docs/log-format.md). */
static int alloc_buffers(struct vm *vm, struct rr_state *rr, const struct rr_state *kept)
{
	u8 *ring = kept->ring.buf;
	u64 zero_hash;
	int err;

	rr->frame = kept->frame;
	rr->page_hash = kept->page_hash;
	rr->changed = kept->changed;
	rr->pending.data = kept->pending.data;
	rr->sync.their_hash = kept->sync.their_hash;
	rr->live_buf = kept->live_buf; /* hv/rr/rr_live.c takes it when first needed */
	rr->npages = vm->ram_size / PAGE_SIZE;
	err = alloc_pages(RR_RING_SIZE, (void **)&ring);
	err = err ? err : alloc_pages(RR_FRAME_SIZE, (void **)&rr->frame);
	err = err ? err : alloc_pages(rr->npages * sizeof(u64), (void **)&rr->page_hash);
	err = err ? err : alloc_pages(rr->npages * sizeof(*rr->changed), (void **)&rr->changed);
	err = err ? err : alloc_pages(WW_PAGES * PAGE_SIZE, (void **)&rr->pending.data);
	if (err) {
		pr_err("rr: not enough memory for the log ring and digests");
		return err;
	}
	byte_ring_init(&rr->ring, ring, RR_RING_SIZE);
	memset(rr->frame, 0, PAGE_SIZE);
	zero_hash = hash64(rr->frame, PAGE_SIZE, 0);
	for (u64 p = 0; p < rr->npages; p++)
		rr->page_hash[p] = zero_hash;
	return 0;
}

/* The boot's configuration, for a log started again (rr_restart_joined). */
static struct {
	const struct boot_info *bi;
	const struct config *cfg;
} origin;

int rr_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	struct rr_state *rr = &the_rr;
	static struct rr_state kept; /* a recording started again (hv/ft_join.c): its buffers */
	int err;

	if (!origin.cfg) {
		origin.bi = bi;
		origin.cfg = cfg;
	}
	if (cfg->rr == RR_CHOICE_OFF)
		return 0;
	memset(&kept, 0, sizeof(kept));
	if (vm->rr == rr)
		kept = *rr;
	memset(rr, 0, sizeof(*rr));
	rr->mode = (enum rr_mode)cfg->rr;
	rr->digest_interval = cfg->rr_digest;
	err = alloc_buffers(vm, rr, &kept);
	/* a resumed or migrated guest's RAM (a snapshot's, a join's: hv/ft_join.c)
	 * may differ from zero anywhere */
	err = err ? err : ww_init(vm, cfg->resume || cfg->ft_join ? vm->ram_size
							      : vm->boot_written_end);
	if (err)
		return err;
	vm->rr = rr;
	err = rr->mode == RR_RECORD ? rr_record_init(vm, bi, cfg) : rr_replay_init(vm, bi, cfg);
	if (!err)
		rr_sync_init(vm, bi, cfg);
	return err;
}

int rr_restart_joined(struct vm *vm)
{
	static struct config rec; /* rr and the T bit keep it */
	u32 wait_s = origin.cfg->ft_timeout_ms / 1000;

	rec = *origin.cfg;
	rec.ft_join = true;
	rec.rr_live_wait = wait_s ? wait_s : 1;
	rec.rr_live_copy = false; /* the copy was of the first log */
	if (rr_init(vm, origin.bi, &rec) || tbit_init(vm, &rec))
		return -EIO;
	return 0;
}

bool rr_exit_is_ours(struct vm *vm, const struct vexit *e)
{
	return rr_replaying(vm) && rr_replay_exit_is_ours(vm, e);
}

/* Async landmarks: note whether guest instructions may have run since the
 * last guest-caused exit. */
void rr_after_exit(struct vm *vm, const struct vexit *e, bool guest_caused)
{
	if (!vm->rr)
		return;
	vm->rr->guest_ran = !guest_caused;
	vm->rr->at_async_point = false;
	if (guest_caused) /* an event that came due goes here */
		vm->rr->probe.active = vm->rr->probe.armed = false;
}

void rr_before_entry(struct vm *vm)
{
	if (rr_recording(vm) && vm->rr->sync.asked) /* a backup wants a checkpoint */
		rr_checkpoint_poll(vm);
	if (rr_recording(vm))
		rr_record_before_entry(vm);
	else if (rr_replaying(vm))
		rr_replay_before_entry(vm);
}

void rr_pump(struct vm *vm)
{
	if (rr_recording(vm)) {
		rr_record_pump(vm);
		if (rr_recording(vm))
			rr_checkpoint_note_request(vm); /* a backup's request, heard */
	} else if (rr_replaying(vm) && vm->rr->live)
		rr_live_pump(vm);
}

u64 rr_sink_deadline_tsc(const struct vm *vm)
{
	return rr_recording(vm) ? rr_record_sink_deadline_tsc(vm) : UINT64_MAX;
}

void rr_finish(struct vm *vm)
{
	if (rr_recording(vm)) {
		rr_record_finish(vm);
		if (vm->rr->switched_over && !vm->rr->sink_failed)
			ft_switchover_handed(vm); /* the witness's lease to the backup */
	} else if (rr_replaying(vm))
		rr_replay_finish(vm);
}

const char *rr_mode_name(const struct rr_state *rr)
{
	if (rr->took_over)
		return "replay, then live";
	if (rr->backup_lost)
		return "record, then without a backup";
	if (rr->to_checkpoints)
		return rr->ft_primary ? "record, then checkpoints" : "replay, then checkpoints";
	return rr->mode == RR_RECORD ? "record" : "replay";
}

void rr_report(const struct vm *vm)
{
	const struct rr_state *rr = vm->rr;
	const struct rr_stats *s;
	u64 total = 0;

	if (!rr)
		return;
	s = &rr->stats;
	for (int t = 0; t < RR_TYPES; t++)
		total += s->entries[t];
	console_printf("record/replay (%s): %llu entries, %llu bytes in %llu frames, %llu digests\n",
		       rr_mode_name(rr), total,
		       s->log_bytes, s->frames,
		       s->digests);
	for (int t = 0; t < RR_TYPES; t++)
		if (s->entries[t])
			console_printf("  %-17s %10llu\n", rrlog_type_name((unsigned)t),
				       s->entries[t]);
	console_printf("  ring high water %llu of %u bytes, %llu waits for a full ring (%llu TSC cycles)\n",
		       rr->ring.high_water, RR_RING_SIZE,
		       s->ring_full_waits, s->ring_wait_cycles);
	if (vm->window) {
		const struct write_window_stats *w = &vm->window->stats;

		console_printf("  write window: %llu faults, %llu pages protected again\n",
			       w->faults, w->evictions);
		if (w->takes)
			console_printf("  window pages logged: %llu of the %llu the window held at "
				       "%llu deliveries (stage-2 dirty flags %s), coded to %llu of "
				       "their %llu bytes\n", w->pages_taken, w->pages_offered, w->takes,
				       ww_dirty_flags_name(vm), s->window_bytes_coded,
				       s->window_bytes_raw);
	}
	if (rr->mode == RR_RECORD || rr->backup_lost)
		console_printf("  async deliveries %llu after %llu probes (%llu with the window's "
			       "pages, %llu probes idle, %llu run again for writes), delay %llu ns "
			       "on average, %llu ns at most; %llu waited for an event's delivery, %llu for an STI's shadow\n",
			       s->async_deliveries, s->probes, s->window_page_sets, s->idle_probes,
			       s->busy_probes,
			       s->probes_run ? s->async_delay_ns / s->probes_run : 0,
			       s->async_delay_max_ns, s->mid_event_waits, s->sti_waits);
	if (rr->mode == RR_REPLAY || rr->took_over)
		console_printf("  async landmarks %llu: %llu teleported, %llu searched with %llu "
			       "breakpoint stops\n",
			       s->async_landmarks, s->teleports, s->searches, s->search_stops);
	rr_sync_report(vm);
}
