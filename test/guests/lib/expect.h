/* Checks written the way a CPU conformance suite writes them: each prints
 * "PASS: what" or "FAIL: what: expected X, got Y" and a failure counts in
 * guest_failures. While expect_vary(true) is in effect the lines start with
 * "~ " (results whose presence depends on the CPU, e.g. a feature QEMU's
 * TCG lacks): left out of the comparison with the native run, a failure
 * still counts. */
#ifndef GUEST_EXPECT_H
#define GUEST_EXPECT_H
#include "types.h"
bool expect_eq(u32 got, u32 want, const char *fmt, ...) __printf(3, 4);
bool expect_eq64(u64 got, u64 want, const char *fmt, ...) __printf(3, 4);
/* ok: the condition described as expected; got/want say what was seen and
 * what was expected in words. */
bool expect_that(bool ok, const char *want, const char *got, const char *fmt, ...)
	__printf(4, 5);
/* Returns the previous setting, to put back. */
bool expect_vary(bool on);
#endif
