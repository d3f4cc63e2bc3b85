/* 4-level guest-physical translation tables (see stage2.h). */
#include "arch/x86/stage2.h"

#include "errno.h"

#define S2_LEVELS 4

_Static_assert(S2_REGION_SIZE == PAGE_SIZE_2M, "a leaf table spans 2 MiB");

static unsigned s2_index(u64 gpa, int level)
{
	return (unsigned)(gpa >> (12 + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

static u64 *s2_table(const struct stage2 *s, u64 hpa)
{
	return s->alloc->to_virt(s->alloc->ctx, hpa);
}

int stage2_init(struct stage2 *s, const struct stage2_format *fmt, const struct pt_alloc *a)
{
	s->fmt = fmt;
	s->alloc = a;
	s->table_pages = 1;
	return a->alloc_page(a->ctx, &s->root);
}

/* Returns the slot for gpa at level stop (1: the 4 KiB leaf, 2: the
 * directory entry over its 2 MiB region), creating tables on the way if
 * create. *upper_w (when given) says whether every entry above the slot
 * grants writes. */
static u64 *slot_at(struct stage2 *s, u64 gpa, int stop, bool create, int *err, bool *upper_w)
{
	u64 *table = s2_table(s, s->root);

	if (upper_w)
		*upper_w = true;
	for (int level = S2_LEVELS; level > stop; level--) {
		u64 *e = &table[s2_index(gpa, level)];

		if (!s->fmt->is_present(*e)) {
			u64 page;

			if (!create) {
				*err = -ENOENT;
				return NULL;
			}
			*err = s->alloc->alloc_page(s->alloc->ctx, &page);
			if (*err)
				return NULL;
			s->table_pages++;
			*e = s->fmt->table_entry(page);
		}
		if (upper_w && !(*e & s->fmt->table_write_bit))
			*upper_w = false;
		table = s2_table(s, s->fmt->entry_hpa(*e));
	}
	*err = 0;
	return &table[s2_index(gpa, stop)];
}

static u64 *leaf_slot(struct stage2 *s, u64 gpa, bool create, int *err)
{
	return slot_at(s, gpa, 1, create, err, NULL);
}

static bool range_ok(u64 gpa, u64 size)
{
	return !(gpa & (PAGE_SIZE_4K - 1)) && !(size & (PAGE_SIZE_4K - 1)) && size &&
	       gpa < S2_MAX_GPA && size <= S2_MAX_GPA - gpa;
}

int stage2_map(struct stage2 *s, u64 gpa, u64 hpa, u64 size, u32 prot)
{
	int err;

	if (!range_ok(gpa, size) || (hpa & (PAGE_SIZE_4K - 1)))
		return -EINVAL;
	for (u64 off = 0; off < size; off += PAGE_SIZE_4K) {
		u64 *slot = leaf_slot(s, gpa + off, true, &err);

		if (!slot)
			return err;
		*slot = s->fmt->leaf_entry(hpa + off, prot);
	}
	return 0;
}

int stage2_unmap(struct stage2 *s, u64 gpa, u64 size)
{
	int err;

	if (!range_ok(gpa, size))
		return -EINVAL;
	for (u64 off = 0; off < size; off += PAGE_SIZE_4K) {
		u64 *slot = leaf_slot(s, gpa + off, false, &err);

		if (slot)
			*slot = 0;
	}
	return 0;
}

int stage2_protect(struct stage2 *s, u64 gpa, u64 size, u32 prot)
{
	int err;

	if (!range_ok(gpa, size))
		return -EINVAL;
	for (u64 off = 0; off < size; off += PAGE_SIZE_4K) {
		u64 *slot = leaf_slot(s, gpa + off, false, &err);

		if (!slot || !s->fmt->is_present(*slot))
			return -ENOENT;
		/* Keep the hardware A/D flags: dirty tracking reads them later. */
		*slot = s->fmt->leaf_entry(s->fmt->entry_hpa(*slot), prot) |
			(*slot & (s->fmt->accessed_bit | s->fmt->dirty_bit));
	}
	return 0;
}

/* The present 4 KiB leaf that maps gpa, or NULL; *upper_w as slot_at. */
static u64 *present_leaf_w(const struct stage2 *s, u64 gpa, bool *upper_w)
{
	int err;
	u64 *slot;

	if (gpa >= S2_MAX_GPA)
		return NULL;
	slot = slot_at((struct stage2 *)s, gpa & ~(PAGE_SIZE_4K - 1), 1, false, &err, upper_w);
	return slot && s->fmt->is_present(*slot) ? slot : NULL;
}

static u64 *present_leaf(const struct stage2 *s, u64 gpa)
{
	return present_leaf_w(s, gpa, NULL);
}

int stage2_lookup(const struct stage2 *s, u64 gpa, u64 *hpa, u32 *prot)
{
	u64 *slot = present_leaf(s, gpa);

	if (!slot)
		return -ENOENT;
	*hpa = s->fmt->entry_hpa(*slot) | (gpa & (PAGE_SIZE_4K - 1));
	*prot = s->fmt->entry_prot(*slot);
	return 0;
}

int stage2_access(const struct stage2 *s, u64 gpa, u64 *hpa, u32 *prot)
{
	bool upper_w;
	u64 *slot = present_leaf_w(s, gpa, &upper_w);

	if (!slot)
		return -ENOENT;
	*hpa = s->fmt->entry_hpa(*slot) | (gpa & (PAGE_SIZE_4K - 1));
	*prot = s->fmt->entry_prot(*slot) & (upper_w ? ~0u : ~S2_W);
	return 0;
}

/* The write right at the directory entry over a 2 MiB region: the CPU
 * grants a write only where every entry of the walk grants it (EPT: SDM
 * Vol 3C 29.3.3.2 "EPT Violations": a write faults where W is clear "in any
 * of the EPT paging-structure entries used to translate"; NPT: APM Vol 2
 * 5.6 "Page-Protection Checks", R/W examined at every level, nested walks
 * being user accesses, 15.25.5 "Nested Table Walk"). */
int stage2_protect_region(struct stage2 *s, u64 gpa, bool writable)
{
	int err;
	u64 *slot;

	if ((gpa & (S2_REGION_SIZE - 1)) || gpa >= S2_MAX_GPA)
		return -EINVAL;
	slot = slot_at(s, gpa, 2, false, &err, NULL);
	if (!slot || !s->fmt->is_present(*slot))
		return -ENOENT;
	if (writable)
		*slot |= s->fmt->table_write_bit;
	else
		*slot &= ~s->fmt->table_write_bit;
	return 0;
}

u64 *stage2_leaf(struct stage2 *s, u64 gpa)
{
	return present_leaf(s, gpa);
}

int stage2_test_and_clear(struct stage2 *s, u64 gpa, u32 flags)
{
	u64 clear = 0;
	int was = 0;
	u64 *slot;

	slot = present_leaf(s, gpa);
	if (!slot)
		return -ENOENT;
	if ((flags & S2_ACCESSED) && s->fmt->accessed_bit) {
		clear |= s->fmt->accessed_bit;
		was |= *slot & s->fmt->accessed_bit ? S2_ACCESSED : 0;
	}
	if ((flags & S2_DIRTY) && s->fmt->dirty_bit) {
		clear |= s->fmt->dirty_bit;
		was |= *slot & s->fmt->dirty_bit ? S2_DIRTY : 0;
	}
	*slot &= ~clear;
	return was;
}

int stage2_set_flags(struct stage2 *s, u64 gpa, u32 flags)
{
	int was;
	u64 *slot;

	slot = present_leaf(s, gpa);
	if (!slot)
		return -ENOENT;
	was = s->fmt->entry_prot(*slot) & (S2_ACCESSED | S2_DIRTY);
	if (flags & S2_ACCESSED)
		*slot |= s->fmt->accessed_bit;
	if (flags & S2_DIRTY)
		*slot |= s->fmt->dirty_bit;
	return was;
}

/* One leaf table's dirty bits, tested and cleared. */
static void scan_leaf_table(struct stage2 *s, u64 *leaves, u64 gpa,
			    void (*fn)(void *ctx, u64 gpa), void *ctx)
{
	u64 d = s->fmt->dirty_bit;

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		if (!(leaves[i] & d) || !s->fmt->is_present(leaves[i]))
			continue;
		leaves[i] &= ~d;
		fn(ctx, gpa + (u64)i * PAGE_SIZE_4K);
	}
}

u64 stage2_scan_dirty(struct stage2 *s, u64 gpa, u64 size, void (*fn)(void *ctx, u64 gpa),
		      void *ctx)
{
	const u64 span = PAGE_SIZE_4K * PT_ENTRIES;
	u64 scanned = 0;
	int err;

	if (!s->fmt->dirty_bit || (gpa % span) || (size % span))
		return 0;
	for (u64 off = 0; off < size; off += span) {
		u64 *first = leaf_slot(s, gpa + off, false, &err);

		if (!first)
			continue;
		scan_leaf_table(s, first, gpa + off, fn, ctx);
		scanned += PT_ENTRIES;
	}
	return scanned;
}
