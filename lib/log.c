/* Console output and leveled logging. Lines are formatted into a bounded
 * buffer first so one log call is one console write. */
#include "log.h"

#include <string.h>

#include "errno.h"
#include "fmt.h"

#define LOG_LINE_MAX 512

static console_write_fn console_writer;
enum log_level log_current_level = LOG_INFO;

static const char *const level_names[] = {
	[LOG_ERROR] = "error",
	[LOG_WARN] = "warn",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
	[LOG_TRACE] = "trace",
};

void console_set_writer(console_write_fn fn)
{
	console_writer = fn;
}

void console_write(const char *buf, size_t len)
{
	if (console_writer)
		console_writer(buf, len);
}

int console_vprintf(const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int n = fmt_vsnprintf(line, sizeof(line), fmt, ap);

	console_write(line, strnlen(line, sizeof(line)));
	return n;
}

int console_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = console_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void log_set_level(enum log_level level)
{
	log_current_level = level;
}

enum log_level log_get_level(void)
{
	return log_current_level;
}

const char *log_level_name(enum log_level level)
{
	return (unsigned)level < ARRAY_SIZE(level_names) ? level_names[level] : "?";
}

int log_level_from_name(const char *name, size_t len, enum log_level *out)
{
	for (unsigned i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (strlen(level_names[i]) == len && !strncmp(level_names[i], name, len)) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Prefixes warnings and errors with their level, so they stand out in a
 * serial capture; info lines carry their component name themselves. */
void log_printf(enum log_level level, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	size_t pos = 0;
	va_list ap;

	if (!log_enabled(level))
		return;
	if (level != LOG_INFO)
		pos = (size_t)fmt_snprintf(line, sizeof(line), "%s: ", log_level_name(level));
	va_start(ap, fmt);
	fmt_vsnprintf(line + pos, sizeof(line) - pos, fmt, ap);
	va_end(ap);
	pos = strnlen(line, sizeof(line) - 2);
	if (pos == 0 || line[pos - 1] != '\n')
		line[pos++] = '\n';
	console_write(line, pos);
}
