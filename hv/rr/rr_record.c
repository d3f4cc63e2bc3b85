/*
 * Record mode: entries are appended to a frame in hypervisor memory on the
 * exit path (no allocation, no I/O); full frames go into the ring; the run
 * loop pumps the ring to its sink (a UART, or a collector over TCP) before
 * the guest runs again whenever it is half full, and a frame that finds the
 * ring full waits for room, so the guest waits and nothing is dropped.
 */
#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/time.h"
#include "drivers/serial/uart16550.h"
#include "errno.h"
#include "hv/config.h"
#include "hv/ft_fence.h"
#include "hv/guest_console.h"
#include "hv/output_rule.h"
#include "hv/output_tally.h"
#include "hv/rr/rr_digest.h"
#include "hv/rr/rr_internal.h"
#include "hv/rr/write_window.h"
#include "hv/rr/rr_sink.h"
#include "hv/rr/tbit.h"
#include "hv/vm_devices.h"
#include "log.h"
#include "version.h"

#define FINISH_TIMEOUT_NS (60ULL * 1000000000ULL) /* for the last bytes to be delivered */
#define FT_FLUSH_NS 2000000ULL /* role=primary: the backup gets each entry within 2 ms */

/* Pumps the ring until len bytes fit (at once for the serial sink; for
 * TCP, when the collector acknowledges). 0, or -EIO when the sink cannot
 * deliver any more. */
static int wait_for_room(struct rr_state *rr, u64 len)
{
	u64 start = rdtsc();
	int err = 0;

	rr->stats.ring_full_waits++;
	for (;;) {
		rr->sink->pump(&rr->ring);
		if (byte_ring_free(&rr->ring) >= len)
			break;
		if (!rr->sink->wait || rr->sink->flushed(&rr->ring) < 0) {
			err = -EIO;
			break;
		}
		rr->sink->wait();
	}
	rr->stats.ring_wait_cycles += rdtsc() - start;
	return err;
}

/*
 * role=primary: the backup is lost (its log stream failed: silent or away
 * for ft_timeout_ms, or it refused the primary's key; docs/fault-tolerance.md). The guest runs on here
 * without one: recording stops (nobody will replay the log), what the
 * output rule holds goes out, and nothing is held from now on. Under a
 * witness it first moves the lease to a new epoch (or is fenced).
 */
static void run_without_backup(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	const char *why = rr->sink->why ? rr->sink->why() : NULL;

	/* Under a witness, a new lease epoch before anything held goes out:
	 * the backup, which may have less than that, must then stand down. */
	if (!ft_fence_new_epoch(vm))
		return;
	rr->mode = RR_OFF;
	rr->backup_lost = true;
	rr->backup_lost_at = vm->stats.guest_caused_exits;
	rr->probe.active = rr->probe.armed = false;
	rr->flush_interval_tsc = 0;
	pr_warn("ft: the backup is lost (%s): running without a backup from landmark %llu, guest "
		"time %llu ms; it had acknowledged %llu of %llu log bytes",
		why ? why : "its log stream failed", rr->backup_lost_at,
		vm_guest_ns(vm) / 1000000ULL, rr->sink->bytes(), rr->ring.head);
	output_rule_release_all();
	output_rule_report();
}

/* The sink cannot take the log any more: a primary runs on without its
 * backup; anyone else stops the guest (a log with a gap is worthless). */
static void sink_lost(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	const char *why = rr->sink->why ? rr->sink->why() : NULL;

	if (rr->ft_primary) {
		run_without_backup(vm);
		return;
	}
	vm_stop(vm, "record: the log sink (%s) cannot take the log any more%s%s", rr->sink->name,
		why ? ": " : "", why ? why : "");
}

/* Moves the frame being built into the ring, waiting for room if the ring
 * cannot take it (the guest waits meanwhile). */
static void commit_frame(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	size_t n;

	if (rr->mode != RR_RECORD)
		return; /* the backup went away inside this exit */
	n = rrlog_finish_frame(&rr->writer);
	if (!n)
		return;
	if (!byte_ring_put(&rr->ring, rr->frame, n)) {
		if (wait_for_room(rr, n)) {
			sink_lost(vm);
			return;
		}
		byte_ring_put(&rr->ring, rr->frame, n);
	}
	rr->stats.frames++;
	rr->stats.log_bytes += n;
}

void rr_log(struct vm *vm, struct rrlog_entry *e)
{
	struct rr_state *rr = vm->rr;
	int err;

	if (rr->mode != RR_RECORD)
		return; /* the backup went away inside this exit */
	/* A window page or the FPU registers belong to the async entry after
	 * them: not async themselves. */
	rr_stamp_landmark(vm, e, rr->guest_ran && !rrlog_type_is_async_state(e->type));
	err = rrlog_append(&rr->writer, e);
	if (err == -ENOSPC) {
		commit_frame(vm);
		if (rr->mode != RR_RECORD)
			return;
		err = rrlog_append(&rr->writer, e);
	}
	if (err) {
		vm_stop(vm, "record: cannot encode a %s entry (%d)", rrlog_type_name(e->type), err);
		return;
	}
	rr->stats.entries[e->type & (RR_TYPES - 1)]++;
}

/* The console bytes written since the last OUTPUT entry (rr_resync.h). */
void rr_log_output(struct vm *vm, bool force)
{
	struct rrlog_entry e = { .type = RR_OUTPUT };
	struct output_span span;

	guest_console_take_span(&span);
	if (!span.count && !force)
		return;
	e.output.offset = span.offset;
	e.output.count = span.count;
	e.output.hash = span.hash;
	rr_log(vm, &e);
}

/* A digest and its page list, split into DIGEST_PAGES entries. */
void rr_log_digest(struct vm *vm)
{
	struct rr_digest d;
	struct rrlog_entry e = { .type = RR_DIGEST };

	rr_digest_take(vm, &d);
	e.digest.count = RRLOG_DIGEST_REGS;
	memcpy(e.digest.regs, d.regs, sizeof(d.regs));
	e.digest.memory_hash = d.memory_hash;
	e.digest.pages = d.changed_count;
	rr_log(vm, &e);
	for (u64 i = 0; i < d.changed_count; i += RRLOG_DIGEST_PAGES_MAX) {
		struct rrlog_entry p = { .type = RR_DIGEST_PAGES };

		p.pages.count = (u32)MIN(d.changed_count - i, (u64)RRLOG_DIGEST_PAGES_MAX);
		p.pages.pages = d.changed + i;
		rr_log(vm, &p);
	}
	vm->rr->stats.digests++;
}

static void fill_header(struct vm *vm, const struct boot_info *bi, const struct config *cfg,
			struct rrlog_header *h)
{
	struct rr_guest_identity id;

	rr_log_identity(bi, cfg, &id);
	memset(h, 0, sizeof(*h));
	h->flags = (vm->rr->tbit ? RRLOG_FLAG_TBIT : 0) | (cfg->ft_join ? RRLOG_FLAG_JOINED : 0);
	h->kernel_hash = id.kernel_hash;
	h->modules_hash = id.modules_hash;
	h->cmdline_hash = id.cmdline_hash;
	h->ram_size = vm->ram_size;
	h->start_epoch = vm_devices_start_epoch(vm);
	h->tsc_hz = time_clocks()->tsc_hz;
	memcpy(h->backend, vm->hw->name, MIN(strlen(vm->hw->name), sizeof(h->backend) - 1));
	h->digest_interval = cfg->rr_digest;
	h->window_pages = vm->window ? vm->window->size : WW_PAGES_WITHOUT_FLAGS;
	memcpy(h->version, UNDERSTUDY_VERSION, MIN(sizeof(UNDERSTUDY_VERSION), sizeof(h->version) - 1));
}

/* The sink cfg names, opened; 0 or a negative errno (the reason printed). */
static int open_sink(struct rr_state *rr, const struct config *cfg, const u8 *header,
		     size_t header_len)
{
	u16 port = cfg->rr_sink == RR_SINK_COM4 ? COM4_PORT : COM3_PORT;

	if (cfg->rr_sink == RR_SINK_TCP) {
		rr->sink = &rr_tcp_sink;
		return rr_tcp_sink_open(cfg, &rr->ring, header, (u16)header_len);
	}
	rr->sink = &rr_serial_sink;
	if (!rr_serial_open(port)) {
		pr_err("rr: no UART at %#x to write the log to (the emulator needs a serial port there)",
		       port);
		return -ENODEV;
	}
	pr_info("rr: the log goes to the UART at %#x", port);
	return 0;
}

/* The guest's held console bytes or NIC frames fill their queue
 * (role=primary, inside an exit): the log so far goes out (what is held is
 * marked with it) and the backup's acknowledgements release outputs. */
static void output_wait(void *ctx)
{
	struct vm *vm = ctx;
	struct rr_state *rr = vm->rr;

	if (output_rule_unmarked()) {
		commit_frame(vm);
		output_rule_mark(rr->ring.head);
	}
	rr->sink->pump(&rr->ring);
	if (rr->sink->flushed(&rr->ring) < 0) {
		run_without_backup(vm); /* releases everything */
		return;
	}
	if (rr->sink->wait)
		rr->sink->wait();
	output_rule_release(rr->ring.tail);
}

/*
 * role=primary, before a checkpoint for the backup: the log so far goes
 * out and the guest waits until the backup has acknowledged all of it,
 * so that every console byte written before the checkpoint is released
 * (a backup resynced from it cannot produce them: its replay starts at
 * the checkpoint). False when the backup was lost meanwhile.
 */
bool rr_record_drain(struct vm *vm)
{
	struct rr_state *rr = vm->rr;

	commit_frame(vm);
	if (rr->mode != RR_RECORD)
		return false;
	output_rule_mark(rr->ring.head);
	for (;;) {
		rr->sink->pump(&rr->ring);
		if (rr->sink->flushed(&rr->ring) < 0) {
			run_without_backup(vm);
			return false;
		}
		if (byte_ring_used(&rr->ring) == 0)
			break;
		rr->sink->wait();
	}
	output_rule_release(rr->ring.tail);
	return true;
}

/*
 * role=primary: the guest starts once its backup follows (the stream is
 * up and welcomed), so that its first outputs are not held for the
 * connection's set-up; a backup not there within ft_timeout_ms is waited
 * for no longer (the stream gives up on it, and the guest runs without
 * one).
 */
static void wait_for_backup(struct rr_state *rr, u32 timeout_ms, bool joined)
{
	const char *goes = joined ? "goes on" : "starts"; /* a join's guest ran before */

	u64 start = time_now_ns(), deadline = start + (u64)timeout_ms * 1000000ULL;

	if (!rr->sink->ready)
		return;
	while (!rr->sink->ready() && rr->sink->flushed(&rr->ring) >= 0 &&
	       time_now_ns() < deadline) {
		rr->sink->wait();
		rr->sink->pump(&rr->ring);
	}
	if (rr->sink->ready())
		pr_info("ft: the backup follows: the guest %s (the stream was up in %llu ms)", goes,
			(time_now_ns() - start) / 1000000ULL);
	else
		pr_warn("ft: no backup follows after %llu ms: the guest %s without one",
			(time_now_ns() - start) / 1000000ULL, goes);
}

int rr_record_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	struct rr_state *rr = vm->rr;
	struct rrlog_header h;
	u8 header[RRLOG_HEADER_SIZE];
	struct output_span before;
	size_t n;
	int err;

	rr->tbit = tbit_for_recording(bi, cfg);
	fill_header(vm, bi, cfg, &h);
	n = rrlog_write_header(&h, header, sizeof(header));
	err = open_sink(rr, cfg, header, n);
	if (err)
		return err;
	byte_ring_put(&rr->ring, header, n);
	rr->stats.log_bytes += n;
	rrlog_writer_init(&rr->writer, rr->frame, RR_FRAME_SIZE);
	rr->next_digest = cfg->rr_digest;
	if (cfg->role == FT_ROLE_PRIMARY) {
		rr->ft_primary = true;
		rr->flush_interval_tsc = time_ns_to_tsc(FT_FLUSH_NS);
		output_rule_hold(output_wait, vm);
		wait_for_backup(rr, cfg->ft_timeout_ms, cfg->ft_join);
	}
	if (cfg->ft_join) /* the console before the join is not this log's */
		guest_console_take_span(&before);
	rr_log_digest(vm); /* the starting state: landmark 0, or the join's */
	if (cfg->ft_join) /* where the console stands: the joining backup's goes on there */
		rr_log_output(vm, true);
	pr_info("rr: recording, a digest every %u guest-caused exits%s; the T bit %s%s", cfg->rr_digest,
		cfg->rr_digest ? "" : " (0: start and end only)", rr->tbit ? "on" : "off",
		cfg->tbit != TBIT_AUTO ? "" : rr->tbit ? " (tbit=auto: a Multiboot kernel)"
						       : " (tbit=auto: a Linux kernel)");
	return 0;
}

/* Is it time to move the ring on: when the sink can take more (a paced
 * UART), or once the ring is half full. */
static bool sink_wants_pump(struct rr_state *rr)
{
	if (rr->sink->next_pump_tsc)
		return rdtsc() >= rr->sink->next_pump_tsc(&rr->ring);
	return byte_ring_used(&rr->ring) >= RR_RING_SIZE / 2;
}

/*
 * The output rule (role=primary): console bytes the guest wrote and frames
 * its NIC sent since the last cut (hv/output_rule.h) wait for the log up
 * to their landmark. Right after a guest-caused exit (an exact landmark) a
 * digest is logged there, so that a backup must replay up to it, and check
 * it, before it can go live: the log is cut after it and what is held is
 * marked with the log's length. What the backup has acknowledged the log
 * for goes out.
 */
static void apply_output_rule(struct vm *vm)
{
	struct rr_state *rr = vm->rr;

	if (output_rule_unmarked() && !rr->guest_ran) {
		rr_log_digest(vm);
		rr_log_output(vm, false);
		commit_frame(vm);
		rr->sink->pump(&rr->ring);
		output_rule_mark(rr->ring.head);
	}
	output_rule_release(rr->ring.tail);
}

/* Is the frame being built due to go out (role=primary)? Its deadline is
 * an interval after the last look that found it empty, so at most an
 * interval after its first entry: looks come at every entry to the guest. */
static bool flush_due(struct rr_state *rr)
{
	u64 now;

	if (!rr->flush_interval_tsc)
		return false;
	now = rdtsc();
	if (rr->writer.entries && now < rr->next_flush_tsc)
		return false;
	rr->next_flush_tsc = now + rr->flush_interval_tsc;
	return rr->writer.entries != 0;
}

/* Periodic digests land right after a guest-caused exit (exact landmarks);
 * the ring is pumped when its sink wants it. */
void rr_record_before_entry(struct vm *vm)
{
	struct rr_state *rr = vm->rr;

	if (rr->ft_primary && rr->sink->flushed(&rr->ring) < 0) {
		run_without_backup(vm);
		return;
	}
	if (rr->digest_interval && !rr->guest_ran &&
	    vm->stats.guest_caused_exits >= rr->next_digest) {
		rr_log_digest(vm);
		rr->next_digest = vm->stats.guest_caused_exits + rr->digest_interval;
	}
	if (rr->flush_interval_tsc)
		apply_output_rule(vm);
	if (flush_due(rr)) {
		commit_frame(vm);
		rr->sink->pump(&rr->ring);
	} else if (sink_wants_pump(rr)) {
		rr->sink->pump(&rr->ring);
	}
}

/* The host TSC at which the frame being built must go out (role=primary:
 * the backup follows closely), or UINT64_MAX. */
static u64 flush_deadline_tsc(const struct rr_state *rr)
{
	return rr->flush_interval_tsc && rr->writer.entries ? rr->next_flush_tsc : UINT64_MAX;
}

u64 rr_record_sink_deadline_tsc(const struct vm *vm)
{
	const struct rr_state *rr = vm->rr;
	u64 pump = rr->sink->next_pump_tsc ? rr->sink->next_pump_tsc(&rr->ring) : UINT64_MAX;

	return MIN(pump, flush_deadline_tsc(rr));
}

/* Everything the network brought (acknowledgements) moves the log on. */
void rr_record_pump(struct vm *vm)
{
	vm->rr->sink->pump(&vm->rr->ring);
	if (vm->rr->ft_primary && vm->rr->sink->flushed(&vm->rr->ring) < 0) {
		run_without_backup(vm);
		return;
	}
	output_rule_release(vm->rr->ring.tail);
}

/* Waits, for at most FINISH_TIMEOUT_NS, until the sink has delivered the
 * whole log: 1, or 0 when it gave up waiting, or negative when the sink
 * failed (a backup silent for ft_timeout_ms), said with why. */
static int wait_until_delivered(struct rr_state *rr)
{
	u64 deadline = time_now_ns() + FINISH_TIMEOUT_NS;
	const char *why;
	int state;

	rr->sink->finish(&rr->ring);
	while ((state = rr->sink->flushed(&rr->ring)) == 0 && rr->sink->wait &&
	       time_now_ns() < deadline) {
		rr->sink->wait();
		rr->sink->pump(&rr->ring);
	}
	if (state == 1)
		return 1;
	why = state < 0 && rr->sink->why ? rr->sink->why() : NULL;
	pr_err("rr: the log sink (%s) delivered %llu of %llu bytes: the log is incomplete%s%s",
	       rr->sink->name, rr->sink->bytes(), rr->ring.head,
	       state == 0 ? " (gave up after 60 s)" : why ? ": " : "", why ? why : "");
	return state;
}

/*
 * A planned switchover whose backup fell silent before it acknowledged
 * the log's end (docs/fault-tolerance.md, "Planned switchover"): the
 * backup did not go live from this log, or, under a witness, cannot
 * without the lease this side now asks for anew. The guest, stopped at
 * the switchover's landmark, runs on here without a backup; fenced
 * instead when the backup took the lease.
 */
static void resume_after_failed_switchover(struct vm *vm)
{
	struct rr_state *rr = vm->rr;

	pr_warn("ft: the switchover failed: the backup fell silent before it acknowledged the log's "
		"end: the guest stays here, from landmark %llu", rr->switched_over_at);
	rr->switched_over = false;
	run_without_backup(vm);
	if (!vm->fenced)
		vm_resume(vm);
}

/*
 * ft=auto, at a snapshot moment: the log ends here with a digest, the
 * console's last OUTPUT and END how=CHECKPOINTS, and the backup must
 * acknowledge all of it; what the output rule held then goes out (the
 * backup replays to this landmark and checks it). Recording stops. False
 * when the backup did not take the whole log: it is lost, and the guest
 * runs on without one (under a witness, in a new lease epoch first).
 */
bool rr_record_end_for_checkpoints(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	struct rrlog_entry e = { .type = RR_END, .end = { .how = RRLOG_END_CHECKPOINTS } };

	rr->guest_ran = false;
	rr_log_digest(vm);
	rr_log_output(vm, false);
	rr_log(vm, &e);
	commit_frame(vm);
	if (wait_until_delivered(rr) != 1) {
		run_without_backup(vm);
		return false;
	}
	rr->mode = RR_OFF;
	rr->to_checkpoints = true;
	rr->to_checkpoints_at = vm->stats.guest_caused_exits;
	rr->probe.active = rr->probe.armed = false;
	rr->flush_interval_tsc = 0;
	output_rule_release_all();
	return true;
}

void rr_record_finish(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	struct rrlog_entry e = { .type = RR_END };
	int delivered;

	if (vm->fenced)
		return; /* the backup may be live: nothing more goes anywhere (ft_fence.c) */
	rr->guest_ran = false; /* the end is at the last guest-caused exit */
	rr_log_digest(vm);
	if (rr->ft_primary)
		rr_log_output(vm, false);
	e.end.how = vm->state == VM_EXITED ? RRLOG_END_EXITED : RRLOG_END_STOPPED;
	if (rr->switched_over)
		e.end.how = RRLOG_END_SWITCHOVER;
	e.end.code = vm->state == VM_EXITED ? vm->exit_code : 0;
	rr_log(vm, &e);
	commit_frame(vm);
	delivered = wait_until_delivered(rr);
	if (rr->switched_over && delivered < 0) {
		resume_after_failed_switchover(vm);
		return;
	}
	if (delivered == 1) {
		pr_info("rr: log complete: %llu bytes through the sink (%s)",
			rr->sink->bytes(), rr->sink->name);
		if (rr->switched_over) /* rr_finish then hands the lease over */
			pr_info("ft: switched over to the backup at landmark %llu",
				rr->switched_over_at);
	} else if (rr->switched_over) {
		pr_err("ft: the switchover failed: the backup did not acknowledge the whole log");
		rr->sink_failed = true;
	} else if (rr->ft_primary)
		pr_warn("ft: the backup is lost at the end of the run: the guest's end is this "
			"primary's alone");
	else
		rr->sink_failed = true;
	output_rule_release_all(); /* the backup has the whole log, or is gone */
	output_rule_report();
}
