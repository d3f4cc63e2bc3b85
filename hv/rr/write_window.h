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

/* The window's size. A recording takes the larger where the CPU keeps
 * stage-2 dirty flags under the window (NPT), the smaller where it does
 * not (EPT, whose A/D flags the window keeps off): without them every
 * probe hashes the whole window and every delivery logs it. The log's
 * header says which; a replay takes the log's. */
#define WW_PAGES 128               /* the most pages writable at once (array sizes) */
#define WW_PAGES_WITH_FLAGS 128    /* a Linux kernel's working set fits */
#define WW_PAGES_WITHOUT_FLAGS 16
#define WW_PAGES_LEGACY 16         /* what logs before format version 5 used */

struct write_window_stats {
	u64 faults;    /* writes outside the window (landmarks) */
	u64 evictions; /* pages that left the window, protected again */
	u64 takes;     /* ww_take_written calls */
	u64 pages_taken, pages_offered; /* pages it gave, pages the window held then */
};

/* Whether the CPU's stage-2 dirty flags tell which window pages the guest
 * wrote (ww_take_written): not known until a page that joined the window
 * is seen with its flag set (proven), or WW_FLAGS_TRIES of them without
 * (absent: EPT without A/D, which the window keeps off). */
enum ww_dirty_flags { WW_FLAGS_UNKNOWN, WW_FLAGS_PROVEN, WW_FLAGS_ABSENT };
#define WW_FLAGS_TRIES 64 /* joined pages seen without a flag: absent */

/* What the dirty flags said of a window page (its written bits). */
#define WW_SINCE_LANDMARK (1u << 0) /* written since the last landmark or take */
#define WW_SINCE_MARK (1u << 1)     /* written since the last ww_mark */

struct write_window {
	u64 npages;
	unsigned size;      /* pages writable at once: WW_PAGES at most */
	u64 slot[WW_PAGES]; /* the window's pages, oldest at head */
	u64 *leaf[WW_PAGES];  /* each one's stage-2 leaf entry (its dirty flag) */
	u8 written[WW_PAGES]; /* WW_SINCE_* */
	bool joined[WW_PAGES]; /* joined since the flags were last read */
	unsigned count, head;
	u32 unproven;       /* joined pages seen without their flag, while unknown */
	enum ww_dirty_flags flags;
	u8 *in_window;      /* per guest page: 1 while in the window */
	u64 *dirty;         /* bit p: page p may have changed since the last digest */
	struct write_window_stats stats;
	const struct vm *stopped_for; /* ww_stop: ww_init on this VM reuses the maps */
};

/* Protects all guest RAM and starts with an empty window. Pages below
 * written_end (what the loader wrote) start dirty; the rest is known to be
 * zero. 0 or -ENOMEM (reported). */
int ww_init(struct vm *vm, u64 written_end);

/* The window's size for a replay: the log's (WW_PAGES at most), set
 * before the guest runs. 0 or -EINVAL (reported by the caller). */
int ww_set_size(struct vm *vm, unsigned pages);

/* The window's i-th page, oldest first (i < w->count). */
u64 ww_page_at(const struct write_window *w, unsigned i);

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

/*
 * The window's pages the guest may have written since the last landmark
 * or the last call, whichever came last, into pages[] (WW_PAGES of room);
 * their count. Where the CPU keeps stage-2 dirty flags for them (NPT
 * always) and they are proven, these are the pages whose flag was set:
 * the window reads and clears the flags at each of its faults (which
 * flush stage 2 anyway) and here (flushing it, so that a translation
 * cached as dirty cannot write without setting the flag again).
 * Elsewhere, while the dirty log (which clears the same flags) runs, and
 * until the flags are proven, all of the window's pages. What an
 * asynchronous delivery logs (hv/rr/rr_async.c): any superset of the
 * pages written since the landmark or delivery before gives replay the
 * recorded memory.
 */
unsigned ww_take_written(struct vm *vm, u64 *pages);

/* A mark to measure writes from (a probe's start, a delivery): true when
 * the dirty flags will tell (ww_written_since_mark), false when only the
 * memory hash can. */
bool ww_mark(struct vm *vm);

/* Has the guest written a window page since ww_mark (which said true)?
 * True too when the flags can no longer tell (the dirty log began). */
bool ww_written_since_mark(struct vm *vm);

/* "proven", "absent" or "unknown": what the window knows of the flags. */
const char *ww_dirty_flags_name(const struct vm *vm);

/* A hash of the window's pages (numbers and contents) in window order:
 * what may differ between two moments with no landmark between them. */
u64 ww_contents_hash(const struct vm *vm);

#endif
