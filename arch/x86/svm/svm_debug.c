/*
 * Controls for record/replay and tracing on SVM: an execute breakpoint
 * (AMD64 APM Vol 2, 13.1 "Software-Debug Resources"), single-stepping with
 * RFLAGS.TF and the #DB intercept (SVM has no monitor trap flag), and the
 * CR3 write intercept.
 */
#include "arch/x86/svm/svm.h"

#include "arch/x86/regs.h"
#include "arch/x86/trap.h"

#define DR7_L0 (1ULL << 0)
#define DR7_RW0_LEN0_MASK (0xFULL << 16)
#define DR7_RESERVED_ONE (1ULL << 10)
#define CR_WRITE_SHIFT 16
#define ALL_EXCEPTIONS 0xFFFFFFFFu

void svm_set_breakpoint(struct vcpu_arch *v, u64 linear, bool on)
{
	struct svm_vcpu *sv = svm(v);
	struct vmcb_save *st = &sv->vmcb->save;

	if (on) {
		if (!sv->breakpoint_armed)
			sv->saved_dr7 = st->dr7;
		sv->breakpoint_armed = true;
		__asm__ volatile("mov %0, %%dr0" : : "r"(linear));
		st->dr7 = DR7_RESERVED_ONE | DR7_L0 | (sv->saved_dr7 & ~(DR7_L0 | DR7_RW0_LEN0_MASK));
	} else if (sv->breakpoint_armed) {
		sv->breakpoint_armed = false;
		st->dr7 = sv->saved_dr7;
	}
}

/* TF makes the next instruction trap with #DB; every exception is
 * intercepted meanwhile, since an instruction that faults never gets its
 * single-step trap. svm_run turns the trap into VEXIT_MTF. No step is taken
 * on an entry that injects an event: the frame the event pushes would show
 * our TF to the guest. */
void svm_set_single_step(struct vcpu_arch *v, bool on)
{
	struct svm_vcpu *sv = svm(v);
	struct vmcb *vmcb = sv->vmcb;

	if (on && (vmcb->control.event_inj & SVM_EVTINJ_VALID))
		return; /* the event's frame would carry our TF: no step this time */
	if (on == sv->stepping)
		return;
	sv->stepping = on;
	if (on) {
		sv->saved_exception_intercepts = vmcb->control.intercept_exceptions;
		sv->guest_tf = vmcb->save.rflags & RFLAGS_TF;
		vmcb->control.intercept_exceptions = ALL_EXCEPTIONS;
		vmcb->save.rflags |= RFLAGS_TF;
	} else {
		vmcb->control.intercept_exceptions = sv->saved_exception_intercepts;
		vmcb->save.rflags = (vmcb->save.rflags & ~(u64)RFLAGS_TF) | sv->guest_tf;
	}
}

void svm_set_cr3_exiting(struct vcpu_arch *v, bool on)
{
	struct vmcb_control *c = &svm(v)->vmcb->control;
	u32 bit = 1u << (3 + CR_WRITE_SHIFT);

	c->intercept_cr = on ? c->intercept_cr | bit : c->intercept_cr & ~bit;
}
