/* Physical memory of the running hypervisor: the page allocator set up
 * from the boot memory map, and the identity-mapped page tables. */
#ifndef UNDERSTUDY_ARCH_X86_MM_H
#define UNDERSTUDY_ARCH_X86_MM_H

#include "arch/x86/paging.h"
#include "compiler.h"
#include "arch/x86/pmm.h"
#include "boot/bootinfo.h"

/* Sets up the allocator, never handing out the image, the boot information,
 * modules, firmware-reserved ranges or page 0. */
int mm_init(const struct boot_info *bi);

/* Replaces the boot page tables with the final identity map. */
int mm_paging_init(const struct boot_info *bi);

/* Zeroed, contiguous, align_pages-aligned frames; 0 or -ENOMEM. */
int page_alloc(u64 npages, u64 align_pages, phys_addr_t *out);
int page_free(phys_addr_t addr, u64 npages);

/* Maps device memory uncached (LAPIC, IOAPIC, PCI BARs). */
int mm_map_mmio(phys_addr_t base, u64 size);

/* Leaf translation of va in the live page tables, for self-tests. */
int mm_walk(u64 va, u64 *pte, u64 *page_size);

static inline void *phys_to_virt(phys_addr_t pa)
{
	return (void *)(uptr)pa;
}

static inline phys_addr_t virt_to_phys(const void *va)
{
	return (phys_addr_t)(uptr)va;
}

/* Zeroed, contiguous memory for bytes (whole pages), or NULL. */
static inline void *page_alloc_bytes(u64 bytes)
{
	phys_addr_t pa;

	if (page_alloc(ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE, 1, &pa))
		return NULL;
	return phys_to_virt(pa);
}

u64 mm_free_pages(void);
u64 mm_total_usable_bytes(void);

#endif
