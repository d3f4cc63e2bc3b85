/*
 * The primary's side of checkpoint mode (see ft_checkpoint.h). An epoch is
 * taken between two exits with the vCPU quiescent: the dirty log's
 * harvest (hv/dirty_log.h, the mechanisms a migration uses) names the
 * pages written since the last epoch; the first epoch sends every page
 * the backup does not hold alike (its page hashes, HOLDS, come at once:
 * it booted the same image). The snapshot writer puts those pages (as
 * deltas against the copies of the pages sent before: hv/ft_ckpt_copies.h),
 * the vCPU and the devices into a staging buffer, the console bytes of
 * the epoch follow, and the guest
 * runs on at once while the record goes to the stream's ring as room
 * allows (the next epoch waits until it is all in). The console bytes of
 * the epoch are marked with the stream's length at the record's end: the
 * output rule (hv/output_hold.c) lets them out once the backup has
 * acknowledged the stream that far, i.e. the whole epoch.
 */
#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "bitops.h"
#include "errno.h"
#include "hash.h"
#include "hv/config.h"
#include "hv/dirty_log.h"
#include "hv/ft_ckpt_copies.h"
#include "hv/ft_ckpt_internal.h"
#include "hv/ft_fence.h"
#include "hv/ft_witness.h"
#include "hv/guest_console.h"
#include "hv/rr/rr_identity.h"
#include "hv/snapshot.h"
#include "hv/snapshot_vcpu.h"
#include "log.h"
#include "net/logstream/logstream_out.h"
#include "net/net.h"
#include "proto/ft_epoch.h"

#define NS_PER_MS 1000000ULL
#define RING_BYTES (8ULL << 20)          /* the stream's resend buffer */
#define FINISH_WAIT_NS (60 * NS_PER_SEC) /* for the backup to take the last epoch */
#define EARLY_CONSOLE_BYTES (FT_EPOCH_CONSOLE_MAX / 2) /* an epoch comes early past this */
#define HOLDS_WAIT_NS (2 * NS_PER_SEC)   /* for the backup's page hashes before the first epoch */
#define COPY_SLOTS 4096                  /* copies of pages the backup holds: 16 MiB */
#define EPOCHS_SAID 3                    /* epochs said one by one at first (info) ... */
#define EPOCHS_SAID_EVERY 100            /* ... then one in this many (the rest: debug) */

static struct {
	bool on, tracking, lost;
	struct vm *vm;
	struct snap_identity id;
	u64 epoch_ns, next_ns;
	struct byte_ring ring;
	u64 *dirty;                   /* this epoch's pages (a bitmap) */
	u64 *their_hash;              /* the backup's page hashes (HOLDS), for the first epoch */
	bool holds_whole;             /* ... all of them came */
	struct ft_copies copies;      /* the pages the backup holds, for deltas */
	u64 npages;
	u8 *stage;                    /* the record being sent */
	u64 stage_cap, stage_len, stage_sent;
	u64 marks_end[2];             /* stream offsets where the last records end ... */
	u64 marks_epoch[2];           /* ... and their epochs: what an ACK covers */
	u8 console[FT_EPOCH_CONSOLE_MAX]; /* the guest's console bytes in this epoch */
	u32 console_len;
	u64 console_offset;           /* of console[0] in the guest's console stream */
	u64 state_pages;
	u64 records;                  /* records sealed: the epochs and END */
} cp;

/* The memory cp's buffers live in, allocated once (ft=auto may begin
 * checkpoint mode more than once). */
static struct {
	u64 *dirty, *their_hash, *copy_tags;
	u8 *copy_pages, *stage;
	void *ring;
} mem;

/* The guest's console bytes, as it writes them: the epoch's record carries them. */
static void capture_console(u8 byte)
{
	if (cp.console_len < sizeof(cp.console))
		cp.console[cp.console_len++] = byte;
}

/* The stream's turn, naming the witness's lease epoch to the backup. */
static void poll_epochs(void)
{
	logstream_out_set_lease(LOGSTREAM_FT_EPOCHS, ft_witness_epoch());
	logstream_out_poll(LOGSTREAM_FT_EPOCHS);
}

/* The network's turn and the witness's, then the stream's. */
static void poll_stream(void)
{
	net_poll();
	poll_epochs();
	ft_witness_poll(time_now_ns());
}

/* The epochs the backup's acknowledgements cover now (END is not one). */
static void count_acked(void)
{
	for (int i = 0; i < 2; i++)
		if (cp.marks_epoch[i] > ft_ckpt_st.epochs_acked && cp.ring.tail >= cp.marks_end[i])
			ft_ckpt_st.epochs_acked = MIN(cp.marks_epoch[i], ft_ckpt_st.epochs);
}

/* The backup is gone for good: the guest runs on without one, under a
 * witness in a new lease epoch first; what is held goes out. */
static void run_without_backup(struct vm *vm)
{
	const char *why = logstream_out_failure(LOGSTREAM_FT_EPOCHS);

	cp.lost = ft_ckpt_st.backup_lost = true;
	cp.on = false;
	if (!ft_fence_new_epoch(vm))
		return;
	vm->fence.backup_follows = false;
	if (cp.tracking)
		dirty_log_stop(vm);
	cp.tracking = false;
	pr_warn("ft: the backup is lost (%s): running without a backup from epoch %llu, guest time "
		"%llu ms; it had acknowledged %llu of %llu epochs", why ? why : "its stream failed",
		ft_ckpt_st.epochs, vm_guest_ns(vm) / NS_PER_MS, ft_ckpt_st.epochs_acked,
		ft_ckpt_st.epochs);
	guest_console_capture(NULL);
	guest_console_release_all();
}

/* Moves the staged record into the ring as room allows, the stream on,
 * and releases what the acknowledgements cover. */
static void pump(struct vm *vm)
{
	u64 n = MIN(cp.stage_len - cp.stage_sent, byte_ring_free(&cp.ring));

	if (n && byte_ring_put(&cp.ring, cp.stage + cp.stage_sent, n))
		cp.stage_sent += n;
	poll_epochs();
	if (logstream_out_flushed(LOGSTREAM_FT_EPOCHS) < 0) {
		run_without_backup(vm);
		return;
	}
	count_acked();
	guest_console_release(cp.ring.tail);
}

/* The output rule's full queue: the guest waits in its write while the
 * stream moves on. */
static void wait_for_release(void *ctx)
{
	struct vm *vm = ctx;

	poll_stream();
	if (!cp.lost)
		pump(vm);
	cpu_relax();
}

/* The snapshot writer's sink: into the staging buffer, after the header. */
static int stage_sink(void *ctx, const void *data, size_t len)
{
	u64 at = FT_EPOCH_HEADER_SIZE + cp.stage_len;

	if (at + len > cp.stage_cap - FT_EPOCH_CONSOLE_MAX)
		return -ENOSPC;
	memcpy(cp.stage + at, data, len);
	cp.stage_len += len;
	return 0;
}

/* A page goes in the epoch when it was dirtied in it; in the first, every
 * page the backup does not hold alike (its booted image's: HOLDS), and
 * those are noted in the dirty bitmap as sent. */
static bool page_in_epoch(void *ctx, u64 pfn)
{
	if (cp.tracking && !bitmap_test(cp.dirty, pfn))
		return false;
	if (!cp.tracking && cp.holds_whole &&
	    cp.their_hash[pfn] == hash64(cp.vm->ram + pfn * PAGE_SIZE, PAGE_SIZE, 0))
		return false;
	bitmap_set(cp.dirty, pfn);
	cp.state_pages++;
	return true;
}

/* The copy the backup holds of a page the epoch sends, for a delta. */
static const u8 *page_held(void *ctx, u64 pfn)
{
	return ft_copies_get(&cp.copies, pfn);
}

/* The pages the epoch sent are what the backup holds from now on. */
static void keep_copies(struct vm *vm)
{
	for (u64 w = 0; w < bitmap_bytes(cp.npages) / sizeof(u64); w++)
		for (u64 bits = cp.dirty[w]; bits; bits &= bits - 1) {
			u64 pfn = w * 64 + (u64)__builtin_ctzll(bits);

			ft_copies_put(&cp.copies, pfn, vm->ram + pfn * PAGE_SIZE);
		}
}

/* The record's header over the staged state and console bytes. */
static void seal_record(u16 kind, u32 exit_code, u64 digest)
{
	struct ft_epoch_header h = {
		.kind = kind, .epoch = cp.records + 1, .state_len = cp.stage_len,
		.console_len = cp.console_len, .exit_code = exit_code,
		.console_offset = cp.console_offset, .memory_digest = digest,
	};
	u8 *payload = cp.stage + FT_EPOCH_HEADER_SIZE;

	memcpy(payload + cp.stage_len, cp.console, cp.console_len);
	h.payload_hash = hash64(payload, cp.stage_len + cp.console_len, h.epoch);
	ft_epoch_header_encode(&h, cp.stage);
	cp.stage_len += FT_EPOCH_HEADER_SIZE + cp.console_len;
	cp.stage_sent = 0;
	cp.console_offset += cp.console_len;
	cp.console_len = 0;
	cp.records = h.epoch;
	if (kind == FT_EPOCH_STATE)
		ft_ckpt_st.epochs++;
	cp.marks_end[h.epoch & 1] = cp.ring.head + cp.stage_len;
	cp.marks_epoch[h.epoch & 1] = ft_ckpt_st.epochs; /* counted across streams (ft=auto) */
	guest_console_mark(cp.ring.head + cp.stage_len); /* the epoch's bytes wait for all of it */
}

/* The dirty pages, the vCPU and the devices into the staging buffer: the
 * first epoch starts the dirty log and takes the pages the backup does not
 * hold alike. */
static int stage_state(struct vm *vm)
{
	int err;

	cp.stage_len = 0;
	cp.state_pages = 0;
	memset(cp.dirty, 0, bitmap_bytes(cp.npages));
	if (!cp.tracking && !cp.lost) {
		if (dirty_log_start(vm))
			return -ENODEV;
	} else {
		dirty_log_harvest(vm, cp.dirty);
	}
	err = snapshot_write_delta_against(vm, &cp.id, stage_sink, NULL, page_in_epoch, page_held,
					   NULL);
	if (!err)
		keep_copies(vm);
	cp.tracking = !cp.lost;
	return err;
}

/* One epoch: the guest held from the harvest to the record staged. */
static void take_epoch(struct vm *vm)
{
	u64 start = rdtsc(), guest_ms = vm_guest_ns(vm) / NS_PER_MS, us;

	if (stage_state(vm)) {
		pr_err("ft: epoch %llu could not be staged: the backup is given up",
		       ft_ckpt_st.epochs + 1);
		run_without_backup(vm);
		return;
	}
	seal_record(FT_EPOCH_STATE, 0, 0);
	us = time_tsc_to_ns(rdtsc() - start) / 1000;
	ft_ckpt_st.pages += cp.state_pages;
	ft_ckpt_st.bytes += cp.stage_len;
	ft_ckpt_st.last_stun_us = us;
	ft_ckpt_st.last_epoch_ns = time_now_ns();
	if (cp.records == 1) { /* a stream's first: all of RAM looked at */
		ft_ckpt_st.first_stun_us = us;
		ft_ckpt_st.started_ns = ft_ckpt_st.last_epoch_ns;
	} else {
		ft_ckpt_st.stun_us += us;
		ft_ckpt_st.stun_max_us = MAX(ft_ckpt_st.stun_max_us, us);
	}
	ft_ckpt_st.guest_ms = guest_ms;
	log_printf(ft_ckpt_st.epochs <= EPOCHS_SAID || ft_ckpt_st.epochs % EPOCHS_SAID_EVERY == 0
			   ? LOG_INFO : LOG_DEBUG,
		   "ft: epoch %llu: stun %llu us at guest time %llu ms, %llu pages, %llu bytes",
		   ft_ckpt_st.epochs, us, guest_ms, cp.state_pages, cp.stage_len);
	cp.next_ns = time_now_ns() + cp.epoch_ns;
	pump(vm);
}

void ft_ckpt_poll(struct vm *vm)
{
	bool due;

	if (!cp.on || cp.lost)
		return;
	pump(vm);
	if (cp.lost || cp.stage_sent < cp.stage_len)
		return; /* the last record is not all in the ring yet */
	due = time_now_ns() >= cp.next_ns || cp.console_len >= EARLY_CONSOLE_BYTES;
	if (due && vm->state == VM_RUNNING && snap_vcpu_quiescent(vm))
		take_epoch(vm);
}

/* The stream: its header first in the ring (HELLO names it too). */
static int open_stream(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	struct rr_guest_identity gid;
	struct ft_stream_header sh = { 0 };
	u8 header[FT_STREAM_HEADER_SIZE];
	int err;

	rr_log_identity(bi, cfg, &gid);
	sh.identity = hash64(&gid, sizeof(gid), 0);
	sh.ram_size = vm->ram_size;
	sh.epoch_ms = cfg->ft_epoch_ms;
	ft_stream_header_encode(&sh, header);
	mem.ring = mem.ring ? mem.ring : page_alloc_bytes(RING_BYTES);
	if (!mem.ring)
		return -ENOMEM;
	byte_ring_init(&cp.ring, mem.ring, RING_BYTES);
	byte_ring_put(&cp.ring, header, sizeof(header));
	err = logstream_out_open(LOGSTREAM_FT_EPOCHS, &cp.ring, cfg->ft_peer_ip, cfg->ft_peer_port,
				 cfg->ft_key.len ? &cfg->ft_key : NULL, header, sizeof(header));
	if (err)
		return err;
	logstream_out_give_up_after(LOGSTREAM_FT_EPOCHS, cfg->ft_timeout_ms);
	logstream_out_heartbeat(LOGSTREAM_FT_EPOCHS, cfg->ft_heartbeat_ms);
	logstream_out_set_holds(LOGSTREAM_FT_EPOCHS, cp.their_hash, cp.npages);
	return 0;
}

/* The backup's page hashes (HOLDS, its answer to HELLO), HOLDS_WAIT_NS at
 * most: the first epoch then leaves out the pages it holds alike (else it
 * sends every page). */
static void wait_for_holds(void)
{
	u64 start = time_now_ns();

	while (logstream_out_holds(LOGSTREAM_FT_EPOCHS) < cp.npages &&
	       logstream_out_flushed(LOGSTREAM_FT_EPOCHS) >= 0 &&
	       time_now_ns() - start < HOLDS_WAIT_NS) {
		logstream_out_wait();
		poll_stream();
	}
	cp.holds_whole = logstream_out_holds(LOGSTREAM_FT_EPOCHS) >= cp.npages;
	if (!cp.holds_whole)
		pr_warn("ft: the backup's page hashes did not come within %llu ms: the first epoch "
			"sends every page", HOLDS_WAIT_NS / NS_PER_MS);
}

/* The guest starts once the backup follows (at most ft_timeout_ms). */
static bool wait_for_backup(u32 timeout_ms)
{
	u64 start = time_now_ns(), deadline = start + (u64)timeout_ms * NS_PER_MS;

	while (!logstream_out_streaming(LOGSTREAM_FT_EPOCHS) &&
	       logstream_out_flushed(LOGSTREAM_FT_EPOCHS) >= 0 && time_now_ns() < deadline) {
		logstream_out_wait();
		poll_stream();
	}
	if (!logstream_out_streaming(LOGSTREAM_FT_EPOCHS)) {
		pr_warn("ft: no backup follows after %llu ms: the guest starts without one",
			(time_now_ns() - start) / NS_PER_MS);
		return false;
	}
	pr_info("ft: the backup follows (checkpoint mode, epochs of %llu ms): the guest starts (the "
		"stream was up in %llu ms)", cp.epoch_ns / NS_PER_MS,
		(time_now_ns() - start) / NS_PER_MS);
	return true;
}

/* The buffers: the staging buffer takes a whole VM (every page raw) and
 * an epoch's console bytes; the copies of pages the backup holds. */
static int alloc_buffers(struct vm *vm)
{
	cp.npages = vm->ram_size / PAGE_SIZE;
	cp.stage_cap = vm->ram_size + vm->ram_size / 8 + (1ULL << 20) + FT_EPOCH_CONSOLE_MAX;
	if (!mem.stage) {
		mem.dirty = page_alloc_bytes(bitmap_bytes(cp.npages));
		mem.their_hash = page_alloc_bytes(cp.npages * sizeof(u64));
		mem.copy_pages = page_alloc_bytes(COPY_SLOTS * PAGE_SIZE);
		mem.copy_tags = page_alloc_bytes(COPY_SLOTS * sizeof(u64));
		mem.stage = page_alloc_bytes(cp.stage_cap);
	}
	cp.dirty = mem.dirty;
	cp.their_hash = mem.their_hash;
	cp.stage = mem.stage;
	if (mem.dirty && mem.stage && mem.their_hash && mem.copy_pages && mem.copy_tags) {
		ft_copies_init(&cp.copies, mem.copy_pages, mem.copy_tags, COPY_SLOTS);
		return 0;
	}
	pr_err("ft: no memory for a %llu MiB checkpoint buffer", cp.stage_cap >> 20);
	return -ENOMEM;
}

/* The stream opened, the backup waited for (its page hashes too): the
 * epochs begin with the guest's console from console_offset held. */
static int begin(struct vm *vm, const struct boot_info *bi, const struct config *cfg,
		 u64 console_offset)
{
	int err;

	memset(&cp, 0, sizeof(cp));
	cp.vm = vm;
	cp.console_offset = console_offset;
	ft_ckpt_st.on = ft_ckpt_st.primary = true;
	ft_ckpt_st.epoch_ms = cfg->ft_epoch_ms;
	cp.epoch_ns = (u64)cfg->ft_epoch_ms * NS_PER_MS;
	snapshot_identity(bi, cfg, &cp.id);
	cp.id.ram_size = vm->ram_size;
	if ((err = alloc_buffers(vm)) || (err = open_stream(vm, bi, cfg)))
		return err;
	if (!wait_for_backup(cfg->ft_timeout_ms)) {
		cp.lost = ft_ckpt_st.backup_lost = true;
		return 0;
	}
	wait_for_holds();
	cp.on = true;
	vm->fence.backup_follows = true;
	guest_console_capture(capture_console);
	guest_console_hold(wait_for_release, vm);
	return 0;
}

int ft_ckpt_primary_start(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	if (cfg->role != FT_ROLE_PRIMARY || cfg->ft_mode != FT_MODE_CHECKPOINT)
		return 0;
	return begin(vm, bi, cfg, 0);
}

bool ft_ckpt_primary_switch_in(struct vm *vm, const struct boot_info *bi,
			       const struct config *cfg)
{
	if (begin(vm, bi, cfg, guest_console_written()) || cp.lost) {
		cp.on = false;
		run_without_backup(vm); /* the log's backup is not this stream's */
		return false;
	}
	return true;
}

u64 ft_ckpt_memory_digest(const struct vm *vm)
{
	return hash64(vm->ram, vm->ram_size, 0);
}

/* Waits until the ring is all in and acknowledged, FINISH_WAIT_NS at most. */
static bool deliver_all(struct vm *vm)
{
	u64 deadline = time_now_ns() + FINISH_WAIT_NS;

	logstream_out_finish(LOGSTREAM_FT_EPOCHS);
	while (!cp.lost && time_now_ns() < deadline) {
		pump(vm);
		if (logstream_out_flushed(LOGSTREAM_FT_EPOCHS) == 1)
			return true;
		logstream_out_wait();
		ft_witness_poll(time_now_ns());
	}
	return false;
}

/* The last epoch's record, all in the ring (the guest no longer runs). */
static void stage_whole(struct vm *vm)
{
	while (!cp.lost && cp.stage_sent < cp.stage_len) {
		pump(vm);
		logstream_out_wait();
	}
}

void ft_ckpt_primary_finish(struct vm *vm)
{
	u64 digest;

	if (!cp.on || cp.lost || vm->fenced)
		return;
	if (vm->state != VM_EXITED) { /* held bytes stay held: the backup runs on from its last epoch */
		pr_warn("ft: the guest stopped here without ending: no END for the backup, which goes "
			"live from its last epoch (%llu acknowledged)", ft_ckpt_st.epochs_acked);
		return;
	}
	stage_whole(vm);
	if (!cp.lost && snap_vcpu_quiescent(vm))
		take_epoch(vm);
	stage_whole(vm);
	if (cp.lost)
		return;
	digest = ft_ckpt_memory_digest(vm);
	cp.stage_len = 0;
	seal_record(FT_EPOCH_END, vm->exit_code, digest);
	stage_whole(vm);
	if (!deliver_all(vm)) {
		pr_warn("ft: the backup is lost at the end of the run (it acknowledged %llu of %llu "
			"epochs)", ft_ckpt_st.epochs_acked, ft_ckpt_st.epochs);
		ft_ckpt_st.backup_lost = true;
	}
	guest_console_release_all();
	pr_info("ft: checkpoint: the guest's final state went to the backup at epoch %llu: memory "
		"digest %016llx", ft_ckpt_st.epochs, digest);
}

bool ft_ckpt_primary_switch_out(struct vm *vm)
{
	if (!cp.on || cp.lost)
		return false;
	stage_whole(vm);
	if (!cp.lost)
		take_epoch(vm);
	stage_whole(vm);
	if (!cp.lost && !deliver_all(vm))
		run_without_backup(vm); /* it did not take the last epoch: it is lost */
	if (cp.lost)
		return false;
	guest_console_capture(NULL);
	guest_console_release_all(); /* every epoch is the backup's */
	if (cp.tracking)
		dirty_log_stop(vm);
	cp.tracking = cp.on = false;
	return true;
}
