/* The "xsave" DEVICE state of a snapshot (see snapshot_xsave.h). */
#include "proto/snapshot_xsave.h"

#include <string.h>

#include "endian.h"
#include "errno.h"

#define XCR0_SIZE 8

/* What XSETBV would refuse (SDM Vol 2C, XSETBV: #GP when XCR0[0] is 0 or
 * XCR0[2:1] is 10b); NULL for an XCR0 it takes. 0 stands for the reset
 * value. */
static const char *xcr0_invalid(u64 xcr0)
{
	if (!xcr0)
		return NULL;
	if (!(xcr0 & SNAP_XCR0_X87))
		return "XCR0 without x87 (bit 0)";
	if ((xcr0 & SNAP_XCR0_AVX) && !(xcr0 & SNAP_XCR0_SSE))
		return "XCR0 with AVX but not SSE";
	return NULL;
}

static size_t payload_len(u64 xcr0)
{
	return XCR0_SIZE + ((xcr0 & SNAP_XCR0_AVX) ? SNAP_XSAVE_AVX_SIZE : 0);
}

size_t snap_xsave_encode(const struct snap_xsave *x, u8 *buf, size_t cap)
{
	size_t n = payload_len(x->xcr0);

	if (cap < n || xcr0_invalid(x->xcr0) || (x->xcr0 & ~SNAP_XCR0_KNOWN))
		return 0;
	le_put(buf, x->xcr0, XCR0_SIZE);
	if (x->xcr0 & SNAP_XCR0_AVX)
		memcpy(buf + XCR0_SIZE, x->ymm_hi, SNAP_XSAVE_AVX_SIZE);
	return n;
}

int snap_xsave_decode(struct snap_xsave *x, const u8 *in, size_t len, const char **why)
{
	memset(x, 0, sizeof(*x));
	if (len < XCR0_SIZE) {
		*why = "shorter than its XCR0";
		return -EINVAL;
	}
	x->xcr0 = le_get(in, XCR0_SIZE);
	if (x->xcr0 & ~SNAP_XCR0_KNOWN) {
		*why = "XCR0 enables components this version does not carry";
		return -ENOTSUP;
	}
	if ((*why = xcr0_invalid(x->xcr0)))
		return -EINVAL;
	if (len != payload_len(x->xcr0)) {
		*why = (x->xcr0 & SNAP_XCR0_AVX) ? "not XCR0 and the 256 bytes of YMM0-15's upper halves"
						 : "more than XCR0 without AVX";
		return -EINVAL;
	}
	if (x->xcr0 & SNAP_XCR0_AVX)
		memcpy(x->ymm_hi, in + XCR0_SIZE, SNAP_XSAVE_AVX_SIZE);
	return 0;
}
