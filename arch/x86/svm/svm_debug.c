/*
 * Controls for record/replay and tracing on SVM: an execute breakpoint
 * (AMD64 APM Vol 2, 13.1 "Software-Debug Resources"), single-stepping with
 * RFLAGS.TF and the #DB intercept (SVM has no monitor trap flag), both
 * through the shared arch/x86/vcpu_debug.c, and the CR3 write intercept.
 */
#include "arch/x86/svm/svm.h"

#include "arch/x86/regs.h"
#include "arch/x86/debug_regs.h"
#include "arch/x86/trap.h"

#define CR_WRITE_SHIFT 16 /* 15.9 "Instruction Intercepts": CR writes are bits 31:16 */

static u64 get_dr7(struct vcpu_arch *v)
{
	return svm(v)->vmcb->save.dr7;
}

static void set_dr7(struct vcpu_arch *v, u64 dr7)
{
	svm(v)->vmcb->save.dr7 = dr7;
}

static u32 get_exception_intercepts(struct vcpu_arch *v)
{
	return svm(v)->vmcb->control.intercept_exceptions;
}

static void set_exception_intercepts(struct vcpu_arch *v, u32 bitmap)
{
	svm(v)->vmcb->control.intercept_exceptions = bitmap;
}

static bool injecting_event(struct vcpu_arch *v)
{
	return svm(v)->vmcb->control.event_inj & SVM_EVTINJ_VALID;
}

/* The guest's DR6 lives in the VMCB: take our step's BS out of it. */
static void clear_step_status(struct vcpu_arch *v)
{
	svm(v)->vmcb->save.dr6 &= ~DR6_BS;
}

/* The guest's DR6 is the VMCB's (APM Vol 2, 15.5.1 "Basic Operation"):
 * the trap's BS goes there, the #DB is an injected exception. */
void svm_raise_step_trap(struct vcpu_arch *v)
{
	struct vevent ev = { VEVENT_EXCEPTION, EXC_DB, false, 0 };

	svm(v)->vmcb->save.dr6 |= DR6_BS;
	svm_inject(v, &ev);
}

static void set_dr0(u64 linear)
{
	__asm__ volatile("mov %0, %%dr0" : : "r"(linear));
}

const struct vcpu_debug_hooks svm_debug_hooks = {
	.get_rflags = svm_get_rflags,
	.set_rflags = svm_set_rflags,
	.get_dr7 = get_dr7,
	.set_dr7 = set_dr7,
	.get_exception_intercepts = get_exception_intercepts,
	.set_exception_intercepts = set_exception_intercepts,
	.injecting_event = injecting_event,
	.clear_step_status = clear_step_status,
	.get_dr0 = debug_dr0_read,
	.set_dr0 = set_dr0,
};

void svm_set_breakpoint(struct vcpu_arch *v, u64 linear, bool on)
{
	vcpu_debug_set_breakpoint(&svm(v)->dbg, &svm_debug_hooks, v, linear, on);
}

void svm_set_single_step(struct vcpu_arch *v, bool on)
{
	vcpu_debug_set_tf_step(&svm(v)->dbg, &svm_debug_hooks, v, on);
}

void svm_set_cr3_exiting(struct vcpu_arch *v, bool on)
{
	struct vmcb_control *c = &svm(v)->vmcb->control;
	u32 bit = 1u << (3 + CR_WRITE_SHIFT);

	c->intercept_cr = on ? c->intercept_cr | bit : c->intercept_cr & ~bit;
}
