/*
 * The end of a dirty-tracking epoch (dirty_log_harvest): what each active
 * mechanism found, handed out; their re-arming; what each one cost; the
 * check of A/D and PML against write protection on the first epoch; and
 * the choice of the next epoch's mechanism.
 */
#include "hv/dirty_internal.h"

#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "fmt.h"
#include "log.h"

#define NS_PER_S 1000000000ULL

static bool active(const struct dirty_log *d, int k)
{
	return d->active & DIRTY_BIT(k);
}

/* What the scan and the log found (write protection marked at its faults). */
static void collect(struct vm *vm, struct dirty_log *d)
{
	for (int k = 0; k < DIRTY_KIND_COUNT; k++) {
		const struct dirty_mech *mech = dirty_mech_of((enum dirty_kind)k);
		struct dirty_measured *m = &d->model.m[k];
		u64 start, n, cycles;

		if (!active(d, k) || !mech->collect)
			continue;
		start = rdtsc();
		n = mech->collect(vm, d);
		cycles = rdtsc() - start;
		d->epoch_cycles[k] += cycles;
		if (k == DIRTY_AD) {
			m->scan_cycles += cycles;
			m->pages_scanned += n;
			dirty_stats_mut()->by[k].pages_scanned += n;
		} else {
			m->per_dirty_cycles += cycles;
		}
	}
}

/* The first epoch: a mechanism that found none of the pages write
 * protection caught does not work on this CPU (an emulator may not set
 * the flags). Without a fault there is nothing to check yet. */
static void verify(struct dirty_log *d)
{
	if (!d->verifying || !d->epoch_faults)
		return;
	d->verifying = false;
	for (int k = DIRTY_AD; k < DIRTY_KIND_COUNT; k++) {
		if (!active(d, k))
			continue;
		if (d->confirmed[k]) {
			pr_info("dirty: %s checked: found %llu of the pages %llu write-protection faults caught",
				dirty_kind_name((enum dirty_kind)k), d->confirmed[k], d->epoch_faults);
			continue;
		}
		d->broken[k] = true;
		d->model.available[k] = false;
		pr_warn("dirty: %s unavailable: the guest wrote %llu pages and the CPU marked none of them",
			dirty_kind_name((enum dirty_kind)k), d->epoch_faults);
	}
}

/* Hands the set out, then re-arms each harvested page for every active
 * mechanism that needs it. */
static void hand_out(struct vm *vm, struct dirty_log *d, u64 *out)
{
	u64 words = (d->npages + 63) / 64;

	for (int k = 0; k < DIRTY_KIND_COUNT; k++) {
		const struct dirty_mech *mech = dirty_mech_of((enum dirty_kind)k);
		u64 start = rdtsc(), cycles;

		if (!active(d, k) || !mech->rearm)
			continue;
		mech->rearm(vm, d);
		cycles = rdtsc() - start;
		d->epoch_cycles[k] += cycles;
		d->model.m[k].per_dirty_cycles += cycles;
	}
	for (u64 w = 0; w < words; w++) {
		out[w] |= d->dirty[w];
		d->dirty[w] = 0;
	}
}

/* The epoch's flush (each mechanism alone would need it) and totals. */
static void close_epoch(struct vm *vm, struct dirty_log *d, u64 n)
{
	struct dirty_log_stats *st = dirty_stats_mut();
	u64 start = rdtsc(), flush;

	if (n || active(d, DIRTY_AD))
		vm->hw->stage2_flush(&vm->vcpu.arch);
	flush = rdtsc() - start;
	for (int k = 0; k < DIRTY_KIND_COUNT; k++) {
		if (!active(d, k))
			continue;
		d->model.m[k].epochs++;
		d->model.m[k].fixed_cycles += flush;
		d->model.m[k].dirty_pages += n;
		d->epoch_cycles[k] += flush;
		st->by[k].epochs++;
		st->by[k].last_cycles = d->epoch_cycles[k];
		st->by[k].cycles += d->epoch_cycles[k];
		st->used |= DIRTY_BIT(k);
	}
	st->by[DIRTY_PML].entries = d->pml_entries;
}

static void say_choice(const struct dirty_choice *c, const struct dirty_log *d)
{
	char others[160];
	size_t at = 0;

	others[0] = 0;
	for (int k = 0; k < DIRTY_KIND_COUNT; k++)
		if (k != (int)c->use && d->model.available[k] && c->predicted[k])
			at += (size_t)fmt_snprintf(others + at, sizeof(others) - at, "%s%s %llu",
						   at ? ", " : " vs ", dirty_kind_name((enum dirty_kind)k),
						   c->predicted[k]);
	pr_info("dirty: using %s (predicted %llu cycles/epoch%s, for %llu dirty pages an epoch): %s",
		dirty_kind_name(c->use), c->predicted[c->use], others, c->dirty_pages, c->why);
}

/* The next epoch's mechanism: the cheapest predicted, or the one
 * dirty_track= forced once checked (write protection if it failed). */
static void choose(struct vm *vm, struct dirty_log *d, u64 n)
{
	struct dirty_log_stats *st = dirty_stats_mut();
	u64 now = time_now_ns(), len = now - d->epoch_start_ns;
	u64 rate = len ? n * NS_PER_S / len : 0; /* n < 2^34 pages */
	struct dirty_choice c;
	enum dirty_kind was = d->use;

	d->epoch_start_ns = now;
	d->model.exit_cycles_hint = st->faults ? st->fault_cycles / st->faults : 0;
	dirty_choose(&d->model, d->use, rate, len, d->chosen ? DIRTY_SWITCH_MARGIN_PCT : 0, &c);
	if (len >= DIRTY_EPOCH_MIN_NS || !d->chosen) /* keep the last real epoch's */
		memcpy(st->predicted, c.predicted, sizeof(st->predicted));
	if (dirty_forced() != DIRTY_TRACK_AUTO) {
		c.use = d->broken[d->use] ? DIRTY_WP : d->use;
		c.why = d->broken[d->use] ? "dirty_track= named a mechanism this CPU does not run"
					  : "forced by dirty_track=";
	}
	if (!d->verifying && (!d->chosen || c.use != was)) {
		st->switches += d->chosen && c.use != was;
		say_choice(&c, d);
		d->chosen = true;
		st->mech = dirty_kind_name(c.use);
		st->why = c.why;
	}
	d->use = c.use;
	dirty_apply(vm, d, DIRTY_BIT(d->use) | (d->verifying ? d->active : 0));
}

u64 dirty_log_harvest(struct vm *vm, u64 *out)
{
	struct dirty_log *d = vm->dirty;
	struct dirty_log_stats *st = dirty_stats_mut();
	u64 start = rdtsc(), n;

	if (!d)
		return 0;
	collect(vm, d);
	verify(d);
	n = d->pending;
	hand_out(vm, d, out);
	d->pending = 0;
	close_epoch(vm, d, n);
	st->epochs++;
	st->pages_harvested += n;
	st->harvest_cycles += rdtsc() - start; /* the choice below may print */
	choose(vm, d, n);
	memset(d->epoch_cycles, 0, sizeof(d->epoch_cycles));
	memset(d->confirmed, 0, sizeof(d->confirmed));
	d->epoch_faults = 0;
	return n;
}
