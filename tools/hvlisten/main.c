/*
 * hvlisten: the outside listener of a guest's console stream
 * (docs/console-stream.md): one poll loop over the listening socket and
 * every sender; a summary line at the end (SIGTERM, SIGINT, or
 * --exit-after-idle).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvlisten.h"
#include "tools/hvcollect/netio.h"

#define POLL_MS 200

static const char usage_text[] =
	"usage: hvlisten --port P [--bind ADDR] [--out FILE] [--guest HEX] [--exit-after-idle S]\n"
	"\n"
	"The outside listener of an Understudy guest's console stream (console_out=):\n"
	"takes the stream from any number of senders over time, writes the console\n"
	"once, in offset order, and checks that bytes sent twice are the same\n"
	"(docs/console-stream.md).\n"
	"  --port P              TCP port (1 to 65535)\n"
	"  --bind ADDR           IPv4 address to listen on (default 0.0.0.0)\n"
	"  --out FILE            the console (default: standard output)\n"
	"  --guest HEX           the guest's identity (default: the first HELLO's)\n"
	"  --exit-after-idle S   end once no sender has been connected for S seconds\n"
	"At the end: 'hvlisten: N bytes from S senders, C contradictions, G gaps (B bytes),\n"
	"R refused'. Exit status: 0; 1 when a byte was contradicted (or the listener\n"
	"could not start); 2 bad usage.\n";

static volatile sig_atomic_t stop_signal;

void hlog(const char *fmt, ...)
{
	va_list ap;

	fputs("hvlisten: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct options {
	unsigned long port;
	const char *bind, *out;
	double idle_s;           /* 0: never */
	bool guest_given;
	u64 guest;
};

static bool parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{ "port", required_argument, NULL, 'p' }, { "bind", required_argument, NULL, 'b' },
		{ "out", required_argument, NULL, 'o' },  { "guest", required_argument, NULL, 'g' },
		{ "exit-after-idle", required_argument, NULL, 'i' }, { NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	*o = (struct options){ .bind = "0.0.0.0" };
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		errno = 0;
		if (c == 'p')
			o->port = strtoul(optarg, &end, 10);
		else if (c == 'g')
			o->guest = strtoull(optarg, &end, 16), o->guest_given = true;
		else if (c == 'i')
			o->idle_s = strtod(optarg, &end);
		else if (c == 'b' || c == 'o')
			*(c == 'b' ? &o->bind : &o->out) = optarg, end = optarg + strlen(optarg);
		else
			return false;
		if (*end || !*optarg || errno || o->idle_s < 0) {
			fprintf(stderr, "hvlisten: bad value '%s'\n", optarg);
			return false;
		}
	}
	if (optind != argc || !o->port || o->port > 65535) {
		fprintf(stderr, "hvlisten: --port takes 1 to 65535%s\n",
			optind != argc ? " (and nothing else follows the options)" : "");
		return false;
	}
	return true;
}

static struct sender senders[MAX_SENDERS];
static size_t nsenders;

static void accept_all(int lfd, struct listener *l)
{
	char peer[64];
	int fd;

	while ((fd = nio_accept(lfd, peer, sizeof(peer))) >= 0) {
		struct sender spare, *s = nsenders < MAX_SENDERS ? &senders[nsenders++] : &spare;

		l->connections++;
		sender_init(s, fd, peer);
		hlog("%s: connected", peer);
		if (s == &spare) {
			sender_refuse(s, CS_R_BUSY, "the listener has as many senders as it takes");
			sender_close(s, "refused");
		}
	}
}

/* Forgets the senders that ended. */
static void sweep(void)
{
	size_t kept = 0;

	for (size_t i = 0; i < nsenders; i++)
		if (!senders[i].dead)
			senders[kept++] = senders[i];
	nsenders = kept;
}

/* One turn of the loop: waits up to POLL_MS for something to do. */
static void turn(int lfd, struct listener *l)
{
	struct pollfd pfd[MAX_SENDERS + 1];

	for (size_t i = 0; i < nsenders; i++)
		pfd[i] = (struct pollfd){ senders[i].fd,
					  POLLIN | (senders[i].queued ? POLLOUT : 0), 0 };
	pfd[nsenders] = (struct pollfd){ lfd, POLLIN, 0 };
	if (poll(pfd, nsenders + 1, POLL_MS) < 0)
		return; /* a signal */
	for (size_t i = 0; i < nsenders; i++) {
		if (pfd[i].revents & POLLOUT)
			sender_writable(&senders[i]);
		if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
			sender_readable(&senders[i], l);
	}
	if (pfd[nsenders].revents & POLLIN)
		accept_all(lfd, l);
	sweep();
}

/* The summary line; the exit status. */
static int finish(struct listener *l, const char *why)
{
	const struct merge *m = &l->copy;

	for (size_t i = 0; i < nsenders; i++)
		sender_close(&senders[i], why);
	hlog("%llu bytes from %llu senders, %llu contradictions, %llu gaps (%llu bytes), "
	     "%llu refused (%s)", (unsigned long long)m->have, (unsigned long long)m->senders,
	     (unsigned long long)m->contradictions, (unsigned long long)m->gaps,
	     (unsigned long long)m->gap_bytes,
	     (unsigned long long)(m->refused + l->frames_refused), why);
	return m->contradictions ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct listener l = { 0 };
	struct options o;
	char err[256];
	double idle_since;
	int lfd, status;

	if (!parse_options(argc, argv, &o)) {
		fputs(usage_text, stderr);
		return 2;
	}
	merge_init(&l.copy);
	if (o.guest_given)
		merge_set_guest(&l.copy, o.guest);
	l.out = o.out ? fopen(o.out, "wb") : stdout;
	if (!l.out) {
		hlog("cannot open %s: %s", o.out, strerror(errno));
		return 1;
	}
	lfd = nio_listen(o.bind, (unsigned)o.port, err, sizeof(err));
	if (lfd < 0) {
		hlog("cannot listen on %s:%lu: %s", o.bind, o.port, err);
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	hlog("listening on %s:%lu", o.bind, o.port);
	idle_since = nio_now();
	while (!stop_signal) {
		turn(lfd, &l);
		if (nsenders)
			idle_since = nio_now();
		else if (o.idle_s && nio_now() - idle_since >= o.idle_s)
			break;
	}
	status = finish(&l, stop_signal ? "stopped by a signal" : "idle");
	if (o.out)
		fclose(l.out);
	merge_free(&l.copy);
	return status;
}
