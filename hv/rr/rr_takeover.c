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

void rr_take_over(struct vm *vm)
{
	struct rr_state *rr = vm->rr;
	u64 implied_tsc = time_ns_to_tsc(vm->dev_time_ns) + vm->vcpu.tsc_adjust;

	rr->mode = RR_OFF;
	rr->took_over = true;
	rr->took_over_at = vm->stats.guest_caused_exits;
	rr->pending.count = 0; /* window pages of an async entry that never came */
	vm->resume_tsc = MAX(rr->replayed_tsc, implied_tsc);
	vm->resumed = true;
	vm_devices_set_tsc_hz(vm, time_clocks()->tsc_hz);
	vm_start_clock(vm);
	guest_console_goes_live(); /* console_out=: this side sends the console now */
	pr_info("ft: the primary is gone: the guest goes live here, at landmark %llu, guest time "
		"%llu ms (%llu bytes of an unfinished frame dropped)", rr->took_over_at,
		vm->dev_time_ns / NS_PER_MS, rr->stats.live_partial_bytes);
}
