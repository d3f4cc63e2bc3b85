/*
 * ft=auto on the backup (docs/fault-tolerance.md, "ft=auto"): once the
 * replay has reached the END of a log that the primary ended for
 * checkpoint mode (hv/rr/rr_to_checkpoints.c), the backup follows the
 * primary's checkpoint epochs from that state (hv/ft_ckpt_backup.c). A
 * primary gone before its first epoch leaves that landmark as the state
 * to go live from, time going on from the replay's; gone later, the last
 * epoch applied. A stream of epochs that ends without END means the
 * primary records again from its last epoch (a joined log): the replay
 * starts again from that state, its first digest checking it.
 */
#include "arch/x86/time.h"
#include "hv/config.h"
#include "hv/ft_auto.h"
#include "hv/ft_checkpoint.h"
#include "hv/ft_fence.h"
#include "hv/guest_console.h"
#include "hv/rr/rr.h"
#include "hv/rr/tbit.h"
#include "hv/rr/write_window.h"
#include "hv/vm.h"
#include "hv/vm_devices.h"
#include "log.h"

#define NS_PER_MS 1000000ULL

/* Checkpoints came and the primary is gone: the guest runs on from the
 * last epoch, at this host's TSC rate (the replay's was the log's). */
static void live_from_epoch(struct vm *vm)
{
	vm_devices_set_tsc_hz(vm, time_clocks()->tsc_hz);
	vm_start_clock(vm);
}

/* The epochs ended for replay mode: the primary's joined log, replayed
 * from the last epoch. No log within ft_timeout_ms: the primary is gone,
 * and the guest goes live from that epoch. */
static void replay_again(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	u64 landmark = vm->stats.guest_caused_exits;

	if (!rr_restart_joined(vm)) {
		rr->restarted = true; /* the new log's first entries, at this landmark */
		ft_auto_switched(false);
		pr_info("ft: auto: the primary's checkpoints ended at landmark %llu for replay mode: "
			"this backup replays its log from here", landmark);
		return;
	}
	rr->mode = RR_OFF;
	tbit_stop(vm);
	ww_stop(vm);
	if (!ft_fence_may_go_live(vm))
		return;
	guest_console_goes_live();
	live_from_epoch(vm);
	pr_info("ft: the primary is gone: the guest goes live here, from its last checkpoint at "
		"landmark %llu (before its log came)", landmark);
}

/* The replay stopped at the log's END for checkpoints (log_ended: its
 * stream ended too, as a primary's does that goes on by epochs). */
static void follow_checkpoints(struct vm *vm, bool log_ended)
{
	struct rr_state *rr = vm->rr;

	ft_auto_switched(true);
	pr_info("ft: auto: the primary's log ended at landmark %llu for checkpoint mode: this backup "
		"follows its checkpoints from here%s", rr->to_checkpoints_at,
		log_ended ? "" : " (its log stream did not end: the primary may be gone)");
	switch (ft_ckpt_follow_from(vm)) {
	case FT_CKPT_LIVE_FROM_EPOCH:
		live_from_epoch(vm);
		break;
	case FT_CKPT_LIVE_HERE:
		rr_go_live(vm);
		pr_info("ft: the primary is gone: the guest goes live here, at landmark %llu, guest "
			"time %llu ms (the log's end, before the first checkpoint)", rr->took_over_at,
			vm->dev_time_ns / NS_PER_MS);
		break;
	case FT_CKPT_LOG_FOLLOWS:
		replay_again(vm);
		break;
	case FT_CKPT_ENDED:
	case FT_CKPT_STOPPED:
		break;
	}
}

void ft_auto_backup_init(const struct config *cfg)
{
	if (cfg->ft_mode == FT_MODE_AUTO && cfg->role == FT_ROLE_BACKUP)
		rr_replay_on_checkpoints(follow_checkpoints);
}
