/* Breakpoint 0 and TF single-stepping for both backends (see vcpu_debug.h). */
#include "arch/x86/vcpu_debug.h"

#include "arch/x86/regs.h"
#include "arch/x86/trap.h"

#define ALL_EXCEPTIONS 0xFFFFFFFFu

u64 vcpu_debug_dr7_with_bp0(u64 guest_dr7)
{
	return DR7_RESERVED_ONE | DR7_L0 | (guest_dr7 & ~(DR7_L0 | DR7_RW0_LEN0_MASK));
}

void vcpu_debug_set_breakpoint(struct vcpu_debug *d, const struct vcpu_debug_hooks *h,
			       struct vcpu_arch *v, u64 linear, bool on)
{
	if (on) {
		if (!d->breakpoint_armed) {
			d->saved_dr7 = h->get_dr7(v);
			d->saved_dr0 = h->get_dr0();
		}
		d->breakpoint_armed = true;
		h->set_dr0(linear);
		h->set_dr7(v, vcpu_debug_dr7_with_bp0(d->saved_dr7));
	} else if (d->breakpoint_armed) {
		d->breakpoint_armed = false;
		h->set_dr0(d->saved_dr0);
		h->set_dr7(v, d->saved_dr7);
	}
}

/* SDM Vol 3, 18.3.1.4 "Single-Step Exception Condition": with TF set the
 * CPU raises a #DB trap after each instruction; an instruction that faults
 * never gets its trap, so every exception is intercepted meanwhile. */
void vcpu_debug_set_tf_step(struct vcpu_debug *d, const struct vcpu_debug_hooks *h,
			    struct vcpu_arch *v, bool on)
{
	u64 rflags;

	if (on && h->injecting_event(v))
		return; /* the event's frame would carry our TF: no step this time */
	if (on == d->stepping)
		return;
	d->stepping = on;
	rflags = h->get_rflags(v);
	if (on) {
		d->saved_intercepts = h->get_exception_intercepts(v);
		d->guest_tf = rflags & RFLAGS_TF;
		h->set_exception_intercepts(v, ALL_EXCEPTIONS);
		h->set_rflags(v, rflags | RFLAGS_TF);
	} else {
		h->set_exception_intercepts(v, d->saved_intercepts);
		h->set_rflags(v, (rflags & ~RFLAGS_TF) | d->guest_tf);
	}
}

/* Is a #DB exit during our step the step's trap? DR6.BS says so; Bochs'
 * SVM leaves DR6 as it was at a #DB intercept (no cause recorded at all),
 * so a #DB with no recorded cause counts as the step's too (a guest ICEBP
 * in that one-instruction window would be taken for it). */
static bool step_trap(const struct vexit *e)
{
	u64 dr6 = e->exception.cr2_or_dr6;

	return e->exception.vector == EXC_DB &&
	       ((dr6 & DR6_BS) || !(dr6 & (DR6_BREAKPOINTS | DR6_BD | DR6_BS | DR6_BT)));
}

void vcpu_debug_finish_tf_step(struct vcpu_debug *d, const struct vcpu_debug_hooks *h,
			       struct vcpu_arch *v, struct vexit *e)
{
	bool exception = e->reason == VEXIT_EXCEPTION;

	if (!d->stepping)
		return;
	if (exception && step_trap(e) && !d->guest_tf) {
		e->reason = VEXIT_MTF;
		if (h->clear_step_status)
			h->clear_step_status(v);
	} else if (exception && !(d->saved_intercepts & (1u << e->exception.vector))) {
		e->step_intercepted = true;
	}
	vcpu_debug_set_tf_step(d, h, v, false);
}
