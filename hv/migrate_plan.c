/* Pre-copy's convergence rule and a migration's figures (migrate_internal.h). */
#include "hv/migrate_internal.h"

#include <string.h>

#include "fmt.h"
#include "log.h"

#define NS_PER_S 1000000000ULL

void mig_plan_start(struct mig_round_plan *p, u64 npages, u64 now_ns)
{
	memset(p, 0, sizeof(*p));
	p->npages = npages;
	p->last_dirty = npages;
	p->round_start_ns = now_ns;
}

/* The stun the dirty pages would take at the round's throughput and bytes
 * per page (UINT64_MAX when nothing was measured). */
static u64 predict_stun_ns(const struct mig_round_plan *p, u64 dirty, u64 bytes, u64 ns)
{
	u64 bytes_per_page;

	if (!dirty)
		return 0;
	if (!bytes || !ns || !p->round_pages)
		return UINT64_MAX;
	bytes_per_page = bytes / p->round_pages + 1;
	return dirty * bytes_per_page * ns / bytes;
}

/* The predicted stun in microseconds as text ("?" when unknown). */
static const char *stun_text(u64 ns)
{
	static char buf[24];

	if (ns == UINT64_MAX)
		return "?";
	fmt_snprintf(buf, sizeof(buf), "%llu", ns / 1000);
	return buf;
}

void mig_plan_round_end(struct mig_round_plan *p, u64 dirty, u64 acked, u64 now_ns)
{
	u64 bytes = acked - p->round_start_acked, ns = now_ns - p->round_start_ns;

	p->link_bytes_per_s = ns ? bytes * NS_PER_S / ns : 0;
	p->predicted_stun_ns = predict_stun_ns(p, dirty, bytes, ns);
	console_printf("migration: round %u: %llu pages sent, %llu held back as hot, %llu dirty now, "
		       "link %llu KiB/s, a stun now would take %s us\n", p->round, p->round_pages,
		       p->held, dirty, p->link_bytes_per_s >> 10, stun_text(p->predicted_stun_ns));
	if (p->predicted_stun_ns <= MIG_STUN_TARGET_NS)
		p->why = "the pages left fit the stun target";
	else if (p->round + 1 >= MIG_SHRINK_ROUNDS && dirty >= p->last_dirty)
		p->why = "the dirty set stopped shrinking";
	else if (p->round + 1 >= MIG_ROUNDS_MAX)
		p->why = "the round cap";
	p->converged = p->why != NULL;
	p->last_dirty = dirty;
	p->round++;
	p->round_pages = 0;
	p->round_start_ns = now_ns;
	p->round_start_acked = acked;
}

void mig_figures_page(struct mig_figures *f, u8 kind, size_t len)
{
	f->pages++;
	f->bytes += len;
	if (kind < PAGE_ENC_COUNT) {
		f->enc_pages[kind]++;
		f->enc_bytes[kind] += len;
	}
}

static u64 share_x1000(u64 part, u64 whole)
{
	return whole ? part * 1000 / whole : 0;
}

void mig_figures_print(const struct mig_figures *f, const struct mig_round_plan *p,
		       const struct dirty_log_stats *d, const struct mig_history *h)
{
	u64 resent = f->pages - p->npages; /* pages after round 0's whole copy */
	u64 share = share_x1000(f->stun_pages - f->stun_first, resent);

	for (unsigned k = 0; k < PAGE_ENC_COUNT; k++)
		if (f->enc_pages[k])
			console_printf("migration: encoding %s: %llu pages, %llu bytes\n",
				       page_enc_name(k), f->enc_pages[k], f->enc_bytes[k]);
	console_printf("migration: dirty tracking: %s (%s), %llu epochs, %u switches, %llu pages "
		       "noted by the hypervisor, harvests %llu cycles\n",
		       d->mech ? d->mech : "-", d->why ? d->why : "-", d->epochs, d->switches, d->noted,
		       d->harvest_cycles);
	for (int k = 0; k < DIRTY_KIND_COUNT; k++)
		if (d->used & DIRTY_BIT(k))
			console_printf("migration: dirty tracking by %s: %llu epochs, %llu cycles "
				       "(%llu per epoch, last %llu), %llu exits, %llu pages scanned, "
				       "%llu log entries; predicted %llu cycles/epoch\n",
				       dirty_kind_name((enum dirty_kind)k), d->by[k].epochs,
				       d->by[k].cycles, d->by[k].epochs ? d->by[k].cycles / d->by[k].epochs : 0,
				       d->by[k].last_cycles, d->by[k].exits, d->by[k].pages_scanned,
				       d->by[k].entries, d->predicted[k]);
	for (int k = 0; k < DIRTY_KIND_COUNT; k++)
		if (d->used & DIRTY_BIT(k))
			console_printf("migration: dirty tracking by %s: started in %llu cycles\n",
				       dirty_kind_name((enum dirty_kind)k), d->by[k].start_cycles);
	if (d->used & DIRTY_BIT(DIRTY_WP))
		console_printf("migration: write traces at 2 MiB: %llu split on a first write, "
			       "%llu marked whole (dense)\n", d->splits, d->wholes);
	console_printf("migration: modification history: %u copies of hot pages at most, %llu taken, "
		       "%llu dropped for hotter pages, %llu not taken (budget)\n", h->slots, h->kept,
		       h->evicted, h->refused);
	console_printf("migration: feedback: %llu pages confirmed by the destination, %llu stale, "
		       "%llu mismatched; pages with a copy: %llu deltas against a confirmed copy, %llu "
		       "whole for want of feedback (%llu of them at the stun)\n", h->fb_confirmed,
		       h->fb_stale, h->fb_mismatched, h->based, h->unconfirmed, f->stun_unconfirmed);
	console_printf("migration: summary: rounds %u, pages %llu, bytes %llu (RAM %llu), "
		       "stun %llu cycles, %llu pages (%llu.%llu%% of the pages sent again; "
		       "%llu first copies), %llu ms in all, pre-copy ended: %s\n",
		       f->rounds, f->pages, f->bytes, p->npages * PAGE_CODEC_PAGE, f->stun_cycles,
		       f->stun_pages, share / 10, share % 10, f->stun_first,
		       (f->end_ns - f->start_ns) / 1000000,
		       p->why ? p->why : "-");
}
