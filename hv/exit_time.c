/*
 * Non-deterministic instructions: RDTSC/RDTSCP return the guest's virtual
 * TSC (the host TSC minus the VM's start, so it is monotonic and starts near
 * 0); RDRAND/RDSEED run on the host and hand the result over. Record/replay
 * logs each of these results.
 */
#include "arch/x86/cpu.h"
#include "hv/exits.h"
#include "hv/rr/rr.h"
#include "hv/vcpu_ops.h"

#define RDRAND_RETRIES 10 /* SDM Vol 1, 7.3.17.1 "RDRAND": retry on CF=0 */

void exit_rdtsc(struct vcpu *v, const struct vexit *e)
{
	vcpu_set_edx_eax(v, rr_tsc(v, vcpu_guest_tsc(v)));
	vcpu_skip_insn(v, e);
}

void exit_rdtscp(struct vcpu *v, const struct vexit *e)
{
	u32 aux = (u32)v->tsc_aux;

	vcpu_set_edx_eax(v, rr_tscp(v, vcpu_guest_tsc(v), &aux));
	v->arch.gpr[GPR_RCX] = aux;
	vcpu_skip_insn(v, e);
}

/* Executes RDRAND or RDSEED on the host; false when the entropy source
 * stayed empty. */
static bool host_random(bool seed, u64 *value)
{
	for (int i = 0; i < RDRAND_RETRIES; i++) {
		u8 ok;

		if (seed)
			__asm__ volatile("rdseed %0; setc %1" : "=r"(*value), "=qm"(ok) : : "cc");
		else
			__asm__ volatile("rdrand %0; setc %1" : "=r"(*value), "=qm"(ok) : : "cc");
		if (ok)
			return true;
	}
	return false;
}

/* The destination gets the value and CF=1, or 0 and CF=0; OF, SF, ZF, AF
 * and PF are cleared (SDM Vol 2B, RDRAND "Flags Affected"). */
void exit_rdrand(struct vcpu *v, const struct vexit *e)
{
	const struct virt_backend *hw = v->vm->hw;
	u64 value = 0, rflags = hw->get_rflags(&v->arch) & ~(u64)RFLAGS_ARITH;
	bool seed = e->reason == VEXIT_RDSEED, cf = host_random(seed, &value);

	if (!cf)
		value = 0;
	if (rr_random(v, seed, e->rdrand.size, &value, cf))
		rflags |= RFLAGS_CF;
	vcpu_write_gpr_sized(v, e->rdrand.reg, e->rdrand.size, value);
	hw->set_rflags(&v->arch, rflags);
	vcpu_skip_insn(v, e);
}
