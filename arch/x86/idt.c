/* The IDT: 256 interrupt gates pointing at isr.S's stubs. */
#include "arch/x86/gdt.h"
#include "arch/x86/trap.h"

/* SDM Vol 3, 6.14.1 "64-Bit Mode IDT", Figure 6-8 */
struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __packed;
ASSERT_SIZE(struct idt_gate, 16);

#define GATE_INTERRUPT_64 0x8E /* present, DPL 0, 64-bit interrupt gate */

extern const u64 isr_stub_table[256];
static struct idt_gate idt[256] __aligned(16);

static u8 ist_for_vector(unsigned v)
{
	switch (v) {
	case EXC_DF: return IST_DOUBLE_FAULT;
	case EXC_NMI: return IST_NMI;
	case EXC_MC: return IST_MACHINE_CHECK;
	default: return 0;
	}
}

void idt_init(void)
{
	struct descriptor_table_ptr ptr = { sizeof(idt) - 1, (u64)(uptr)idt };

	for (unsigned v = 0; v < 256; v++) {
		u64 target = isr_stub_table[v];

		idt[v] = (struct idt_gate){
			.offset_lo = (u16)target,
			.selector = GDT_SEL_CODE64,
			.ist = ist_for_vector(v),
			.type_attr = GATE_INTERRUPT_64,
			.offset_mid = (u16)(target >> 16),
			.offset_hi = (u32)(target >> 32),
		};
	}
	__asm__ volatile("lidt %0" : : "m"(ptr));
}
