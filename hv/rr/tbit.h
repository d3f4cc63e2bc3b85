/*
 * The T bit (docs/record-replay.md, "The T bit"): every page the guest uses
 * as a page table is marked with a software bit in its stage-2 entry and
 * write-protected. A guest write to one is let through for exactly one
 * instruction (single-stepped), then the page is protected again and the
 * guest's TLB is flushed, so no execution depends on whether a stale
 * translation happened to be cached. The marked set is recomputed from the
 * guest's paging structures at every CR0/CR3/CR4 write and extended when a
 * write into a table adds child tables.
 */
#ifndef UNDERSTUDY_HV_RR_TBIT_H
#define UNDERSTUDY_HV_RR_TBIT_H

#include "hv/vm.h"

struct tbit_stats {
	u64 rescans;        /* full walks from CR3 */
	u64 marked;         /* pages marked now */
	u64 write_exits;    /* guest writes to marked pages (incl. A/D updates) */
	u64 step_exits;     /* single-step exits that completed them */
	u64 aborted_steps;  /* steps another exit interrupted */
	u64 guest_flushes;  /* guest TLB flushes the T bit caused */
	u64 scan_overflows; /* walks that found more tables than fit */
};

struct pt_scan_scratch;

struct tbit_state {
	u8 *mark;           /* per guest page: bit L-1 = used as a level-L table */
	u8 *next;           /* the same, being built by a rescan */
	u64 npages;
	struct pt_scan_scratch *scratch;
	bool stepping;
	u64 step_page;
	const struct vm *stopped_for; /* tbit_stop: tbit_init on this VM reuses the maps */
	struct tbit_stats stats;
};

/* Turns the T bit on for vm: tbit=on, or a recording or replay whose log
 * has it (rr->tbit: tbit_for_recording, or the replayed log's header). */
struct boot_info;
struct config;
int tbit_init(struct vm *vm, const struct config *cfg);

/* A recording's choice: tbit=on|off as given; tbit=auto turns it on for a
 * Multiboot kernel and off for Linux, which invalidates its TLB after
 * changing a present translation as the architecture requires (and whose
 * page-table writes, each an exit and a single step, would cost minutes;
 * docs/linux-guest.md). */
bool tbit_for_recording(const struct boot_info *bi, const struct config *cfg);

/* The guest runs on without record or replay (hv/ft_join.c: a side alone
 * whose migration tracks dirty pages itself): the T bit lets go of CR3
 * exits and its marks (ww_stop gives every page its rights back); false,
 * not stopped, while a step is under way. */
bool tbit_stop(struct vm *vm);

/* Exits the T bit owns: writes to marked pages and the single steps that
 * complete them. They are not guest-caused: they never count as landmarks. */
bool tbit_exit_is_ours(struct vm *vm, const struct vexit *e);
void tbit_handle_exit(struct vm *vm, const struct vexit *e);

/* Called before any other exit is dispatched: an unfinished step ends. */
void tbit_exit_intervened(struct vm *vm);

/* After the guest wrote CR0, CR3 or CR4: the paging structures may have
 * changed; mark them again. */
void tbit_cr_written(struct vm *vm);

void tbit_report(const struct vm *vm);

#endif
