/*
 * The log stream's hypervisor side over lwIP's raw TCP API (see
 * logstream_client.h and docs/log-stream.md). One message at a time is
 * staged (HELLO, a DATA copied out of the ring, END) and handed to TCP as
 * its send buffer allows; what the collector says arrives in on_recv and
 * moves the ring's tail. Every failure of the connection ends in
 * drop(): close, back off, connect again, HELLO, resume at WELCOME's offset.
 */
#include "net/logstream/logstream_client.h"

#include <string.h>

#include "lwip/tcp.h"

#include "compiler.h"
#include "errno.h"
#include "log.h"

#define NS_PER_MS 1000000ULL
#define BACKOFF_MIN_NS (100 * NS_PER_MS)
#define BACKOFF_MAX_NS (5000 * NS_PER_MS)
#define SILENCE_NS (30000 * NS_PER_MS)  /* a collector that owes us a reply */
#define KEEPALIVE_IDLE_MS 10000
#define KEEPALIVE_INTVL_MS 2000
#define KEEPALIVE_COUNT 5

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err);
static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);
static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len);
static void on_err(void *arg, err_t err);

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

/* Detaches and closes the pcb. When it has to be aborted, c->aborted
 * says so: an lwIP callback must then return ERR_ABRT. */
static void close_pcb(struct ls_client *c)
{
	struct tcp_pcb *pcb = c->pcb;

	c->pcb = NULL;
	if (!pcb)
		return;
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	if (tcp_close(pcb) != ERR_OK) {
		tcp_abort(pcb);
		c->aborted = true;
	}
}

/* What an lwIP callback returns after running our code. */
static err_t callback_result(struct ls_client *c)
{
	bool aborted = c->aborted;

	c->aborted = false;
	return aborted ? ERR_ABRT : ERR_OK;
}

static void schedule_retry(struct ls_client *c)
{
	c->state = LSC_BACKOFF;
	c->retry_at_ns = c->now_ns + c->backoff_ns;
	c->backoff_ns = MIN(c->backoff_ns * 2, BACKOFF_MAX_NS);
}

/* Ends the connection (telling the collector why when tell), and connects
 * again later. */
static void drop(struct ls_client *c, const char *why, bool tell)
{
	u8 msg[LS_HEADER_SIZE + LS_REASON_MAX];
	size_t n;

	if (c->pcb && tell) {
		n = ls_encode_reason(&c->enc, msg, sizeof(msg), LS_ERROR, why);
		if (n && tcp_write(c->pcb, msg, (u16_t)n, TCP_WRITE_FLAG_COPY) == ERR_OK)
			tcp_output(c->pcb);
	}
	close_pcb(c);
	c->stats.drops++;
	pr_warn("logstream: %s; connecting again in %llu ms", why,
		(c->backoff_ns / NS_PER_MS));
	schedule_retry(c);
}

/* The collector cannot have the whole log: stop trying. */
static void fail(struct ls_client *c, const char *why)
{
	close_pcb(c);
	c->state = LSC_FAILED;
	c->failure = why;
	pr_err("logstream: %s", why);
}

static void connect_now(struct ls_client *c)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);

	if (!pcb) {
		schedule_retry(c); /* lwIP is out of PCBs for now */
		return;
	}
	c->pcb = pcb;
	c->state = LSC_CONNECTING;
	c->stage_len = c->stage_pos = 0;
	c->heard_ns = c->now_ns;
	tcp_arg(pcb, c);
	tcp_err(pcb, on_err);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_nagle_disable(pcb);
	ip_set_option(pcb, SOF_KEEPALIVE);
	pcb->keep_idle = KEEPALIVE_IDLE_MS;
	pcb->keep_intvl = KEEPALIVE_INTVL_MS;
	pcb->keep_cnt = KEEPALIVE_COUNT;
	if (tcp_connect(pcb, &c->server, c->port, on_connected) != ERR_OK)
		drop(c, "cannot start a TCP connection", false);
}

/* --- sending ---------------------------------------------------------------------- */

/* Stages the next message when the last one is in TCP's hands: DATA while
 * the ring holds unsent bytes, END once the log is complete. */
static void stage_next(struct ls_client *c)
{
	struct byte_ring *r = c->ring;
	u32 len;

	if (c->stage_pos < c->stage_len || c->state != LSC_STREAMING)
		return;
	c->stage_len = c->stage_pos = 0;
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
	}
}

/* Hands staged bytes to TCP as far as its send buffer and queue allow;
 * on_sent calls again when TCP has room. */
static void push(struct ls_client *c)
{
	bool wrote = false;

	while (c->pcb) {
		u32 n;
		err_t err;

		stage_next(c);
		n = MIN(c->stage_len - c->stage_pos, (u32)tcp_sndbuf(c->pcb));
		if (!n)
			break;
		err = tcp_write(c->pcb, c->stage + c->stage_pos, (u16_t)n, TCP_WRITE_FLAG_COPY);
		if (err == ERR_MEM)
			break; /* the segment queue is full: wait for on_sent */
		if (err != ERR_OK) {
			drop(c, "tcp_write failed", false);
			return;
		}
		c->stage_pos += n;
		wrote = true;
	}
	if (wrote && c->pcb)
		tcp_output(c->pcb);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct ls_client *c = arg;
	struct byte_ring *r = c->ring;

	c->stats.connects++;
	ls_encoder_init(&c->enc);
	ls_decoder_init(&c->dec, LS_PEER_COLLECTOR, c->rx, sizeof(c->rx));
	c->hello_produced = r->head;
	c->stage_len = (u32)ls_encode_hello(&c->enc, c->stage, sizeof(c->stage), c->session,
					    r->tail, r->head, (u32)r->size, c->log_header,
					    c->log_header_len);
	c->stage_pos = 0;
	c->state = LSC_HELLO;
	c->heard_ns = c->now_ns;
	push(c);
	return callback_result(c);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct ls_client *c = arg;

	push(c);
	return callback_result(c);
}

/* lwIP has freed the pcb (reset, or given up retransmitting). */
static void on_err(void *arg, err_t err)
{
	struct ls_client *c = arg;

	c->pcb = NULL;
	if (c->state == LSC_DONE || c->state == LSC_FAILED)
		return;
	c->stats.drops++;
	pr_warn("logstream: connection lost (lwIP error %d); connecting again in %llu ms",
		(int)err, (c->backoff_ns / NS_PER_MS));
	schedule_retry(c);
}

/* --- receiving --------------------------------------------------------------------- */

static void on_welcome(struct ls_client *c, const struct ls_msg *m)
{
	struct byte_ring *r = c->ring;

	if (c->state != LSC_HELLO || m->welcome.session != c->session) {
		drop(c, "unexpected WELCOME", true);
		return;
	}
	if (m->offset < r->tail) {
		fail(c, "the collector resumes before the bytes the ring still holds: "
			"its file lost ACKed bytes, the log cannot be completed");
		return;
	}
	if (m->offset > r->head) {
		fail(c, "the collector has more bytes than this run produced "
			"(another run with the same session id?)");
		return;
	}
	pr_info("logstream: collector resumes at byte %llu (ring holds %llu to %llu)",
		m->offset, r->tail,
		r->head);
	ring_release(c, m->offset);
	c->sent = m->offset;
	c->end_sent = false;
	c->state = LSC_STREAMING;
	c->backoff_ns = BACKOFF_MIN_NS;
	push(c);
}

static void on_ack(struct ls_client *c, const struct ls_msg *m)
{
	if (c->state != LSC_STREAMING || m->offset < c->ring->tail || m->offset > c->sent) {
		drop(c, "ACK of bytes not sent", true);
		return;
	}
	ring_release(c, m->offset);
	c->stats.acks++;
	if (c->end_sent && m->offset == c->ring->head) {
		c->state = LSC_DONE;
		pr_info("logstream: the collector has the whole log (%llu bytes)",
			m->offset);
		close_pcb(c);
	}
}

static void on_message(struct ls_client *c, const struct ls_msg *m)
{
	switch (m->type) {
	case LS_WELCOME:
		on_welcome(c, m);
		break;
	case LS_ACK:
		on_ack(c, m);
		break;
	case LS_BYE:
		if (c->state == LSC_DONE)
			close_pcb(c);
		else
			drop(c, "the collector said bye", false);
		break;
	default: /* LS_ERROR: the collector closes */
		pr_warn("logstream: the collector refused: %.*s", (int)m->reason.len,
			m->reason.text);
		drop(c, "refused by the collector", false);
		break;
	}
}

/* Feeds a received buffer to the decoder while the connection lasts. */
static void take_bytes(struct ls_client *c, const u8 *data, size_t len)
{
	size_t pos = 0, used;
	struct ls_msg m;

	while (pos < len && c->pcb) {
		enum ls_status st = ls_decode(&c->dec, data + pos, len - pos, &used, &m);

		pos += used;
		if (st == LS_REFUSED)
			drop(c, c->dec.why, true);
		else if (st == LS_MESSAGE)
			on_message(c, &m);
	}
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct ls_client *c = arg;

	if (!p) {
		if (c->state != LSC_DONE && c->state != LSC_FAILED)
			drop(c, "the collector closed the connection", false);
		else
			close_pcb(c);
		return callback_result(c);
	}
	tcp_recved(pcb, p->tot_len);
	c->heard_ns = c->now_ns;
	for (struct pbuf *q = p; q && c->pcb; q = q->next)
		take_bytes(c, q->payload, q->len);
	pbuf_free(p);
	return callback_result(c);
}

/* --- the API -------------------------------------------------------------------------- */

int ls_client_start(struct ls_client *c, struct byte_ring *ring, const ip_addr_t *server,
		    u16 port, u64 session, const void *log_header, u16 log_header_len,
		    u64 now_ns)
{
	if (!session || log_header_len > LS_LOG_HEADER_MAX || !port ||
	    ring->size > 0xFFFFFFFFu)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->ring = ring;
	ip_addr_copy(c->server, *server);
	c->port = port;
	c->session = session;
	memcpy(c->log_header, log_header, log_header_len);
	c->log_header_len = log_header_len;
	c->now_ns = now_ns;
	c->backoff_ns = BACKOFF_MIN_NS;
	connect_now(c);
	return 0;
}

/* Waiting for a reply that does not come: HELLO unanswered, or sent bytes
 * never ACKed. */
static bool collector_silent(const struct ls_client *c)
{
	bool owed = c->state == LSC_HELLO ||
		    (c->state == LSC_STREAMING && c->sent > c->ring->tail);

	return owed && c->now_ns - c->heard_ns > SILENCE_NS;
}

void ls_client_poll(struct ls_client *c, u64 now_ns)
{
	c->now_ns = now_ns;
	c->aborted = false; /* outside a callback an abort needs no reply */
	switch (c->state) {
	case LSC_BACKOFF:
		if (now_ns >= c->retry_at_ns)
			connect_now(c);
		break;
	case LSC_HELLO:
	case LSC_STREAMING:
		if (collector_silent(c))
			drop(c, "the collector is silent", false);
		else
			push(c);
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
