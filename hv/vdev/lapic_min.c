/*
 * Minimal guest local APIC. Register map: Intel SDM Vol 3, 11.4.1 The Local
 * APIC Block Diagram, Table 11-1 Local APIC Register Address Map; reset
 * values: 11.4.7.1 Local APIC State After Power-Up or Reset; software
 * disable: 11.4.7.2 Local APIC State After It Has Been Software Disabled;
 * priorities: 11.8.3.1 Task and Processor Priorities and 11.6.2.4 Lowest
 * Priority Delivery Mode (APR); LVT and ICR layouts: Figures 11-8 and 11-12.
 */
#include "hv/vdev/lapic_min.h"

#include <string.h>

#include "errno.h"

/* Register offsets (SDM Vol 3, Table 11-1 "Local APIC Register Address Map"). */
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
	REG_IRR_END = 0x280,
	REG_ESR = 0x280,
	REG_LVT_CMCI = 0x2F0,
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
};

#define REG_ALIGN 16  /* registers sit on 16-byte boundaries */
#define REG_SIZE 4    /* and are accessed as 32-bit words */

#define ID_MASK 0xFF000000u  /* xAPIC ID, bits 31:24 */
#define ID_SHIFT 24
#define TPR_MASK 0xFFu
#define LDR_MASK 0xFF000000u /* logical APIC ID */
#define DFR_MODEL_MASK 0xF0000000u /* model bits 31:28; 27:0 read as ones */
#define DFR_RESET 0xFFFFFFFFu
#define SVR_MASK 0x3FFu      /* vector, APIC software enable, focus check */
#define SVR_APIC_ENABLE 0x100u
#define SVR_RESET 0xFFu
#define PRIORITY_CLASS 0xF0u /* bits 7:4 of a priority */

/* LVT bits (SDM Vol 3, Figure 11-8 Local Vector Table). */
#define LVT_MASKED 0x10000u
#define LVT_RESET LVT_MASKED
#define LVT_TIMER_MASK 0x300FFu  /* vector, mask, one-shot/periodic */
#define LVT_DELIVERY_MASK 0x107FFu /* vector, delivery mode, mask */
#define LVT_LINT_MASK 0x1A7FFu   /* + pin polarity and trigger mode */
#define LVT_ERROR_MASK 0x100FFu  /* vector, mask */

/* ICR (SDM Vol 3, Figure 11-12 Interrupt Command Register). */
#define ICR_LOW_MASK 0x000CCFFFu /* vector, mode, dest mode, level, trigger, shorthand */
#define ICR_HIGH_MASK 0xFF000000u /* destination */
#define ICR_MODE_SHIFT 8
#define ICR_MODE_MASK 0x7u
#define ICR_MODE_INIT 0x5u
#define ICR_MODE_STARTUP 0x6u

#define TIMER_DIVIDE_MASK 0xBu /* bits 0, 1 and 3 */

/* IA32_APIC_BASE: the base field spans bits 12 up to MAXPHYADDR - 1. */
#define APIC_BASE_ADDR_MASK 0x000FFFFFFFFFF000ULL

static const u32 lvt_masks[VLAPIC_LVT_COUNT] = {
	[VLAPIC_LVT_CMCI] = LVT_DELIVERY_MASK,
	[VLAPIC_LVT_TIMER] = LVT_TIMER_MASK,
	[VLAPIC_LVT_THERMAL] = LVT_DELIVERY_MASK,
	[VLAPIC_LVT_PERF] = LVT_DELIVERY_MASK,
	[VLAPIC_LVT_LINT0] = LVT_LINT_MASK,
	[VLAPIC_LVT_LINT1] = LVT_LINT_MASK,
	[VLAPIC_LVT_ERROR] = LVT_ERROR_MASK,
};

/* Register state after power-up or reset (SDM Vol 3, 11.4.7.1 "Local APIC State After Power-Up or Reset"). */
static void reset_registers(struct vlapic *l)
{
	l->id = l->initial_id << ID_SHIFT;
	l->tpr = 0;
	l->ldr = 0;
	l->dfr = DFR_RESET;
	l->svr = SVR_RESET;
	l->esr = 0;
	for (unsigned i = 0; i < VLAPIC_LVT_COUNT; i++)
		l->lvt[i] = LVT_RESET;
	l->icr_low = 0;
	l->icr_high = 0;
	l->timer_initial = 0;
	l->timer_divide = 0;
}

void vlapic_init(struct vlapic *l, u8 apic_id)
{
	memset(l, 0, sizeof(*l));
	l->initial_id = apic_id;
	l->enabled = true;
	reset_registers(l);
}

static bool sw_enabled(const struct vlapic *l)
{
	return l->svr & SVR_APIC_ENABLE;
}

/* The LVT entry at offset, or -1. */
static int lvt_index(u32 offset)
{
	switch (offset) {
	case REG_LVT_CMCI:
		return VLAPIC_LVT_CMCI;
	case REG_LVT_TIMER:
		return VLAPIC_LVT_TIMER;
	case REG_LVT_THERMAL:
		return VLAPIC_LVT_THERMAL;
	case REG_LVT_PERF:
		return VLAPIC_LVT_PERF;
	case REG_LVT_LINT0:
		return VLAPIC_LVT_LINT0;
	case REG_LVT_LINT1:
		return VLAPIC_LVT_LINT1;
	case REG_LVT_ERROR:
		return VLAPIC_LVT_ERROR;
	default:
		return -1;
	}
}

/* PPR with nothing in service (ISRV = 0): TPR[7:4] >= 0 always, so PPR = TPR
 * (SDM Vol 3, 11.8.3.1 "Task and Processor Priorities"). */
static u32 ppr(const struct vlapic *l)
{
	return l->tpr;
}

/* APR with IRRV = ISRV = 0: TPR if TPR[7:4] > 0, else 0 (SDM Vol 3,
 * 11.6.2.4, Figure 11-15 Arbitration Priority Register). */
static u32 apr(const struct vlapic *l)
{
	return (l->tpr & PRIORITY_CLASS) ? l->tpr : 0;
}

static bool read_only(u32 offset)
{
	switch (offset) {
	case REG_VERSION:
	case REG_APR:
	case REG_PPR:
	case REG_RRD:
	case REG_TIMER_CURRENT:
		return true;
	default:
		return offset >= REG_ISR0 && offset < REG_IRR_END;
	}
}

u32 vlapic_read(struct vlapic *l, u32 offset)
{
	int lvt = lvt_index(offset);

	if (lvt >= 0)
		return l->lvt[lvt];
	switch (offset) {
	case REG_ID:
		return l->id;
	case REG_VERSION:
		return VLAPIC_VERSION;
	case REG_TPR:
		return l->tpr;
	case REG_APR:
		return apr(l);
	case REG_PPR:
		return ppr(l);
	case REG_LDR:
		return l->ldr;
	case REG_DFR:
		return l->dfr;
	case REG_SVR:
		return l->svr;
	case REG_ESR:
		return l->esr;
	case REG_ICR_LOW: /* delivery status (bit 12) idle: sent at once */
		return l->icr_low;
	case REG_ICR_HIGH:
		return l->icr_high;
	case REG_TIMER_INITIAL:
		return l->timer_initial;
	case REG_TIMER_DIVIDE:
		return l->timer_divide;
	case REG_EOI:           /* write-only */
	case REG_RRD:           /* remote read unsupported */
	case REG_TIMER_CURRENT: /* no timer: never counts */
		return 0;
	default:
		if (offset >= REG_ISR0 && offset < REG_IRR_END)
			return 0; /* nothing requested or in service */
		l->stats.reserved_accesses++;
		return 0;
	}
}

/* An IPI: no other CPU exists and self-delivery is not modelled; count it. */
static void send_ipi(struct vlapic *l, u32 icr_low)
{
	u32 mode = (icr_low >> ICR_MODE_SHIFT) & ICR_MODE_MASK;

	l->icr_low = icr_low & ICR_LOW_MASK;
	l->stats.ipis++;
	if (mode == ICR_MODE_INIT)
		l->stats.init_ipis++;
	else if (mode == ICR_MODE_STARTUP)
		l->stats.startup_ipis++;
}

/* SVR write; clearing the software enable masks every LVT entry. */
static void write_svr(struct vlapic *l, u32 value)
{
	l->svr = value & SVR_MASK;
	if (!sw_enabled(l))
		for (unsigned i = 0; i < VLAPIC_LVT_COUNT; i++)
			l->lvt[i] |= LVT_MASKED;
}

/* LVT write: while software-disabled the mask bit cannot be cleared. */
static void write_lvt(struct vlapic *l, int lvt, u32 value)
{
	l->lvt[lvt] = value & lvt_masks[lvt];
	if (!sw_enabled(l))
		l->lvt[lvt] |= LVT_MASKED;
}

void vlapic_write(struct vlapic *l, u32 offset, u32 value)
{
	int lvt = lvt_index(offset);

	if (lvt >= 0) {
		write_lvt(l, lvt, value);
		return;
	}
	switch (offset) {
	case REG_ID:
		l->id = value & ID_MASK;
		break;
	case REG_TPR:
		l->tpr = value & TPR_MASK;
		break;
	case REG_EOI:
		l->stats.eoi_writes++;
		break;
	case REG_LDR:
		l->ldr = value & LDR_MASK;
		break;
	case REG_DFR:
		l->dfr = (value & DFR_MODEL_MASK) | ~DFR_MODEL_MASK;
		break;
	case REG_SVR:
		write_svr(l, value);
		break;
	case REG_ESR: /* latches the errors since the last write: none */
		l->esr = 0;
		break;
	case REG_ICR_LOW:
		send_ipi(l, value);
		break;
	case REG_ICR_HIGH:
		l->icr_high = value & ICR_HIGH_MASK;
		break;
	case REG_TIMER_INITIAL:
		l->timer_initial = value;
		break;
	case REG_TIMER_DIVIDE:
		l->timer_divide = value & TIMER_DIVIDE_MASK;
		break;
	default:
		if (read_only(offset))
			l->stats.ignored_writes++;
		else
			l->stats.reserved_accesses++;
		break;
	}
}

/* Only aligned 32-bit accesses at 16-byte aligned offsets reach a
 * register (SDM Vol 3, 11.4.1 "The Local APIC Block Diagram": "registers are 128-bit aligned ... must be
 * accessed using 32-bit loads and stores"). */
static bool valid_access(u64 offset, u8 size)
{
	return size == REG_SIZE && offset % REG_ALIGN == 0 && offset < VLAPIC_PAGE_SIZE;
}

static u64 vlapic_mmio_read(void *dev, u64 offset, u8 size)
{
	struct vlapic *l = dev;

	if (!l->enabled) { /* not decoded: the bus floats */
		l->stats.disabled_accesses++;
		return ~0ULL;
	}
	if (!valid_access(offset, size)) {
		l->stats.bad_accesses++;
		return 0;
	}
	return vlapic_read(l, (u32)offset);
}

static void vlapic_mmio_write(void *dev, u64 offset, u8 size, u64 value)
{
	struct vlapic *l = dev;

	if (!l->enabled) {
		l->stats.disabled_accesses++;
		return;
	}
	if (!valid_access(offset, size)) {
		l->stats.bad_accesses++;
		return;
	}
	vlapic_write(l, (u32)offset, (u32)value);
}

int vlapic_attach(struct vlapic *l, struct io_bus *mmio)
{
	struct io_range range = {
		.base = VLAPIC_BASE,
		.len = VLAPIC_PAGE_SIZE,
		.dev = l,
		.read = vlapic_mmio_read,
		.write = vlapic_mmio_write,
		.name = "lapic",
	};

	return io_bus_register(mmio, &range);
}

u8 vlapic_tpr(const struct vlapic *l)
{
	return (u8)l->tpr;
}

void vlapic_set_tpr(struct vlapic *l, u8 tpr)
{
	l->tpr = tpr;
}

u64 vlapic_apic_base(const struct vlapic *l)
{
	return VLAPIC_BASE | VLAPIC_BASE_BSP | (l->enabled ? VLAPIC_BASE_EN : 0);
}

int vlapic_write_apic_base(struct vlapic *l, u64 value)
{
	const u64 allowed = APIC_BASE_ADDR_MASK | VLAPIC_BASE_EN | VLAPIC_BASE_BSP | VLAPIC_BASE_EXTD;
	bool enable = value & VLAPIC_BASE_EN;

	if (value & ~allowed)
		return -EINVAL; /* reserved bits */
	if (value & VLAPIC_BASE_EXTD)
		return -EINVAL; /* no x2APIC */
	if ((value & APIC_BASE_ADDR_MASK) != VLAPIC_BASE)
		return -EINVAL; /* the page cannot move */
	if (l->enabled && !enable)
		reset_registers(l); /* SDM Vol 3, 11.4.3 "Enabling or Disabling the Local APIC": state may be lost */
	l->enabled = enable;
	return 0;
}
