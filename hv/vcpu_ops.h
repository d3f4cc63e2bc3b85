/* Small operations on the vCPU that exit handlers and hv/ share: registers,
 * RIP, fault injection, its mode, CPUID inputs, TSC and paging (hv/vcpu.c). */
#ifndef UNDERSTUDY_HV_VCPU_OPS_H
#define UNDERSTUDY_HV_VCPU_OPS_H

#include "arch/x86/regs.h"
#include "arch/x86/trap.h"
#include "hv/vm.h"

/* Completes an instruction hv/ emulated, len bytes long: RIP moves past
 * it and, if it began with RFLAGS.TF set, the single-step #DB trap the CPU
 * would raise follows (SDM Vol 3, 18.3.1.4 "Single-Step Exception
 * Condition"). */
static inline void vcpu_complete_insn(struct vcpu *v, u8 len)
{
	const struct virt_backend *hw = v->vm->hw;
	bool tf = hw->get_rflags(&v->arch) & RFLAGS_TF;

	hw->advance_rip(&v->arch, len);
	if (tf)
		hw->raise_step_trap(&v->arch);
}

/* Moves RIP past the exiting instruction, which hv/ emulated. */
static inline void vcpu_skip_insn(struct vcpu *v, const struct vexit *e)
{
	vcpu_complete_insn(v, e->insn_len);
}

static inline void vcpu_inject_exception(struct vcpu *v, u8 vector, bool has_error, u32 error)
{
	struct vevent ev = { VEVENT_EXCEPTION, vector, has_error, error };

	v->vm->hw->inject(&v->arch, &ev);
}

static inline void vcpu_inject_gp(struct vcpu *v)
{
	vcpu_inject_exception(v, EXC_GP, true, 0);
}

static inline void vcpu_inject_ud(struct vcpu *v)
{
	vcpu_inject_exception(v, EXC_UD, false, 0);
}

/* Is the guest executing 64-bit code (CS.L with EFER.LMA)? */
bool vcpu_in_long_mode(struct vcpu *v);

/* EDX:EAX = value, as RDTSC and RDMSR return it (upper halves cleared). */
static inline void vcpu_set_edx_eax(struct vcpu *v, u64 value)
{
	v->arch.gpr[GPR_RAX] = (u32)value;
	v->arch.gpr[GPR_RDX] = value >> 32;
}

static inline u64 vcpu_edx_eax(struct vcpu *v)
{
	return (v->arch.gpr[GPR_RDX] << 32) | (u32)v->arch.gpr[GPR_RAX];
}

/* Writes a size-byte result to register reg with x86's rules: 1- and 2-byte
 * writes keep the upper bits, 4-byte writes clear bits 63:32. */
static inline void vcpu_write_gpr_sized(struct vcpu *v, u8 reg, u8 size, u64 value)
{
	u64 *r = &v->arch.gpr[reg & 15];

	if (size == 8)
		*r = value;
	else if (size == 4)
		*r = (u32)value;
	else {
		u64 mask = (1ULL << (size * 8)) - 1;

		*r = (*r & ~mask) | (value & mask);
	}
}

struct guest_cpuid_ctx;
/* The CPUID policy inputs for v's current state, over the guest's CPU
 * (hv/guest_cpu.h): what the guest's CPUID, CR4, EFER and XCR0 follow. */
void vcpu_cpuid_ctx(struct vcpu *v, struct guest_cpuid_ctx *ctx);


/* The guest's time-stamp counter. */
u64 vcpu_guest_tsc(struct vcpu *v);

struct gw_cpu;
/* The guest's paging context now, for walks through its page tables
 * (hv/guest_walk.h), reading guest memory with vm_read_gpa. */
void vcpu_guest_paging(struct vcpu *v, struct gw_cpu *cpu);

#endif
