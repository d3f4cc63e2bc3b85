/* The write window (see write_window.h). */
#include "hv/rr/write_window.h"

#include <string.h>

#include "arch/x86/mm.h"
#include "bitops.h"
#include "errno.h"
#include "hash.h"
#include "hv/rr/tbit.h"
#include "log.h"

/* Told of each page the guest starts writing (ww_observe_writes). */
static void (*write_observer)(u64 page);

static struct write_window the_window; /* one VM */

/* Write access comes and goes with the window; execute and the T bit's
 * mark stay. A page the T bit marks keeps the T bit's rights. */
static void set_writable(struct vm *vm, u64 page, bool writable)
{
	u64 hpa;
	u32 prot;

	if (stage2_lookup(&vm->stage2, page * PAGE_SIZE, &hpa, &prot) || (prot & S2_TBIT))
		return;
	prot = writable ? prot | S2_W : prot & ~S2_W;
	stage2_protect(&vm->stage2, page * PAGE_SIZE, PAGE_SIZE, prot);
}

int ww_init(struct vm *vm, u64 written_end)
{
	struct write_window *w = &the_window;
	u64 written = MIN(ALIGN_UP(written_end, PAGE_SIZE) / PAGE_SIZE, vm->ram_size / PAGE_SIZE);
	/* a recording started again on this VM (hv/ft_join.c) reuses the maps */
	bool same = vm->window == w || w->stopped_for == vm;
	u8 *in_window = same ? w->in_window : NULL;
	u64 *dirty = same ? w->dirty : NULL;

	memset(w, 0, sizeof(*w));
	w->npages = vm->ram_size / PAGE_SIZE;
	w->in_window = in_window ? in_window : page_alloc_bytes(w->npages);
	w->dirty = dirty ? dirty : page_alloc_bytes(bitmap_bytes(w->npages));
	if (!w->in_window || !w->dirty) {
		pr_err("rr: no memory for the write window's page maps");
		return -ENOMEM;
	}
	memset(w->in_window, 0, w->npages);
	memset(w->dirty, 0, bitmap_bytes(w->npages));
	for (u64 p = 0; p < written; p++)
		bitmap_set(w->dirty, p);
	stage2_protect(&vm->stage2, 0, vm->ram_size, S2_R | S2_X);
	vm->hw->stage2_flush(&vm->vcpu.arch);
	vm->window = w;
	return 0;
}

void ww_stop(struct vm *vm)
{
	struct write_window *w = vm->window;

	if (!w)
		return;
	stage2_protect(&vm->stage2, 0, vm->ram_size, S2_RWX);
	vm->hw->stage2_flush(&vm->vcpu.arch);
	w->stopped_for = vm;
	vm->window = NULL;
}

void ww_empty(struct vm *vm)
{
	struct write_window *w = vm->window;

	if (!w)
		return;
	for (unsigned i = 0; i < w->count; i++) {
		u64 page = w->slot[(w->head + i) % WW_PAGES];

		w->in_window[page] = 0;
		set_writable(vm, page, false);
	}
	w->count = w->head = 0;
	vm->hw->stage2_flush(&vm->vcpu.arch);
}

bool ww_exit_is_ours(struct vm *vm, const struct vexit *e)
{
	const struct write_window *w = vm->window;
	u64 page = e->npf.gpa / PAGE_SIZE;

	return w && e->reason == VEXIT_NPF && e->npf.write && page < w->npages &&
	       !w->in_window[page] && !(vm->tbit && vm->tbit->mark[page]);
}

/* The oldest page leaves when the window is full. */
static void make_room(struct vm *vm, struct write_window *w)
{
	u64 old;

	if (w->count < WW_PAGES)
		return;
	old = w->slot[w->head];
	w->head = (w->head + 1) % WW_PAGES;
	w->count--;
	w->in_window[old] = 0;
	set_writable(vm, old, false);
	w->stats.evictions++;
}

void ww_handle_exit(struct vm *vm, const struct vexit *e)
{
	struct write_window *w = vm->window;
	u64 page = e->npf.gpa / PAGE_SIZE;

	w->stats.faults++;
	make_room(vm, w);
	w->slot[(w->head + w->count) % WW_PAGES] = page;
	w->count++;
	w->in_window[page] = 1;
	bitmap_set(w->dirty, page);
	if (write_observer)
		write_observer(page); /* ft=auto: what a checkpoint epoch would send */
	set_writable(vm, page, true);
	vm->hw->stage2_flush(&vm->vcpu.arch);
}

u32 ww_plain_prot(const struct vm *vm, u64 page)
{
	const struct write_window *w = vm->window;

	if (!w || page >= w->npages || w->in_window[page])
		return S2_RWX;
	return S2_R | S2_X;
}

bool ww_contains(const struct vm *vm, u64 page)
{
	return vm->window && page < vm->window->npages && vm->window->in_window[page];
}

void ww_note(struct vm *vm, u64 page)
{
	if (vm->window && page < vm->window->npages)
		bitmap_set(vm->window->dirty, page);
	if (write_observer)
		write_observer(page);
}

void ww_observe_writes(void (*note)(u64 page))
{
	write_observer = note;
}

const u64 *ww_dirty_bits(const struct vm *vm)
{
	return vm->window ? vm->window->dirty : NULL;
}

void ww_digest_taken(struct vm *vm)
{
	struct write_window *w = vm->window;

	if (!w)
		return;
	memset(w->dirty, 0, bitmap_bytes(w->npages));
	for (unsigned i = 0; i < w->count; i++)
		bitmap_set(w->dirty, w->slot[(w->head + i) % WW_PAGES]);
}

u64 ww_contents_hash(const struct vm *vm)
{
	const struct write_window *w = vm->window;
	struct hash64_state h;

	hash64_begin(&h, 0);
	for (unsigned i = 0; w && i < w->count; i++) {
		u64 page = w->slot[(w->head + i) % WW_PAGES];

		hash64_add(&h, &page, sizeof(page));
		hash64_add(&h, vm->ram + page * PAGE_SIZE, PAGE_SIZE);
	}
	return hash64_end(&h);
}
