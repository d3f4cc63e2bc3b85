/*
 * Dirty-page tracking's interface (see dirty_log.h): the bitmap the
 * mechanisms mark, their start and stop, the harvest that hands the set
 * out, and each epoch's cost and choice of mechanism (dirty_choice.c).
 */
#include "hv/dirty_internal.h"

#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "bitops.h"
#include "errno.h"
#include "fmt.h"
#include "log.h"

static const struct dirty_mech *const mechs[DIRTY_KIND_COUNT] = {
	[DIRTY_WP] = &dirty_wp,
	[DIRTY_AD] = &dirty_ad,
	[DIRTY_PML] = &dirty_pml,
};

static struct dirty_log the_log; /* one VM */
static enum dirty_track forced = DIRTY_TRACK_AUTO;

enum dirty_track dirty_forced(void)
{
	return forced;
}

const struct dirty_mech *dirty_mech_of(enum dirty_kind k)
{
	return mechs[k];
}

static u64 bitmap_pages(u64 npages)
{
	return ALIGN_UP(bitmap_bytes(npages), PAGE_SIZE) / PAGE_SIZE;
}

void dirty_log_configure(enum dirty_track choice)
{
	forced = choice;
}

/* What else runs on stage 2 that a mechanism cannot share it with: write
 * protection shares the write right with the T bit and the record/replay
 * write window; EPT's A/D flags make every guest page-table walk a write
 * (SDM Vol 3C, 29.3.3.2 "EPT Violations"), which faults on each page those
 * two protect. NPT sets its flags whatever we do, so the scan coexists. */
static const char *conflict(const struct vm *vm, enum dirty_kind k)
{
	bool tbit = vm->tbit, window = vm->window;

	if (!tbit && !window)
		return NULL;
	if (k == DIRTY_WP)
		return tbit ? "it shares the stage-2 write right with the T bit"
			    : "it shares the stage-2 write right with the record/replay write window";
	if (k == DIRTY_AD && !vm->hw->stage2_format->ad_walk_is_write)
		return NULL;
	return tbit ? "EPT A/D makes guest page-table walks writes, which fault under the T bit"
		    : "EPT A/D makes guest page-table walks writes, which fault under the write window";
}

/* Why k cannot track this VM, or NULL. */
const char *dirty_refusal(const struct vm *vm, const struct dirty_log *d, enum dirty_kind k)
{
	return mechs[k]->unavailable(vm, d) ?: conflict(vm, k);
}

/* --- switching ---------------------------------------------------------- */

/* Stops what leaves the active set, then starts what joins it (A/D and
 * PML before write protection, whose faults then set the flags), timing
 * each start (installing the traces, clearing the flags). */
void dirty_apply(struct vm *vm, struct dirty_log *d, u32 next)
{
	static const enum dirty_kind order[] = { DIRTY_AD, DIRTY_PML, DIRTY_WP };

	for (int k = 0; k < DIRTY_KIND_COUNT; k++)
		if ((d->active & DIRTY_BIT(k)) && !(next & DIRTY_BIT(k)))
			mechs[k]->stop(vm, d, next);
	for (unsigned i = 0; i < ARRAY_SIZE(order); i++)
		if ((next & DIRTY_BIT(order[i])) && !(d->active & DIRTY_BIT(order[i]))) {
			u64 start = rdtsc();

			mechs[order[i]]->start(vm, d, next);
			dirty_stats_mut()->by[order[i]].start_cycles += rdtsc() - start;
		}
	d->active = next;
	vm->hw->stage2_flush(&vm->vcpu.arch);
}

/* The first epoch: the chosen one, with write protection alongside to
 * measure it and to check that A/D and PML see what it sees (unchecked
 * where write protection cannot run); under dirty_track=auto, every
 * mechanism available. 0: none can run. */
static u32 first_epoch(const struct vm *vm, struct dirty_log *d)
{
	u32 set = 0;

	for (int k = 0; k < DIRTY_KIND_COUNT; k++)
		if ((d->model.available[k] = !dirty_refusal(vm, d, (enum dirty_kind)k)))
			set |= DIRTY_BIT(k);
	if (forced != DIRTY_TRACK_AUTO)
		set &= DIRTY_BIT(DIRTY_WP) | DIRTY_BIT(d->use);
	d->verifying = set & DIRTY_BIT(DIRTY_WP);
	if (!d->verifying && set) /* the cheapest unchecked one can only be guessed */
		d->use = (enum dirty_kind)__builtin_ctz(set);
	return set;
}

const char *dirty_active_names(u32 set, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = 0;
	for (int k = 0; k < DIRTY_KIND_COUNT && at < len; k++)
		if (set & DIRTY_BIT(k))
			at += (size_t)fmt_snprintf(buf + at, len - at, "%s%s", at ? ", " : "",
				       dirty_kind_name((enum dirty_kind)k));
	return buf;
}

int dirty_log_check_config(const struct vm *vm)
{
	struct dirty_log probe = { .pml_hpa = 1 }; /* as if the log page were there */
	enum dirty_kind k = (enum dirty_kind)(forced - DIRTY_TRACK_WP);
	const char *why;

	if (forced == DIRTY_TRACK_AUTO || !(why = dirty_refusal(vm, &probe, k)))
		return 0;
	pr_err("config: dirty_track=%s refused: %s", dirty_track_name(forced), why);
	return -ENODEV;
}

/* dirty_track=X names one: refused (with why) if it cannot run here. */
static int check_forced(const struct vm *vm, struct dirty_log *d)
{
	const char *why;

	d->use = DIRTY_WP;
	if (forced == DIRTY_TRACK_AUTO)
		return 0;
	d->use = (enum dirty_kind)(forced - DIRTY_TRACK_WP);
	why = dirty_refusal(vm, d, d->use);
	if (!why)
		return 0;
	pr_err("dirty: dirty_track=%s refused: %s", dirty_track_name(forced), why);
	return -ENODEV;
}

static u64 region_table_pages(u64 nregions)
{
	return ALIGN_UP(nregions * sizeof(struct wp_region), PAGE_SIZE) / PAGE_SIZE;
}

static int alloc_log(struct vm *vm, struct dirty_log *d)
{
	u64 pa, ra;

	d->npages = vm->ram_size / PAGE_SIZE;
	d->nregions = (d->npages + PT_ENTRIES - 1) / PT_ENTRIES;
	if (page_alloc(bitmap_pages(d->npages), 1, &pa)) {
		pr_err("dirty: no memory for the dirty bitmap (%llu bytes)", bitmap_bytes(d->npages));
		return -ENOMEM;
	}
	if (page_alloc(region_table_pages(d->nregions), 1, &ra)) {
		pr_err("dirty: no memory for the state of %llu 2 MiB regions", d->nregions);
		page_free(pa, bitmap_pages(d->npages));
		return -ENOMEM;
	}
	d->dirty = phys_to_virt(pa);
	memset(d->dirty, 0, bitmap_bytes(d->npages));
	d->regions = phys_to_virt(ra);
	memset(d->regions, 0, d->nregions * sizeof(struct wp_region));
	if (vm->hw->has_pml && vm->hw->has_pml() && !page_alloc(1, 1, &pa)) {
		d->pml_hpa = pa;
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
	}
	return 0;
}

static void free_log(struct dirty_log *d)
{
	page_free(virt_to_phys(d->dirty), bitmap_pages(d->npages));
	page_free(virt_to_phys(d->regions), region_table_pages(d->nregions));
	d->regions = NULL;
	if (d->pml_hpa)
		page_free(d->pml_hpa, 1);
	d->dirty = NULL;
	d->pml_hpa = 0;
}

int dirty_log_start(struct vm *vm)
{
	struct dirty_log *d = &the_log;
	struct dirty_log_stats *st = dirty_stats_mut();
	char names[64];
	u32 first;
	int err;

	if (vm->dirty)
		return 0;
	memset(d, 0, sizeof(*d));
	memset(st, 0, sizeof(*st));
	err = alloc_log(vm, d);
	if (err)
		return err;
	err = check_forced(vm, d);
	if (err) {
		free_log(d);
		return err;
	}
	d->model.npages = d->npages;
	first = first_epoch(vm, d);
	if (!first) {
		pr_err("dirty: no mechanism can run with %s on", vm->tbit ? "the T bit" : "the write window");
		free_log(d);
		return -ENODEV;
	}
	dirty_apply(vm, d, first);
	d->epoch_start_ns = time_now_ns();
	st->mech = dirty_kind_name(d->use);
	st->why = forced == DIRTY_TRACK_AUTO ? "measuring every mechanism for one epoch"
					     : "forced by dirty_track=";
	pr_info("dirty: first epoch with %s (%s)", dirty_active_names(d->active, names, sizeof(names)),
		st->why);
	vm->dirty = d;
	return 0;
}

void dirty_log_stop(struct vm *vm)
{
	struct dirty_log *d = vm->dirty;

	if (!d)
		return;
	dirty_apply(vm, d, 0);
	free_log(d);
	vm->dirty = NULL;
}

bool dirty_log_active(const struct vm *vm)
{
	return vm->dirty != NULL;
}

/* The mechanism whose exit e is, or DIRTY_KIND_COUNT. */
static enum dirty_kind exit_owner(const struct dirty_log *d, const struct vexit *e)
{
	for (int k = 0; k < DIRTY_KIND_COUNT; k++)
		if ((d->active & DIRTY_BIT(k)) && mechs[k]->exit_is_ours &&
		    mechs[k]->exit_is_ours(d, e))
			return (enum dirty_kind)k;
	return DIRTY_KIND_COUNT;
}

bool dirty_log_exit_is_ours(const struct vm *vm, const struct vexit *e)
{
	return vm->dirty && exit_owner(vm->dirty, e) != DIRTY_KIND_COUNT;
}

/* An exit's cost runs from the moment it came back (vm->exit_tsc). */
void dirty_log_handle_exit(struct vm *vm, const struct vexit *e)
{
	struct dirty_log *d = vm->dirty;
	enum dirty_kind k = exit_owner(d, e);
	u64 start = rdtsc(), from = vm->exit_tsc && vm->exit_tsc <= start ? vm->exit_tsc : start;
	struct dirty_measured *m = &d->model.m[k];
	struct dirty_log_stats *st = dirty_stats_mut();
	u64 cycles;

	mechs[k]->handle_exit(vm, d, e);
	cycles = rdtsc() - from;
	d->epoch_cycles[k] += cycles;
	st->by[k].exits++;
	if (k == DIRTY_WP) {
		st->faults++;
		st->fault_cycles += cycles;
		m->per_dirty_cycles += cycles;
	} else {
		m->exit_cycles += cycles;
		m->exits++;
	}
}

void dirty_log_note(struct vm *vm, u64 gpa, u64 len)
{
	struct dirty_log *d = vm->dirty;

	if (!d || !len)
		return;
	for (u64 p = gpa / PAGE_SIZE; p <= (gpa + len - 1) / PAGE_SIZE && p < d->npages; p++)
		dirty_stats_mut()->noted += dirty_mark(d, p);
}

u64 dirty_log_pending(const struct vm *vm)
{
	return vm->dirty ? vm->dirty->pending : 0;
}


const char *dirty_track_name(enum dirty_track t)
{
	static const char *const names[] = { "auto", "wp", "ad", "pml" };

	return (unsigned)t < ARRAY_SIZE(names) ? names[t] : "?";
}
