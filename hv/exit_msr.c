/*
 * RDMSR/WRMSR exits. MSRs the guest may use freely never exit (see the MSR
 * bitmap of the backend); the ones listed here are emulated, the local
 * APIC's belong to its model (hv/vm_devices.h); every other MSR raises #GP
 * in the guest, as hardware does for an MSR it does not have.
 */
#include "arch/x86/msr.h"
#include "errno.h"
#include "hv/exits.h"
#include "hv/guest_cpuid.h"
#include "hv/rr/rr.h"
#include "hv/vcpu_ops.h"
#include "hv/vm_devices.h"
#include "log.h"

#define MSR_IA32_PLATFORM_ID 0x17
#define MSR_IA32_BIOS_SIGN_ID 0x8B /* microcode revision */
#define MISC_ENABLE_FAST_STRINGS 1ULL /* SDM Vol 4, IA32_MISC_ENABLE bit 0 */
#define FEATURE_CONTROL_LOCKED 1ULL   /* locked, VMX off: VMX is hidden anyway */

struct msr_emulation {
	u32 index;
	/* Returns 0, or -1 to raise #GP. */
	int (*read)(struct vcpu *v, u64 *value);
	int (*write)(struct vcpu *v, u64 value);
};

static int read_tsc(struct vcpu *v, u64 *value)
{
	*value = rr_tsc(v, vcpu_guest_tsc(v));
	return 0;
}

/* Writing the TSC moves the guest's clock, never the host's. */
static int write_tsc(struct vcpu *v, u64 value)
{
	v->tsc_adjust += value - vcpu_guest_tsc(v);
	return 0;
}

static int read_tsc_aux(struct vcpu *v, u64 *value)
{
	*value = v->tsc_aux;
	return 0;
}

static int write_tsc_aux(struct vcpu *v, u64 value)
{
	if (value >> 32)
		return -1;
	v->tsc_aux = value;
	return 0;
}

static int read_apic_base(struct vcpu *v, u64 *value)
{
	*value = vm_devices_apic_base(v->vm);
	return 0;
}

static int write_apic_base(struct vcpu *v, u64 value)
{
	return vm_devices_set_apic_base(v->vm, value) ? -1 : 0;
}

static int read_efer(struct vcpu *v, u64 *value)
{
	*value = v->vm->hw->get_efer(&v->arch);
	return 0;
}

/* EFER: only features the guest CPUID shows; LMA is the CPU's to set and
 * LME cannot change while paging is on (SDM Vol 3, 10.8.5 "Initializing IA-32e Mode"). */
static int write_efer(struct vcpu *v, u64 value)
{
	const struct virt_backend *hw = v->vm->hw;
	struct guest_cpuid_ctx ctx;
	u64 old = hw->get_efer(&v->arch);

	vcpu_cpuid_ctx(v, &ctx);
	if (value & ~(guest_cpuid_efer_allowed(&ctx) | EFER_LMA))
		return -1;
	if ((hw->get_cr(&v->arch, 0) & CR0_PG) && ((value ^ old) & EFER_LME))
		return -1;
	hw->set_efer(&v->arch, (value & ~(u64)EFER_LMA) | (old & EFER_LMA));
	return 0;
}

static int read_misc_enable(struct vcpu *v, u64 *value)
{
	*value = MISC_ENABLE_FAST_STRINGS;
	return 0;
}

static int read_zero(struct vcpu *v, u64 *value)
{
	*value = 0;
	return 0;
}

static int read_feature_control(struct vcpu *v, u64 *value)
{
	*value = FEATURE_CONTROL_LOCKED;
	return 0;
}

static int write_ignore(struct vcpu *v, u64 value)
{
	return 0;
}

static int read_pat(struct vcpu *v, u64 *value)
{
	return v->vm->hw->state_msr(&v->arch, MSR_IA32_PAT, value, false);
}

/* Each byte of IA32_PAT must name a memory type: 0, 1, 4, 5, 6 or 7 (SDM
 * Vol 3, 13.12.2 "IA32_PAT MSR"); anything else raises #GP. */
static int write_pat(struct vcpu *v, u64 value)
{
	for (int i = 0; i < 8; i++) {
		u8 type = (u8)(value >> (i * 8));

		if (type == 2 || type == 3 || type > 7)
			return -1;
	}
	return v->vm->hw->state_msr(&v->arch, MSR_IA32_PAT, &value, true);
}

static const struct msr_emulation emulated_msrs[] = {
	{ MSR_IA32_TSC, read_tsc, write_tsc },
	{ MSR_TSC_AUX, read_tsc_aux, write_tsc_aux },
	{ MSR_IA32_APIC_BASE, read_apic_base, write_apic_base },
	{ MSR_EFER, read_efer, write_efer },
	{ MSR_IA32_MISC_ENABLE, read_misc_enable, write_ignore },
	{ MSR_IA32_PLATFORM_ID, read_zero, NULL },
	{ MSR_IA32_BIOS_SIGN_ID, read_zero, write_ignore },
	{ MSR_IA32_FEATURE_CONTROL, read_feature_control, NULL },
	{ MSR_IA32_PAT, read_pat, write_pat },
};

static const struct msr_emulation *find_msr(u32 index)
{
	for (unsigned i = 0; i < ARRAY_SIZE(emulated_msrs); i++)
		if (emulated_msrs[i].index == index)
			return &emulated_msrs[i];
	return NULL;
}

/* The local APIC's MSRs (x2APIC, IA32_TSC_DEADLINE), with devices brought
 * up to time first as for a timed port: 0, -EINVAL for #GP, -ENOENT when
 * index is not one of them. */
static int lapic_msr(struct vcpu *v, u32 index, bool write, u64 *value)
{
	if (!vm_devices_is_lapic_msr(index))
		return -ENOENT;
	rr_advance_devices(v->vm);
	return vm_devices_lapic_msr(v->vm, index, write, value);
}

void exit_msr_read(struct vcpu *v, const struct vexit *e)
{
	u32 index = (u32)v->arch.gpr[GPR_RCX];
	const struct msr_emulation *m = find_msr(index);
	u64 value;
	int err = lapic_msr(v, index, false, &value);

	if (err == -ENOENT)
		err = m && m->read && !m->read(v, &value) ? 0 : -EINVAL;
	if (err) {
		pr_debug("msr: guest RDMSR %#x -> #GP", index);
		vcpu_inject_gp(v);
		return;
	}
	vcpu_set_edx_eax(v, value);
	vcpu_skip_insn(v, e);
}

void exit_msr_write(struct vcpu *v, const struct vexit *e)
{
	u32 index = (u32)v->arch.gpr[GPR_RCX];
	const struct msr_emulation *m = find_msr(index);
	u64 value = vcpu_edx_eax(v);
	int err = lapic_msr(v, index, true, &value);

	if (err == -ENOENT)
		err = m && m->write && !m->write(v, value) ? 0 : -EINVAL;
	if (err) {
		pr_debug("msr: guest WRMSR %#x = %#llx -> #GP", index,
			 vcpu_edx_eax(v));
		vcpu_inject_gp(v);
		return;
	}
	vcpu_skip_insn(v, e);
}
