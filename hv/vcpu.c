/*
 * What the vCPU's state means to the rest of hv/: its execution mode, the
 * inputs of its CPUID policy, its time-stamp counter and its paging
 * context. Read through the backend; no exit handling here.
 */
#include "arch/x86/fpu.h"
#include "arch/x86/cpu.h"
#include "hv/guest_cpu.h"
#include "hv/guest_cpu_model.h"
#include "hv/guest_cpuid.h"
#include "hv/guest_mem.h"
#include "hv/guest_walk.h"
#include "hv/vcpu_ops.h"

/* The walker checks reserved bits against the most the guest CPUID shows. */
#define GUEST_PHYS_BITS GUEST_CPUID_MAX_PHYS_BITS

bool vcpu_in_long_mode(struct vcpu *v)
{
	struct segment cs;

	if (!(v->vm->hw->get_efer(&v->arch) & EFER_LMA))
		return false;
	v->vm->hw->get_segment(&v->arch, SEG_CS, &cs);
	return cs.ar & SEG_AR_L;
}

/* The policy over the guest's CPU table is the policy over the host it
 * was built from (guest_cpu_model.h): OSXSAVE is the one live input. */
void vcpu_cpuid_ctx(struct vcpu *v, struct guest_cpuid_ctx *ctx)
{
	guest_cpu_host_ctx(v->vm, ctx);
	ctx->host = guest_cpu_model_answer;
	ctx->host_ctx = (void *)guest_cpu();
	ctx->guest_osxsave = v->vm->hw->get_cr(&v->arch, 4) & CR4_OSXSAVE;
	/* the CPU's: VMRUN and VM entry leave XCR0 alone, and QEMU's SVM
	 * runs the guest's XSETBV without the intercept */
	ctx->guest_xcr0 = fpu_get_xcr0();
}

u64 vcpu_guest_tsc(struct vcpu *v)
{
	return rdtsc() - v->vm->start_tsc + v->tsc_adjust;
}

void vcpu_guest_paging(struct vcpu *v, struct gw_cpu *cpu)
{
	const struct virt_backend *hw = v->vm->hw;

	*cpu = (struct gw_cpu){
		.cr0 = hw->get_cr(&v->arch, 0),
		.cr3 = hw->get_cr(&v->arch, 3),
		.cr4 = hw->get_cr(&v->arch, 4),
		.efer = hw->get_efer(&v->arch),
		.phys_bits = GUEST_PHYS_BITS,
		.read = vm_read_gpa_cb,
		.ctx = v->vm,
	};
}
