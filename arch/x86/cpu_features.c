/* Reads CPUID once (SDM Vol 2A, "CPUID—CPU Identification"). */
#include "arch/x86/cpu_features.h"

#include <string.h>

#include "arch/x86/cpu.h"
#include "log.h"

static struct cpu_features feat;

static void read_identity(void)
{
	struct cpuid_regs r = cpuid(0);
	u32 sig;

	feat.max_leaf = r.eax;
	memcpy(feat.vendor_string + 0, &r.ebx, 4);
	memcpy(feat.vendor_string + 4, &r.edx, 4);
	memcpy(feat.vendor_string + 8, &r.ecx, 4);
	feat.vendor = !memcmp(feat.vendor_string, "GenuineIntel", 12) ? CPU_VENDOR_INTEL :
		      !memcmp(feat.vendor_string, "AuthenticAMD", 12) ? CPU_VENDOR_AMD :
									  CPU_VENDOR_OTHER;
	r = cpuid(1);
	sig = r.eax;
	feat.leaf1_ecx = r.ecx;
	feat.leaf1_edx = r.edx;
	/* SDM Vol 2A, Figure 3-6 "Version Information Returned by CPUID in EAX" */
	feat.family = (sig >> 8) & 0xF;
	feat.model = (sig >> 4) & 0xF;
	if (feat.family == 0xF)
		feat.family += (sig >> 20) & 0xFF;
	if (feat.family == 0x6 || feat.family >= 0xF)
		feat.model |= ((sig >> 16) & 0xF) << 4;
	feat.stepping = sig & 0xF;
}

static void read_brand(void)
{
	if (feat.max_ext_leaf < 0x80000004) {
		memcpy(feat.brand, "unknown", 8);
		return;
	}
	for (u32 i = 0; i < 3; i++) {
		struct cpuid_regs r = cpuid(0x80000002 + i);

		memcpy(feat.brand + i * 16, &r, 16);
	}
	feat.brand[48] = '\0';
}

void cpu_features_init(void)
{
	struct cpuid_regs r;

	read_identity();
	if (feat.max_leaf >= 7) {
		r = cpuid_count(7, 0);
		feat.leaf7_ebx = r.ebx;
		feat.leaf7_ecx = r.ecx;
	}
	feat.max_ext_leaf = cpuid(0x80000000).eax;
	if (feat.max_ext_leaf >= 0x80000001) {
		r = cpuid(0x80000001);
		feat.ext1_ecx = r.ecx;
		feat.ext1_edx = r.edx;
	}
	feat.phys_addr_bits = feat.max_ext_leaf >= 0x80000008 ? cpuid(0x80000008).eax & 0xFF : 36;
	read_brand();
	/* XSETBV on the guest's behalf needs CR4.OSXSAVE in the host (SDM Vol 1,
	 * 13.3 "Enabling the XSAVE Feature Set and XSAVE-Enabled Features"). */
	if (cpu_has_xsave())
		write_cr4(read_cr4() | CR4_OSXSAVE);
	/* FXSAVE of the guest's SSE registers (record/replay's state hash,
	 * checkpoints) needs CR4.OSFXSR, or it may leave them out (SDM Vol 2A,
	 * FXSAVE "Save x87 FPU, MMX Technology, and SSE State"). */
	write_cr4(read_cr4() | CR4_OSFXSR);
	pr_info("cpu: %s family %#x model %#x stepping %u, %u-bit physical addresses",
		feat.vendor_string, feat.family, feat.model, feat.stepping, feat.phys_addr_bits);
	pr_info("cpu: VMX %s, SVM %s, hypervisor bit %s",
		cpu_has_vmx() ? "available" : "absent", cpu_has_svm() ? "available" : "absent",
		feat.leaf1_ecx & CPUID_1_ECX_HYPERVISOR ? "set" : "clear");
}

const struct cpu_features *cpu_features(void)
{
	return &feat;
}
