/*
 * The nested page table format: ordinary x86-64 page-table entries (AMD64
 * APM Vol 2, 15.25 "Nested Paging", 5.3 "Long-Mode Page Translation"). Every
 * entry sets U/S: nested walks are user accesses (15.25.5 "Nested Table
 * Walk"), and QEMU's TCG refuses supervisor-only nested entries. Software
 * flags live in an available bit.
 */
#include "arch/x86/svm/npt.h"

#include "arch/x86/regs.h"
#include "arch/x86/stage2.h"

#define NPT_SW_TBIT (1ULL << 11) /* AVL bits 11:9 are free for software */
#define NPT_ADDR_MASK 0x000FFFFFFFFFF000ULL

static u64 npt_table_entry(u64 table_hpa)
{
	return (table_hpa & NPT_ADDR_MASK) | PTE_P | PTE_W | PTE_U;
}

/* NPT cannot express execute-only or write-only pages: any access right
 * makes the page present (readable). */
static u64 npt_leaf_entry(u64 hpa, u32 prot)
{
	u64 e = (hpa & NPT_ADDR_MASK) | PTE_U;

	if (prot & S2_RWX)
		e |= PTE_P;
	if (prot & S2_W)
		e |= PTE_W;
	if (!(prot & S2_X))
		e |= PTE_NX;
	if (prot & S2_TBIT)
		e |= NPT_SW_TBIT;
	return e;
}

static bool npt_is_present(u64 e)
{
	return (e & PTE_P) || (e & NPT_SW_TBIT);
}

static u64 npt_entry_hpa(u64 e)
{
	return e & NPT_ADDR_MASK;
}

static u32 npt_entry_prot(u64 e)
{
	u32 prot = 0;

	if (e & PTE_P)
		prot |= S2_R | (e & PTE_W ? S2_W : 0) | (e & PTE_NX ? 0 : S2_X);
	return prot | (e & NPT_SW_TBIT ? S2_TBIT : 0) | (e & PTE_A ? S2_ACCESSED : 0) |
	       (e & PTE_D ? S2_DIRTY : 0);
}

const struct stage2_format npt_format = {
	.name = "NPT",
	.table_entry = npt_table_entry,
	.leaf_entry = npt_leaf_entry,
	.is_present = npt_is_present,
	.entry_hpa = npt_entry_hpa,
	.entry_prot = npt_entry_prot,
	.accessed_bit = PTE_A,
	.dirty_bit = PTE_D,
	/* 5.6 "Page-Protection Checks": R/W clear in an entry at any level
	 * makes all it maps read-only to user accesses, which nested walks
	 * are (15.25.5 "Nested Table Walk"). */
	.table_write_bit = PTE_W,
};
