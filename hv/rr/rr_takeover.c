/*
 * The backup's takeover (docs/fault-tolerance.md, "Going live"). A backup
 * replays the primary's log as it comes (hv/rr/rr_live.c). When the
 * primary is gone (its stream failed or fell silent past ft_timeout_ms,
 * and it did not come back) and the replay has applied every entry that
 * came, the guest's state is the primary's at that landmark: the backup
 * runs it on live from there instead of stopping. A frame the primary did
 * not finish sending is dropped whole (entries are applied only from
 * whole frames).
 *
 * Time goes on from where the replay left it: device time from the last
 * logged clock, the guest's TSC from the last value the replay gave it (or
 * the one device time implies, if later), at this host's TSC rate.
 */
#include "arch/x86/time.h"
#include "compiler.h"
#include "hv/ft_fence.h"
#include "hv/go_live.h"
#include "hv/guest_console.h"
#include "hv/rr/rr_internal.h"
#include "hv/rr/rr_live.h"
#include "hv/vm_devices.h"
#include "log.h"

#define NS_PER_MS 1000000ULL

bool rr_can_take_over(struct vm *vm)
{
	struct rr_state *rr = vm->rr;

	return rr->may_take_over && !rr->ended && rr_live_lost(vm);
}

/* The replay stops consulting the log: the guest runs on live from this
 * landmark, its time going on from the replay's, and this side sends the
 * guest's console from here (console_out=; after a switchover the old
 * primary stops sending when it exits), and its NIC's frames. */
void rr_go_live(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	u64 implied_tsc = time_ns_to_tsc(vm->dev_time_ns) + vm->vcpu.tsc_adjust;

	rr->mode = RR_OFF;
	rr->took_over = true;
	rr->took_over_at = vm->stats.guest_caused_exits;
	rr_pending_drop(&rr->pending); /* window pages of an async entry that never came */
	vm->resume_tsc = MAX(rr->replayed_tsc, implied_tsc);
	vm->resumed = true;
	vm_devices_set_tsc_hz(vm, time_clocks()->tsc_hz);
	vm_start_clock(vm);
	guest_console_goes_live();
	go_live_notify(vm); /* the guest's NIC plugs in (hv/vm_nic_host.c) */
}

void rr_take_over(struct vm *vm)
{
	struct rr_state *rr = vm->rr;

	rr_go_live(vm);
	pr_info("ft: the primary is gone: the guest goes live here, at landmark %llu, guest time "
		"%llu ms (%llu bytes of an unfinished frame dropped)", rr->took_over_at,
		vm->dev_time_ns / NS_PER_MS, rr->stats.live_partial_bytes);
}

/*
 * The log's END says the primary handed its guest over here (a planned
 * switchover, hv/ft_switchover.c): every entry before it is applied, the
 * digest at this landmark checked. A backup goes live at once (under a
 * witness, with the lease after the primary's); any other replay stops:
 * the recorded run went on elsewhere.
 */
void rr_replay_switchover(struct vm *vm)
{
	struct rr_state *rr = vm->rr;

	rr_consume(rr);
	rr->switched_over = true;
	rr->switched_over_at = vm->stats.guest_caused_exits;
	if (!rr->may_take_over) {
		vm_stop(vm, "replay: the recording switched over to its backup at landmark %llu",
			rr->switched_over_at);
		return;
	}
	if (!ft_fence_may_go_live(vm))
		return;
	rr_go_live(vm);
	pr_info("ft: the primary switched over: the guest goes live here, at landmark %llu, guest "
		"time %llu ms", rr->took_over_at, vm->dev_time_ns / NS_PER_MS);
}
