/*
 * The console stream protocol, version 1 (docs/console-stream.md): how
 * the guest's console leaves a hypervisor with console_out=IP:PORT, as a
 * stream of bytes numbered by their offset in the guest's console from 0,
 * to an outside listener (tools/hvlisten). Whichever side of a pair is
 * live sends; the listener keeps one copy, in offset order, and checks
 * that bytes sent twice (by two senders, or again after a reconnect) are
 * the same.
 *
 * A frame is a 20-byte header, then its payload:
 *   u32 magic "USCO", u8 version (1), u8 type, u16 payload length,
 *   u64 sequence number: above the last one of the same connection and
 *       direction (the first may be 1),
 *   u32 checksum: XXH32 (seed 0) of the header's first 16 bytes and the
 *       payload.
 * Sender to listener:
 *   HELLO    guest (a hash of the guest's identity), role, epoch (the
 *            witness lease's, 0: none), oldest and produced (the sender
 *            holds the console's bytes [oldest, produced))
 *   DATA     offset, then 1 to 4096 console bytes
 * Listener to sender:
 *   WELCOME  offset: the listener has every byte before it
 *   ACK      offset: the same, later
 *   REFUSED  reason, text: not taken; the listener closes
 * Every other type has one payload length. A REFUSED text is 1 to 80
 * printable characters, NUL-padded.
 *
 * Pure code for the hypervisor and the host tools: no heap, no I/O, and
 * every byte received is outside input.
 */
#ifndef UNDERSTUDY_PROTO_CONSOLE_STREAM_H
#define UNDERSTUDY_PROTO_CONSOLE_STREAM_H

#include "proto/wire.h"
#include "types.h"

#define CS_MAGIC 0x4F435355u      /* "USCO" as a little-endian u32 */
#define CS_VERSION 1
#define CS_HDR 20
#define CS_CHECKED_HDR 16         /* header bytes the checksum covers */
#define CS_DATA_MAX 4096          /* console bytes in one DATA */
#define CS_DATA_FIXED 8           /* DATA's offset, before its bytes */
#define CS_TEXT_MAX 80            /* bytes of a REFUSED text */
#define CS_PAYLOAD_MAX (CS_DATA_FIXED + CS_DATA_MAX)
#define CS_FRAME_MAX (CS_HDR + CS_PAYLOAD_MAX)
#define CS_DEFAULT_PORT 9740

/* Header field offsets. */
#define CS_OFF_MAGIC 0
#define CS_OFF_VERSION 4
#define CS_OFF_TYPE 5
#define CS_OFF_LENGTH 6
#define CS_OFF_SEQ 8
#define CS_OFF_CHECKSUM 16

enum cs_type {
	CS_HELLO = 1,
	CS_DATA = 2,
	CS_WELCOME = 16,
	CS_ACK = 17,
	CS_REFUSED = 18,
};

/* Which side of a pair sends (HELLO). */
enum cs_role {
	CS_ROLE_ALONE = 0,   /* no fault tolerance */
	CS_ROLE_PRIMARY = 1,
	CS_ROLE_BACKUP = 2,  /* a backup that went live */
};
#define CS_ROLE_MAX CS_ROLE_BACKUP

/* Why a REFUSED: the listener's rule (OTHER_GUEST, ORDER, BUSY) or a
 * refused frame (FORMAT .. REPLAY). */
enum cs_reason {
	CS_R_NONE = 0,
	CS_R_OTHER_GUEST = 1, /* the HELLO names another guest than the listener's */
	CS_R_ORDER = 2,       /* DATA before HELLO, or a second HELLO */
	CS_R_BUSY = 3,        /* the listener has no room for another sender */
	CS_R_FORMAT = 4,      /* not a console stream frame: magic, version, type, a field */
	CS_R_LENGTH = 5,      /* a payload length its type does not have */
	CS_R_CHECKSUM = 6,    /* the checksum does not match */
	CS_R_REPLAY = 7,      /* a sequence number not above the last */
};
#define CS_R_MAX CS_R_REPLAY

/* Any frame's contents; each type's table says which members it carries. */
struct cs_msg {
	u8 type;                      /* enum cs_type */
	u64 seq;
	u64 guest;                    /* HELLO */
	u8 role;                      /* HELLO: enum cs_role */
	u64 epoch;                    /* HELLO */
	u64 oldest, produced;         /* HELLO */
	u64 offset;                   /* DATA: of data[0]; WELCOME, ACK: bytes the listener has */
	const u8 *data;               /* DATA: len bytes (the receiver's buffer when decoded) */
	u16 len;
	u8 reason;                    /* REFUSED: enum cs_reason */
	char text[CS_TEXT_MAX + 1];   /* REFUSED */
};

enum cs_dir {
	CS_TO_LISTENER,
	CS_TO_SENDER,
};

/* What each frame type is: its direction, name, payload table and length
 * (DATA: its fixed part, then 1 to CS_DATA_MAX bytes). */
struct cs_type_info {
	u8 type;
	u8 dir;                          /* enum cs_dir */
	const char *name;
	const struct wire_table *fields;
	u16 size;
	bool bytes_follow;               /* DATA */
};

/* The type's description, or NULL. */
const struct cs_type_info *cs_type(u8 type);
/* "HELLO", ..., or "type <n>" (wire_msg's buffer). */
const char *cs_type_name(u8 type);
/* "other_guest", ... , "unknown"; "alone", "primary", "backup", "unknown". */
const char *cs_reason_name(u8 reason);
const char *cs_role_name(u8 role);

/* Writes m as one frame into out (cap bytes). Returns its length,
 * -ENOSPC, or -EINVAL for a frame its receiver would refuse. */
int cs_encode(const struct cs_msg *m, u8 *out, size_t cap);

/*
 * A receiver of one connection's frames in one direction, fed bytes as
 * they arrive (any split). It judges a header as soon as it is in, then
 * the whole frame's checksum, its sequence number and its fields. The
 * first refusal is sticky: reason and why say what it was.
 */
struct cs_rx {
	u8 dir;                  /* enum cs_dir: the frames it takes */
	u8 reason;               /* 0, or the refusal's enum cs_reason */
	u8 buf[CS_FRAME_MAX];
	size_t have;
	u64 last_seq;
	u64 frames;
	char why[CS_TEXT_MAX + 1];
};

enum cs_rx_status {
	CS_RX_MORE = 0,
	CS_RX_FRAME = 1,
	CS_RX_REFUSED = -1,
};

void cs_rx_init(struct cs_rx *rx, enum cs_dir dir);
/* Takes bytes up to the end of the next frame (*used: how many); call
 * again with the rest. *m (a DATA's bytes point into rx) is valid until
 * the next call. After a refusal every call refuses, taking none. */
enum cs_rx_status cs_rx_push(struct cs_rx *rx, const u8 *data, size_t len, size_t *used,
			     struct cs_msg *m);

#endif
