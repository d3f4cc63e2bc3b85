/*
 * ft=auto on the backup, the replay's part (docs/fault-tolerance.md,
 * "ft=auto"): the primary's log ends with END how=CHECKPOINTS at a
 * landmark where it also logged a digest, which the replay has just
 * checked. This guest is the primary's there. The replay stops, the write
 * window and the T bit let go, and whoever registered for it
 * (rr_replay_on_checkpoints: hv/ft_auto_backup.c) has the backup follow
 * the primary's checkpoint epochs from this state. A replay nobody
 * registered for (not a backup with ft=auto) stops here.
 */
#include "hv/rr/rr_internal.h"
#include "hv/rr/rr_live.h"
#include "hv/rr/tbit.h"
#include "hv/rr/write_window.h"
#include "log.h"

static void (*follow_checkpoints)(struct vm *vm, bool log_ended);

void rr_replay_on_checkpoints(void (*follow)(struct vm *vm, bool log_ended))
{
	follow_checkpoints = follow;
}

void rr_replay_to_checkpoints(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	bool ended;

	rr_consume(rr);
	rr->to_checkpoints = true;
	rr->to_checkpoints_at = vm->stats.guest_caused_exits;
	if (!rr->may_take_over || !follow_checkpoints) {
		vm_stop(vm, "replay: the recording goes on by checkpoints from landmark %llu (ft=auto)",
			rr->to_checkpoints_at);
		return;
	}
	ended = rr_live_wait_ended(vm);
	rr->mode = RR_OFF;
	rr_pending_drop(&rr->pending);
	if (!tbit_stop(vm))
		pr_warn("ft: auto: a T-bit step was under way at the log's end");
	ww_stop(vm);
	follow_checkpoints(vm, ended);
}
