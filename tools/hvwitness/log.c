/* hvwitness's log lines and clock (hvwitness.h). */
#include <stdarg.h>
#include <time.h>

#include "hvwitness.h"

void wlog(const char *fmt, ...)
{
	va_list ap;

	fputs("hvwitness: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}
