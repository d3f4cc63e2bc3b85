/*
 * Which dirty-tracking mechanism an epoch should use (hv/dirty_log.c), as
 * pure arithmetic over what each one was measured to cost: write
 * protection pays per dirty page (a fault, then protecting it again), the
 * A/D scan per RAM page (every leaf, every epoch), the page-modification
 * log per dirty page (a log entry to drain, a dirty flag to clear) and per
 * full log (an exit every 512 pages). The cheapest predicted for the
 * epoch's dirty pages (its dirty rate times its length) wins; the one in
 * use keeps the epoch unless another is cheaper by DIRTY_SWITCH_MARGIN_PCT.
 */
#ifndef UNDERSTUDY_HV_DIRTY_CHOICE_H
#define UNDERSTUDY_HV_DIRTY_CHOICE_H

#include "types.h"

enum dirty_kind { DIRTY_WP, DIRTY_AD, DIRTY_PML, DIRTY_KIND_COUNT };
#define DIRTY_BIT(k) (1u << (k))

#define DIRTY_SWITCH_MARGIN_PCT 25 /* hysteresis: a switch must save this much */
#define DIRTY_EPOCH_MIN_NS 10000000ULL /* 10 ms: a shorter epoch does not change the choice */
#define DIRTY_PML_BATCH 512        /* pages per full log (VIRT_PML_ENTRIES) */

/* What one mechanism was measured to cost, in TSC cycles, as totals over
 * the epochs it ran (units: the count each total divides by). */
struct dirty_measured {
	u64 epochs;
	u64 per_dirty_cycles, dirty_pages;  /* faults and re-protection; log drain and D clear */
	u64 scan_cycles, pages_scanned;     /* the A/D scan */
	u64 exit_cycles, exits;             /* full-log exits */
	u64 fixed_cycles;                   /* per epoch: the stage-2 flush */
};

struct dirty_model {
	bool available[DIRTY_KIND_COUNT];
	struct dirty_measured m[DIRTY_KIND_COUNT];
	u64 npages;           /* guest RAM pages */
	u64 exit_cycles_hint; /* an exit's cost where none of that kind was measured */
};

struct dirty_choice {
	enum dirty_kind use;
	u64 predicted[DIRTY_KIND_COUNT]; /* cycles per epoch; 0 where unknown */
	u64 dirty_pages;                 /* the epoch's predicted dirty set */
	const char *why;
	bool switched;
};

const char *dirty_kind_name(enum dirty_kind k);

/* Predicted cycles for one epoch of k with dirty_pages dirty; 0 when k was
 * never measured. */
u64 dirty_predict(const struct dirty_model *m, enum dirty_kind k, u64 dirty_pages);

/* The mechanism for the next epoch of epoch_ns at rate_pps dirty pages per
 * second, current being the one in use; another must be cheaper by
 * margin_pct (0 for the first choice, DIRTY_SWITCH_MARGIN_PCT after). */
void dirty_choose(const struct dirty_model *m, enum dirty_kind current, u64 rate_pps,
		  u64 epoch_ns, u32 margin_pct, struct dirty_choice *out);

#endif
