/* Reads the VMX capability MSRs once (SDM Vol 3, Appendix A "VMX
 * Capability Reporting Facility"). */
#include "arch/x86/vmx/vmx_caps.h"

#include "arch/x86/cpu.h"

static struct vmx_caps caps;

/* Bits 31:0 of a control capability MSR are the allowed-0 settings (1 =
 * must be 1), bits 63:32 the allowed-1 settings (1 = may be 1). */
static struct vmx_ctl_caps ctl_caps(u32 msr)
{
	u64 v = rdmsr(msr);

	return (struct vmx_ctl_caps){ (u32)v, (u32)(v >> 32) };
}

void vmx_caps_read(struct vmx_caps *c)
{
	bool true_ctls;

	c->basic = rdmsr(MSR_IA32_VMX_BASIC);
	c->revision = c->basic & VMX_BASIC_REVISION_MASK;
	true_ctls = c->basic & VMX_BASIC_TRUE_CTLS;
	/* A.3.1: with true controls, the TRUE_* MSRs report which default-1
	 * bits may be cleared. */
	c->pin = ctl_caps(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS);
	c->proc = ctl_caps(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS);
	c->exit = ctl_caps(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS);
	c->entry = ctl_caps(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS);
	c->proc2 = (c->proc.may_be_1 & PROC_SECONDARY_CONTROLS) ? ctl_caps(MSR_IA32_VMX_PROCBASED_CTLS2)
								: (struct vmx_ctl_caps){ 0, 0 };
	c->misc = rdmsr(MSR_IA32_VMX_MISC);
	c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	/* A.10: the EPT/VPID MSR exists if either feature may be enabled. */
	c->ept_vpid = (c->proc2.may_be_1 & (PROC2_ENABLE_EPT | PROC2_ENABLE_VPID))
			      ? rdmsr(MSR_IA32_VMX_EPT_VPID_CAP) : 0;
	caps = *c;
}

const struct vmx_caps *vmx_caps(void)
{
	return &caps;
}

u32 vmx_adjust_controls(const struct vmx_ctl_caps *c, u32 desired, u32 *missing)
{
	*missing = desired & ~c->may_be_1;
	return (desired | c->must_be_1) & c->may_be_1;
}
