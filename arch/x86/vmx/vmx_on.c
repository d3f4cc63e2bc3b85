/* VMX availability checks and VMXON (SDM Vol 3, 24.7 "Enabling and Entering
 * VMX Operation", 24.8 "Restrictions on VMX Operation"). */
#include "arch/x86/vmx/vmx.h"

#include "arch/x86/cpu.h"
#include "arch/x86/cpu_features.h"
#include "arch/x86/mm.h"
#include "arch/x86/msr.h"
#include "arch/x86/vmx/vmx_caps.h"
#include "errno.h"
#include "log.h"

/* SDM Vol 4, IA32_FEATURE_CONTROL (3AH) */
#define FEATURE_CONTROL_LOCK (1ULL << 0)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX (1ULL << 2)

struct required_feature {
	const struct vmx_ctl_caps *(*field)(const struct vmx_caps *c);
	u32 bit;
	const char *name;
};

static const struct vmx_ctl_caps *pin(const struct vmx_caps *c) { return &c->pin; }
static const struct vmx_ctl_caps *proc(const struct vmx_caps *c) { return &c->proc; }
static const struct vmx_ctl_caps *proc2(const struct vmx_caps *c) { return &c->proc2; }
static const struct vmx_ctl_caps *exitc(const struct vmx_caps *c) { return &c->exit; }
static const struct vmx_ctl_caps *entry(const struct vmx_caps *c) { return &c->entry; }

/* Controls Understudy cannot run a guest without. */
static const struct required_feature required[] = {
	{ pin, PIN_EXTINT_EXITING, "external-interrupt exiting" },
	{ pin, PIN_PREEMPTION_TIMER, "VMX-preemption timer" },
	{ proc, PROC_HLT_EXITING, "HLT exiting" },
	{ proc, PROC_RDTSC_EXITING, "RDTSC exiting" },
	{ proc, PROC_UNCOND_IO_EXITING, "unconditional I/O exiting" },
	{ proc, PROC_USE_MSR_BITMAPS, "MSR bitmaps" },
	{ proc, PROC_SECONDARY_CONTROLS, "secondary controls" },
	{ proc2, PROC2_ENABLE_EPT, "EPT" },
	{ proc2, PROC2_UNRESTRICTED_GUEST, "unrestricted guest" },
	{ exitc, EXIT_HOST_ADDR_SPACE_SIZE, "64-bit host" },
	{ exitc, EXIT_LOAD_EFER, "VM-exit load IA32_EFER" },
	{ exitc, EXIT_SAVE_EFER, "VM-exit save IA32_EFER" },
	{ entry, ENTRY_LOAD_EFER, "VM-entry load IA32_EFER" },
	{ entry, ENTRY_IA32E_MODE_GUEST, "IA-32e mode guest" },
};

static int check_feature_control(void)
{
	u64 fc;

	if (rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc))
		fc = 0;
	if ((fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX)) {
		pr_err("vmx: VMX is locked off by the firmware (IA32_FEATURE_CONTROL=%#llx); "
		       "enable VT-x in the firmware setup", fc);
		return -EPERM;
	}
	return 0;
}

static int check_required(const struct vmx_caps *c)
{
	int missing = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(required); i++) {
		if (!(required[i].field(c)->may_be_1 & required[i].bit)) {
			pr_err("vmx: this CPU lacks %s", required[i].name);
			missing++;
		}
	}
	if (!(c->ept_vpid & EPT_CAP_WALK_LENGTH_4) || !(c->ept_vpid & EPT_CAP_MEMTYPE_WB) ||
	    !(c->ept_vpid & EPT_CAP_INVEPT) ||
	    !(c->ept_vpid & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL))) {
		pr_err("vmx: EPT lacks 4-level walks, write-back tables or INVEPT");
		missing++;
	}
	return missing ? -ENODEV : 0;
}

int vmx_probe(void)
{
	struct vmx_caps c;
	int err;

	if (!cpu_has_vmx()) {
		pr_err("vmx: this CPU has no VMX (CPUID.1:ECX.VMX is 0)");
		return -ENODEV;
	}
	err = check_feature_control();
	if (err)
		return err;
	vmx_caps_read(&c);
	err = check_required(&c);
	if (err)
		return err;
	pr_info("vmx: VMCS revision %#x; EPT with A/D %s, PML %s, VPID %s; preemption timer TSC/%u; "
		"monitor trap flag %s", c.revision, vmx_has_ept_ad() ? "yes" : "no",
		vmx_has_pml() ? "yes" : "no", vmx_has_vpid() ? "yes" : "no",
		1u << vmx_timer_rate_shift(), vmx_has_mtf() ? "yes" : "no");
	return 0;
}

static int vmxon(u64 pa)
{
	u8 failed;

	__asm__ volatile("vmxon %1\n\tsetbe %0" : "=qm"(failed) : "m"(pa) : "cc", "memory");
	return failed ? -EIO : 0;
}

int vmx_cpu_enable(void)
{
	const struct vmx_caps *c = vmx_caps();
	u64 fc = 0, region;
	int err;

	rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc);
	if (!(fc & FEATURE_CONTROL_LOCK))
		wrmsr(MSR_IA32_FEATURE_CONTROL,
		      fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMXON_OUTSIDE_SMX);
	/* 24.8: CR0 and CR4 must respect the fixed bits in VMX operation. */
	write_cr0((read_cr0() | c->cr0_fixed0) & c->cr0_fixed1);
	write_cr4(((read_cr4() | CR4_VMXE) | c->cr4_fixed0) & c->cr4_fixed1);
	err = page_alloc(1, 1, &region);
	if (err)
		return err;
	*(u32 *)phys_to_virt(region) = c->revision; /* 24.11.5 "VMXON Region" */
	if (vmxon(region)) {
		pr_err("vmx: VMXON failed");
		return -EIO;
	}
	return 0;
}
