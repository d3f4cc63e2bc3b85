/*
 * Taking a snapshot: at the first moment between two exits after the one
 * snapshot= names (guest time, or a count of guest-caused exits) where the
 * vCPU has no event in flight (and, while recording, right after a
 * guest-caused exit: hv/rr/rr_snapshot.c), the guest is held while the whole VM is
 * streamed to its sink (COM3, or the collector over TCP: snapshot_sink.c),
 * then stopped or let go on.
 */
#include "hv/snapshot.h"

#include <string.h>

#include "arch/x86/time.h"
#include "hash.h"
#include "errno.h"
#include "hv/config.h"
#include "hv/rr/rr.h"
#include "hv/rr/rr_identity.h"
#include "hv/snapshot_devices.h"
#include "hv/snapshot_sink.h"
#include "hv/snapshot_vcpu.h"
#include "hv/vm_devices.h"
#include "hv/rr/rr_moment.h"
#include "log.h"
#include "version.h"

#define SCRATCH_SIZE (256u << 10) /* one MEMORY section's worth of encoded pages */

static struct snap_writer writer;
static struct page_codec_work work;
static u8 scratch[SCRATCH_SIZE];
static struct snap_vcpu vcpu_rec;
static struct hash64_state whole; /* of the snapshot being taken, as it is written */

static struct {
	enum snapshot_when when;
	u64 at;
	enum snapshot_then then;
	struct snap_identity id;
	bool taken, stopped;
} plan;

static void fill_header(struct vm *vm, const struct snap_identity *id, struct snap_header *h)
{
	memset(h, 0, sizeof(*h));
	h->kernel_hash = id->kernel_hash;
	h->modules_hash = id->modules_hash;
	h->cmdline_hash = id->cmdline_hash;
	h->ram_size = vm->ram_size;
	h->tsc_hz = time_clocks()->tsc_hz;
	memcpy(h->backend, vm->hw->name, MIN(strlen(vm->hw->name), sizeof(h->backend) - 1));
	memcpy(h->version, UNDERSTUDY_VERSION,
	       MIN(strlen(UNDERSTUDY_VERSION), sizeof(h->version) - 1));
}

/* Which pages go: all (want NULL), none (no_memory), or those want takes,
 * zero pages among them written too (a delta over RAM the reader keeps). */
struct page_choice {
	bool no_memory;
	bool (*want)(void *ctx, u64 pfn);
	const u8 *(*prev)(void *ctx, u64 pfn); /* the reader's copy, for a delta; NULL: none */
	void *ctx;
};

static int write_pages(struct vm *vm, struct snap_writer *w, const struct page_choice *pick)
{
	u64 pages = vm->ram_size / SNAP_PAGE_SIZE;
	int err = 0;

	w->write_zero = pick->want != NULL;
	for (u64 pfn = 0; pfn < pages && !err; pfn++)
		if (!pick->want || pick->want(pick->ctx, pfn))
			err = snap_write_page_against(w, pfn, vm->ram + pfn * SNAP_PAGE_SIZE,
						      pick->prev ? pick->prev(pick->ctx, pfn) : NULL);
	return err;
}

/* The VM, with the pages pick chooses. */
static int write_vm(struct vm *vm, const struct snap_identity *id, snap_sink_fn sink, void *ctx,
		    const struct page_choice *pick)
{
	struct snap_header h;
	struct snap_rr rr;
	int err;

	rr_advance_devices(vm); /* devices at guest time: the RR section's device time */
	fill_header(vm, id, &h);
	snap_vcpu_save(vm, &vcpu_rec);
	rr = (struct snap_rr){ vm->stats.guest_caused_exits, vm->dev_time_ns };
	snap_writer_init(&writer, sink, ctx, scratch, sizeof(scratch), &work);
	err = snap_write_header(&writer, &h);
	err = err ? err : snap_write_vcpu(&writer, &vcpu_rec);
	err = err ? err : snap_devices_write(vm, &writer);
	err = err ? err : snap_write_rr(&writer, &rr);
	err = err || pick->no_memory ? err : write_pages(vm, &writer, pick);
	err = err ? err : snap_write_end(&writer);
	if (!err) /* a delta's writer says what it sent (a resync, a checkpoint epoch) */
		log_printf(pick->want ? LOG_DEBUG : LOG_INFO,
			"snapshot: %llu bytes at landmark %llu, device time %llu ns, RIP %#llx "
			"(%llu zero pages elided%s)", writer.bytes, rr.landmark, rr.device_time_ns,
			vcpu_rec.rip, writer.zero_pages,
			pick->no_memory ? ", RAM not included" : pick->want ? ", a delta" : "");
	return err;
}

int snapshot_write(struct vm *vm, const struct snap_identity *id, snap_sink_fn sink, void *ctx)
{
	const struct page_choice all = { 0 };

	return write_vm(vm, id, sink, ctx, &all);
}

int snapshot_write_state(struct vm *vm, const struct snap_identity *id, snap_sink_fn sink,
			 void *ctx)
{
	const struct page_choice none = { .no_memory = true };

	return write_vm(vm, id, sink, ctx, &none);
}

int snapshot_write_delta(struct vm *vm, const struct snap_identity *id, snap_sink_fn sink,
			 void *ctx, bool (*want)(void *want_ctx, u64 pfn), void *want_ctx)
{
	return snapshot_write_delta_against(vm, id, sink, ctx, want, NULL, want_ctx);
}

int snapshot_write_delta_against(struct vm *vm, const struct snap_identity *id,
				 snap_sink_fn sink, void *ctx,
				 bool (*want)(void *want_ctx, u64 pfn),
				 const u8 *(*prev)(void *want_ctx, u64 pfn), void *want_ctx)
{
	const struct page_choice some = { .want = want, .prev = prev, .ctx = want_ctx };

	return write_vm(vm, id, sink, ctx, &some);
}

int snapshot_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	plan.when = cfg->snapshot;
	plan.at = cfg->snapshot_at;
	plan.then = cfg->snapshot_then;
	plan.taken = plan.stopped = false;
	if (plan.when == SNAPSHOT_OFF)
		return 0;
	snapshot_identity(bi, cfg, &plan.id);
	return snapshot_sink_open(cfg);
}

/* The sink, hashing what goes through it (a SNAPSHOT entry names it). */
static int hashing_sink(void *ctx, const void *data, size_t len)
{
	hash64_add(&whole, data, len);
	return snapshot_sink_write(ctx, data, len);
}

static bool moment_came(struct vm *vm)
{
	if (plan.when == SNAPSHOT_EXITS)
		return vm->stats.guest_caused_exits >= plan.at;
	return vm_guest_ns(vm) >= plan.at;
}

void snapshot_poll(struct vm *vm)
{
	if (plan.when == SNAPSHOT_OFF || plan.taken || !moment_came(vm) ||
	    !snap_vcpu_quiescent(vm) || !rr_snapshot_moment(vm))
		return;
	plan.taken = true;
	hash64_begin(&whole, 0);
	if (snapshot_write(vm, &plan.id, hashing_sink, NULL) || snapshot_sink_finish()) {
		vm_stop(vm, "snapshot: writing it failed");
		return;
	}
	rr_snapshot_taken(vm, hash64_end(&whole), vm->dev_time_ns);
	if (plan.then == SNAPSHOT_THEN_EXIT) {
		plan.stopped = true;
		vm_stop(vm, "snapshot written (snapshot_then=exit)");
	}
}

bool snapshot_stopped_guest(void)
{
	return plan.stopped;
}
