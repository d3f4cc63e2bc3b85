/*
 * Controls for record/replay and tracing on VMX: an execute breakpoint for
 * finding asynchronous landmarks (SDM Vol 3, 18.2 "Debug Registers"), the
 * monitor trap flag for single-stepping (SDM Vol 3, 26.5.2 "Monitor Trap
 * Flag"), and CR3-load exiting.
 */
#include "arch/x86/vmx/vmx.h"

#include "arch/x86/regs.h"
#include "arch/x86/vmx/vmcs.h"
#include "arch/x86/vmx/vmx_caps.h"

#define DR7_L0 (1ULL << 0)          /* local enable of breakpoint 0 */
#define DR7_RW0_LEN0_MASK (0xFULL << 16) /* 00/00: execute, 1 byte */
#define DR7_RESERVED_ONE (1ULL << 10)
#define ALL_EXCEPTIONS 0xFFFFFFFFu
#define ENTRY_INFO_VALID (1u << 31) /* 25.8.3: VM-entry interruption information valid */

static u64 saved_guest_dr7;
static bool breakpoint_armed;

static void set_proc_control(struct vmx_vcpu *vx, u32 bit, bool on)
{
	u32 want = on ? vx->proc_controls | bit : vx->proc_controls & ~bit;

	if (want != vx->proc_controls) {
		vx->proc_controls = want;
		vmcs_write32(VMCS_PRIMARY_PROC_CONTROLS, want);
	}
}

/* DR0 is not part of the VMCS: the host's DR0 is the guest's while it runs. */
void vmx_set_breakpoint(struct vcpu_arch *v, u64 linear, bool on)
{
	if (on) {
		if (!breakpoint_armed)
			saved_guest_dr7 = vmcs_readnat(VMCS_GUEST_DR7);
		breakpoint_armed = true;
		__asm__ volatile("mov %0, %%dr0" : : "r"(linear));
		vmcs_writenat(VMCS_GUEST_DR7,
			      (DR7_RESERVED_ONE | DR7_L0) | (saved_guest_dr7 & ~(DR7_L0 | DR7_RW0_LEN0_MASK)));
	} else if (breakpoint_armed) {
		breakpoint_armed = false;
		vmcs_writenat(VMCS_GUEST_DR7, saved_guest_dr7);
	}
}

/* With the monitor trap flag where the CPU has it; else with RFLAGS.TF and
 * every exception intercepted (an instruction that faults never gets its
 * single-step trap), which vmx_run turns into VEXIT_MTF; with TF, no step
 * is taken on an entry that injects an event (its frame would show TF). */
void vmx_set_single_step(struct vcpu_arch *v, bool on)
{
	struct vmx_vcpu *vx = v->backend;
	u64 rflags;

	if (vmx_has_mtf()) {
		set_proc_control(vx, PROC_MONITOR_TRAP_FLAG, on);
		return;
	}
	if (on && (vmcs_read32(VMCS_ENTRY_INTERRUPTION_INFO) & ENTRY_INFO_VALID))
		return; /* the event's frame would carry our TF: no step this time */
	if (on == vx->tf_stepping)
		return;
	vx->tf_stepping = on;
	rflags = vmcs_readnat(VMCS_GUEST_RFLAGS);
	if (on) {
		vx->saved_exception_bitmap = vmcs_read32(VMCS_EXCEPTION_BITMAP);
		vx->guest_tf = rflags & RFLAGS_TF;
		vmcs_write32(VMCS_EXCEPTION_BITMAP, ALL_EXCEPTIONS);
		vmcs_writenat(VMCS_GUEST_RFLAGS, rflags | RFLAGS_TF);
	} else {
		vmcs_write32(VMCS_EXCEPTION_BITMAP, vx->saved_exception_bitmap);
		vmcs_writenat(VMCS_GUEST_RFLAGS, (rflags & ~(u64)RFLAGS_TF) | vx->guest_tf);
	}
}

void vmx_set_cr3_exiting(struct vcpu_arch *v, bool on)
{
	set_proc_control(v->backend, PROC_CR3_LOAD_EXITING, on);
}
