/*
 * hvlog: prints, assembles, summarizes and compares record/replay logs and
 * traces (docs/hvlog.md). Shared declarations of its small modules.
 */
#ifndef UNDERSTUDY_TOOLS_HVLOG_H
#define UNDERSTUDY_TOOLS_HVLOG_H

#include <stdio.h>

#include "proto/rrlog.h"

#define HVLOG_FRAME_BUF (RRLOG_FRAME_HEADER_SIZE + RRLOG_FRAME_MAX_PAYLOAD)
#define HVLOG_ERR_SIZE 512

/* Exit statuses. */
#define EXIT_OK 0
#define EXIT_REFUSED 1 /* a difference, or an input refused with a message */
#define EXIT_USAGE 2

/* --- logfile.c: a whole log in memory, walked frame by frame ---------------- */

enum walk_event {
	WALK_FRAME,  /* a frame was opened: frame_* describe it */
	WALK_ENTRY,  /* an entry was decoded: entry_* describe it */
	WALK_EOF,    /* the file ended after a whole frame */
	WALK_ERROR,  /* err names the problem, the frame and the offset */
};

struct logfile {
	const char *name;
	u8 *data;
	size_t size;
	bool owned;                  /* data was read from a file and is freed */

	struct rrlog_header hdr;
	size_t header_len;
	bool header_canonical;       /* rrlog_write_header gives the same bytes */

	struct rrlog_reader r;
	size_t off;                  /* file offset of the next frame */
	bool in_frame;
	u64 frames;                  /* frames opened so far */
	u64 frame_seq;               /* the open frame */
	size_t frame_off, frame_size;
	u32 frame_entries;

	u64 entries;                 /* entries decoded so far */
	size_t entry_off, entry_len; /* the last entry's bytes in the file */
	bool entry_canonical;        /* the writer encodes it to the same bytes */
	struct rrlog_page_hash *pages; /* the last DIGEST_PAGES entry's pages */

	u8 *scratch;                 /* a frame buffer for re-encoding */
	char err[HVLOG_ERR_SIZE];
};

/* Reads path and its header; false with lf->err set. */
bool logfile_open(struct logfile *lf, const char *path);
/* The same over bytes in memory (not copied; name is used in messages). */
bool logfile_open_mem(struct logfile *lf, const char *name, u8 *data, size_t size);
void logfile_close(struct logfile *lf);
/* The next event; WALK_ENTRY fills *e (a DIGEST_PAGES entry's pages.pages
 * points at lf->pages, valid until the next call). */
enum walk_event logfile_next(struct logfile *lf, struct rrlog_entry *e);

/* --- fields.c: entry and header fields by name, from the format's tables ---- */

#define FIELDS_MAX 64 /* text fields of one type (a u64 marks those seen) */
#define BYTES_MAX 255 /* a byte string's length is a u8 */

enum field_fmt {
	FMT_DEC,
	FMT_HEX,
	FMT_STR,   /* a NUL-terminated char array of size bytes */
	FMT_MAGIC, /* the header's trace flag, shown as its magic */
};

struct field {
	const char *name;
	enum field_fmt fmt;
	size_t off;                  /* in struct rrlog_entry or rrlog_header */
	unsigned size;               /* bytes */
};

/* The numeric fields of a type in wire order, an array's elements each by
 * its name (a byte string and a page list are handled apart); NULL for an
 * unknown type. */
const struct field *type_fields(unsigned type, size_t *count);
/* The header's fields, in the order print shows them. */
const struct field *header_fields(size_t *count);
/* The type's byte string (T_INSN's bytes) or NULL; its length in base. */
const struct wire_field *type_bytes_field(unsigned type);
unsigned bytes_len(const void *base, const struct wire_field *f);
/* Whether the type's body is a DIGEST_PAGES page list. */
/* The type's sized bytes (CHECKPOINT_DATA's, FPU_STATE's bytes=) or NULL. */
const struct wire_field *type_sized_field(unsigned type);
/* Whether the type carries a whole page (WINDOW_PAGE's contents=, in hex). */
bool type_has_contents(unsigned type);
bool type_has_pages(unsigned type);
u64 field_get(const void *base, const struct field *f);
void field_set(void *base, const struct field *f, u64 v);
u64 field_max(const struct field *f);
/* The value as text shows it: decimal, 0x-hex, an escaped string, a magic. */
void field_format(char *out, size_t size, const void *base, const struct field *f);
/* The type whose name is s, or -1. */
int type_from_name(const char *s);

/* Appends "  name: A vs B" lines to out for each field of a and b that
 * differs (landmark first); returns how many differ. */
unsigned entry_diff(const struct rrlog_entry *a, const struct rrlog_entry *b,
		    char *out, size_t size);
/* The same for headers. */
unsigned header_diff(const struct rrlog_header *a, const struct rrlog_header *b,
		     char *out, size_t size);

/* --- text.c: the text form that print writes and assemble reads ------------- */

void text_print_header(FILE *f, const struct rrlog_header *h, const u8 *raw, size_t raw_len);
void text_print_frame(FILE *f, u64 seq, u32 entries, size_t payload_len);
/* raw: the entry's bytes when the writer would encode it differently. */
void text_print_entry(FILE *f, const struct rrlog_entry *e, const u8 *raw, size_t raw_len);
/* One-line "E=... rip=... TYPE" description of an entry. */
void text_entry_brief(char *out, size_t size, const struct rrlog_entry *e);

/* What a parsed line holds. */
struct text_line {
	enum { LINE_BLANK, LINE_HEADER, LINE_FRAME, LINE_ENTRY } kind;
	struct rrlog_header hdr;
	struct rrlog_entry e;
	struct rrlog_page_hash *pages; /* RRLOG_DIGEST_PAGES_MAX, caller's */
	u8 *raw;                       /* RRLOG_FRAME_MAX_PAYLOAD, caller's */
	u8 contents[RRLOG_PAGE_CODED_MAX]; /* a WINDOW_PAGE's page, or sized bytes */
	size_t raw_len;                /* 0: no raw= */
};

/* Parses one line (modified in place); false with err set. */
bool text_parse_line(char *line, struct text_line *t, char *err, size_t err_size);

/* --- commands --------------------------------------------------------------- */

/* Reports lf->err on stderr, closes lf; returns EXIT_REFUSED. */
int hvlog_refuse(struct logfile *lf);

int cmd_print(const char *path);
int cmd_assemble(const char *text_path, const char *out_path);
int cmd_summary(const char *path);
int cmd_compare(const char *a, const char *b);
int cmd_snapshot(const char *path);

_Static_assert(RRLOG_CHECKPOINT_CHUNK <= RRLOG_PAGE_SIZE, "a piece fits contents");
_Static_assert(RRLOG_FPU_MAX <= RRLOG_PAGE_SIZE, "FPU state fits contents");

#endif
