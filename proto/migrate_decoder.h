/*
 * Inside the migration stream's decoder: what proto/migrate_decoder.c
 * (frames, order) and proto/migrate_payloads.c (records, pages) share.
 * Not for callers: they use proto/migrate_proto.h.
 */
#ifndef UNDERSTUDY_PROTO_MIGRATE_DECODER_H
#define UNDERSTUDY_PROTO_MIGRATE_DECODER_H

#include "proto/migrate_proto.h"

/* Refusal text appended to d->msg. */
void mig_msg_str(struct mig_decoder *d, const char *s);
void mig_msg_num(struct mig_decoder *d, u64 v);
/* Stops the decoder for good (d->error = err): d->msg becomes "<TYPE>
 * frame <seq>: <why>", to which more may be appended. Returns err. */
int mig_fail(struct mig_decoder *d, int err, const char *why);
/* A callback's nonzero return, stopping the decoder. Returns ret. */
int mig_callback_failed(struct mig_decoder *d, int ret);

/* The payload length the header of the frame being gathered says. */
size_t mig_payload_len(const struct mig_decoder *d);
/* Reads a frame's payload (checksum and order already checked) and hands
 * it out: 0, a refusal (mig_fail), or a callback's return. */
int mig_take_payload(struct mig_decoder *d, u8 type, const u8 *p, size_t len);

#endif
