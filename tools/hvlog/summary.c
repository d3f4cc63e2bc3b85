/* hvlog summary: what a log holds and what it costs, per entry type. */
#include <string.h>

#include "hvlog.h"

#define NS_PER_S 1e9
#define TYPES (RRLOG_KIND_TYPE_MASK + 1)

struct summary {
	u64 entries[TYPES], bytes[TYPES];
	u64 total;
	bool have_clock, have_tsc;
	u64 clock_ns, tsc;
	struct rrlog_entry last;
};

static void count(struct summary *s, const struct logfile *lf, const struct rrlog_entry *e)
{
	s->entries[e->type]++;
	s->bytes[e->type] += lf->entry_len;
	s->total++;
	if (e->type == RR_CLOCK) {
		s->have_clock = true;
		s->clock_ns = e->clock_ns;
	} else if (e->type == RR_RDTSC || e->type == RR_RDTSCP) {
		s->have_tsc = true;
		s->tsc = e->type == RR_RDTSC ? e->tsc : e->rdtscp.tsc;
	}
	s->last = *e;
}

static void print_types(const struct summary *s)
{
	unsigned t;

	printf("%-17s %10s %12s %12s\n", "type", "entries", "bytes", "bytes/entry");
	for (t = 0; t < TYPES; t++)
		if (s->entries[t])
			printf("%-17s %10llu %12llu %12.2f\n", rrlog_type_name(t),
			       s->entries[t], s->bytes[t],
			       (double)s->bytes[t] / (double)s->entries[t]);
}

/* Guest time: the last CLOCK, else the last TSC value at the recording
 * host's TSC frequency. */
static void print_time(const struct summary *s, const struct logfile *lf)
{
	double seconds = 0;

	if (s->have_clock) {
		seconds = (double)s->clock_ns / NS_PER_S;
		printf("guest time: %.9f s (last CLOCK)\n", seconds);
	} else if (s->have_tsc && lf->hdr.tsc_hz) {
		seconds = (double)s->tsc / (double)lf->hdr.tsc_hz;
		printf("guest time: %.9f s (last TSC / tsc_hz)\n", seconds);
	} else {
		printf("guest time: unknown (no CLOCK entry, no TSC with tsc_hz)\n");
	}
	if (seconds > 0)
		printf("entries per second: %.2f\n", (double)s->total / seconds);
	else
		printf("entries per second: unknown\n");
}

static void print_summary(const struct summary *s, const struct logfile *lf)
{
	printf("file: %s\n", lf->name);
	printf("format: %s (%s), header %zu bytes, flags 0x%x\n",
	       lf->hdr.trace ? "trace" : "log", lf->hdr.trace ? RRLOG_TRACE_MAGIC : RRLOG_MAGIC,
	       lf->header_len, lf->hdr.flags);
	printf("frames: %llu\n", lf->frames);
	printf("entries: %llu\n", s->total);
	printf("log bytes: %zu (%.2f per entry)\n", lf->size,
	       s->total ? (double)lf->size / (double)s->total : 0.0);
	print_types(s);
	print_time(s, lf);
	if (s->total && s->last.type == RR_END)
		printf("end: END (how %u, code %u)\n", s->last.end.how, s->last.end.code);
	else
		printf("end: truncated (no END entry)\n");
}

/* A refusal after the header still summarizes what came before it. */
int cmd_summary(const char *path)
{
	static struct summary s;
	struct logfile lf;
	struct rrlog_entry e;
	enum walk_event ev;

	memset(&s, 0, sizeof(s));
	if (!logfile_open(&lf, path))
		return hvlog_refuse(&lf);
	while ((ev = logfile_next(&lf, &e)) != WALK_EOF && ev != WALK_ERROR)
		if (ev == WALK_ENTRY)
			count(&s, &lf, &e);
	print_summary(&s, &lf);
	if (ev == WALK_ERROR)
		return hvlog_refuse(&lf);
	logfile_close(&lf);
	return EXIT_OK;
}
