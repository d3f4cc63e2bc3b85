/* Checkpoint mode's stream: its headers and the receiver's staging (see ft_epoch.h). */
#include "proto/ft_epoch.h"

#include <stdarg.h>
#include <string.h>

#include "compiler.h"
#include "endian.h"
#include "errno.h"
#include "fmt.h"
#include "hash.h"

#define CHECKED_BYTES 56 /* the epoch header before its check field */

void ft_stream_header_encode(const struct ft_stream_header *h, u8 out[FT_STREAM_HEADER_SIZE])
{
	le_put(out, FT_STREAM_MAGIC, 8);
	le_put(out + 8, h->identity, 8);
	le_put(out + 16, h->ram_size, 8);
	le_put(out + 24, h->epoch_ms, 4);
	le_put(out + 28, h->flags, 4);
}

int ft_stream_header_decode(const u8 *in, size_t len, struct ft_stream_header *h)
{
	if (len != FT_STREAM_HEADER_SIZE || le_get(in, 8) != FT_STREAM_MAGIC)
		return -EBADMSG;
	h->identity = le_get(in + 8, 8);
	h->ram_size = le_get(in + 16, 8);
	h->epoch_ms = (u32)le_get(in + 24, 4);
	h->flags = (u32)le_get(in + 28, 4);
	return h->flags ? -EBADMSG : 0;
}

void ft_epoch_header_encode(const struct ft_epoch_header *h, u8 out[FT_EPOCH_HEADER_SIZE])
{
	le_put(out, FT_EPOCH_MAGIC, 4);
	le_put(out + 4, h->kind, 2);
	le_put(out + 6, 0, 2);
	le_put(out + 8, h->epoch, 8);
	le_put(out + 16, h->state_len, 8);
	le_put(out + 24, h->console_len, 4);
	le_put(out + 28, h->exit_code, 4);
	le_put(out + 32, h->console_offset, 8);
	le_put(out + 40, h->payload_hash, 8);
	le_put(out + 48, h->memory_digest, 8);
	le_put(out + 56, hash64(out, CHECKED_BYTES, FT_EPOCH_MAGIC), 8);
}

int ft_epoch_header_decode(const u8 in[FT_EPOCH_HEADER_SIZE], struct ft_epoch_header *h,
			   const char **why)
{
	*why = NULL;
	if (le_get(in, 4) != FT_EPOCH_MAGIC)
		*why = "not an epoch record (magic)";
	else if (le_get(in + 56, 8) != hash64(in, CHECKED_BYTES, FT_EPOCH_MAGIC))
		*why = "an epoch header altered (check field)";
	if (*why)
		return -EBADMSG;
	h->kind = (u16)le_get(in + 4, 2);
	h->epoch = le_get(in + 8, 8);
	h->state_len = le_get(in + 16, 8);
	h->console_len = (u32)le_get(in + 24, 4);
	h->exit_code = (u32)le_get(in + 28, 4);
	h->console_offset = le_get(in + 32, 8);
	h->payload_hash = le_get(in + 40, 8);
	h->memory_digest = le_get(in + 48, 8);
	if (h->kind != FT_EPOCH_STATE && h->kind != FT_EPOCH_END)
		*why = "an unknown record kind";
	else if (le_get(in + 6, 2))
		*why = "reserved bits set";
	else if (h->console_len > FT_EPOCH_CONSOLE_MAX)
		*why = "more console bytes than an epoch may hold";
	else if (h->kind == FT_EPOCH_END && h->state_len)
		*why = "an END record with state";
	return *why ? -EBADMSG : 0;
}

void ft_epoch_rx_init(struct ft_epoch_rx *rx, u8 *stage, u64 stage_cap)
{
	memset(rx, 0, sizeof(*rx));
	rx->stage = stage;
	rx->stage_cap = stage_cap;
}

/* Refuses the stream from here on, saying why. */
static int __printf(2, 3) refuse(struct ft_epoch_rx *rx, const char *what, ...)
{
	va_list ap;

	va_start(ap, what);
	fmt_vsnprintf(rx->why, sizeof(rx->why), what, ap);
	va_end(ap);
	rx->failed = true;
	return -EBADMSG;
}

/* The stream header (the first bytes): a checkpoint stream's. */
static int take_stream_header(struct ft_epoch_rx *rx)
{
	if (ft_stream_header_decode(rx->head, FT_STREAM_HEADER_SIZE, &rx->stream))
		return refuse(rx, "not a checkpoint stream's header");
	rx->head_fill = 0;
	return 0;
}

/* A record header made whole: checked against the stream so far. */
static int take_header(struct ft_epoch_rx *rx)
{
	struct ft_epoch_header *h = &rx->cur;
	const char *why;

	if (ft_epoch_header_decode(rx->head, h, &why))
		return refuse(rx, "%s", why);
	if (rx->ended)
		return refuse(rx, "a record after END (epoch %llu)", h->epoch);
	if (h->epoch != rx->committed + 1)
		return refuse(rx, "epoch %llu where %llu was due", h->epoch, rx->committed + 1);
	if (h->state_len > rx->stage_cap - FT_EPOCH_CONSOLE_MAX)
		return refuse(rx, "an epoch of %llu state bytes (at most %llu)", h->state_len,
			      rx->stage_cap - FT_EPOCH_CONSOLE_MAX);
	if (h->console_offset != rx->console_next)
		return refuse(rx, "console bytes from offset %llu where %llu was due",
			      h->console_offset, rx->console_next);
	rx->have_header = true;
	rx->head_fill = 0;
	rx->fill = 0;
	return 0;
}

/* The record is whole: its hash checked, it is handed over. */
static int commit_record(struct ft_epoch_rx *rx, ft_epoch_commit_fn commit, void *ctx)
{
	const struct ft_epoch_header *h = &rx->cur;
	u64 len = h->state_len + h->console_len;

	rx->have_header = false;
	if (hash64(rx->stage, len, h->epoch) != h->payload_hash)
		return refuse(rx, "epoch %llu's %llu bytes do not hash to its header's", h->epoch,
			      len);
	if (commit(ctx, h, rx->stage, rx->stage + h->state_len))
		return refuse(rx, "epoch %llu was refused by its receiver", h->epoch);
	rx->committed = h->epoch;
	rx->console_next = h->console_offset + h->console_len;
	rx->ended = h->kind == FT_EPOCH_END;
	rx->fill = 0;
	return 0;
}

/* Header bytes, up to need in all; returns how many of data it took. */
static size_t gather_head(struct ft_epoch_rx *rx, const u8 *data, size_t len, u32 need)
{
	size_t n = MIN(len, (size_t)(need - rx->head_fill));

	memcpy(rx->head + rx->head_fill, data, n);
	rx->head_fill += (u32)n;
	return n;
}

int ft_epoch_rx_feed(struct ft_epoch_rx *rx, const u8 *data, size_t len,
		     ft_epoch_commit_fn commit, void *ctx)
{
	while (len && !rx->failed) {
		size_t n;
		int err = 0;

		if (rx->offset < FT_STREAM_HEADER_SIZE) {
			n = gather_head(rx, data, len, FT_STREAM_HEADER_SIZE);
			if (rx->head_fill == FT_STREAM_HEADER_SIZE)
				err = take_stream_header(rx);
		} else if (!rx->have_header) {
			n = gather_head(rx, data, len, FT_EPOCH_HEADER_SIZE);
			if (rx->head_fill == FT_EPOCH_HEADER_SIZE)
				err = take_header(rx);
		} else {
			u64 want = rx->cur.state_len + rx->cur.console_len - rx->fill;

			n = (size_t)MIN((u64)len, want);
			memcpy(rx->stage + rx->fill, data, n);
			rx->fill += n;
		}
		rx->offset += n;
		data += n;
		len -= n;
		if (!err && rx->have_header && rx->fill == rx->cur.state_len + rx->cur.console_len)
			err = commit_record(rx, commit, ctx);
		if (err)
			return err;
	}
	return rx->failed ? -EBADMSG : 0;
}
