/*
 * Small socket and clock helpers shared by hvcollect and the test peer
 * (test/logstream/fake_hv.c): every socket is non-blocking, every write may
 * be short, and a broken connection never raises SIGPIPE.
 */
#ifndef UNDERSTUDY_TOOLS_HVCOLLECT_NETIO_H
#define UNDERSTUDY_TOOLS_HVCOLLECT_NETIO_H

#include <stddef.h>
#include <sys/types.h>

/* A listening socket on addr:port (non-blocking); -1 with err set. */
int nio_listen(const char *addr, unsigned port, char *err, size_t err_size);
/* Accepts one pending connection (non-blocking, TCP_NODELAY), naming the
 * peer "a.b.c.d:port"; -1 when none is pending or on error. */
int nio_accept(int lfd, char *peer, size_t peer_size);
/* Connects to host:port (blocking connect, then non-blocking,
 * TCP_NODELAY); -1 with err set. */
int nio_connect(const char *host, unsigned port, char *err, size_t err_size);

/* Writes what the socket takes now: bytes written (0 when it takes none),
 * or -1 when the connection is broken. */
ssize_t nio_send(int fd, const void *buf, size_t len);
/* Reads what is there: bytes read, 0 at the peer's close, -2 when nothing
 * is there yet, -1 when the connection is broken. */
ssize_t nio_recv(int fd, void *buf, size_t len);

/* Monotonic seconds. */
double nio_now(void);
void nio_sleep_ms(unsigned ms);

#endif
