/* The vCPU's FPU registers as DEVICE sections (see snapshot_fpu.h). */
#include "hv/snapshot_fpu.h"

#include <string.h>

#include "arch/x86/fpu.h"
#include "errno.h"
#include "log.h"
#include "proto/snapshot_xsave.h"

STATIC_ASSERT(FPU_AVX_SIZE == SNAP_XSAVE_AVX_SIZE, "YMM_Hi128 is 16 registers of 16 bytes");

static u8 fpu_area[FPU_AREA_MAX] __attribute__((aligned(FPU_AREA_ALIGN)));
static u8 sse_staged[FPU_LEGACY_SIZE];
static struct snap_xsave xsave_staged;

size_t snap_fpu_sse_save(struct vm_devices *d, u8 *buf, size_t cap)
{
	if (cap < FPU_LEGACY_SIZE)
		return 0;
	fpu_save_canonical(fpu_area);
	memcpy(buf, fpu_area, FPU_LEGACY_SIZE);
	return FPU_LEGACY_SIZE;
}

/* An MXCSR FXRSTOR would fault on is refused here (fpu_mxcsr_valid). */
int snap_fpu_sse_stage(struct vm_devices *d, const u8 *in, size_t len)
{
	u32 mxcsr;

	if (len != FPU_LEGACY_SIZE)
		return -EBADMSG;
	memcpy(&mxcsr, in + FPU_MXCSR_OFFSET, sizeof(mxcsr));
	if (!fpu_mxcsr_valid(mxcsr))
		return -EBADMSG;
	memcpy(sse_staged, in, FPU_LEGACY_SIZE);
	return 0;
}

/* XCR0 as the CPU holds it (the guest's), and the AVX halves when it
 * enables them. */
size_t snap_xsave_save(struct vm_devices *d, u8 *buf, size_t cap)
{
	struct snap_xsave x;

	memset(&x, 0, sizeof(x));
	x.xcr0 = fpu_get_xcr0();
	if (!fpu_save_avx(&x.ymm_hi[0][0]))
		x.xcr0 &= ~SNAP_XCR0_AVX;
	return snap_xsave_encode(&x, buf, cap);
}

int snap_xsave_stage(struct vm_devices *d, const u8 *in, size_t len)
{
	const char *why = NULL;

	if (snap_xsave_decode(&xsave_staged, in, len, &why)) {
		pr_err("snapshot refused: DEVICE %s: %s", SNAP_XSAVE_NAME, why);
		return -EBADMSG;
	}
	if ((xsave_staged.xcr0 & SNAP_XCR0_AVX) && !fpu_has_avx()) {
		pr_err("snapshot refused: DEVICE %s holds AVX state and this CPU has no AVX",
		       SNAP_XSAVE_NAME);
		return -EBADMSG;
	}
	return 0;
}

/* Both were checked when staged: neither load can fail now. */
void snap_fpu_commit(bool sse, bool xsave)
{
	bool avx = xsave && (xsave_staged.xcr0 & SNAP_XCR0_AVX);

	if (sse)
		fpu_restore_legacy(sse_staged);
	fpu_restore_avx(avx ? &xsave_staged.ymm_hi[0][0] : NULL);
}
