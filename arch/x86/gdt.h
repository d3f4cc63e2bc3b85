/* The hypervisor's GDT and TSS (SDM Vol 3, 3.4.5 "Segment Descriptors",
 * 8.7 "Task Management in 64-bit Mode"). */
#ifndef UNDERSTUDY_ARCH_X86_GDT_H
#define UNDERSTUDY_ARCH_X86_GDT_H

#include "compiler.h"
#include "types.h"

#define GDT_SEL_CODE64 0x08
#define GDT_SEL_DATA 0x10
#define GDT_SEL_TSS 0x18

/* Interrupt stack table slots (SDM Vol 3, 7.14.5 "Interrupt Stack Table"). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3

/* SDM Vol 3, 8.7 "Task Management in 64-bit Mode", Figure 8-11 */
struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;
ASSERT_SIZE(struct tss64, 104);

struct descriptor_table_ptr {
	u16 limit;
	u64 base;
} __packed;
ASSERT_SIZE(struct descriptor_table_ptr, 10);

/* Loads the GDT, reloads segment registers and the task register. */
void gdt_init(void);

/* The current GDT base and the TSS, for VMCS/VMCB host state. */
u64 gdt_base(void);
u64 tss_base(void);

#endif
