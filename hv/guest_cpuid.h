/*
 * The CPUID the guest sees: a fixed policy applied to the host's CPUID. The
 * guest gets the host's vendor and model, a baseline of features the host
 * also has, the emulated local APIC's x2APIC and TSC-deadline features,
 * the hypervisor bit, Understudy's hypervisor leaves, and never
 * VMX/SVM, MONITOR, performance monitoring, machine-check or topology
 * details. RDRAND/RDSEED are shown only where the backend can trap them.
 * Pure code (host-tested).
 */
#ifndef UNDERSTUDY_HV_GUEST_CPUID_H
#define UNDERSTUDY_HV_GUEST_CPUID_H

#include "types.h"

struct cpuid_result {
	u32 eax, ebx, ecx, edx;
};

struct guest_cpuid_ctx {
	/* The host CPU's answer for (leaf, subleaf). */
	struct cpuid_result (*host)(void *host_ctx, u32 leaf, u32 subleaf);
	void *host_ctx;
	bool guest_osxsave;  /* guest CR4.OSXSAVE, reflected in leaf 1 ECX */
	u64 guest_xcr0;      /* the guest's XCR0: leaf 0DH's EBX sizes it */
	bool trap_rdrand;    /* the backend intercepts RDRAND */
	bool trap_rdseed;    /* the backend intercepts RDSEED */
};

#define GUEST_CPUID_HV_LEAF 0x40000000u
#define GUEST_CPUID_HV_SIGNATURE "UnderstudyHV"
#define GUEST_CPUID_MAX_BASIC 0xDu
#define GUEST_CPUID_MAX_EXTENDED 0x80000008u
#define GUEST_CPUID_MAX_PHYS_BITS 48 /* 4-level EPT/NPT */
#define GUEST_CPUID_MAX_LINEAR_BITS 48 /* 4-level paging */

void guest_cpuid(const struct guest_cpuid_ctx *ctx, u32 leaf, u32 subleaf,
		 struct cpuid_result *out);

/* CR4 bits the guest may set, given what guest_cpuid shows it. */
u64 guest_cpuid_cr4_allowed(const struct guest_cpuid_ctx *ctx);

/* EFER bits the guest may set (SCE, LME, NXE as shown; never SVME). */
u64 guest_cpuid_efer_allowed(const struct guest_cpuid_ctx *ctx);

/* XCR0 bits the guest may enable (x87, SSE, AVX as the host has them). */
u64 guest_cpuid_xcr0_allowed(const struct guest_cpuid_ctx *ctx);

/* Could XSETBV load this XCR0 (x87 on, AVX only with SSE, nothing outside
 * guest_cpuid_xcr0_allowed)? SDM Vol 2C, XSETBV: #GP otherwise. */
bool guest_cpuid_xcr0_valid(const struct guest_cpuid_ctx *ctx, u64 xcr0);

#endif
