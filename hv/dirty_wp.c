/*
 * Dirty tracking by stage-2 write protection: every guest RAM page
 * read-only in EPT/NPT; the first guest write to a page exits, marks it and
 * makes it writable, so a page costs one exit per epoch however often it is
 * written; a harvest protects the harvested pages again.
 */
#include "hv/dirty_internal.h"

#include "arch/x86/mm.h"

static void set_writable(struct vm *vm, u64 page, bool writable)
{
	stage2_protect(&vm->stage2, page * PAGE_SIZE, PAGE_SIZE, writable ? S2_RWX : S2_R | S2_X);
}

static const char *wp_unavailable(const struct vm *vm, const struct dirty_log *d)
{
	return NULL; /* every CPU with nested paging can */
}

static void wp_start(struct vm *vm, struct dirty_log *d, u32 others)
{
	stage2_protect(&vm->stage2, 0, vm->ram_size, S2_R | S2_X);
}

static void wp_stop(struct vm *vm, struct dirty_log *d, u32 others)
{
	stage2_protect(&vm->stage2, 0, vm->ram_size, S2_RWX);
}

static void wp_rearm(struct vm *vm, struct dirty_log *d, u64 page)
{
	set_writable(vm, page, false);
}

static bool wp_exit_is_ours(const struct dirty_log *d, const struct vexit *e)
{
	return e->reason == VEXIT_NPF && e->npf.write && !e->npf.fetch &&
	       e->npf.gpa / PAGE_SIZE < d->npages;
}

/* The write runs again once the page is writable. */
static void wp_handle_exit(struct vm *vm, struct dirty_log *d, const struct vexit *e)
{
	u64 page = e->npf.gpa / PAGE_SIZE;

	dirty_mark(d, page);
	d->epoch_faults++;
	set_writable(vm, page, true);
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
