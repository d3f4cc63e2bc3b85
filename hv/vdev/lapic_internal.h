/* Shared by the files of the local APIC model (hv/vdev/lapic*.c) only. */
#ifndef UNDERSTUDY_HV_VDEV_LAPIC_INTERNAL_H
#define UNDERSTUDY_HV_VDEV_LAPIC_INTERNAL_H

#include "compiler.h"
#include "hv/vdev/lapic.h"

/* Register offsets (SDM Vol 3, 11.4.1 "The Local APIC Block Diagram",
 * Table 11-1 "Local APIC Register Address Map"); the x2APIC MSR of each is
 * 800H + offset / 16 (11.12.1.2 "x2APIC Register Address Space"). */
enum lapic_reg {
	REG_ID = 0x020,
	REG_VERSION = 0x030,
	REG_TPR = 0x080,
	REG_APR = 0x090,
	REG_PPR = 0x0A0,
	REG_EOI = 0x0B0,
	REG_RRD = 0x0C0,
	REG_LDR = 0x0D0,
	REG_DFR = 0x0E0,
	REG_SVR = 0x0F0,
	REG_ISR0 = 0x100,  /* ISR 0x100-0x170 */
	REG_TMR0 = 0x180,  /* TMR 0x180-0x1F0 */
	REG_IRR0 = 0x200,  /* IRR 0x200-0x270 */
	REG_ESR = 0x280,
	REG_ICR_LOW = 0x300,
	REG_ICR_HIGH = 0x310,
	REG_LVT_TIMER = 0x320,
	REG_LVT_THERMAL = 0x330,
	REG_LVT_PERF = 0x340,
	REG_LVT_LINT0 = 0x350,
	REG_LVT_LINT1 = 0x360,
	REG_LVT_ERROR = 0x370,
	REG_TIMER_INITIAL = 0x380,
	REG_TIMER_CURRENT = 0x390,
	REG_TIMER_DIVIDE = 0x3E0,
	REG_SELF_IPI = 0x3F0, /* x2APIC only */
};

#define REG_STRIDE 16   /* registers sit on 16-byte boundaries */
#define REG_BANK_SIZE (VLAPIC_VECTOR_WORDS * REG_STRIDE) /* ISR, TMR, IRR banks */

#define CLASS_SHIFT 4                      /* priority class: bits 7:4 */
#define VECTOR_CLASS(v) ((u32)(v) >> CLASS_SHIFT)
#define LINT_PINS 2        /* LINT0, LINT1 */
#define LINT_NMI_PIN 1     /* LINT1: the NMI pin of a disabled APIC */
#define REG_SIZE 4         /* registers are accessed as 32-bit words */
#define PRIORITY_CLASS 0xF0u
#define FIRST_LEGAL_VECTOR 16 /* 0-15 are illegal (11.5.3 "Error Handling") */

#define XAPIC_ID_SHIFT 24     /* xAPIC ID in bits 31:24 */
#define XAPIC_ID_MASK 0xFF000000u
#define XAPIC_BROADCAST 0xFFu
#define X2APIC_BROADCAST 0xFFFFFFFFu
#define TPR_MASK 0xFFu
#define LDR_XAPIC_MASK 0xFF000000u
#define DFR_MODEL_MASK 0xF0000000u /* model bits 31:28; 27:0 read as ones */
#define DFR_FLAT 0xFFFFFFFFu       /* reset value: flat model */
#define SVR_VECTOR_MASK 0xFFu
#define SVR_APIC_ENABLE 0x100u     /* 11.9 "Spurious Interrupt" */
#define SVR_WRITABLE 0x1FFu        /* no focus checking, no EOI-broadcast suppression */
#define SVR_RESET 0xFFu

/* LVT bits (Figure 11-8 "Local Vector Table (LVT)"). */
#define LVT_VECTOR 0xFFu
#define LVT_DM_SHIFT 8
#define LVT_DM_MASK 0x700u
#define LVT_DELIVERY_STATUS (1u << 12) /* read-only; always idle here */
#define LVT_POLARITY (1u << 13)
#define LVT_REMOTE_IRR (1u << 14)      /* read-only */
#define LVT_LEVEL (1u << 15)
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_MODE_SHIFT 17
#define LVT_TIMER_MODE_MASK (3u << 17)
#define LVT_TIMER_BITS (LVT_VECTOR | LVT_MASKED | LVT_TIMER_MODE_MASK)
#define LVT_DM_BITS (LVT_VECTOR | LVT_DM_MASK | LVT_MASKED)
#define LVT_LINT_BITS (LVT_DM_BITS | LVT_POLARITY | LVT_LEVEL)
#define LVT_ERROR_BITS (LVT_VECTOR | LVT_MASKED)
#define LVT_READ_ONLY (LVT_DELIVERY_STATUS | LVT_REMOTE_IRR)

/* Timer modes, LVT timer bits 18:17 (11.5.4 "APIC Timer"). */
enum timer_mode { TIMER_ONESHOT = 0, TIMER_PERIODIC = 1, TIMER_TSC_DEADLINE = 2 };
#define TIMER_DIVIDE_BITS 0xBu /* bits 0, 1 and 3 (Figure 11-10) */

/* ESR bits (Figure 11-9 "Error Status Register (ESR)"). */
#define ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define ESR_RECV_ILLEGAL_VECTOR (1u << 6)
#define ESR_ILLEGAL_REGISTER (1u << 7)

/* ICR (Figure 11-12 "Interrupt Command Register (ICR)"; Figure 11-28 in
 * x2APIC mode, where it is one 64-bit MSR). */
#define ICR_VECTOR 0xFFu
#define ICR_DM_SHIFT 8
#define ICR_DM_MASK 0x700u
#define ICR_LOGICAL (1u << 11)
#define ICR_BUSY (1u << 12)          /* delivery status: xAPIC only, always idle */
#define ICR_ASSERT (1u << 14)
#define ICR_LEVEL (1u << 15)
#define ICR_SHORTHAND_SHIFT 18
#define ICR_SHORTHAND_MASK (3u << 18)
/* What an ICR write keeps: vector, delivery mode, destination mode, level,
 * trigger mode, shorthand. In x2APIC mode every other low bit is reserved
 * (11.12.9 "ICR Operation in x2APIC Mode": no delivery status bit). */
#define ICR_LOW_BITS 0x000CCFFFu
#define ICR_HIGH_BITS 0xFF000000u    /* xAPIC destination field */

enum icr_shorthand { SH_NONE = 0, SH_SELF = 1, SH_ALL = 2, SH_OTHERS = 3 };

/* Vector bitmaps (IRR, ISR, TMR). */
static inline bool vec_test(const u32 *bits, u8 v)
{
	return bits[v / 32] & (1u << (v % 32));
}

static inline void vec_set(u32 *bits, u8 v)
{
	bits[v / 32] |= 1u << (v % 32);
}

static inline void vec_clear(u32 *bits, u8 v)
{
	bits[v / 32] &= ~(1u << (v % 32));
}

/* The highest vector set, or -1. */
int vec_highest(const u32 *bits);

static inline bool lvt_masked(const struct vlapic *l, enum vlapic_lvt lvt)
{
	return l->lvt[lvt] & LVT_MASKED;
}

/* An LVT entry's delivery mode (SDM Vol 3, Figure 11-8 "Local Vector
 * Table (LVT)"). */
static inline u8 lvt_mode(u32 entry)
{
	return (u8)((entry & LVT_DM_MASK) >> LVT_DM_SHIFT);
}

static inline bool sw_enabled(const struct vlapic *l)
{
	return l->svr & SVR_APIC_ENABLE;
}

static inline u64 vl_now(const struct vlapic *l)
{
	return vclock_now(&l->clock);
}

/* lapic.c */
void vl_reset(struct vlapic *l);
void vl_error(struct vlapic *l, u32 esr_bit);
void vl_fire_lvt(struct vlapic *l, enum vlapic_lvt lvt);
u32 vl_ppr(const struct vlapic *l);
void vl_eoi(struct vlapic *l);
void vl_write_lvt(struct vlapic *l, enum vlapic_lvt lvt, u32 value);
void vl_write_svr(struct vlapic *l, u32 value);
void vl_write_esr(struct vlapic *l);
/* Register read/write shared by the MMIO and MSR paths; reads of
 * write-only or absent registers and writes to read-only ones return
 * false (the MSR path's #GP). */
bool vl_reg_read(struct vlapic *l, u32 offset, u32 *value);
bool vl_reg_write(struct vlapic *l, u32 offset, u32 value);

/* lapic_ipi.c */
void vl_send_ipi(struct vlapic *l, u32 icr_low, u32 dest);
bool vl_match_dest(const struct vlapic *l, const struct vlapic_msg *m);
u32 vl_x2apic_ldr(u32 x2apic_id);
void vl_unsupported(struct vlapic *l, enum vlapic_unsupported what, u64 detail,
		    const struct vlapic_msg *m);
/* Delivers a message addressed to this CPU (lapic.c). */
void vl_deliver(struct vlapic *l, const struct vlapic_msg *m);

/* lapic_timer.c */
void vl_timer_reset(struct vlapic *l);
u32 vl_timer_current(struct vlapic *l);
void vl_timer_write_initial(struct vlapic *l, u32 value);
void vl_timer_write_divide(struct vlapic *l, u32 value);
/* The LVT timer entry changes from old to the current one. */
void vl_timer_lvt_changed(struct vlapic *l, u32 old);
u64 vl_timer_read_deadline(struct vlapic *l);
void vl_timer_write_deadline(struct vlapic *l, u64 value);

#endif
