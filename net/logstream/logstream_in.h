/*
 * An incoming log stream (docs/log-stream.md): this hypervisor plays the
 * collector's part for one recording that streams its log here, as the
 * backup of a fault-tolerant pair does (docs/fault-tolerance.md), in the
 * clear or inside TLS with the pre-shared key (docs/secure-link.md). The
 * log's bytes go to the caller's callback in order, each once, across the
 * recorder's reconnects (WELCOME resumes where the bytes stopped), and are
 * acknowledged once delivered. One stream at a time. A peer refused before
 * its HELLO (a different key, TLS on one side only) delivers nothing and
 * is counted; the port is listened on again. No lwIP type crosses this
 * interface.
 */
#ifndef UNDERSTUDY_NET_LOGSTREAM_LOGSTREAM_IN_H
#define UNDERSTUDY_NET_LOGSTREAM_LOGSTREAM_IN_H

#include "types.h"

struct ft_psk;
struct ls_beat_status;

#define LOGSTREAM_IN_HEADER_MAX 1024 /* the log header HELLO carries, at most */

/* The log's next bytes (offset: where they start in the log); a nonzero
 * return refuses them (the stream fails; the callback says why). */
typedef int (*logstream_in_bytes_fn)(void *ctx, u64 offset, const u8 *data, size_t len);

enum logstream_in_state {
	LOGSTREAM_IN_LISTENING, /* no recorder yet, or waiting for it to come back */
	LOGSTREAM_IN_STREAMING, /* a recorder is connected and said HELLO */
	LOGSTREAM_IN_ENDED,     /* END came and every byte before it */
	LOGSTREAM_IN_FAILED,    /* for good (the log says why) */
};

/* Listens on port for the recorder, inside TLS with key when key is not
 * NULL; bytes go to deliver(ctx, ...). The network must be up. 0 or a
 * negative errno (reported). */
int logstream_in_listen(u16 port, const struct ft_psk *key, logstream_in_bytes_fn deliver,
			void *ctx);

/* A fault-tolerant pair's backup: a recorder that stays silent for about
 * ms (its host does not even answer TCP keepalive probes) is lost
 * (net/tcp_link.h), and every delivery is acknowledged at the next poll
 * (the primary's outputs wait for it); 0: only when its connection fails
 * otherwise, acknowledgements in batches. After logstream_in_listen, for connections
 * made from then on. */
void logstream_in_set_timeout(u32 ms);

/* Heartbeats to a recorder whose HELLO asks for them, every ms of nothing
 * else sent, carrying what logstream_in_note_replayed last said; such a
 * recorder unheard for logstream_in_set_timeout's ms (connected or not)
 * is lost at once, as by logstream_in_stop. 0: none (the default). */
void logstream_in_set_heartbeat(u32 ms);

/* What the replay has reached: the log's bytes and the landmark. */
void logstream_in_note_replayed(u64 bytes, u64 landmark);

/* The heartbeats' counters and the recorder's last heard age. */
void logstream_in_beat_status(struct ls_beat_status *st);

/* Moves the stream on after a network poll: acknowledges, ends, listens
 * again after a lost connection (what came was taken during the poll).
 * Never waits. */
void logstream_in_poll(void);

/* Takes no more of the log: closes the connection and the listener, for
 * good (state FAILED). A backup whose replay has stopped waiting for a
 * lost recorder calls it, so that a recorder coming back later is
 * refused, not acknowledged bytes this backup will never replay. */
void logstream_in_stop(const char *why);

enum logstream_in_state logstream_in_state(void);

/* The log header the recorder's HELLO carried (after the first HELLO):
 * its bytes and length, else NULL. */
const u8 *logstream_in_header(u16 *len);

/* The epoch of the witness's lease the recorder last named (HELLO or
 * HEARTBEAT with LS_FLAG_LEASE), 0 if it never did. */
u64 logstream_in_lease_epoch(void);

/* Bytes of the log delivered so far; the END's total once ended. */
u64 logstream_in_bytes(void);

/* Connections that ended before their HELLO (refused by TLS, or speaking
 * something else); *last_why is the last one's reason (NULL when none). */
u32 logstream_in_refused(const char **last_why);

/* Asks the recorder for a checkpoint (RESYNC): the replay diverged at
 * landmark, for why; then sends the hashes of the pages guest memory
 * holds (HOLDS, as the link takes them: holds must stay valid), so that
 * the checkpoint carries only the others. False when no recorder is
 * connected to hear it. */
/* Connections from the recorder that said HELLO so far: a request sent
 * on one is lost with it. */
u32 logstream_in_streams(void);
bool logstream_in_request_resync(u64 landmark, const char *why, const u64 *holds, u64 pages);

#endif
