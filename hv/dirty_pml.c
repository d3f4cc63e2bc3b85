/*
 * Dirty tracking by Page-Modification Logging (VMX only; SDM Vol 3C,
 * 29.3.6 "Page-Modification Logging"): with EPT A/D on, the CPU appends
 * the guest-physical address of every page whose EPT dirty flag it sets
 * to a 512-entry log and exits when the log is full. The pages stay
 * writable; a harvest drains the log and clears the dirty flags of the
 * harvested pages, so their next write is logged again.
 */
#include "hv/dirty_internal.h"

#include "arch/x86/mm.h"
#include "log.h"

static u64 gpas[VIRT_PML_ENTRIES]; /* one drain */

static const char *pml_unavailable(const struct vm *vm, const struct dirty_log *d)
{
	if (!vm->hw->has_pml || !vm->hw->has_pml())
		return "the CPU has no page-modification log";
	if (!d->pml_hpa)
		return "no memory for the log page";
	if (d->broken[DIRTY_PML])
		return "the CPU logged none of the pages the guest wrote";
	return NULL;
}

static void pml_start(struct vm *vm, struct dirty_log *d, u32 others)
{
	dirty_ad_enable(vm, d);
	vm->hw->pml_set(&vm->vcpu.arch, d->pml_hpa, true);
}

static void pml_stop(struct vm *vm, struct dirty_log *d, u32 others)
{
	vm->hw->pml_set(&vm->vcpu.arch, 0, false);
	if (!(others & DIRTY_BIT(DIRTY_AD)))
		dirty_ad_disable(vm, d);
}

/* Empties the log into the bitmap; returns the entries. */
static u64 pml_collect(struct vm *vm, struct dirty_log *d)
{
	u32 n = vm->hw->pml_drain(&vm->vcpu.arch, gpas);

	for (u32 i = 0; i < n; i++)
		if (gpas[i] / PAGE_SIZE < d->npages)
			dirty_found(d, DIRTY_PML, gpas[i] / PAGE_SIZE);
	d->pml_entries += n;
	return n;
}

static void clear_dirty_flag(struct vm *vm, struct dirty_log *d, u64 page)
{
	stage2_test_and_clear(&vm->stage2, page * PAGE_SIZE, S2_DIRTY);
}

static void pml_rearm(struct vm *vm, struct dirty_log *d)
{
	dirty_each(vm, d, 0, d->npages, clear_dirty_flag);
}

static bool pml_exit_is_ours(const struct dirty_log *d, const struct vexit *e)
{
	return e->reason == VEXIT_PML_FULL;
}

/* A full log: drained, and the guest's write runs again. */
static void pml_handle_exit(struct vm *vm, struct dirty_log *d, const struct vexit *e)
{
	pml_collect(vm, d);
}

const struct dirty_mech dirty_pml = {
	.unavailable = pml_unavailable,
	.start = pml_start,
	.stop = pml_stop,
	.collect = pml_collect,
	.rearm = pml_rearm,
	.exit_is_ours = pml_exit_is_ours,
	.handle_exit = pml_handle_exit,
};
