/*
 * The DEVICE "xsave" of a snapshot (docs/snapshot-format.md): the vCPU's
 * XSAVE-managed state beyond x87/SSE (which is "fpu_sse"), in an
 * architecture-neutral form rather than a host XSAVE image, whose layout
 * depends on the CPU (SDM Vol 1, 13.4 "XSAVE Area"). Version 1 holds
 * XCR0 and, when XCR0 enables AVX, the upper halves of YMM0-15: the
 * YMM_Hi128 component (state component 2, SDM Vol 1, 13.5.3 "AVX State"),
 * register after register, each 16 bytes little-endian, as the component
 * itself is laid out. Pure code: the hypervisor, its host tests and the
 * fuzzer share it.
 */
#ifndef UNDERSTUDY_PROTO_SNAPSHOT_XSAVE_H
#define UNDERSTUDY_PROTO_SNAPSHOT_XSAVE_H

#include "types.h"

#define SNAP_XSAVE_NAME "xsave"
#define SNAP_XSAVE_VERSION 1
/* XCR0's bits (SDM Vol 1, 13.3 "Enabling the XSAVE Feature Set and
 * XSAVE-Enabled Features"): state components 0-2. */
#define SNAP_XCR0_X87 (1ULL << 0)
#define SNAP_XCR0_SSE (1ULL << 1)
#define SNAP_XCR0_AVX (1ULL << 2)
#define SNAP_XCR0_KNOWN (SNAP_XCR0_X87 | SNAP_XCR0_SSE | SNAP_XCR0_AVX)
#define SNAP_YMM_REGS 16
#define SNAP_YMM_HI_SIZE 16   /* bits 255:128 of one YMM register */
#define SNAP_XSAVE_AVX_SIZE (SNAP_YMM_REGS * SNAP_YMM_HI_SIZE) /* 256: component 2's size */
#define SNAP_XSAVE_MAX (8 + SNAP_XSAVE_AVX_SIZE)

struct snap_xsave {
	u64 xcr0; /* the guest's; 0: it never executed XSETBV (XCR0 at reset, x87 only) */
	u8 ymm_hi[SNAP_YMM_REGS][SNAP_YMM_HI_SIZE]; /* meaningful when xcr0 has AVX */
};

/* The state's bytes: xcr0 (u64), then ymm_hi when xcr0 has AVX. Returns
 * the length, 0 when cap is too small or xcr0 is one no CPU takes
 * (snap_xsave_decode would refuse it). */
size_t snap_xsave_encode(const struct snap_xsave *x, u8 *buf, size_t cap);

/* Decodes; ymm_hi is zeroed without AVX. -EINVAL with why in *why for a
 * length that is not xcr0's, an XCR0 without x87 or with AVX but not SSE;
 * -ENOTSUP for XCR0 bits (components) this version does not carry. */
int snap_xsave_decode(struct snap_xsave *x, const u8 *in, size_t len, const char **why);

#endif
