/*
 * Guest page-table walker (see guest_walk.h). Intel SDM Vol 3A, chapter 4:
 * 4.3 "32-Bit Paging", 4.4 "PAE Paging", 4.5 "4-Level Paging and 5-Level
 * Paging", 4.6 "Access Rights", 4.7 "Page-Fault Exceptions".
 */
#include "hv/guest_walk.h"

#include <string.h>

#include "arch/x86/regs.h"
#include "compiler.h"
#include "errno.h"

#define LINEAR_MASK_32 0xFFFFFFFFULL /* 32-bit and PAE linear addresses */
#define PAE_PDPT_INDEX_MASK 3

/* Bits hi..lo set (hi >= lo, both < 64); empty when hi < lo. */
static u64 genmask(unsigned hi, unsigned lo)
{
	if (hi < lo)
		return 0;
	return (~0ULL >> (63 - hi)) & ~(BIT(lo) - 1);
}

/* State of one walk. */
struct walk {
	const struct gw_cpu *cpu;
	u32 access;
	struct gw_result *res;
	u64 phys_mask;   /* address bits M-1:12 of an entry */
	u64 rsvd_common; /* reserved in every PAE/4-level entry */
	bool writable, user, executable;
};

enum gw_mode gw_paging_mode(const struct gw_cpu *cpu)
{
	if (!(cpu->cr0 & CR0_PG))
		return GW_MODE_NONE;
	if (!(cpu->cr4 & CR4_PAE))
		return GW_MODE_32BIT;
	if (!(cpu->efer & (EFER_LMA | EFER_LME)))
		return GW_MODE_PAE;
	return (cpu->cr4 & CR4_LA57) ? GW_MODE_5LEVEL : GW_MODE_4LEVEL;
}

/* Remembers the 4 KiB page holding a paging-structure entry, once. */
static void note_table(struct gw_result *res, u64 entry_gpa)
{
	u64 page = ALIGN_DOWN(entry_gpa, PAGE_SIZE_4K);

	for (unsigned i = 0; i < res->table_count; i++)
		if (res->tables[i] == page)
			return;
	if (res->table_count == GW_MAX_TABLES) {
		res->tables_overflow = true;
		return;
	}
	res->tables[res->table_count++] = page;
}

/* Reads one 4- or 8-byte entry and notes its page. */
static int read_entry(struct walk *w, u64 gpa, size_t size, u64 *entry)
{
	u32 e32 = 0;
	int err;

	*entry = 0;
	err = w->cpu->read(w->cpu->ctx, gpa, size == 4 ? (void *)&e32 : (void *)entry, size);
	if (err) {
		w->res->fault = GW_UNREADABLE;
		return err;
	}
	if (size == 4)
		*entry = e32;
	note_table(w->res, gpa);
	return 0;
}

/* 4.7 "Page-Fault Exceptions": the error code the CPU would push. */
static u32 pf_error_code(const struct walk *w, enum gw_fault fault)
{
	const struct gw_cpu *cpu = w->cpu;
	u32 code = 0;

	if (fault != GW_NOT_PRESENT)
		code |= GW_PF_PRESENT;
	if (fault == GW_RESERVED)
		code |= GW_PF_RSVD;
	if (w->access & GW_ACCESS_WRITE)
		code |= GW_PF_WRITE;
	if (w->access & GW_ACCESS_USER)
		code |= GW_PF_USER;
	if ((w->access & GW_ACCESS_FETCH) &&
	    ((cpu->cr4 & CR4_SMEP) || ((cpu->cr4 & CR4_PAE) && (cpu->efer & EFER_NXE))))
		code |= GW_PF_FETCH;
	return code;
}

static int fault(struct walk *w, enum gw_fault kind, unsigned level)
{
	w->res->fault = kind;
	w->res->fault_level = (u8)level;
	w->res->error_code = kind == GW_NONCANONICAL ? 0 : pf_error_code(w, kind);
	return -EFAULT;
}

/* Folds one entry's R/W, U/S and XD into the effective rights (4.6). */
static void accumulate(struct walk *w, u64 entry)
{
	w->writable &= !!(entry & PTE_W);
	w->user &= !!(entry & PTE_U);
	if (w->cpu->efer & EFER_NXE)
		w->executable &= !(entry & PTE_NX);
}

/* 4.6.1 "Determination of Access Rights" for the combined rights. */
static bool access_allowed(const struct walk *w)
{
	const struct gw_cpu *cpu = w->cpu;
	bool user_access = w->access & GW_ACCESS_USER;

	if (user_access && !w->user)
		return false;
	if (w->access & GW_ACCESS_FETCH) {
		if (!w->executable)
			return false;
		return user_access || !w->user || !(cpu->cr4 & CR4_SMEP);
	}
	if (!user_access && w->user && (cpu->cr4 & CR4_SMAP) && !(w->access & GW_ACCESS_AC))
		return false;
	if ((w->access & GW_ACCESS_WRITE) && !w->writable)
		return !user_access && !(cpu->cr0 & CR0_WP);
	return true;
}

/* The walk reached a page: record the translation, then check the rights. */
static int finish(struct walk *w, u64 page_base, u64 page_size, u64 la)
{
	struct gw_result *res = w->res;

	res->gpa = page_base | (la & (page_size - 1));
	res->page_size = page_size;
	res->writable = w->writable;
	res->user = w->user;
	res->executable = w->executable;
	if (!access_allowed(w))
		return fault(w, GW_PROTECTION, 0);
	return 0;
}

/* Reserved bits of a 4-MiB PDE: 21:(M-19), with M capped at 40 (4.3). */
static u64 pse_rsvd(unsigned m)
{
	return genmask(PT_L32_4M_RSVD_TOP, m - 19);
}

/* 4.3 "32-Bit Paging": PDE (4 MiB page with CR4.PSE, incl. PSE-36), PTE. */
static int walk_32bit(struct walk *w, u64 la)
{
	const struct gw_cpu *cpu = w->cpu;
	unsigned m = MIN(cpu->phys_bits, (u8)PT_L32_PSE36_MAX_BITS);
	u64 pde, pte, addr;
	int err;

	addr = (cpu->cr3 & PT_L32_ADDR_MASK) + ((la >> PT_L32_PDE_SHIFT) & PT_L32_INDEX_MASK) * PT_L32_ENTRY_SIZE;
	err = read_entry(w, addr, PT_L32_ENTRY_SIZE, &pde);
	if (err)
		return err;
	if (!(pde & PTE_P))
		return fault(w, GW_NOT_PRESENT, 2);
	accumulate(w, pde);
	if ((pde & PTE_PS) && (cpu->cr4 & CR4_PSE)) {
		u64 high = (pde >> PT_L32_PSE36_SHIFT) & (BIT(m - 32) - 1);

		if (pde & pse_rsvd(m))
			return fault(w, GW_RESERVED, 2);
		return finish(w, (pde & PT_L32_4M_ADDR_MASK) | (high << 32), PAGE_SIZE_4M, la);
	}
	addr = (pde & PT_L32_ADDR_MASK) + ((la >> PAGE_SHIFT_4K) & PT_L32_INDEX_MASK) * PT_L32_ENTRY_SIZE;
	err = read_entry(w, addr, PT_L32_ENTRY_SIZE, &pte);
	if (err)
		return err;
	if (!(pte & PTE_P))
		return fault(w, GW_NOT_PRESENT, 1);
	accumulate(w, pte);
	return finish(w, pte & PT_L32_ADDR_MASK, PAGE_SIZE_4K, la);
}

static unsigned level_shift(unsigned level)
{
	return PAGE_SHIFT_4K + PT_L64_INDEX_BITS * (level - 1);
}

/* Whether an 8-byte entry at level maps a page: a PTE, or a PDE / PDPTE
 * with PS (the PAE PDPTE, which has no PS, is handled by walk_pae). */
static bool is_leaf(unsigned level, u64 entry)
{
	return level == 1 || (level <= 3 && (entry & PTE_PS));
}

/* Reserved bits of an 8-byte PDE/PTE/PDPTE/PML4E/PML5E (Tables 4-9 ff.,
 * 4-15 ff.): PS is reserved above the PDPTE, and a large page's address
 * bits below its size (except PAT, bit 12) are reserved. */
static u64 entry_rsvd(const struct walk *w, unsigned level, u64 entry)
{
	u64 rsvd = w->rsvd_common;

	if (level >= 4)
		rsvd |= PTE_PS;
	else if (level >= 2 && is_leaf(level, entry))
		rsvd |= genmask(level_shift(level) - 1, PT_LARGE_RSVD_LOW);
	return rsvd;
}

/*
 * Walks 8-byte tables from the table at top_table, whose entries are at
 * level top_level (5 = PML5, 4 = PML4, 2 = PAE page directory), down to a
 * page.
 */
static int walk_8byte(struct walk *w, u64 top_table, unsigned top_level, u64 la)
{
	u64 table = top_table;

	for (unsigned level = top_level; level >= 1; level--) {
		u64 addr = table + ((la >> level_shift(level)) & PT_L64_INDEX_MASK) * PT_L64_ENTRY_SIZE;
		u64 entry;
		int err = read_entry(w, addr, PT_L64_ENTRY_SIZE, &entry);

		if (err)
			return err;
		if (!(entry & PTE_P))
			return fault(w, GW_NOT_PRESENT, level);
		if (entry & entry_rsvd(w, level, entry))
			return fault(w, GW_RESERVED, level);
		accumulate(w, entry);
		if (is_leaf(level, entry)) {
			u64 size = BIT(level_shift(level));

			return finish(w, entry & w->phys_mask & ~(size - 1), size, la);
		}
		table = entry & w->phys_mask;
	}
	return -EINVAL; /* not reached: level 1 is always a leaf */
}

/* 4.4 "PAE Paging": a PDPTE chosen by la[31:30] from the PDPT at CR3[31:5]
 * (no rights bits of its own), then a PAE page directory. */
static int walk_pae(struct walk *w, u64 la)
{
	u64 addr = (w->cpu->cr3 & PT_PAE_CR3_MASK) +
		   ((la >> PT_PAE_PDPT_SHIFT) & PAE_PDPT_INDEX_MASK) * PT_L64_ENTRY_SIZE;
	u64 pdpte;
	int err = read_entry(w, addr, PT_L64_ENTRY_SIZE, &pdpte);

	if (err)
		return err;
	if (!(pdpte & PTE_P))
		return fault(w, GW_NOT_PRESENT, 3);
	if (pdpte & (PT_PAE_PDPTE_RSVD | genmask(63, w->cpu->phys_bits)))
		return fault(w, GW_RESERVED, 3);
	return walk_8byte(w, pdpte & w->phys_mask, 2, la);
}

/* 4.5: bits 63:48 (63:57 with LA57) must copy bit 47 (56). */
static bool canonical(u64 la, unsigned bits)
{
	s64 shifted = (s64)(la << (64 - bits)) >> (64 - bits);

	return (u64)shifted == la;
}

static int walk_long(struct walk *w, u64 la, enum gw_mode mode)
{
	unsigned levels = mode == GW_MODE_5LEVEL ? 5 : 4;

	if (!canonical(la, mode == GW_MODE_5LEVEL ? PT_CANONICAL_BITS_5LEVEL : PT_CANONICAL_BITS_4LEVEL))
		return fault(w, GW_NONCANONICAL, 0);
	return walk_8byte(w, w->cpu->cr3 & w->phys_mask, levels, la);
}

/* Sets up the per-walk masks from MAXPHYADDR and EFER.NXE. */
static void walk_init(struct walk *w, const struct gw_cpu *cpu, u32 access,
		      struct gw_result *res, enum gw_mode mode)
{
	unsigned rsvd_top = mode == GW_MODE_PAE ? PT_PAE_RSVD_TOP : PT_LONG_RSVD_TOP;

	*w = (struct walk){ .cpu = cpu, .access = access, .res = res, .writable = true,
			    .user = true, .executable = true };
	w->phys_mask = genmask(cpu->phys_bits - 1, PAGE_SHIFT_4K);
	w->rsvd_common = genmask(rsvd_top, cpu->phys_bits);
	if (!(cpu->efer & EFER_NXE))
		w->rsvd_common |= PTE_NX;
}

/* One translation; res->tables is left as it was (gw_read_linear adds up). */
static int translate(const struct gw_cpu *cpu, u64 la, u32 access, struct gw_result *res)
{
	enum gw_mode mode = gw_paging_mode(cpu);
	struct walk w;

	res->mode = mode;
	res->gpa = 0;
	res->page_size = 0;
	res->writable = res->user = res->executable = false;
	res->fault = GW_OK;
	res->fault_level = 0;
	res->error_code = 0;
	if (!cpu->read || cpu->phys_bits < 32 || cpu->phys_bits > PT_ADDR_BITS_MAX)
		return -EINVAL;
	walk_init(&w, cpu, access, res, mode);
	switch (mode) {
	case GW_MODE_NONE: /* no paging: no rights to check either */
		res->gpa = la & LINEAR_MASK_32;
		res->page_size = PAGE_SIZE_4K;
		res->writable = res->user = res->executable = true;
		return 0;
	case GW_MODE_32BIT:
		return walk_32bit(&w, la & LINEAR_MASK_32);
	case GW_MODE_PAE:
		return walk_pae(&w, la & LINEAR_MASK_32);
	default:
		return walk_long(&w, la, mode);
	}
}

int gw_translate(const struct gw_cpu *cpu, u64 la, u32 access, struct gw_result *res)
{
	memset(res, 0, sizeof(*res));
	return translate(cpu, la, access, res);
}

int gw_read_linear(const struct gw_cpu *cpu, u64 la, void *buf, size_t len, u32 access,
		   size_t *done, struct gw_result *res)
{
	u8 *dst = buf;

	memset(res, 0, sizeof(*res));
	*done = 0;
	while (*done < len) {
		int err = translate(cpu, la + *done, access, res);
		size_t chunk;

		if (err)
			return err;
		chunk = MIN(len - *done, (size_t)(PAGE_SIZE_4K - (res->gpa & (PAGE_SIZE_4K - 1))));
		err = cpu->read(cpu->ctx, res->gpa, dst + *done, chunk);
		if (err) {
			res->fault = GW_UNREADABLE;
			return err;
		}
		*done += chunk;
	}
	return 0;
}
