/*
 * CPUID feature bits the guest's CPU policy names (hv/guest_cpuid.c,
 * hv/guest_cpu_model.c). Bit positions: SDM Vol 2A, CPUID, Table 3-8
 * "Information Returned by CPUID Instruction" and Tables 3-10/3-11
 * "Feature Information Returned in the ECX/EDX Register"; the extended
 * leaves also APM Vol 3, Appendix E.3 "Extended Feature Function Numbers".
 */
#ifndef UNDERSTUDY_HV_CPUID_BITS_H
#define UNDERSTUDY_HV_CPUID_BITS_H

/* Leaf 01H ECX */
#define F1C_SSE3 (1u << 0)
#define F1C_PCLMULQDQ (1u << 1)
#define F1C_SSSE3 (1u << 9)
#define F1C_FMA (1u << 12)
#define F1C_CX16 (1u << 13)
#define F1C_SSE41 (1u << 19)
#define F1C_SSE42 (1u << 20)
#define F1C_X2APIC (1u << 21)
#define F1C_MOVBE (1u << 22)
#define F1C_POPCNT (1u << 23)
#define F1C_TSC_DEADLINE (1u << 24)
#define F1C_AES (1u << 25)
#define F1C_XSAVE (1u << 26)
#define F1C_OSXSAVE (1u << 27)
#define F1C_AVX (1u << 28)
#define F1C_F16C (1u << 29)
#define F1C_RDRAND (1u << 30)
#define F1C_HYPERVISOR (1u << 31)
/* Leaf 01H EDX */
#define F1D_FPU (1u << 0)
#define F1D_VME (1u << 1)
#define F1D_DE (1u << 2)
#define F1D_PSE (1u << 3)
#define F1D_TSC (1u << 4)
#define F1D_MSR (1u << 5)
#define F1D_PAE (1u << 6)
#define F1D_CX8 (1u << 8)
#define F1D_APIC (1u << 9)
#define F1D_SEP (1u << 11)
#define F1D_PGE (1u << 13)
#define F1D_CMOV (1u << 15)
#define F1D_PAT (1u << 16)
#define F1D_PSE36 (1u << 17)
#define F1D_CLFSH (1u << 19)
#define F1D_MMX (1u << 23)
#define F1D_FXSR (1u << 24)
#define F1D_SSE (1u << 25)
#define F1D_SSE2 (1u << 26)
/* Leaf 07H.0 EBX */
#define F7B_FSGSBASE (1u << 0)
#define F7B_BMI1 (1u << 3)
#define F7B_AVX2 (1u << 5)
#define F7B_SMEP (1u << 7)
#define F7B_BMI2 (1u << 8)
#define F7B_ERMS (1u << 9)
#define F7B_RDSEED (1u << 18)
#define F7B_ADX (1u << 19)
#define F7B_SMAP (1u << 20)
#define F7B_CLFLUSHOPT (1u << 23)
#define F7B_SHA (1u << 29)
/* Leaf 07H.0 ECX */
#define F7C_UMIP (1u << 2)
#define F7C_GFNI (1u << 8)
#define F7C_VAES (1u << 9)
#define F7C_VPCLMULQDQ (1u << 10)
/* Leaf 07H.0 EDX */
#define F7D_FSRM (1u << 4)
#define F7D_MD_CLEAR (1u << 10)
#define F7D_SERIALIZE (1u << 14)
/* Leaf 0DH.1 EAX */
#define FDA_XSAVEOPT (1u << 0)
#define FDA_XSAVEC (1u << 1)
#define FDA_XGETBV1 (1u << 2)
/* Leaf 80000001H ECX/EDX */
#define F81C_LAHF (1u << 0)
#define F81C_ABM (1u << 5)
#define F81C_SSE4A (1u << 6)
#define F81C_PREFETCHW (1u << 8)
#define F81D_SYSCALL (1u << 11)
#define F81D_NX (1u << 20)
#define F81D_PAGE1GB (1u << 26)
#define F81D_RDTSCP (1u << 27)
#define F81D_LM (1u << 29)
/* Leaf 80000007H EDX */
#define F87D_INVARIANT_TSC (1u << 8)
/* XCR0 (SDM Vol 1, 13.3 "Enabling the XSAVE Feature Set") */
#define XCR0_X87 (1u << 0)
#define XCR0_SSE (1u << 1)
#define XCR0_AVX (1u << 2)

#endif
