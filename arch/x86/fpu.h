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

/* XCR0 (SDM Vol 1, 13.3 "Enabling the XSAVE Feature Set and XSAVE-Enabled
 * Features"): the guest's, since the hypervisor leaves it in place; 1 (x87
 * only) where the CPU has no XSAVE. */
u64 fpu_get_xcr0(void);
void fpu_set_xcr0(u64 xcr0);

#endif
