/*
 * The log stream's hypervisor side on a stream link (see
 * logstream_client.h and docs/log-stream.md). One message at a time is
 * staged (HELLO, a DATA copied out of the ring, END) and handed to the
 * link as it has room; what the collector says arrives in on_rx and moves
 * the ring's tail. A connection that fails ends in drop(): close, back
 * off, connect again (a new TLS session under TLS), HELLO, resume at
 * WELCOME's offset. A TLS handshake the collector refuses ends in fail():
 * a different key, or a collector in the clear, does not change by
 * connecting again.
 *
 * The link's callbacks (on_rx) never close it: they say why in c->lost
 * and the next ls_client_poll ends the connection.
 */
#include "net/logstream/logstream_client.h"

#include <string.h>

#include "compiler.h"
#include "endian.h"
#include "errno.h"
#include "fmt.h"
#include "log.h"

#define NS_PER_MS 1000000ULL
#define BACKOFF_MIN_NS (100 * NS_PER_MS)
#define BACKOFF_MAX_NS (5000 * NS_PER_MS)
#define SILENCE_NS (30000 * NS_PER_MS)  /* a collector that owes us a reply */
#define KEEPALIVE_IDLE_MS 10000
#define KEEPALIVE_INTVL_MS 2000
#define KEEPALIVE_COUNT 5
#define GIVE_UP_KEEPALIVE_COUNT 4 /* with ls_client_give_up_after: idle + 4 probes ~ the time */

static int on_rx(void *ctx, const u8 *data, size_t len);

/* --- the ring ---------------------------------------------------------------- */

/* Copies len bytes at log offset pos (between tail and head) out of the ring. */
static void ring_copy_at(const struct byte_ring *r, u64 pos, u8 *out, u32 len)
{
	u64 off = pos & (r->size - 1), first = MIN((u64)len, r->size - off);

	memcpy(out, r->buf + off, first);
	memcpy(out + first, r->buf, len - first);
}

/* The collector has bytes up to offset: they leave the ring. */
static void ring_release(struct ls_client *c, u64 offset)
{
	if (offset > c->ring->tail)
		byte_ring_consume(c->ring, offset - c->ring->tail);
}

/* --- the connection ------------------------------------------------------------ */

static void schedule_retry(struct ls_client *c)
{
	c->state = LSC_BACKOFF;
	c->retry_at_ns = c->now_ns + c->backoff_ns;
	c->backoff_ns = MIN(c->backoff_ns * 2, BACKOFF_MAX_NS);
}

/* Ends the connection and connects again later. */
static void drop(struct ls_client *c, const char *why)
{
	stream_link_close(&c->link);
	c->stats.drops++;
	pr_warn("logstream: %s; connecting again in %llu ms", why, (c->backoff_ns / NS_PER_MS));
	schedule_retry(c);
}

/* The collector cannot have the whole log: stop trying. */
static void fail(struct ls_client *c, const char *why)
{
	stream_link_close(&c->link);
	c->state = LSC_FAILED;
	c->failure = why;
	pr_err("logstream: %s", why);
}

/* From a link callback: the connection ends at the next poll (for good:
 * no reconnect), the collector told why first when tell. */
static void lose(struct ls_client *c, const char *why, bool tell, bool for_good)
{
	u8 msg[LS_HEADER_SIZE + LS_REASON_MAX];
	size_t n;

	if (c->lost)
		return;
	if (tell) { /* best effort: the connection is ending anyway */
		n = ls_encode_reason(&c->enc, msg, sizeof(msg), LS_ERROR, why);
		if (n)
			stream_link_send(&c->link, msg, n);
	}
	c->lost = why;
	c->lost_for_good = for_good;
}

/* TCP keepalive on the connection: short enough to notice a collector
 * gone within give_up_ns when one is set. */
static void keepalive(struct ls_client *c)
{
	u32 ms = (u32)(c->give_up_ns / NS_PER_MS);

	if (ms)
		stream_link_keepalive(&c->link, MAX(ms / 3, 1u), MAX(ms / 6, 1u),
				      GIVE_UP_KEEPALIVE_COUNT);
	else
		stream_link_keepalive(&c->link, KEEPALIVE_IDLE_MS, KEEPALIVE_INTVL_MS,
				      KEEPALIVE_COUNT);
}

static void connect_now(struct ls_client *c)
{
	const struct ft_psk *key = c->secure ? &c->key : NULL;

	c->lost = NULL;
	c->lost_for_good = false;
	c->stage_len = c->stage_pos = 0;
	c->heard_ns = c->now_ns;
	c->beating = false;
	ls_encoder_init(&c->enc);
	ls_decoder_init(&c->dec, LS_PEER_COLLECTOR, c->rx, sizeof(c->rx));
	/* one attempt: a failed one backs off like a lost connection */
	if (stream_link_connect(&c->link, key, c->server_ip, c->port, 0, on_rx, c)) {
		fail(c, "cannot start TLS (no memory or no entropy for its keys)");
		return;
	}
	keepalive(c);
	c->state = LSC_CONNECTING;
}

/* The collector refused our TLS handshake. */
static void refused(struct ls_client *c)
{
	if (stream_link_peer_began_with(&c->link, LS_MAGIC_TEXT, 4))
		fmt_snprintf(c->why, sizeof(c->why),
			     "the collector takes the log stream in the clear (hvcollect, or a backup "
			     "without ft_key=) and this recorder has ft_key=: give both the same key, "
			     "or neither");
	else
		fmt_snprintf(c->why, sizeof(c->why), "the collector refused the TLS handshake: %s",
			     stream_link_failure(&c->link));
	fail(c, c->why);
}

/* The link went down by itself: closed or reset by the collector, or its
 * TLS handshake refused. */
static void link_down(struct ls_client *c)
{
	const char *why = stream_link_failure(&c->link);

	if (stream_link_refused(&c->link)) {
		refused(c);
		return;
	}
	fmt_snprintf(c->why, sizeof(c->why), "%s: %s%s",
		     c->state == LSC_CONNECTING ? "cannot connect to the collector"
						: "the connection to the collector ended",
		     why && *why ? why : "closed",
		     c->state == LSC_HELLO && !c->secure
			     ? " before WELCOME (a backup with ft_key= closes on a recorder without it)"
			     : "");
	drop(c, c->why);
}

/* --- sending ---------------------------------------------------------------------- */

/* Names the lease epoch at the end of the staged HELLO or HEARTBEAT. */
static void stage_lease(struct ls_client *c)
{
	size_t n;

	if (!c->lease_epoch)
		return;
	n = ls_message_add_lease(c->stage, sizeof(c->stage), c->lease_epoch);
	if (n) {
		c->stage_len = (u32)n;
		c->lease_told = c->lease_epoch;
	}
}

/* Stages the next message when the last one is in the link's hands: a
 * HEARTBEAT naming a new lease epoch first, DATA while the ring holds
 * unsent bytes, END once the log is complete, HEARTBEATs when due. */
static void stage_next(struct ls_client *c)
{
	struct byte_ring *r = c->ring;
	u32 len;

	if (c->stage_pos < c->stage_len || c->state != LSC_STREAMING)
		return;
	c->stage_len = c->stage_pos = 0;
	if (c->beating && c->lease_epoch && c->lease_epoch != c->lease_told) {
		c->stage_len = (u32)ls_encode_heartbeat(&c->enc, c->stage, sizeof(c->stage), NULL);
		stage_lease(c);
		ls_beat_sent(&c->beat, c->now_ns, true);
		return;
	}
	if (c->sent < r->head) {
		len = (u32)MIN(r->head - c->sent, (u64)LS_CLIENT_DATA_MAX);
		ring_copy_at(r, c->sent, c->stage + LS_HEADER_SIZE, len);
		c->stage_len = (u32)ls_encode_data(&c->enc, c->stage, sizeof(c->stage), c->sent,
						   c->stage + LS_HEADER_SIZE, len);
		if (c->sent < c->high_sent)
			c->stats.bytes_resent += MIN((u64)len, c->high_sent - c->sent);
		c->sent += len;
		c->high_sent = MAX(c->high_sent, c->sent);
		c->stats.data_msgs++;
		c->stats.bytes_sent += len;
	} else if (c->finishing && !c->end_sent) {
		c->stage_len = (u32)ls_encode_end(&c->enc, c->stage, sizeof(c->stage), r->head);
		c->end_sent = true;
	} else if (c->beating && ls_beat_due(&c->beat, c->now_ns)) {
		c->stage_len = (u32)ls_encode_heartbeat(&c->enc, c->stage, sizeof(c->stage), NULL);
		stage_lease(c);
		ls_beat_sent(&c->beat, c->now_ns, true);
		return;
	}
	if (c->stage_len)
		ls_beat_sent(&c->beat, c->now_ns, false);
}

/* Hands staged messages to the link as far as it has room. */
static void push(struct ls_client *c)
{
	for (;;) {
		int n;

		stage_next(c);
		if (c->stage_pos >= c->stage_len)
			return;
		n = stream_link_send(&c->link, c->stage + c->stage_pos, c->stage_len - c->stage_pos);
		if (n <= 0)
			return; /* no room yet, or down: the next poll sees it */
		c->stage_pos += (u32)n;
	}
}

/* The link is up (TCP, and TLS under TLS): HELLO. */
static void on_connected(struct ls_client *c)
{
	struct byte_ring *r = c->ring;

	c->stats.connects++;
	c->hello_produced = r->head;
	c->stage_len = (u32)ls_encode_hello(&c->enc, c->stage, sizeof(c->stage), c->session,
					    r->tail, r->head, (u32)r->size, c->log_header,
					    c->log_header_len);
	if (c->beats_asked)
		ls_message_set_flags(c->stage, LS_FLAG_HEARTBEAT);
	c->lease_told = 0;
	stage_lease(c);
	c->stage_pos = 0;
	c->state = LSC_HELLO;
	c->heard_ns = c->now_ns;
}

/* --- receiving --------------------------------------------------------------------- */

static void on_welcome(struct ls_client *c, const struct ls_msg *m)
{
	struct byte_ring *r = c->ring;

	if (c->state != LSC_HELLO || m->welcome.session != c->session) {
		lose(c, "unexpected WELCOME", true, false);
		return;
	}
	if (m->offset < r->tail) {
		lose(c, "the collector resumes before the bytes the ring still holds: "
			"its file lost ACKed bytes, the log cannot be completed", false, true);
		return;
	}
	if (m->offset > r->head) {
		lose(c, "the collector has more bytes than this run produced "
			"(another run with the same session id?)", false, true);
		return;
	}
	pr_info("logstream: collector resumes at byte %llu (ring holds %llu to %llu)", m->offset,
		r->tail, r->head);
	ring_release(c, m->offset);
	c->sent = m->offset;
	c->end_sent = false;
	c->state = LSC_STREAMING;
	c->beating = c->beats_asked && (m->flags & LS_FLAG_HEARTBEAT);
	c->beaten |= c->beating;
	ls_beat_restart(&c->beat, c->now_ns);
	c->backoff_ns = BACKOFF_MIN_NS;
}

static void on_ack(struct ls_client *c, const struct ls_msg *m)
{
	if (c->state != LSC_STREAMING || m->offset < c->ring->tail || m->offset > c->sent) {
		lose(c, "ACK of bytes not sent", true, false);
		return;
	}
	ring_release(c, m->offset);
	c->stats.acks++;
	if (c->end_sent && m->offset == c->ring->head) {
		c->state = LSC_DONE; /* the next poll closes the link */
		pr_info("logstream: the collector has the whole log (%llu bytes)", m->offset);
	}
}

/* A backup's page hashes, in order from page 0; others are dropped. */
static void on_holds(struct ls_client *c, const struct ls_msg *m)
{
	if (!c->holds || m->offset != c->holds_next || m->offset + m->holds.count > c->holds_cap)
		return;
	for (u32 i = 0; i < m->holds.count; i++)
		c->holds[m->offset + i] = le_get(m->holds.hashes + i * 8u, 8);
	c->holds_next += m->holds.count;
}

/* The collector is there, and its replay has reached what it says. */
static void on_heartbeat(struct ls_client *c, const struct ls_msg *m)
{
	if (!c->beating) {
		lose(c, "a HEARTBEAT this side did not agree to", true, false);
		return;
	}
	if (m->heartbeat.replayed_bytes > c->sent) {
		lose(c, "a HEARTBEAT that says more was replayed than was sent", true, false);
		return;
	}
	c->replayed.bytes = m->heartbeat.replayed_bytes;
	c->replayed.landmark = m->heartbeat.replayed_landmark;
	c->replayed_known = true;
}

static void on_message(struct ls_client *c, const struct ls_msg *m)
{
	ls_beat_heard(&c->beat, c->now_ns, m->type == LS_HEARTBEAT);
	switch (m->type) {
	case LS_HEARTBEAT:
		on_heartbeat(c, m);
		break;
	case LS_WELCOME:
		on_welcome(c, m);
		break;
	case LS_ACK:
		on_ack(c, m);
		break;
	case LS_RESYNC:
		pr_warn("logstream: the backup asks for a checkpoint (its state from landmark %llu "
			"on): %.*s", m->offset, (int)m->reason.len, m->reason.text);
		c->resync_wanted = true;
		c->resync_landmark = m->offset;
		c->holds_next = 0; /* its HOLDS follow */
		break;
	case LS_HOLDS:
		on_holds(c, m);
		break;
	case LS_BYE:
		if (c->state != LSC_DONE)
			lose(c, "the collector said bye", false, false);
		break;
	default: /* LS_ERROR: the collector closes */
		pr_warn("logstream: the collector refused: %.*s", (int)m->reason.len,
			m->reason.text);
		lose(c, "refused by the collector", false, false);
		break;
	}
}

/* Bytes from the collector: whole messages out of the decoder while this
 * connection lasts. Nonzero ends it (c->lost says why). */
static int on_rx(void *ctx, const u8 *data, size_t len)
{
	struct ls_client *c = ctx;

	c->heard_ns = c->alive_ns = c->now_ns;
	c->heard_since_poll = true;
	while (len && !c->lost && c->state != LSC_DONE) {
		size_t used = 0;
		struct ls_msg m;
		enum ls_status st = ls_decode(&c->dec, data, len, &used, &m);

		data += used;
		len -= used;
		if (st == LS_REFUSED) {
			fmt_snprintf(c->why, sizeof(c->why),
				     "a malformed message from the collector (%s): %s",
				     ls_error_name(c->dec.error), c->dec.why);
			lose(c, c->why, true, false);
		}
		else if (st == LS_MESSAGE)
			on_message(c, &m);
	}
	return c->lost ? -1 : 0;
}

/* --- the API -------------------------------------------------------------------------- */

int ls_client_start(struct ls_client *c, struct byte_ring *ring, u32 ip, u16 port,
		    const struct ft_psk *key, u64 session, const void *log_header,
		    u16 log_header_len, u64 now_ns)
{
	if (!session || log_header_len > LS_LOG_HEADER_MAX || !port ||
	    ring->size > 0xFFFFFFFFu)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->ring = ring;
	c->server_ip = ip;
	c->port = port;
	c->secure = key != NULL;
	if (key)
		c->key = *key;
	c->session = session;
	memcpy(c->log_header, log_header, log_header_len);
	c->log_header_len = log_header_len;
	c->now_ns = now_ns;
	c->backoff_ns = BACKOFF_MIN_NS;
	c->alive_ns = now_ns;
	connect_now(c);
	return 0;
}

void ls_client_heartbeat(struct ls_client *c, u64 interval_ns)
{
	ls_beat_init(&c->beat, interval_ns, c->give_up_ns, c->now_ns);
	c->beats_asked = interval_ns != 0;
}

void ls_client_set_lease(struct ls_client *c, u64 epoch)
{
	c->lease_epoch = epoch;
}

void ls_client_beat_status(const struct ls_client *c, struct ls_beat_status *st)
{
	ls_beat_status(&c->beat, c->beating, c->now_ns, st);
}

void ls_client_give_up_after(struct ls_client *c, u64 ns)
{
	c->give_up_ns = ns;
	c->beat.timeout_ns = ns;
	if (c->state == LSC_CONNECTING || c->state == LSC_HELLO || c->state == LSC_STREAMING)
		keepalive(c);
}

/* With a give-up time: is the collector gone for good? It is there while
 * it has acknowledged everything the ring produced over a live stream;
 * otherwise it has until give_up_ns after it was last heard or known
 * there (across reconnects: a collector that keeps refusing or never
 * answers is as gone as a silent one). Once it has agreed to heartbeats
 * it is there only while heard: a silent one is gone however little it
 * owes. */
static bool collector_gone(struct ls_client *c)
{
	if (c->beating)
		ls_beat_check(&c->beat, c->now_ns); /* counts the missed ones */
	if (!c->give_up_ns)
		return false;
	if (c->beaten) /* silent for the whole give-up time: gone, exactly then */
		return c->now_ns - c->alive_ns >= c->give_up_ns;
	if (c->state == LSC_STREAMING && c->ring->tail == c->ring->head) {
		c->alive_ns = c->now_ns;
		return false;
	}
	return c->now_ns - c->alive_ns > c->give_up_ns;
}

/* The collector is gone: fail, saying how long it has been away. */
static void give_up(struct ls_client *c)
{
	fmt_snprintf(c->why, sizeof(c->why),
		     "the collector has not answered for %llu ms: given up after %llu ms",
		     (c->now_ns - c->alive_ns) / NS_PER_MS, c->give_up_ns / NS_PER_MS);
	fail(c, c->why);
}

/* Waiting for a reply that does not come: the TLS handshake or HELLO
 * unanswered, or sent bytes never ACKed. */
static bool collector_silent(const struct ls_client *c)
{
	bool owed = c->state == LSC_CONNECTING || c->state == LSC_HELLO ||
		    (c->state == LSC_STREAMING && c->sent > c->ring->tail);

	return owed && c->now_ns - c->heard_ns > SILENCE_NS;
}

/* The connection's turn (its link polled already): what the callbacks
 * decided, the link's state, then HELLO or the next messages. */
static void poll_connection(struct ls_client *c)
{
	if (c->lost) {
		if (c->lost_for_good)
			fail(c, c->lost);
		else
			drop(c, c->lost);
		return;
	}
	switch (stream_link_state(&c->link)) {
	case STREAM_LINK_DOWN:
		link_down(c);
		return;
	case STREAM_LINK_UP:
		if (c->state == LSC_CONNECTING)
			on_connected(c);
		break;
	case STREAM_LINK_WAITING:
		break;
	}
	if (collector_silent(c))
		drop(c, c->state == LSC_CONNECTING ? "the collector does not answer"
						   : "the collector is silent");
	else
		push(c);
}

/* Bytes that came in the network poll before this one were heard now,
 * not at the last poll's time: a hypervisor that was busy for a while
 * must not take a collector that answered meanwhile for a silent one. */
static void note_heard(struct ls_client *c)
{
	if (!c->heard_since_poll)
		return;
	c->heard_since_poll = false;
	c->heard_ns = c->alive_ns = c->now_ns;
	ls_beat_heard(&c->beat, c->now_ns, false);
}

static bool connection_open(const struct ls_client *c)
{
	return c->state == LSC_CONNECTING || c->state == LSC_HELLO || c->state == LSC_STREAMING;
}

void ls_client_poll(struct ls_client *c, u64 now_ns)
{
	c->now_ns = now_ns;
	if (connection_open(c)) /* what came is heard before silence is judged */
		stream_link_poll(&c->link, now_ns);
	note_heard(c);
	if (c->state != LSC_DONE && c->state != LSC_FAILED && c->state != LSC_IDLE &&
	    collector_gone(c)) {
		give_up(c);
		return;
	}
	switch (c->state) {
	case LSC_BACKOFF:
		if (now_ns >= c->retry_at_ns)
			connect_now(c);
		break;
	case LSC_CONNECTING:
	case LSC_HELLO:
	case LSC_STREAMING:
		poll_connection(c);
		break;
	case LSC_DONE:
		stream_link_close(&c->link); /* close_notify under TLS */
		break;
	default:
		break;
	}
}

void ls_client_finish(struct ls_client *c)
{
	c->finishing = true;
	if (c->state == LSC_STREAMING)
		push(c);
}

bool ls_client_take_resync(struct ls_client *c, u64 *landmark)
{
	bool wanted = c->resync_wanted;

	c->resync_wanted = false;
	*landmark = c->resync_landmark;
	return wanted;
}

void ls_client_set_holds(struct ls_client *c, u64 *hashes, u64 pages)
{
	c->holds = hashes;
	c->holds_cap = pages;
	c->holds_next = 0;
}

u64 ls_client_holds(const struct ls_client *c)
{
	return c->holds_next;
}
