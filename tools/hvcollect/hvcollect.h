/*
 * hvcollect: receives a record run's log, or a snapshot, over TCP
 * (docs/log-stream.md). Shared declarations of its small modules.
 */
#ifndef UNDERSTUDY_TOOLS_HVCOLLECT_H
#define UNDERSTUDY_TOOLS_HVCOLLECT_H

#include "proto/logstream_proto.h"

/* Exit statuses. */
#define EXIT_OK 0
#define EXIT_FAILED 1   /* a refused or incomplete log, an I/O error */
#define EXIT_USAGE 2

#define ACK_BATCH_BYTES (64 * 1024)  /* ACK at least this often ... */
#define ACK_BATCH_MS 100             /* ... or this long after the first unACKed byte */
#define HELLO_TIMEOUT_MS 10000       /* a connection must say HELLO within this */
#define PROGRESS_MS 1000
#define MAX_CONNS 16
#define OUT_CAP 4096                 /* a connection's unsent replies */
#define READ_CHUNK 65536
#define PATH_SIZE 4096

struct options {
	const char *bind;
	unsigned port;
	const char *dir;     /* one file per session, or ... */
	const char *out;     /* ... this one file for one session */
	bool once;
	bool quiet;
	unsigned slow_ms;
};

extern struct options opt;

/* --- scan.c: counts the log's frames as its bytes go by -------------------- */

struct frame_scan {
	u64 pos;             /* stream bytes seen */
	u64 next;            /* where the next header starts (0: the log header) */
	u8 part[12];         /* the start of that header, as far as seen */
	u32 have;
	u64 frames;
	bool lost;           /* a length made no sense: no more counting */
};

void scan_init(struct frame_scan *s);
void scan_feed(struct frame_scan *s, const u8 *data, size_t len);

/* --- check.c: the whole log, validated at END ------------------------------ */

/* Checks the log file at path; prints the result line. True when it is
 * complete (ends with END) and every frame and entry decodes. */
bool check_log(const char *path);
/* The whole file at path, malloc'ed (*size its length); NULL with err set. */
u8 *read_whole(const char *path, size_t *size, char *err, size_t err_size);

/* --- snapshot_file.c: a snapshot instead of a log ---------------------------- */

#define PART_SUFFIX ".part"  /* a snapshot's name until it is whole and verified */

/* Do the stream's first bytes (its HELLO's header) start a snapshot? */
bool is_snapshot(const u8 *header, u16 len);
/* "snapshot of svm, 64 MiB guest RAM, hypervisor 0.1" from its header. */
void describe_snapshot(const u8 *header, u16 len, char *out, size_t size);
struct session;
/* At END: verifies the snapshot received in s->path with the hypervisor's
 * own reader and, when it is whole and valid, renames it to s->final_path;
 * prints the result line. A refused one stays under its .part name. */
bool check_snapshot(struct session *s);

/* --- session.c: one file per record run -------------------------------------- */

struct conn;

struct session {
	u64 id;
	bool snapshot;       /* a snapshot, not a record log */
	char path[PATH_SIZE];      /* the file being written */
	char final_path[PATH_SIZE]; /* a snapshot's name once verified (path + .part until then) */
	int fd;              /* -1 while closed */
	u64 written;         /* bytes in the file: the stream's end */
	u64 durable;         /* bytes synced */
	u8 log_header[LS_LOG_HEADER_MAX];
	u16 log_header_len;  /* 0 until a HELLO gave it */
	bool ended;
	struct frame_scan scan;
	struct conn *conn;   /* the connection sending it, or NULL */

	/* progress */
	double reported_at;
	u64 reported_bytes;
	bool changed;        /* bytes arrived since the last report */
};

/* The session for id, opened (created, or resumed from its file); NULL with
 * why set when it cannot be. */
struct session *session_get(u64 id, bool snapshot, char *why, size_t why_size);
/* Writes a DATA payload at the stream's end; false on an I/O error (why). */
bool session_write(struct session *s, const u8 *data, u32 len, char *why, size_t why_size);
/* Syncs the file: written becomes durable. */
bool session_sync(struct session *s, char *why, size_t why_size);
void session_close_file(struct session *s);
/* Sessions, for progress and the end. */
size_t session_count(void);
struct session *session_at(size_t i);

/* --- conn.c: one connection from a hypervisor -------------------------------- */

struct conn {
	int fd;
	char peer[64];
	double opened;
	struct ls_decoder dec;
	u8 *rx;              /* decoder payload buffer, LS_MAX_PAYLOAD */
	struct ls_encoder enc;
	u8 out[OUT_CAP];
	size_t out_len;
	struct session *s;   /* after HELLO */
	u64 acked;           /* last ACK (or WELCOME) offset sent */
	double unacked_since; /* when the first byte after acked was written, or 0 */
	u32 ack_bytes;       /* batch size for this peer */
	bool closing;        /* close once out is flushed */
	bool dead;           /* to be freed by the main loop */
};

/* What happened to the collector as a whole. */
enum verdict {
	RUNNING,
	DONE_OK,       /* --once: the log is complete and valid */
	DONE_FAILED,   /* --once: invalid log or malformed input */
};

extern enum verdict verdict;

struct conn *conn_new(int fd, const char *peer);
/* Reads what the peer sent and answers; false when the connection is to be
 * closed. */
bool conn_readable(struct conn *c);
/* Sends pending replies; false on a write error. */
bool conn_flush(struct conn *c);
/* ACKs when a batch is due (by size or age). */
void conn_maybe_ack(struct conn *c, double now);
/* The next time conn_maybe_ack has something to do, or 0. */
double conn_ack_deadline(const struct conn *c);
/* Closes and frees c, saying why when why is not NULL. */
void conn_free(struct conn *c, const char *why);

/* --- progress.c: messages and the progress line ------------------------------- */

void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports sessions whose bytes changed, at most once per PROGRESS_MS
 * (force: now, and only those that changed). */
void progress_tick(double now, bool force);
/* A human size: "1.5 MiB". */
void fmt_bytes(char *out, size_t size, double bytes);

#endif
