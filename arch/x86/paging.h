/*
 * Builder and walker for the hypervisor's own 4-level page tables (SDM Vol
 * 3, 4.5 "4-Level Paging"). Pure code over an allocation callback, so the
 * host tests the layout it produces.
 */
#ifndef UNDERSTUDY_ARCH_X86_PAGING_H
#define UNDERSTUDY_ARCH_X86_PAGING_H

#include "arch/x86/regs.h"
#include "boot/bootinfo.h"
#include "types.h"

#define PT_ENTRIES 512
#define PT_LEVELS 4

/* Page-table pages come from here (the kernel's allocator, or a test's). */
struct pt_alloc {
	void *ctx;
	int (*alloc_page)(void *ctx, u64 *phys); /* zeroed 4 KiB page */
	void *(*to_virt)(void *ctx, u64 phys);
};

/* What to map and how. */
struct paging_layout {
	const struct mem_region *mem;
	unsigned mem_count;
	u64 text_start, text_end; /* R-X */
	u64 rodata_end;           /* [text_end, rodata_end): R--, NX */
	u64 image_end;            /* [rodata_end, image_end): RW-, NX */
	u64 low_limit;            /* below: all mapped, RAM WB and the rest UC */
	bool nx;                  /* EFER.NXE available */
	bool gb_pages;            /* 1 GiB pages available */
};

/*
 * Identity-maps RAM (memory-map types usable, ACPI reclaimable, ACPI NVS)
 * write-back with large pages, everything else below low_limit uncached,
 * page 0 not at all, and the image with per-section permissions. Returns 0
 * with the PML4's physical address, or -ENOMEM.
 */
int paging_build(const struct paging_layout *l, const struct pt_alloc *a, u64 *root);

/*
 * Maps [base, base+size) uncached (device memory) into the tables at root,
 * where not yet mapped. Returns 0 or -ENOMEM.
 */
int paging_map_uncached(u64 root, const struct pt_alloc *a, u64 base, u64 size);

/* Finds the leaf entry translating va; returns 0 with *pte and *page_size,
 * or -ENOENT when va is not mapped. */
int paging_walk(u64 root, const struct pt_alloc *a, u64 va, u64 *pte, u64 *page_size);

#endif
