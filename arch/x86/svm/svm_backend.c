/* The SVM backend as seen by hv/. */
#include "arch/x86/svm/npt.h"
#include "arch/x86/svm/svm.h"

/* SVM cannot intercept RDRAND or RDSEED (APM Vol 2, 15.9 "Instruction
 * Intercepts" lists neither): the guest CPUID hides them instead. */
static bool svm_can_intercept(enum vexit_reason r)
{
	return r != VEXIT_RDRAND && r != VEXIT_RDSEED;
}

static void svm_stage2_flush(struct vcpu_arch *v)
{
	svm_flush_guest_tlb(v);
}

/* Nested page tables are ordinary page tables, whose leaves the CPU marks
 * accessed and dirty as it walks them (APM Vol 2, 15.25 "Nested Paging";
 * 5.4.1 "Field Definitions": Accessed and Dirty); there is nothing to turn
 * on. hv/dirty_ad.c checks on its first epoch that the CPU really does. */
static bool svm_stage2_has_ad(void)
{
	return true;
}

/* SVM has no page-modification log. */
static bool svm_has_pml(void)
{
	return false;
}

static void svm_stage2_set_ad(struct vcpu_arch *v, bool on)
{
	svm_flush_guest_tlb(v);
}

const struct virt_backend svm_backend = {
	.name = "svm",
	.probe = svm_probe,
	.cpu_enable = svm_cpu_enable,
	.can_intercept = svm_can_intercept,
	.stage2_format = &npt_format,
	.stage2_flush = svm_stage2_flush,
	.vcpu_create = svm_vcpu_create,
	.set_state = svm_set_state,
	.get_state = svm_get_state,
	.run = svm_run,
	.get_rip = svm_get_rip,
	.set_rip = svm_set_rip,
	.advance_rip = svm_advance_rip,
	.raise_step_trap = svm_raise_step_trap,
	.get_rflags = svm_get_rflags,
	.set_rflags = svm_set_rflags,
	.get_cr = svm_get_cr,
	.set_cr = svm_set_cr,
	.get_efer = svm_get_efer,
	.set_efer = svm_set_efer,
	.get_segment = svm_get_segment,
	.state_msr = svm_state_msr,
	.interruptible = svm_interruptible,
	.inject = svm_inject,
	.event_pending = svm_event_pending,
	.drop_events = svm_drop_events,
	.request_intr_window = svm_request_intr_window,
	.nmi_blocked = svm_nmi_blocked,
	.request_nmi_window = svm_request_nmi_window,
	.set_timer = svm_set_timer,
	.flush_guest_tlb = svm_flush_guest_tlb,
	.dump = svm_dump,
	.set_breakpoint = svm_set_breakpoint,
	.set_single_step = svm_set_single_step,
	.set_cr3_exiting = svm_set_cr3_exiting,
	.stage2_has_ad = svm_stage2_has_ad,
	.has_pml = svm_has_pml,
	.stage2_set_ad = svm_stage2_set_ad,
};
