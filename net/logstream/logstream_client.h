/*
 * The hypervisor's end of the log stream (docs/log-stream.md): a sink for
 * the record ring (byte_ring.h) that sends the ring's bytes to a collector
 * over a stream link (net/stream_link.h): TCP in the clear, or TLS with the
 * pre-shared key when one is given (a backup's rr_live=, docs/secure-link.md).
 * Everything runs from the run loop, through net_poll() and ls_client_poll().
 *
 * The ring's offsets are the log's offsets (the log header is the first
 * thing put in it). The client owns the ring's tail: it consumes bytes only
 * when the collector ACKs them, never when they are sent, so after a
 * reconnect it can resend from wherever the collector resumes. While the
 * collector is slow the ring fills up and the record path waits for room
 * (polling the network), which pauses the guest: nothing is dropped.
 *
 * Use (net/logstream/logstream_out.c):
 *   ls_client_start(&c, &rr->ring, ip, port, key, session, header, len, now);
 *   run loop:     net_poll(); ls_client_poll(&c, now);
 *   ring full:    while (!byte_ring_put(...)) { net_poll(); ls_client_poll(&c, now); }
 *   end of run:   ls_client_finish(&c); then poll until ls_client_done(&c)
 *                 (or ls_client_failed(&c)).
 * The record path must then never call byte_ring_consume() itself.
 */
#ifndef UNDERSTUDY_NET_LOGSTREAM_CLIENT_H
#define UNDERSTUDY_NET_LOGSTREAM_CLIENT_H

#include "byte_ring.h"
#include "net/stream_link.h"
#include "proto/ft_psk.h"
#include "proto/logstream_proto.h"
#include "proto/ls_heartbeat.h"
#include "types.h"

/* DATA payload: one message fits one TLS record (16 KiB of plaintext). */
#define LS_CLIENT_DATA_MAX (16384 - LS_HEADER_SIZE)
#define LS_CLIENT_STAGE (LS_HEADER_SIZE + LS_CLIENT_DATA_MAX)
#define LS_CLIENT_WHY_MAX 256

enum ls_client_state {
	LSC_IDLE,        /* not started */
	LSC_CONNECTING,  /* TCP (and TLS) handshake under way */
	LSC_HELLO,       /* HELLO sent, waiting for WELCOME */
	LSC_STREAMING,   /* sending DATA, taking ACKs */
	LSC_BACKOFF,     /* disconnected: connecting again at retry_at_ns */
	LSC_DONE,        /* END sent and ACKed: the log is on the collector's disk */
	LSC_FAILED,      /* the collector cannot have the whole log (failure says why) */
};

struct ls_client_stats {
	u64 connects;        /* connections made (TLS sessions, under TLS) */
	u64 data_msgs;       /* DATA messages sent */
	u64 bytes_sent;      /* log bytes sent, resends included */
	u64 bytes_resent;    /* log bytes sent again after a reconnect */
	u64 acks;
	u64 drops;           /* connections lost or dropped */
};

struct ls_client {
	struct byte_ring *ring;      /* tail: ACKed; head: produced */
	u32 server_ip;               /* network order */
	u16 port;
	bool secure;                 /* TLS with key */
	struct ft_psk key;
	u64 session;
	u8 log_header[LS_LOG_HEADER_MAX];
	u16 log_header_len;

	enum ls_client_state state;
	struct stream_link link;
	struct ls_encoder enc;
	struct ls_decoder dec;
	u8 rx[LS_MAX_TO_HV_PAYLOAD];
	const char *lost;            /* why we end this connection (said in a callback) */
	bool lost_for_good;          /* ... and do not connect again */

	/* the message being handed to the link */
	u8 stage[LS_CLIENT_STAGE];
	u32 stage_len, stage_pos;

	u64 sent;                  /* log offset of the next byte to send */
	u64 high_sent;             /* most bytes ever sent (resends are below) */
	u64 hello_produced;        /* what the last HELLO said */
	bool finishing;            /* the log is complete: END after its last byte */
	bool end_sent;

	u64 now_ns;
	u64 retry_at_ns, backoff_ns;
	u64 heard_ns;              /* when the collector last said something */
	u64 give_up_ns;            /* a collector away this long is gone for good (0: never) */
	u64 alive_ns;              /* when it was last known to be there: heard, or all ACKed */
	bool resync_wanted;        /* a backup asked for a checkpoint (RESYNC), not yet taken */
	u64 resync_landmark;       /* where its replay diverged */
	u64 *holds;                /* where its page hashes (HOLDS) go; NULL: dropped */
	u64 holds_cap, holds_next; /* pages there room for; received in order since RESYNC */
	bool heard_since_poll;     /* bytes came in a network poll: heard at the next poll's time */
	const char *failure;
	char why[LS_CLIENT_WHY_MAX]; /* failure's text when it is made up */
	struct ls_client_stats stats;

	/* heartbeats (ls_client_heartbeat): asked for in HELLO, on once
	 * WELCOME says the collector takes them too */
	struct ls_beat beat;
	bool beats_asked;          /* HELLO says this side takes them */
	bool beating;              /* this connection's WELCOME agreed */
	bool beaten;               /* some connection agreed: silence is then the signal */
	struct ls_replayed replayed; /* what the collector's last HEARTBEAT said */
	bool replayed_known;

	/* the witness's lease (ls_client_set_lease): named in HELLO and every
	 * HEARTBEAT, and by a HEARTBEAT of its own, before any later DATA,
	 * when it changes */
	u64 lease_epoch;           /* the sender's now (0: none) */
	u64 lease_told;            /* what this connection has been told */
};

/* Starts connecting to ip (network order):port, inside TLS with key when
 * key is not NULL. session: random per record run, never 0 (e.g. from
 * RDRAND, else the TSC hashed with the log header). The log header is
 * copied (HELLO carries it). 0, or -EINVAL. */
int ls_client_start(struct ls_client *c, struct byte_ring *ring, u32 ip, u16 port,
		    const struct ft_psk *key, u64 session, const void *log_header,
		    u16 log_header_len, u64 now_ns);

/* A collector that has not been heard from for ns while it owed a reply
 * (or could not be reached: connecting again and again) is gone for good:
 * the client fails (a backup that died, role=primary). Its connections'
 * TCP keepalive follows: idle ns/3, then probes every ns/6. 0: never. */
void ls_client_give_up_after(struct ls_client *c, u64 ns);

/* Heartbeats on the stream, every interval_ns of nothing else sent, both
 * ways once a collector's WELCOME agrees (a backup's; hvcollect never
 * does): the collector is then gone after give_up_ns without a word from
 * it, whatever it owes (ls_client_give_up_after). Before the first
 * connection's HELLO, i.e. right after ls_client_start. */
void ls_client_heartbeat(struct ls_client *c, u64 interval_ns);

/* The epoch of the witness's lease this side holds now (0: none): HELLO
 * and the HEARTBEATs name it (LS_FLAG_LEASE), so a backup knows which
 * epoch its primary ran under before it acknowledges a byte logged after
 * it changed (when heartbeats are on; else from the next HELLO). */
void ls_client_set_lease(struct ls_client *c, u64 epoch);

/* The heartbeats' counters and the collector's last heard age. */
void ls_client_beat_status(const struct ls_client *c, struct ls_beat_status *st);

/* Moves things on: sends what the ring holds, connects again when due,
 * gives up on a silent collector. Call after net_poll(). */
void ls_client_poll(struct ls_client *c, u64 now_ns);

/* The ring holds the whole log: send END after its last byte. */
void ls_client_finish(struct ls_client *c);

static inline bool ls_client_done(const struct ls_client *c)
{
	return c->state == LSC_DONE;
}

static inline bool ls_client_failed(const struct ls_client *c)
{
	return c->state == LSC_FAILED;
}

/* Whether the collector (a backup) asked for a checkpoint since the last
 * call (RESYNC), and at which landmark its replay diverged. */
bool ls_client_take_resync(struct ls_client *c, u64 *landmark);
/* Where a backup's page hashes (HOLDS) go: pages of them at most. */
void ls_client_set_holds(struct ls_client *c, u64 *hashes, u64 pages);
/* Page hashes received in order since the last RESYNC. */
u64 ls_client_holds(const struct ls_client *c);

#endif
