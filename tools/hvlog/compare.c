/* hvlog compare: headers, then entries one by one, up to the first
 * difference. */
#include "hvlog.h"

#define DIFF_SIZE 4096

/* The next entry of lf, skipping frame boundaries. */
static enum walk_event next(struct logfile *lf, struct rrlog_entry *e)
{
	enum walk_event ev;

	while ((ev = logfile_next(lf, e)) == WALK_FRAME)
		;
	return ev;
}

static int refuse_both(struct logfile *bad, struct logfile *other)
{
	logfile_close(other);
	return hvlog_refuse(bad);
}

/* One log ended before the other: the difference is its missing entry. */
static int ended(u64 index, const char *short_name, const char *long_name,
		 const struct rrlog_entry *e)
{
	char brief[160];

	text_entry_brief(brief, sizeof(brief), e);
	printf("first difference at entry %llu: %s ends, %s has %s\n",
	       index, short_name, long_name, brief);
	return EXIT_REFUSED;
}

static int walk(struct logfile *a, struct logfile *b)
{
	static char diff[DIFF_SIZE];
	struct rrlog_entry ea, eb;
	char brief_a[160], brief_b[160];
	enum walk_event va, vb;
	u64 index;

	for (index = 0;; index++) {
		va = next(a, &ea);
		if (va == WALK_ERROR)
			return refuse_both(a, b);
		vb = next(b, &eb);
		if (vb == WALK_ERROR)
			return refuse_both(b, a);
		if (va == WALK_EOF && vb == WALK_EOF)
			break;
		if (va == WALK_EOF)
			return ended(index, "A", "B", &eb);
		if (vb == WALK_EOF)
			return ended(index, "B", "A", &ea);
		if (entry_diff(&ea, &eb, diff, sizeof(diff))) {
			text_entry_brief(brief_a, sizeof(brief_a), &ea);
			text_entry_brief(brief_b, sizeof(brief_b), &eb);
			printf("first difference at entry %llu (frame %llu of A): A has %s, B has %s\n%s",
			       index, a->frame_seq,
			       brief_a, brief_b, diff);
			return EXIT_REFUSED;
		}
	}
	printf("identical (%llu entries)\n", index);
	return EXIT_OK;
}

int cmd_compare(const char *path_a, const char *path_b)
{
	static char diff[DIFF_SIZE];
	struct logfile a, b;
	int status;

	if (!logfile_open(&a, path_a))
		return hvlog_refuse(&a);
	if (!logfile_open(&b, path_b))
		return refuse_both(&b, &a);
	if (header_diff(&a.hdr, &b.hdr, diff, sizeof(diff))) {
		printf("headers differ (A vs B):\n%s", diff);
		status = EXIT_REFUSED;
	} else {
		status = walk(&a, &b); /* a refusal closes both: closing again is harmless */
	}
	logfile_close(&a);
	logfile_close(&b);
	return status;
}
