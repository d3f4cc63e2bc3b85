/*
 * The migration stream's decoder (proto/migrate_proto.h): gathers each
 * frame in the caller's buffer from bytes split anyhow, judges its header
 * as soon as it is in (so a hostile length is refused before any payload
 * is waited for), then its checksum and its place in the order, and hands
 * the payload to proto/migrate_payloads.c. Every refusal is sticky and
 * names the frame: "<TYPE> frame <sequence number>: <why>".
 */
#include "proto/migrate_decoder.h"

#include <string.h>

#include "endian.h"
#include "errno.h"

/* --- refusals ------------------------------------------------------------------- */

void mig_msg_str(struct mig_decoder *d, const char *s)
{
	size_t n = strnlen(d->msg, sizeof(d->msg));

	while (*s && n + 1 < sizeof(d->msg))
		d->msg[n++] = *s++;
	d->msg[n] = '\0';
}

void mig_msg_num(struct mig_decoder *d, u64 v)
{
	char digits[24], out[24];
	unsigned n = 0, k = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		out[k++] = digits[--n];
	out[k] = '\0';
	mig_msg_str(d, out);
}

/* Stops the decoder for good: msg names the frame being taken and why. */
int mig_fail(struct mig_decoder *d, int err, const char *why)
{
	u8 type = d->frame[0];
	const struct mig_type_info *t = mig_type(type);

	d->msg[0] = '\0';
	if (t) {
		mig_msg_str(d, t->name);
	} else {
		mig_msg_str(d, "type ");
		mig_msg_num(d, type);
	}
	mig_msg_str(d, " frame ");
	mig_msg_num(d, d->seq);
	mig_msg_str(d, ": ");
	mig_msg_str(d, why);
	d->error = err;
	return err;
}

/* A callback's nonzero return: it stops the decoder and is returned. */
int mig_callback_failed(struct mig_decoder *d, int ret)
{
	mig_fail(d, ret, "the receiver stopped the stream (");
	if (ret < 0)
		mig_msg_str(d, "-");
	mig_msg_num(d, ret < 0 ? -(u64)(s64)ret : (u64)ret);
	mig_msg_str(d, ")");
	return ret;
}

void mig_decoder_init(struct mig_decoder *d, enum mig_direction dir, const struct mig_ops *ops,
		      void *ctx, u8 *frame_buf, size_t frame_cap, struct page_codec_work *work)
{
	static const struct mig_ops none;

	memset(d, 0, sizeof(*d));
	d->dir = dir;
	d->ops = ops ? ops : &none;
	d->ctx = ctx;
	d->work = work;
	d->frame = frame_buf;
	d->frame_cap = frame_cap;
	if (!frame_buf || frame_cap < MIG_FRAME_HDR || !work) {
		d->error = -EINVAL;
		mig_msg_str(d, "decoder set up without a frame buffer of 16 bytes or more, or work memory");
	}
}

void mig_decoder_expect_holds(struct mig_decoder *d, u64 ram_pages, u32 rounds_ended)
{
	d->ram_pages = ram_pages;
	d->rounds_ended = rounds_ended;
}

/* --- the header ------------------------------------------------------------------- */

size_t mig_payload_len(const struct mig_decoder *d)
{
	return (size_t)le_get(d->frame + 4, 4);
}

/* Judged as soon as it is in: flags, the direction's types, the length. */
static int check_header(struct mig_decoder *d)
{
	const struct mig_type_info *t = mig_type(d->frame[0]);
	size_t len = mig_payload_len(d);

	if (d->frame[1] || le_get(d->frame + 2, 2))
		return mig_fail(d, -EBADMSG, "flags or reserved bits set");
	if (!t || t->dir != d->dir)
		return mig_fail(d, -EPROTO, d->dir == MIG_TO_DESTINATION
						? "not a frame the source sends"
						: "not a frame the destination sends");
	if (len > MIG_PAYLOAD_MAX || len > d->frame_cap - MIG_FRAME_HDR) {
		mig_fail(d, -EBADMSG, "payload length ");
		mig_msg_num(d, len);
		mig_msg_str(d, " exceeds the largest frame");
		return -EBADMSG;
	}
	if (len < t->min || len > t->max) {
		mig_fail(d, -EBADMSG, "payload length ");
		mig_msg_num(d, len);
		mig_msg_str(d, " is not that of the frame type");
		return -EBADMSG;
	}
	return 0;
}

/* --- the order ---------------------------------------------------------------------- */

/* Why a frame of this type may not come now, or NULL. */
static const char *out_of_order(const struct mig_decoder *d, u8 type)
{
	bool source_frame = type >= MIG_HELLO && type <= MIG_DONE;

	if (d->go_seen)
		return "nothing may follow GO";
	if (d->refuse_seen)
		return "nothing may follow REFUSE";
	if (d->done_seen && type != MIG_GO)
		return "only GO may follow DONE";
	if (source_frame && type != MIG_HELLO && !d->hello_seen)
		return "came before HELLO";
	switch (type) {
	case MIG_HELLO:
		return d->hello_seen ? "a second HELLO" : NULL;
	case MIG_PAGES:
		return d->state_seen ? "PAGES after STATE" : NULL;
	case MIG_ROUND:
		return d->state_seen ? "ROUND after STATE" : NULL;
	case MIG_STATE:
		return d->state_seen ? "a second STATE" : NULL;
	case MIG_DONE:
		return d->state_seen ? NULL : "DONE before STATE";
	case MIG_GO:
		return d->done_seen ? NULL : "GO before DONE";
	case MIG_ACCEPT:
		return d->accept_seen ? "a second ACCEPT" : NULL;
	case MIG_READY:
		return !d->accept_seen ? "READY before ACCEPT" : d->ready_seen ? "a second READY" : NULL;
	case MIG_HOLDS:
		return !d->accept_seen ? "HOLDS before ACCEPT" : d->ready_seen ? "HOLDS after READY" : NULL;
	}
	return NULL;
}

/* --- a whole frame -------------------------------------------------------------------- */

/* Its checksum, its place in the order, then its payload. */
static int take_frame(struct mig_decoder *d)
{
	const u8 *p = d->frame + MIG_FRAME_HDR;
	size_t len = mig_payload_len(d);
	u8 type = d->frame[0];
	u64 sum = le_get(d->frame + 8, 8);
	const char *why;
	int err;

	if (sum != mig_checksum(d->frame, p, len, d->seq))
		return mig_fail(d, -EBADMSG, "checksum mismatch (the frame is corrupt, or one was lost, "
					 "repeated or reordered)");
	why = out_of_order(d, type);
	if (why)
		return mig_fail(d, -EBADMSG, why);
	err = mig_take_payload(d, type, p, len);
	if (err)
		return d->error ? err : mig_callback_failed(d, err);
	if (!d->done_seen && type != MIG_DONE)
		d->chain = mig_chain_next(d->chain, sum);
	d->seq++;
	return 0;
}

/* --- bytes in ------------------------------------------------------------------------- */

/* Copies up to want - d->have bytes of data into the frame: the bytes taken. */
static size_t gather(struct mig_decoder *d, const u8 *data, size_t len, size_t want)
{
	size_t n = want - d->have < len ? want - d->have : len;

	memcpy(d->frame + d->have, data, n);
	d->have += n;
	return n;
}

int mig_decoder_push(struct mig_decoder *d, const u8 *data, size_t len)
{
	size_t n;
	int err;

	while (len && !d->error) {
		if (d->have < MIG_FRAME_HDR) {
			n = gather(d, data, len, MIG_FRAME_HDR);
			data += n;
			len -= n;
			if (d->have < MIG_FRAME_HDR || check_header(d))
				break;
		}
		n = gather(d, data, len, MIG_FRAME_HDR + mig_payload_len(d));
		data += n;
		len -= n;
		if (d->have < MIG_FRAME_HDR + mig_payload_len(d))
			break;
		err = take_frame(d);
		d->have = 0;
		if (err)
			break;
	}
	return d->error;
}

