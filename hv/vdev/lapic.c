/*
 * Local APIC core: reset, priorities, EOI, the local vector table and
 * LINT pins, the error status register, the register file the xAPIC page
 * and the x2APIC MSRs share, and the xAPIC page itself. Accepting a
 * message is in lapic_accept.c, IPIs in lapic_ipi.c, the timer in
 * lapic_timer.c, x2APIC mode and IA32_APIC_BASE in lapic_x2apic.c.
 */
#include "hv/vdev/lapic_internal.h"

#include <string.h>

/* Bits a write keeps in each LVT entry (SDM Vol 3, Figure 11-8 "Local
 * Vector Table (LVT)"): the timer has no delivery mode, the error LVT
 * neither mode nor trigger, the LINT pins also polarity and trigger. */
static const u32 lvt_writable[VLAPIC_LVT_COUNT] = {
	[VLAPIC_LVT_TIMER] = LVT_TIMER_BITS,
	[VLAPIC_LVT_THERMAL] = LVT_DM_BITS,
	[VLAPIC_LVT_PERF] = LVT_DM_BITS,
	[VLAPIC_LVT_LINT0] = LVT_LINT_BITS,
	[VLAPIC_LVT_LINT1] = LVT_LINT_BITS,
	[VLAPIC_LVT_ERROR] = LVT_ERROR_BITS,
};

int vec_highest(const u32 *bits)
{
	for (int w = VLAPIC_VECTOR_WORDS - 1; w >= 0; w--)
		if (bits[w])
			return w * 32 + 31 - __builtin_clz(bits[w]); /* 32 vectors a word */
	return -1;
}

/* Register state after power-up or reset, and after IA32_APIC_BASE.EN is
 * cleared (SDM Vol 3, 11.4.7.1 "Local APIC State After Power-Up or Reset";
 * 11.4.3 "Enabling or Disabling the Local APIC"). */
void vl_reset(struct vlapic *l)
{
	l->x2apic = false;
	l->id = l->initial_id << XAPIC_ID_SHIFT;
	l->tpr = 0;
	l->ldr = 0;
	l->dfr = DFR_FLAT;
	l->svr = SVR_RESET;
	l->esr = 0;
	l->esr_pending = 0;
	for (unsigned i = 0; i < VLAPIC_LVT_COUNT; i++)
		l->lvt[i] = LVT_MASKED;
	l->icr_low = 0;
	l->icr_high = 0;
	memset(l->irr, 0, sizeof(l->irr));
	memset(l->isr, 0, sizeof(l->isr));
	memset(l->tmr, 0, sizeof(l->tmr));
	vl_timer_reset(l);
}

void vlapic_init(struct vlapic *l, u32 apic_id, struct vclock clock, struct vlapic_tsc tsc,
		 struct vlapic_ops ops)
{
	memset(l, 0, sizeof(*l));
	l->initial_id = apic_id;
	l->clock = clock;
	l->tsc = tsc;
	l->ops = ops;
	l->enabled = true;
	vl_reset(l);
}

/* PPR (SDM Vol 3, 11.8.3.1 "Task and Processor Priorities"): the TPR when
 * its class is at least that of the highest in-service vector, else that
 * class with sub-class 0. */
u32 vl_ppr(const struct vlapic *l)
{
	int isrv = vec_highest(l->isr);
	u32 isr_class = isrv < 0 ? 0 : VECTOR_CLASS(isrv);

	return VECTOR_CLASS(l->tpr) >= isr_class ? l->tpr : isr_class << CLASS_SHIFT;
}

/* APR (SDM Vol 3, 11.6.2.4 "Lowest Priority Delivery Mode", Figure 11-15
 * "Arbitration Priority Register (APR)"), as the figure defines it. */
static u32 apr(const struct vlapic *l)
{
	int irrv = vec_highest(l->irr), isrv = vec_highest(l->isr);
	u32 tpr_class = VECTOR_CLASS(l->tpr);
	u32 irr_class = irrv < 0 ? 0 : VECTOR_CLASS(irrv);
	u32 isr_class = isrv < 0 ? 0 : VECTOR_CLASS(isrv);

	if (tpr_class >= irr_class && tpr_class > isr_class)
		return l->tpr;
	return MAX(tpr_class & isr_class, irr_class) << CLASS_SHIFT;
}

int vlapic_pending_vector(const struct vlapic *l)
{
	int v = vec_highest(l->irr);

	if (!l->enabled || v < 0 || VECTOR_CLASS(v) <= VECTOR_CLASS(vl_ppr(l)))
		return -1;
	return v;
}

int vlapic_ack(struct vlapic *l)
{
	int v = vlapic_pending_vector(l);

	if (v < 0)
		return -1;
	vec_clear(l->irr, (u8)v);
	vec_set(l->isr, (u8)v);
	l->stats.delivered++;
	return v;
}

bool vlapic_nmi_pending(const struct vlapic *l)
{
	return l->nmi_pending;
}

void vlapic_ack_nmi(struct vlapic *l)
{
	l->nmi_pending = false;
}

void vlapic_accept_msg(struct vlapic *l, const struct vlapic_msg *m)
{
	if (l->enabled && vl_match_dest(l, m))
		vl_deliver(l, m);
}

/* Is LINT pin asserted, as its LVT's polarity reads the line? */
static bool lint_active(const struct vlapic *l, unsigned pin, bool level)
{
	return level != !!(l->lvt[VLAPIC_LVT_LINT0 + pin] & LVT_POLARITY);
}

/* A level-triggered fixed LINT keeps requesting while asserted, once per
 * EOI (remote IRR). */
static void lint_level_check(struct vlapic *l, unsigned pin)
{
	u32 entry = l->lvt[VLAPIC_LVT_LINT0 + pin];

	if ((entry & LVT_LEVEL) && lvt_mode(entry) == VLAPIC_DM_FIXED &&
	    !(entry & LVT_REMOTE_IRR) && lint_active(l, pin, l->lint[pin]))
		vl_fire_lvt(l, VLAPIC_LVT_LINT0 + pin);
}

void vlapic_set_lint(struct vlapic *l, unsigned pin, bool level)
{
	bool was;
	u32 entry;

	if (pin >= LINT_PINS)
		return;
	was = l->lint[pin];
	l->lint[pin] = level;
	if (!l->enabled) { /* LINT1 is the CPU's NMI pin (11.4.3) */
		if (pin == LINT_NMI_PIN && level && !was)
			l->nmi_pending = true;
		return;
	}
	entry = l->lvt[VLAPIC_LVT_LINT0 + pin];
	if (lvt_mode(entry) == VLAPIC_DM_EXTINT)
		return; /* the 8259 is read through INTA, not latched */
	if ((entry & LVT_LEVEL) && lvt_mode(entry) == VLAPIC_DM_FIXED)
		lint_level_check(l, pin);
	else if (lint_active(l, pin, level) && !lint_active(l, pin, was))
		vl_fire_lvt(l, VLAPIC_LVT_LINT0 + pin);
}

bool vlapic_extint_open(const struct vlapic *l)
{
	u32 lint0 = l->lvt[VLAPIC_LVT_LINT0];

	return !l->enabled || (!(lint0 & LVT_MASKED) && lvt_mode(lint0) == VLAPIC_DM_EXTINT);
}

bool vlapic_lint_nmi(const struct vlapic *l, unsigned pin)
{
	u32 entry;

	if (pin >= LINT_PINS)
		return false;
	if (!l->enabled)
		return pin == LINT_NMI_PIN;
	entry = l->lvt[VLAPIC_LVT_LINT0 + pin];
	return !(entry & LVT_MASKED) && lvt_mode(entry) == VLAPIC_DM_NMI;
}

/* EOI: the highest in-service vector is done; a level-triggered one is
 * broadcast to the IOAPICs and ends a LINT pin's remote IRR (SDM Vol 3,
 * 11.8.5 "Signaling Interrupt Servicing Completion"). */
void vl_eoi(struct vlapic *l)
{
	int v = vec_highest(l->isr);

	l->stats.eois++;
	if (v < 0)
		return;
	vec_clear(l->isr, (u8)v);
	if (!vec_test(l->tmr, (u8)v))
		return;
	for (unsigned pin = 0; pin < LINT_PINS; pin++) {
		u32 *entry = &l->lvt[VLAPIC_LVT_LINT0 + pin];

		if ((*entry & LVT_REMOTE_IRR) && (*entry & LVT_VECTOR) == (u32)v) {
			*entry &= ~LVT_REMOTE_IRR;
			lint_level_check(l, pin);
		}
	}
	if (l->ops.eoi)
		l->ops.eoi(l->ops.ctx, (u8)v);
}

/* An LVT write. While software-disabled the mask cannot be cleared
 * (11.4.7.2); the read-only remote IRR and delivery status are kept. */
void vl_write_lvt(struct vlapic *l, enum vlapic_lvt lvt, u32 value)
{
	u32 old = l->lvt[lvt];

	l->lvt[lvt] = (value & lvt_writable[lvt]) | (old & LVT_REMOTE_IRR);
	if (!sw_enabled(l))
		l->lvt[lvt] |= LVT_MASKED;
	if (lvt == VLAPIC_LVT_TIMER)
		vl_timer_lvt_changed(l, old);
	else if (lvt == VLAPIC_LVT_LINT0 || lvt == VLAPIC_LVT_LINT1)
		lint_level_check(l, lvt - VLAPIC_LVT_LINT0);
}

/* SVR; clearing the software enable masks every LVT entry (11.4.7.2). */
void vl_write_svr(struct vlapic *l, u32 value)
{
	l->svr = value & SVR_WRITABLE;
	if (!sw_enabled(l))
		for (unsigned i = 0; i < VLAPIC_LVT_COUNT; i++)
			l->lvt[i] |= LVT_MASKED;
}

/* An ESR write latches the errors since the previous one (11.5.3). */
void vl_write_esr(struct vlapic *l)
{
	l->esr = l->esr_pending;
	l->esr_pending = 0;
}

/* The LVT entry at offset, or -1. */
static int lvt_index(u32 offset)
{
	if (offset < REG_LVT_TIMER || offset > REG_LVT_ERROR)
		return -1;
	return (int)((offset - REG_LVT_TIMER) / REG_STRIDE);
}

/* The IRR, ISR or TMR word at offset, or NULL. */
static const u32 *bank_word(const struct vlapic *l, u32 offset)
{
	if (offset >= REG_ISR0 && offset < REG_ISR0 + REG_BANK_SIZE)
		return &l->isr[(offset - REG_ISR0) / REG_STRIDE];
	if (offset >= REG_TMR0 && offset < REG_TMR0 + REG_BANK_SIZE)
		return &l->tmr[(offset - REG_TMR0) / REG_STRIDE];
	if (offset >= REG_IRR0 && offset < REG_IRR0 + REG_BANK_SIZE)
		return &l->irr[(offset - REG_IRR0) / REG_STRIDE];
	return NULL;
}

bool vl_reg_read(struct vlapic *l, u32 offset, u32 *value)
{
	const u32 *bank = bank_word(l, offset);
	int lvt = lvt_index(offset);

	if (bank || lvt >= 0) {
		*value = bank ? *bank : l->lvt[lvt];
		return true;
	}
	switch (offset) {
	case REG_ID: *value = l->x2apic ? l->initial_id : l->id; return true;
	case REG_VERSION: *value = VLAPIC_VERSION; return true;
	case REG_TPR: *value = l->tpr; return true;
	case REG_PPR: *value = vl_ppr(l); return true;
	case REG_LDR: *value = l->ldr; return true;
	case REG_SVR: *value = l->svr; return true;
	case REG_ESR: *value = l->esr; return true;
	case REG_TIMER_INITIAL: *value = l->timer.initial; return true;
	case REG_TIMER_CURRENT: *value = vl_timer_current(l); return true;
	case REG_TIMER_DIVIDE: *value = l->timer.divide; return true;
	default: return false;
	}
}

bool vl_reg_write(struct vlapic *l, u32 offset, u32 value)
{
	int lvt = lvt_index(offset);

	if (lvt >= 0) {
		vl_write_lvt(l, (enum vlapic_lvt)lvt, value);
		return true;
	}
	switch (offset) {
	case REG_TPR: l->tpr = value & TPR_MASK; return true;
	case REG_EOI: vl_eoi(l); return true;
	case REG_SVR: vl_write_svr(l, value); return true;
	case REG_ESR: vl_write_esr(l); return true;
	case REG_TIMER_INITIAL: vl_timer_write_initial(l, value); return true;
	case REG_TIMER_DIVIDE: vl_timer_write_divide(l, value); return true;
	default: return false;
	}
}

/* An access to an offset with no register (11.5.3: illegal register
 * address). */
static void reserved_access(struct vlapic *l)
{
	l->stats.reserved_accesses++;
	vl_error(l, ESR_ILLEGAL_REGISTER);
}

u32 vlapic_read(struct vlapic *l, u32 offset)
{
	u32 value;

	vlapic_update(l);
	if (vl_reg_read(l, offset, &value))
		return value;
	switch (offset) {
	case REG_APR: return apr(l);
	case REG_DFR: return l->dfr;
	case REG_ICR_LOW: return l->icr_low; /* delivery status: always idle */
	case REG_ICR_HIGH: return l->icr_high;
	case REG_EOI: /* write-only */
	case REG_RRD: /* remote read is not supported: never valid */
		return 0;
	default:
		reserved_access(l);
		return 0;
	}
}

/* xAPIC registers that exist but ignore writes. */
static bool xapic_read_only(u32 offset)
{
	return offset == REG_VERSION || offset == REG_APR || offset == REG_PPR ||
	       offset == REG_RRD || offset == REG_TIMER_CURRENT ||
	       (offset >= REG_ISR0 && offset < REG_IRR0 + REG_BANK_SIZE);
}

void vlapic_write(struct vlapic *l, u32 offset, u32 value)
{
	vlapic_update(l);
	if (vl_reg_write(l, offset, value))
		return;
	switch (offset) {
	case REG_ID: l->id = value & XAPIC_ID_MASK; return;
	case REG_LDR: l->ldr = value & LDR_XAPIC_MASK; return;
	case REG_DFR: l->dfr = (value & DFR_MODEL_MASK) | ~DFR_MODEL_MASK; return;
	case REG_ICR_HIGH: l->icr_high = value & ICR_HIGH_BITS; return;
	case REG_ICR_LOW:
		l->icr_low = value & ICR_LOW_BITS;
		vl_send_ipi(l, l->icr_low, l->icr_high >> XAPIC_ID_SHIFT);
		return;
	default:
		if (xapic_read_only(offset))
			l->stats.ignored_writes++;
		else
			reserved_access(l);
	}
}

/* Only aligned 32-bit accesses at 16-byte offsets reach a register (SDM
 * Vol 3, 11.4.1 "The Local APIC Block Diagram": registers are 128-bit
 * aligned and accessed with 32-bit loads and stores). */
static bool valid_access(u64 offset, u8 size)
{
	return size == REG_SIZE && offset % REG_STRIDE == 0 && offset < VLAPIC_PAGE_SIZE;
}

/* The page is decoded only in xAPIC mode: disabled, or in x2APIC mode
 * (11.12.2 "x2APIC Register Availability"), the bus floats. */
static bool page_decoded(struct vlapic *l)
{
	if (l->enabled && !l->x2apic)
		return true;
	l->stats.disabled_accesses++;
	return false;
}

static u64 vlapic_mmio_read(void *dev, u64 offset, u8 size)
{
	struct vlapic *l = dev;

	if (!page_decoded(l))
		return ~0ULL;
	if (!valid_access(offset, size)) {
		l->stats.bad_accesses++;
		return 0;
	}
	return vlapic_read(l, (u32)offset);
}

static void vlapic_mmio_write(void *dev, u64 offset, u8 size, u64 value)
{
	struct vlapic *l = dev;

	if (!page_decoded(l))
		return;
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
