/*
 * The header of a log or trace (docs/log-format.md, "Header"): magic,
 * version and length, read first and checked in that order, then the
 * fields of a table, then a checksum over everything before it.
 */
#include "proto/rrlog.h"

#include <string.h>

#include "endian.h"
#include "errno.h"
#include "hash.h"

#define HDR_VERSION 8           /* u16 */
#define HDR_LENGTH 10           /* u16 */
#define HDR_FIXED_SIZE 12       /* magic, version, length: what is read first */
#define HDR_VERSION_SIZE 2
#define HDR_LENGTH_SIZE 2
#define HDR_BACKEND_SIZE 8
#define HDR_HV_VERSION_SIZE 24
#define HDR_CHECKSUM_SIZE 8

#define AT(m) WIRE_AT(struct rrlog_header, m)

/* The fields from offset 12 on, as versions 1 and 2 lay them out. */
static const struct wire_field header[] = {
	{ .name = "flags", .kind = WIRE_LE, .bytes = 4, .fmt = WIRE_HEX, AT(flags) },
	{ .name = "kernel_hash", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX, AT(kernel_hash) },
	{ .name = "modules_hash", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX, AT(modules_hash) },
	{ .name = "cmdline_hash", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX, AT(cmdline_hash) },
	{ .name = "ram_size", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_HEX, AT(ram_size) },
	{ .name = "start_epoch", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_DEC, AT(start_epoch) },
	{ .name = "tsc_hz", .kind = WIRE_LE, .bytes = 8, .fmt = WIRE_DEC, AT(tsc_hz) },
	{ .name = "backend", .kind = WIRE_STR, .bytes = HDR_BACKEND_SIZE, .fmt = WIRE_TEXT,
	  AT(backend) },
	{ .name = "digest_interval", .kind = WIRE_LE, .bytes = 4, .fmt = WIRE_DEC,
	  AT(digest_interval) },
	{ .name = "window_pages", .kind = WIRE_LE, .bytes = 4, .fmt = WIRE_DEC, AT(window_pages) },
	{ .name = "hv_version", .kind = WIRE_STR, .bytes = HDR_HV_VERSION_SIZE, .fmt = WIRE_TEXT,
	  AT(version) },
};

const struct wire_table rrlog_header_table = WIRE_TABLE(header);

_Static_assert(sizeof(((struct rrlog_header *)0)->backend) == HDR_BACKEND_SIZE + 1,
	       "backend holds the field and a NUL");
_Static_assert(sizeof(((struct rrlog_header *)0)->version) == HDR_HV_VERSION_SIZE + 1,
	       "version holds the field and a NUL");

size_t rrlog_write_header(const struct rrlog_header *h, u8 *out, size_t cap)
{
	const size_t body = RRLOG_HEADER_SIZE - HDR_CHECKSUM_SIZE;
	struct wire_sink s = { out + HDR_FIXED_SIZE, 0 };

	if (cap < RRLOG_HEADER_SIZE)
		return 0;
	memcpy(out, h->trace ? RRLOG_TRACE_MAGIC : RRLOG_MAGIC, RRLOG_MAGIC_SIZE);
	le_put(out + HDR_VERSION, RRLOG_VERSION, HDR_VERSION_SIZE);
	le_put(out + HDR_LENGTH, RRLOG_HEADER_SIZE, HDR_LENGTH_SIZE);
	wire_encode(&s, &rrlog_header_table, h, NULL); /* its fields have no limits */
	if (HDR_FIXED_SIZE + s.n != body)
		return 0; /* not reached: the table is the header's layout */
	le_put(out + body, hash64(out, body, 0), HDR_CHECKSUM_SIZE);
	return RRLOG_HEADER_SIZE;
}

/*
 * Checks, in order: magic, version, length, that the whole header is there,
 * checksum. A truncated header is -EINVAL, a wrong field -EBADMSG, another
 * format version -ENOTSUP. Fields past the ones this version knows are skipped.
 */
int rrlog_read_header(const u8 *data, size_t len, struct rrlog_header *h, const char **why)
{
	struct wire_src c = { data + HDR_FIXED_SIZE, NULL, NULL, "header truncated", NULL };
	u64 version, hlen;

	memset(h, 0, sizeof(*h));
	*why = NULL;
	if (len < RRLOG_MAGIC_SIZE) {
		*why = wire_msg("header truncated: ", len, " bytes");
		return -EINVAL;
	}
	if (memcmp(data, RRLOG_MAGIC, RRLOG_MAGIC_SIZE) &&
	    memcmp(data, RRLOG_TRACE_MAGIC, RRLOG_MAGIC_SIZE)) {
		*why = "bad header magic (not a USTDYLOG or USTDYTRC file)";
		return -EBADMSG;
	}
	if (len < HDR_FIXED_SIZE) {
		*why = wire_msg("header truncated: ", len, " bytes");
		return -EINVAL;
	}
	version = le_get(data + HDR_VERSION, HDR_VERSION_SIZE);
	if (version < RRLOG_VERSION_OLDEST || version > RRLOG_VERSION) {
		*why = wire_msg("format version ", version, " not supported (this reader knows "
				 RRLOG_VERSION_OLDEST_TEXT " to " RRLOG_VERSION_TEXT ")");
		return -ENOTSUP;
	}
	hlen = le_get(data + HDR_LENGTH, HDR_LENGTH_SIZE);
	if (hlen < RRLOG_HEADER_SIZE) {
		*why = wire_msg("header length ", hlen, " is less than 112");
		return -EBADMSG;
	}
	if (len < hlen) {
		*why = wire_msg("header truncated: ", len, " bytes");
		return -EINVAL;
	}
	if (le_get(data + hlen - HDR_CHECKSUM_SIZE, HDR_CHECKSUM_SIZE) !=
	    hash64(data, hlen - HDR_CHECKSUM_SIZE, 0)) {
		*why = "header checksum mismatch";
		return -EBADMSG;
	}
	h->trace = !memcmp(data, RRLOG_TRACE_MAGIC, RRLOG_MAGIC_SIZE);
	c.end = data + hlen - HDR_CHECKSUM_SIZE;
	if (wire_decode(&c, &rrlog_header_table, h, NULL)) {
		*why = c.error; /* not reached: hlen holds every field the table knows */
		return -EBADMSG;
	}
	return (int)hlen;
}
