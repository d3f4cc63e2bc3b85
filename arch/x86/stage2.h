/*
 * Guest-physical -> host-physical translation tables (Intel EPT, AMD NPT):
 * one 4-level radix-table engine, with the entry format supplied by the
 * backend. Pure code over an allocation callback (host-tested). Leaves are
 * 4 KiB pages, so any single page can be protected or traced; the write
 * right can also be withheld for a whole 2 MiB region at the directory
 * entry above its leaves (one entry write).
 */
#ifndef UNDERSTUDY_ARCH_X86_STAGE2_H
#define UNDERSTUDY_ARCH_X86_STAGE2_H

#include "arch/x86/paging.h"
#include "types.h"

/* Access rights and software flags of a guest-physical page. */
#define S2_R (1u << 0)
#define S2_W (1u << 1)
#define S2_X (1u << 2)
#define S2_RWX (S2_R | S2_W | S2_X)
#define S2_TBIT (1u << 3)     /* software: the page holds guest page tables */
#define S2_ACCESSED (1u << 4) /* hardware A flag, where the format has one */
#define S2_DIRTY (1u << 5)    /* hardware D flag, where the format has one */

#define S2_MAX_GPA (1ULL << 48) /* 4-level tables: 48-bit guest-physical space */
#define S2_REGION_SIZE (PAGE_SIZE_4K * PT_ENTRIES) /* 2 MiB: one leaf table's span */

/* How one backend encodes entries. */
struct stage2_format {
	const char *name;
	u64 (*table_entry)(u64 table_hpa);  /* non-leaf entry */
	u64 (*leaf_entry)(u64 hpa, u32 prot); /* 4 KiB leaf */
	bool (*is_present)(u64 entry);      /* the entry maps or points anywhere */
	u64 (*entry_hpa)(u64 entry);
	u32 (*entry_prot)(u64 entry);       /* S2_* of a leaf */
	u64 accessed_bit, dirty_bit;        /* 0 when the format has none */
	u64 table_write_bit;                /* W of a non-leaf entry: clear, no write below */
	bool ad_walk_is_write;              /* with A/D on, guest page-table walks are writes */
};

struct stage2 {
	const struct stage2_format *fmt;
	const struct pt_alloc *alloc;
	u64 root;          /* host-physical address of the top-level table */
	u64 table_pages;   /* tables allocated so far */
};

int stage2_init(struct stage2 *s, const struct stage2_format *fmt, const struct pt_alloc *a);

/* Maps [gpa, gpa+size) to [hpa, ...) with prot, replacing earlier mappings.
 * gpa, hpa and size are 4 KiB aligned. 0, -EINVAL or -ENOMEM (the pages
 * before the failure stay mapped; mapping again completes the range). */
int stage2_map(struct stage2 *s, u64 gpa, u64 hpa, u64 size, u32 prot);

/* Removes every mapping in the range (tables stay allocated). */
int stage2_unmap(struct stage2 *s, u64 gpa, u64 size);

/* Changes the rights of every mapped page in the range, keeping their
 * accessed/dirty flags; -ENOENT if one of them is not mapped (pages before
 * it are already changed). */
int stage2_protect(struct stage2 *s, u64 gpa, u64 size, u32 prot);

/* Translation of gpa: 0 with *hpa (the page's address plus offset) and
 * *prot, or -ENOENT. */
int stage2_lookup(const struct stage2 *s, u64 gpa, u64 *hpa, u32 *prot);

/* The rights a guest access to gpa gets: the leaf's, less S2_W where an
 * entry above it withholds writes (stage2_protect_region); 0 with *hpa and
 * *prot, or -ENOENT. stage2_lookup gives the leaf's own. */
int stage2_access(const struct stage2 *s, u64 gpa, u64 *hpa, u32 *prot);

/* Withholds (writable false) or gives back the write right for the whole
 * 2 MiB region at gpa in the directory entry over its leaves, which keep
 * their own rights. 0, -EINVAL (gpa not 2 MiB aligned) or -ENOENT (no
 * leaf table there). The caller flushes the TLB. */
int stage2_protect_region(struct stage2 *s, u64 gpa, bool writable);

/* Clears the format's accessed/dirty bits given in flags (S2_ACCESSED,
 * S2_DIRTY) on gpa's leaf; returns which of them were set, or -ENOENT. */
int stage2_test_and_clear(struct stage2 *s, u64 gpa, u32 flags);

/* gpa's present leaf entry, or NULL: for a caller that tests and clears
 * the format's dirty bit (fmt->dirty_bit) of a page many times (the
 * write window). Tables are never freed, so the pointer stays valid. */
u64 *stage2_leaf(struct stage2 *s, u64 gpa);

/* Sets the format's accessed/dirty bits given in flags on gpa's leaf, as a
 * CPU does on an access (host tests' fake CPU); returns which of them were
 * set before, or -ENOENT. */
int stage2_set_flags(struct stage2 *s, u64 gpa, u32 flags);

/* Clears the dirty bit of every mapped leaf in [gpa, gpa+size) and calls
 * fn(ctx, page_gpa) for each leaf that had it; returns the leaves scanned.
 * A leaf table is walked once for its 512 entries. @pre gpa and size are
 * 2 MiB aligned. */
u64 stage2_scan_dirty(struct stage2 *s, u64 gpa, u64 size, void (*fn)(void *ctx, u64 gpa),
		      void *ctx);

#endif
