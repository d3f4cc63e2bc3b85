/*
 * The log stream protocol, version 1 (docs/log-stream.md): how a record
 * run's log travels over TCP from the hypervisor to a collector on the
 * user's machine. Messages are a 32-byte header and a payload; this is the
 * pure encoder and the incremental decoder, shared by the hypervisor and the
 * host tools. No allocation, no I/O; everything a peer sends is outside
 * input, checked field by field.
 */
#ifndef UNDERSTUDY_PROTO_LOGSTREAM_PROTO_H
#define UNDERSTUDY_PROTO_LOGSTREAM_PROTO_H

#include "types.h"

#define LS_MAGIC 0x534C5355u       /* "USLS" as a little-endian u32 */
#define LS_MAGIC_TEXT "USLS"       /* the same, as the first bytes of a message */
#define LS_VERSION 1
#define LS_HEADER_SIZE 32
#define LS_CHECKED_HEADER 28       /* header bytes covered by the checksum */
#define LS_MAX_PAYLOAD 65536
#define LS_MAX_MESSAGE (LS_HEADER_SIZE + LS_MAX_PAYLOAD)
#define LS_DEFAULT_PORT 9710

/* Header field offsets. */
#define LS_OFF_MAGIC 0
#define LS_OFF_VERSION 4
#define LS_OFF_TYPE 5
#define LS_OFF_FLAGS 6
#define LS_OFF_LENGTH 8
#define LS_OFF_SEQ 12
#define LS_OFF_OFFSET 20
#define LS_OFF_CHECKSUM 28

/* HELLO payload: fixed part, then the log's header bytes. */
#define LS_HELLO_FIXED 32
#define LS_LOG_HEADER_MAX 1024
#define LS_WELCOME_SIZE 8
#define LS_REASON_MAX 256          /* BYE and ERROR text */
#define LS_HEARTBEAT_SIZE 16       /* a collector's HEARTBEAT: what it has replayed */

/* Header flags (the only ones defined; any other bit is refused). */
#define LS_FLAG_HEARTBEAT 0x0001u  /* HELLO, WELCOME: the sender takes HEARTBEATs */
#define LS_FLAG_LEASE 0x0002u      /* HELLO, the hv's HEARTBEAT: a lease epoch ends the payload */
#define LS_LEASE_SIZE 8            /* that epoch: u64, never 0 */

#define LS_HOLDS_MAX_PAGES 4096    /* page hashes in one HOLDS */

/* The largest message a collector sends (a backup's HOLDS; WELCOME, ACK,
 * BYE and ERROR are smaller): what a hypervisor's decoder buffer needs. */
#define LS_MAX_TO_HV_PAYLOAD (LS_HOLDS_MAX_PAGES * 8)

enum ls_type {
	LS_HELLO = 1,    /* hv -> collector: who is sending, what it still holds */
	LS_WELCOME = 2,  /* collector -> hv: where to resume */
	LS_DATA = 3,     /* hv -> collector: log bytes at an offset */
	LS_ACK = 4,      /* collector -> hv: bytes durably written */
	LS_END = 5,      /* hv -> collector: the log is complete, its length */
	LS_BYE = 6,      /* either way: orderly close, with a reason */
	LS_ERROR = 7,    /* either way: refusal, with a reason; the sender closes */
	LS_HEARTBEAT = 8, /* either way, to a peer that took them: still here (and replayed) */
	LS_RESYNC = 9,   /* backup -> primary: its replay diverged at a landmark; send a checkpoint */
	LS_HOLDS = 10,   /* backup -> primary: XXH3-64 of the guest pages it holds, from a page on */
};
#define LS_TYPE_MAX LS_HOLDS

/* Which side's messages a decoder accepts. */
enum ls_peer {
	LS_PEER_HV,         /* a collector decodes what the hypervisor sends */
	LS_PEER_COLLECTOR,  /* the hypervisor decodes what the collector sends */
};

/* Why a decoder refused its input (it then refuses everything after). */
enum ls_error {
	LS_OK,
	LS_E_MAGIC,       /* not "USLS" */
	LS_E_VERSION,     /* a version this code does not speak */
	LS_E_LENGTH,      /* payload longer than 65536 bytes */
	LS_E_TOO_BIG,     /* longer than the receiver's buffer */
	LS_E_CHECKSUM,    /* XXH32 of header and payload differs */
	LS_E_TYPE,        /* unknown message type */
	LS_E_DIRECTION,   /* a type this peer never sends */
	LS_E_FLAGS,       /* flag bits set that the type does not define */
	LS_E_SIZE,        /* payload length wrong for the type */
	LS_E_SEQUENCE,    /* sequence number out of order */
	LS_E_FIELD,       /* a payload or header field holds a refused value */
};

/* A decoded message; pointers are into the decoder's buffer, valid until
 * the next call that feeds it. */
struct ls_msg {
	u8 type;
	u16 flags;
	u32 length;          /* payload bytes (without a LS_FLAG_LEASE epoch) */
	u64 seq;
	u64 offset;          /* DATA: first byte; WELCOME, ACK: durable bytes; END: total;
			      * RESYNC: the landmark where the replay diverged;
			      * HOLDS: the first page's number */
	const u8 *payload;
	u64 lease_epoch;     /* HELLO, HEARTBEAT with LS_FLAG_LEASE: the epoch of the
			      * witness's lease the sender holds (docs/witness.md); else 0 */
	union {
		struct {
			u64 session;     /* random per record run, never 0 */
			u64 oldest;      /* first log byte the hv still holds */
			u64 produced;    /* log bytes the hv has produced so far */
			u32 window;      /* most unACKed bytes the hv keeps */
			u16 log_header_len;
			const u8 *log_header; /* the log's first log_header_len bytes */
		} hello;
		struct {
			u64 session;     /* echoes HELLO's */
		} welcome;
		struct {
			const char *text; /* not NUL-terminated */
			u32 len;
		} reason;                /* BYE, ERROR, RESYNC */
		struct {
			u32 count;       /* hashes: payload / 8, little-endian u64 each */
			const u8 *hashes;
		} holds;                 /* HOLDS */
		struct {
			bool has_replayed;   /* a collector's: the two below are set */
			u64 replayed_bytes;  /* log bytes its replay has reached */
			u64 replayed_landmark; /* the landmark its replay has reached */
		} heartbeat;
	};
};

/* --- encoding ------------------------------------------------------------ */

/* Numbers one side's messages on one connection (sequence from 0). */
struct ls_encoder {
	u64 seq;
};

static inline void ls_encoder_init(struct ls_encoder *e)
{
	e->seq = 0;
}

/* Each encoder writes one whole message at out and returns its size, or 0
 * (nothing consumed) when cap is too small or a value is out of range. */
size_t ls_encode_hello(struct ls_encoder *e, u8 *out, size_t cap, u64 session, u64 oldest,
		       u64 produced, u32 window, const void *log_header, u16 log_header_len);
size_t ls_encode_welcome(struct ls_encoder *e, u8 *out, size_t cap, u64 session, u64 resume);
size_t ls_encode_data(struct ls_encoder *e, u8 *out, size_t cap, u64 offset, const void *data,
		      u32 len);
size_t ls_encode_ack(struct ls_encoder *e, u8 *out, size_t cap, u64 durable);
size_t ls_encode_end(struct ls_encoder *e, u8 *out, size_t cap, u64 total);
/* RESYNC: the backup's replay diverged at landmark, for why (at most
 * LS_REASON_MAX bytes, no NUL): the primary sends a checkpoint in the log. */
size_t ls_encode_resync(struct ls_encoder *e, u8 *out, size_t cap, u64 landmark, const char *why);
/* HOLDS: hashes of count (1 to LS_HOLDS_MAX_PAGES) guest pages from
 * first_page on, as the backup holds them, for a checkpoint of the others. */
size_t ls_encode_holds(struct ls_encoder *e, u8 *out, size_t cap, u64 first_page,
		       const u64 *hashes, u32 count);
/* BYE or ERROR with a reason (at most LS_REASON_MAX bytes, no NUL). */
size_t ls_encode_reason(struct ls_encoder *e, u8 *out, size_t cap, u8 type, const char *text);

/* A HEARTBEAT: from the hypervisor with replayed NULL (no payload); from
 * a collector with what its replay has reached (LS_HEARTBEAT_SIZE bytes). */
struct ls_replayed {
	u64 bytes;
	u64 landmark;
};
size_t ls_encode_heartbeat(struct ls_encoder *e, u8 *out, size_t cap,
			   const struct ls_replayed *replayed);

/* Sets the header flags of the whole message at msg (as an encoder wrote
 * it) and its checksum again: LS_FLAG_HEARTBEAT on a HELLO or WELCOME. */
void ls_message_set_flags(u8 *msg, u16 flags);

/* Appends the lease epoch (not 0) the sender holds to the whole HELLO or
 * hypervisor HEARTBEAT at msg, sets LS_FLAG_LEASE and the checksum
 * again: a backup learns from its primary's stream which epoch to expect
 * from the witness. The message's new size, or 0 (left as it was) when
 * cap is too small, epoch is 0 or the message is of another type. */
size_t ls_message_add_lease(u8 *msg, size_t cap, u64 epoch);

/* The header alone of a DATA message whose payload is a then b (a ring's
 * two pieces around its wrap; blen may be 0), for a sender that writes the
 * payload from where it lies. Returns LS_HEADER_SIZE, or 0 when alen + blen
 * is 0 or more than LS_MAX_PAYLOAD. */
size_t ls_encode_data_header(struct ls_encoder *e, u8 out[LS_HEADER_SIZE], u64 offset,
			     const void *a, u32 alen, const void *b, u32 blen);

/* --- decoding ------------------------------------------------------------ */

struct ls_decoder {
	enum ls_peer from;
	u8 *buf;             /* payload storage of the message being read */
	u32 cap;
	u8 head[LS_HEADER_SIZE];
	u32 have;            /* bytes of the current message so far */
	u32 length;          /* its payload length, once the header is in */
	u64 next_seq;
	u64 consumed;        /* bytes taken since init (connection offset) */
	u64 msg_start;       /* connection offset of the current message */
	u64 messages;        /* complete messages so far */

	/* The refusal, sticky: code, what it means, and the values involved. */
	enum ls_error error;
	const char *why;
	u64 got, want;
};

/* buf holds cap bytes: messages whose payload is longer are refused with
 * LS_E_TOO_BIG (a collector gives LS_MAX_PAYLOAD, the hypervisor
 * LS_MAX_TO_HV_PAYLOAD). */
void ls_decoder_init(struct ls_decoder *d, enum ls_peer from, u8 *buf, u32 cap);

enum ls_status {
	LS_MORE = 0,     /* every byte taken, no message complete yet */
	LS_MESSAGE = 1,  /* *m is the next message */
	LS_REFUSED = -1, /* d->error, d->why, d->got, d->want say why */
};

/* Takes bytes from data (len of them) up to the end of the next message;
 * *used says how many were taken. Call again with the rest. After a
 * refusal every call refuses, taking nothing. */
enum ls_status ls_decode(struct ls_decoder *d, const u8 *data, size_t len, size_t *used,
			 struct ls_msg *m);

/* True when the decoder holds part of a message (a close now cuts it). */
static inline bool ls_decoder_mid_message(const struct ls_decoder *d)
{
	return d->have != 0;
}

/* The decoder refused the connection's first message for its magic, and
 * what stood there is a TLS record header (RFC 5246, 6.2.1: a content type
 * 20 to 23, then major version 3): the peer speaks TLS, as a recorder or a
 * backup with the pre-shared key does (docs/secure-link.md). */
bool ls_decoder_saw_tls(const struct ls_decoder *d);

/* "HELLO", ... or NULL; "checksum", ... for an error code. */
const char *ls_type_name(unsigned type);
const char *ls_error_name(enum ls_error e);

#endif
