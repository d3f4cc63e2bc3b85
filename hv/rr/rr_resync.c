/*
 * The backup's side of a resync (see rr_resync.h): a divergence becomes a
 * request for a checkpoint; the log is read on, without running the guest,
 * up to the checkpoint the primary wrote after it; the checkpoint is
 * applied whole (hv/snapshot_resume.c: checked, then applied) and the
 * replay goes on from its SNAPSHOT entry, in step with the primary again.
 */
#include <string.h>

#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "hash.h"
#include "hv/config.h"
#include "hv/guest_console.h"
#include "hv/rr/rr_digest.h"
#include "hv/rr/rr_internal.h"
#include "hv/rr/rr_sink.h"
#include "hv/rr/tbit.h"
#include "hv/snapshot.h"
#include "log.h"
#include "net/logstream/logstream_in.h"

#define NS_PER_MS 1000000ULL

void rr_sync_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	struct rr_sync *s = &vm->rr->sync;
	u64 *their_hash = s->their_hash; /* a recording started again reuses it (rr_init) */

	memset(s, 0, sizeof(*s));
	s->mode = (u8)cfg->ft_resync;
	s->inject_at = cfg->ft_inject_mismatch;
	s->primary = cfg->role == FT_ROLE_PRIMARY && rr_recording(vm);
	s->backup = cfg->role == FT_ROLE_BACKUP && vm->rr->live && cfg->ft_resync != FT_RESYNC_OFF;
	snapshot_identity(bi, cfg, &s->id);
	s->id.ram_size = vm->ram_size;
	if (s->primary && vm->rr->sink->set_holds) {
		s->their_hash = their_hash ? their_hash
					   : page_alloc_bytes(vm->rr->npages * sizeof(u64));
		if (s->their_hash)
			vm->rr->sink->set_holds(s->their_hash, vm->rr->npages);
		else
			pr_warn("ft: no memory for the backup's page hashes: checkpoints go whole");
	}
}

bool rr_sync_digest_tolerated(struct vm *vm, const char *what)
{
	struct rr_sync *s = &vm->rr->sync;

	if (!s->backup || s->mode != FT_RESYNC_OUTPUTS)
		return false;
	if (!s->digest_mismatches++)
		pr_warn("ft: state digest at landmark %llu differs (%s): outputs decide "
			"(ft_resync=outputs), the replay goes on", vm->stats.guest_caused_exits, what);
	return true;
}

/* The buffer a checkpoint is gathered in: the whole VM at most (every
 * page stored raw) and its sections, taken once. */
static bool have_buffer(struct vm *vm, struct rr_sync *s)
{
	if (s->buf)
		return true;
	s->buf_size = vm->ram_size + vm->ram_size / 8 + (1ULL << 20);
	s->buf = page_alloc_bytes(s->buf_size);
	if (!s->buf)
		pr_err("ft: no memory for a %llu MiB checkpoint buffer", s->buf_size >> 20);
	return s->buf != NULL;
}

/* A piece of the checkpoint: pieces come in order from offset 0; one out
 * of order starts the gathering over (a checkpoint this backup missed the
 * start of is not its own). */
static void gather(struct rr_sync *s, const struct rrlog_entry *e)
{
	if (e->checkpoint.offset == 0)
		s->fill = 0;
	if (e->checkpoint.offset != s->fill || s->fill + e->checkpoint.len > s->buf_size) {
		s->fill = 0;
		return;
	}
	memcpy(s->buf + s->fill, e->checkpoint.data, e->checkpoint.len);
	s->fill += e->checkpoint.len;
}

/* The replay's own state, as a run starting at the checkpoint has it:
 * the T bit's marks and the write window as at a SNAPSHOT entry, every
 * page hashed again (the primary's digest just before the checkpoint left
 * its hashes at the same contents), nothing searched for or pending.
 * False when guest memory then is not the primary's (its digest's hash). */
static bool start_over(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	u64 changed, written, memory;

	ww_empty(vm);
	tbit_cr_written(vm);
	memory = rr_digest_memory(vm->ram, rr->npages, NULL, rr->page_hash, rr->changed, &changed);
	ww_digest_taken(vm);
	memset(&rr->divergence, 0, sizeof(rr->divergence));
	rr->searching = rr->at_async_point = rr->guest_ran = false;
	rr_pending_drop(&rr->pending);
	rr->replayed_tsc = vm->resume_tsc;
	written = guest_console_restart_span(rr->sync.primary_written);
	pr_info("ft: the console stream goes on at offset %llu (this console had written %llu bytes)",
		rr->sync.primary_written, written);
	return memory == rr->sync.primary_memory;
}

/* The checkpoint gathered, named by the SNAPSHOT entry e: applied when
 * whole. False (the guest stopped) when it is refused. */
static bool apply_checkpoint(struct vm *vm, const struct rrlog_entry *e)
{
	struct rr_sync *s = &vm->rr->sync;
	u64 hash = hash64(s->buf, s->fill, 0);

	if (hash != e->snapshot.hash) {
		vm_stop(vm, "ft: the primary's checkpoint (%llu bytes) hashes to %016llx, its SNAPSHOT "
			"entry says %016llx", s->fill, hash, e->snapshot.hash);
		return false;
	}
	vm->hw->drop_events(&vm->vcpu.arch); /* the diverged guest's */
	/* pages this backup holds alike are not in it: RAM is kept */
	if (snapshot_apply_state(vm, s->buf, s->fill, &s->id)) {
		vm_stop(vm, "ft: the primary's checkpoint was refused (above)");
		return false;
	}
	if (vm->dev_time_ns != e->snapshot.device_time_ns) {
		vm_stop(vm, "ft: the checkpoint's device time %llu ns is not its SNAPSHOT entry's %llu",
			vm->dev_time_ns, e->snapshot.device_time_ns);
		return false;
	}
	if (!start_over(vm)) {
		vm_stop(vm, "ft: guest memory after the checkpoint is not the primary's (its digest "
			"there says otherwise)");
		return false;
	}
	return true;
}

/* Asks the primary, with the hashes of the pages this backup holds; again
 * on each new connection (a request sent on a connection that then broke
 * is lost with it), not on the same one (the primary is working on it:
 * the hashes sent again would only hold up the acknowledgements). */
static void ask(struct vm *vm, u32 *asked_on)
{
	struct rr_state *rr = vm->rr;
	u32 stream = logstream_in_streams();

	if (*asked_on == stream)
		return;
	if (logstream_in_request_resync(rr->divergence.landmark, rr->divergence.what, rr->page_hash,
					rr->npages))
		*asked_on = stream;
}

/* Reads the log on to the checkpoint and applies it. */
static bool wait_for_checkpoint(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	struct rr_sync *s = &rr->sync;
	u32 asked_on = 0; /* streams count from 1 */

	s->fill = 0;
	for (;;) {
		struct rrlog_entry e;

		ask(vm, &asked_on);
		if (!rr_peek(vm))
			break;
		e = rr->next;
		rr->have_next = false; /* passed over: not counted as replayed */
		s->skipped_entries++;
		if (e.type == RR_CHECKPOINT_DATA)
			gather(s, &e);
		else if (e.type == RR_OUTPUT)
			s->primary_written = e.output.offset + e.output.count;
		else if (e.type == RR_DIGEST)
			s->primary_memory = e.digest.memory_hash;
		else if (e.type == RR_SNAPSHOT && s->fill)
			return apply_checkpoint(vm, &e);
		else if (e.type == RR_END)
			break;
	}
	vm_stop(vm, "ft: the primary's log ended (or it is gone) before the checkpoint this backup "
		"asked for at landmark %llu came: it has no state to go live from",
		rr->divergence.landmark);
	return false;
}

bool rr_resync(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	struct rr_sync *s = &rr->sync;
	u64 start = time_now_ns(), from = rr->divergence.landmark, changed;

	s->wanted = false;
	rr->may_take_over = false; /* not from a state that is not the primary's */
	pr_warn("ft: the replay diverged at landmark %llu (%s): asking the primary for a checkpoint",
		from, rr->divergence.what);
	if (!have_buffer(vm, s)) {
		vm_stop(vm, "ft: a resync needs memory this backup does not have");
		return false;
	}
	/* the hashes of what it holds, current (the digests' own, brought up
	 * to date over the pages written since the last one) */
	rr_digest_memory(vm->ram, rr->npages, ww_dirty_bits(vm), rr->page_hash, rr->changed,
			 &changed);
	if (!wait_for_checkpoint(vm))
		return false;
	rr->may_take_over = true;
	s->resyncs++;
	s->wait_ns += time_now_ns() - start;
	pr_info("ft: resynced from the primary's checkpoint at landmark %llu (%llu bytes, %llu log "
		"entries passed over, %llu ms after the divergence at landmark %llu)",
		vm->stats.guest_caused_exits, s->fill, s->skipped_entries,
		(time_now_ns() - start) / NS_PER_MS, from);
	return true;
}

void rr_sync_report(const struct vm *vm)
{
	const struct rr_sync *s = &vm->rr->sync;

	if (s->backup || s->outputs_checked)
		pr_info("ft: %llu outputs compared, %llu differed; %llu state digests differed; "
			"%llu resyncs, %llu ms waiting for checkpoints", s->outputs_checked,
			s->output_mismatches, s->digest_mismatches, s->resyncs, s->wait_ns / NS_PER_MS);
	if (s->checkpoints)
		pr_info("ft: %llu checkpoints for the backup, %llu bytes; the guest waited %llu us for "
			"them, %llu us at most", s->checkpoints, s->checkpoint_bytes,
			time_tsc_to_ns(s->stun_cycles) / 1000, time_tsc_to_ns(s->stun_max_cycles) / 1000);
}
