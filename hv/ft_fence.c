/* Fencing under a witness (hv/ft_fence.h). */
#include "hv/ft_fence.h"

#include "arch/x86/cpu.h"
#include "arch/x86/time.h"
#include "hv/ft_witness.h"
#include "hv/output_rule.h"
#include "hv/rr/rr.h"
#include "hv/vm.h"
#include "log.h"
#include "net/net.h"

#define NS_PER_MS 1000000ULL
#define SAY_EVERY_NS (10000ULL * NS_PER_MS) /* how often a long wait says so */
#define LEASE_AGAIN_NS (10000ULL * NS_PER_MS) /* for a new epoch before running alone */

void ft_fence_guard(struct vm *vm)
{
	vm->fence.guarded = ft_witness_configured();
}

/* One turn of the waits here: the network, then the witness. They poll
 * without sleeping, like the live replay's waits (a NIC without
 * interrupts). */
static void poll_witness(void)
{
	net_poll();
	ft_witness_poll(time_now_ns());
	cpu_relax();
}

/* The witness's last word, never NULL. */
static const char *why_text(void)
{
	const char *why = ft_witness_why();

	return why ? why : "no reason given";
}

/* This side may not run the guest: it stops, and nothing the guest
 * wrote and this side held goes out, now or later. */
static void stop_fenced(struct vm *vm)
{
	vm->fenced = true;
	output_rule_withhold();
	output_rule_report();
}

/* Fenced: the lease is lost (what: how). */
static void fence(struct vm *vm, const char *what)
{
	vm_stop(vm, "ft: fenced: %s (%s): the guest stops here and nothing it held goes out", what,
		why_text());
	stop_fenced(vm);
}

/* Waits while the lease is being asked for (or renewed late), saying so
 * every SAY_EVERY_NS; true once valid, false once lost. */
static bool wait_for_lease(void)
{
	u64 start = time_now_ns(), said = start;

	while (!ft_witness_held(time_now_ns())) {
		if (ft_witness_lost())
			return false;
		if (time_now_ns() - said > SAY_EVERY_NS) {
			said = time_now_ns();
			pr_warn("ft: the guest waits for the witness's lease (%llu s so far): %s",
				(said - start) / (1000 * NS_PER_MS), why_text());
		}
		poll_witness();
	}
	return true;
}

/* A primary whose backup follows (it records, and its stream is up; or
 * in checkpoint mode, its backup takes its epochs):
 * everything it lets out the backup has acknowledged, and the backup goes
 * live only once this side's lease has run out, so this side may go on
 * without a valid lease. */
static bool backup_follows(const struct vm *vm)
{
	return (rr_recording(vm) && vm->rr->ft_primary) || vm->fence.backup_follows;
}

void ft_fence_poll(struct vm *vm)
{
	if (!vm->fence.guarded || ft_witness_held(time_now_ns()))
		return;
	if (!ft_witness_lost() && wait_for_lease())
		return;
	if (!backup_follows(vm)) {
		fence(vm, "the witness's lease is lost");
		return;
	}
	if (!vm->fence.lost_said)
		pr_warn("ft: the witness's lease is lost (%s), but the backup follows: the guest goes "
			"on; without the backup it will stop", why_text());
	vm->fence.lost_said = true;
}

bool ft_fence_new_epoch(struct vm *vm)
{
	u64 old = ft_witness_epoch(), start = time_now_ns();

	if (!vm->fence.guarded)
		return true;
	if (ft_witness_held(start) && !ft_witness_releasing())
		ft_witness_bump();
	else /* released for a switchover that failed: asked for anew */
		ft_witness_acquire();
	while (ft_witness_epoch() == old || !ft_witness_held(time_now_ns())) {
		if (ft_witness_lost() || ft_witness_refused()) {
			fence(vm, "the lease was lost while moving to a new epoch");
			return false;
		}
		if (time_now_ns() - start > LEASE_AGAIN_NS) {
			fence(vm, "no new epoch of the lease within 10 s");
			return false;
		}
		if (ft_witness_held(time_now_ns())) /* kept: the release was never sent */
			ft_witness_bump();
		poll_witness();
	}
	if (old)
		pr_info("ft: lease epoch %llu (was %llu): a backup that knew the old one stands down",
			ft_witness_epoch(), old);
	else
		pr_info("ft: lease epoch %llu, asked for anew: a backup that knew an older one "
			"stands down", ft_witness_epoch());
	return true;
}

bool ft_fence_may_go_live(struct vm *vm)
{
	u64 start = time_now_ns(), said = start;
	enum ft_witness_verdict v;

	if (!ft_witness_configured())
		return true;
	pr_info("ft: the primary %s: asking the witness for the lease",
		vm->rr && vm->rr->switched_over ? "switched over" : "is silent");
	while ((v = ft_witness_takeover(time_now_ns())) != FT_WITNESS_GO) {
		if (v == FT_WITNESS_STALE) {
			vm_stop(vm, "ft: this backup stands down: %s; it never goes live",
				why_text());
			stop_fenced(vm);
			return false;
		}
		if (time_now_ns() - said > SAY_EVERY_NS) {
			said = time_now_ns();
			pr_info("ft: still waiting for the witness (%llu s so far): %s",
				(said - start) / (1000 * NS_PER_MS), why_text());
		}
		poll_witness();
	}
	pr_info("ft: the witness gave this backup the lease (epoch %llu) after %llu ms",
		ft_witness_epoch(), (time_now_ns() - start) / NS_PER_MS);
	vm->fence.guarded = true;
	return true;
}
