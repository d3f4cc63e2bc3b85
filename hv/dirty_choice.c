/* The choice of a dirty-tracking mechanism (see dirty_choice.h). */
#include "hv/dirty_choice.h"

#define NS_PER_S 1000000000ULL

static const char *const kind_names[DIRTY_KIND_COUNT] = {
	[DIRTY_WP] = "write protection",
	[DIRTY_AD] = "A/D scan",
	[DIRTY_PML] = "PML",
};

const char *dirty_kind_name(enum dirty_kind k)
{
	return (unsigned)k < DIRTY_KIND_COUNT ? kind_names[k] : "?";
}

static u64 ratio(u64 cycles, u64 units)
{
	return units ? cycles / units : 0;
}

u64 dirty_predict(const struct dirty_model *m, enum dirty_kind k, u64 dirty_pages)
{
	const struct dirty_measured *x = &m->m[k];
	u64 fixed = ratio(x->fixed_cycles, x->epochs), exit;

	if (!x->epochs)
		return 0;
	switch (k) {
	case DIRTY_WP:
		return dirty_pages * ratio(x->per_dirty_cycles, x->dirty_pages) + fixed;
	case DIRTY_AD:
		return m->npages * ratio(x->scan_cycles, x->pages_scanned) + fixed;
	case DIRTY_PML:
		exit = x->exits ? ratio(x->exit_cycles, x->exits) : m->exit_cycles_hint;
		return dirty_pages * ratio(x->per_dirty_cycles, x->dirty_pages) +
		       dirty_pages / DIRTY_PML_BATCH * exit + fixed;
	default:
		return 0;
	}
}

/* The cheapest measured available mechanism; current on a tie. */
static enum dirty_kind cheapest(const struct dirty_model *m, const struct dirty_choice *c,
				enum dirty_kind current)
{
	enum dirty_kind best = current;

	for (int k = 0; k < DIRTY_KIND_COUNT; k++)
		if (m->available[k] && m->m[k].epochs && c->predicted[k] < c->predicted[best])
			best = (enum dirty_kind)k;
	return best;
}

void dirty_choose(const struct dirty_model *m, enum dirty_kind current, u64 rate_pps,
		  u64 epoch_ns, u32 margin_pct, struct dirty_choice *out)
{
	enum dirty_kind best;
	u64 keep, alt;

	out->dirty_pages = rate_pps * (epoch_ns / 1000) / (NS_PER_S / 1000); /* no overflow below 2^24 pages/s */
	if (out->dirty_pages > m->npages)
		out->dirty_pages = m->npages;
	for (int k = 0; k < DIRTY_KIND_COUNT; k++)
		out->predicted[k] = m->available[k] ? dirty_predict(m, (enum dirty_kind)k,
								    out->dirty_pages) : 0;
	out->use = current;
	out->switched = false;
	if (!m->available[current] || !m->m[current].epochs) {
		out->why = "the mechanism in use is not measured";
		return;
	}
	if (epoch_ns < DIRTY_EPOCH_MIN_NS) {
		out->why = "too short an epoch to judge";
		return;
	}
	best = cheapest(m, out, current);
	keep = out->predicted[current];
	alt = out->predicted[best];
	if (best == current) {
		out->why = "the cheapest predicted";
	} else if (alt * (100 + margin_pct) < keep * 100) {
		out->use = best;
		out->switched = true;
		out->why = margin_pct ? "cheaper by more than the switching margin"
				      : "the cheapest predicted";
	} else {
		out->why = "another is cheaper, but within the switching margin";
	}
}
