/* printf-style formatting into a character sink or a buffer (lib/fmt.c).
 * Supports flags "-0+ #", width and precision (numbers or '*'), length
 * modifiers hh h l ll z t j, and conversions d i u x X o c s p %. */
#ifndef UNDERSTUDY_FMT_H
#define UNDERSTUDY_FMT_H

#include <stdarg.h>

#include "compiler.h"
#include "types.h"

typedef void (*fmt_sink_fn)(void *ctx, char c);

/* Formats to sink; returns the number of characters produced. */
int fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap);

/* Like C's vsnprintf: always NUL-terminates when size > 0 and returns the
 * length the full output would have had. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
