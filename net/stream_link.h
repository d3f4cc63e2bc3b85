/*
 * A byte stream to one peer, in the clear (net/tcp_link.h) or inside TLS
 * with the pre-shared key (net/tls/tls_link.h), behind the same few calls:
 * for a protocol that runs either way, as the log stream does
 * (docs/log-stream.md, docs/secure-link.md). The user chooses at connect
 * or listen time by giving a key or none; everything else is the same:
 * bytes received go to rx as they come (plaintext, under TLS), bytes to
 * send are taken as the link has room, and a link that fails is DOWN with
 * a reason. Polled from the caller's loop after net_poll(), like both
 * links. A link that is DOWN is not made again: close it, then connect or
 * listen anew (a new TCP connection, and a new TLS session).
 */
#ifndef UNDERSTUDY_NET_STREAM_LINK_H
#define UNDERSTUDY_NET_STREAM_LINK_H

#include "net/tcp_link.h"
#include "net/tls/tls_link.h"
#include "types.h"

struct ft_psk;

enum stream_link_state {
	STREAM_LINK_WAITING, /* listening, connecting, or the TLS handshake under way */
	STREAM_LINK_UP,      /* bytes move */
	STREAM_LINK_DOWN,    /* failed or closed (stream_link_failure says why), or never started */
};

/* Received bytes; a nonzero return ends the link (the callee has said why). */
typedef int (*stream_link_rx_fn)(void *ctx, const u8 *data, size_t len);

struct stream_link {
	bool secure;  /* TLS with the pre-shared key */
	bool open;    /* started and not closed: holds a connection, a listener or TLS memory */
	union {
		struct tcp_link tcp;
		struct tls_link tls;
	};
};

/* Connects to ip (network order):port, retrying for timeout_ns; inside TLS
 * when key is not NULL. 0, or a negative errno (no memory or no entropy
 * for TLS: reported). */
int stream_link_connect(struct stream_link *l, const struct ft_psk *key, u32 ip, u16 port,
			u64 timeout_ns, stream_link_rx_fn rx, void *ctx);

/* Listens on port for one peer; inside TLS when key is not NULL. 0, or a
 * negative errno. */
int stream_link_listen(struct stream_link *l, const struct ft_psk *key, u16 port,
		       stream_link_rx_fn rx, void *ctx);

/* Moves things on after net_poll() (connect retries, closes asked for in
 * callbacks, the TLS handshake and records waiting for room). */
void stream_link_poll(struct stream_link *l, u64 now_ns);

enum stream_link_state stream_link_state(const struct stream_link *l);

/* A peer is connected at the TCP level (under TLS, the handshake may still
 * be under way). */
bool stream_link_connected(const struct stream_link *l);

/* Takes up to len bytes to send: the count taken (0: no room now, or not
 * up yet), or -EIO once the link is down. */
int stream_link_send(struct stream_link *l, const u8 *data, size_t len);

/* Hands buf[*pos..len) to the link as it has room, moving *pos on: true
 * once all of it is taken (false while the link is not up). */
bool stream_link_push(struct stream_link *l, const u8 *buf, size_t len, size_t *pos);

/* Every byte sent has left the link (under TLS, its records too) and been
 * acknowledged by the peer's TCP. */
bool stream_link_drained(const struct stream_link *l);

/* When the peer last sent or acknowledged anything (time_now_ns). */
u64 stream_link_heard_ns(const struct stream_link *l);

/* Bytes the peer's TCP acknowledged: on the wire, so under TLS the
 * records' framing and tags count too. */
u64 stream_link_bytes_acked(const struct stream_link *l);

/* Calls room(ctx) whenever TCP's send buffer has room again (under TLS,
 * after the session moved its own pending record on); after connect or
 * listen. */
void stream_link_on_room(struct stream_link *l, void (*room)(void *ctx));

/* Why the link is DOWN (NULL when it was closed by us without a reason,
 * or never started). */
const char *stream_link_failure(const struct stream_link *l);

/* The TLS handshake failed on TLS's own terms (a different key, a peer
 * that does not speak TLS): connecting again will fail the same way.
 * Never for a link in the clear. */
bool stream_link_refused(const struct stream_link *l);

/* Under TLS, the peer's first bytes began with prefix (n <=
 * TLS_LINK_FIRST_BYTES): a peer that spoke in the clear. */
bool stream_link_peer_began_with(const struct stream_link *l, const void *prefix, size_t n);

/* TCP keepalive on the connection (tcp_link_keepalive); after connect or
 * listen. */
void stream_link_keepalive(struct stream_link *l, u32 idle_ms, u32 intvl_ms, u32 count);

/* Ends the link and gives back what it holds (close_notify first under
 * TLS). Safe on a link that is closed already. */
void stream_link_close(struct stream_link *l);

#endif
