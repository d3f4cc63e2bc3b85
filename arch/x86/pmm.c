/* Bitmap page-frame allocator (see pmm.h). */
#include "arch/x86/pmm.h"

#include <string.h>

#include "errno.h"

static bool frame_free(const struct pmm *p, u64 pfn)
{
	return p->bitmap[pfn / 64] >> (pfn % 64) & 1;
}

static void set_frame(struct pmm *p, u64 pfn, bool free)
{
	u64 bit = 1ULL << (pfn % 64);

	if (free == frame_free(p, pfn))
		return;
	if (free) {
		p->bitmap[pfn / 64] |= bit;
		p->free_pages++;
	} else {
		p->bitmap[pfn / 64] &= ~bit;
		p->free_pages--;
	}
}

void pmm_init(struct pmm *p, u64 *bitmap, u64 npages)
{
	p->bitmap = bitmap;
	p->npages = npages;
	p->free_pages = 0;
	p->hint = 0;
	memset(bitmap, 0, pmm_bitmap_bytes(npages));
}

void pmm_add_free(struct pmm *p, u64 base, u64 len)
{
	u64 first = (base >> PAGE_SHIFT) + !!(base & (PAGE_SIZE - 1)); /* no wrap */
	u64 end = (base + len) >> PAGE_SHIFT;

	if (base + len < base)
		end = UINT64_MAX >> PAGE_SHIFT;
	if (end > p->npages)
		end = p->npages;
	for (u64 pfn = first; pfn < end; pfn++)
		set_frame(p, pfn, true);
}

void pmm_reserve(struct pmm *p, u64 base, u64 len)
{
	u64 first = base >> PAGE_SHIFT;
	u64 end = (base + len + PAGE_SIZE - 1) >> PAGE_SHIFT;

	if (len == 0)
		return;
	if (base + len < base || base + len > UINT64_MAX - (PAGE_SIZE - 1))
		end = UINT64_MAX >> PAGE_SHIFT; /* the end or its round-up wraps */
	if (end > p->npages)
		end = p->npages;
	for (u64 pfn = first; pfn < end; pfn++)
		set_frame(p, pfn, false);
}

/* Length of the free run starting at pfn, stopping once it reaches want. */
static u64 free_run(const struct pmm *p, u64 pfn, u64 want)
{
	u64 n = 0;

	while (n < want && pfn + n < p->npages && frame_free(p, pfn + n))
		n++;
	return n;
}

/* First-fit search of [from, to) for an aligned run of npages. */
static bool search(const struct pmm *p, u64 from, u64 to, u64 npages, u64 align, u64 *found)
{
	u64 pfn = (from + align - 1) & ~(align - 1);

	while (pfn < to && pfn + npages <= p->npages) {
		u64 run;

		if (align == 1 && p->bitmap[pfn / 64] == 0) {
			pfn = (pfn | 63) + 1; /* skip a fully used word */
			continue;
		}
		run = free_run(p, pfn, npages);
		if (run == npages) {
			*found = pfn;
			return true;
		}
		pfn = (pfn + run + 1 + align - 1) & ~(align - 1);
	}
	return false;
}

int pmm_alloc(struct pmm *p, u64 npages, u64 align_pages, u64 *out)
{
	u64 pfn;

	if (npages == 0 || align_pages == 0 || (align_pages & (align_pages - 1)) ||
	    npages > p->free_pages)
		return -ENOMEM;
	if (!search(p, p->hint, p->npages, npages, align_pages, &pfn) &&
	    !search(p, 0, p->hint, npages, align_pages, &pfn))
		return -ENOMEM;
	for (u64 i = 0; i < npages; i++)
		set_frame(p, pfn + i, false);
	p->hint = pfn + npages;
	*out = pfn << PAGE_SHIFT;
	return 0;
}

int pmm_free(struct pmm *p, u64 addr, u64 npages)
{
	u64 pfn = addr >> PAGE_SHIFT;

	if (addr & (PAGE_SIZE - 1) || npages == 0 || pfn >= p->npages ||
	    npages > p->npages - pfn)
		return -EINVAL;
	for (u64 i = 0; i < npages; i++)
		if (frame_free(p, pfn + i))
			return -EINVAL;
	for (u64 i = 0; i < npages; i++)
		set_frame(p, pfn + i, true);
	return 0;
}

bool pmm_is_free(const struct pmm *p, u64 addr)
{
	u64 pfn = addr >> PAGE_SHIFT;

	return pfn < p->npages && frame_free(p, pfn);
}
