/*
 * Finds the guest's paging-structure pages: every table reachable from
 * CR3 in the current paging mode (pt_scan), or the child tables one table
 * points to (pt_scan_children). Record/replay write-protects these pages
 * (the "T bit") so that a guest write to a page table exits and the
 * hypervisor can invalidate the guest's TLB; after such a write it marks
 * the written table's children with pt_scan_children.
 *
 * Same inputs and address-width rules as the walker (hv/guest_walk.h: the
 * control registers, MAXPHYADDR and a read callback), and like it the scan
 * only reads guest memory. Intel SDM Vol 3A: 4.3 "32-Bit Paging", 4.4 "PAE
 * Paging", 4.5 "4-Level Paging and 5-Level Paging". Pure code: the tables
 * are guest-controlled, so the host fuzzes it.
 */
#ifndef UNDERSTUDY_HV_PT_SCAN_H
#define UNDERSTUDY_HV_PT_SCAN_H

#include "hv/guest_walk.h"
#include "types.h"

/* Paging-structure levels as visit callbacks see them. */
#define PT_LEVEL_PT 1   /* page table */
#define PT_LEVEL_PD 2   /* page directory (the CR3 table of 32-bit paging) */
#define PT_LEVEL_PDPT 3 /* PDPT (PAE: the 32-byte PDPT inside its page) */
#define PT_LEVEL_PML4 4
#define PT_LEVEL_PML5 5

/*
 * The set of (page, level) pairs one scan has met: open addressing over
 * PT_SCAN_SLOTS slots, filled to at most PT_SCAN_MAX_TABLES pairs (3/4) so
 * that probes stay short. Each scan clears it first; the caller only
 * provides the memory. At 32 KiB it does not belong on the hypervisor's
 * 16 KiB stack: keep one per vCPU (or per scanning thread) instead.
 */
#define PT_SCAN_SLOTS_SHIFT 12
#define PT_SCAN_SLOTS (1u << PT_SCAN_SLOTS_SHIFT)
#define PT_SCAN_MAX_TABLES (PT_SCAN_SLOTS / 4 * 3)

struct pt_scan_scratch {
	u64 seen[PT_SCAN_SLOTS]; /* 0 = empty, else page | level */
};

/* Counters of one scan (filled in also when it fails or is aborted). */
struct pt_scan_stats {
	u32 tables;           /* visits made (the return value on success) */
	u32 entries_read;     /* entries read from guest memory, probes included */
	u32 reserved_skipped; /* present entries with reserved bits, not followed */
	u32 unreadable;       /* (page, level) pairs whose read failed, not visited */
};

/*
 * Called once per table found: table_gpa is the 4 KiB-aligned page, level
 * one of PT_LEVEL_*. Returning nonzero stops the scan, which returns that
 * value.
 */
typedef int (*pt_scan_visit_fn)(void *ctx, u64 table_gpa, int level);

/*
 * Calls visit(ctx, table_gpa, level) once per paging-structure page reachable
 * from cpu->cr3 in the current paging mode (gw_paging_mode): level 5/4 =
 * PML5/PML4, 3 = PDPT (the PAE PDPT is 32 bytes at CR3[31:5] inside its page:
 * the page is reported), 2 = PD, 1 = PT. Tables are visited before their
 * children (depth first, in entry order).
 *
 * Large pages (PS) end the descent; non-present entries are skipped; entries
 * with reserved bits set (as the walker checks them) are skipped and counted
 * in stats->reserved_skipped. A page reached more than once is visited once
 * per level it is used at: a page used as both PD and PT is reported twice,
 * with each level, never more, so recursive (self-referencing) tables end.
 * A table is read before its visit: one outside guest RAM (the read callback
 * fails) is counted once in stats->unreadable and neither visited nor
 * descended into. Entries of PTs map pages, not tables: a PT is only probed
 * (one entry read).
 *
 * Returns the number of visits; -E2BIG after max_tables visits when there
 * are more tables, or when more than PT_SCAN_MAX_TABLES (page, level) pairs
 * (visited and unreadable ones together) are met; the callback's nonzero
 * value; -EINVAL for a bad phys_bits or a missing callback or scratch.
 * Paging off: visits nothing, returns 0. stats may be NULL.
 */
int pt_scan(const struct gw_cpu *cpu, struct pt_scan_scratch *scratch, unsigned max_tables,
	    pt_scan_visit_fn visit, void *ctx, struct pt_scan_stats *stats);

/*
 * The child tables of the table page at table_gpa (rounded down to 4 KiB)
 * used at level: calls visit(ctx, child_gpa, level - 1) for each present,
 * non-large entry without reserved bits, once per such entry (so twice for
 * a child two entries point to). For use after a guest write to a page
 * pt_scan reported. Level must be a table level of the current mode above
 * 1: 2 in 32-bit paging; 3 or 2 with PAE, where 3 means the 4 PDPTEs at
 * CR3[31:5] and table_gpa must be their page; 4..2 in 4-level and 5..2 in
 * 5-level paging. Children are not read, so some may be outside guest RAM.
 *
 * Returns the number of visits; the callback's nonzero value; the read
 * callback's error when the table is not guest RAM; -EINVAL for a level the
 * mode lacks, a bad phys_bits or a missing callback. Paging off: visits
 * nothing, returns 0.
 */
int pt_scan_children(const struct gw_cpu *cpu, u64 table_gpa, int level,
		     pt_scan_visit_fn visit, void *ctx);

#endif
