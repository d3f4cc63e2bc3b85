// sources: proto/ft_epoch.c lib/hash.c lib/fmt.c
/*
 * Fuzzes checkpoint mode's receiver (proto/ft_epoch.c), which takes a
 * peer's bytes on a backup. The input's first byte sets the piece size;
 * the rest is the stream, pushed whole and in pieces: both must hand over
 * the same records and end alike. Every record handed over continues the
 * stream (the next epoch, console bytes from where the last ended, its
 * bytes hashing to its header's), and a refusal says why. Each input runs
 * again with its stream header, record checks and hashes repaired, so
 * that mutations reach the fields and records get handed over.
 */
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "hash.h"
#include "proto/ft_epoch.h"

#define STAGE_CAP (FT_EPOCH_CONSOLE_MAX + 65536)
#define MAX_SEEN 64

struct seen {
	unsigned count;
	u64 epochs[MAX_SEEN];
	u64 next_console;
	u64 console_hash;
};

static u8 stage[STAGE_CAP];

static int take(void *ctx, const struct ft_epoch_header *h, const u8 *state, const u8 *console)
{
	struct seen *s = ctx;
	u64 len = h->state_len + h->console_len;

	if (state != stage || console != stage + h->state_len ||
	    hash64(stage, len, h->epoch) != h->payload_hash || h->console_offset != s->next_console ||
	    (s->count && h->epoch != s->epochs[(s->count - 1) % MAX_SEEN] + 1))
		abort();
	s->epochs[s->count++ % MAX_SEEN] = h->epoch;
	s->next_console += h->console_len;
	s->console_hash = hash64(console, h->console_len, s->console_hash);
	return 0;
}

/* Pushes data in pieces of piece bytes (0: whole). */
static void run(const u8 *data, size_t size, size_t piece, struct seen *s, bool *failed)
{
	static struct ft_epoch_rx rx;
	size_t pos = 0;
	int err = 0;

	memset(s, 0, sizeof(*s));
	ft_epoch_rx_init(&rx, stage, STAGE_CAP);
	while (pos < size && !err) {
		size_t n = piece && size - pos > piece ? piece : size - pos;

		err = ft_epoch_rx_feed(&rx, data + pos, n, take, s);
		pos += n;
	}
	*failed = err != 0;
	if (err && (!rx.failed || !rx.why[0]))
		abort();
	if (ft_epoch_rx_partial(&rx) > FT_EPOCH_HEADER_SIZE + STAGE_CAP)
		abort();
}

/* The stream header made a checkpoint stream's; each record's check
 * field and payload hash made right, as far as its lengths fit. */
static void repair(u8 *p, size_t size)
{
	size_t off = FT_STREAM_HEADER_SIZE;

	if (size < FT_STREAM_HEADER_SIZE)
		return;
	le_put(p, FT_STREAM_MAGIC, 8);
	le_put(p + 28, 0, 4);
	while (size - off >= FT_EPOCH_HEADER_SIZE) {
		u8 *h = p + off;
		u64 len = le_get(h + 16, 8) + le_get(h + 24, 4);

		le_put(h, FT_EPOCH_MAGIC, 4);
		if (len > size - off - FT_EPOCH_HEADER_SIZE)
			break;
		le_put(h + 40, hash64(h + FT_EPOCH_HEADER_SIZE, len, le_get(h + 8, 8)), 8);
		le_put(h + 56, hash64(h, 56, FT_EPOCH_MAGIC), 8);
		off += FT_EPOCH_HEADER_SIZE + len;
	}
}

/* Whole and in pieces: the same records, the same end. */
static void both_ways(const u8 *data, size_t size, u8 first)
{
	struct seen whole, pieces;
	bool whole_failed, pieces_failed;

	run(data, size, 0, &whole, &whole_failed);
	run(data, size, 1 + first % 67, &pieces, &pieces_failed);
	if (whole.count != pieces.count || whole_failed != pieces_failed ||
	    whole.console_hash != pieces.console_hash || whole.next_console != pieces.next_console)
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
