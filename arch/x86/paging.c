/* Host page-table builder (see paging.h). */
#include "arch/x86/paging.h"

#include "arch/x86/regs.h"
#include "errno.h"

enum block_kind { BLOCK_NONE, BLOCK_RAM, BLOCK_MIXED };

/* Bytes covered by one entry at level (1 = PT ... 4 = PML4). */
static u64 level_size(int level)
{
	return 1ULL << (12 + 9 * (level - 1));
}

static unsigned level_index(u64 va, int level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

static bool is_ram_type(u32 type)
{
	return type == MEM_USABLE || type == MEM_ACPI_RECLAIMABLE || type == MEM_ACPI_NVS;
}

static bool overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* Is [base, base+size) all RAM, no RAM, or a mix (or touching the image)? */
static enum block_kind classify(const struct paging_layout *l, u64 base, u64 size)
{
	u64 covered = 0;
	bool any = false;

	if (overlaps(base, size, l->text_start, l->image_end - l->text_start) || base == 0)
		return BLOCK_MIXED; /* the image and page 0 need 4 KiB pages */
	for (unsigned i = 0; i < l->mem_count; i++) {
		const struct mem_region *r = &l->mem[i];
		u64 lo, hi;

		if (!is_ram_type(r->type) || !overlaps(base, size, r->base, r->length))
			continue;
		lo = r->base > base ? r->base : base;
		hi = r->base + r->length < base + size ? r->base + r->length : base + size;
		covered += hi - lo; /* regions do not overlap in sane maps */
		any = true;
	}
	if (!any)
		return BLOCK_NONE;
	return covered >= size ? BLOCK_RAM : BLOCK_MIXED;
}

/* Leaf permissions for one 4 KiB page of the image (SDM Vol 3, 4.6 "Access
 * Rights"). */
static u64 image_page_flags(const struct paging_layout *l, u64 pa)
{
	u64 nx = l->nx ? PTE_NX : 0;

	if (pa < l->text_end)
		return PTE_P | PTE_G;
	if (pa < l->rodata_end)
		return PTE_P | PTE_G | nx;
	return PTE_P | PTE_W | PTE_G | nx;
}

/* Leaf flags for a block or page of the given kind; 0 = leave unmapped. */
static u64 leaf_flags(const struct paging_layout *l, u64 pa, u64 size, enum block_kind kind)
{
	u64 nx = l->nx ? PTE_NX : 0;

	if (pa == 0)
		return 0; /* page 0 stays unmapped to catch NULL dereferences */
	if (size == PAGE_SIZE_4K && pa >= l->text_start && pa < l->image_end)
		return image_page_flags(l, pa);
	if (kind == BLOCK_RAM || kind == BLOCK_MIXED)
		return PTE_P | PTE_W | PTE_G | nx; /* a partly-RAM page is RAM */
	if (pa < l->low_limit)
		return PTE_P | PTE_W | PTE_G | PTE_PCD | PTE_PWT | nx; /* UC */
	return 0;
}

static u64 *table_of(const struct pt_alloc *a, u64 entry)
{
	return a->to_virt(a->ctx, entry & PTE_ADDR_MASK);
}

/* Fills the table covering [base, base + 512 * level_size(level)). */
static int fill_table(const struct paging_layout *l, const struct pt_alloc *a, u64 *table,
		      int level, u64 base, u64 limit)
{
	u64 size = level_size(level);

	for (unsigned i = 0; i < PT_ENTRIES && base + i * size < limit; i++) {
		u64 pa = base + i * size;
		enum block_kind kind = classify(l, pa, size);
		bool large_ok = level == 1 || level == 2 || (level == 3 && l->gb_pages);
		u64 sub;
		int err;

		if (kind == BLOCK_NONE && pa >= l->low_limit)
			continue;
		if (large_ok && kind != BLOCK_MIXED) {
			u64 flags = leaf_flags(l, pa, size, kind);

			if (flags)
				table[i] = pa | flags | (level > 1 ? PTE_PS : 0);
			continue;
		}
		if (level == 1) { /* a mixed 4 KiB page */
			u64 flags = leaf_flags(l, pa, size, BLOCK_MIXED);

			if (flags)
				table[i] = pa | flags;
			continue;
		}
		err = a->alloc_page(a->ctx, &sub);
		if (err)
			return err;
		table[i] = sub | PTE_P | PTE_W;
		err = fill_table(l, a, table_of(a, table[i]), level - 1, pa, limit);
		if (err)
			return err;
	}
	return 0;
}

static u64 map_limit(const struct paging_layout *l)
{
	u64 limit = l->low_limit;

	for (unsigned i = 0; i < l->mem_count; i++) {
		u64 end = l->mem[i].base + l->mem[i].length;

		if (is_ram_type(l->mem[i].type) && end > limit)
			limit = end;
	}
	return limit;
}

int paging_build(const struct paging_layout *l, const struct pt_alloc *a, u64 *root)
{
	u64 limit = map_limit(l);
	int err;

	if (limit > level_size(PT_LEVELS) * PT_ENTRIES / 2)
		limit = level_size(PT_LEVELS) * PT_ENTRIES / 2; /* lower canonical half */
	err = a->alloc_page(a->ctx, root);
	if (err)
		return err;
	return fill_table(l, a, a->to_virt(a->ctx, *root), PT_LEVELS, 0, limit);
}

/* Makes sure the entry at level for va exists as a table; returns it. */
static int ensure_table(const struct pt_alloc *a, u64 *entry, u64 **next)
{
	if (!(*entry & PTE_P)) {
		u64 page;
		int err = a->alloc_page(a->ctx, &page);

		if (err)
			return err;
		*entry = page | PTE_P | PTE_W;
	}
	*next = table_of(a, *entry);
	return 0;
}

int paging_map_uncached(u64 root, const struct pt_alloc *a, u64 base, u64 size)
{
	u64 start = base & ~(PAGE_SIZE_4K - 1);
	u64 end = (base + size + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);

	for (u64 va = start; va < end; va += PAGE_SIZE_4K) {
		u64 *table = a->to_virt(a->ctx, root);
		int level;

		for (level = PT_LEVELS; level > 1; level--) {
			u64 *entry = &table[level_index(va, level)];
			int err;

			if ((*entry & PTE_P) && (*entry & PTE_PS))
				break; /* already covered by a large page */
			err = ensure_table(a, entry, &table);
			if (err)
				return err;
		}
		if (level == 1 && !(table[level_index(va, 1)] & PTE_P))
			table[level_index(va, 1)] = va | PTE_P | PTE_W | PTE_PCD | PTE_PWT;
	}
	return 0;
}

int paging_walk(u64 root, const struct pt_alloc *a, u64 va, u64 *pte, u64 *page_size)
{
	u64 *table = a->to_virt(a->ctx, root);

	for (int level = PT_LEVELS; level >= 1; level--) {
		u64 e = table[level_index(va, level)];

		if (!(e & PTE_P))
			return -ENOENT;
		if (level == 1 || (e & PTE_PS)) {
			*pte = e;
			*page_size = level_size(level);
			return 0;
		}
		table = table_of(a, e);
	}
	return -ENOENT;
}
