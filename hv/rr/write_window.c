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

static void read_flags(struct vm *vm, struct write_window *w);

/* The window's pages forget one of their written bits (WW_SINCE_*). */
static void forget_written(struct write_window *w, u8 bit)
{
	for (unsigned i = 0; i < w->count; i++)
		w->written[(w->head + i) % w->size] &= ~bit;
}

/* Could the CPU keep stage-2 dirty flags for the window's pages? Where
 * the format has them and setting them is not a write by every guest
 * page walk (EPT's, which would fault on the protected page tables). */
static bool flags_possible(const struct vm *vm)
{
	return vm->stage2.fmt->dirty_bit && !vm->stage2.fmt->ad_walk_is_write &&
	       vm->hw->stage2_has_ad && vm->hw->stage2_has_ad();
}

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
	w->size = flags_possible(vm) ? WW_PAGES_WITH_FLAGS : WW_PAGES_WITHOUT_FLAGS;
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

int ww_set_size(struct vm *vm, unsigned pages)
{
	struct write_window *w = vm->window;

	if (!w || w->count || pages < 1 || pages > WW_PAGES)
		return -EINVAL;
	w->size = pages;
	return 0;
}

u64 ww_page_at(const struct write_window *w, unsigned i)
{
	return w->slot[(w->head + i) % w->size];
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
		u64 page = ww_page_at(w, i);

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

	if (w->count < w->size)
		return;
	old = w->slot[w->head];
	w->head = (w->head + 1) % w->size;
	w->count--;
	w->in_window[old] = 0;
	set_writable(vm, old, false);
	w->stats.evictions++;
}

void ww_handle_exit(struct vm *vm, const struct vexit *e)
{
	struct write_window *w = vm->window;
	u64 page = e->npf.gpa / PAGE_SIZE;

	unsigned slot;

	w->stats.faults++;
	make_room(vm, w);
	read_flags(vm, w);
	forget_written(w, WW_SINCE_LANDMARK); /* a landmark: what came before is known */
	slot = (w->head + w->count) % w->size;
	w->slot[slot] = page;
	w->leaf[slot] = stage2_leaf(&vm->stage2, page * PAGE_SIZE);
	if (w->leaf[slot])
		*w->leaf[slot] &= ~vm->stage2.fmt->dirty_bit; /* a flag left from before */
	w->written[slot] = WW_SINCE_LANDMARK | WW_SINCE_MARK; /* it is being written */
	w->joined[slot] = true;
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
		bitmap_set(w->dirty, ww_page_at(w, i));
}

/* All of the window's pages, in window order. */
static unsigned all_pages(const struct write_window *w, u64 *pages)
{
	for (unsigned i = 0; i < w->count; i++)
		pages[i] = ww_page_at(w, i);
	return w->count;
}

/* May the window read and clear the stage-2 dirty flags? Not where the
 * format has none or the CPU sets none, nor while the dirty log (which
 * clears them) runs. */
static bool flags_usable(const struct vm *vm, const struct write_window *w)
{
	return w->flags != WW_FLAGS_ABSENT && !vm->dirty && flags_possible(vm);
}

/* May the window trust what the flags said? */
static bool flags_tell(const struct vm *vm, const struct write_window *w)
{
	return w->flags == WW_FLAGS_PROVEN && flags_usable(vm, w);
}

/*
 * Moves each window page's dirty flag into its written bits, clearing the
 * flag, and flushes stage 2 (a translation cached as dirty would write
 * without setting it again). A page that joined since the flags were last
 * read was about to be written, so its flag set proves that the CPU sets
 * them; its flag clear disproves nothing alone (the instruction that
 * faulted may not have written it yet: it also writes another page
 * outside the window, whose fault came first), but WW_FLAGS_TRIES of them
 * with none set do.
 */
static void read_flags(struct vm *vm, struct write_window *w)
{
	u64 dirty_bit = vm->stage2.fmt->dirty_bit;

	if (!flags_usable(vm, w))
		return;
	for (unsigned i = 0; i < w->count; i++) {
		unsigned slot = (w->head + i) % w->size;
		u64 *leaf = w->leaf[slot];

		if (leaf && (*leaf & dirty_bit)) {
			*leaf &= ~dirty_bit;
			w->written[slot] |= WW_SINCE_LANDMARK | WW_SINCE_MARK;
			if (w->joined[slot] && w->flags == WW_FLAGS_UNKNOWN)
				w->flags = WW_FLAGS_PROVEN;
		} else if (w->joined[slot] && w->flags == WW_FLAGS_UNKNOWN &&
			   ++w->unproven >= WW_FLAGS_TRIES) {
			w->flags = WW_FLAGS_ABSENT;
		}
		w->joined[slot] = false;
	}
	vm->hw->stage2_flush(&vm->vcpu.arch);
}

unsigned ww_take_written(struct vm *vm, u64 *pages)
{
	struct write_window *w = vm->window;
	unsigned n = 0;

	if (!w)
		return 0;
	read_flags(vm, w);
	if (!flags_tell(vm, w)) {
		n = all_pages(w, pages);
	} else {
		for (unsigned i = 0; i < w->count; i++)
			if (w->written[(w->head + i) % w->size] & WW_SINCE_LANDMARK)
				pages[n++] = ww_page_at(w, i);
	}
	forget_written(w, WW_SINCE_LANDMARK);
	w->stats.takes++;
	w->stats.pages_taken += n;
	w->stats.pages_offered += w->count;
	return n;
}

bool ww_mark(struct vm *vm)
{
	struct write_window *w = vm->window;

	if (!w)
		return false;
	read_flags(vm, w);
	forget_written(w, WW_SINCE_MARK);
	return flags_tell(vm, w);
}

bool ww_written_since_mark(struct vm *vm)
{
	struct write_window *w = vm->window;

	if (!w)
		return false;
	read_flags(vm, w);
	if (!flags_tell(vm, w))
		return true;
	for (unsigned i = 0; i < w->count; i++)
		if (w->written[(w->head + i) % w->size] & WW_SINCE_MARK)
			return true;
	return false;
}

const char *ww_dirty_flags_name(const struct vm *vm)
{
	static const char *const names[] = { "unknown", "proven", "absent" };

	return vm->window ? names[vm->window->flags] : "unknown";
}

u64 ww_contents_hash(const struct vm *vm)
{
	const struct write_window *w = vm->window;
	struct hash64_state h;

	hash64_begin(&h, 0);
	for (unsigned i = 0; w && i < w->count; i++) {
		u64 page = ww_page_at(w, i);

		hash64_add(&h, &page, sizeof(page));
		hash64_add(&h, vm->ram + page * PAGE_SIZE, PAGE_SIZE);
	}
	return hash64_end(&h);
}
