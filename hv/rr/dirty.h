/*
 * Which guest pages changed since the last state digest, tracked by
 * write-protecting clean pages in stage 2: the first write to a clean page
 * exits once, marks it dirty and makes it writable again. A digest then
 * hashes only the dirty pages. These exits are the hypervisor's own (never
 * landmarks). Checkpoints will track dirty pages the same way.
 */
#ifndef UNDERSTUDY_HV_RR_DIRTY_H
#define UNDERSTUDY_HV_RR_DIRTY_H

#include "hv/vm.h"

struct dirty_state {
	u64 *bits;     /* bit p set: page p may have changed */
	u64 npages;
	u64 faults;    /* first writes to clean pages */
	u64 cleaned;   /* pages write-protected again after digests */
};

/* Starts tracking: pages below written_end (what the loader wrote) are
 * dirty, every other page is known to be zero and clean. */
int dirty_init(struct vm *vm, u64 written_end);

bool dirty_is_dirty(const struct vm *vm, u64 page);
void dirty_note(struct vm *vm, u64 page);

/* A write to a clean page: ours to handle. */
bool dirty_exit_is_ours(struct vm *vm, const struct vexit *e);
void dirty_handle_exit(struct vm *vm, const struct vexit *e);

/* After a digest: every dirty page is clean (and write-protected) again. */
void dirty_clean_all(struct vm *vm);

#endif
