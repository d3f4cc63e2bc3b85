/*
 * hvcollect: the collector end of the log stream (docs/log-stream.md).
 * One poll loop: the listening socket, every connection's reads and
 * pending replies, the ACK batches' deadlines and the progress line.
 */
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvcollect.h"
#include "netio.h"

#define SLOW_MS_MAX 60000
#define FINAL_FLUSH_MS 1000  /* --once: time for the last replies to leave */

struct options opt = { .bind = "127.0.0.1", .port = LS_DEFAULT_PORT, .dir = "." };

static volatile sig_atomic_t stop_signal;
static struct conn *conns[MAX_CONNS];
static size_t nconns;

static const char usage_text[] =
	"usage: hvcollect [--port P] [--bind ADDR] [--once] [--dir DIR | --out FILE]\n"
	"                 [--quiet] [--slow-ms N]\n"
	"\n"
	"Receives record logs and snapshots streamed by Understudy over TCP\n"
	"(docs/log-stream.md).\n"
	"  --port P       TCP port (default 9710)\n"
	"  --bind ADDR    IPv4 address to listen on (default 127.0.0.1, which QEMU's\n"
	"                 user networking reaches as 10.0.2.2; 0.0.0.0 for a network)\n"
	"  --dir DIR      one file per record run or snapshot: DIR/<session id>.rrlog\n"
	"                 or .snap (default .)\n"
	"  --out FILE     write the one record run or snapshot to FILE\n"
	"                 (a snapshot gets its name only once it is whole and verified)\n"
	"  --once         exit after the first complete log or snapshot: 0 when it is valid\n"
	"  --quiet        no progress lines\n"
	"  --slow-ms N    sleep N ms before each ACK (testing backpressure)\n"
	"Exit status: 0 ok, 1 a refused or incomplete log or snapshot, 2 bad usage.\n";

static int usage(FILE *f, int status)
{
	fputs(usage_text, f);
	return status;
}

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

/* 0 when the options are good, else the exit status. */
static int parse_args(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "port", required_argument, NULL, 'p' }, { "bind", required_argument, NULL, 'b' },
		{ "once", no_argument, NULL, '1' },       { "dir", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },  { "quiet", no_argument, NULL, 'q' },
		{ "slow-ms", required_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool dir_given = false;
	struct stat st;
	int c;

	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!parse_uint(optarg, 65535, &opt.port) || !opt.port)
				return usage(stderr, EXIT_USAGE);
			break;
		case 'b': opt.bind = optarg; break;
		case '1': opt.once = true; break;
		case 'd': opt.dir = optarg; dir_given = true; break;
		case 'o': opt.out = optarg; break;
		case 'q': opt.quiet = true; break;
		case 's':
			if (!parse_uint(optarg, SLOW_MS_MAX, &opt.slow_ms))
				return usage(stderr, EXIT_USAGE);
			break;
		case 'h':
			usage(stdout, EXIT_OK);
			return -1;
		default: return usage(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc || (dir_given && opt.out))
		return usage(stderr, EXIT_USAGE);
	if (!opt.out && (stat(opt.dir, &st) || !S_ISDIR(st.st_mode))) {
		fprintf(stderr, "hvcollect: %s is not a directory\n", opt.dir);
		return EXIT_USAGE;
	}
	return 0;
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void accept_all(int lfd)
{
	char peer[64];
	int fd;

	while ((fd = nio_accept(lfd, peer, sizeof(peer))) >= 0) {
		struct conn *c = nconns < MAX_CONNS ? conn_new(fd, peer) : NULL;

		if (!c) {
			msg("hvcollect: %s: too many connections, refused", peer);
			close(fd);
			continue;
		}
		conns[nconns++] = c;
	}
}

/* Milliseconds until the next ACK deadline or progress report. */
static int poll_timeout(double now)
{
	double next = now + PROGRESS_MS / 1000.0;

	for (size_t i = 0; i < nconns; i++) {
		double d = conn_ack_deadline(conns[i]);

		if (d && d < next)
			next = d;
	}
	return next <= now ? 0 : (int)((next - now) * 1000) + 1;
}

/* Handles what poll reported for each connection, then timers. */
static void service(const struct pollfd *pfd, double now)
{
	for (size_t i = 0; i < nconns; i++) {
		struct conn *c = conns[i];
		short ev = pfd[i].revents;

		if (!c->dead && (ev & (POLLIN | POLLHUP | POLLERR)) && !conn_readable(c))
			c->dead = true;
		if (!c->dead && (ev & POLLOUT) && !conn_flush(c))
			c->dead = true;
		if (c->dead)
			continue;
		conn_maybe_ack(c, now);
		if (!c->s && !c->closing && now - c->opened > HELLO_TIMEOUT_MS / 1000.0) {
			msg("hvcollect: %s: no HELLO within %d s; connection dropped", c->peer,
			    HELLO_TIMEOUT_MS / 1000);
			c->dead = true;
		}
		if (c->closing && !c->out_len)
			c->dead = true;
	}
}

/* Frees the connections marked dead. */
static void sweep(void)
{
	size_t kept = 0;

	for (size_t i = 0; i < nconns; i++) {
		if (conns[i]->dead)
			conn_free(conns[i], NULL);
		else
			conns[kept++] = conns[i];
	}
	nconns = kept;
}

static bool replies_pending(void)
{
	for (size_t i = 0; i < nconns; i++)
		if (conns[i]->out_len)
			return true;
	return false;
}

static void serve(int lfd)
{
	struct pollfd pfd[MAX_CONNS + 1];
	double stop_at = 0;

	while (!stop_signal) {
		double now = nio_now();
		short listen_ev;

		if (verdict != RUNNING && !stop_at)
			stop_at = now + FINAL_FLUSH_MS / 1000.0;
		if (stop_at && (!replies_pending() || now >= stop_at))
			break;
		for (size_t i = 0; i < nconns; i++) {
			pfd[i].fd = conns[i]->fd;
			pfd[i].events = POLLIN | (conns[i]->out_len ? POLLOUT : 0);
			pfd[i].revents = 0;
		}
		pfd[nconns] = (struct pollfd){ .fd = lfd, .events = stop_at ? 0 : POLLIN };
		if (poll(pfd, nconns + 1, stop_at ? 10 : poll_timeout(now)) < 0)
			continue; /* EINTR: a signal */
		listen_ev = pfd[nconns].revents;
		now = nio_now();
		service(pfd, now);
		sweep();
		if (listen_ev & POLLIN)
			accept_all(lfd);
		progress_tick(now, false);
	}
}

/* Syncs and closes every session; true when every one ended. */
static bool finish_sessions(void)
{
	bool all_ended = true;

	progress_tick(nio_now(), true);
	for (size_t i = 0; i < nconns; i++)
		conn_free(conns[i], NULL);
	nconns = 0;
	for (size_t i = 0; i < session_count(); i++) {
		struct session *s = session_at(i);

		session_close_file(s);
		if (!s->ended) {
			all_ended = false;
			msg("hvcollect: session %016llx: %s holds %llu bytes, "
			    "incomplete (no END yet)",
			    s->id, s->path, s->written);
		}
	}
	return all_ended;
}

int main(int argc, char **argv)
{
	char err[256];
	int rc = parse_args(argc, argv), lfd;
	bool all_ended;

	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	lfd = nio_listen(opt.bind, opt.port, err, sizeof(err));
	if (lfd < 0) {
		fprintf(stderr, "hvcollect: %s\n", err);
		return EXIT_FAILED;
	}
	msg("hvcollect: listening on %s:%u, writing %s%s", opt.bind, opt.port,
	    opt.out ? opt.out : opt.dir, opt.out ? "" : "/<session>.rrlog or .snap");
	serve(lfd);
	close(lfd);
	if (stop_signal)
		msg("hvcollect: stopped by signal %d", (int)stop_signal);
	all_ended = finish_sessions();
	if (verdict != RUNNING)
		return verdict == DONE_OK ? EXIT_OK : EXIT_FAILED;
	return all_ended ? EXIT_OK : EXIT_FAILED;
}
