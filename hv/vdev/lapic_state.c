/* The local APIC's state in a snapshot (hv/vdev/vdev_state.h): its
 * registers (TPR, and with it CR8), IRR/ISR/TMR, the LVT, the mode
 * (IA32_APIC_BASE's EN and EXTD), pending NMI, LINT levels and the timer
 * in device time. */
#include "hv/vdev/lapic.h"
#include "hv/vdev/vdev_state.h"

static void timer_io(struct vstate *s, struct vlapic_timer *t)
{
	VSTATE(s, t->initial);
	VSTATE(s, t->divide);
	VSTATE(s, t->base_ns);
	VSTATE(s, t->base_count);
	VSTATE(s, t->expire_ns);
	VSTATE(s, t->deadline);
}

static void vlapic_io(struct vstate *s, struct vlapic *l)
{
	VSTATE(s, l->initial_id);
	VSTATE(s, l->id);
	VSTATE(s, l->tpr);
	VSTATE(s, l->ldr);
	VSTATE(s, l->dfr);
	VSTATE(s, l->svr);
	VSTATE(s, l->esr);
	VSTATE(s, l->esr_pending);
	VSTATE_ARRAY(s, l->lvt);
	VSTATE(s, l->icr_low);
	VSTATE(s, l->icr_high);
	VSTATE_ARRAY(s, l->irr);
	VSTATE_ARRAY(s, l->isr);
	VSTATE_ARRAY(s, l->tmr);
	VSTATE_BOOL(s, l->enabled);
	VSTATE_BOOL(s, l->x2apic);
	VSTATE_BOOL(s, l->nmi_pending);
	VSTATE_BOOL(s, l->lint[0]);
	VSTATE_BOOL(s, l->lint[1]);
	timer_io(s, &l->timer);
	vstate_check(s, l->tpr <= 0xFF && (l->enabled || !l->x2apic));
}

VSTATE_SAVE_LOAD(vlapic_state, struct vlapic, vlapic_io)
