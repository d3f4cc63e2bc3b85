/* CPUID exits: the fixed guest CPUID of hv/guest_cpuid.c. */
#include "arch/x86/cpu.h"
#include "hv/exits.h"
#include "hv/guest_cpuid.h"
#include "hv/rr/rr.h"
#include "hv/vcpu_ops.h"

static struct cpuid_result host_cpuid(void *ctx, u32 leaf, u32 subleaf)
{
	struct cpuid_regs r = cpuid_count(leaf, subleaf);

	(void)ctx;
	return (struct cpuid_result){ r.eax, r.ebx, r.ecx, r.edx };
}

void vcpu_cpuid_ctx(struct vcpu *v, struct guest_cpuid_ctx *ctx)
{
	const struct virt_backend *hw = v->vm->hw;

	ctx->host = host_cpuid;
	ctx->host_ctx = NULL;
	ctx->guest_osxsave = hw->get_cr(&v->arch, 4) & CR4_OSXSAVE;
	ctx->trap_rdrand = hw->can_intercept(VEXIT_RDRAND);
	ctx->trap_rdseed = hw->can_intercept(VEXIT_RDSEED);
}

void exit_cpuid(struct vcpu *v, const struct vexit *e)
{
	struct guest_cpuid_ctx ctx;
	struct cpuid_result r;
	u64 *gpr = v->arch.gpr;

	vcpu_cpuid_ctx(v, &ctx);
	guest_cpuid(&ctx, (u32)gpr[GPR_RAX], (u32)gpr[GPR_RCX], &r);
	rr_cpuid(v, (u32)gpr[GPR_RAX], (u32)gpr[GPR_RCX], &r);
	gpr[GPR_RAX] = r.eax;
	gpr[GPR_RBX] = r.ebx;
	gpr[GPR_RCX] = r.ecx;
	gpr[GPR_RDX] = r.edx;
	vcpu_skip_insn(v, e);
}
