/*
 * logstream_fakehv: plays the hypervisor's side of the log stream
 * (docs/log-stream.md) from a log file, for testing hvcollect. It keeps a
 * window of unACKed bytes the way the hypervisor's record ring does, sends
 * DATA in deliberately odd sizes and writes them in odd pieces, and can be
 * told to misbehave at given log offsets: drop the connection in the middle
 * of a message, send a corrupted message, or send half a header and close.
 * After each reconnect it resumes from the WELCOME offset.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/logstream_proto.h"
#include "tools/hvcollect/netio.h"

#define MAX_FAULTS 64
#define MAX_LINKS 200            /* connections before giving up */
#define CONNECT_TRIES 200        /* 50 ms apart: the collector may be starting */
#define CONNECT_RETRY_MS 50
#define SILENCE_MS 30000         /* a collector quiet for this long has failed */
#define TRUNCATED_HEADER 13      /* bytes of a header sent by --truncate-at */
#define DEFAULT_WINDOW (256 * 1024)
#define LOG_HEADER_LEN_OFF 10    /* the log header's own length field */

enum fault_kind { DROP, CORRUPT, TRUNCATE };

struct fault {
	u64 at;                  /* log offset */
	enum fault_kind kind;
	bool fired;
};

/* Everything that lasts across connections: the log, the ring, counters. */
struct fake {
	const char *host, *log_path;
	unsigned port;
	u64 session;
	u32 window;
	u32 rng;
	bool quiet;
	struct fault faults[MAX_FAULTS];
	unsigned nfaults;

	u8 *log;
	u64 total;
	u64 acked;               /* the ring's tail: confirmed by the collector */
	u64 sent;                /* next byte to send on this connection */
	u64 high_sent;           /* most bytes ever sent (resends are below) */
	bool end_acked;

	u64 links, data_msgs, resent, ack_waits, acks, max_unacked;
};

/* One connection. */
struct link {
	int fd;
	struct ls_encoder enc;
	struct ls_decoder dec;
	u8 rx[LS_MAX_TO_HV_PAYLOAD];
	u8 out[LS_MAX_MESSAGE];
	size_t out_len, out_pos;
	bool cut;                /* close once out_pos reaches cut_at */
	size_t cut_at;
	u64 produced;            /* what HELLO said */
	bool welcomed, end_sent, waiting;
	bool doomed;             /* a corrupted message went out: faults wait */
};

enum link_end { LINK_DONE, LINK_RETRY, LINK_FATAL };

static struct fake f = { .host = "127.0.0.1", .port = LS_DEFAULT_PORT, .window = DEFAULT_WINDOW,
			 .rng = 1 };

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	if (f.quiet)
		return;
	va_start(ap, fmt);
	fputs("logstream_fakehv: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static u32 next_rand(void)
{
	f.rng = f.rng * 1103515245u + 12345u;
	return f.rng >> 8;
}

/* DATA sizes: odd, small and large, and the largest allowed. */
static u32 chunk_size(void)
{
	static const u32 sizes[] = { 1, 3, 17, 127, 509, 1021, 1021, 2039, 4093, 4093, 8191,
				     12345, 32771, 65521, LS_MAX_PAYLOAD };

	return sizes[next_rand() % (sizeof(sizes) / sizeof(sizes[0]))];
}

/* --- building messages ------------------------------------------------------------ */

static struct fault *fault_in(u64 from, u64 len)
{
	for (unsigned i = 0; i < f.nfaults; i++)
		if (!f.faults[i].fired && f.faults[i].at >= from && f.faults[i].at < from + len)
			return &f.faults[i];
	return NULL;
}

/* Applies a fault to the DATA message just encoded for [f.sent, +len). */
static void apply_fault(struct link *l, struct fault *ft)
{
	u64 into = ft->at - f.sent;

	ft->fired = true;
	switch (ft->kind) {
	case DROP:
		l->cut = true;
		l->cut_at = LS_HEADER_SIZE + (size_t)into;
		say("dropping the connection at log offset %llu", ft->at);
		break;
	case CORRUPT:
		l->out[LS_HEADER_SIZE + into] ^= 0x5a;
		l->doomed = true;
		say("corrupting the DATA byte at log offset %llu", ft->at);
		break;
	case TRUNCATE:
		l->cut = true;
		l->cut_at = TRUNCATED_HEADER;
		say("sending %d bytes of a header and closing at log offset %llu",
		    TRUNCATED_HEADER, ft->at);
		break;
	}
}

static void queue_data(struct link *l)
{
	u64 room = f.acked + f.window - f.sent;
	u32 len = chunk_size();
	struct fault *ft;

	if (len > f.total - f.sent)
		len = (u32)(f.total - f.sent);
	if (len > room)
		len = (u32)room;
	l->out_len = ls_encode_data(&l->enc, l->out, sizeof(l->out), f.sent, f.log + f.sent, len);
	l->out_pos = 0;
	ft = l->doomed ? NULL : fault_in(f.sent, len);
	if (ft)
		apply_fault(l, ft);
	f.data_msgs++;
	if (f.sent < f.high_sent)
		f.resent += f.high_sent - f.sent < len ? f.high_sent - f.sent : len;
	f.sent += len;
	if (f.sent > f.high_sent)
		f.high_sent = f.sent;
	if (f.sent - f.acked > f.max_unacked)
		f.max_unacked = f.sent - f.acked;
}

/* The next message to send, if one is due: DATA while the window has room,
 * END after the last byte. A full window is a wait for ACKs. */
static void queue_next(struct link *l)
{
	if (l->out_len || !l->welcomed)
		return;
	if (f.sent < f.total) {
		if (f.sent - f.acked < f.window) {
			queue_data(l);
			l->waiting = false;
		} else if (!l->waiting) {
			l->waiting = true;
			f.ack_waits++;
		}
		return;
	}
	if (!l->end_sent) {
		l->out_len = ls_encode_end(&l->enc, l->out, sizeof(l->out), f.total);
		l->out_pos = 0;
		l->end_sent = true;
	}
}

static void queue_hello(struct link *l)
{
	u64 hlen = 0;

	if (f.total >= LOG_HEADER_LEN_OFF + 2)
		hlen = f.log[LOG_HEADER_LEN_OFF] | (u64)f.log[LOG_HEADER_LEN_OFF + 1] << 8;
	if (hlen > f.total)
		hlen = f.total;
	if (hlen > LS_LOG_HEADER_MAX)
		hlen = LS_LOG_HEADER_MAX;
	l->produced = f.acked + f.window < f.total ? f.acked + f.window : f.total;
	l->out_len = ls_encode_hello(&l->enc, l->out, sizeof(l->out), f.session, f.acked,
				     l->produced, f.window, f.log, (u16)hlen);
	l->out_pos = 0;
}

/* --- the connection -------------------------------------------------------------- */

/* Writes part of the pending message (odd pieces, so the collector sees
 * short reads); LINK_RETRY when a fault's cut point is reached. */
static int write_some(struct link *l)
{
	size_t left = l->out_len - l->out_pos, piece = left;
	ssize_t n;

	if (next_rand() % 2)
		piece = 1 + next_rand() % left;
	if (l->cut && l->out_pos + piece > l->cut_at)
		piece = l->cut_at - l->out_pos;
	n = piece ? nio_send(l->fd, l->out + l->out_pos, piece) : 0;
	if (n < 0) {
		say("connection broken while sending");
		return LINK_RETRY;
	}
	l->out_pos += (size_t)n;
	if (l->cut && l->out_pos == l->cut_at)
		return LINK_RETRY;
	if (l->out_pos == l->out_len)
		l->out_len = l->out_pos = 0;
	return -1;
}

static void show_reason(const char *what, const struct ls_msg *m)
{
	say("collector %s: %.*s", what, (int)m->reason.len, m->reason.text);
}

static int on_welcome(struct link *l, const struct ls_msg *m)
{
	if (l->welcomed || m->welcome.session != f.session) {
		say("unexpected WELCOME (session %016llx)", m->welcome.session);
		return LINK_FATAL;
	}
	if (m->offset < f.acked || m->offset > l->produced) {
		say("collector resumes at %llu, but the ring holds bytes %llu to %llu",
		    m->offset, f.acked,
		    l->produced);
		return LINK_FATAL;
	}
	if (f.links > 1)
		say("resuming at log offset %llu", m->offset);
	f.acked = f.sent = m->offset;
	l->welcomed = true;
	return -1;
}

static int on_ack(struct link *l, const struct ls_msg *m)
{
	if (!l->welcomed || m->offset < f.acked || m->offset > f.sent) {
		say("ACK of %llu outside the unACKed bytes %llu to %llu",
		    m->offset, f.acked,
		    f.sent);
		return LINK_FATAL;
	}
	f.acked = m->offset;
	f.acks++;
	if (l->end_sent && f.acked == f.total)
		f.end_acked = true;
	return -1;
}

/* -1 to go on, or how the connection ends. */
static int on_message(struct link *l, const struct ls_msg *m)
{
	switch (m->type) {
	case LS_WELCOME:
		return on_welcome(l, m);
	case LS_ACK:
		return on_ack(l, m);
	case LS_BYE:
		show_reason("says bye", m);
		return f.end_acked ? LINK_DONE : LINK_RETRY;
	default: /* LS_ERROR */
		show_reason("reports an error", m);
		return l->welcomed ? LINK_RETRY : LINK_FATAL;
	}
}

static int read_some(struct link *l)
{
	u8 buf[4096];
	ssize_t n = nio_recv(l->fd, buf, sizeof(buf));
	size_t pos = 0, used;
	struct ls_msg m;
	int rc;

	if (n == -2)
		return -1;
	if (n <= 0) {
		if (!f.end_acked)
			say("connection %s by the collector", n ? "broken" : "closed");
		return f.end_acked ? LINK_DONE : LINK_RETRY;
	}
	while (pos < (size_t)n) {
		enum ls_status st = ls_decode(&l->dec, buf + pos, (size_t)n - pos, &used, &m);

		pos += used;
		if (st == LS_REFUSED) {
			say("collector's message refused: %s", l->dec.why);
			return LINK_FATAL;
		}
		if (st == LS_MESSAGE && (rc = on_message(l, &m)) >= 0)
			return rc;
	}
	return -1;
}

static int run_link(struct link *l)
{
	int rc = -1;

	ls_encoder_init(&l->enc);
	ls_decoder_init(&l->dec, LS_PEER_COLLECTOR, l->rx, sizeof(l->rx));
	queue_hello(l);
	while (rc < 0) {
		struct pollfd p = { .fd = l->fd, .events = POLLIN };

		queue_next(l);
		if (l->out_len)
			p.events |= POLLOUT;
		if (poll(&p, 1, SILENCE_MS) == 0) {
			say("the collector said nothing for %d s", SILENCE_MS / 1000);
			return LINK_FATAL;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR))
			rc = read_some(l);
		if (rc < 0 && (p.revents & POLLOUT))
			rc = write_some(l);
	}
	return rc;
}

static int connect_retrying(void)
{
	char err[256];

	for (int i = 0; i < CONNECT_TRIES; i++) {
		int fd = nio_connect(f.host, f.port, err, sizeof(err));

		if (fd >= 0)
			return fd;
		nio_sleep_ms(CONNECT_RETRY_MS);
	}
	say("%s", err);
	return -1;
}

/* Connects until the whole log is ACKed; 0 or 1. */
static int stream(void)
{
	static struct link l;

	while (f.links < MAX_LINKS) {
		int rc;

		memset(&l, 0, sizeof(l));
		l.fd = connect_retrying();
		if (l.fd < 0)
			return 1;
		f.links++;
		rc = run_link(&l);
		close(l.fd);
		if (rc == LINK_DONE && f.end_acked)
			return 0;
		if (rc == LINK_FATAL)
			return 1;
	}
	say("gave up after %d connections", MAX_LINKS);
	return 1;
}

/* --- setup ------------------------------------------------------------------------ */

static bool read_log(void)
{
	FILE *fp = fopen(f.log_path, "rb");
	long size;

	if (!fp || fseek(fp, 0, SEEK_END) || (size = ftell(fp)) <= 0 || fseek(fp, 0, SEEK_SET)) {
		fprintf(stderr, "logstream_fakehv: %s: %s\n", f.log_path,
			fp ? "empty or unreadable" : strerror(errno));
		if (fp)
			fclose(fp);
		return false;
	}
	f.total = (u64)size;
	f.log = malloc((size_t)size);
	if (!f.log || fread(f.log, 1, (size_t)size, fp) != (size_t)size) {
		fprintf(stderr, "logstream_fakehv: %s: short read\n", f.log_path);
		fclose(fp);
		return false;
	}
	fclose(fp);
	return true;
}

/* A random session id, never 0. */
static u64 random_session(void)
{
	FILE *fp = fopen("/dev/urandom", "rb");
	u64 id = 0;

	if (fp) {
		if (fread(&id, sizeof(id), 1, fp) != 1)
			id = 0;
		fclose(fp);
	}
	return id ? id : (u64)getpid() * 0x9E3779B97F4A7C15ull;
}

static int usage(void)
{
	fputs("usage: logstream_fakehv --log FILE [--host ADDR] [--port P] [--session ID]\n"
	      "                        [--window BYTES] [--seed N] [--quiet]\n"
	      "                        [--drop-at N]... [--corrupt-at N]... [--truncate-at N]...\n",
	      stderr);
	return 2;
}

static bool add_fault(enum fault_kind kind, const char *arg)
{
	char *end;

	if (f.nfaults == MAX_FAULTS)
		return false;
	f.faults[f.nfaults].at = strtoull(arg, &end, 0);
	f.faults[f.nfaults].kind = kind;
	if (!*arg || *end)
		return false;
	f.nfaults++;
	return true;
}

static bool parse_args(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "session", required_argument, NULL, 's' },
		{ "window", required_argument, NULL, 'w' },
		{ "seed", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "drop-at", required_argument, NULL, 'd' },
		{ "corrupt-at", required_argument, NULL, 'c' },
		{ "truncate-at", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	bool ok = true;
	int c;

	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'l': f.log_path = optarg; break;
		case 'H': f.host = optarg; break;
		case 'p': f.port = (unsigned)strtoul(optarg, NULL, 0); break;
		case 's': f.session = strtoull(optarg, NULL, 0); break;
		case 'w': f.window = (u32)strtoul(optarg, NULL, 0); break;
		case 'r': f.rng = (u32)strtoul(optarg, NULL, 0); break;
		case 'q': f.quiet = true; break;
		case 'd': ok = add_fault(DROP, optarg); break;
		case 'c': ok = add_fault(CORRUPT, optarg); break;
		case 't': ok = add_fault(TRUNCATE, optarg); break;
		default: return false;
		}
		if (!ok)
			return false;
	}
	return optind == argc && f.log_path && f.port && f.window;
}

int main(int argc, char **argv)
{
	int rc;

	if (!parse_args(argc, argv))
		return usage();
	if (!read_log())
		return 1;
	if (!f.session)
		f.session = random_session();
	rc = stream();
	fprintf(stderr,
		"logstream_fakehv: %s: session %016llx, %llu of %llu log bytes ACKed, %llu DATA "
		"messages (%llu bytes resent), %llu connections, %llu ACKs, waited for ACKs %llu "
		"times, at most %llu bytes unACKed (window %u)\n",
		rc ? "FAILED" : "done", f.session, f.acked,
		f.total, f.data_msgs,
		f.resent, f.links,
		f.acks, f.ack_waits,
		f.max_unacked, f.window);
	return rc;
}
