/*
 * Snapshots over the log stream: the same protocol carries a snapshot's
 * bytes (docs/snapshot-format.md) instead of a log's, and the HELLO's
 * header bytes tell which (the snapshot magic). A snapshot is received
 * under a temporary name and checked at END with the hypervisor's own
 * snapshot reader (proto/snapshot_reader.c), as resume= would take it:
 * only a whole, valid snapshot gets its final name, so a file under that
 * name can always be resumed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvcollect.h"
#include "proto/snapshot.h"

static struct snap_reader reader; /* a page buffer and codec work: not on the stack */
static struct page_codec_work work;

bool is_snapshot(const u8 *header, u16 len)
{
	return len >= SNAP_MAGIC_SIZE && !memcmp(header, SNAP_MAGIC, SNAP_MAGIC_SIZE);
}

void describe_snapshot(const u8 *header, u16 len, char *out, size_t size)
{
	char ram[32];

	if (snap_read_header(&reader, header, len) < 0) {
		snprintf(out, size, "snapshot header: %s", reader.msg);
		return;
	}
	fmt_bytes(ram, sizeof(ram), (double)reader.hdr.ram_size);
	snprintf(out, size, "snapshot of %s, %s guest RAM, hypervisor %s", reader.hdr.backend, ram,
		 reader.hdr.version);
}

/* The verified file under its final name, durably. */
static bool publish(struct session *s)
{
	if (fsync(s->fd) || rename(s->path, s->final_path)) {
		msg("hvcollect: %s: cannot rename to %s: %m", s->path, s->final_path);
		return false;
	}
	snprintf(s->path, sizeof(s->path), "%s", s->final_path);
	return true;
}

bool check_snapshot(struct session *s)
{
	char err[256];
	size_t size = 0;
	u8 *data = read_whole(s->path, &size, err, sizeof(err));
	bool ok;

	if (!data) {
		msg("hvcollect: %s: cannot check the snapshot: %s", s->path, err);
		return false;
	}
	ok = snap_verify(&reader, data, size, NULL, NULL, NULL, &work) == 0;
	free(data);
	if (!ok) {
		msg("hvcollect: %s: snapshot of %zu bytes refused: %s (kept under that name, not as %s)",
		    s->path, size, reader.msg, s->final_path);
		return false;
	}
	if (!publish(s))
		return false;
	msg("hvcollect: complete snapshot of %zu bytes, %llu sections, %llu bytes of guest RAM: %s",
	    size, (unsigned long long)reader.totals.sections,
	    (unsigned long long)reader.hdr.ram_size, s->final_path);
	return true;
}
