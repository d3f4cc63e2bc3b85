/*
 * The primary's side of ft=auto (see ft_auto.h). While it records, every
 * epoch-length slice counts the pages the guest wrote in it (the write
 * window's faults and the T bit's noted writes, plus the pages in the
 * window when the slice began: they may be written without a fault);
 * every ft_auto_ms the window's log bytes and slices go to the rule. When
 * it says checkpoints, the switch waits for a snapshot moment (right after
 * a guest-caused exit, no T-bit step under way): the log ends there
 * (rr_record_end_for_checkpoints: a digest, END how=CHECKPOINTS, all of
 * it acknowledged), the T bit and the write window let go, and checkpoint
 * mode begins (ft_ckpt_primary_switch_in). One window later the epochs'
 * own figures are said next to what the rule predicted.
 */
#include "hv/ft_auto.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "bitops.h"
#include "errno.h"
#include "hv/config.h"
#include "hv/ft_auto_policy.h"
#include "hv/ft_checkpoint.h"
#include "hv/rr/rr.h"
#include "hv/rr/rr_moment.h"
#include "hv/rr/tbit.h"
#include "hv/rr/write_window.h"
#include "log.h"

#define NS_PER_MS 1000000ULL

enum auto_phase { AUTO_OFF, AUTO_MEASURING, AUTO_SWITCHING, AUTO_CHECKPOINTS, AUTO_DONE };

static struct {
	enum auto_phase phase;
	const struct boot_info *bi;
	const struct config *cfg;
	u64 *written;            /* pages written in the slice under way */
	u64 npages;
	u64 slice_ns, window_ns;
	u64 slice_start, window_start, window_log_start;
	struct ft_auto_window w;
	struct ft_auto_verdict verdict;
} fa;

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
	pr_info("ft: auto: replay mode first; measuring the guest over windows of %u ms",
		cfg->ft_auto_ms);
	return 0;
}

void ft_auto_note_write(u64 page)
{
	if (fa.phase == AUTO_MEASURING && page < fa.npages)
		bitmap_set(fa.written, page);
}

/* A new slice: the pages in the window now may be written without a fault. */
static void start_slice(const struct vm *vm, u64 now)
{
	const struct write_window *ww = vm->window;

	memset(fa.written, 0, bitmap_bytes(fa.npages));
	for (unsigned i = 0; ww && i < ww->count; i++)
		ft_auto_note_write(ww->slot[(ww->head + i) % WW_PAGES]);
	fa.slice_start = now;
}

/* A new window: its figures from zero. */
static void start_window(const struct vm *vm, u64 now)
{
	fa.w = (struct ft_auto_window){ 0 };
	fa.window_start = now;
	fa.window_log_start = vm->rr->ring.head;
	start_slice(vm, now);
}

/* The slice under way ends: its pages count. */
static void end_slice(const struct vm *vm, u64 now)
{
	fa.w.slices++;
	fa.w.slice_pages += bitmap_count(fa.written, fa.npages);
	start_slice(vm, now);
}

/* A window ends: the rule's verdict on it. */
static void end_window(const struct vm *vm, u64 now)
{
	struct ft_auto_verdict *v = &fa.verdict;

	fa.w.ns = now - fa.window_start;
	fa.w.log_bytes = vm->rr->ring.head - fa.window_log_start;
	ft_auto_judge(&fa.w, v);
	pr_info("ft: auto: replay measured over %llu ms: log %llu KB/s; checkpoints would send %llu "
		"KB/s with %llu.%llu %% stun (%llu pages per epoch): %s", fa.w.ns / NS_PER_MS,
		v->log_bps / 1000, v->ckpt_bps / 1000, v->stun_ppm / 10000, v->stun_ppm / 1000 % 10,
		fa.w.slice_pages / fa.w.slices, v->why);
	if (v->checkpoint)
		fa.phase = AUTO_SWITCHING;
	else
		start_window(vm, now);
}

/* At a snapshot moment: the log ends, checkpoints begin. */
static void switch_to_checkpoints(struct vm *vm)
{
	const struct ft_auto_verdict *v = &fa.verdict;
	u64 landmark = vm->stats.guest_caused_exits;

	fa.phase = AUTO_DONE; /* whatever happens next: no more switches */
	if (!rr_record_end_for_checkpoints(vm))
		return; /* the backup is lost: the guest runs on without one */
	tbit_stop(vm); /* a snapshot moment: no step under way */
	ww_stop(vm);
	if (!ft_ckpt_primary_switch_in(vm, fa.bi, fa.cfg))
		return;
	fa.phase = AUTO_CHECKPOINTS;
	fa.window_start = time_now_ns();
	console_printf("ft: auto: checkpoint mode from landmark %llu: replay sent %llu KB/s, "
		       "checkpoints would send %llu KB/s with %llu.%llu %% stun\n", landmark,
		       v->log_bps / 1000, v->ckpt_bps / 1000, v->stun_ppm / 10000,
		       v->stun_ppm / 1000 % 10);
}

/* One window into checkpoint mode: what the epochs cost, said once. */
static void say_checkpoint_figures(u64 now)
{
	const struct ft_ckpt_stats *s = ft_ckpt_stats();
	u64 ns = now - fa.window_start, stun_ns = s->stun_us * 1000; /* the first's aside */

	fa.phase = AUTO_DONE;
	pr_info("ft: auto: checkpoint mode measured over %llu ms: %llu KB/s, %llu.%llu %% stun "
		"after the first epoch (%llu epochs; predicted %llu KB/s, %llu.%llu %%)", ns / NS_PER_MS,
		s->bytes * NS_PER_SEC / ns / 1000, stun_ns * 100 / ns, stun_ns * 1000 / ns % 10,
		s->epochs, fa.verdict.ckpt_bps / 1000, fa.verdict.stun_ppm / 10000,
		fa.verdict.stun_ppm / 1000 % 10);
}

void ft_auto_poll(struct vm *vm)
{
	u64 now;

	if (fa.phase == AUTO_OFF || fa.phase == AUTO_DONE || vm->state != VM_RUNNING)
		return;
	now = time_now_ns();
	if (fa.phase == AUTO_CHECKPOINTS) {
		if (now - fa.window_start >= fa.window_ns)
			say_checkpoint_figures(now);
		return;
	}
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
	if (fa.phase == AUTO_SWITCHING && rr_snapshot_moment(vm))
		switch_to_checkpoints(vm);
}
