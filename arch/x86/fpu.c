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
#define XCR0_SSE 2ULL
#define XCR0_AVX 4ULL            /* state component 2, YMM_Hi128 (SDM Vol 1, 13.5.3 "AVX State") */
#define AVX_SIZE 256             /* the upper halves of YMM0-15 */
#define CPUID_AVX_SUBLEAF 2      /* EAX its size, EBX its offset in the standard format (13.2) */
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

/* The components beyond SSE by XRSTOR from a copy whose header says they
 * all hold state (XSTATE_BV = their bits: SDM Vol 1, 13.8 "Operation of
 * XRSTOR"), then x87/SSE by FXRSTOR, which MXCSR's check guards. */
int fpu_restore_canonical(const u8 *area, size_t len)
{
	static u8 copy[FPU_AREA_MAX] __attribute__((aligned(FPU_AREA_ALIGN)));
	static u8 probe[FPU_AREA_MAX] __attribute__((aligned(FPU_AREA_ALIGN)));
	u64 beyond_sse;
	u32 mxcsr;

	if (len != fpu_save_canonical(probe))
		return -EINVAL;
	memcpy(&mxcsr, area + FPU_MXCSR_OFFSET, sizeof(mxcsr));
	if (!fpu_mxcsr_valid(mxcsr))
		return -EINVAL;
	beyond_sse = have_xsave() ? fpu_get_xcr0() & ~XCR0_X87_SSE : 0;
	if (len > FXSAVE_SIZE && beyond_sse) {
		memcpy(copy, area, len);
		memcpy(copy + FXSAVE_SIZE, &beyond_sse, sizeof(beyond_sse));
		__asm__ volatile("xrstor %0"
				 :
				 : "m"(*(const u8 (*)[FPU_AREA_MAX])copy), "a"((u32)beyond_sse),
				   "d"((u32)(beyond_sse >> 32)));
	}
	return fpu_restore_legacy(area);
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

bool fpu_has_avx(void)
{
	return have_xsave() && (cpuid_count(CPUID_XSAVE_LEAF, 0).eax & XCR0_AVX) &&
	       cpuid_count(CPUID_XSAVE_LEAF, CPUID_AVX_SUBLEAF).ebx + AVX_SIZE <= FPU_AREA_MAX;
}

/* XSAVE and XRSTOR of the AVX component alone (requested-feature bitmap
 * EDX:EAX = 4, AND-ed with XCR0: SDM Vol 1, 13.7 "Operation of XSAVE",
 * 13.8 "Operation of XRSTOR"), in the standard format, into an area
 * cleared first: the header then holds XSTATE_BV only. With RFBM[2] set
 * both also save and load MXCSR (13.7, 13.8.1). */
static u8 avx_area[FPU_AREA_MAX] __attribute__((aligned(FPU_AREA_ALIGN)));

static void avx_xsave(void)
{
	memset(avx_area, 0, sizeof(avx_area));
	__asm__ volatile("xsave %0" : "+m"(avx_area) : "a"((u32)XCR0_AVX), "d"(0));
}

static u8 *avx_component(void)
{
	return avx_area + cpuid_count(CPUID_XSAVE_LEAF, CPUID_AVX_SUBLEAF).ebx;
}

bool fpu_save_avx(u8 *hi)
{
	u64 xstate_bv;

	if (!fpu_has_avx() || !(fpu_get_xcr0() & XCR0_AVX))
		return false;
	avx_xsave();
	memcpy(&xstate_bv, avx_area + FXSAVE_SIZE, sizeof(xstate_bv));
	if (xstate_bv & XCR0_AVX)
		memcpy(hi, avx_component(), AVX_SIZE);
	else
		memset(hi, 0, AVX_SIZE); /* in its initial state: all zero (13.6) */
	return true;
}

/* XCR0 gets AVX for the XRSTOR and its own value back after. The area is
 * XSAVE's of the registers as they are, so XRSTOR puts the same MXCSR back;
 * XSTATE_BV[2] clear loads the initial (zero) state. */
int fpu_restore_avx(const u8 *hi)
{
	u64 xcr0, xstate_bv = hi ? XCR0_AVX : 0;

	if (!fpu_has_avx())
		return hi ? -ENOTSUP : 0;
	xcr0 = fpu_get_xcr0();
	if (!(xcr0 & XCR0_AVX))
		fpu_set_xcr0(xcr0 | XCR0_SSE | XCR0_AVX);
	avx_xsave();
	memcpy(avx_area + FXSAVE_SIZE, &xstate_bv, sizeof(xstate_bv));
	if (hi)
		memcpy(avx_component(), hi, AVX_SIZE);
	__asm__ volatile("xrstor %0" : : "m"(avx_area), "a"((u32)XCR0_AVX), "d"(0));
	if (!(xcr0 & XCR0_AVX))
		fpu_set_xcr0(xcr0);
	return 0;
}
