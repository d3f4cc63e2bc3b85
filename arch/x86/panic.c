/* panic(): report the location, the message and a backtrace, then stop. */
#include "panic.h"

#include <stdarg.h>

#include "arch/x86/backtrace.h"
#include "arch/x86/cpu.h"
#include "arch/x86/platform.h"
#include "log.h"

void panic_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	irq_disable();
	console_printf("\nunderstudy: PANIC on CPU %u at %s:%d: ", cpu_current_id(), file, line);
	va_start(ap, fmt);
	console_vprintf(fmt, ap);
	va_end(ap);
	console_printf("\n  backtrace:\n");
	backtrace_print((u64)(uptr)__builtin_frame_address(0));
	platform_halt(PLATFORM_EXIT_PANIC);
}
