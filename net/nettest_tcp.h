/* Network self-tests over lwIP: a TCP transfer between two Understudy
 * instances (nettest=server / nettest=client, net/nettest_tcp.c), and the
 * same over the TLS link (nettest=tls_server / tls_client,
 * net/nettest_tls.c). */
#ifndef UNDERSTUDY_NET_NETTEST_TCP_H
#define UNDERSTUDY_NET_NETTEST_TCP_H

#include "proto/ft_psk.h"
#include "types.h"

#define NETTEST_PORT 5001
#define NETTEST_TLS_PORT 5002
#define NETTEST_EXIT_FAILED 1 /* the transfer failed or was incomplete */

/* What to run (from nettest=, nettest_peer=, nettest_bytes=, ft_key=). */
struct nettest_config {
	bool server;  /* else the client */
	u32 peer;     /* client: the server's address, host order */
	u64 bytes;    /* client: bytes to send */
	const struct ft_psk *key; /* the TLS tests' pre-shared key */
};

/*
 * Runs the server or the client to the end, sleeping (hlt) between polls;
 * net_init() must have succeeded. Returns the exit code for
 * platform_halt(): 0 on success, NETTEST_EXIT_FAILED, or
 * PLATFORM_EXIT_CONFIG when the options do not allow the test.
 */
int nettest_run(const struct nettest_config *nc);

/* The same for the TLS link: the client sends nettest_bytes over TLS with
 * key, the server checks their SHA-256; a handshake that fails fails the
 * test on both sides. */
int nettest_tls_run(const struct nettest_config *nc);

#endif
