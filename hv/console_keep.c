/* The console bytes a sender keeps (see console_keep.h). */
#include "hv/console_keep.h"

#include <string.h>

#include "compiler.h"

#define MASK (CONSOLE_KEEP_BYTES - 1)
_Static_assert((CONSOLE_KEEP_BYTES & MASK) == 0, "a power of two");

void console_keep_init(struct console_keep *k, bool live)
{
	k->base = 0;
	k->head = 0;
	k->acked = 0;
	k->live = live;
}

u64 console_keep_unacked(const struct console_keep *k)
{
	return k->acked >= k->head ? 0 : k->head - k->acked;
}

u64 console_keep_room(const struct console_keep *k)
{
	return k->live ? CONSOLE_KEEP_BYTES - MIN(console_keep_unacked(k), (u64)CONSOLE_KEEP_BYTES)
		       : UINT64_MAX;
}

void console_keep_put(struct console_keep *k, const u8 *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
		k->buf[(k->head + i) & MASK] = bytes[i];
	k->head += len;
}

void console_keep_restart(struct console_keep *k, u64 offset)
{
	k->base = k->head = offset;
	k->acked = MAX(k->acked, offset);
}

void console_keep_ack(struct console_keep *k, u64 offset)
{
	k->acked = MAX(k->acked, offset);
}

u64 console_keep_resend_from(const struct console_keep *k, u64 has)
{
	u64 end = MIN(has, k->head);

	return MAX(end > CONSOLE_RESEND_BEHIND ? end - CONSOLE_RESEND_BEHIND : 0,
		   console_keep_oldest(k));
}

u32 console_keep_copy(const struct console_keep *k, u64 from, u8 *out, u32 max)
{
	u64 n;

	from = MAX(from, console_keep_oldest(k));
	if (from >= k->head)
		return 0;
	n = MIN(k->head - from, (u64)max);
	for (u64 i = 0; i < n; i++)
		out[i] = k->buf[(from + i) & MASK];
	return (u32)n;
}
