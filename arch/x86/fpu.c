/* Saving the guest's FPU registers in a canonical form (see fpu.h). */
#include "arch/x86/fpu.h"

#include <string.h>

#include "arch/x86/cpu.h"
#include "arch/x86/cpu_features.h"
#include "errno.h"

#define FXSAVE_SIZE 512        /* SDM Vol 1, 10.5.1 "FXSAVE Area" */
#define XSAVE_HEADER_SIZE 64   /* SDM Vol 1, 13.4.2 "XSAVE Header": after the legacy area */
#define XCR0_X87_SSE 3ULL      /* components FXSAVE covers */
#define CPUID_XSAVE_LEAF 0xD   /* SDM Vol 1, 13.2 "Enumeration of CPU Support for XSAVE ..." */

#define XCR0_X87 1ULL
#define MXCSR_MASK_OFFSET 28    /* SDM Vol 1, Table 10-2 "Format of an FXSAVE Area" */
#define MXCSR_MASK_DEFAULT 0xFFBFu /* a zero MXCSR_MASK means this (SDM Vol 1, 11.6.6) */

static bool have_xsave(void)
{
	return cpu_has_xsave() && (read_cr4() & CR4_OSXSAVE);
}

u64 fpu_get_xcr0(void)
{
	u32 lo, hi;

	if (!have_xsave())
		return XCR0_X87;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (u64)hi << 32 | lo;
}

void fpu_set_xcr0(u64 xcr0)
{
	if (have_xsave())
		__asm__ volatile("xsetbv" : : "c"(0), "a"((u32)xcr0), "d"((u32)(xcr0 >> 32)));
}

size_t fpu_save_canonical(u8 *area)
{
	u64 beyond_sse;
	size_t size;

	memset(area, 0, FPU_AREA_MAX);
	__asm__ volatile("fxsave %0" : "=m"(*(u8 (*)[FXSAVE_SIZE])area));
	if (!have_xsave())
		return FXSAVE_SIZE;
	beyond_sse = fpu_get_xcr0() & ~XCR0_X87_SSE;
	size = cpuid_count(CPUID_XSAVE_LEAF, 0).ebx; /* the area XCR0 enables */
	if (!beyond_sse || size > FPU_AREA_MAX)
		return FXSAVE_SIZE;
	__asm__ volatile("xsave %0"
			 : "+m"(*(u8 (*)[FPU_AREA_MAX])area)
			 : "a"((u32)beyond_sse), "d"((u32)(beyond_sse >> 32)));
	memset(area + FXSAVE_SIZE, 0, XSAVE_HEADER_SIZE);
	return size;
}

bool fpu_mxcsr_valid(u32 mxcsr)
{
	static u8 area[FXSAVE_SIZE] __attribute__((aligned(16)));
	u32 mask;

	__asm__ volatile("fxsave %0" : "=m"(*(u8 (*)[FXSAVE_SIZE])area));
	memcpy(&mask, area + MXCSR_MASK_OFFSET, sizeof(mask));
	if (!mask)
		mask = MXCSR_MASK_DEFAULT;
	return !(mxcsr & ~mask);
}

int fpu_restore_legacy(const u8 *area)
{
	static u8 aligned[FXSAVE_SIZE] __attribute__((aligned(16)));
	u32 mxcsr;

	STATIC_ASSERT(FPU_LEGACY_SIZE == FXSAVE_SIZE, "the legacy area is FXSAVE's");
	memcpy(&mxcsr, area + FPU_MXCSR_OFFSET, sizeof(mxcsr));
	if (!fpu_mxcsr_valid(mxcsr))
		return -EINVAL;
	memcpy(aligned, area, FXSAVE_SIZE);
	__asm__ volatile("fxrstor %0" : : "m"(*(const u8 (*)[FXSAVE_SIZE])aligned));
	return 0;
}
