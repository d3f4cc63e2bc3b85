/* The VMX backend as seen by hv/. */
#include "arch/x86/vmx/ept.h"
#include "arch/x86/vmx/vmx.h"
#include "arch/x86/vmx/vmx_caps.h"

static bool vmx_can_intercept(enum vexit_reason r)
{
	switch (r) {
	case VEXIT_RDRAND: return vmx_has_rdrand_exiting();
	case VEXIT_RDSEED: return vmx_has_rdseed_exiting();
	default: return true;
	}
}

const struct virt_backend vmx_backend = {
	.name = "vmx",
	.probe = vmx_probe,
	.cpu_enable = vmx_cpu_enable,
	.can_intercept = vmx_can_intercept,
	.stage2_format = &ept_format,
	.stage2_flush = vmx_stage2_flush,
	.vcpu_create = vmx_vcpu_create,
	.set_state = vmx_set_state,
	.get_state = vmx_get_state,
	.run = vmx_run,
	.get_rip = vmx_get_rip,
	.set_rip = vmx_set_rip,
	.advance_rip = vmx_advance_rip,
	.raise_step_trap = vmx_raise_step_trap,
	.get_rflags = vmx_get_rflags,
	.set_rflags = vmx_set_rflags,
	.get_cr = vmx_get_cr,
	.set_cr = vmx_set_cr,
	.get_efer = vmx_get_efer,
	.set_efer = vmx_set_efer,
	.get_segment = vmx_get_segment,
	.state_msr = vmx_state_msr,
	.interruptible = vmx_interruptible,
	.inject = vmx_inject,
	.event_pending = vmx_event_pending,
	.drop_events = vmx_drop_events,
	.request_intr_window = vmx_request_intr_window,
	.nmi_blocked = vmx_nmi_blocked,
	.request_nmi_window = vmx_request_nmi_window,
	.set_timer = vmx_set_timer,
	.flush_guest_tlb = vmx_flush_guest_tlb,
	.dump = vmx_dump,
	.set_breakpoint = vmx_set_breakpoint,
	.set_single_step = vmx_set_single_step,
	.set_cr3_exiting = vmx_set_cr3_exiting,
	.stage2_has_ad = vmx_stage2_has_ad,
	.has_pml = vmx_has_pml_logging,
	.stage2_set_ad = vmx_stage2_set_ad,
	.pml_set = vmx_pml_set,
	.pml_drain = vmx_pml_drain,
};
