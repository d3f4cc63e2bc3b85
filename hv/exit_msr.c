/*
 * RDMSR/WRMSR exits. MSRs the guest may use freely never exit (see the MSR
 * bitmap of the backend); the local APIC's belong to its model
 * (hv/vm_devices.h); for every other one the vendor's table in
 * hv/msr_policy.c says whether it is emulated here, reads as zero, or is
 * absent (#GP, with a warning naming it).
 */
#include "arch/x86/msr.h"
#include "errno.h"
#include "hv/exits.h"
#include "hv/guest_cpuid.h"
#include "hv/msr_policy.h"
#include "hv/rr/rr.h"
#include "hv/vcpu_ops.h"
#include "hv/vm_devices.h"
#include "log.h"

#define MSR_IA32_PLATFORM_ID 0x17
/* IA32_MISC_ENABLE bits whose effect Understudy does not give (SDM Vol 4,
 * 2.1 "Architectural MSRs"): kept as written, reported once */
#define MISC_ENABLE_MONITOR_FSM (1ULL << 18)   /* MONITOR/MWAIT are hidden */
#define MISC_ENABLE_LIMIT_CPUID (1ULL << 22)   /* CPUID's maximum leaf */
#define MISC_ENABLE_XD_DISABLE (1ULL << 34)    /* NX stays as CPUID shows it */
#define MISC_ENABLE_NOT_ACTED_ON \
	(MISC_ENABLE_MONITOR_FSM | MISC_ENABLE_LIMIT_CPUID | MISC_ENABLE_XD_DISABLE)
#define FEATURE_CONTROL_LOCKED 1ULL   /* locked, VMX off: VMX is hidden anyway */
#define MSR_GP_LOG_LIMIT 32           /* #GP warnings before they are only counted */

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
	*value = v->misc_enable;
	return 0;
}

/* The written value is kept, as QEMU and KVM keep it; bits whose effect
 * Understudy does not give are reported the first time they are set. */
static int write_misc_enable(struct vcpu *v, u64 value)
{
	static bool reported;

	if ((value & MISC_ENABLE_NOT_ACTED_ON) && !reported) {
		reported = true;
		pr_warn("msr: the guest set IA32_MISC_ENABLE bits %#llx; they are kept but have no "
			"effect (MONITOR FSM, limit CPUID maxval, XD bit disable)",
			value & MISC_ENABLE_NOT_ACTED_ON);
	}
	v->misc_enable = value;
	return 0;
}

static int read_platform_id(struct vcpu *v, u64 *value)
{
	*value = 0;
	return 0;
}

static int read_feature_control(struct vcpu *v, u64 *value)
{
	*value = FEATURE_CONTROL_LOCKED;
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
	{ MSR_IA32_MISC_ENABLE, read_misc_enable, write_misc_enable },
	{ MSR_IA32_PLATFORM_ID, read_platform_id, NULL },
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

/* The guest's vendor, as its CPUID leaf 0 shows it (the host's). */
static enum msr_vendor guest_vendor(struct vcpu *v)
{
	struct guest_cpuid_ctx ctx;
	struct cpuid_result r;

	vcpu_cpuid_ctx(v, &ctx);
	guest_cpuid(&ctx, 0, 0, &r);
	return msr_policy_vendor(r.ebx, r.edx, r.ecx);
}

/* One RDMSR or WRMSR by the table: 0, or -EINVAL for #GP (*why says why). */
static int msr_access(struct vcpu *v, u32 index, bool write, u64 *value,
		      const struct msr_rule *rule, const char **why)
{
	const struct msr_emulation *m;

	*why = "Understudy's CPU does not have it";
	if (rule->action == MSR_ABSENT)
		return -EINVAL;
	*why = "it is read-only";
	if (write && rule->read_only)
		return -EINVAL;
	if (rule->action == MSR_ZERO) {
		if (!write)
			*value = 0;
		return 0;
	}
	*why = "the value is not one the MSR accepts";
	m = find_msr(index);
	if (!m || (write ? !m->write : !m->read))
		return -EINVAL;
	return (write ? m->write(v, *value) : m->read(v, value)) ? -EINVAL : 0;
}

/* #GP for an MSR, with a warning naming it (the first MSR_GP_LOG_LIMIT). */
static void msr_gp(struct vcpu *v, u32 index, bool write, u64 value,
		   const struct msr_rule *rule, const char *why)
{
	static u32 logged;

	if (logged < MSR_GP_LOG_LIMIT) {
		logged++;
		if (write)
			pr_warn("msr: the guest's WRMSR of %#x (%s) = %#llx raised #GP: %s%s", index,
				rule->name ? rule->name : "unknown", value, why,
				logged == MSR_GP_LOG_LIMIT ? "; further ones are not logged" : "");
		else
			pr_warn("msr: the guest's RDMSR of %#x (%s) raised #GP: %s%s", index,
				rule->name ? rule->name : "unknown", why,
				logged == MSR_GP_LOG_LIMIT ? "; further ones are not logged" : "");
	}
	vcpu_inject_gp(v);
}

static void msr_exit(struct vcpu *v, const struct vexit *e, bool write)
{
	u32 index = (u32)v->arch.gpr[GPR_RCX];
	const struct msr_rule *rule = msr_policy_find(index, guest_vendor(v));
	u64 value = write ? vcpu_edx_eax(v) : 0;
	const char *why = "the local APIC refused it";
	int err = lapic_msr(v, index, write, &value);

	if (err == -ENOENT)
		err = msr_access(v, index, write, &value, rule, &why);
	if (err) {
		msr_gp(v, index, write, vcpu_edx_eax(v), rule, why);
		return;
	}
	if (!write)
		vcpu_set_edx_eax(v, value);
	vcpu_skip_insn(v, e);
}

void exit_msr_read(struct vcpu *v, const struct vexit *e)
{
	msr_exit(v, e, false);
}

void exit_msr_write(struct vcpu *v, const struct vexit *e)
{
	msr_exit(v, e, true);
}
