/*
 * Requests to a control endpoint (see hvctl.h): a non-blocking
 * connect and reads under one deadline, the reply capped; the connection
 * is closed by the server after its reply (Connection: close).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "hvctl.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until the deadline: 1, 0 at the deadline, -1. */
static int wait_for(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left = deadline - now_ms();
	int r;

	if (left <= 0)
		return 0;
	do
		r = poll(&p, 1, (int)left);
	while (r < 0 && errno == EINTR);
	return r;
}

/* A connected socket to host:port, or -1 with why. */
static int connect_to(const char *host, unsigned port, long long deadline, char *why,
		      size_t why_size)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *ai;
	char service[8];
	int fd, err = 0, r;
	socklen_t len = sizeof(err);

	snprintf(service, sizeof(service), "%u", port);
	r = getaddrinfo(host, service, &hints, &ai);
	if (r) {
		snprintf(why, why_size, "%s: %s", host, gai_strerror(r));
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS)
		err = errno;
	freeaddrinfo(ai);
	if (fd < 0 || err) {
		snprintf(why, why_size, "connect: %s", strerror(fd < 0 ? errno : err));
		goto fail;
	}
	r = wait_for(fd, POLLOUT, deadline);
	if (r <= 0) {
		snprintf(why, why_size, "connect: %s", r ? strerror(errno) : "timed out");
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		snprintf(why, why_size, "connect: %s", strerror(err ? err : errno));
		goto fail;
	}
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Sends all of the request before the deadline. */
static int send_all(int fd, const char *req, size_t len, long long deadline)
{
	while (len) {
		ssize_t n = send(fd, req, len, MSG_NOSIGNAL);

		if (n > 0) {
			req += n;
			len -= (size_t)n;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			return -1;
		} else if (wait_for(fd, POLLOUT, deadline) <= 0) {
			return -1;
		}
	}
	return 0;
}

/* Reads until the server closes; -1 with why past cap or the deadline. */
static long read_all(int fd, char *reply, size_t cap, long long deadline, char *why,
		     size_t why_size)
{
	size_t len = 0;

	for (;;) {
		char spill[64]; /* past cap: read on only to tell that more came */
		bool over = len >= cap;
		ssize_t n = over ? recv(fd, spill, sizeof(spill), 0) : recv(fd, reply + len, cap - len, 0);

		if (n == 0)
			return (long)len;
		if (n > 0 && over) {
			snprintf(why, why_size, "the reply is over %zu bytes", cap);
			return -1;
		}
		if (n > 0) {
			len += (size_t)n;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR) {
			snprintf(why, why_size, "read: %s", strerror(errno));
			return -1;
		}
		if (wait_for(fd, POLLIN, deadline) <= 0) {
			snprintf(why, why_size, "no whole reply within the timeout");
			return -1;
		}
	}
}

long http_exchange(const char *host, unsigned port, unsigned timeout_ms, const char *request,
		   char *reply, size_t cap, char *why, size_t why_size)
{
	long long deadline = now_ms() + timeout_ms;
	int fd = connect_to(host, port, deadline, why, why_size);
	long len;

	if (fd < 0)
		return -1;
	if (send_all(fd, request, strlen(request), deadline)) {
		snprintf(why, why_size, "cannot send the request");
		close(fd);
		return -1;
	}
	len = read_all(fd, reply, cap, deadline, why, why_size);
	close(fd);
	return len;
}

long fetch_status(const char *host, unsigned port, unsigned timeout_ms, char *reply, size_t cap,
		  char *why, size_t why_size)
{
	char req[256];
	int n = snprintf(req, sizeof(req),
			 "GET /status HTTP/1.1\r\nHost: %s:%u\r\nConnection: close\r\n\r\n", host,
			 port);

	if (n < 0 || (size_t)n >= sizeof(req)) {
		snprintf(why, why_size, "cannot send the request");
		return -1;
	}
	return http_exchange(host, port, timeout_ms, req, reply, cap, why, why_size);
}
