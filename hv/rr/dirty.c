/* Dirty-page tracking by stage-2 write protection (see dirty.h). */
#include "hv/rr/dirty.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "errno.h"
#include "hv/rr/tbit.h"
#include "log.h"

static struct dirty_state the_dirty; /* one VM */

static bool test(const struct dirty_state *d, u64 p)
{
	return d->bits[p / 64] >> (p % 64) & 1;
}

static void set(struct dirty_state *d, u64 p)
{
	d->bits[p / 64] |= 1ULL << (p % 64);
}

/* Write access comes and goes; execute and the T bit's mark stay. */
static void set_writable(struct vm *vm, u64 page, bool writable)
{
	u64 hpa;
	u32 prot;

	if (stage2_lookup(&vm->stage2, page * PAGE_SIZE, &hpa, &prot))
		return;
	if (prot & S2_TBIT)
		return; /* the T bit decides this page's write access */
	prot = writable ? prot | S2_W : prot & ~S2_W;
	stage2_protect(&vm->stage2, page * PAGE_SIZE, PAGE_SIZE, prot);
}

int dirty_init(struct vm *vm, u64 written_end)
{
	struct dirty_state *d = &the_dirty;
	u64 bytes, pa, first_clean;

	memset(d, 0, sizeof(*d));
	d->npages = vm->ram_size / PAGE_SIZE;
	bytes = ALIGN_UP((d->npages + 63) / 64 * 8, PAGE_SIZE);
	if (page_alloc(bytes / PAGE_SIZE, 1, &pa)) {
		pr_err("dirty: no memory for the dirty-page bitmap");
		return -ENOMEM;
	}
	d->bits = phys_to_virt(pa);
	first_clean = MIN(ALIGN_UP(written_end, PAGE_SIZE) / PAGE_SIZE, d->npages);
	for (u64 p = 0; p < first_clean; p++)
		set(d, p);
	if (first_clean < d->npages)
		stage2_protect(&vm->stage2, first_clean * PAGE_SIZE,
			       (d->npages - first_clean) * PAGE_SIZE, S2_R | S2_X);
	vm->dirty = d;
	vm->hw->stage2_flush(&vm->vcpu.arch);
	return 0;
}

bool dirty_is_dirty(const struct vm *vm, u64 page)
{
	return !vm->dirty || page >= vm->dirty->npages || test(vm->dirty, page);
}

void dirty_note(struct vm *vm, u64 page)
{
	if (vm->dirty && page < vm->dirty->npages)
		set(vm->dirty, page);
}

bool dirty_exit_is_ours(struct vm *vm, const struct vexit *e)
{
	u64 page = e->npf.gpa / PAGE_SIZE;

	return vm->dirty && e->reason == VEXIT_NPF && e->npf.write && page < vm->dirty->npages &&
	       !test(vm->dirty, page) && !(vm->tbit && vm->tbit->mark[page]);
}

void dirty_handle_exit(struct vm *vm, const struct vexit *e)
{
	u64 page = e->npf.gpa / PAGE_SIZE;

	set(vm->dirty, page);
	vm->dirty->faults++;
	set_writable(vm, page, true);
	vm->hw->stage2_flush(&vm->vcpu.arch);
}

void dirty_clean_all(struct vm *vm)
{
	struct dirty_state *d = vm->dirty;

	if (!d)
		return;
	for (u64 w = 0; w < (d->npages + 63) / 64; w++) {
		for (u64 bits = d->bits[w]; bits; bits &= bits - 1) {
			u64 p = w * 64 + (u64)__builtin_ctzll(bits);

			set_writable(vm, p, false);
			d->cleaned++;
		}
		d->bits[w] = 0;
	}
	vm->hw->stage2_flush(&vm->vcpu.arch);
}
