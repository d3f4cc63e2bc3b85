/* A small printf to COM1: %d %i %u %x %X %s %c %p %%, the "ll" length for
 * 64-bit values, "l" (ignored: 32-bit long), '0' flag, '-' flag and a width. */
#ifndef GUEST_PRINTF_H
#define GUEST_PRINTF_H

#include <stdarg.h>
#include "types.h"

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vprintf(const char *fmt, va_list ap);
int printf(const char *fmt, ...) __printf(1, 2);

#endif
