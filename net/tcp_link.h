/*
 * One TCP connection between two hypervisors, over lwIP's raw API (NO_SYS:
 * everything runs from the caller's loop through net_poll()): the
 * stream link's clear half and the TLS link under its other
 * (net/stream_link.h, net/tls/tls_link.h), which carry the log stream,
 * the witness protocol and a live migration's stream. One side connects, retrying until the other
 * listens; the other listens and takes one connection. Bytes received go
 * to a callback as they come; bytes to send are queued as lwIP's send
 * buffer allows. A connection that fails or closes is not made again:
 * what it carried has failed.
 */
#ifndef UNDERSTUDY_NET_TCP_LINK_H
#define UNDERSTUDY_NET_TCP_LINK_H

#include "types.h"

enum tcp_link_state {
	TCP_LINK_IDLE,
	TCP_LINK_LISTENING,   /* waiting for the peer to connect */
	TCP_LINK_CONNECTING,  /* connecting: SYNs under way (retried) */
	TCP_LINK_UP,
	TCP_LINK_DOWN,        /* closed or failed: failure says why */
};

/* Received bytes; a nonzero return closes the link (the caller has said why). */
typedef int (*tcp_link_rx_fn)(void *ctx, const u8 *data, size_t len);

struct tcp_pcb;

struct tcp_link {
	enum tcp_link_state state;
	struct tcp_pcb *pcb, *listener;
	u32 peer_ip;          /* network order; the connecting side's only */
	u16 port;
	tcp_link_rx_fn rx;
	void (*sent)(void *ctx); /* send-buffer room came back */
	void *ctx;
	u64 connect_deadline_ns;
	u64 retry_at_ns;
	u64 heard_ns;         /* when the peer last sent or acknowledged */
	u64 bytes_queued, bytes_acked, bytes_received;
	bool close_wanted;    /* a callback asked to close: done from the loop */
	u32 keep_idle_ms;     /* TCP keepalive (0: off): idle time before probes, */
	u32 keep_intvl_ms;    /* between probes, */
	u32 keep_count;       /* unanswered probes that end the connection */
	const char *failure;
};

/* Connects to ip (network order) : port, retrying for timeout_ns (0: one
 * attempt, whose failure ends the link). */
int tcp_link_connect(struct tcp_link *l, u32 ip, u16 port, u64 timeout_ns, tcp_link_rx_fn rx,
		     void (*sent)(void *ctx), void *ctx);

/* Listens on port for one connection. 0, or -EBUSY/-ENOMEM. */
int tcp_link_listen(struct tcp_link *l, u16 port, tcp_link_rx_fn rx, void (*sent)(void *ctx),
		    void *ctx);

/* Moves things on after net_poll(): connect retries, closes asked for in
 * callbacks. */
void tcp_link_poll(struct tcp_link *l, u64 now_ns);

/* Bytes lwIP takes now (0 while not up). */
size_t tcp_link_room(const struct tcp_link *l);

/* Queues len bytes (at most tcp_link_room) and pushes them out. 0, or a
 * negative errno (the link is down then). */
int tcp_link_send(struct tcp_link *l, const u8 *data, size_t len);

/* Takes up to len bytes, as many as lwIP has room for now: the count
 * taken (0: no room), or -EIO when the link is not up. */
int tcp_link_take(struct tcp_link *l, const u8 *data, size_t len);

/* Hands buf[*pos..len) to TCP as it has room, moving *pos on: true once
 * all of it is taken. */
bool tcp_link_push(struct tcp_link *l, const u8 *buf, size_t len, size_t *pos);

/* Probes a connection that has been idle for idle_ms with TCP keepalives
 * every intvl_ms; count unanswered ones end it. Call after connect or
 * listen; applies to the connection being made too. */
void tcp_link_keepalive(struct tcp_link *l, u32 idle_ms, u32 intvl_ms, u32 count);

/* "a.b.c.d:port" of the connected peer, for messages (or a phrase saying
 * there is none). */
void tcp_link_peer_name(const struct tcp_link *l, char *buf, size_t size);

/* Every queued byte acknowledged by the peer? */
static inline bool tcp_link_drained(const struct tcp_link *l)
{
	return l->bytes_acked == l->bytes_queued;
}

/* Ends the connection (and the listener) with why as the failure when
 * it is not NULL. */
void tcp_link_close(struct tcp_link *l, const char *why);

#endif
