/*
 * A TLS session over any byte stream (docs/secure-link.md): the client or
 * server side of one connection, driven by the caller (no threads, no
 * sockets). Ciphertext from the peer goes in with tls_session_input;
 * plaintext comes out to an rx callback; plaintext to send goes in with
 * tls_session_write and leaves through the transport's send function as
 * it has room. net/tls/tls_link.c runs it over lwIP TCP; the unit tests
 * over memory.
 *
 * A session that fails (wrong key, altered or replayed record, a peer
 * that is not ours) logs one error naming the peer and why, sends the
 * peer the alert TLS calls for, and takes nothing more either way.
 */
#ifndef UNDERSTUDY_NET_TLS_TLS_SESSION_H
#define UNDERSTUDY_NET_TLS_TLS_SESSION_H

#include "mbedtls/ssl.h"

#include "types.h"

#define TLS_PEER_MAX 32      /* "a.b.c.d:port" and then some */
#define TLS_WHY_MAX 160
#define TLS_INPUT_MAX 4096   /* ciphertext received, not yet taken by mbedTLS */
#define TLS_RECORD_MAX MBEDTLS_SSL_OUT_CONTENT_LEN /* plaintext per record */

enum tls_state {
	TLS_IDLE,
	TLS_HANDSHAKE,
	TLS_UP,
	TLS_CLOSED,   /* the peer ended it with close_notify, or we did */
	TLS_FAILED,   /* why says why */
};

/* The byte stream under TLS. send queues up to len bytes for the peer and
 * returns how many it took (0: no room now), or a negative errno once the
 * stream is gone. */
struct tls_transport {
	int (*send)(void *ctx, const u8 *data, size_t len);
	void *ctx;
};

/* Plaintext from the peer; a nonzero return ends the session (the callee
 * has said why). */
typedef int (*tls_rx_fn)(void *ctx, const u8 *data, size_t len);

struct tls_session {
	mbedtls_ssl_context ssl;
	enum tls_state state;
	char peer[TLS_PEER_MAX];
	struct tls_transport tr;
	tls_rx_fn rx;
	void *rx_ctx;
	u8 in[TLS_INPUT_MAX];
	size_t in_len, in_pos;     /* in[in_pos..in_len) not yet taken */
	u64 plain_in, plain_out;   /* plaintext bytes delivered, accepted */
	int error;                 /* the mbedTLS error that ended it */
	bool refused;              /* the handshake failed on TLS's own terms (a key, a
				    * peer that is not ours), not its transport's */
	char why[TLS_WHY_MAX];
};

/*
 * Starts a session on conf (net/tls/tls_conf.h) with peer (a name for the
 * log), sending through tr; a client sends its ClientHello at once. 0, or
 * a negative mbedTLS error (no memory). Free it with tls_session_free.
 */
int tls_session_start(struct tls_session *s, const mbedtls_ssl_config *conf, const char *peer,
		      struct tls_transport tr, tls_rx_fn rx, void *rx_ctx);

/* Ciphertext from the peer: moves the handshake on, or decrypts and hands
 * the plaintext to rx. 0, or -EIO once the session has ended. */
int tls_session_input(struct tls_session *s, const u8 *data, size_t len);

/* The transport has room again: sends what waits, moves the handshake on. */
void tls_session_poll(struct tls_session *s);

/*
 * Takes up to len bytes of plaintext (at most TLS_RECORD_MAX) as one
 * record, sent now or as the transport gets room. Returns the bytes taken:
 * 0 while a record still waits for room or the handshake runs; -EIO once
 * the session has ended.
 */
int tls_session_write(struct tls_session *s, const u8 *data, size_t len);

/* Nothing encrypted waits for the transport. */
bool tls_session_drained(const struct tls_session *s);

/* Ends an established session with close_notify (sent as room allows). */
void tls_session_close(struct tls_session *s);

/* Gives its memory back. */
void tls_session_free(struct tls_session *s);

#endif
