/*
 * Counts the log's frames as its bytes stream by, for the progress line:
 * the log header says its own length (bytes 10-11), each frame header its
 * payload length (bytes 4-7). Only those few bytes are looked at; the full
 * check is check.c's, at the end.
 */
#include "hvcollect.h"

#include <string.h>

#include "endian.h"
#include "proto/rrlog.h"

#define HDR_LEN_END 12     /* log header: its length field ends here */
#define FRAME_LEN_END 8    /* frame header: its payload length ends here */

void scan_init(struct frame_scan *s)
{
	memset(s, 0, sizeof(*s));
}

/* The bytes of the structure at s->next that tell where the one after
 * it starts are in: move on. */
static void step(struct frame_scan *s)
{
	if (s->next == 0) {
		u64 h = le_get(s->part + 10, 2);

		s->lost = h < RRLOG_HEADER_SIZE;
		s->next = h;
	} else {
		u64 len = le_get(s->part + 4, 4);

		s->lost = !len || len > RRLOG_FRAME_MAX_PAYLOAD;
		s->frames++;
		s->next += RRLOG_FRAME_HEADER_SIZE + len;
	}
	s->have = 0;
}

void scan_feed(struct frame_scan *s, const u8 *data, size_t len)
{
	while (len && !s->lost) {
		u32 need = s->next == 0 ? HDR_LEN_END : FRAME_LEN_END;
		size_t n;

		if (s->pos < s->next) { /* inside a payload: skip it */
			n = s->next - s->pos < len ? (size_t)(s->next - s->pos) : len;
		} else {
			n = need - s->have < len ? need - s->have : len;
			memcpy(s->part + s->have, data, n);
			s->have += (u32)n;
		}
		s->pos += n;
		data += n;
		len -= n;
		if (s->pos >= s->next && s->have == need)
			step(s);
	}
}
