/*
 * Messages and the progress line on stderr. On a terminal the progress line
 * is rewritten in place and a message first ends it; elsewhere (a log file)
 * each report is a line of its own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "hvcollect.h"

static bool line_open;   /* a progress line is on the terminal, unterminated */

void fmt_bytes(char *out, size_t size, double bytes)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;

	while (bytes >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		bytes /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, size, "%.0f bytes", bytes);
	else
		snprintf(out, size, "%.1f %s", bytes, units[u]);
}

void msg(const char *fmt, ...)
{
	va_list ap;

	if (line_open) {
		fputc('\n', stderr);
		line_open = false;
	}
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void report(struct session *s, double now)
{
	double dt = now - s->reported_at;
	char total[32], rate[32], frames[40] = "";

	fmt_bytes(total, sizeof(total), (double)s->written);
	fmt_bytes(rate, sizeof(rate), dt > 0 ? (double)(s->written - s->reported_bytes) / dt : 0);
	if (!s->snapshot)
		snprintf(frames, sizeof(frames), ", %llu frames", s->scan.frames);
	if (isatty(STDERR_FILENO)) {
		fprintf(stderr, "\rhvcollect: %016llx: %s, %s/s%s\033[K", s->id, total, rate,
			frames);
		line_open = true;
	} else {
		msg("hvcollect: %016llx: %s, %s/s%s", s->id, total, rate, frames);
	}
	fflush(stderr);
	s->reported_at = now;
	s->reported_bytes = s->written;
	s->changed = false;
}

void progress_tick(double now, bool force)
{
	for (size_t i = 0; i < session_count(); i++) {
		struct session *s = session_at(i);

		if (opt.quiet || !s->changed)
			continue;
		if (force || now - s->reported_at >= PROGRESS_MS / 1000.0)
			report(s, now);
	}
}
