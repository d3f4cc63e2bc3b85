/*
 * hvwitness: the witness of a fault-tolerant pair (docs/witness.md), a
 * lease server over TLS with the pair's pre-shared key, and a client of
 * it for tests and for a look by hand. Shared declarations of its small
 * modules.
 */
#ifndef UNDERSTUDY_TOOLS_HVWITNESS_H
#define UNDERSTUDY_TOOLS_HVWITNESS_H

#include <stdio.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>

#include "proto/ft_psk.h"
#include "proto/witness_lease.h"

/* Exit statuses. */
#define EXIT_OK 0
#define EXIT_REFUSED 1   /* client: the witness refused; server: could not serve */
#define EXIT_USAGE 2
#define EXIT_FAILED 3    /* client: no answer (connection, handshake, timeout) */

#define LEASE_MS_DEFAULT 5000
#define LEASE_MS_MAX 600000
#define HANDSHAKE_MS 5000      /* a connection must be authenticated within this */
#define FRAME_MS 3000          /* a frame begun must arrive whole within this */
#define MAX_CONNS 64
#define OUT_CAP 4096           /* a connection's replies not yet written */
#define LINE_MAX 512           /* a frame as text */

/* --- log.c: one line per event, on standard error ------------------------------ */

void wlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Milliseconds of a monotonic clock. */
u64 now_ms(void);

/* --- tls.c: TLS 1.2 with the pre-shared key, both ends -------------------------- */

struct tls {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_ssl_config conf;
	int suites[2];
	u8 key[FT_PSK_MAX_BYTES];
};

/* The configuration of one end (MBEDTLS_SSL_IS_SERVER or _CLIENT) with
 * the key in key_file (hex digits, surrounding white space ignored).
 * 0, or -1 with err set. */
int tls_setup(struct tls *t, int endpoint, const char *key_file, char *err, size_t err_size);
void tls_free(struct tls *t);
/* mbedTLS's text for an error code (a static buffer). */
const char *tls_error(int ret);

/* --- print.c: frames as one line of text ------------------------------------------ */

/* "TYPE seq=N name=value ..." from the type's table: numbers in decimal,
 * names and texts in double quotes, the reason by name. */
void format_msg(const struct wit_msg *m, char *out, size_t cap);

/* --- state_file.c: the lease across restarts ------------------------------------- */

/* Loads the lease from path: 1 when loaded, 0 when there is no file, -1
 * with err set when it cannot be read or is not a state file. */
int state_load(const char *path, struct wit_lease *l, u64 now, char *err, size_t err_size);
/* Writes path.tmp, syncs it and renames it to path. 0, or -1 with err. */
int state_save(const char *path, const struct wit_lease *l, char *err, size_t err_size);

/* --- decide.c: the witness's decisions -------------------------------------------- */

/* The lease from the state file (or new): 0, or -1 when the witness must
 * not start (a state file it cannot read). */
int decide_init(const char *state_path, u32 lease_ms);
/* The reply (its sequence number seq) to a request from peer, logged,
 * the state stored first. */
void decide(const char *peer, const struct wit_msg *req, u64 seq, struct wit_msg *reply);
/* Ends a lease whose time ran out (logged); the milliseconds until the
 * held lease would end, or -1 when none is held. */
long decide_tick(void);

/* --- conn.c: one client's connection ---------------------------------------------- */

struct conn {
	int fd;
	mbedtls_net_context net;
	mbedtls_ssl_context ssl;
	char peer[64];
	bool open;             /* authenticated: the handshake is done */
	bool closing;          /* write what is left, then close */
	bool dead;
	bool want_write;       /* mbedTLS waits for the socket to take bytes */
	u64 opened_ms, frame_ms; /* when the connection, and the frame being read, began */
	struct wit_rx rx;
	u64 tx_seq;
	u8 out[OUT_CAP];
	size_t out_len, inflight; /* replies not yet written; bytes of a write to retry */
};

struct conn *conn_new(int fd, const char *peer, mbedtls_ssl_config *conf);
void conn_free(struct conn *c);
/* The socket is readable (or hung up): handshake, frames, replies. */
void conn_readable(struct conn *c);
/* Writes what is pending. */
void conn_flush(struct conn *c);
/* Drops a connection past its handshake or frame deadline; the ms until
 * its next deadline (-1: none). */
long conn_tick(struct conn *c, u64 now);

/* --- server.c, client.c ---------------------------------------------------------- */

struct server_options {
	const char *bind;
	unsigned port;
	const char *key_file;
	const char *state;
	u32 lease_ms;
};

int server_run(const struct server_options *o);

struct client_options {
	const char *host;
	unsigned port;
	const char *key_file;
	const char *node;
	u64 seq;              /* of the first frame */
	unsigned timeout_ms;
	bool replay;          /* tests: send the frame twice */
	bool corrupt;         /* tests: flip the frame's last bit */
	int truncate;         /* tests: send only this many bytes of the frame (-1: all) */
};

/* Runs one command (argv: "acquire [EPOCH [DURATION_MS]]", "renew EPOCH",
 * "release EPOCH", "query" or "send-hex HEX"); prints each reply on a line. */
int client_run(const struct client_options *o, int argc, char **argv);

#endif
