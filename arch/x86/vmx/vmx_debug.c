/*
 * Controls for record/replay and tracing on VMX: an execute breakpoint for
 * finding asynchronous landmarks (SDM Vol 3, 18.2 "Debug Registers"), the
 * monitor trap flag for single-stepping (SDM Vol 3, 26.5.2 "Monitor Trap
 * Flag") or, without it, RFLAGS.TF through the shared arch/x86/vcpu_debug.c,
 * and CR3-load exiting.
 */
#include "arch/x86/vmx/vmx.h"

#include "arch/x86/debug_regs.h"
#include "arch/x86/trap.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_caps.h"

#define ENTRY_INFO_VALID (1u << 31) /* 25.8.3 "VM-Entry Controls for Event Injection": valid */

static u64 get_dr7(struct vcpu_arch *v)
{
	return vmcs_readnat(VMCS_GUEST_DR7);
}

static void set_dr7(struct vcpu_arch *v, u64 dr7)
{
	vmcs_writenat(VMCS_GUEST_DR7, dr7);
}

static u32 get_exception_bitmap(struct vcpu_arch *v)
{
	return vmcs_read32(VMCS_EXCEPTION_BITMAP);
}

static void set_exception_bitmap(struct vcpu_arch *v, u32 bitmap)
{
	vmcs_write32(VMCS_EXCEPTION_BITMAP, bitmap);
}

static bool injecting_event(struct vcpu_arch *v)
{
	return vmcs_read32(VMCS_ENTRY_INTERRUPTION_INFO) & ENTRY_INFO_VALID;
}

/* DR0 is not part of the VMCS: the host's DR0 is the guest's while it runs. */
static void set_dr0(u64 linear)
{
	__asm__ volatile("mov %0, %%dr0" : : "r"(linear));
}

/* The guest's DR6 is the CPU's while VMX runs it (VM entries and exits
 * leave DR6 alone, SDM Vol 3, 28.2.1 "Basic VM-Exit Information"): the
 * trap's BS goes there, the #DB is an injected hardware exception. */
void vmx_raise_step_trap(struct vcpu_arch *v)
{
	struct vevent ev = { VEVENT_EXCEPTION, EXC_DB, false, 0 };
	u64 dr6;

	__asm__ volatile("mov %%dr6, %0" : "=r"(dr6));
	__asm__ volatile("mov %0, %%dr6" : : "r"(dr6 | DR6_BS));
	vmx_inject(v, &ev);
}

/* A #DB exit leaves DR6 alone (28.2.1): nothing to clear. */
const struct vcpu_debug_hooks vmx_debug_hooks = {
	.get_rflags = vmx_get_rflags,
	.set_rflags = vmx_set_rflags,
	.get_dr7 = get_dr7,
	.set_dr7 = set_dr7,
	.get_exception_intercepts = get_exception_bitmap,
	.set_exception_intercepts = set_exception_bitmap,
	.injecting_event = injecting_event,
	.clear_step_status = NULL,
	.get_dr0 = debug_dr0_read,
	.set_dr0 = set_dr0,
};

static void set_proc_control(struct vmx_vcpu *vx, u32 bit, bool on)
{
	u32 want = on ? vx->proc_controls | bit : vx->proc_controls & ~bit;

	if (want != vx->proc_controls) {
		vx->proc_controls = want;
		vmcs_write32(VMCS_PRIMARY_PROC_CONTROLS, want);
	}
}

void vmx_set_breakpoint(struct vcpu_arch *v, u64 linear, bool on)
{
	vcpu_debug_set_breakpoint(&vmx(v)->dbg, &vmx_debug_hooks, v, linear, on);
}

/* With the monitor trap flag where the CPU has it; else with RFLAGS.TF,
 * whose trap vmx_run turns into VEXIT_MTF. */
void vmx_set_single_step(struct vcpu_arch *v, bool on)
{
	if (vmx_has_mtf())
		set_proc_control(vmx(v), PROC_MONITOR_TRAP_FLAG, on);
	else
		vcpu_debug_set_tf_step(&vmx(v)->dbg, &vmx_debug_hooks, v, on);
}

void vmx_set_cr3_exiting(struct vcpu_arch *v, bool on)
{
	set_proc_control(v->backend, PROC_CR3_LOAD_EXITING, on);
}
