/* Socket and clock helpers (see netio.h). */
#include "netio.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LISTEN_BACKLOG 8

static int set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Small messages (ACKs, HELLO) go out at once rather than after a delay. */
static void set_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

int nio_listen(const char *addr, unsigned port, char *err, size_t err_size)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
	int one = 1, fd;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		snprintf(err, err_size, "'%s' is not an IPv4 address", addr);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		snprintf(err, err_size, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, LISTEN_BACKLOG) ||
	    set_nonblock(fd)) {
		snprintf(err, err_size, "cannot listen on %s:%u: %s", addr, port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int nio_accept(int lfd, char *peer, size_t peer_size)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char ip[INET_ADDRSTRLEN] = "?";
	int fd = accept(lfd, (struct sockaddr *)&sa, &len);

	if (fd < 0)
		return -1;
	if (set_nonblock(fd)) {
		close(fd);
		return -1;
	}
	set_nodelay(fd);
	inet_ntop(AF_INET, &sa.sin_addr, ip, sizeof(ip));
	snprintf(peer, peer_size, "%s:%u", ip, ntohs(sa.sin_port));
	return fd;
}

int nio_connect(const char *host, unsigned port, char *err, size_t err_size)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	char service[16];
	int fd, rc;

	snprintf(service, sizeof(service), "%u", port);
	rc = getaddrinfo(host, service, &hints, &res);
	if (rc) {
		snprintf(err, err_size, "%s: %s", host, gai_strerror(rc));
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen)) {
		snprintf(err, err_size, "connect to %s:%u: %s", host, port, strerror(errno));
		close(fd);
		fd = -1;
	} else if (fd < 0) {
		snprintf(err, err_size, "socket: %s", strerror(errno));
	}
	freeaddrinfo(res);
	if (fd >= 0) {
		set_nonblock(fd);
		set_nodelay(fd);
	}
	return fd;
}

ssize_t nio_send(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = send(fd, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
	return n;
}

ssize_t nio_recv(int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? -2 : -1;
	return n;
}

double nio_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void nio_sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}
