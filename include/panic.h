/* Fatal errors: print where and why, a backtrace, then stop the machine. */
#ifndef UNDERSTUDY_PANIC_H
#define UNDERSTUDY_PANIC_H

#include "compiler.h"

#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)
void panic_at(const char *file, int line, const char *fmt, ...) __noreturn __printf(3, 4);

#define BUG_ON(cond)                                           \
	do {                                                   \
		if (unlikely(cond))                            \
			panic("BUG_ON(%s)", #cond);            \
	} while (0)

#endif
