/* CPUID exits: the fixed guest CPUID of hv/guest_cpuid.c. */
#include "hv/exits.h"
#include "hv/guest_cpuid.h"
#include "hv/rr/rr.h"
#include "hv/vcpu_ops.h"

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
