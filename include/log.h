/* Leveled, format-checked logging to the hypervisor console (lib/log.c). */
#ifndef UNDERSTUDY_LOG_H
#define UNDERSTUDY_LOG_H

#include <stdarg.h>

#include "compiler.h"
#include "types.h"

enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
	LOG_TRACE,
};

/* Where console output goes; the kernel sets the serial port, tests may set
 * a buffer. */
typedef void (*console_write_fn)(const char *buf, size_t len);
void console_set_writer(console_write_fn fn);
void console_write(const char *buf, size_t len);
int console_printf(const char *fmt, ...) __printf(1, 2);
int console_vprintf(const char *fmt, va_list ap);

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_printf(enum log_level level, const char *fmt, ...) __printf(2, 3);

/* The level in force (lib/log.c); read inline, since the exit path asks on
 * every exit whether it traces. */
extern enum log_level log_current_level;

static inline bool log_enabled(enum log_level level)
{
	return level <= log_current_level;
}

/* Parses "error", "warn", "info", "debug", "trace"; -EINVAL otherwise. */
int log_level_from_name(const char *name, size_t len, enum log_level *out);
const char *log_level_name(enum log_level level);

#define pr_err(...) log_printf(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...) log_printf(LOG_WARN, __VA_ARGS__)
#define pr_info(...) log_printf(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)
/* Trace messages cost one compare when the level is lower. */
#define pr_trace(...)                                         \
	do {                                                  \
		if (log_enabled(LOG_TRACE))                   \
			log_printf(LOG_TRACE, __VA_ARGS__);   \
	} while (0)

#endif
