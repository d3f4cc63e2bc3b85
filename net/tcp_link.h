/*
 * One TCP connection between two hypervisors, over lwIP's raw API (NO_SYS:
 * everything runs from the caller's loop through net_poll()): a live
 * migration's stream (docs/migration.md), the TLS link under the FT link
 * (net/tls/tls_link.h). One side connects, retrying until the other
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
	u32 keepalive_ms;     /* a silent peer is gone after about this long (0: never) */
	bool close_wanted;    /* a callback asked to close: done from the loop */
	const char *failure;
};

/* Connects to ip (network order) : port, retrying for timeout_ns. */
int tcp_link_connect(struct tcp_link *l, u32 ip, u16 port, u64 timeout_ns, tcp_link_rx_fn rx,
		     void (*sent)(void *ctx), void *ctx);

/* Listens on port for one connection. 0, or -EBUSY/-ENOMEM. */
int tcp_link_listen(struct tcp_link *l, u16 port, tcp_link_rx_fn rx, void (*sent)(void *ctx),
		    void *ctx);

/* A connection (made from now on) whose peer stays silent for about ms,
 * not even answering TCP keepalive probes, fails: the peer's host is
 * gone. For ms of at least 1000 (lwIP's keepalive timer ticks every
 * 500 ms). */
void tcp_link_set_keepalive(struct tcp_link *l, u32 ms);

/* Moves things on after net_poll(): connect retries, closes asked for in
 * callbacks. */
void tcp_link_poll(struct tcp_link *l, u64 now_ns);

/* Bytes lwIP takes now (0 while not up). */
size_t tcp_link_room(const struct tcp_link *l);

/* Queues len bytes (at most tcp_link_room) and pushes them out. 0, or a
 * negative errno (the link is down then). */
int tcp_link_send(struct tcp_link *l, const u8 *data, size_t len);

/* Hands buf[*pos..len) to TCP as it has room, moving *pos on: true once
 * all of it is taken. */
bool tcp_link_push(struct tcp_link *l, const u8 *buf, size_t len, size_t *pos);

/* Every queued byte acknowledged by the peer? */
static inline bool tcp_link_drained(const struct tcp_link *l)
{
	return l->bytes_acked == l->bytes_queued;
}

/* Ends the connection (and the listener) with why as the failure when
 * it is not NULL. */
void tcp_link_close(struct tcp_link *l, const char *why);

#endif
