/*
 * The EPT entry format (SDM Vol 3, 29.3.2 "EPT Translation Mechanism",
 * Tables 29-1..29-6 "Format of an EPT ... Entry"). Leaves are write-back
 * 4 KiB pages; software flags live in bits the processor ignores.
 */
#include "arch/x86/vmx/ept.h"

#include "arch/x86/stage2.h"

#define EPT_READ (1ULL << 0)
#define EPT_WRITE (1ULL << 1)
#define EPT_EXEC (1ULL << 2)          /* supervisor-mode execute */
#define EPT_MEMTYPE_WB (6ULL << 3)    /* leaf memory type, bits 5:3 */
#define EPT_ACCESSED (1ULL << 8)      /* with EPTP bit 6 (A/D enabled) */
#define EPT_DIRTY (1ULL << 9)
#define EPT_SW_TBIT (1ULL << 52)      /* bits 62:52 are ignored by the CPU */
#define EPT_ADDR_MASK 0x000FFFFFFFFFF000ULL
#define EPT_ACCESS_MASK (EPT_READ | EPT_WRITE | EPT_EXEC)

static u64 ept_table_entry(u64 table_hpa)
{
	return (table_hpa & EPT_ADDR_MASK) | EPT_READ | EPT_WRITE | EPT_EXEC;
}

static u64 ept_leaf_entry(u64 hpa, u32 prot)
{
	u64 e = (hpa & EPT_ADDR_MASK) | EPT_MEMTYPE_WB;

	if (prot & S2_R)
		e |= EPT_READ;
	if (prot & S2_W)
		e |= EPT_WRITE | EPT_READ; /* write-only is a misconfiguration */
	if (prot & S2_X)
		e |= EPT_EXEC;
	if (prot & S2_TBIT)
		e |= EPT_SW_TBIT;
	return e;
}

/* An entry whose R, W and X are all clear is "not present" (29.3.2). A
 * software-flagged page keeps its address even while inaccessible. */
static bool ept_is_present(u64 e)
{
	return (e & EPT_ACCESS_MASK) || (e & EPT_SW_TBIT);
}

static u64 ept_entry_hpa(u64 e)
{
	return e & EPT_ADDR_MASK;
}

static u32 ept_entry_prot(u64 e)
{
	return (e & EPT_READ ? S2_R : 0) | (e & EPT_WRITE ? S2_W : 0) |
	       (e & EPT_EXEC ? S2_X : 0) | (e & EPT_SW_TBIT ? S2_TBIT : 0) |
	       (e & EPT_ACCESSED ? S2_ACCESSED : 0) | (e & EPT_DIRTY ? S2_DIRTY : 0);
}

const struct stage2_format ept_format = {
	.name = "EPT",
	.table_entry = ept_table_entry,
	.leaf_entry = ept_leaf_entry,
	.is_present = ept_is_present,
	.entry_hpa = ept_entry_hpa,
	.entry_prot = ept_entry_prot,
	.accessed_bit = EPT_ACCESSED,
	.dirty_bit = EPT_DIRTY,
	/* Table 29-5 "Format of an EPT Page-Directory Entry (PDE) that
	 * References an EPT Page Table", bit 1: if 0, writes are not allowed
	 * to the 2-MByte region controlled by this entry. */
	.table_write_bit = EPT_WRITE,
	/* 29.3.3.2 "EPT Violations": with A/D enabled, the CPU's accesses to
	 * guest paging structures are writes for EPT. */
	.ad_walk_is_write = true,
};
