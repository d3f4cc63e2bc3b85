/* Leaving the guest: the failure count goes to the isa-debug-exit port. */
#ifndef GUEST_EXIT_H
#define GUEST_EXIT_H

#include "types.h"

#define DEBUG_EXIT_PORT 0xF4
/* QEMU exits with status (value << 1) | 1, truncated to 8 bits: codes above
 * 100 are written as 100 so a count never aliases a runner's own codes
 * (124 timeout and above). */
#define EXIT_CODE_MAX 100

void guest_exit(u32 code) __noreturn;

#endif
