/*
 * Event injection (SDM Vol 3, 27.6 "Event Injection"), interrupt windows,
 * the exit deadline, and the report printed when something goes wrong.
 */
#include "arch/x86/vmx/vmx.h"

#include "arch/x86/cpu.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_caps.h"
#include "log.h"

/* 25.8.3 "VM-Entry Controls for Event Injection", Table 25-17 */
#define ENTRY_INFO_VALID (1u << 31)
#define ENTRY_INFO_ERROR_CODE (1u << 11)
#define ENTRY_TYPE_EXTINT 0
#define ENTRY_TYPE_NMI 2
#define ENTRY_TYPE_HW_EXCEPTION 3
#define ENTRY_TYPE_SOFT_INTR 4

/* 25.4.2 "Guest Non-Register State", Table 25-3 "Format of Interruptibility State" */
#define INTERRUPTIBILITY_STI (1u << 0)
#define INTERRUPTIBILITY_MOV_SS (1u << 1)
#define INTERRUPTIBILITY_NMI (1u << 3) /* virtual-NMI blocking, with virtual NMIs */


bool vmx_interruptible(struct vcpu_arch *v)
{
	return (vmx_get_rflags(v) & RFLAGS_IF) &&
	       !(vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) &
		 (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)) &&
	       !vmx_event_pending(v);
}

bool vmx_event_pending(struct vcpu_arch *v)
{
	return vmcs_read32(VMCS_ENTRY_INTERRUPTION_INFO) & ENTRY_INFO_VALID;
}

/* The CPU keeps the guest's NMI blocking in its interruptibility state,
 * which the new vCPU state replaces: the injection alone is dropped. */
void vmx_drop_events(struct vcpu_arch *v)
{
	vmcs_write32(VMCS_ENTRY_INTERRUPTION_INFO, 0);
}

void vmx_inject(struct vcpu_arch *v, const struct vevent *e)
{
	static const u32 types[] = {
		[VEVENT_EXTINT] = ENTRY_TYPE_EXTINT,
		[VEVENT_NMI] = ENTRY_TYPE_NMI,
		[VEVENT_EXCEPTION] = ENTRY_TYPE_HW_EXCEPTION,
		[VEVENT_SOFTINT] = ENTRY_TYPE_SOFT_INTR,
	};
	u32 info = ENTRY_INFO_VALID | types[e->type] << 8 | e->vector;

	if (e->has_error_code) {
		info |= ENTRY_INFO_ERROR_CODE;
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, e->error_code);
	}
	vmcs_write32(VMCS_ENTRY_INTERRUPTION_INFO, info);
}

void vmx_request_intr_window(struct vcpu_arch *v, bool on)
{
	struct vmx_vcpu *vx = vmx(v);
	u32 want = on ? vx->proc_controls | PROC_INTR_WINDOW_EXITING
		      : vx->proc_controls & ~PROC_INTR_WINDOW_EXITING;

	if (want != vx->proc_controls) {
		vx->proc_controls = want;
		vmcs_write32(VMCS_PRIMARY_PROC_CONTROLS, want);
	}
}

/* With virtual NMIs the CPU tracks the guest's NMI blocking: set by an
 * injected NMI, cleared by its IRET (SDM Vol 3, 26.3 "Changes to
 * Instruction Behavior in VMX Non-Root Operation", IRET; 25.4.2 "Guest
 * Non-Register State"). STI blocking counts too, as some processors block
 * NMIs after STI. Without virtual NMIs no NMI is ever injected. */
bool vmx_nmi_blocked(struct vcpu_arch *v)
{
	static bool warned;

	if (!vmx_has_virtual_nmis()) {
		if (!warned)
			pr_warn("vmx: this CPU has no virtual NMIs: the guest's NMIs are not delivered");
		warned = true;
		return true;
	}
	return vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) &
	       (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS | INTERRUPTIBILITY_NMI);
}

/* NMI-window exiting: an exit before the first instruction with no
 * virtual-NMI blocking (SDM Vol 3, 26.2 "Other Causes of VM Exits",
 * NMI-window exiting). */
bool vmx_request_nmi_window(struct vcpu_arch *v, bool on)
{
	struct vmx_vcpu *vx = vmx(v);
	u32 want = on && vmx_has_virtual_nmis() ? vx->proc_controls | PROC_NMI_WINDOW_EXITING
						 : vx->proc_controls & ~PROC_NMI_WINDOW_EXITING;

	if (want != vx->proc_controls) {
		vx->proc_controls = want;
		vmcs_write32(VMCS_PRIMARY_PROC_CONTROLS, want);
	}
	return false;
}

void vmx_set_timer(struct vcpu_arch *v, u64 tsc_deadline)
{
	vmx(v)->timer_deadline = tsc_deadline;
}

void vmx_dump(struct vcpu_arch *v)
{
	struct vmx_vcpu *vx = vmx(v);

	console_printf("  VMCS at %#llx, %s\n", vx->vmcs_pa,
		       vx->launched ? "launched" : "not launched");
	vmcs_dump();
}
