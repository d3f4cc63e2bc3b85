/*
 * IA32_APIC_BASE and its modes (disabled, xAPIC, x2APIC), and the APIC's
 * MSRs: the x2APIC registers at 800H-8FFH (SDM Vol 3, 11.12 "Extended
 * XAPIC (x2APIC)") and IA32_TSC_DEADLINE. In x2APIC mode a register is one
 * MSR; reading a write-only register, writing a read-only one, touching one
 * that x2APIC mode does not have, or setting a reserved bit raises #GP
 * (11.12.1.2 "x2APIC Register Address Space", Table 11-6; 11.12.1.3
 * "Reserved Bit Checking"); in xAPIC mode every x2APIC MSR raises #GP.
 */
#include "hv/vdev/lapic_internal.h"

#include "errno.h"

/* IA32_APIC_BASE: the base field spans bits 12 up to MAXPHYADDR - 1. */
#define APIC_BASE_ADDR_MASK 0x000FFFFFFFFFF000ULL
#define APIC_BASE_WRITABLE (APIC_BASE_ADDR_MASK | VLAPIC_BASE_EN | VLAPIC_BASE_BSP | \
			    VLAPIC_BASE_EXTD)

#define MSR_OFFSET_SHIFT 4 /* MSR 800H + n is register offset n * 16 */

enum x2_access { X2_RO = 1, X2_WO = 2, X2_RW = 3 };

/* Bits of each LVT a WRMSR may set: the writable ones and the read-only
 * delivery status and remote IRR (Figure 11-8); the rest are reserved. */
#define X2_LVT_TIMER (LVT_TIMER_BITS | LVT_DELIVERY_STATUS)
#define X2_LVT_DM (LVT_DM_BITS | LVT_DELIVERY_STATUS)
#define X2_LVT_LINT (LVT_LINT_BITS | LVT_READ_ONLY)
#define X2_LVT_ERROR (LVT_ERROR_BITS | LVT_DELIVERY_STATUS)
#define X2_SVR_DEFINED 0x3FFu /* vector, enable, focus checking (ignored) */
#define X2_ICR_DEFINED (0xFFFFFFFF00000000ULL | ICR_LOW_BITS) /* destination in 63:32 */
#define X2_SELF_IPI_DEFINED 0xFFu
#define X2_COUNT_DEFINED 0xFFFFFFFFu

struct x2apic_reg {
	u32 offset;
	u8 access;
	u64 defined; /* bits a write may set */
};

/* Table 11-6, less the banks (ISR, TMR, IRR: read-only, see find_reg). */
static const struct x2apic_reg x2apic_regs[] = {
	{ REG_ID, X2_RO, 0 },
	{ REG_VERSION, X2_RO, 0 },
	{ REG_TPR, X2_RW, TPR_MASK },
	{ REG_PPR, X2_RO, 0 },
	{ REG_EOI, X2_WO, 0 },            /* WRMSR of a non-zero value: #GP */
	{ REG_LDR, X2_RO, 0 },
	{ REG_SVR, X2_RW, X2_SVR_DEFINED },
	{ REG_ESR, X2_RW, 0 },            /* WRMSR of a non-zero value: #GP */
	{ REG_ICR_LOW, X2_RW, X2_ICR_DEFINED },
	{ REG_LVT_TIMER, X2_RW, X2_LVT_TIMER },
	{ REG_LVT_THERMAL, X2_RW, X2_LVT_DM },
	{ REG_LVT_PERF, X2_RW, X2_LVT_DM },
	{ REG_LVT_LINT0, X2_RW, X2_LVT_LINT },
	{ REG_LVT_LINT1, X2_RW, X2_LVT_LINT },
	{ REG_LVT_ERROR, X2_RW, X2_LVT_ERROR },
	{ REG_TIMER_INITIAL, X2_RW, X2_COUNT_DEFINED },
	{ REG_TIMER_CURRENT, X2_RO, 0 },
	{ REG_TIMER_DIVIDE, X2_RW, TIMER_DIVIDE_BITS },
	{ REG_SELF_IPI, X2_WO, X2_SELF_IPI_DEFINED },
};

static const struct x2apic_reg bank_reg = { 0, X2_RO, 0 };

bool vlapic_is_msr(u32 index)
{
	return index == VLAPIC_MSR_TSC_DEADLINE ||
	       (index >= VLAPIC_MSR_X2APIC_FIRST && index <= VLAPIC_MSR_X2APIC_LAST);
}

/* The x2APIC register behind MSR index, or NULL (APR, RRD, DFR and the
 * ICR's high half have none). */
static const struct x2apic_reg *find_reg(u32 index)
{
	u32 offset = (index - VLAPIC_MSR_X2APIC_FIRST) << MSR_OFFSET_SHIFT;

	if (offset >= REG_ISR0 && offset < REG_IRR0 + REG_BANK_SIZE)
		return &bank_reg;
	for (unsigned i = 0; i < ARRAY_SIZE(x2apic_regs); i++)
		if (x2apic_regs[i].offset == offset)
			return &x2apic_regs[i];
	return NULL;
}

static int msr_fault(struct vlapic *l)
{
	l->stats.msr_faults++;
	return -EINVAL;
}

int vlapic_msr_read(struct vlapic *l, u32 index, u64 *value)
{
	const struct x2apic_reg *r;
	u32 offset, v;

	if (index == VLAPIC_MSR_TSC_DEADLINE) {
		*value = vl_timer_read_deadline(l);
		return 0;
	}
	if (!vlapic_is_msr(index))
		return -ENOENT;
	r = find_reg(index);
	if (!l->x2apic || !r || !(r->access & X2_RO))
		return msr_fault(l);
	offset = (index - VLAPIC_MSR_X2APIC_FIRST) << MSR_OFFSET_SHIFT;
	vlapic_update(l);
	if (offset == REG_ICR_LOW) {
		*value = (u64)l->icr_high << 32 | l->icr_low;
		return 0;
	}
	vl_reg_read(l, offset, &v);
	*value = v;
	return 0;
}

/* A WRMSR to an x2APIC register, checked: #GP for a register that cannot
 * be written or a reserved bit set. */
static int x2apic_write(struct vlapic *l, u32 index, u64 value)
{
	const struct x2apic_reg *r = find_reg(index);
	u32 offset = (index - VLAPIC_MSR_X2APIC_FIRST) << MSR_OFFSET_SHIFT;

	if (!l->x2apic || !r || !(r->access & X2_WO) || (value & ~r->defined))
		return msr_fault(l);
	vlapic_update(l);
	switch (offset) {
	case REG_ICR_LOW:
		l->icr_low = (u32)value;
		l->icr_high = (u32)(value >> 32);
		vl_send_ipi(l, l->icr_low, l->icr_high);
		break;
	case REG_SELF_IPI: /* 11.12.11 "SELF IPI Register": fixed, edge, to itself */
		vl_send_ipi(l, (u32)value | (u32)SH_SELF << ICR_SHORTHAND_SHIFT, 0);
		break;
	default:
		vl_reg_write(l, offset, (u32)value);
		break;
	}
	return 0;
}

int vlapic_msr_write(struct vlapic *l, u32 index, u64 value)
{
	if (index == VLAPIC_MSR_TSC_DEADLINE) {
		vl_timer_write_deadline(l, value);
		return 0;
	}
	if (!vlapic_is_msr(index))
		return -ENOENT;
	return x2apic_write(l, index, value);
}

u64 vlapic_apic_base(const struct vlapic *l)
{
	return VLAPIC_BASE | VLAPIC_BASE_BSP | (l->enabled ? VLAPIC_BASE_EN : 0) |
	       (l->x2apic ? VLAPIC_BASE_EXTD : 0);
}

/* xAPIC to x2APIC: the ID becomes the x2APIC ID and LDR its derived
 * logical ID; everything else is kept (11.12.5.1 "x2APIC States"). */
static void enter_x2apic(struct vlapic *l)
{
	l->x2apic = true;
	l->ldr = vl_x2apic_ldr(l->initial_id);
}

/* 11.12.5 "x2APIC State Transitions": disabled <-> xAPIC,
 * xAPIC -> x2APIC, x2APIC -> disabled; the rest raise #GP, as does the
 * invalid state EXTD without EN. */
static bool transition_allowed(const struct vlapic *l, bool en, bool extd)
{
	if (extd && !en)
		return false;
	if (l->x2apic && en && !extd)
		return false; /* x2APIC to xAPIC */
	if (!l->enabled && extd)
		return false; /* disabled to x2APIC */
	return true;
}

int vlapic_write_apic_base(struct vlapic *l, u64 value)
{
	bool en = value & VLAPIC_BASE_EN, extd = value & VLAPIC_BASE_EXTD;

	if (value & ~APIC_BASE_WRITABLE)
		return -EINVAL;
	if ((value & APIC_BASE_ADDR_MASK) != VLAPIC_BASE) {
		vl_unsupported(l, VLAPIC_UNSUP_BASE_MOVE, value, NULL);
		return -EINVAL;
	}
	if (!transition_allowed(l, en, extd))
		return -EINVAL;
	if (l->enabled && !en) {
		vl_reset(l); /* 11.4.3: the APIC's state is lost */
		l->enabled = false;
		return 0;
	}
	if (extd && !l->x2apic)
		enter_x2apic(l);
	l->enabled = en;
	return 0;
}
