/* Dirty-page tracking by stage-2 write protection (see dirty_log.h). */
#include "hv/dirty_log.h"

#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "errno.h"
#include "log.h"

struct dirty_log {
	u64 npages;
	u64 *dirty;   /* bit p: page p written since the last harvest */
	u64 pending;  /* bits set in dirty */
};

static struct dirty_log the_log; /* one VM */
static struct dirty_log_stats stats;

static u64 bitmap_bytes(u64 npages)
{
	return (npages + 63) / 64 * 8;
}

static u64 bitmap_pages(u64 npages)
{
	return ALIGN_UP(bitmap_bytes(npages), PAGE_SIZE) / PAGE_SIZE;
}

/* Sets page p's bit; true when it was clear. */
static bool mark(struct dirty_log *d, u64 p)
{
	u64 bit = 1ULL << (p % 64);

	if (d->dirty[p / 64] & bit)
		return false;
	d->dirty[p / 64] |= bit;
	d->pending++;
	return true;
}

static void set_writable(struct vm *vm, u64 page, bool writable)
{
	stage2_protect(&vm->stage2, page * PAGE_SIZE, PAGE_SIZE, writable ? S2_RWX : S2_R | S2_X);
}

int dirty_log_start(struct vm *vm)
{
	struct dirty_log *d = &the_log;
	u64 pa, bytes;

	if (vm->dirty)
		return 0;
	d->npages = vm->ram_size / PAGE_SIZE;
	bytes = bitmap_bytes(d->npages);
	if (page_alloc(bitmap_pages(d->npages), 1, &pa)) {
		pr_err("dirty: no memory for the dirty bitmap (%llu bytes)", bytes);
		return -ENOMEM;
	}
	d->dirty = phys_to_virt(pa);
	memset(d->dirty, 0, bytes);
	d->pending = 0;
	memset(&stats, 0, sizeof(stats));
	stage2_protect(&vm->stage2, 0, vm->ram_size, S2_R | S2_X);
	vm->hw->stage2_flush(&vm->vcpu.arch);
	vm->dirty = d;
	return 0;
}

void dirty_log_stop(struct vm *vm)
{
	if (!vm->dirty)
		return;
	stage2_protect(&vm->stage2, 0, vm->ram_size, S2_RWX);
	vm->hw->stage2_flush(&vm->vcpu.arch);
	page_free(virt_to_phys(vm->dirty->dirty), bitmap_pages(vm->dirty->npages));
	vm->dirty->dirty = NULL;
	vm->dirty = NULL;
}

bool dirty_log_active(const struct vm *vm)
{
	return vm->dirty != NULL;
}

bool dirty_log_exit_is_ours(const struct vm *vm, const struct vexit *e)
{
	const struct dirty_log *d = vm->dirty;

	return d && e->reason == VEXIT_NPF && e->npf.write && !e->npf.fetch &&
	       e->npf.gpa / PAGE_SIZE < d->npages;
}

void dirty_log_handle_exit(struct vm *vm, const struct vexit *e)
{
	u64 start = rdtsc(), page = e->npf.gpa / PAGE_SIZE;

	mark(vm->dirty, page);
	set_writable(vm, page, true);
	vm->hw->stage2_flush(&vm->vcpu.arch);
	stats.faults++;
	stats.fault_cycles += rdtsc() - start;
}

void dirty_log_note(struct vm *vm, u64 gpa, u64 len)
{
	struct dirty_log *d = vm->dirty;

	if (!d || !len)
		return;
	for (u64 p = gpa / PAGE_SIZE; p <= (gpa + len - 1) / PAGE_SIZE && p < d->npages; p++)
		stats.noted += mark(d, p);
}

/* One word of the bitmap: its pages into out, protected again. */
static void harvest_word(struct vm *vm, struct dirty_log *d, u64 w, u64 *out)
{
	u64 bits = d->dirty[w];

	out[w] |= bits;
	d->dirty[w] = 0;
	while (bits) {
		u64 page = w * 64 + (u64)__builtin_ctzll(bits);

		bits &= bits - 1;
		set_writable(vm, page, false);
	}
}

u64 dirty_log_harvest(struct vm *vm, u64 *out)
{
	struct dirty_log *d = vm->dirty;
	u64 start = rdtsc(), n;

	if (!d)
		return 0;
	n = d->pending;
	for (u64 w = 0; w < bitmap_bytes(d->npages) / 8; w++)
		if (d->dirty[w])
			harvest_word(vm, d, w, out);
	d->pending = 0;
	if (n)
		vm->hw->stage2_flush(&vm->vcpu.arch);
	stats.epochs++;
	stats.pages_harvested += n;
	stats.harvest_cycles += rdtsc() - start;
	return n;
}

u64 dirty_log_pending(const struct vm *vm)
{
	return vm->dirty ? vm->dirty->pending : 0;
}

const struct dirty_log_stats *dirty_log_stats(void)
{
	return &stats;
}
