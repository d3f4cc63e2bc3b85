/*
 * A TLS link between two hypervisors (docs/secure-link.md): a TLS session
 * (net/tls/tls_session.h) with the pre-shared key over one lwIP TCP
 * connection (net/tcp_link.h), polled from the caller's loop like the
 * TCP link. One side connects, the other listens; the TLS handshake
 * starts as soon as TCP is up. Plaintext from the peer goes to rx;
 * plaintext to send goes through tls_link_send as records.
 *
 * A wrong key, a foreign peer, an altered or replayed record end the link:
 * the reason is logged with the peer's address, the peer gets TLS's
 * alert, and the link is DOWN with failure saying why.
 */
#ifndef UNDERSTUDY_NET_TLS_TLS_LINK_H
#define UNDERSTUDY_NET_TLS_TLS_LINK_H

#include "mbedtls/ssl.h"

#include "net/tcp_link.h"
#include "net/tls/tls_session.h"
#include "proto/ft_psk.h"

enum tls_link_state {
	TLS_LINK_WAITING,   /* for TCP: listening or connecting */
	TLS_LINK_HANDSHAKE,
	TLS_LINK_UP,
	TLS_LINK_DOWN,      /* failure says why */
};

#define TLS_LINK_FIRST_BYTES 8 /* kept of what the peer sent first */

struct tls_link {
	struct tcp_link tcp;
	struct tls_session tls;
	mbedtls_ssl_config conf;
	bool server, started;
	tls_rx_fn rx;
	void (*room)(void *ctx); /* TCP has room again (optional) */
	void *ctx;
	enum tls_link_state state;
	const char *failure;
	u8 peer_first[TLS_LINK_FIRST_BYTES]; /* the peer's first bytes, before TLS read them */
	u8 peer_first_len;
};

/* Connects to ip (network order):port, retrying for timeout_ns, then
 * runs the client side of TLS with key. 0, or a negative error (no
 * memory, no entropy). */
int tls_link_connect(struct tls_link *l, u32 ip, u16 port, u64 timeout_ns,
		     const struct ft_psk *key, tls_rx_fn rx, void *ctx);

/* Listens on port for one peer and runs the server side with key. */
int tls_link_listen(struct tls_link *l, u16 port, const struct ft_psk *key, tls_rx_fn rx,
		    void *ctx);

/* Moves things on after net_poll(): TCP retries and closes, TLS records
 * waiting for room; sets state. */
void tls_link_poll(struct tls_link *l, u64 now_ns);

/* Takes up to len bytes of plaintext as one record: the count taken (0:
 * no room yet), or -EIO when the link is down. */
int tls_link_send(struct tls_link *l, const u8 *data, size_t len);

/* Everything sent has left TLS and been acknowledged by the peer's TCP. */
bool tls_link_drained(const struct tls_link *l);

/* The handshake failed on TLS's own terms (the peer holds a different
 * key, does not speak TLS, ...), not because TCP did: connecting again
 * will fail the same way. */
bool tls_link_refused(const struct tls_link *l);

/* The peer's first bytes on the connection began with prefix (n <=
 * TLS_LINK_FIRST_BYTES): tells a peer that spoke another protocol in the
 * clear. */
bool tls_link_peer_began_with(const struct tls_link *l, const void *prefix, size_t n);

/* Ends the link: close_notify, then the TCP connection. */
void tls_link_close(struct tls_link *l);

/* len random bytes from the hypervisor's DRBG (tls_rng.h; seeded on
 * first use like a link's): 0, or -EIO when it cannot be seeded. */
int tls_random(u8 *buf, size_t len);

#endif
