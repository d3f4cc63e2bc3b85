/*
 * The guest's x87, SSE and AVX registers. The hypervisor never uses them
 * (it is built with -mgeneral-regs-only), so while it runs they still hold
 * the guest's values, and XCR0 is the guest's (hv/exit_misc.c, XSETBV).
 */
#ifndef UNDERSTUDY_ARCH_X86_FPU_H
#define UNDERSTUDY_ARCH_X86_FPU_H

#include "types.h"

#define FPU_AREA_MAX 4096 /* bytes, enough for every XSAVE component */
#define FPU_AREA_ALIGN 64

/*
 * Saves the registers into area (FPU_AREA_ALIGN-aligned, FPU_AREA_MAX
 * bytes) in a canonical form: FXSAVE's legacy area, then the components
 * XCR0 enables beyond SSE by XSAVE into a zeroed area, with the XSAVE
 * header cleared. Equal registers give equal bytes, whether or not the CPU
 * tracked a component as being in its initial (all-zero) state. Returns
 * the bytes that hold state.
 */
size_t fpu_save_canonical(u8 *area);

#define FPU_LEGACY_SIZE 512 /* FXSAVE's area: x87, MMX, SSE, MXCSR (SDM Vol 1, 10.5.1) */
#define FPU_MXCSR_OFFSET 24 /* SDM Vol 1, Table 10-2 "Format of an FXSAVE Area" */

/* Loads the registers from an area fpu_save_canonical filled (len bytes)
 * under the XCR0 the CPU holds now: -EINVAL, nothing loaded, when len is
 * not what that XCR0 gives or MXCSR could not be loaded. */
int fpu_restore_canonical(const u8 *area, size_t len);

/* Could FXRSTOR load this MXCSR on this CPU (no bit outside MXCSR_MASK,
 * SDM Vol 1, 11.6.6 "Guidelines for Writing to the MXCSR Register")? */
bool fpu_mxcsr_valid(u32 mxcsr);

/* Loads the x87/SSE registers from a legacy FXSAVE area (FPU_LEGACY_SIZE
 * bytes); -EINVAL, nothing loaded, when its MXCSR is not valid here. The
 * AVX and later components keep what they held. */
int fpu_restore_legacy(const u8 *area);

/* The AVX state (XSAVE component 2, YMM_Hi128: bits 255:128 of YMM0-15,
 * SDM Vol 1, 13.5.3 "AVX State"), FPU_AVX_SIZE bytes, YMM0's first. */
#define FPU_AVX_SIZE 256

/* Can this CPU hold AVX state (XSAVE enabled, XCR0 may have bit 2)? */
bool fpu_has_avx(void);

/* The upper halves of YMM0-15 into hi; false, hi untouched, when XCR0
 * does not enable AVX (the guest's XCR0: it is in place, see above). */
bool fpu_save_avx(u8 *hi);

/* Loads them from hi, or their initial state (all zero) for NULL; the rest
 * of the FPU (MXCSR included) and XCR0 keep their values. -ENOTSUP,
 * nothing loaded, when the CPU has no AVX and hi is not NULL. */
int fpu_restore_avx(const u8 *hi);

/* XCR0 (SDM Vol 1, 13.3 "Enabling the XSAVE Feature Set and XSAVE-Enabled
 * Features"): the guest's, since the hypervisor leaves it in place; 1 (x87
 * only) where the CPU has no XSAVE. */
u64 fpu_get_xcr0(void);
void fpu_set_xcr0(u64 xcr0);

#endif
