/* The record/replay byte ring (see ring.h). */
#include "byte_ring.h"

#include <string.h>

#include "compiler.h"

void byte_ring_init(struct byte_ring *r, u8 *buf, u64 size)
{
	r->buf = buf;
	r->size = size;
	r->head = r->tail = r->high_water = 0;
}

/* Copies len bytes into the ring at absolute position pos, wrapping. */
static void copy_in(struct byte_ring *r, u64 pos, const u8 *src, u64 len)
{
	u64 off = pos & (r->size - 1), first = MIN(len, r->size - off);

	memcpy(r->buf + off, src, first);
	memcpy(r->buf, src + first, len - first);
}

bool byte_ring_put(struct byte_ring *r, const void *data, u64 len)
{
	if (len > byte_ring_free(r))
		return false;
	copy_in(r, r->head, data, len);
	r->head += len;
	if (byte_ring_used(r) > r->high_water)
		r->high_water = byte_ring_used(r);
	return true;
}

u64 byte_ring_peek(const struct byte_ring *r, void *out, u64 max)
{
	u64 n = MIN(max, byte_ring_used(r)), off = r->tail & (r->size - 1);
	u64 first = MIN(n, r->size - off);

	memcpy(out, r->buf + off, first);
	memcpy((u8 *)out + first, r->buf, n - first);
	return n;
}

void byte_ring_consume(struct byte_ring *r, u64 n)
{
	r->tail += n;
}
