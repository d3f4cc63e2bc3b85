/* Catching an exception and resuming after it, setjmp-style:
 *
 *	if (catch_arm() == 0) {
 *		... code that may fault ...
 *		catch_disarm();
 *	} else {
 *		... fault_last says what happened ...
 *	}
 *
 * While armed, the first exception (vector < 32) disarms, records itself in
 * fault_last and makes catch_arm() return again with vector + 1 (stack,
 * callee-saved registers and EFLAGS as they were at catch_arm()). Locals
 * changed after catch_arm() must be volatile to be trusted afterwards.
 * fault_try() wraps the pattern around a function call. */
#ifndef GUEST_CATCH_H
#define GUEST_CATCH_H

#include "types.h"

struct fault_info {
	u32 vector, error, eip, cr2;
};

extern volatile struct fault_info fault_last;
extern volatile u32 catch_armed;

int catch_arm(void) __attribute__((returns_twice));
void catch_disarm(void);
void catch_return(int value) __noreturn; /* used by trap_dispatch() */

/* Runs fn(arg); returns -1 when it finished, else the vector it raised
 * (with the details in *info when info is not NULL). */
int fault_try(void (*fn)(void *), void *arg, struct fault_info *info);

#endif
