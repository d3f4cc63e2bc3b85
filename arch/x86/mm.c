/* Boot-time memory setup: allocator over the memory map, then page tables. */
#include "arch/x86/mm.h"

#include <string.h>

#include "arch/x86/cpu.h"
#include "errno.h"
#include "log.h"

#define EARLY_MAP_LIMIT GiB(4) /* boot/entry.S maps the first 4 GiB */
#define LOW_MEMORY_END MiB(1)  /* BIOS data, real-mode IVT, option ROMs */
#define MAX_RESERVED 8 + BOOT_MAX_MODULES

/* CPUID 80000001H EDX feature bits (SDM Vol 2A, CPUID). */
#define CPUID_EXT_NX (1u << 20)
#define CPUID_EXT_PAGE1GB (1u << 26)

extern u8 __image_start[], __text_end[], __rodata_end[], __image_end[];

struct reserved_range {
	u64 base, len;
	const char *what;
};

static struct pmm kernel_pmm;
static u64 usable_bytes;
static u64 kernel_cr3;
static struct reserved_range reserved[MAX_RESERVED];
static unsigned reserved_count;

static void add_reserved(u64 base, u64 len, const char *what)
{
	if (reserved_count < MAX_RESERVED && len)
		reserved[reserved_count++] = (struct reserved_range){ base, len, what };
}

static bool hits_reserved(u64 base, u64 len, u64 *past)
{
	for (unsigned i = 0; i < reserved_count; i++) {
		const struct reserved_range *r = &reserved[i];

		if (base < r->base + r->len && r->base < base + len) {
			*past = r->base + r->len;
			return true;
		}
	}
	return false;
}

/* Finds room for the allocator bitmap in usable RAM below the early map's
 * limit, away from every reserved range. */
static int place_bitmap(const struct boot_info *bi, u64 bytes, u64 *where)
{
	for (unsigned i = 0; i < bi->mem_count; i++) {
		const struct mem_region *r = &bi->mem[i];
		u64 pos = ALIGN_UP(MAX(r->base, LOW_MEMORY_END), PAGE_SIZE);
		u64 end = MIN(r->base + r->length, EARLY_MAP_LIMIT);
		u64 past;

		if (r->type != MEM_USABLE)
			continue;
		while (pos + bytes <= end) {
			if (!hits_reserved(pos, bytes, &past)) {
				*where = pos;
				return 0;
			}
			pos = ALIGN_UP(past, PAGE_SIZE);
		}
	}
	return -ENOMEM;
}

static u64 top_of_usable(const struct boot_info *bi)
{
	u64 top = 0;

	for (unsigned i = 0; i < bi->mem_count; i++)
		if (bi->mem[i].type == MEM_USABLE)
			top = MAX(top, bi->mem[i].base + bi->mem[i].length);
	return top;
}

static void collect_reserved(const struct boot_info *bi)
{
	add_reserved(0, LOW_MEMORY_END, "low memory (BIOS, real-mode structures)");
	add_reserved((u64)(uptr)__image_start, (u64)(uptr)(__image_end - __image_start),
		     "understudy image");
	add_reserved(bi->info_phys, bi->info_size, "boot information");
	for (unsigned i = 0; i < bi->module_count; i++)
		add_reserved(bi->modules[i].start, bi->modules[i].end - bi->modules[i].start,
			     "boot module");
}

int mm_init(const struct boot_info *bi)
{
	u64 npages, bytes, bitmap;
	int err;

	if (bi->mem_count == 0) {
		pr_err("mm: the boot loader gave no memory map");
		return -ENODATA;
	}
	collect_reserved(bi);
	npages = top_of_usable(bi) >> PAGE_SHIFT;
	bytes = pmm_bitmap_bytes(npages);
	err = place_bitmap(bi, bytes, &bitmap);
	if (err) {
		pr_err("mm: no room below 4 GiB for a %llu-byte page bitmap",
		       bytes);
		return err;
	}
	add_reserved(bitmap, bytes, "page allocator bitmap");
	pmm_init(&kernel_pmm, phys_to_virt(bitmap), npages);
	for (unsigned i = 0; i < bi->mem_count; i++)
		if (bi->mem[i].type == MEM_USABLE) {
			pmm_add_free(&kernel_pmm, bi->mem[i].base, bi->mem[i].length);
			usable_bytes += bi->mem[i].length;
		}
	for (unsigned i = 0; i < bi->mem_count; i++) /* overlapping non-RAM wins */
		if (bi->mem[i].type != MEM_USABLE)
			pmm_reserve(&kernel_pmm, bi->mem[i].base, bi->mem[i].length);
	for (unsigned i = 0; i < reserved_count; i++) {
		pmm_reserve(&kernel_pmm, reserved[i].base, reserved[i].len);
		pr_debug("mm: reserved %#014llx-%#014llx %s", reserved[i].base,
			 (reserved[i].base + reserved[i].len),
			 reserved[i].what);
	}
	pr_info("mm: %llu MiB usable RAM, %llu MiB free for the hypervisor and its guest",
		(usable_bytes >> 20),
		(kernel_pmm.free_pages * PAGE_SIZE >> 20));
	return 0;
}

int page_alloc(u64 npages, u64 align_pages, phys_addr_t *out)
{
	int err = pmm_alloc(&kernel_pmm, npages, align_pages, out);

	if (!err)
		memset(phys_to_virt(*out), 0, npages * PAGE_SIZE);
	return err;
}

int page_free(phys_addr_t addr, u64 npages)
{
	return pmm_free(&kernel_pmm, addr, npages);
}

static int pt_alloc_page(void *ctx, u64 *phys)
{
	(void)ctx;
	return page_alloc(1, 1, phys);
}

static void *pt_to_virt(void *ctx, u64 phys)
{
	(void)ctx;
	return phys_to_virt(phys);
}

static const struct pt_alloc kernel_pt_alloc = { NULL, pt_alloc_page, pt_to_virt };

int mm_paging_init(const struct boot_info *bi)
{
	u32 ext_edx = cpuid(0x80000001).edx;
	struct paging_layout l = {
		.mem = bi->mem,
		.mem_count = bi->mem_count,
		.text_start = (u64)(uptr)__image_start,
		.text_end = (u64)(uptr)__text_end,
		.rodata_end = (u64)(uptr)__rodata_end,
		.image_end = (u64)(uptr)__image_end,
		.low_limit = GiB(4),
		.nx = ext_edx & CPUID_EXT_NX,
		.gb_pages = ext_edx & CPUID_EXT_PAGE1GB,
	};
	int err;

	if (l.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	err = paging_build(&l, &kernel_pt_alloc, &kernel_cr3);
	if (err)
		return err;
	write_cr4(read_cr4() | CR4_PGE);
	write_cr3(kernel_cr3);
	pr_info("paging: RAM write-back, other space below 4 GiB uncached, %s pages, NX %s",
		l.gb_pages ? "1 GiB/2 MiB" : "2 MiB", l.nx ? "on data" : "unavailable");
	return 0;
}

/* Mapping device memory must flush the whole TLB for global and non-global
 * entries alike: toggling CR4.PGE does that (SDM Vol 3, 4.10.4.1
 * "Operations that Invalidate TLBs and Paging-Structure Caches"). */
int mm_map_mmio(phys_addr_t base, u64 size)
{
	int err = paging_map_uncached(kernel_cr3, &kernel_pt_alloc, base, size);
	u64 cr4 = read_cr4();

	write_cr4(cr4 & ~(u64)CR4_PGE);
	write_cr4(cr4);
	return err;
}

int mm_walk(u64 va, u64 *pte, u64 *page_size)
{
	return paging_walk(kernel_cr3, &kernel_pt_alloc, va, pte, page_size);
}

u64 mm_free_pages(void)
{
	return kernel_pmm.free_pages;
}

u64 mm_total_usable_bytes(void)
{
	return usable_bytes;
}
