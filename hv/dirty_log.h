/*
 * Dirty-page tracking for live migration (docs/migration.md "Dirty-page
 * tracking"): which guest pages changed since the last harvest. Three
 * mechanisms sit behind this one interface (hv/dirty_internal.h):
 * stage-2 write protection (the first write to each page exits), a scan of
 * the stage-2 dirty flags the CPU sets, and the CPU's page-modification
 * log (VMX). An epoch runs from one harvest to the next; each epoch's cost
 * is measured and the next epoch's mechanism chosen as the cheapest
 * predicted (hv/dirty_choice.h), unless dirty_track= forces one.
 *
 * Writes the hypervisor makes to guest RAM itself (string I/O, through
 * vm_write_gpa) bypass stage 2 and are noted by the writer.
 *
 * Each mechanism says whether it can share stage 2 with the record/replay
 * write window and the T bit, which protect pages for their own reasons;
 * dirty_log_start refuses one that cannot (migration refuses rr=record and
 * rr=replay, so they do not meet today).
 */
#ifndef UNDERSTUDY_HV_DIRTY_LOG_H
#define UNDERSTUDY_HV_DIRTY_LOG_H

#include "hv/dirty_choice.h"
#include "hv/vm.h"

/* dirty_track= (hv/config.c): choose by cost, or one mechanism. */
enum dirty_track { DIRTY_TRACK_AUTO, DIRTY_TRACK_WP, DIRTY_TRACK_AD, DIRTY_TRACK_PML };

/* What one mechanism cost while it tracked. */
struct dirty_mech_stats {
	u64 epochs;         /* epochs it tracked (alone or measured alongside) */
	u64 cycles;         /* TSC cycles: its exits, scans, drains, re-arming, flushes */
	u64 exits;          /* write-protection faults, full-log exits */
	u64 pages_scanned;  /* stage-2 leaves scanned (A/D) */
	u64 entries;        /* log entries drained (PML) */
	u64 last_cycles;    /* its cost in the last epoch it tracked */
	u64 start_cycles;   /* TSC cycles its starts took (not in any epoch) */
};

struct dirty_log_stats {
	u64 epochs;           /* harvests so far */
	u64 faults;           /* write-protection exits (first writes) */
	u64 noted;            /* pages the hypervisor wrote itself */
	u64 harvest_cycles;   /* TSC cycles spent harvesting and protecting again */
	u64 fault_cycles;     /* TSC cycles in the fault handler */
	u64 pages_harvested;  /* dirty pages handed out, all epochs */
	u64 splits;           /* 2 MiB write traces split on a first write */
	u64 wholes;           /* dense 2 MiB regions marked whole on a first write */
	const char *mech;     /* the mechanism in use */
	const char *why;      /* why it was chosen */
	u32 switches;         /* changes of mechanism after the first epoch */
	u32 used;             /* DIRTY_BIT(kind) of every mechanism that tracked */
	struct dirty_mech_stats by[DIRTY_KIND_COUNT];
	u64 predicted[DIRTY_KIND_COUNT]; /* the last choice's cycles per epoch; 0: unknown */
};

/* dirty_track= as configured (auto until called). */
void dirty_log_configure(enum dirty_track choice);
const char *dirty_track_name(enum dirty_track t);

/* Can this CPU run the mechanism dirty_track= forces? 0, or -ENODEV with
 * the reason printed (at boot, before a migration could fail on it). */
int dirty_log_check_config(const struct vm *vm);

/* Starts tracking: no page dirty; the first epoch with write protection
 * (every guest RAM page write-protected, per 2 MiB region) and, to
 * measure them, the other mechanisms this CPU has. 0, -ENOMEM or -ENODEV (a dirty_track= choice
 * that cannot run here), reported. */
int dirty_log_start(struct vm *vm);

/* Stops tracking: every page writable again. */
void dirty_log_stop(struct vm *vm);

/* Is tracking on? */
bool dirty_log_active(const struct vm *vm);

/* A guest write to a page the dirty log protected, or a full
 * page-modification log: ours to handle (not a landmark; the guest
 * instruction runs again). */
bool dirty_log_exit_is_ours(const struct vm *vm, const struct vexit *e);
void dirty_log_handle_exit(struct vm *vm, const struct vexit *e);

/* The hypervisor wrote guest-physical [gpa, gpa+len). */
void dirty_log_note(struct vm *vm, u64 gpa, u64 len);

/* Ends an epoch: ORs the pages dirtied since the last harvest into out (a
 * bitmap of ram_size / 4 KiB bits), re-arms their tracking (protects them
 * again, clears their dirty flags) and returns how many there were; then
 * chooses the next epoch's mechanism. */
u64 dirty_log_harvest(struct vm *vm, u64 *out);

/* Pages dirty now (not yet harvested). */
u64 dirty_log_pending(const struct vm *vm);

const struct dirty_log_stats *dirty_log_stats(void);

#endif
