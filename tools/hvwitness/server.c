/*
 * The witness's server: one poll loop over the listening socket and every
 * connection, woken also when the held lease runs out (so its expiry is
 * logged on time) and at the connections' deadlines.
 */
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "hvwitness.h"
#include "tools/hvcollect/netio.h"

#define IDLE_POLL_MS 1000

static volatile sig_atomic_t stop_signal;
static struct conn *conns[MAX_CONNS];
static size_t nconns;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void accept_all(int lfd, mbedtls_ssl_config *conf)
{
	char peer[64];
	int fd;

	while ((fd = nio_accept(lfd, peer, sizeof(peer))) >= 0) {
		struct conn *c = nconns < MAX_CONNS ? conn_new(fd, peer, conf) : NULL;

		if (!c) {
			wlog("%s: cannot take the connection (%zu open, at most %d); refused", peer,
			     nconns, MAX_CONNS);
			close(fd);
			continue;
		}
		conns[nconns++] = c;
	}
}

/* Frees the connections that ended. */
static void sweep(void)
{
	size_t kept = 0;

	for (size_t i = 0; i < nconns; i++) {
		if (conns[i]->dead)
			conn_free(conns[i]);
		else
			conns[kept++] = conns[i];
	}
	nconns = kept;
}

static long sooner(long a, long b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

/* Expiry and deadlines now; the ms until the next one. */
static int tick(void)
{
	long next = decide_tick();
	u64 now = now_ms();

	for (size_t i = 0; i < nconns; i++)
		next = sooner(next, conn_tick(conns[i], now));
	sweep();
	next = sooner(next, IDLE_POLL_MS);
	return (int)(next < IDLE_POLL_MS ? next + 1 : IDLE_POLL_MS);
}

static void service(const struct pollfd *pfd)
{
	for (size_t i = 0; i < nconns; i++) {
		short ev = pfd[i].revents;

		if (ev & (POLLIN | POLLHUP | POLLERR))
			conn_readable(conns[i]);
		if (!conns[i]->dead && (ev & POLLOUT))
			conn_flush(conns[i]);
	}
	sweep();
}

static void serve(int lfd, mbedtls_ssl_config *conf)
{
	struct pollfd pfd[MAX_CONNS + 1];

	while (!stop_signal) {
		int timeout = tick();

		for (size_t i = 0; i < nconns; i++) {
			struct conn *c = conns[i];

			pfd[i].fd = c->fd;
			pfd[i].events = (c->closing ? 0 : POLLIN) |
					(c->want_write || c->out_len ? POLLOUT : 0);
			pfd[i].revents = 0;
		}
		pfd[nconns] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		if (poll(pfd, nconns + 1, timeout) < 0)
			continue; /* EINTR: a signal */
		service(pfd);
		if (pfd[nconns].revents & POLLIN)
			accept_all(lfd, conf);
	}
}

int server_run(const struct server_options *o)
{
	struct tls tls;
	char err[256];
	int lfd;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (tls_setup(&tls, MBEDTLS_SSL_IS_SERVER, o->key_file, err, sizeof(err))) {
		wlog("%s", err);
		tls_free(&tls);
		return EXIT_REFUSED;
	}
	if (decide_init(o->state, o->lease_ms)) {
		tls_free(&tls);
		return EXIT_REFUSED;
	}
	lfd = nio_listen(o->bind, o->port, err, sizeof(err));
	if (lfd < 0) {
		wlog("%s", err);
		tls_free(&tls);
		return EXIT_REFUSED;
	}
	wlog("listening on %s:%u (TLS 1.2, %s, identity \"%s\"); leases of at most %u ms",
	     o->bind, o->port, FT_PSK_CIPHERSUITE, FT_PSK_IDENTITY, o->lease_ms);
	serve(lfd, &tls.conf);
	wlog("stopped by signal %d", (int)stop_signal);
	for (size_t i = 0; i < nconns; i++)
		conn_free(conns[i]);
	close(lfd);
	tls_free(&tls);
	return EXIT_OK;
}
