/*
 * Control-register exits: the architectural checks a real CPU makes on MOV
 * to CR0/CR4 (SDM Vol 3, 2.5 "Control Registers"; Vol 2B, MOV "Move to/from
 * Control Registers" #GP conditions), CR8 as the APIC task priority, CLTS
 * and LMSW.
 */
#include "hv/exits.h"
#include "hv/guest_cpuid.h"
#include "hv/rr/tbit.h"
#include "hv/vcpu_ops.h"
#include "hv/vm_devices.h"

#define CR0_RESERVED_HIGH 0xFFFFFFFF00000000ULL
#define LMSW_BITS (CR0_PE | CR0_MP | CR0_EM | CR0_TS) /* LMSW loads CR0[3:0] */
#define CR8_TPR_SHIFT 4 /* CR8[3:0] = TPR[7:4] (SDM Vol 3, 11.8.6 "Task Priority in IA-32e Mode") */

static u64 read_gpr(struct vcpu *v, u8 gpr, bool long_mode)
{
	u64 value = v->arch.gpr[gpr & 15];

	return long_mode ? value : (u32)value;
}

/* Returns false when the write must raise #GP. */
static bool cr0_write_ok(struct vcpu *v, u64 value)
{
	const struct virt_backend *hw = v->vm->hw;

	if (value & CR0_RESERVED_HIGH)
		return false;
	if ((value & CR0_PG) && !(value & CR0_PE))
		return false;
	if ((value & CR0_NW) && !(value & CR0_CD))
		return false;
	/* Entering IA-32e mode needs PAE (10.8.5). */
	if ((value & CR0_PG) && (hw->get_efer(&v->arch) & EFER_LME) &&
	    !(hw->get_cr(&v->arch, 4) & CR4_PAE))
		return false;
	/* Clearing PG while in 64-bit code raises #GP. */
	if (!(value & CR0_PG) && vcpu_in_long_mode(v))
		return false;
	return true;
}

static bool cr4_write_ok(struct vcpu *v, u64 value)
{
	const struct virt_backend *hw = v->vm->hw;
	struct guest_cpuid_ctx ctx;

	vcpu_cpuid_ctx(v, &ctx);
	if (value & ~guest_cpuid_cr4_allowed(&ctx))
		return false; /* reserved or hidden feature, VMXE included */
	if (!(value & CR4_PAE) && (hw->get_efer(&v->arch) & EFER_LMA))
		return false;
	return true;
}

static void mov_to_cr(struct vcpu *v, const struct vexit *e)
{
	const struct virt_backend *hw = v->vm->hw;
	u64 value = read_gpr(v, e->cr.gpr, vcpu_in_long_mode(v));

	switch (e->cr.cr) {
	case 0:
		if (!cr0_write_ok(v, value))
			goto gp;
		hw->set_cr(&v->arch, 0, value);
		break;
	case 3:
		hw->set_cr(&v->arch, 3, value);
		break;
	case 4:
		if (!cr4_write_ok(v, value))
			goto gp;
		hw->set_cr(&v->arch, 4, value);
		break;
	case 8:
		if (value >> CR8_TPR_SHIFT)
			goto gp;
		vm_devices_set_tpr(v->vm, (u8)(value << CR8_TPR_SHIFT));
		break;
	default:
		goto gp;
	}
	if (e->cr.cr != 8)
		tbit_cr_written(v->vm); /* the paging structures may have changed */
	vcpu_skip_insn(v, e);
	return;
gp:
	vcpu_inject_gp(v);
}

static void mov_from_cr(struct vcpu *v, const struct vexit *e)
{
	const struct virt_backend *hw = v->vm->hw;
	u64 value;

	switch (e->cr.cr) {
	case 3: value = hw->get_cr(&v->arch, 3); break;
	case 8: value = vm_devices_tpr(v->vm) >> CR8_TPR_SHIFT; break;
	default: vcpu_inject_gp(v); return;
	}
	v->arch.gpr[e->cr.gpr & 15] = value;
	vcpu_skip_insn(v, e);
}

void exit_cr_access(struct vcpu *v, const struct vexit *e)
{
	const struct virt_backend *hw = v->vm->hw;
	u64 cr0 = hw->get_cr(&v->arch, 0);

	switch (e->cr.type) {
	case CR_MOV_TO:
		mov_to_cr(v, e);
		return;
	case CR_MOV_FROM:
		mov_from_cr(v, e);
		return;
	case CR_CLTS:
		hw->set_cr(&v->arch, 0, cr0 & ~(u64)CR0_TS);
		break;
	case CR_LMSW:
		/* LMSW can set PE but never clear it. */
		hw->set_cr(&v->arch, 0, (cr0 & ~(u64)(LMSW_BITS & ~CR0_PE)) |
					(e->cr.lmsw_value & LMSW_BITS));
		tbit_cr_written(v->vm);
		break;
	}
	vcpu_skip_insn(v, e);
}
