/*
 * The hypervisor's outgoing log streams (docs/log-stream.md), for whoever
 * in hv/ has a ring of bytes to deliver: a ring's bytes go to a collector
 * (hvcollect, or a backup's rr_live=) over TCP, or over TLS with the
 * pre-shared key, and leave the ring only when it acknowledges them.
 * There is one stream per kind of content, each its own session: the
 * record log, and a snapshot (which may be taken while the log streams).
 * No lwIP type crosses this interface.
 */
#ifndef UNDERSTUDY_NET_LOGSTREAM_LOGSTREAM_OUT_H
#define UNDERSTUDY_NET_LOGSTREAM_LOGSTREAM_OUT_H

#include "byte_ring.h"
#include "types.h"

struct ft_psk;

enum logstream_out_id {
	LOGSTREAM_RR_LOG,   /* the record log (hv/rr/rr_sink_tcp.c) */
	LOGSTREAM_SNAPSHOT, /* a snapshot (hv/snapshot_sink.c) */
	LOGSTREAM_FT_EPOCHS, /* ft=checkpoint's epochs to the backup (hv/ft_ckpt_primary.c) */
	LOGSTREAM_COUNT,
};

/* Connects to the collector at ip (host order) and port, inside TLS with
 * key when key is not NULL, and will send the ring from its first byte,
 * the log header, which it also names in its HELLO. The network must be
 * up. 0 or a negative errno, with a message naming the stream. */
int logstream_out_open(enum logstream_out_id id, struct byte_ring *ring, u32 ip, u16 port,
		       const struct ft_psk *key, const void *log_header, u16 header_len);

/* A collector away (silent while it owes an acknowledgement, or not
 * reachable) for ms is gone for good: the stream fails (role=primary: its
 * backup died). 0: never (the default: retry until the run ends). */
void logstream_out_give_up_after(enum logstream_out_id id, u32 ms);

/* Heartbeats every ms both ways when the collector agrees (a backup):
 * it is then gone after the give-up time without a word from it. Right
 * after logstream_out_open. 0: none. */
void logstream_out_heartbeat(enum logstream_out_id id, u32 ms);

/* The witness's lease epoch this side holds now (0: none), named to the
 * collector in HELLO and HEARTBEATs (a backup learns what to expect from
 * the witness). Cheap: call from each poll. */
void logstream_out_set_lease(enum logstream_out_id id, u64 epoch);

/* The heartbeats' counters, the collector's last heard age, and what its
 * replay has reached (false: no HEARTBEAT has said it yet). */
struct ls_beat_status;
struct ls_replayed;
bool logstream_out_beat_status(enum logstream_out_id id, struct ls_beat_status *st,
			       struct ls_replayed *replayed);

/* Moves the stream on (sends, takes acknowledgements). Never waits. */
void logstream_out_poll(enum logstream_out_id id);

/* Sleeps until the network's next deadline (or 10 ms), then polls it. */
void logstream_out_wait(void);

/* The ring holds the whole log: nothing more will be put in it. */
void logstream_out_finish(enum logstream_out_id id);

/* 1 when the collector has every byte, 0 while under way, -EIO when the
 * stream has failed for good. */
int logstream_out_flushed(enum logstream_out_id id);

/* Why a failed stream failed (NULL while it has not). */
const char *logstream_out_failure(enum logstream_out_id id);

/* The collector has welcomed the stream: bytes flow. */
bool logstream_out_streaming(enum logstream_out_id id);

/* Bytes the collector has acknowledged. */
u64 logstream_out_bytes(enum logstream_out_id id);

/* A backup's request for a checkpoint (RESYNC) since the last call. */
bool logstream_out_take_resync(enum logstream_out_id id, u64 *landmark);
/* Where the backup's page hashes go, and how many came since its RESYNC. */
void logstream_out_set_holds(enum logstream_out_id id, u64 *hashes, u64 pages);
u64 logstream_out_holds(enum logstream_out_id id);

#endif
