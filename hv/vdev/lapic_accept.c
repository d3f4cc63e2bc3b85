/*
 * A message reaching the local APIC, and the local interrupt sources that
 * raise one: acceptance by delivery mode into IRR/TMR or the NMI latch
 * (SDM Vol 3, 11.8.4 "Interrupt Acceptance for Fixed Interrupts"), errors
 * into the ESR, LVT entries that fire, and what the model does not emulate
 * (SMI, INIT, SIPI), which it reports. The lowest layer of the model:
 * lapic.c, lapic_ipi.c and lapic_timer.c call it.
 */
#include "hv/vdev/lapic_internal.h"

/* Tells the APIC's owner about something it does not emulate. */
void vl_unsupported(struct vlapic *l, enum vlapic_unsupported what, u64 detail,
		    const struct vlapic_msg *m)
{
	if (l->ops.unsupported)
		l->ops.unsupported(l->ops.ctx, what, detail, m);
}

/* An error the APIC detected: latched for the next ESR write, and the
 * error LVT's interrupt (SDM Vol 3, 11.5.3 "Error Handling"). An error LVT
 * with an illegal vector only latches, so errors cannot recurse. */
void vl_error(struct vlapic *l, u32 esr_bit)
{
	l->esr_pending |= esr_bit;
	l->stats.errors++;
	if ((l->lvt[VLAPIC_LVT_ERROR] & LVT_VECTOR) >= FIRST_LEGAL_VECTOR)
		vl_fire_lvt(l, VLAPIC_LVT_ERROR);
}

/* A fixed interrupt enters IRR; TMR records its trigger mode (SDM Vol 3,
 * 11.8.4 "Interrupt Acceptance for Fixed Interrupts"). Vectors 0-15 are
 * illegal: refused with an ESR error. */
static void accept_fixed(struct vlapic *l, u8 vector, bool level)
{
	if (vector < FIRST_LEGAL_VECTOR) {
		vl_error(l, ESR_RECV_ILLEGAL_VECTOR);
		return;
	}
	vec_set(l->irr, vector);
	if (level)
		vec_set(l->tmr, vector);
	else
		vec_clear(l->tmr, vector);
	l->stats.accepted++;
}

/* A message addressed to this CPU, by delivery mode. While software-
 * disabled the APIC still takes NMI, SMI, INIT and SIPI but no fixed
 * interrupts (SDM Vol 3, 11.4.7.2 "Local APIC State After It Has Been
 * Software Disabled"). */
void vl_deliver(struct vlapic *l, const struct vlapic_msg *m)
{
	switch (m->mode) {
	case VLAPIC_DM_FIXED:
	case VLAPIC_DM_LOWEST:
		if (!sw_enabled(l))
			l->stats.discarded++;
		else
			accept_fixed(l, m->vector, m->level);
		break;
	case VLAPIC_DM_NMI:
		l->nmi_pending = true;
		l->stats.nmis++;
		break;
	case VLAPIC_DM_SMI:
		l->stats.smis++;
		vl_unsupported(l, VLAPIC_UNSUP_SMI, 0, m);
		break;
	case VLAPIC_DM_INIT:
		l->stats.init_ipis++;
		vl_unsupported(l, VLAPIC_UNSUP_INIT, 0, m);
		break;
	case VLAPIC_DM_STARTUP:
		l->stats.startup_ipis++;
		vl_unsupported(l, VLAPIC_UNSUP_STARTUP, 0, m);
		break;
	default: /* ExtINT reaches the CPU as INTR (vlapic_extint_open); 3 is reserved */
		break;
	}
}

/* A local interrupt source signals through its LVT entry: masked, it is
 * lost; the timer and error entries are always fixed and edge-triggered
 * (SDM Vol 3, 11.5.1 "Local Vector Table"). */
void vl_fire_lvt(struct vlapic *l, enum vlapic_lvt lvt)
{
	u32 entry = l->lvt[lvt];
	bool fixed_only = lvt == VLAPIC_LVT_TIMER || lvt == VLAPIC_LVT_ERROR;
	struct vlapic_msg m = { .vector = (u8)(entry & LVT_VECTOR),
				.mode = fixed_only ? VLAPIC_DM_FIXED : lvt_mode(entry) };

	if (entry & LVT_MASKED)
		return;
	if (m.mode == VLAPIC_DM_FIXED && (lvt == VLAPIC_LVT_LINT0 || lvt == VLAPIC_LVT_LINT1) &&
	    (entry & LVT_LEVEL)) {
		m.level = true;
		l->lvt[lvt] |= LVT_REMOTE_IRR; /* until the EOI of its vector */
	}
	vl_deliver(l, &m);
}
