/*
 * The incoming log stream (see logstream_in.h): the collector's side of
 * docs/log-stream.md on one TCP connection at a time (net/tcp_link.h,
 * the link two hypervisors share), in the hypervisor.
 */
#include "net/logstream/logstream_in.h"

#include <string.h>

#include "arch/x86/time.h"
#include "errno.h"
#include "log.h"
#include "net/tcp_link.h"
#include "proto/logstream_proto.h"

#define ACK_BATCH_BYTES (64u << 10) /* docs/log-stream.md "The offsets" */
#define ACK_BATCH_NS 100000000ULL   /* 100 ms */
#define REPLY_MAX (LS_HEADER_SIZE + LS_REASON_MAX)

static struct {
	enum logstream_in_state state;
	struct tcp_link link;
	u16 port;
	logstream_in_bytes_fn deliver;
	void *ctx;
	struct ls_decoder dec;
	struct ls_encoder enc;
	u8 payload[LS_MAX_PAYLOAD];
	u64 session;                   /* the recording's (0: none yet) */
	u8 header[LOGSTREAM_IN_HEADER_MAX];
	u16 header_len;
	u64 delivered;                 /* log bytes handed to the callback */
	u64 acked;                     /* what the last ACK said */
	u64 unacked_since_ns;          /* when the first unACKed byte came (0: none) */
	bool end_seen;
	bool bye_wanted;               /* after END: ACK of the total, then BYE */
	u32 timeout_ms;                /* keepalive: a silent recorder is lost (0: off) */
	bool ack_at_once;              /* every delivery acknowledged at the next poll */
} in;

/* Sends one reply now (the link has room for a small message), else the
 * connection is failing anyway. */
static void reply(const u8 *msg, size_t len)
{
	if (len && tcp_link_send(&in.link, msg, len))
		pr_warn("logstream: a reply to the recorder did not fit its connection");
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
		pr_info("logstream: a recording streams its log here (session %#llx)", in.session);
	} else if (m->hello.session != in.session) {
		return refuse("another recording than the one this stream carries");
	} else if (in.delivered < m->hello.oldest || in.delivered > m->hello.produced) {
		return refuse("the recorder no longer holds the bytes this stream needs");
	} else {
		pr_info("logstream: the recording is back, resuming at byte %llu", in.delivered);
	}
	in.state = LOGSTREAM_IN_STREAMING;
	reply(msg, ls_encode_welcome(&in.enc, msg, sizeof(msg), in.session, in.delivered));
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
	if (m->type != LS_HELLO && in.state != LOGSTREAM_IN_STREAMING)
		return refuse("a message before HELLO");
	switch (m->type) {
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

/* Bytes from the recorder: whole messages out of the decoder. */
static int on_rx(void *ctx, const u8 *data, size_t len)
{
	while (len) {
		struct ls_msg m;
		size_t used = 0;
		enum ls_status st = ls_decode(&in.dec, data, len, &used, &m);

		data += used;
		len -= used;
		if (st == LS_REFUSED) {
			pr_warn("logstream: the recorder's stream is malformed: %s",
				ls_error_name(in.dec.error));
			return -1;
		}
		if (st == LS_MESSAGE && on_message(&m))
			return -1;
	}
	return 0;
}

/* A fresh connection may come: listen again (the port may still be held
 * for a moment after a lost connection: retried from the poll). */
static void listen_again(void)
{
	ls_decoder_init(&in.dec, LS_PEER_HV, in.payload, sizeof(in.payload));
	ls_encoder_init(&in.enc);
	if (tcp_link_listen(&in.link, in.port, on_rx, NULL, NULL) == 0) {
		tcp_link_set_keepalive(&in.link, in.timeout_ms);
		in.state = LOGSTREAM_IN_LISTENING;
	}
}

void logstream_in_set_timeout(u32 ms)
{
	in.timeout_ms = ms;
	in.link.keepalive_ms = ms;
	in.ack_at_once = ms != 0;
}

int logstream_in_listen(u16 port, logstream_in_bytes_fn deliver, void *ctx)
{
	memset(&in, 0, sizeof(in));
	in.port = port;
	in.deliver = deliver;
	in.ctx = ctx;
	listen_again();
	if (in.link.state != TCP_LINK_LISTENING) {
		pr_err("logstream: cannot listen on port %u", port);
		in.state = LOGSTREAM_IN_FAILED;
		return -EBUSY;
	}
	pr_info("logstream: waiting for a recording's log on port %u", port);
	return 0;
}

void logstream_in_poll(void)
{
	u64 now = time_now_ns();
	u8 msg[REPLY_MAX];

	tcp_link_poll(&in.link, now);
	if (in.state == LOGSTREAM_IN_FAILED)
		return;
	if (in.link.state == TCP_LINK_DOWN || in.link.state == TCP_LINK_IDLE) {
		if (in.end_seen) {
			in.state = LOGSTREAM_IN_ENDED;
			return;
		}
		if (in.state == LOGSTREAM_IN_STREAMING)
			pr_warn("logstream: lost the recorder (%s) at byte %llu",
				in.link.failure ? in.link.failure : "closed", in.delivered);
		listen_again();
		return;
	}
	if (in.link.state != TCP_LINK_UP)
		return;
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

u64 logstream_in_bytes(void)
{
	return in.delivered;
}
