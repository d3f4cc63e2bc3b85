/* The primary's side of a planned switchover (see ft_switchover.h). */
#include "hv/ft_switchover.h"

#include "arch/x86/cpu.h"
#include "arch/x86/time.h"
#include "errno.h"
#include "hv/config.h"
#include "hv/ft_witness.h"
#include "hv/rr/rr.h"
#include "hv/rr/rr_sink.h"
#include "hv/vm.h"
#include "hv/rr/rr_moment.h"
#include "log.h"
#include "net/net.h"

#define LEASE_RELEASE_WAIT_NS (2ULL * 1000000000ULL) /* for the witness to answer a release */

static bool requested;

/* Why this side cannot switch over now, or NULL when it can. */
static const char *refusal(const struct vm *vm, const struct config *cfg)
{
	const struct rr_state *rr = vm ? vm->rr : NULL;

	if (!cfg || cfg->role == FT_ROLE_NONE)
		return "this hypervisor is not in a fault-tolerant pair (no role=)";
	if (cfg->role == FT_ROLE_BACKUP)
		return "this side is the backup: ask the primary";
	if (cfg->ft_mode == FT_MODE_CHECKPOINT)
		return "a planned switchover is not there yet in checkpoint mode (ft=checkpoint)";
	if (!vm || !rr)
		return "no guest runs here yet";
	if (vm->fenced)
		return "this primary is fenced: it runs no guest";
	if (vm->state != VM_RUNNING)
		return "the guest is not running any more";
	if (rr->backup_lost)
		return "no backup follows: it was lost, the guest runs without one";
	if (!rr_recording(vm) || (rr->sink->ready && !rr->sink->ready()))
		return "no backup follows yet: the primary waits for its backup";
	if (requested || rr->switched_over)
		return "a switchover is already under way";
	return NULL;
}

int ft_switchover_request(const struct vm *vm, const struct config *cfg, const char **why)
{
	*why = refusal(vm, cfg);
	if (*why)
		return -EBUSY;
	requested = true;
	pr_info("ft: switchover requested at landmark %llu: the guest stops at the next landmark",
		vm->stats.guest_caused_exits);
	return 0;
}

void ft_switchover_poll(struct vm *vm)
{
	struct rr_state *rr = vm->rr;

	if (!requested || vm->state != VM_RUNNING || rr->switched_over)
		return;
	if (!rr_recording(vm)) {
		requested = false; /* the backup was lost meanwhile: nobody to hand it to */
		pr_warn("ft: the switchover is off: the backup was lost before the guest stopped");
		return;
	}
	if (!rr_snapshot_moment(vm))
		return;
	requested = false; /* from now on rr->switched_over says it */
	rr->switched_over = true;
	rr->switched_over_at = vm->stats.guest_caused_exits;
	pr_info("ft: switchover: the guest stops at landmark %llu; the log ends here",
		rr->switched_over_at);
	vm_stop(vm, "ft: stopped for a switchover to the backup");
	/* witness=: the guest never runs here again, so the lease may go now:
	 * the backup takes the next epoch as soon as it reaches the log's end
	 * (sent while the log is delivered: the sink's wait polls the witness). */
	if (ft_witness_configured()) {
		pr_info("ft: releasing the witness's lease (epoch %llu) for the backup",
			ft_witness_epoch());
		ft_witness_release();
	}
}

void ft_switchover_handed(struct vm *vm)
{
	u64 deadline = time_now_ns() + LEASE_RELEASE_WAIT_NS;

	if (!ft_witness_configured())
		return;
	while (ft_witness_releasing() && time_now_ns() < deadline) {
		net_poll();
		ft_witness_poll(time_now_ns());
		cpu_relax();
	}
	if (ft_witness_releasing())
		pr_warn("ft: the witness did not answer the release within %llu ms: the backup "
			"takes the lease once it runs out", LEASE_RELEASE_WAIT_NS / 1000000ULL);
	else
		pr_info("ft: the witness's lease is released (%s)", ft_witness_why());
}

bool ft_switchover_under_way(const struct vm *vm)
{
	return requested || (vm->rr && vm->rr->switched_over);
}

bool ft_switchover_done(const struct vm *vm)
{
	const struct rr_state *rr = vm->rr;

	return rr && rr->ft_primary && rr->switched_over && !rr->sink_failed && !vm->fenced;
}
