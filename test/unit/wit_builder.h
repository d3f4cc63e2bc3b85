/*
 * Witness frames by hand (proto/witness.h), for the witness tests and the
 * fuzzer: any header field, and a checksum computed here from a
 * contiguous copy rather than by the code under test. Also wb_repair,
 * which makes the sequence numbers and checksums of a changed stream
 * right again wherever its lengths allow.
 */
#ifndef UNDERSTUDY_TEST_UNIT_WIT_BUILDER_H
#define UNDERSTUDY_TEST_UNIT_WIT_BUILDER_H

#include <string.h>

#include "endian.h"
#include "hash.h"
#include "proto/witness.h"

/* The checksum as docs/witness.md defines it: XXH32 (seed 0) of the
 * header's first 16 bytes followed by the payload. */
static inline u32 wb_checksum(const u8 *frame, size_t payload_len)
{
	u8 tmp[WIT_CHECKED_HDR + 65535];

	memcpy(tmp, frame, WIT_CHECKED_HDR);
	memcpy(tmp + WIT_CHECKED_HDR, frame + WIT_HDR, payload_len);
	return hash32(tmp, WIT_CHECKED_HDR + payload_len, 0);
}

/* A frame of any header (length: the header's field) around payload_len
 * bytes of payload; returns its size. */
static inline size_t wb_frame(u8 *out, u32 magic, u8 version, u8 type, u16 length, u64 seq,
			      const void *payload, size_t payload_len)
{
	le_put(out + WIT_OFF_MAGIC, magic, 4);
	out[WIT_OFF_VERSION] = version;
	out[WIT_OFF_TYPE] = type;
	le_put(out + WIT_OFF_LENGTH, length, 2);
	le_put(out + WIT_OFF_SEQ, seq, 8);
	if (payload_len)
		memcpy(out + WIT_HDR, payload, payload_len);
	le_put(out + WIT_OFF_CHECKSUM, wb_checksum(out, payload_len), 4);
	return WIT_HDR + payload_len;
}

/* Numbers the frames of a stream 1, 2, ... and checksums them again,
 * as far as their lengths fit; true when a byte changed. */
static inline bool wb_repair(u8 *p, size_t size)
{
	size_t off = 0;
	u64 seq = 1;
	bool changed = false;
	u8 old[WIT_HDR];

	while (size - off >= WIT_HDR) {
		size_t len = (size_t)le_get(p + off + WIT_OFF_LENGTH, 2);

		if (len > size - off - WIT_HDR)
			break;
		memcpy(old, p + off, WIT_HDR);
		le_put(p + off + WIT_OFF_SEQ, seq++, 8);
		le_put(p + off + WIT_OFF_CHECKSUM, wb_checksum(p + off, len), 4);
		changed |= memcmp(old, p + off, WIT_HDR) != 0;
		off += WIT_HDR + len;
	}
	return changed;
}

#endif
