/* The smaller exit handlers: HLT, XSETBV, intercepted exceptions, guest
 * faults the hypervisor cannot survive for the guest, and reports. */
#include "arch/x86/cpu.h"
#include "hv/exits.h"
#include "hv/guest_cpuid.h"
#include "hv/vcpu_ops.h"
#include "hv/vm_devices.h"
#include "log.h"

/* What could still wake a HLT with interrupts off: an NMI, unless NMIs
 * are blocked (an NMI handler that has not executed IRET) or nothing can
 * raise one (SDM Vol 3, 9.7 "Halt": HLT resumes on NMI, SMI, INIT or
 * RESET; Understudy raises neither SMI nor INIT). NULL when an NMI can
 * come, else why none can. */
static const char *hlt_never_wakes(struct vcpu *v)
{
	if (v->vm->hw->nmi_blocked(&v->arch) && !vm_devices_nmi_pending(v->vm))
		return "NMIs are blocked until an IRET";
	if (v->vm->hw->nmi_blocked(&v->arch))
		return "an NMI waits, but NMIs are blocked until an IRET";
	if (!vm_devices_nmi_possible(v->vm))
		return "no NMI source is armed (LINT0 and every IOAPIC pin are out of NMI mode)";
	return NULL;
}

/* HLT sleeps until the next interrupt, or with interrupts off until an
 * NMI; when nothing can ever wake the guest the run ends with the reason
 * (a native machine would hang forever). */
void exit_hlt(struct vcpu *v, const struct vexit *e)
{
	const char *why;

	/* HLT's own single-step trap is not raised (a limit: the guest's TF
	 * across HLT is lost, docs/guest-platform.md). */
	v->vm->hw->advance_rip(&v->arch, e->insn_len);
	if (!(v->vm->hw->get_rflags(&v->arch) & RFLAGS_IF) && (why = hlt_never_wakes(v))) {
		vm_stop(v->vm, "the guest executed HLT with interrupts disabled and %s: it can never "
			"wake up", why);
		return;
	}
	v->halted = true;
}

/* XSETBV (SDM Vol 2C, XSETBV): #UD without CR4.OSXSAVE; #GP for ECX != 0,
 * x87 off, AVX without SSE, or unsupported bits. */
void exit_xsetbv(struct vcpu *v, const struct vexit *e)
{
	struct guest_cpuid_ctx ctx;
	u64 value = vcpu_edx_eax(v);

	if (!(v->vm->hw->get_cr(&v->arch, 4) & CR4_OSXSAVE)) {
		vcpu_inject_ud(v);
		return;
	}
	vcpu_cpuid_ctx(v, &ctx);
	if ((u32)v->arch.gpr[GPR_RCX] != 0 || !guest_cpuid_xcr0_valid(&ctx, value)) {
		vcpu_inject_gp(v);
		return;
	}
	__asm__ volatile("xsetbv" : : "c"(0), "a"((u32)value), "d"((u32)(value >> 32)));
	v->xcr0 = value;
	vcpu_skip_insn(v, e);
}

/* Intercepted exceptions go straight back to the guest: #AC and #DB are
 * intercepted only so a guest cannot hang the CPU in an endless delivery
 * loop, and SVM intercepts all of them while single-stepping. */
void exit_exception(struct vcpu *v, const struct vexit *e)
{
	/* An intercepted #PF leaves CR2 to the hypervisor (APM Vol 2, 15.12
	 * "Exception Intercepts"; VMX puts the address in the qualification). */
	if (e->exception.vector == EXC_PF)
		v->arch.cr2 = e->exception.cr2_or_dr6;
	vcpu_inject_exception(v, e->exception.vector, e->exception.has_error_code,
			      e->exception.error_code);
}

void exit_triple_fault(struct vcpu *v, const struct vexit *e)
{
	vm_stop(v->vm, "the guest triple-faulted (an exception while delivering a double fault)");
}

void exit_entry_failed(struct vcpu *v, const struct vexit *e)
{
	vm_stop(v->vm, "VM entry refused the guest state (backend exit %#x, qualification %#llx)",
		e->raw_reason, e->raw_qual);
	v->vm->hw->dump(&v->arch);
}

void exit_undefined(struct vcpu *v, const struct vexit *e)
{
	vcpu_inject_ud(v);
}

void exit_gp(struct vcpu *v, const struct vexit *e)
{
	vcpu_inject_gp(v);
}

void exit_skip(struct vcpu *v, const struct vexit *e)
{
	vcpu_skip_insn(v, e);
}

/* A host interrupt caused the exit: open a window for the host to take it. */
void exit_extint(struct vcpu *v, const struct vexit *e)
{
	__asm__ volatile("sti; nop; cli" ::: "memory");
}

void exit_nothing(struct vcpu *v, const struct vexit *e)
{
}

void exit_unhandled(struct vcpu *v, const struct vexit *e)
{
	vm_stop(v->vm, "unhandled exit: %s (backend reason %#x, qualification %#llx, info %#llx)",
		exit_reason_name(e->reason), e->raw_reason, e->raw_qual,
		e->raw_info);
	v->vm->hw->dump(&v->arch);
}
