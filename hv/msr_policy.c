/*
 * The MSR table (see msr_policy.h). Each row cites where the manuals
 * define the MSR. An MSR not listed is absent: the SDM (Vol 4, 2.1
 * "Architectural MSRs") and the APM (Vol 2, A.1 "MSR Cross-Reference")
 * make RDMSR/WRMSR of an unimplemented MSR raise #GP(0).
 */
#include "hv/msr_policy.h"

#include "compiler.h"

#define CPUID_EBX_AMD 0x68747541u   /* "Auth" of "AuthenticAMD" */
#define CPUID_EBX_HYGON 0x6F677948u /* "Hygo" of "HygonGenuine" */

#define V_ANY MSR_VENDOR_ANY
#define V_AMD MSR_VENDOR_AMD
#define V_INTEL MSR_VENDOR_INTEL

static const struct msr_rule rules[] = {
	/* SDM Vol 3, 18.17 "Time-Stamp Counter"; written as the guest's TSC */
	{ 0x10, 0x10, V_ANY, MSR_EMULATED, false, "IA32_TIME_STAMP_COUNTER" },
	/* SDM Vol 4, 2.1 "Architectural MSRs": read-only platform identity */
	{ 0x17, 0x17, V_ANY, MSR_EMULATED, true, "IA32_PLATFORM_ID" },
	/* SDM Vol 3, 11.4.4 "Local APIC Status and Location" */
	{ 0x1B, 0x1B, V_ANY, MSR_EMULATED, false, "IA32_APIC_BASE" },
	/* SDM Vol 3, 24.7 "Enabling and Entering VMX Operation": locked */
	{ 0x3A, 0x3A, V_ANY, MSR_EMULATED, true, "IA32_FEATURE_CONTROL" },
	/* SDM Vol 3, 10.11.7.1 "Determining the Signature": no microcode */
	{ 0x8B, 0x8B, V_ANY, MSR_ZERO, false, "IA32_BIOS_SIGN_ID" },
	/* SDM Vol 3, 20.2.1 "Architectural Performance Monitoring Version 1":
	 * CPUID leaf 0AH shows no counters; they never count */
	{ 0xC1, 0xC8, V_INTEL, MSR_ZERO, false, "IA32_PMC0-7" },
	{ 0x186, 0x18D, V_INTEL, MSR_ZERO, false, "IA32_PERFEVTSEL0-7" },
	/* SDM Vol 3, 16.3.1.1 "IA32_MCG_CAP MSR": no banks, no MCG_CTL */
	{ 0x179, 0x179, V_ANY, MSR_ZERO, true, "IA32_MCG_CAP" },
	/* SDM Vol 3, 16.3.1.2 "IA32_MCG_STATUS MSR": no machine check in progress */
	{ 0x17A, 0x17A, V_ANY, MSR_ZERO, false, "IA32_MCG_STATUS" },
	/* SDM Vol 4, 2.1 "Architectural MSRs" (IA32_MISC_ENABLE): the
	 * written value is kept */
	{ 0x1A0, 0x1A0, V_ANY, MSR_EMULATED, false, "IA32_MISC_ENABLE" },
	/* SDM Vol 3, 13.12.2 "IA32_PAT MSR" */
	{ 0x277, 0x277, V_ANY, MSR_EMULATED, false, "IA32_PAT" },
	/* SDM Vol 3, 2.2.1 "Extended Feature Enable Register" */
	{ 0xC0000080, 0xC0000080, V_ANY, MSR_EMULATED, false, "IA32_EFER" },
	/* SDM Vol 2B, RDTSCP */
	{ 0xC0000103, 0xC0000103, V_ANY, MSR_EMULATED, false, "IA32_TSC_AUX" },
	/* APM Vol 2, 13.2 "Performance Monitoring Counters": the legacy
	 * PerfEvtSel0-3 and PerfCtr0-3 every AMD CPU has; they never count */
	{ 0xC0010000, 0xC0010003, V_AMD, MSR_ZERO, false, "PerfEvtSel0-3" },
	{ 0xC0010004, 0xC0010007, V_AMD, MSR_ZERO, false, "PerfCtr0-3" },
};

static const struct msr_rule absent = { 0, 0, V_ANY, MSR_ABSENT, false, NULL };

enum msr_vendor msr_policy_vendor(u32 ebx, u32 edx, u32 ecx)
{
	(void)edx;
	(void)ecx;
	return ebx == CPUID_EBX_AMD || ebx == CPUID_EBX_HYGON ? MSR_VENDOR_AMD : MSR_VENDOR_INTEL;
}

const struct msr_rule *msr_policy_find(u32 index, enum msr_vendor vendor)
{
	for (unsigned i = 0; i < ARRAY_SIZE(rules); i++)
		if (index >= rules[i].first && index <= rules[i].last && (rules[i].vendors & vendor))
			return &rules[i];
	return &absent;
}

const struct msr_rule *msr_policy_table(unsigned *count)
{
	*count = ARRAY_SIZE(rules);
	return rules;
}
