/* Walks the saved-RBP chain; stops at a null, misaligned or out-of-image
 * frame pointer, so a corrupt stack cannot fault the reporter. */
#include "arch/x86/backtrace.h"

#include "log.h"

extern const u8 __image_start[], __image_end[];

static bool frame_readable(u64 rbp)
{
	return rbp && !(rbp & 7) && rbp >= (u64)(uptr)__image_start &&
	       rbp + 16 <= (u64)(uptr)__image_end;
}

void backtrace_print(u64 rbp)
{
	for (int depth = 0; depth < BACKTRACE_MAX_DEPTH && frame_readable(rbp); depth++) {
		const u64 *frame = (const u64 *)(uptr)rbp;

		if (!frame[1])
			break;
		console_printf("    %016llx\n", frame[1]);
		if (frame[0] <= rbp) /* stacks grow down: callers' frames are higher */
			break;
		rbp = frame[0];
	}
	console_printf("  (resolve with: addr2line -f -e build/understudy.elf ADDRESS...)\n");
}
