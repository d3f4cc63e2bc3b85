/* GDT with a flat 64-bit code/data pair and a TSS whose IST stacks catch
 * double faults, NMIs and machine checks on known-good stacks. */
#include "arch/x86/gdt.h"

#include <string.h>

#define IST_STACK_SIZE 8192

/* SDM Vol 3, 3.4.5 "Segment Descriptors": access byte and flags */
#define DESC_ACCESSED (1ULL << 40)
#define DESC_RW (1ULL << 41)     /* readable code / writable data */
#define DESC_EXEC (1ULL << 43)
#define DESC_S (1ULL << 44)      /* code or data (not system) */
#define DESC_P (1ULL << 47)
#define DESC_L (1ULL << 53)      /* 64-bit code */
#define DESC_DB (1ULL << 54)
#define DESC_G (1ULL << 55)
#define DESC_LIMIT_MAX (0xFFFFULL | (0xFULL << 48))
/* SDM Vol 3, 3.5 "System Descriptor Types": 64-bit available TSS */
#define DESC_TYPE_TSS64_AVAIL (0x9ULL << 40)

enum { GDT_NULL, GDT_CODE64, GDT_DATA, GDT_TSS_LO, GDT_TSS_HI, GDT_ENTRIES };

static u64 gdt[GDT_ENTRIES] __aligned(16);
static struct tss64 tss __aligned(16);
static u8 ist_stacks[IST_COUNT][IST_STACK_SIZE] __aligned(16);

STATIC_ASSERT(GDT_CODE64 * 8 == GDT_SEL_CODE64, "code selector matches its slot");
STATIC_ASSERT(GDT_DATA * 8 == GDT_SEL_DATA, "data selector matches its slot");
STATIC_ASSERT(GDT_TSS_LO * 8 == GDT_SEL_TSS, "TSS selector matches its slot");

/* A 16-byte system descriptor for the TSS (SDM Vol 3, 8.2.3 "TSS Descriptor
 * in 64-bit mode"). */
static void set_tss_descriptor(u64 base, u32 limit)
{
	gdt[GDT_TSS_LO] = (limit & 0xFFFFULL) | ((base & 0xFFFFFFULL) << 16) |
			  DESC_TYPE_TSS64_AVAIL | DESC_P | (((u64)limit >> 16 & 0xF) << 48) |
			  ((base >> 24 & 0xFF) << 56);
	gdt[GDT_TSS_HI] = base >> 32;
}

void gdt_init(void)
{
	struct descriptor_table_ptr ptr = { sizeof(gdt) - 1, (u64)(uptr)gdt };

	gdt[GDT_NULL] = 0;
	gdt[GDT_CODE64] = DESC_LIMIT_MAX | DESC_ACCESSED | DESC_RW | DESC_EXEC | DESC_S |
			  DESC_P | DESC_L | DESC_G;
	gdt[GDT_DATA] = DESC_LIMIT_MAX | DESC_ACCESSED | DESC_RW | DESC_S | DESC_P | DESC_DB |
			DESC_G;
	memset(&tss, 0, sizeof(tss));
	for (int i = 0; i < IST_COUNT; i++)
		tss.ist[i] = (u64)(uptr)&ist_stacks[i][IST_STACK_SIZE];
	tss.iomap_base = sizeof(tss); /* no I/O permission bitmap */
	set_tss_descriptor((u64)(uptr)&tss, sizeof(tss) - 1);

	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ds\n\t"
			 "movw %w2, %%es\n\t"
			 "movw %w2, %%ss\n\t"
			 "ltr %w3"
			 :
			 : "m"(ptr), "i"(GDT_SEL_CODE64), "r"(GDT_SEL_DATA), "r"(GDT_SEL_TSS)
			 : "rax", "memory");
}

u64 gdt_base(void)
{
	return (u64)(uptr)gdt;
}

u64 tss_base(void)
{
	return (u64)(uptr)&tss;
}
