/*
 * Checkpoint mode's stream (ft=checkpoint, docs/fault-tolerance.md
 * "Checkpoint mode"): what a primary sends its backup on the log stream's
 * transport (docs/log-stream.md: HELLO, DATA in order, ACKs, heartbeats,
 * TLS with ft_key=). The stream's bytes are a 32-byte stream header (also
 * named by HELLO: the guest and the epoch length), then one record per
 * epoch: a 64-byte header, the epoch's state (a snapshot delta,
 * docs/snapshot-format.md: the pages dirtied in the epoch, the vCPU and
 * devices) and the console bytes the guest wrote in the epoch. The last
 * record is an END: the guest's exit code and its final memory digest.
 *
 * The receiver (struct ft_epoch_rx) stages a record until it is whole and
 * checked (its hash), then hands it over at once; a record not whole is
 * never handed over, and is dropped when the stream ends before it.
 * Little-endian fields. Pure: no hardware, no network.
 */
#ifndef UNDERSTUDY_PROTO_FT_EPOCH_H
#define UNDERSTUDY_PROTO_FT_EPOCH_H

#include "types.h"

#define FT_STREAM_MAGIC 0x3130544b43535355ULL /* "USSCKT01" */
#define FT_STREAM_HEADER_SIZE 32
#define FT_EPOCH_MAGIC 0x48435045u             /* "EPCH" */
#define FT_EPOCH_HEADER_SIZE 64
#define FT_EPOCH_CONSOLE_MAX 65536             /* the output rule's queue, at most */
#define FT_EPOCH_WHY_MAX 160

enum ft_epoch_kind {
	FT_EPOCH_STATE = 1, /* an epoch: state and console */
	FT_EPOCH_END = 2,   /* the guest ended: its exit code and final digest (no state) */
};

/* The stream header: which guest, how long an epoch is. */
struct ft_stream_header {
	u64 identity;  /* hash of the guest's identity (kernel, modules, command line) */
	u64 ram_size;
	u32 epoch_ms;
	u32 flags;     /* 0 */
};

struct ft_epoch_header {
	u16 kind;            /* enum ft_epoch_kind */
	u64 epoch;           /* 1, 2, ...: each one more than the last */
	u64 state_len;       /* snapshot bytes after the header */
	u32 console_len;     /* console bytes after them */
	u32 exit_code;       /* END: the guest's */
	u64 console_offset;  /* of the first console byte, in the guest's console stream */
	u64 payload_hash;    /* hash64 of the state and console bytes */
	u64 memory_digest;   /* END: the final memory digest (0 otherwise) */
};

void ft_stream_header_encode(const struct ft_stream_header *h, u8 out[FT_STREAM_HEADER_SIZE]);
/* 0, or -EBADMSG (not a checkpoint stream's header). */
int ft_stream_header_decode(const u8 *in, size_t len, struct ft_stream_header *h);

/* The header with its own check field (hash64 of the 56 bytes before it). */
void ft_epoch_header_encode(const struct ft_epoch_header *h, u8 out[FT_EPOCH_HEADER_SIZE]);
/* 0, or -EBADMSG with *why set (magic, check, kind, sizes). */
int ft_epoch_header_decode(const u8 in[FT_EPOCH_HEADER_SIZE], struct ft_epoch_header *h,
			   const char **why);

/* A whole, checked record: state (state_len bytes, none for END) and
 * console bytes. 0 takes it; nonzero refuses it (the stream fails). */
typedef int (*ft_epoch_commit_fn)(void *ctx, const struct ft_epoch_header *h, const u8 *state,
				  const u8 *console);

struct ft_epoch_rx {
	u8 *stage;            /* the record's payload while it comes */
	u64 stage_cap;        /* state bytes + console bytes it takes, at most */
	u64 offset;           /* stream bytes taken so far */
	u8 head[FT_EPOCH_HEADER_SIZE];
	u32 head_fill;
	bool have_header;
	struct ft_epoch_header cur;
	u64 fill;             /* payload bytes of cur staged */
	u64 committed;        /* the last epoch handed over (0: none) */
	u64 console_next;     /* the console offset the next record must start at */
	bool ended, failed;
	char why[FT_EPOCH_WHY_MAX];
	struct ft_stream_header stream;
};

/* @pre stage holds stage_cap bytes (the state of a whole VM, plus
 * FT_EPOCH_CONSOLE_MAX). */
void ft_epoch_rx_init(struct ft_epoch_rx *rx, u8 *stage, u64 stage_cap);

/* The stream's next bytes: records made whole are checked and handed to
 * commit in order. 0, or -EBADMSG (rx->why says why; everything after is
 * refused too). */
int ft_epoch_rx_feed(struct ft_epoch_rx *rx, const u8 *data, size_t len,
		     ft_epoch_commit_fn commit, void *ctx);

/* Bytes of a record that was not whole (dropped when the stream ends). */
static inline u64 ft_epoch_rx_partial(const struct ft_epoch_rx *rx)
{
	return rx->have_header ? FT_EPOCH_HEADER_SIZE + rx->fill : rx->head_fill;
}

#endif
