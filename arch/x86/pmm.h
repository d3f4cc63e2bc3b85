/*
 * Physical page allocator: one bit per 4 KiB page frame (1 = free) over
 * [0, npages). Pure code over a caller-provided bitmap, so the host tests it.
 */
#ifndef UNDERSTUDY_ARCH_X86_PMM_H
#define UNDERSTUDY_ARCH_X86_PMM_H

#include "types.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096ULL

struct pmm {
	u64 *bitmap;
	u64 npages;
	u64 free_pages;
	u64 hint; /* where the next search starts */
};

/* Bytes of bitmap needed to track npages frames. */
static inline u64 pmm_bitmap_bytes(u64 npages)
{
	return (npages + 63) / 64 * 8;
}

/* Starts with every frame in use. @pre bitmap holds pmm_bitmap_bytes(npages). */
void pmm_init(struct pmm *p, u64 *bitmap, u64 npages);

/* Marks the whole pages inside [base, base+len) free. */
void pmm_add_free(struct pmm *p, u64 base, u64 len);

/* Marks every page touching [base, base+len) in use. */
void pmm_reserve(struct pmm *p, u64 base, u64 len);

/*
 * Allocates npages contiguous frames whose first frame number is a multiple
 * of align_pages (a power of two). Returns 0 and the address in *out, or
 * -ENOMEM.
 */
int pmm_alloc(struct pmm *p, u64 npages, u64 align_pages, u64 *out);

/* Frees frames from pmm_alloc; -EINVAL if any of them is already free or
 * outside the map (a double free is refused, not absorbed). */
int pmm_free(struct pmm *p, u64 addr, u64 npages);

bool pmm_is_free(const struct pmm *p, u64 addr);

#endif
