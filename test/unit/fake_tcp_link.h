/*
 * TCP links joined by memory (net/tcp_link.h, test/unit/fake_tcp_link.c),
 * for host tests of what runs on them (the TLS link, the stream link, the
 * log stream's two ends): a link that connects to a port meets the link
 * listening there; bytes sent wait in the peer's inbox until
 * fake_tcp_run() hands them to its rx callback, a few at a time; a test
 * can reset a connection in the middle of anything. Callbacks keep the
 * real link's rules: a nonzero rx closes the link at its next poll, and
 * the peer then sees "the peer closed the connection".
 */
#ifndef UNDERSTUDY_TEST_FAKE_TCP_LINK_H
#define UNDERSTUDY_TEST_FAKE_TCP_LINK_H

#include "net/tcp_link.h"

/* Forgets every connection and listener; chunk: bytes handed to an rx
 * callback at a time; room: bytes a sender may have unread at its peer. */
void fake_tcp_reset(size_t chunk, size_t room);

/* Delivers what waits in the inboxes (and the closes behind them);
 * true when a byte or a close moved. */
bool fake_tcp_run(void);

/* Resets every open connection: both ends fail with "the peer reset the
 * connection" at their next poll. Returns how many there were. */
unsigned fake_tcp_cut(void);

/* Flips (XOR 0xff) the last byte waiting for the listening end of an
 * open connection, as a frame altered on the way that TCP still takes:
 * true when there was one. */
bool fake_tcp_alter(void);

/* Connections made since the reset. */
unsigned fake_tcp_connections(void);

#endif
