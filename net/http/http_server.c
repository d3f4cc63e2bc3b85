/*
 * The control endpoint on lwIP's raw TCP API (NO_SYS, single-threaded).
 *
 * A connection takes a slot from a fixed pool at accept (none free: it is
 * aborted and counted), feeds what it receives to the incremental parser,
 * and once the head is complete or wrong, builds the whole reply into the
 * slot's buffer and queues it with tcp_write as the send buffer allows,
 * continuing from the sent and poll callbacks. Everything is copied into
 * lwIP's segments (TCP_WRITE_FLAG_COPY), so the slot is free again as soon
 * as the last byte is queued and the connection closed; lwIP finishes the
 * transmission and the FIN on its own.
 *
 * No callback ever waits: the work per call is bounded by the bytes that
 * arrived or the reply being queued. tcp_poll ticks about once a second and
 * enforces the deadlines: HTTP_HEAD_TIMEOUT_S to send the request head,
 * HTTP_TOTAL_TIMEOUT_S for everything, then the connection is aborted.
 */
#include "net/http/http_server.h"

#include <string.h>

#include "lwip/pbuf.h"
#include "lwip/tcp.h"

#include "compiler.h"
#include "errno.h"
#include "arch/x86/time.h"
#include "log.h"
#include "net/http/http_control.h"
#include "net/http/http_request.h"
#include "net/tls/tls_link.h"
#include "net/http/http_response.h"
#include "version.h"

/* tcp_poll's interval is in TCP coarse-timer ticks of 500 ms. */
#define HTTP_POLL_TICKS 2
#define HTTP_POLLS_PER_S (1000 / (HTTP_POLL_TICKS * 500))
#define HTTP_HEAD_POLLS (HTTP_HEAD_TIMEOUT_S * HTTP_POLLS_PER_S)
#define HTTP_TOTAL_POLLS (HTTP_TOTAL_TIMEOUT_S * HTTP_POLLS_PER_S)

/* Handshakes lwIP may have in progress for the listener (enforced when
 * lwipopts.h sets TCP_LISTEN_BACKLOG): as many as there are slots, so a
 * burst of connections is not dropped, while a SYN flood cannot take more
 * PCBs than that. */
#define HTTP_LISTEN_BACKLOG HTTP_SERVER_CONNS

/* tcp_write takes a u16 length. */
#define HTTP_WRITE_MAX 0xffff

STATIC_ASSERT(HTTP_RESPONSE_MAX > HTTP_HEAD_RESERVE, "reply buffer below the head reserve");

enum conn_state {
	CONN_FREE,
	CONN_READING,  /* waiting for the request head */
	CONN_SENDING,  /* reply built, being queued */
	CONN_CLOSING,  /* all queued; tcp_close failed for memory, retried on poll */
};

struct http_conn {
	struct tcp_pcb *pcb;
	enum conn_state state;
	u16 polls;                    /* tcp_poll calls since accept */
	size_t out_pos, out_end;      /* the part of buf still to queue */
	struct http_request req;
	char buf[HTTP_RESPONSE_MAX];
};

static struct http_server {
	struct tcp_pcb *listen;
	http_fill_fn fill;
	struct http_control control;  /* requests that change state */
	bool control_on;
	struct hv_status_http counters;
	struct hv_status status;      /* snapshot for the reply being built */
	struct http_conn conns[HTTP_SERVER_CONNS];
} server;

/* --- the slot pool ------------------------------------------------------- */

static struct http_conn *conn_alloc(struct tcp_pcb *pcb)
{
	for (size_t i = 0; i < ARRAY_SIZE(server.conns); i++) {
		struct http_conn *c = &server.conns[i];

		if (c->state != CONN_FREE)
			continue;
		c->pcb = pcb;
		c->state = CONN_READING;
		c->polls = 0;
		c->out_pos = c->out_end = 0;
		http_request_init(&c->req);
		return c;
	}
	return NULL;
}

static void conn_free(struct http_conn *c)
{
	c->pcb = NULL;
	c->state = CONN_FREE;
}

/* --- callbacks (defined below) ------------------------------------------- */

static err_t http_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);
static err_t http_sent(void *arg, struct tcp_pcb *pcb, u16_t len);
static err_t http_poll(void *arg, struct tcp_pcb *pcb);
static void http_err(void *arg, err_t err);

static void conn_attach(struct http_conn *c)
{
	tcp_arg(c->pcb, c);
	tcp_recv(c->pcb, http_recv);
	tcp_sent(c->pcb, http_sent);
	tcp_err(c->pcb, http_err);
	tcp_poll(c->pcb, http_poll, HTTP_POLL_TICKS);
}

/* After this, lwIP calls nothing of ours for the pcb: data still arriving
 * goes to lwIP's default handler (or resets the closed connection). */
static void conn_detach(struct http_conn *c)
{
	tcp_arg(c->pcb, NULL);
	tcp_recv(c->pcb, NULL);
	tcp_sent(c->pcb, NULL);
	tcp_err(c->pcb, NULL);
	tcp_poll(c->pcb, NULL, 0);
}

/* Resets the connection and frees the slot; callbacks return ERR_ABRT
 * after it, as lwIP requires. */
static err_t conn_abort(struct http_conn *c)
{
	struct tcp_pcb *pcb = c->pcb;

	conn_detach(c);
	conn_free(c);
	server.counters.dropped++;
	tcp_abort(pcb);
	return ERR_ABRT;
}

/* Closes gracefully once the reply is queued: lwIP sends what is queued,
 * then the FIN. When lwIP has no memory for the FIN the slot stays in
 * CONN_CLOSING and the poll callback tries again. */
static err_t conn_close(struct http_conn *c)
{
	conn_detach(c);
	if (tcp_close(c->pcb) == ERR_OK) {
		conn_free(c);
		return ERR_OK;
	}
	c->state = CONN_CLOSING;
	conn_attach(c);
	return ERR_OK;
}

/* --- replying ------------------------------------------------------------ */

/* Queues as much of the reply as lwIP takes now; the rest goes from the
 * sent or poll callback. Closes once everything is queued. */
static err_t conn_send(struct http_conn *c)
{
	while (c->out_pos < c->out_end) {
		size_t left = c->out_end - c->out_pos;
		size_t room = tcp_sndbuf(c->pcb);
		u16 chunk = (u16)MIN(MIN(left, room), (size_t)HTTP_WRITE_MAX);
		u8 flags = TCP_WRITE_FLAG_COPY;
		err_t err;

		if (!chunk || tcp_sndqueuelen(c->pcb) >= TCP_SND_QUEUELEN)
			break;
		if (chunk < left)
			flags |= TCP_WRITE_FLAG_MORE;
		err = tcp_write(c->pcb, c->buf + c->out_pos, chunk, flags);
		if (err == ERR_MEM)
			break; /* no segment memory now: retried later */
		if (err != ERR_OK)
			return conn_abort(c);
		c->out_pos += chunk;
	}
	tcp_output(c->pcb); /* on failure lwIP's timers send it later */
	if (c->out_pos == c->out_end)
		return conn_close(c);
	return ERR_OK;
}

static void count_reply(u16 status)
{
	server.counters.served++;
	if (status == HTTP_STATUS_NOT_FOUND)
		server.counters.not_found++;
	else if (status == HTTP_STATUS_BAD_REQUEST || status == HTTP_STATUS_URI_TOO_LONG ||
		 status == HTTP_STATUS_HEADERS_TOO_LARGE ||
		 status == HTTP_STATUS_VERSION_NOT_SUPPORTED)
		server.counters.bad_requests++;
}

/* A fresh snapshot: defaults, the hypervisor's fill, the server's counters. */
static const struct hv_status *snapshot(void)
{
	struct hv_status *s = &server.status;

	memset(s, 0, sizeof(*s));
	s->version = UNDERSTUDY_VERSION " (git " UNDERSTUDY_GIT ")";
	s->backend = "none";
	s->guest_state = HV_GUEST_NONE;
	s->rr_mode = "off";
	if (server.fill)
		server.fill(s);
	s->http = server.counters;
	return s;
}

/* A request of http_control.h: answered there, a refusal logged (the
 * client's address and why; never the key or the MAC). */
static int control_reply(struct http_conn *c, struct http_reply *reply)
{
	struct http_control_note note;
	int len;

	len = http_control_reply(&server.control, &c->req, time_now_ns(), c->buf, sizeof(c->buf),
				 reply, &note);
	if (note.refused)
		pr_warn("control: refused %s from %s: %s", c->req.path,
			ipaddr_ntoa(&c->pcb->remote_ip), note.why);
	else if (reply->status == HTTP_STATUS_ACCEPTED || reply->status == HTTP_STATUS_CONFLICT)
		pr_info("control: %s from %s: %u, %s", c->req.path, ipaddr_ntoa(&c->pcb->remote_ip),
			reply->status, note.why);
	return len;
}

/* The head is complete or wrong: build the whole reply and start sending. */
static err_t conn_reply(struct http_conn *c)
{
	const struct hv_status *s = NULL;
	struct http_reply reply;
	bool control = c->req.result == HTTP_PARSE_COMPLETE && server.control_on &&
		       http_control_route(c->req.path);
	int len;

	if (control)
		len = control_reply(c, &reply);
	else {
		if (c->req.result == HTTP_PARSE_COMPLETE)
			s = snapshot();
		len = http_reply_build(c->buf, sizeof(c->buf), &c->req, s, &reply);
	}
	if (len < 0 &&
	    http_reply_error(c->buf, sizeof(c->buf), HTTP_STATUS_INTERNAL_ERROR, &reply) < 0)
		return conn_abort(c); /* cannot happen: an error reply is tiny */
	count_reply(reply.status);
	c->out_pos = reply.start;
	c->out_end = reply.start + reply.len;
	c->state = CONN_SENDING;
	return conn_send(c);
}

/* --- lwIP callbacks ------------------------------------------------------ */

static err_t http_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct http_conn *c = arg;
	enum http_parse_result res = HTTP_PARSE_INCOMPLETE;

	if (!p) {
		/* The client finished sending. Before a whole head that is a
		 * dropped request; while replying, a half-close: go on. */
		if (c && c->state == CONN_READING) {
			server.counters.dropped++;
			return conn_close(c);
		}
		return ERR_OK;
	}
	if (err != ERR_OK) {
		pbuf_free(p);
		return err;
	}
	/* Take everything at once, so closing never finds unread data. */
	tcp_recved(pcb, p->tot_len);
	if (c && c->state == CONN_READING) {
		for (struct pbuf *q = p; q && res == HTTP_PARSE_INCOMPLETE; q = q->next)
			res = http_request_feed(&c->req, q->payload, q->len, NULL);
	}
	pbuf_free(p);
	if (res != HTTP_PARSE_INCOMPLETE)
		return conn_reply(c);
	return ERR_OK;
}

static err_t http_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct http_conn *c = arg;

	if (c && c->state == CONN_SENDING)
		return conn_send(c);
	return ERR_OK;
}

/* About once a second: deadlines, and retries after lwIP ran out of
 * memory. */
static err_t http_poll(void *arg, struct tcp_pcb *pcb)
{
	struct http_conn *c = arg;

	if (!c) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	c->polls++;
	if (c->polls >= HTTP_TOTAL_POLLS ||
	    (c->state == CONN_READING && c->polls >= HTTP_HEAD_POLLS))
		return conn_abort(c);
	if (c->state == CONN_SENDING)
		return conn_send(c);
	if (c->state == CONN_CLOSING)
		return conn_close(c);
	return ERR_OK;
}

/* The pcb is already gone (reset by the peer, or killed by lwIP). */
static void http_err(void *arg, err_t err)
{
	struct http_conn *c = arg;

	if (!c)
		return;
	server.counters.dropped++;
	conn_free(c);
}

static err_t http_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct http_conn *c;

	if (err != ERR_OK || !pcb) {
		server.counters.dropped++; /* lwIP could not allocate the pcb */
		return ERR_VAL;
	}
	c = conn_alloc(pcb);
	if (!c) {
		server.counters.dropped++;
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	/* Lowest priority: when lwIP runs short of PCBs it kills these first. */
	tcp_setprio(pcb, TCP_PRIO_MIN);
	conn_attach(c);
	return ERR_OK;
}

/* --- interface ----------------------------------------------------------- */

int http_server_start(u16 port, http_fill_fn fill)
{
	struct tcp_pcb *pcb, *listen;

	if (server.listen)
		return -EBUSY;
	pcb = tcp_new();
	if (!pcb)
		return -ENOMEM;
	if (tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
		tcp_close(pcb);
		return -EBUSY;
	}
	listen = tcp_listen_with_backlog(pcb, HTTP_LISTEN_BACKLOG);
	if (!listen) {
		tcp_close(pcb); /* still the original pcb when listen failed */
		return -ENOMEM;
	}
	server.fill = fill;
	server.listen = listen;
	tcp_accept(listen, http_accept);
	return 0;
}

void http_server_enable_control(const u8 *key, size_t key_len, http_switchover_fn switchover)
{
	http_control_init(&server.control, key, key_len, tls_random, switchover);
	server.control_on = true;
}

void http_server_counters(struct hv_status_http *out)
{
	*out = server.counters;
}
