/* hvlog print: the log as text that hvlog assemble reads back. */
#include "hvlog.h"

int hvlog_refuse(struct logfile *lf)
{
	fflush(stdout);
	fprintf(stderr, "hvlog: %s\n", lf->err);
	logfile_close(lf);
	return EXIT_REFUSED;
}

int cmd_print(const char *path)
{
	struct logfile lf;
	struct rrlog_entry e;
	enum walk_event ev;

	if (!logfile_open(&lf, path))
		return hvlog_refuse(&lf);
	text_print_header(stdout, &lf.hdr, lf.header_canonical ? NULL : lf.data, lf.header_len);
	while ((ev = logfile_next(&lf, &e)) != WALK_EOF) {
		if (ev == WALK_ERROR)
			return hvlog_refuse(&lf);
		if (ev == WALK_FRAME)
			text_print_frame(stdout, lf.frame_seq, lf.frame_entries,
					 lf.frame_size - RRLOG_FRAME_HEADER_SIZE);
		else
			text_print_entry(stdout, &e,
					 lf.entry_canonical ? NULL : lf.data + lf.entry_off,
					 lf.entry_len);
	}
	logfile_close(&lf);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "hvlog: %s: write error on standard output\n", path);
		return EXIT_REFUSED;
	}
	return EXIT_OK;
}
