/* The local APIC, as registers in its xAPIC page or as x2APIC MSRs, and
 * the IOAPIC (SDM Vol 3, chapter 11; 82093AA datasheet). */
#ifndef GUEST_APIC_H
#define GUEST_APIC_H
#include "types.h"

#define LAPIC_BASE 0xFEE00000u
#define IOAPIC_BASE 0xFEC00000u
#define MSR_APIC_BASE 0x1B
#define MSR_TSC_DEADLINE 0x6E0
#define MSR_X2APIC(reg) (0x800u + (reg) / 16) /* an x2APIC register's MSR */
#define MSR_X2APIC_ICR 0x830
#define MSR_X2APIC_SELF_IPI 0x83F
#define APIC_BASE_BSP (1u << 8)
#define APIC_BASE_EXTD (1u << 10)
#define APIC_BASE_EN (1u << 11)

/* Register offsets (Table 11-1). */
enum {
	APIC_ID = 0x020, APIC_VER = 0x030, APIC_TPR = 0x080, APIC_APR = 0x090,
	APIC_PPR = 0x0A0, APIC_EOI = 0x0B0, APIC_LDR = 0x0D0, APIC_DFR = 0x0E0,
	APIC_SVR = 0x0F0, APIC_ISR0 = 0x100, APIC_IRR0 = 0x200, APIC_ESR = 0x280,
	APIC_ICR_LO = 0x300, APIC_ICR_HI = 0x310, APIC_LVT_TIMER = 0x320,
	APIC_LVT_LINT0 = 0x350, APIC_LVT_LINT1 = 0x360, APIC_LVT_ERROR = 0x370,
	APIC_TMICT = 0x380, APIC_TMCCT = 0x390, APIC_TDCR = 0x3E0,
};

/* ICR and LVT bits (Figures 11-8, 11-12). */
#define APIC_DM_NMI 0x400u
#define APIC_LOGICAL 0x800u
#define APIC_SH_SELF (1u << 18)
#define APIC_SH_ALL (2u << 18)
#define APIC_SH_OTHERS (3u << 18)
#define APIC_MASKED 0x10000u
#define APIC_TIMER_PERIODIC (1u << 17)
#define APIC_TIMER_TSC_DEADLINE (2u << 17)
#define APIC_DIV_1 0xB
#define APIC_DIV_16 0x3
#define APIC_DIV_128 0xA

/* One way to reach the registers: the xAPIC page or x2APIC MSRs. */
struct apic_if {
	const char *mode;                  /* "xapic", "x2apic" */
	u32 (*rd)(u32 reg);
	void (*wr)(u32 reg, u32 value);
	void (*icr)(u32 command, u32 dest); /* dest: APIC ID or logical destination */
};
extern const struct apic_if apic_xapic, apic_x2apic;

/* Is vector v's bit set in the ISR (bank APIC_ISR0) or IRR (APIC_IRR0)? */
bool apic_vector_bit(const struct apic_if *a, u32 bank, u8 v);

u32 ioapic_read(u8 reg);
void ioapic_write(u8 reg, u32 value);
#define IOAPIC_VER 0x01
#define IOAPIC_RTE_LO(pin) ((u8)(0x10 + 2 * (pin)))
#define IOAPIC_RTE_HI(pin) ((u8)(0x11 + 2 * (pin)))
#define IOAPIC_MASKED 0x10000u
#endif
