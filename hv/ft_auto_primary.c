/*
 * The primary's side of ft=auto (see ft_auto.h). While it records, every
 * epoch-length slice counts the pages the guest wrote in it: the write
 * window's faults and the T bit's noted writes, and the pages in the
 * window when the slice began whose contents changed by its end (they
 * are written without a fault);
 * every ft_auto_ms the window's log bytes and slices go to the rule. When
 * it says checkpoints, the switch waits for a snapshot moment (right after
 * a guest-caused exit, no T-bit step under way): the log ends there
 * (rr_record_end_for_checkpoints: a digest, END how=CHECKPOINTS, all of
 * it acknowledged), the T bit and the write window let go, and checkpoint
 * mode begins (ft_ckpt_primary_switch_in). In checkpoint mode every window
 * measures what the epochs cost (their bytes, the stun); when the rule
 * finds the log cheaper after all, a last epoch ends the stream
 * (ft_ckpt_primary_switch_out) and recording starts again from that state
 * as a join's does (rr_restart_joined). What checkpoint mode cost then is
 * the floor of the predictions for a while (FT_AUTO_RETRY_WINDOWS), so
 * the pair does not go back and forth on a prediction the guest proved
 * wrong.
 */
#include "hv/ft_auto.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "bitops.h"
#include "errno.h"
#include "hash.h"
#include "hv/config.h"
#include "hv/ft_auto_policy.h"
#include "hv/ft_checkpoint.h"
#include "hv/ft_fence.h"
#include "hv/guest_console.h"
#include "hv/rr/rr.h"
#include "hv/rr/rr_moment.h"
#include "hv/rr/tbit.h"
#include "hv/rr/write_window.h"
#include "hv/snapshot_vcpu.h"
#include "log.h"

#define NS_PER_MS 1000000ULL
#define WINDOWS_SAID 2 /* windows said at the info level in a mode (the rest: debug) */

enum auto_phase {
	AUTO_OFF,
	AUTO_MEASURING,      /* replay mode, windows measured */
	AUTO_TO_CHECKPOINTS, /* ... the rule chose checkpoints: at the next snapshot moment */
	AUTO_CHECKPOINTS,    /* checkpoint mode, windows measured */
	AUTO_TO_REPLAY,      /* ... the rule chose the log: at the next quiescent moment */
	AUTO_DONE,           /* no backup any more: nothing to choose */
};

static struct {
	enum auto_phase phase;
	bool in_checkpoints;     /* the mode the pair follows now */
	u32 switches;
	const struct boot_info *bi;
	const struct config *cfg;
	u64 *written;            /* pages written in the slice under way */
	u64 held[WW_PAGES];      /* the window's pages when it began ... */
	u64 held_hash[WW_PAGES]; /* ... and their contents' hashes */
	unsigned held_count;
	unsigned said;           /* windows said at the info level in this mode */
	u64 npages;
	u64 slice_ns, window_ns;
	u64 slice_start, window_start, window_log_start;
	u64 ckpt_bytes_start, ckpt_stun_start;
	struct ft_auto_window w;
	struct ft_auto_verdict verdict;
	u64 log_bps;             /* the log's last measured rate */
} fa;

/* The verdict's figures as "A KB/s ... B.C % stun". */
#define KBS(bps) ((bps) / 1000)
#define PCT(ppm) ((ppm) / 10000), ((ppm) / 1000 % 10)

int ft_auto_init(struct vm *vm, const struct boot_info *bi, const struct config *cfg)
{
	if (cfg->ft_mode != FT_MODE_AUTO || cfg->role != FT_ROLE_PRIMARY)
		return 0;
	fa.bi = bi;
	fa.cfg = cfg;
	fa.npages = vm->ram_size / PAGE_SIZE;
	fa.written = page_alloc_bytes(bitmap_bytes(fa.npages));
	if (!fa.written) {
		pr_err("ft: auto: no memory to measure the guest's writes");
		return -ENOMEM;
	}
	fa.slice_ns = (u64)cfg->ft_epoch_ms * NS_PER_MS;
	fa.window_ns = (u64)cfg->ft_auto_ms * NS_PER_MS;
	fa.phase = AUTO_MEASURING;
	ww_observe_writes(ft_auto_note_write);
	pr_info("ft: auto: replay mode first; measuring the guest over windows of %u ms",
		cfg->ft_auto_ms);
	return 0;
}

void ft_auto_note_write(u64 page)
{
	if (fa.phase == AUTO_MEASURING && page < fa.npages)
		bitmap_set(fa.written, page);
}

/* A new slice: the pages in the window now may be written without a
 * fault; their hashes tell at its end. */
static void start_slice(const struct vm *vm, u64 now)
{
	const struct write_window *ww = vm->window;

	memset(fa.written, 0, bitmap_bytes(fa.npages));
	fa.held_count = 0;
	for (unsigned i = 0; ww && i < ww->count; i++) {
		u64 page = ww_page_at(ww, i);

		fa.held[fa.held_count] = page;
		fa.held_hash[fa.held_count++] = hash64(vm->ram + page * PAGE_SIZE, PAGE_SIZE, 0);
	}
	fa.slice_start = now;
}

/* The window's pages of the slice's start that changed without a fault. */
static void note_held_written(const struct vm *vm)
{
	for (unsigned i = 0; i < fa.held_count; i++) {
		u64 page = fa.held[i];

		if (hash64(vm->ram + page * PAGE_SIZE, PAGE_SIZE, 0) != fa.held_hash[i])
			ft_auto_note_write(page);
	}
}

/* A new window of replay mode: its figures from zero. */
static void start_window(const struct vm *vm, u64 now)
{
	struct ft_auto_window last = fa.w;

	fa.w = (struct ft_auto_window){ .tried_bps = last.tried_bps,
					.tried_stun_ppm = last.tried_stun_ppm,
					.since_tried = last.since_tried + 1 };
	fa.window_start = now;
	fa.window_log_start = vm->rr->ring.head;
	start_slice(vm, now);
}

/* The slice under way ends: its pages count. */
static void end_slice(const struct vm *vm, u64 now)
{
	note_held_written(vm);
	fa.w.slices++;
	fa.w.slice_pages += bitmap_count(fa.written, fa.npages);
	start_slice(vm, now);
}

/* A window of replay mode ends: the rule's verdict on it. */
static void end_window(const struct vm *vm, u64 now)
{
	struct ft_auto_verdict *v = &fa.verdict;

	fa.w.ns = now - fa.window_start;
	fa.w.log_bytes = vm->rr->ring.head - fa.window_log_start;
	ft_auto_judge(&fa.w, v);
	fa.log_bps = v->log_bps;
	log_printf(fa.said++ < WINDOWS_SAID ? LOG_INFO : LOG_DEBUG,
		   "ft: auto: replay measured over %llu ms: log %llu KB/s; checkpoints would send "
		   "%llu KB/s with %llu.%llu %% stun (%llu pages per epoch%s): %s",
		   fa.w.ns / NS_PER_MS, KBS(v->log_bps), KBS(v->ckpt_bps), PCT(v->stun_ppm),
		   fa.w.slice_pages / fa.w.slices, v->as_tried ? "; as measured when tried" : "",
		   v->why);
	if (v->checkpoint)
		fa.phase = AUTO_TO_CHECKPOINTS;
	else
		start_window(vm, now);
}

/* A new window of checkpoint mode. */
static void start_ckpt_window(u64 now)
{
	const struct ft_ckpt_stats *s = ft_ckpt_stats();

	fa.window_start = now;
	fa.ckpt_bytes_start = s->bytes;
	fa.ckpt_stun_start = s->stun_us;
}

/* The mode changed: counted, said by the caller. */
static void switched(bool to_checkpoints)
{
	ft_auto_switched(to_checkpoints);
	fa.said = 0;
	fa.phase = to_checkpoints ? AUTO_CHECKPOINTS : AUTO_MEASURING;
}

/* At a snapshot moment: the log ends, checkpoints begin. */
static void switch_to_checkpoints(struct vm *vm)
{
	const struct ft_auto_verdict *v = &fa.verdict;
	u64 landmark = vm->stats.guest_caused_exits;

	fa.phase = AUTO_DONE; /* unless the backup follows */
	if (!rr_record_end_for_checkpoints(vm))
		return; /* the backup is lost: the guest runs on without one */
	tbit_stop(vm); /* a snapshot moment: no step under way */
	ww_stop(vm);
	if (!ft_ckpt_primary_switch_in(vm, fa.bi, fa.cfg))
		return;
	switched(true);
	start_ckpt_window(time_now_ns()); /* the switch's own wait is not the mode's */
	console_printf("ft: auto: checkpoint mode from landmark %llu: replay sent %llu KB/s, "
		       "checkpoints would send %llu KB/s with %llu.%llu %% stun\n", landmark,
		       KBS(v->log_bps), KBS(v->ckpt_bps), PCT(v->stun_ppm));
}

/* A window of checkpoint mode ends: its figures against the log's. */
static void end_ckpt_window(u64 now)
{
	const struct ft_ckpt_stats *s = ft_ckpt_stats();
	struct ft_auto_ckpt_window cw = {
		.ns = now - fa.window_start, .bytes = s->bytes - fa.ckpt_bytes_start,
		.stun_ns = (s->stun_us - fa.ckpt_stun_start) * 1000, .log_bps = fa.log_bps,
	};
	struct ft_auto_verdict *v = &fa.verdict;

	ft_auto_judge_checkpoints(&cw, v);
	fa.w.tried_bps = v->ckpt_bps;
	fa.w.tried_stun_ppm = v->stun_ppm;
	fa.w.since_tried = 0;
	log_printf(fa.said++ < WINDOWS_SAID ? LOG_INFO : LOG_DEBUG,
		   "ft: auto: checkpoint mode measured over %llu ms: %llu KB/s, %llu.%llu %% stun; "
		   "the log sent %llu KB/s: %s", cw.ns / NS_PER_MS, KBS(v->ckpt_bps),
		   PCT(v->stun_ppm), KBS(v->log_bps), v->why);
	if (v->checkpoint)
		start_ckpt_window(now);
	else
		fa.phase = AUTO_TO_REPLAY;
}

/* The guest runs without a backup after a failed switch back: recording
 * could not start (said above); under a witness, a new lease epoch first. */
static void alone_after_failed_restart(struct vm *vm)
{
	if (vm->rr)
		vm->rr->mode = RR_OFF;
	tbit_stop(vm);
	ww_stop(vm);
	if (!ft_fence_new_epoch(vm))
		return;
	vm->fence.backup_follows = false;
	pr_warn("ft: auto: the recording could not start again: running without a backup from "
		"landmark %llu", vm->stats.guest_caused_exits);
	guest_console_release_all();
}

/* At a quiescent moment: a last epoch, then the log from that state. */
static void switch_to_replay(struct vm *vm)
{
	const struct ft_auto_verdict *v = &fa.verdict;
	u64 landmark = vm->stats.guest_caused_exits;

	fa.phase = AUTO_DONE; /* unless the backup follows */
	if (!ft_ckpt_primary_switch_out(vm))
		return; /* the backup is lost: the guest runs on without one */
	if (rr_restart_joined(vm)) {
		alone_after_failed_restart(vm);
		return;
	}
	switched(false);
	start_window(vm, time_now_ns());
	console_printf("ft: auto: replay mode from landmark %llu: checkpoints sent %llu KB/s with "
		       "%llu.%llu %% stun, the log %llu KB/s\n", landmark, KBS(v->ckpt_bps),
		       PCT(v->stun_ppm), KBS(v->log_bps));
}

/* Replay mode's turn: slices, windows, a switch when chosen. */
static void poll_replay(struct vm *vm, u64 now)
{
	if (!rr_recording(vm)) { /* the backup is lost: nothing to choose for */
		fa.phase = AUTO_DONE;
		return;
	}
	if (!fa.window_start)
		start_window(vm, now);
	if (fa.phase == AUTO_MEASURING && now - fa.slice_start >= fa.slice_ns)
		end_slice(vm, now);
	if (fa.phase == AUTO_MEASURING && now - fa.window_start >= fa.window_ns)
		end_window(vm, now);
	if (fa.phase == AUTO_TO_CHECKPOINTS && rr_snapshot_moment(vm))
		switch_to_checkpoints(vm);
}

/* Checkpoint mode's turn: windows, a switch back when chosen. */
static void poll_checkpoints(struct vm *vm, u64 now)
{
	if (ft_ckpt_stats()->backup_lost) {
		fa.phase = AUTO_DONE;
		return;
	}
	if (fa.phase == AUTO_CHECKPOINTS && now - fa.window_start >= fa.window_ns)
		end_ckpt_window(now);
	if (fa.phase == AUTO_TO_REPLAY && snap_vcpu_quiescent(vm))
		switch_to_replay(vm);
}

void ft_auto_poll(struct vm *vm)
{
	u64 now;

	if (fa.phase == AUTO_OFF || fa.phase == AUTO_DONE || vm->state != VM_RUNNING)
		return;
	now = time_now_ns();
	if (fa.phase == AUTO_CHECKPOINTS || fa.phase == AUTO_TO_REPLAY)
		poll_checkpoints(vm, now);
	else
		poll_replay(vm, now);
}

void ft_auto_switched(bool to_checkpoints)
{
	fa.in_checkpoints = to_checkpoints;
	fa.switches++;
}

const char *ft_auto_mode(void)
{
	return fa.in_checkpoints ? "checkpoint" : "replay";
}

u32 ft_auto_switches(void)
{
	return fa.switches;
}
