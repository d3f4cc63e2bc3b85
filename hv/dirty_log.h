/*
 * Dirty-page tracking for live migration (docs/migration.md): which guest
 * pages changed since the last harvest. The mechanism here is stage-2
 * write protection: every guest RAM page is made read-only in EPT/NPT; the
 * first guest write to one exits, marks the page dirty and gives the write
 * back, so each page costs one exit per epoch however often it is written.
 * A harvest hands out the dirty set and protects those pages again.
 *
 * Writes the hypervisor makes to guest RAM itself (string I/O, through
 * vm_write_gpa) bypass stage 2 and are noted by the writer.
 *
 * It shares stage 2 with the record/replay write window and the T bit,
 * which protect pages for their own reasons; the two do not run together
 * (migration refuses rr=record and rr=replay).
 */
#ifndef UNDERSTUDY_HV_DIRTY_LOG_H
#define UNDERSTUDY_HV_DIRTY_LOG_H

#include "hv/vm.h"

struct dirty_log_stats {
	u64 epochs;           /* harvests so far */
	u64 faults;           /* write-protection exits (first writes) */
	u64 noted;            /* pages the hypervisor wrote itself */
	u64 harvest_cycles;   /* TSC cycles spent harvesting and protecting again */
	u64 fault_cycles;     /* TSC cycles in the fault handler */
	u64 pages_harvested;  /* dirty pages handed out, all epochs */
};

/* Starts tracking: every guest RAM page write-protected, none dirty. 0, or
 * -ENOMEM (reported). */
int dirty_log_start(struct vm *vm);

/* Stops tracking: every page writable again. */
void dirty_log_stop(struct vm *vm);

/* Is tracking on? */
bool dirty_log_active(const struct vm *vm);

/* A guest write to a page the dirty log protected: ours to handle (not a
 * landmark; the guest instruction runs again). */
bool dirty_log_exit_is_ours(const struct vm *vm, const struct vexit *e);
void dirty_log_handle_exit(struct vm *vm, const struct vexit *e);

/* The hypervisor wrote guest-physical [gpa, gpa+len). */
void dirty_log_note(struct vm *vm, u64 gpa, u64 len);

/* Ends an epoch: ORs the pages dirtied since the last harvest into out (a
 * bitmap of ram_size / 4 KiB bits), protects them again and returns how
 * many there were. */
u64 dirty_log_harvest(struct vm *vm, u64 *out);

/* Pages dirty now (not yet harvested). */
u64 dirty_log_pending(const struct vm *vm);

const struct dirty_log_stats *dirty_log_stats(void);

#endif
