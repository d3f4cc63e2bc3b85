#include "expect.h"
#include "guest.h"

static bool vary_lines;

bool expect_vary(bool on)
{
	bool was = vary_lines;
	vary_lines = on;
	return was;
}

/* One result line: "PASS: what" or "FAIL: what: detail". */
static bool result(bool ok, const char *detail, const char *fmt, va_list ap)
{
	char what[300];
	vsnprintf(what, sizeof(what), fmt, ap);
	if (ok)
		printf("%sPASS: %s\n", vary_lines ? "~ " : "", what);
	else
		printf("%sFAIL: %s: %s\n", vary_lines ? "~ " : "", what, detail);
	if (!ok)
		guest_failures++;
	return ok;
}

bool expect_eq(u32 got, u32 want, const char *fmt, ...)
{
	char detail[64];
	va_list ap;
	snprintf(detail, sizeof(detail), "expected 0x%x, got 0x%x", want, got);
	va_start(ap, fmt);
	bool ok = result(got == want, detail, fmt, ap);
	va_end(ap);
	return ok;
}

bool expect_eq64(u64 got, u64 want, const char *fmt, ...)
{
	char detail[80];
	va_list ap;
	snprintf(detail, sizeof(detail), "expected 0x%llx, got 0x%llx", want, got);
	va_start(ap, fmt);
	bool ok = result(got == want, detail, fmt, ap);
	va_end(ap);
	return ok;
}

bool expect_that(bool ok, const char *want, const char *got, const char *fmt, ...)
{
	char detail[160];
	va_list ap;
	snprintf(detail, sizeof(detail), "expected %s, got %s", want, got);
	va_start(ap, fmt);
	ok = result(ok, detail, fmt, ap);
	va_end(ap);
	return ok;
}
