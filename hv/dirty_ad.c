/*
 * Dirty tracking by a scan of the stage-2 dirty flags: every page stays
 * writable and the CPU sets the dirty flag of a leaf on the first write
 * through it (EPT with EPTP bit 6: SDM Vol 3C, 29.3.5 "Accessed and Dirty
 * Flags for EPT"; NPT: APM Vol 2, 15.25 "Nested Paging"). A harvest scans
 * every leaf, tests and clears its dirty flag, and flushes stage 2 so that
 * the CPU, which may cache a translation as already dirty, sets the flag
 * again on the next write (29.4 "Invalidation of Cached Mappings").
 */
#include "hv/dirty_internal.h"

#include "arch/x86/mm.h"
#include "compiler.h"

#define SCAN_SPAN (PAGE_SIZE * PT_ENTRIES) /* one leaf table */

static void discard(void *ctx, u64 gpa)
{
}

void dirty_ad_enable(struct vm *vm, struct dirty_log *d)
{
	if (d->ad_on)
		return;
	stage2_scan_dirty(&vm->stage2, 0, ALIGN_UP(vm->ram_size, SCAN_SPAN), discard, NULL);
	vm->hw->stage2_set_ad(&vm->vcpu.arch, true);
	d->ad_on = true;
}

void dirty_ad_disable(struct vm *vm, struct dirty_log *d)
{
	if (!d->ad_on)
		return;
	vm->hw->stage2_set_ad(&vm->vcpu.arch, false);
	d->ad_on = false;
}

/* Available where the backend says the CPU sets the flag, unless the
 * first epoch saw it set none on pages the guest wrote. */
static const char *ad_unavailable(const struct vm *vm, const struct dirty_log *d)
{
	if (!vm->hw->stage2_has_ad || !vm->hw->stage2_has_ad())
		return "the CPU sets no stage-2 dirty flags";
	if (d->broken[DIRTY_AD])
		return "the CPU set no stage-2 dirty flag on the pages the guest wrote";
	return NULL;
}

static void ad_start(struct vm *vm, struct dirty_log *d, u32 others)
{
	dirty_ad_enable(vm, d);
}

static void ad_stop(struct vm *vm, struct dirty_log *d, u32 others)
{
	if (!(others & DIRTY_BIT(DIRTY_PML)))
		dirty_ad_disable(vm, d);
}

static void found(void *ctx, u64 gpa)
{
	struct dirty_log *d = ctx;

	if (gpa / PAGE_SIZE < d->npages)
		dirty_found(d, DIRTY_AD, gpa / PAGE_SIZE);
}

/* Every leaf of guest RAM; returns the leaves scanned. */
static u64 ad_collect(struct vm *vm, struct dirty_log *d)
{
	return stage2_scan_dirty(&vm->stage2, 0, ALIGN_UP(vm->ram_size, SCAN_SPAN), found, d);
}

const struct dirty_mech dirty_ad = {
	.unavailable = ad_unavailable,
	.start = ad_start,
	.stop = ad_stop,
	.collect = ad_collect,
};
