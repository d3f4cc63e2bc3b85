/*
 * The dirty log's state, shared by the interface (dirty_log.c) and the
 * mechanisms behind it: stage-2 write protection (dirty_wp.c), the scan of
 * stage-2 dirty flags (dirty_ad.c) and the page-modification log
 * (dirty_pml.c). Each mechanism marks the pages it finds in one bitmap;
 * the interface hands the bitmap out, measures what each mechanism cost
 * and chooses the next epoch's (dirty_choice.c).
 */
#ifndef UNDERSTUDY_HV_DIRTY_INTERNAL_H
#define UNDERSTUDY_HV_DIRTY_INTERNAL_H

#include "arch/x86/paging.h"
#include "hv/dirty_choice.h"
#include "hv/dirty_log.h"

/* A region with at least this many pages written in an epoch is dense:
 * 7/8 of it, so marking it whole sends at most 64 pages it did not write,
 * against at least 447 exits saved (docs/migration.md). */
#define WP_DENSE_PAGES (PT_ENTRIES * 7 / 8)
/* Epochs a dense region is marked whole before it is split to measure it. */
#define WP_DENSE_EPOCHS 8

/* Write protection's state of one 2 MiB region (dirty_wp.c). */
enum wp_region_state {
	WPR_TRACED, /* the directory entry withholds writes; the leaves grant them */
	WPR_WHOLE,  /* written this epoch and marked whole; writable throughout */
	WPR_SPLIT,  /* traced leaf by leaf: the pages written this epoch writable */
};

struct wp_region {
	u8 state;   /* enum wp_region_state */
	u8 dense;   /* epochs left to mark it whole on a first write (0: split it) */
};

struct dirty_log {
	u64 npages;
	u64 nregions;         /* 2 MiB regions of guest RAM (the last may be short) */
	struct wp_region *regions;
	u64 *dirty;           /* bit p: page p written since the last harvest */
	u64 pending;          /* bits set in dirty */
	u32 active;           /* DIRTY_BIT(k): mechanism k tracks this epoch */
	enum dirty_kind use;  /* the one chosen (the others, if active, are measured) */
	bool verifying;       /* this epoch checks A/D and PML against write protection */
	bool ad_on;           /* the CPU sets stage-2 A/D flags */
	u64 pml_hpa;          /* the log page; 0: none */
	u64 epoch_start_ns;
	u64 epoch_faults;     /* write-protection faults this epoch */
	u64 confirmed[DIRTY_KIND_COUNT]; /* pages found that a fault had marked */
	u64 epoch_cycles[DIRTY_KIND_COUNT]; /* each one's cost this epoch so far */
	u64 pml_entries;      /* log entries drained, all epochs */
	bool chosen;          /* the first epoch's measurements have been used */
	bool broken[DIRTY_KIND_COUNT];   /* found none of them: the CPU does not mark */
	struct dirty_model model;
};

/* One mechanism. start and stop are told which others track alongside
 * (DIRTY_BIT mask) after the change. */
struct dirty_mech {
	/* NULL when it can run on this VM's CPU, else why not. */
	const char *(*unavailable)(const struct vm *vm, const struct dirty_log *d);
	void (*start)(struct vm *vm, struct dirty_log *d, u32 others);
	void (*stop)(struct vm *vm, struct dirty_log *d, u32 others);
	/* Marks what it found dirty this epoch (NULL: nothing to collect). */
	u64 (*collect)(struct vm *vm, struct dirty_log *d);
	/* Makes the harvested pages' (d->dirty) next writes visible again
	 * (NULL: nothing to do). */
	void (*rearm)(struct vm *vm, struct dirty_log *d);
	/* Its own exits (NULL: none). */
	bool (*exit_is_ours)(const struct dirty_log *d, const struct vexit *e);
	void (*handle_exit)(struct vm *vm, struct dirty_log *d, const struct vexit *e);
};

extern const struct dirty_mech dirty_wp, dirty_ad, dirty_pml;

/* Sets page p's bit; true when it was clear. */
bool dirty_mark(struct dirty_log *d, u64 p);

/* Calls fn for every page marked in [first, end). */
void dirty_each(struct vm *vm, struct dirty_log *d, u64 first, u64 end,
		void (*fn)(struct vm *vm, struct dirty_log *d, u64 page));

/* Mechanism k found page p dirty (counted as confirmed when a fault had
 * marked it already). */
void dirty_found(struct dirty_log *d, enum dirty_kind k, u64 p);

/* The CPU's stage-2 A/D flags on (every dirty flag cleared) or off;
 * shared by the A/D scan and PML. */
void dirty_ad_enable(struct vm *vm, struct dirty_log *d);
void dirty_ad_disable(struct vm *vm, struct dirty_log *d);

/* dirty_log.c, for the epoch's end (dirty_epoch.c). */
struct dirty_log_stats *dirty_stats_mut(void);
enum dirty_track dirty_forced(void);
const struct dirty_mech *dirty_mech_of(enum dirty_kind k);
/* Why k cannot track this VM now (unavailable, or in conflict with what
 * else runs on stage 2), or NULL. */
const char *dirty_refusal(const struct vm *vm, const struct dirty_log *d, enum dirty_kind k);
/* Makes next (DIRTY_BIT mask) the mechanisms tracking, and flushes. */
void dirty_apply(struct vm *vm, struct dirty_log *d, u32 next);
const char *dirty_active_names(u32 set, char *buf, size_t len);

#endif
