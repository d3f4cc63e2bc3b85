/*
 * One TCP connection between two hypervisors for a live migration
 * (docs/migration.md), over lwIP's raw API (NO_SYS: everything runs from
 * the caller's loop through net_poll()). The source connects, retrying
 * until the destination listens; the destination listens and takes one
 * connection. Bytes received go to a callback as they come; bytes to send
 * are queued as lwIP's send buffer allows. A connection that fails or
 * closes is not made again: the migration it carried has failed.
 */
#ifndef UNDERSTUDY_NET_MIGRATE_MIG_LINK_H
#define UNDERSTUDY_NET_MIGRATE_MIG_LINK_H

#include "types.h"

enum mig_link_state {
	MIG_LINK_IDLE,
	MIG_LINK_LISTENING,   /* destination: waiting for the source */
	MIG_LINK_CONNECTING,  /* source: SYNs under way (retried) */
	MIG_LINK_UP,
	MIG_LINK_DOWN,        /* closed or failed: failure says why */
};

/* Received bytes; a nonzero return closes the link (the caller has said why). */
typedef int (*mig_link_rx_fn)(void *ctx, const u8 *data, size_t len);

struct tcp_pcb;

struct mig_link {
	enum mig_link_state state;
	struct tcp_pcb *pcb, *listener;
	u32 peer_ip;          /* network order; source only */
	u16 port;
	mig_link_rx_fn rx;
	void (*sent)(void *ctx); /* send-buffer room came back */
	void *ctx;
	u64 connect_deadline_ns;
	u64 retry_at_ns;
	u64 heard_ns;         /* when the peer last sent or acknowledged */
	u64 bytes_queued, bytes_acked, bytes_received;
	bool close_wanted;    /* a callback asked to close: done from the loop */
	const char *failure;
};

/* Source: connects to ip (network order) : port, retrying for timeout_ns. */
int mig_link_connect(struct mig_link *l, u32 ip, u16 port, u64 timeout_ns, mig_link_rx_fn rx,
		     void (*sent)(void *ctx), void *ctx);

/* Destination: listens on port for one connection. 0, or -EBUSY/-ENOMEM. */
int mig_link_listen(struct mig_link *l, u16 port, mig_link_rx_fn rx, void (*sent)(void *ctx),
		    void *ctx);

/* Moves things on after net_poll(): connect retries, closes asked for in
 * callbacks. */
void mig_link_poll(struct mig_link *l, u64 now_ns);

/* Bytes lwIP takes now (0 while not up). */
size_t mig_link_room(const struct mig_link *l);

/* Queues len bytes (at most mig_link_room) and pushes them out. 0, or a
 * negative errno (the link is down then). */
int mig_link_send(struct mig_link *l, const u8 *data, size_t len);

/* Hands buf[*pos..len) to TCP as it has room, moving *pos on: true once
 * all of it is taken. */
bool mig_link_push(struct mig_link *l, const u8 *buf, size_t len, size_t *pos);

/* Every queued byte acknowledged by the peer? */
static inline bool mig_link_drained(const struct mig_link *l)
{
	return l->bytes_acked == l->bytes_queued;
}

/* Ends the connection (and the listener) with why as the failure when
 * it is not NULL. */
void mig_link_close(struct mig_link *l, const char *why);

#endif
