/*
 * Dirty tracking by stage-2 write protection, traced per 2 MiB region
 * (docs/migration.md "Write traces at 2 MiB"). A trace over a region is
 * one entry write: the directory entry above its 512 leaves withholds the
 * write right (stage2_protect_region), the leaves stay writable. The
 * first guest write to a traced region exits, and then either
 *  - split (the rule): the written page is marked, the region's other
 *    leaves are write-protected one by one and the directory entry grants
 *    writes again, so each other page written costs its own exit, once an
 *    epoch, as under a 4 KiB trace. A split region stays split: at the
 *    harvest only its harvested pages are protected again;
 *  - whole: a region found dense the last time it was split (at least
 *    WP_DENSE_PAGES of its pages written in an epoch) is marked dirty
 *    entirely and left writable: one exit for the region instead of one
 *    per page written, at the price of sending the pages it did not
 *    write. The harvest traces it at 2 MiB again; after WP_DENSE_EPOCHS
 *    such epochs it is split once more, which measures it again.
 * A region guest RAM does not fill to its end is traced at 4 KiB from the
 * start: its directory entry may cover other mappings.
 */
#include "hv/dirty_internal.h"

#include "arch/x86/mm.h"
#include "bitops.h"

static void protect_pages(struct vm *vm, u64 first, u64 n, bool writable)
{
	stage2_protect(&vm->stage2, first * PAGE_SIZE, n * PAGE_SIZE,
		       writable ? S2_RWX : S2_R | S2_X);
}

static void protect_page(struct vm *vm, struct dirty_log *d, u64 page)
{
	protect_pages(vm, page, 1, false);
}

/* The region's first page and its page count (the last may be short). */
static u64 region_first(u64 r)
{
	return r * PT_ENTRIES;
}

static u64 region_pages(const struct dirty_log *d, u64 r)
{
	return MIN((u64)PT_ENTRIES, d->npages - region_first(r));
}

static void trace_region(struct vm *vm, u64 r, bool on)
{
	stage2_protect_region(&vm->stage2, r * S2_REGION_SIZE, !on);
}

static const char *wp_unavailable(const struct vm *vm, const struct dirty_log *d)
{
	return NULL; /* every CPU with nested paging can */
}

/* Full regions traced at 2 MiB (their leaves writable), a short last one
 * at 4 KiB. */
static void wp_start(struct vm *vm, struct dirty_log *d, u32 others)
{
	for (u64 r = 0; r < d->nregions; r++) {
		struct wp_region *reg = &d->regions[r];

		reg->dense = 0;
		if (region_pages(d, r) == PT_ENTRIES) {
			reg->state = WPR_TRACED;
			trace_region(vm, r, true);
		} else {
			reg->state = WPR_SPLIT;
			protect_pages(vm, region_first(r), region_pages(d, r), false);
		}
	}
}

/* Every page writable again, at whichever level it was protected. */
static void wp_stop(struct vm *vm, struct dirty_log *d, u32 others)
{
	for (u64 r = 0; r < d->nregions; r++) {
		switch (d->regions[r].state) {
		case WPR_TRACED:
			trace_region(vm, r, false);
			break;
		case WPR_SPLIT:
			protect_pages(vm, region_first(r), region_pages(d, r), true);
			break;
		case WPR_WHOLE: /* writable at both levels already */
			break;
		}
	}
}

/* A split region keeps its 4 KiB traces, unless it turned out dense:
 * then its leaves are made writable and it is traced at 2 MiB, to be
 * marked whole on its next first write. */
static void rearm_split(struct vm *vm, struct dirty_log *d, u64 r)
{
	u64 first = region_first(r), n = region_pages(d, r);

	if (n == PT_ENTRIES && bitmap_count(d->dirty + first / 64, n) >= WP_DENSE_PAGES) {
		protect_pages(vm, first, n, true);
		trace_region(vm, r, true);
		d->regions[r] = (struct wp_region){ .state = WPR_TRACED, .dense = WP_DENSE_EPOCHS };
		return;
	}
	dirty_each(vm, d, first, first + n, protect_page);
}

/* Protects what the harvest handed out again. A traced region the guest
 * did not write stays traced (pages the hypervisor wrote there need
 * nothing); one marked whole is traced at 2 MiB again. */
static void wp_rearm(struct vm *vm, struct dirty_log *d)
{
	for (u64 r = 0; r < d->nregions; r++) {
		struct wp_region *reg = &d->regions[r];

		switch (reg->state) {
		case WPR_TRACED:
			break;
		case WPR_WHOLE:
			trace_region(vm, r, true);
			reg->state = WPR_TRACED;
			reg->dense--;
			break;
		case WPR_SPLIT:
			rearm_split(vm, d, r);
			break;
		}
	}
}

static bool wp_exit_is_ours(const struct dirty_log *d, const struct vexit *e)
{
	return e->reason == VEXIT_NPF && e->npf.write && !e->npf.fetch &&
	       e->npf.gpa / PAGE_SIZE < d->npages;
}

/* The first write to a traced region: marks it whole if it is dense,
 * else splits it (its leaves protected but the one written); either way
 * the directory entry grants writes again. */
static void first_write(struct vm *vm, struct dirty_log *d, u64 page)
{
	u64 r = page / PT_ENTRIES, first = region_first(r);
	struct wp_region *reg = &d->regions[r];

	if (reg->dense) {
		for (u64 p = first; p < first + PT_ENTRIES; p++)
			dirty_mark(d, p);
		reg->state = WPR_WHOLE;
		dirty_stats_mut()->wholes++;
	} else {
		protect_pages(vm, first, PT_ENTRIES, false);
		protect_pages(vm, page, 1, true);
		dirty_mark(d, page);
		reg->state = WPR_SPLIT;
		dirty_stats_mut()->splits++;
	}
	trace_region(vm, r, false);
}

/* The write runs again once the page is writable. */
static void wp_handle_exit(struct vm *vm, struct dirty_log *d, const struct vexit *e)
{
	u64 page = e->npf.gpa / PAGE_SIZE;

	if (d->regions[page / PT_ENTRIES].state == WPR_TRACED) {
		first_write(vm, d, page);
	} else {
		dirty_mark(d, page);
		protect_pages(vm, page, 1, true);
	}
	d->epoch_faults++;
	vm->hw->stage2_flush(&vm->vcpu.arch);
}

const struct dirty_mech dirty_wp = {
	.unavailable = wp_unavailable,
	.start = wp_start,
	.stop = wp_stop,
	.rearm = wp_rearm,
	.exit_is_ours = wp_exit_is_ours,
	.handle_exit = wp_handle_exit,
};
