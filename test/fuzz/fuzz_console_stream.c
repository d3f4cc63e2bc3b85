// sources: proto/console_stream.c proto/wire.c proto/wire_prim.c lib/hash.c tools/hvlisten/merge.c
/*
 * Fuzzes the console stream's receiver (proto/console_stream.c) and the
 * listener's merge (tools/hvlisten/merge.c). The input's first byte says
 * the direction (bit 0: the listener's frames, else a sender's); the rest
 * is one connection's bytes, pushed whole and in odd pieces: both must
 * take the same frames and end alike. Every frame taken is written back
 * by the encoder to exactly the bytes it came from. A sender's frames
 * also drive a merge, as hvlisten does: its copy only grows, each DATA
 * appends at most its bytes, and contradictions never exceed the bytes
 * compared. Each input runs again with its sequence numbers and checksums
 * repaired, so that mutations reach the fields.
 */
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "hash.h"
#include "proto/console_stream.h"
#include "tools/hvlisten/merge.h"

#define MAX_FRAMES 256

struct run {
	size_t frames;
	size_t ends[MAX_FRAMES]; /* input offset after each frame */
	enum cs_rx_status last;
	u8 reason;
};

/* Every frame re-encodes to its own bytes. */
static void check_reencode(const struct cs_msg *m, const u8 *frame, size_t len)
{
	static u8 out[CS_FRAME_MAX];
	int n = cs_encode(m, out, sizeof(out));

	if (n < 0 || (size_t)n != len || memcmp(out, frame, len))
		abort();
}

/* What a listener does with a sender's frame. */
static void drive_merge(struct merge *mg, bool *hello, const struct cs_msg *m)
{
	struct merge_contradiction c[2];
	u64 before = mg->have, gap;
	unsigned reported;
	long n;

	if (m->type == CS_HELLO) {
		*hello = merge_hello(mg, m->guest);
		return;
	}
	if (m->type != CS_DATA || !*hello || m->offset > mg->have + (1u << 20))
		return; /* hvlisten refuses DATA before HELLO; bounded memory here */
	n = merge_data(mg, m->offset, m->data, m->len, &gap, c, 2, &reported);
	if (n < 0 || (u64)n > m->len || mg->have != before + gap + (u64)n ||
	    mg->contradictions > mg->checked || reported > 2)
		abort();
}

/* Pushes data in pieces of piece bytes (0: whole). */
static void run(const u8 *data, size_t size, enum cs_dir dir, size_t piece, struct run *r,
		bool merge_too)
{
	static struct cs_rx rx;
	struct merge mg;
	bool hello = false;
	size_t pos = 0, used, start = 0;
	struct cs_msg m;

	merge_init(&mg);
	cs_rx_init(&rx, dir);
	memset(r, 0, sizeof(*r));
	while (pos < size) {
		size_t n = piece && size - pos > piece ? piece : size - pos;

		r->last = cs_rx_push(&rx, data + pos, n, &used, &m);
		pos += used;
		if (r->last == CS_RX_REFUSED)
			break;
		if (r->last != CS_RX_FRAME)
			continue;
		check_reencode(&m, data + start, pos - start);
		if (merge_too && dir == CS_TO_LISTENER)
			drive_merge(&mg, &hello, &m);
		if (r->frames < MAX_FRAMES)
			r->ends[r->frames] = pos;
		r->frames++;
		start = pos;
	}
	r->reason = rx.reason;
	if (r->last == CS_RX_REFUSED && (!rx.reason || !rx.why[0]))
		abort();
	merge_free(&mg);
}

/* Numbers the frames 1, 2, ... and checksums them again, as far as their
 * lengths fit. */
static void repair(u8 *p, size_t size)
{
	static u8 tmp[CS_CHECKED_HDR + 65535];
	size_t off = 0;
	u64 seq = 1;

	while (size - off >= CS_HDR) {
		size_t len = (size_t)le_get(p + off + CS_OFF_LENGTH, 2);

		if (len > size - off - CS_HDR)
			break;
		le_put(p + off + CS_OFF_SEQ, seq++, 8);
		memcpy(tmp, p + off, CS_CHECKED_HDR);
		memcpy(tmp + CS_CHECKED_HDR, p + off + CS_HDR, len);
		le_put(p + off + CS_OFF_CHECKSUM, hash32(tmp, CS_CHECKED_HDR + len, 0), 4);
		off += CS_HDR + len;
	}
}

/* Whole and in pieces: the same frames, the same end. */
static void both_ways(const u8 *data, size_t size, u8 first)
{
	enum cs_dir dir = first & 1 ? CS_TO_SENDER : CS_TO_LISTENER;
	struct run whole, pieces;

	run(data, size, dir, 0, &whole, true);
	run(data, size, dir, 7 + first % 13, &pieces, false);
	if (whole.frames != pieces.frames || whole.reason != pieces.reason ||
	    memcmp(whole.ends, pieces.ends, sizeof(whole.ends)))
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *copy;

	if (!size)
		return 0;
	both_ways(data + 1, size - 1, data[0]);
	copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	repair(copy + 1, size - 1);
	both_ways(copy + 1, size - 1, data[0]);
	free(copy);
	return 0;
}
