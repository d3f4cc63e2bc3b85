/*
 * The write window (docs/record-replay.md, "Exact asynchronous
 * landmarks"): while recording or replaying, all guest RAM is
 * write-protected in stage 2 except a window of the WW_PAGES pages that
 * joined it last. A guest write outside the window exits; the page joins
 * the window and the page that joined longest ago leaves it, protected
 * again. These exits are landmarks: the window changes only at landmarks,
 * so replay meets the same exits at the same instructions.
 *
 * Two things follow. Between two landmarks the guest can change memory
 * only in the window's pages, so the state at an asynchronous landmark is
 * the state at the landmark before it plus the registers and the window's
 * contents, which a state hash covers exactly. And a loop that sweeps
 * memory makes a landmark every page, so interrupts that come due in it
 * are delivered within a page's worth of stores.
 *
 * The window is also the dirty-page tracking of state digests: a page is
 * dirty from the moment it joins the window until the first digest after
 * it left. Pages the T bit marks (guest page tables) stay under the T
 * bit's protection, never the window's.
 */
#ifndef UNDERSTUDY_HV_RR_WRITE_WINDOW_H
#define UNDERSTUDY_HV_RR_WRITE_WINDOW_H

#include "hv/vm.h"

#define WW_PAGES 16 /* pages writable at once */

struct write_window_stats {
	u64 faults;    /* writes outside the window (landmarks) */
	u64 evictions; /* pages that left the window, protected again */
};

struct write_window {
	u64 npages;
	u64 slot[WW_PAGES]; /* the window's pages, oldest at head */
	unsigned count, head;
	u8 *in_window;      /* per guest page: 1 while in the window */
	u64 *dirty;         /* bit p: page p may have changed since the last digest */
	struct write_window_stats stats;
	const struct vm *stopped_for; /* ww_stop: ww_init on this VM reuses the maps */
};

/* Protects all guest RAM and starts with an empty window. Pages below
 * written_end (what the loader wrote) start dirty; the rest is known to be
 * zero. 0 or -ENOMEM (reported). */
int ww_init(struct vm *vm, u64 written_end);

/* The guest runs on without record or replay (hv/ft_join.c): every RAM
 * page writable again, no window (after tbit_stop). */
void ww_stop(struct vm *vm);

/* Empties the window (its pages protected again), as ww_init leaves it:
 * where a snapshot is taken while recording, so that the recording, a
 * replay from the start and a replay from the snapshot all go on from the
 * same window. Dirty pages stay dirty. */
void ww_empty(struct vm *vm);

/* A guest write outside the window: the window's to handle (a landmark). */
bool ww_exit_is_ours(struct vm *vm, const struct vexit *e);
void ww_handle_exit(struct vm *vm, const struct vexit *e);

/* The stage-2 rights a page has when the T bit stops protecting it:
 * writable only while it is in the window. */
u32 ww_plain_prot(const struct vm *vm, u64 page);

/* note(page) is told of every page the guest starts writing (it joins
 * the window, or a T-bit step wrote it): how ft=auto's primary counts
 * what a checkpoint epoch would send (hv/ft_auto_primary.c). NULL: none. */
void ww_observe_writes(void (*note)(u64 page));

/* Is page one of the window's now? */
bool ww_contains(const struct vm *vm, u64 page);

/* A page written behind the window's back (a T-bit step): dirty. */
void ww_note(struct vm *vm, u64 page);

/* Digests: the pages that may have changed since the last digest (a
 * bitmap, NULL without a window), and the digest taken: only pages still
 * in the window stay dirty. */
const u64 *ww_dirty_bits(const struct vm *vm);
void ww_digest_taken(struct vm *vm);

/* A hash of the window's pages (numbers and contents) in window order:
 * what may differ between two moments with no landmark between them. */
u64 ww_contents_hash(const struct vm *vm);

#endif
