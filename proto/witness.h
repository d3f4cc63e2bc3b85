/*
 * The witness protocol, version 1 (docs/witness.md): how the two
 * Understudy hosts of a fault-tolerant pair ask a third party, the
 * witness (tools/hvwitness), for the one lease that lets a side run the
 * guest. It travels inside TLS with the pair's pre-shared key
 * (proto/ft_psk.h); this is the plain frame format under it.
 *
 * A frame is a 20-byte header, then its payload:
 *   u32 magic "UWIT", u8 version (1), u8 type, u16 payload length,
 *   u64 sequence number: above the last one of the same connection and
 *       direction (the first may be 1),
 *   u32 checksum: XXH32 (seed 0) of the header's first 16 bytes and the
 *       payload.
 * Each type has one payload length. Node to witness:
 *   ACQUIRE  node, epoch (the last one it knew, 0: none), duration_ms
 *            (asked for; 0: the witness's longest)
 *   RENEW    node, epoch (of its lease)
 *   RELEASE  node, epoch
 *   QUERY    nothing
 * Witness to node:
 *   GRANTED  epoch, duration_ms, holder: the lease is the node's
 *   REFUSED  holder, epoch, left_ms, reason, text: not granted (a lease
 *            rule) or a refused frame (the witness then closes)
 *   STATE    holder, epoch, left_ms, duration_ms: the lease now
 * Node ids and holders are 1 to 16 letters, digits, '.', '-', '_' or ':'
 * (a holder is empty when nobody holds the lease); a reason text is 1 to
 * 80 printable characters without '"' or '\'; both NUL-padded.
 *
 * Pure code for the hypervisor and the host tools: no heap, no I/O, and
 * every byte received is outside input.
 */
#ifndef UNDERSTUDY_PROTO_WITNESS_H
#define UNDERSTUDY_PROTO_WITNESS_H

#include "proto/wire.h"
#include "types.h"

#define WIT_MAGIC 0x54495755u     /* "UWIT" as a little-endian u32 */
#define WIT_VERSION 1
#define WIT_HDR 20
#define WIT_CHECKED_HDR 16        /* header bytes the checksum covers */
#define WIT_NODE_MAX 16           /* bytes of a node id or holder */
#define WIT_TEXT_MAX 80           /* bytes of a REFUSED text */
#define WIT_EPOCH_MAX ((1ULL << 53) - 1)
#define WIT_PAYLOAD_MAX (WIT_NODE_MAX + 8 + 4 + 1 + WIT_TEXT_MAX) /* REFUSED */
#define WIT_FRAME_MAX (WIT_HDR + WIT_PAYLOAD_MAX)
#define WIT_DEFAULT_PORT 9730

/* Header field offsets. */
#define WIT_OFF_MAGIC 0
#define WIT_OFF_VERSION 4
#define WIT_OFF_TYPE 5
#define WIT_OFF_LENGTH 6
#define WIT_OFF_SEQ 8
#define WIT_OFF_CHECKSUM 16

enum wit_type {
	WIT_ACQUIRE = 1,
	WIT_RENEW = 2,
	WIT_RELEASE = 3,
	WIT_QUERY = 4,
	WIT_GRANTED = 16,
	WIT_REFUSED = 17,
	WIT_STATE = 18,
};

/* Why a REFUSED: a lease rule (HELD .. NOT_HELD, STORAGE; the connection
 * stays) or a refused frame (FORMAT .. TRUNCATED; the witness closes). */
enum wit_reason {
	WIT_R_NONE = 0,
	WIT_R_HELD = 1,        /* another node holds the lease */
	WIT_R_STALE_EPOCH = 2, /* the epoch is not the lease's */
	WIT_R_NOT_HOLDER = 3,  /* another node holds the lease of that epoch */
	WIT_R_NOT_HELD = 4,    /* nobody holds it: it expired or was released */
	WIT_R_STORAGE = 5,     /* the witness could not store its state */
	WIT_R_FORMAT = 6,      /* not a witness frame: magic, version, type, a field */
	WIT_R_LENGTH = 7,      /* a payload length that is not its type's */
	WIT_R_CHECKSUM = 8,    /* the checksum does not match */
	WIT_R_REPLAY = 9,      /* a sequence number not above the last */
	WIT_R_TRUNCATED = 10,  /* the frame did not arrive whole in time */
};
#define WIT_R_MAX WIT_R_TRUNCATED

/* Any frame's contents; each type's table says which members it carries. */
struct wit_msg {
	u8 type;                        /* enum wit_type */
	u64 seq;
	char node[WIT_NODE_MAX + 1];    /* requests: the sender */
	char holder[WIT_NODE_MAX + 1];  /* replies: who holds the lease, "" nobody */
	u64 epoch;
	u32 duration_ms;
	u32 left_ms;                    /* REFUSED, STATE: of the holder's lease */
	u8 reason;                      /* REFUSED: enum wit_reason */
	char text[WIT_TEXT_MAX + 1];    /* REFUSED */
};

enum wit_dir {
	WIT_TO_WITNESS, /* requests */
	WIT_TO_NODE,    /* replies */
};

/* What each frame type is: its direction, name, payload table and length. */
struct wit_type_info {
	u8 type;
	u8 dir;                          /* enum wit_dir */
	const char *name;
	const struct wire_table *fields;
	u16 size;                        /* payload bytes */
};

/* --- types and checksum (proto/witness_types.c) ------------------------------ */

/* The type's description, or NULL for a type neither direction carries. */
const struct wit_type_info *wit_type(u8 type);
/* "ACQUIRE", ..., or "type <n>" (wire_msg's buffer). */
const char *wit_type_name(u8 type);
/* "held", "stale_epoch", ..., or "none" / "unknown". */
const char *wit_reason_name(u8 reason);
/* XXH32 of the header's first WIT_CHECKED_HDR bytes and the payload. */
u32 wit_checksum(const u8 *hdr, const u8 *payload, size_t len);

/* --- frames (proto/witness_codec.c) ------------------------------------------ */

/* Writes m as one frame with m->seq into out (cap bytes). Returns its
 * length, -ENOSPC, or -EINVAL for a frame its receiver would refuse (an
 * unknown type, sequence number 0, a field out of its limits). */
int wit_encode(const struct wit_msg *m, u8 *out, size_t cap);

/*
 * A receiver of one connection's frames in one direction, fed bytes as
 * they arrive (any split). It judges a header as soon as it is in (magic,
 * version, a type of its direction, the type's length), then the whole
 * frame's checksum, its sequence number (above the last it took) and its
 * fields. The first refusal is sticky: reason and why say what it was.
 */
struct wit_rx {
	u8 dir;                  /* enum wit_dir: the frames it takes */
	u8 reason;               /* 0, or the refusal's enum wit_reason */
	u8 buf[WIT_FRAME_MAX];
	size_t have;             /* bytes of the frame being gathered */
	u64 last_seq;            /* of the last frame taken */
	u64 frames;              /* frames taken */
	char why[WIT_TEXT_MAX + 1];
};

enum wit_rx_status {
	WIT_RX_MORE = 0,     /* every byte taken, no frame complete yet */
	WIT_RX_FRAME = 1,    /* *m is the next frame */
	WIT_RX_REFUSED = -1, /* rx->reason, rx->why */
};

void wit_rx_init(struct wit_rx *rx, enum wit_dir dir);
/* Takes bytes up to the end of the next frame (*used: how many); call
 * again with the rest. After a refusal every call refuses, taking none. */
enum wit_rx_status wit_rx_push(struct wit_rx *rx, const u8 *data, size_t len, size_t *used,
			       struct wit_msg *m);

/* Holds part of a frame (a close now cuts it). */
static inline bool wit_rx_mid_frame(const struct wit_rx *rx)
{
	return rx->have != 0;
}

/* The length of the frame being gathered, once its header is in (else
 * the header's). */
size_t wit_rx_expected(const struct wit_rx *rx);

#endif
