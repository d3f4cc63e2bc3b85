/*
 * Sessions: one per record run or snapshot (its HELLO's session id), each
 * with its file. --out FILE holds one session; --dir DIR one file per
 * session, DIR/<id>.rrlog or DIR/<id>.snap, and a file already there (a
 * collector started again) is resumed from its size. A snapshot is
 * written under its name + ".part" until it is whole and verified.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvcollect.h"
#include "netio.h"

static struct session **sessions;
static size_t nsessions;

size_t session_count(void)
{
	return nsessions;
}

struct session *session_at(size_t i)
{
	return sessions[i];
}

/* Feeds a resumed file's bytes to the frame counter. */
static bool scan_existing(struct session *s, char *why, size_t why_size)
{
	u8 buf[READ_CHUNK];
	u64 off = 0;

	while (off < s->written) {
		ssize_t n = pread(s->fd, buf, sizeof(buf), (off_t)off);

		if (n <= 0) {
			snprintf(why, why_size, "%s: cannot read: %s", s->path,
				 n ? strerror(errno) : "short file");
			return false;
		}
		scan_feed(&s->scan, buf, (size_t)n);
		off += (u64)n;
	}
	return true;
}

/* Opens the session's file: --out is emptied the first time, a --dir file
 * is kept and resumed. */
static bool open_file(struct session *s, bool fresh, char *why, size_t why_size)
{
	struct stat st;
	int flags = O_RDWR | O_CREAT | O_CLOEXEC | (fresh && opt.out ? O_TRUNC : 0);

	s->fd = open(s->path, flags, 0644);
	if (s->fd < 0 || fstat(s->fd, &st)) {
		snprintf(why, why_size, "%s: %s", s->path, strerror(errno));
		return false;
	}
	if (!fresh)
		return true;
	s->written = s->durable = (u64)st.st_size;
	scan_init(&s->scan);
	return scan_existing(s, why, why_size);
}

static struct session *find(u64 id)
{
	for (size_t i = 0; i < nsessions; i++)
		if (sessions[i]->id == id)
			return sessions[i];
	return NULL;
}

/* The session's file names: a log's is its final one; a snapshot is
 * received under a temporary name. */
static void name_files(struct session *s)
{
	if (opt.out)
		snprintf(s->final_path, sizeof(s->final_path), "%s", opt.out);
	else
		snprintf(s->final_path, sizeof(s->final_path), "%s/%016llx.%s", opt.dir, s->id,
			 s->snapshot ? "snap" : "rrlog");
	snprintf(s->path, sizeof(s->path), "%.*s%s", PATH_SIZE - 8, s->final_path,
		 s->snapshot ? PART_SUFFIX : "");
}

static struct session *create(u64 id, bool snapshot, char *why, size_t why_size)
{
	struct session *s = calloc(1, sizeof(*s)), **bigger;

	bigger = realloc(sessions, (nsessions + 1) * sizeof(*sessions));
	if (!s || !bigger) {
		free(s);
		snprintf(why, why_size, "out of memory");
		return NULL;
	}
	sessions = bigger;
	s->id = id;
	s->snapshot = snapshot;
	s->fd = -1;
	name_files(s);
	if (!open_file(s, true, why, why_size)) {
		if (s->fd >= 0)
			close(s->fd);
		free(s);
		return NULL;
	}
	s->reported_at = nio_now();
	s->reported_bytes = s->written;
	sessions[nsessions++] = s;
	return s;
}

struct session *session_get(u64 id, bool snapshot, char *why, size_t why_size)
{
	struct session *s = find(id);

	if (s)
		return s->fd >= 0 || open_file(s, false, why, why_size) ? s : NULL;
	if (opt.out && nsessions) {
		snprintf(why, why_size,
			 "this collector writes %s for session %016llx (--dir takes several)",
			 opt.out, sessions[0]->id);
		return NULL;
	}
	return create(id, snapshot, why, why_size);
}

bool session_write(struct session *s, const u8 *data, u32 len, char *why, size_t why_size)
{
	u32 done = 0;

	while (done < len) {
		ssize_t n = pwrite(s->fd, data + done, len - done, (off_t)(s->written + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(why, why_size, "%s: write: %s", s->path,
				 n ? strerror(errno) : "nothing written");
			return false;
		}
		done += (u32)n;
	}
	if (!s->snapshot)
		scan_feed(&s->scan, data, len);
	s->written += len;
	s->changed = true;
	return true;
}

bool session_sync(struct session *s, char *why, size_t why_size)
{
	if (s->durable == s->written)
		return true;
	if (fdatasync(s->fd)) {
		snprintf(why, why_size, "%s: fdatasync: %s", s->path, strerror(errno));
		return false;
	}
	s->durable = s->written;
	return true;
}

void session_close_file(struct session *s)
{
	if (s->fd < 0)
		return;
	fdatasync(s->fd);
	s->durable = s->written;
	close(s->fd);
	s->fd = -1;
}
