/*
 * The hypervisor's control endpoint: a tiny HTTP server on lwIP's raw TCP
 * API answering GET/HEAD /status (JSON) and /metrics (Prometheus text); see
 * docs/control-endpoint.md.
 *
 * lwIP runs with NO_SYS: every callback here runs inside net_poll(), on the
 * hypervisor's one thread, and returns without waiting. Connections live in
 * a fixed pool; each has a deadline enforced from tcp_poll, so slow or
 * abusive clients can hold neither the hypervisor nor a slot for long.
 */
#ifndef UNDERSTUDY_NET_HTTP_SERVER_H
#define UNDERSTUDY_NET_HTTP_SERVER_H

#include "net/http/http_control.h"
#include "net/http/hv_status.h"
#include "types.h"

#define HTTP_SERVER_PORT_DEFAULT 8080

/* Connections served at once; more are refused (reset) at accept. */
#define HTTP_SERVER_CONNS 8
/* Seconds a client has to send the whole request head... */
#define HTTP_HEAD_TIMEOUT_S 5
/* ...and to take the whole response; then the connection is aborted. */
#define HTTP_TOTAL_TIMEOUT_S 10

/* Fills in a snapshot of the hypervisor's state. Called from the server,
 * inside net_poll(), for each complete request; it must not wait. The
 * struct arrives zeroed with defaults (version, "none" backend and guest,
 * "off" rr mode); the http counters are the server's and are overwritten
 * after the call. */
typedef void (*http_fill_fn)(struct hv_status *s);

/*
 * Listens on port (all addresses) once lwIP is up (after net_init). fill may
 * be NULL: the documents then only have the defaults. Returns 0, -EBUSY when
 * already started or the port is taken, -ENOMEM when lwIP has no PCB.
 */
int http_server_start(u16 port, http_fill_fn fill);

/* Serves the requests that change state (net/http/http_control.h) from
 * now on, authenticated with key (key_len 0: none, every one refused with
 * 403); nonces from the hypervisor's DRBG (net/tls/tls_rng.h). Without
 * this call they are 404. */
void http_server_enable_control(const u8 *key, size_t key_len, http_switchover_fn switchover);

/* The server's own counters (also in every document it serves). */
void http_server_counters(struct hv_status_http *out);

#endif
