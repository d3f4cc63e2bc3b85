/* CPU identity and the features Understudy cares about, read once at boot
 * and asked through one-line predicates. */
#ifndef UNDERSTUDY_ARCH_X86_CPU_FEATURES_H
#define UNDERSTUDY_ARCH_X86_CPU_FEATURES_H

#include "types.h"

enum cpu_vendor { CPU_VENDOR_OTHER, CPU_VENDOR_INTEL, CPU_VENDOR_AMD };

struct cpu_features {
	enum cpu_vendor vendor;
	char vendor_string[13];
	char brand[49];
	u32 family, model, stepping;
	u32 max_leaf, max_ext_leaf;
	u32 leaf1_ecx, leaf1_edx;        /* CPUID 01H */
	u32 leaf7_ebx, leaf7_ecx;        /* CPUID 07H.0 */
	u32 ext1_ecx, ext1_edx;          /* CPUID 80000001H */
	u8 phys_addr_bits;               /* CPUID 80000008H EAX[7:0] */
};

/* SDM Vol 2A, CPUID, Table 3-10 "Feature Information Returned in ECX" etc. */
#define CPUID_1_ECX_VMX (1u << 5)
#define CPUID_1_ECX_XSAVE (1u << 26)
#define CPUID_1_ECX_X2APIC (1u << 21)
#define CPUID_1_ECX_RDRAND (1u << 30)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_7_EBX_RDSEED (1u << 18)
#define CPUID_EXT1_ECX_SVM (1u << 2) /* AMD APM Vol 3, CPUID Fn8000_0001 ECX */
#define CPUID_EXT1_EDX_NX (1u << 20)
#define CPUID_EXT1_EDX_PAGE1GB (1u << 26)
#define CPUID_EXT1_EDX_RDTSCP (1u << 27)
#define CPUID_EXT1_EDX_LM (1u << 29)

void cpu_features_init(void);
const struct cpu_features *cpu_features(void);

static inline bool cpu_has_vmx(void) { return cpu_features()->leaf1_ecx & CPUID_1_ECX_VMX; }
static inline bool cpu_has_svm(void) { return cpu_features()->ext1_ecx & CPUID_EXT1_ECX_SVM; }
static inline bool cpu_has_rdrand(void) { return cpu_features()->leaf1_ecx & CPUID_1_ECX_RDRAND; }
static inline bool cpu_has_rdseed(void) { return cpu_features()->leaf7_ebx & CPUID_7_EBX_RDSEED; }
static inline bool cpu_has_rdtscp(void) { return cpu_features()->ext1_edx & CPUID_EXT1_EDX_RDTSCP; }
static inline bool cpu_has_xsave(void) { return cpu_features()->leaf1_ecx & CPUID_1_ECX_XSAVE; }

#endif
