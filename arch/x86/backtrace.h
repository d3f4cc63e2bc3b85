/* Frame-pointer backtraces (the hypervisor is built with
 * -fno-omit-frame-pointer). */
#ifndef UNDERSTUDY_ARCH_X86_BACKTRACE_H
#define UNDERSTUDY_ARCH_X86_BACKTRACE_H

#include "types.h"

#define BACKTRACE_MAX_DEPTH 16

/* Prints one return address per line, starting from the frame at rbp. */
void backtrace_print(u64 rbp);

#endif
