/*
 * The incoming log stream (see logstream_in.h): the collector's side of
 * docs/log-stream.md on one connection at a time, over a stream link
 * (net/stream_link.h): TCP in the clear, or TLS with the pre-shared key.
 * Replies are queued and leave as the link has room (a TLS record may
 * still be waiting for TCP). A connection that ends before its HELLO
 * (a peer refused by TLS, or one that spoke something else) is counted
 * and the port listened on again: the recording may still come.
 */
#include "net/logstream/logstream_in.h"

#include <string.h>

#include "arch/x86/time.h"
#include "errno.h"
#include "fmt.h"
#include "log.h"
#include "net/stream_link.h"
#include "proto/ft_psk.h"
#include "proto/logstream_proto.h"
#include "proto/ls_heartbeat.h"

#define ACK_BATCH_BYTES (64u << 10) /* docs/log-stream.md "The offsets" */
#define ACK_BATCH_NS 100000000ULL   /* 100 ms */
#define REPLY_MAX (LS_HEADER_SIZE + LS_REASON_MAX)
#define REPLY_QUEUE (4 * REPLY_MAX) /* an ERROR, or a WELCOME and ACKs, or ACK and BYE */
#define WHY_MAX 200
#define HELLO_WAIT_NS 10000000000ULL /* a connected peer's HELLO (the TLS handshake included) */
#define NS_PER_MS 1000000ULL

static struct {
	enum logstream_in_state state;
	struct stream_link link;
	u16 port;
	bool secure;                   /* TLS with key */
	struct ft_psk key;
	logstream_in_bytes_fn deliver;
	void *ctx;
	struct ls_decoder dec;
	struct ls_encoder enc;
	u8 payload[LS_MAX_PAYLOAD];
	u8 out[REPLY_QUEUE];           /* replies not yet taken by the link */
	size_t out_len;
	const char *refusal;           /* why we refused this connection (NULL: we did not) */
	char malformed_why[WHY_MAX];   /* a refusal of the stream's bytes, in words */
	u64 connected_ns;              /* when this connection's peer came (0: none yet) */
	u64 session;                   /* the recording's (0: none yet) */
	u8 header[LOGSTREAM_IN_HEADER_MAX];
	u16 header_len;
	u64 delivered;                 /* log bytes handed to the callback */
	u64 acked;                     /* what the last ACK said */
	u64 unacked_since_ns;          /* when the first unACKed byte came (0: none) */
	bool end_seen;
	bool bye_wanted;               /* after END: ACK of the total, then BYE */
	u32 refused;                   /* connections that ended before HELLO */
	char refused_why[WHY_MAX];     /* the last one's reason */
	u32 timeout_ms;                /* keepalive: a silent recorder is lost (0: off) */
	bool ack_at_once;              /* every delivery acknowledged at the next poll */
	u32 streams;                   /* connections that said HELLO */
	/* a backup's page hashes for its primary (HOLDS), sent after RESYNC */
	const u64 *holds;
	u64 holds_pages, holds_next;
	u8 bulk[LS_HEADER_SIZE + LS_HOLDS_MAX_PAGES * 8]; /* the HOLDS being sent */
	u32 bulk_len, bulk_pos;
	u32 heartbeat_ms;              /* heartbeats to a recorder that takes them (0: none) */
	struct ls_beat beat;
	bool beating;                  /* this connection's HELLO and WELCOME agreed */
	bool beaten;                   /* some connection agreed: silence is then the signal */
	struct ls_replayed replayed;   /* what this side's replay has reached */
	u64 lease_epoch;               /* the recorder's lease epoch, as last named (0: never) */
} in;

/* Hands queued replies to the link as it has room (after a HOLDS being
 * sent: messages never interleave). */
static void flush_replies(void)
{
	int n;

	if (in.bulk_pos < in.bulk_len)
		return;
	while (in.out_len) {
		n = stream_link_send(&in.link, in.out, in.out_len);
		if (n <= 0)
			return;
		memmove(in.out, in.out + n, in.out_len - (size_t)n);
		in.out_len -= (size_t)n;
	}
}

/* Queues one reply and sends what the link takes now. */
static void reply(const u8 *msg, size_t len)
{
	if (len > sizeof(in.out) - in.out_len) {
		pr_warn("logstream: a reply to the recorder did not fit its queue");
		return;
	}
	memcpy(in.out + in.out_len, msg, len);
	in.out_len += len;
	ls_beat_sent(&in.beat, time_now_ns(), false);
	flush_replies();
}

/* Still here, and how far the replay has come. */
static void send_heartbeat(u64 now)
{
	u8 msg[LS_HEADER_SIZE + LS_HEARTBEAT_SIZE];

	reply(msg, ls_encode_heartbeat(&in.enc, msg, sizeof(msg), &in.replayed));
	ls_beat_sent(&in.beat, now, true);
}

static void send_ack(void)
{
	u8 msg[LS_HEADER_SIZE];

	reply(msg, ls_encode_ack(&in.enc, msg, sizeof(msg), in.delivered));
	in.acked = in.delivered;
	in.unacked_since_ns = 0;
}

/* Refuses the connection with why (ERROR, then closed from the loop); the
 * recorder may come back. */
static int refuse(const char *why)
{
	u8 msg[REPLY_MAX];

	pr_warn("logstream: refused the recorder: %s", why);
	reply(msg, ls_encode_reason(&in.enc, msg, sizeof(msg), LS_ERROR, why));
	in.refusal = why;
	return -1;
}

/* HELLO: the first names the recording; a later one (a reconnect) must be
 * the same recording and resume within what it still holds. */
static int on_hello(const struct ls_msg *m)
{
	u8 msg[LS_HEADER_SIZE + LS_WELCOME_SIZE];

	if (!in.session) {
		if (m->hello.oldest != 0)
			return refuse("a new recording must start from byte 0");
		in.session = m->hello.session;
		in.header_len = m->hello.log_header_len;
		memcpy(in.header, m->hello.log_header, in.header_len);
		pr_info("logstream: a recording streams its log here%s (session %#llx)",
			in.secure ? " over TLS" : "", in.session);
	} else if (m->hello.session != in.session) {
		return refuse("another recording than the one this stream carries");
	} else if (in.delivered < m->hello.oldest || in.delivered > m->hello.produced) {
		return refuse("the recorder no longer holds the bytes this stream needs");
	} else {
		pr_info("logstream: the recording is back, resuming at byte %llu", in.delivered);
	}
	in.state = LOGSTREAM_IN_STREAMING;
	in.streams++;
	in.acked = in.delivered; /* WELCOME says it: no ACK owed on this connection yet */
	in.unacked_since_ns = 0;
	/* heartbeats only to a recorder that asked for them (hvcollect's
	 * peers, and older ones, do not) */
	in.beating = in.heartbeat_ms && (m->flags & LS_FLAG_HEARTBEAT);
	in.beaten |= in.beating;
	ls_beat_restart(&in.beat, time_now_ns());
	if (!ls_encode_welcome(&in.enc, msg, sizeof(msg), in.session, in.delivered))
		return refuse("cannot encode WELCOME");
	if (in.beating)
		ls_message_set_flags(msg, LS_FLAG_HEARTBEAT);
	reply(msg, sizeof(msg));
	return 0;
}

static int on_data(const struct ls_msg *m)
{
	if (m->offset != in.delivered)
		return refuse("DATA not at the stream's end");
	if (in.deliver(in.ctx, m->offset, m->payload, m->length)) { /* it said why */
		in.state = LOGSTREAM_IN_FAILED; /* the link closes from the loop */
		return -1;
	}
	in.delivered += m->length;
	if (!in.unacked_since_ns)
		in.unacked_since_ns = time_now_ns();
	if (in.delivered - in.acked >= ACK_BATCH_BYTES)
		send_ack();
	return 0;
}

static int on_message(const struct ls_msg *m)
{
	ls_beat_heard(&in.beat, time_now_ns(), m->type == LS_HEARTBEAT);
	if (m->type != LS_HELLO && in.state != LOGSTREAM_IN_STREAMING)
		return refuse("a message before HELLO");
	if (m->lease_epoch)
		in.lease_epoch = m->lease_epoch;
	switch (m->type) {
	case LS_HEARTBEAT:
		return in.beating ? 0 : refuse("a HEARTBEAT this backup did not agree to");
	case LS_HELLO:
		return in.state == LOGSTREAM_IN_STREAMING ? refuse("a second HELLO") : on_hello(m);
	case LS_DATA:
		return on_data(m);
	case LS_END:
		if (m->offset != in.delivered)
			return refuse("END whose length is not the stream's end");
		in.end_seen = true;
		in.bye_wanted = true;
		return 0;
	default: /* BYE, ERROR: the recorder is leaving; it may come back */
		pr_info("logstream: the recorder said %s: %.*s", ls_type_name(m->type),
			(int)m->reason.len, m->reason.text);
		return -1;
	}
}

/* A stream the decoder refused: a recorder with the pre-shared key talking
 * TLS to us in the clear is told so; otherwise it is told what was wrong
 * (in the clear, a message altered on the way fails its checksum, one
 * replayed its sequence number) and comes back on a new connection. */
static int malformed(void)
{
	if (ls_decoder_saw_tls(&in.dec))
		return refuse("the recorder speaks TLS (it has ft_key=) and this backup has no "
			      "ft_key=: give both the same key, or neither");
	fmt_snprintf(in.malformed_why, sizeof(in.malformed_why), "a malformed message (%s): %s",
		     ls_error_name(in.dec.error), in.dec.why);
	return refuse(in.malformed_why);
}

/* Bytes from the recorder: whole messages out of the decoder. */
static int on_rx(void *ctx, const u8 *data, size_t len)
{
	while (len) {
		struct ls_msg m;
		size_t used = 0;
		enum ls_status st = ls_decode(&in.dec, data, len, &used, &m);

		data += used;
		len -= used;
		if (st == LS_REFUSED)
			return malformed();
		if (st == LS_MESSAGE && on_message(&m))
			return -1;
	}
	return 0;
}

/* A silent recorder is lost after about timeout_ms: a third of it idle,
 * then four keepalive probes a sixth apart (lwIP ticks every 500 ms). */
static void apply_timeout(void)
{
	if (in.timeout_ms)
		stream_link_keepalive(&in.link, in.timeout_ms / 3, in.timeout_ms / 6, 4);
}

/* A fresh connection may come: listen again (the port may still be held
 * for a moment after a lost connection: retried from the poll). */
static void listen_again(void)
{
	const struct ft_psk *key = in.secure ? &in.key : NULL;

	stream_link_close(&in.link);
	ls_decoder_init(&in.dec, LS_PEER_HV, in.payload, sizeof(in.payload));
	ls_encoder_init(&in.enc);
	in.out_len = 0;
	in.bulk_len = in.bulk_pos = 0;
	in.holds_next = in.holds_pages; /* the next RESYNC sends them again */
	in.refusal = NULL;
	in.connected_ns = 0;
	if (stream_link_listen(&in.link, key, in.port, on_rx, NULL) == 0) {
		apply_timeout();
		in.state = LOGSTREAM_IN_LISTENING;
	}
}

void logstream_in_set_timeout(u32 ms)
{
	in.timeout_ms = ms;
	in.beat.timeout_ns = (u64)ms * NS_PER_MS;
	in.ack_at_once = ms != 0;
	apply_timeout();
}

int logstream_in_listen(u16 port, const struct ft_psk *key, logstream_in_bytes_fn deliver,
			void *ctx)
{
	stream_link_close(&in.link); /* a stream this replaces */
	memset(&in, 0, sizeof(in));
	in.port = port;
	in.secure = key != NULL;
	if (key)
		in.key = *key;
	in.deliver = deliver;
	in.ctx = ctx;
	listen_again();
	if (stream_link_state(&in.link) != STREAM_LINK_WAITING) {
		pr_err("logstream: cannot listen on port %u", port);
		in.state = LOGSTREAM_IN_FAILED;
		return -EBUSY;
	}
	pr_info("logstream: waiting for a recording's log on port %u%s", port,
		in.secure ? " (over TLS with the pre-shared key)" : "");
	return 0;
}

/* Why the connection ended: our refusal, else the link's failure. */
static const char *ended_why(void)
{
	const char *why = in.refusal ? in.refusal : stream_link_failure(&in.link);

	if (stream_link_peer_began_with(&in.link, LS_MAGIC_TEXT, 4))
		why = "the recorder speaks in the clear (it has no ft_key=) and this backup takes "
		      "the log only over TLS with its ft_key=";
	return why && *why ? why : "closed";
}

/* The connection is gone: the end, a lost recorder, or a connection that
 * ended before its HELLO (counted, with its reason). */
static void connection_ended(void)
{
	bool had_peer = in.refusal || stream_link_failure(&in.link);

	if (in.end_seen) {
		in.state = LOGSTREAM_IN_ENDED;
		return;
	}
	if (in.state == LOGSTREAM_IN_STREAMING) {
		pr_warn("logstream: lost the recorder (%s) at byte %llu", ended_why(), in.delivered);
	} else if (had_peer) {
		in.refused++;
		fmt_snprintf(in.refused_why, sizeof(in.refused_why), "%s", ended_why());
		pr_warn("logstream: a connection without a recording (%u so far): %s", in.refused,
			in.refused_why);
	}
	listen_again();
}

/* A peer that connected and has not said HELLO in HELLO_WAIT_NS (nor
 * finished its TLS handshake) is dropped: it would hold the one connection
 * the recording needs. */
static void drop_if_mute(u64 now)
{
	if (in.state != LOGSTREAM_IN_LISTENING || !stream_link_connected(&in.link))
		return;
	if (!in.connected_ns) {
		in.connected_ns = now;
	} else if (now - in.connected_ns > HELLO_WAIT_NS) {
		in.refusal = "no HELLO within 10 s of connecting";
		stream_link_close(&in.link);
	}
}

/* Sends the HOLDS still due, one message at a time, while the link takes
 * them: the one begun goes on; a new one waits for the replies queued. */
static void send_holds(void)
{
	int n;

	for (;;) {
		if (in.bulk_pos == in.bulk_len) {
			u32 count = (u32)MIN(in.holds_pages - in.holds_next, (u64)LS_HOLDS_MAX_PAGES);

			if (!count || in.out_len)
				return;
			in.bulk_len = (u32)ls_encode_holds(&in.enc, in.bulk, sizeof(in.bulk),
							   in.holds_next, in.holds + in.holds_next,
							   count);
			in.bulk_pos = 0;
			in.holds_next += count;
		}
		n = stream_link_send(&in.link, in.bulk + in.bulk_pos, in.bulk_len - in.bulk_pos);
		if (n <= 0)
			return;
		in.bulk_pos += (u32)n;
	}
}

/* A recorder that agreed to heartbeats and has said nothing for the
 * timeout (connected or not) is lost at once: this side takes no more of
 * its log. True when it is. */
static bool recorder_silent(u64 now)
{
	char why[WHY_MAX];

	if (!in.beaten || in.state == LOGSTREAM_IN_ENDED || !ls_beat_check(&in.beat, now))
		return false;
	fmt_snprintf(why, sizeof(why), "the recorder has been silent for %llu ms, %llu heartbeats "
		     "missed", ls_beat_heard_age_ms(&in.beat, now), in.beat.missed_now);
	logstream_in_stop(why);
	return true;
}

void logstream_in_poll(void)
{
	u64 now = time_now_ns();
	u8 msg[REPLY_MAX];

	stream_link_poll(&in.link, now);
	if (in.state == LOGSTREAM_IN_FAILED || recorder_silent(now))
		return;
	drop_if_mute(now);
	if (stream_link_state(&in.link) == STREAM_LINK_DOWN) {
		connection_ended();
		return;
	}
	if (stream_link_state(&in.link) != STREAM_LINK_UP)
		return;
	flush_replies();
	if (in.state != LOGSTREAM_IN_STREAMING)
		return; /* nothing to acknowledge before this connection's HELLO */
	send_holds();
	flush_replies();
	if (in.bye_wanted) {
		send_ack();
		reply(msg, ls_encode_reason(&in.enc, msg, sizeof(msg), LS_BYE, "log complete"));
		in.bye_wanted = false;
		in.state = LOGSTREAM_IN_ENDED;
		pr_info("logstream: the recording's log is complete: %llu bytes", in.delivered);
	} else if (in.unacked_since_ns &&
		   (in.ack_at_once || now - in.unacked_since_ns >= ACK_BATCH_NS)) {
		send_ack();
	}
	if (in.state == LOGSTREAM_IN_STREAMING && in.beating && ls_beat_due(&in.beat, now))
		send_heartbeat(now);
}

void logstream_in_stop(const char *why)
{
	if (in.state == LOGSTREAM_IN_FAILED)
		return;
	stream_link_close(&in.link);
	in.state = LOGSTREAM_IN_FAILED;
	pr_info("logstream: no longer taking the recording's log (%s)", why);
}

void logstream_in_set_heartbeat(u32 ms)
{
	in.heartbeat_ms = ms;
	in.beat.interval_ns = (u64)ms * NS_PER_MS;
}

void logstream_in_note_replayed(u64 bytes, u64 landmark)
{
	in.replayed.bytes = bytes;
	in.replayed.landmark = landmark;
}

void logstream_in_beat_status(struct ls_beat_status *st)
{
	ls_beat_status(&in.beat, in.beating && in.state == LOGSTREAM_IN_STREAMING, time_now_ns(),
		       st);
}

enum logstream_in_state logstream_in_state(void)
{
	return in.state;
}

const u8 *logstream_in_header(u16 *len)
{
	*len = in.header_len;
	return in.session ? in.header : NULL;
}

u64 logstream_in_lease_epoch(void)
{
	return in.lease_epoch;
}

u64 logstream_in_bytes(void)
{
	return in.delivered;
}

u32 logstream_in_refused(const char **last_why)
{
	*last_why = in.refused ? in.refused_why : NULL;
	return in.refused;
}

bool logstream_in_request_resync(u64 landmark, const char *why, const u64 *holds, u64 pages)
{
	u8 msg[REPLY_MAX];

	if (in.state != LOGSTREAM_IN_STREAMING)
		return false;
	reply(msg, ls_encode_resync(&in.enc, msg, sizeof(msg), landmark, why));
	in.holds = holds;
	in.holds_pages = pages;
	in.holds_next = 0;
	send_holds();
	return true;
}

u32 logstream_in_streams(void)
{
	return in.streams;
}
