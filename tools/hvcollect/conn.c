/*
 * One connection from a hypervisor: bytes are fed to the decoder in
 * whatever pieces TCP delivers them; each whole message moves the session
 * on. Refusals drop the connection with a message here and an ERROR to the
 * peer; the session and its file stay for the reconnect.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler.h"
#include "hvcollect.h"
#include "proto/rrlog.h"
#include "netio.h"

#define WHY_SIZE 512

enum verdict verdict = RUNNING;

/* Is this refusal the peer's fault (malformed input), or a state the
 * collector cannot serve? --once fails on the first kind only. */
enum fault { PEER_FAULT, OUR_LIMIT };

struct conn *conn_new(int fd, const char *peer)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c || !(c->rx = malloc(LS_MAX_PAYLOAD))) {
		free(c);
		return NULL;
	}
	c->fd = fd;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	c->opened = nio_now();
	ls_decoder_init(&c->dec, LS_PEER_HV, c->rx, LS_MAX_PAYLOAD);
	ls_encoder_init(&c->enc);
	return c;
}

void conn_free(struct conn *c, const char *why)
{
	char err[WHY_SIZE];

	if (why)
		msg("hvcollect: %s: %s", c->peer, why);
	if (c->s && c->s->conn == c) {
		c->s->conn = NULL;
		if (!session_sync(c->s, err, sizeof(err)))
			msg("hvcollect: %s", err);
	}
	close(c->fd);
	free(c->rx);
	free(c);
}

bool conn_flush(struct conn *c)
{
	while (c->out_len) {
		ssize_t n = nio_send(c->fd, c->out, c->out_len);

		if (n < 0)
			return false;
		if (n == 0)
			break;
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
	return true;
}

static u8 *out_room(struct conn *c, size_t *cap)
{
	*cap = sizeof(c->out) - c->out_len;
	return c->out + c->out_len;
}

/* Drops the connection: a message, an ERROR to the peer (best effort),
 * and under --once the end of the collector when the peer is at fault. */
static bool __attribute__((format(printf, 3, 4)))
refuse(struct conn *c, enum fault fault, const char *fmt, ...)
{
	char why[WHY_SIZE];
	size_t cap, n;
	u8 *p = out_room(c, &cap);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	msg("hvcollect: %s: %s; connection dropped", c->peer, why);
	why[LS_REASON_MAX] = '\0';
	n = ls_encode_reason(&c->enc, p, cap, LS_ERROR, why);
	c->out_len += n;
	conn_flush(c);
	if (fault == PEER_FAULT && opt.once)
		verdict = DONE_FAILED;
	return false;
}

/* --- ACKs ---------------------------------------------------------------------- */

static bool send_ack(struct conn *c)
{
	char why[WHY_SIZE];
	size_t cap, n;
	u8 *p = out_room(c, &cap);

	if (cap < LS_HEADER_SIZE)
		return true; /* the peer is not reading; ACK later */
	if (!session_sync(c->s, why, sizeof(why)))
		return refuse(c, OUR_LIMIT, "%s", why);
	if (opt.slow_ms)
		nio_sleep_ms(opt.slow_ms);
	n = ls_encode_ack(&c->enc, p, cap, c->s->durable);
	c->out_len += n;
	c->acked = c->s->durable;
	c->unacked_since = 0;
	return conn_flush(c);
}

double conn_ack_deadline(const struct conn *c)
{
	if (!c->s || c->s->written == c->acked || !c->unacked_since)
		return 0;
	return c->unacked_since + ACK_BATCH_MS / 1000.0;
}

void conn_maybe_ack(struct conn *c, double now)
{
	double deadline = conn_ack_deadline(c);

	if (!deadline || c->dead)
		return;
	if (c->s->written - c->acked >= c->ack_bytes || now >= deadline)
		c->dead = !send_ack(c);
}

/* --- HELLO ------------------------------------------------------------------------ */

/* The HELLO's log header agrees with what the session already has: the
 * first HELLO's, and the file's first bytes. */
static bool same_log(struct session *s, const struct ls_msg *m)
{
	u16 len = m->hello.log_header_len;
	u8 file[LS_LOG_HEADER_MAX];
	size_t n = s->written < len ? (size_t)s->written : len;

	if (s->log_header_len &&
	    (s->log_header_len != len || memcmp(s->log_header, m->hello.log_header, len)))
		return false;
	if (n && (pread(s->fd, file, n, 0) != (ssize_t)n || memcmp(file, m->hello.log_header, n)))
		return false;
	memcpy(s->log_header, m->hello.log_header, len);
	s->log_header_len = len;
	return true;
}

/* "vmx, 256 MiB guest RAM, hypervisor 0.1" from the log header, if it decodes. */
static void describe_log(const struct ls_msg *m, char *out, size_t size)
{
	struct rrlog_header h;
	const char *why;
	char ram[32];

	if (rrlog_read_header(m->hello.log_header, m->hello.log_header_len, &h, &why) < 0) {
		snprintf(out, size, "log header: %s", why);
		return;
	}
	fmt_bytes(ram, sizeof(ram), (double)h.ram_size);
	snprintf(out, size, "%s, %s guest RAM, hypervisor %s", h.backend, ram, h.version);
}

/* Makes c the session's connection (a connection it had is dropped). */
static void attach(struct conn *c, struct session *s, const struct ls_msg *m)
{
	if (s->conn && s->conn != c) {
		if (!s->conn->dead)
			msg("hvcollect: %s: replaced by a new connection from %s", s->conn->peer,
			    c->peer);
		s->conn->s = NULL;
		s->conn->dead = true;
	}
	s->conn = c;
	c->acked = s->written;
	c->unacked_since = 0;
	c->ack_bytes = MIN(ACK_BATCH_BYTES, MAX(1u, m->hello.window / 4));
}

static bool on_hello(struct conn *c, const struct ls_msg *m)
{
	char why[WHY_SIZE], info[160];
	struct session *s;
	size_t cap;
	u8 *p = out_room(c, &cap);
	bool fresh;

	if (c->s)
		return refuse(c, PEER_FAULT, "a second HELLO");
	s = session_get(m->hello.session,
			is_snapshot(m->hello.log_header, m->hello.log_header_len), why, sizeof(why));
	if (!s)
		return refuse(c, OUR_LIMIT, "session %016llx refused: %s",
			      m->hello.session, why);
	fresh = !s->log_header_len && !s->written;
	if (!same_log(s, m))
		return refuse(c, PEER_FAULT,
			      "session %016llx: the log header differs from the one in %s "
			      "(another run with the same session id?)",
			      s->id, s->path);
	if (!session_sync(s, why, sizeof(why)))
		return refuse(c, OUR_LIMIT, "%s", why);
	if (s->durable < m->hello.oldest || s->durable > m->hello.produced)
		return refuse(c, PEER_FAULT,
			      "session %016llx cannot resume: %s holds %llu bytes, the hypervisor "
			      "holds bytes %llu to %llu",
			      s->id, s->path, s->durable,
			      m->hello.oldest,
			      m->hello.produced);
	c->s = s;
	attach(c, s, m);
	c->out_len += ls_encode_welcome(&c->enc, p, cap, s->id, s->durable);
	if (s->snapshot)
		describe_snapshot(m->hello.log_header, m->hello.log_header_len, info, sizeof(info));
	else
		describe_log(m, info, sizeof(info));
	if (fresh)
		msg("hvcollect: session %016llx from %s: new %s %s (%s)",
		    s->id, c->peer, s->snapshot ? "snapshot" : "log", s->path, info);
	else
		msg("hvcollect: session %016llx from %s: resuming %s at byte %llu",
		    s->id, c->peer, s->path, s->durable);
	return conn_flush(c);
}

/* --- DATA, END, BYE, ERROR ---------------------------------------------------------- */

static bool on_data(struct conn *c, const struct ls_msg *m)
{
	char why[WHY_SIZE];

	if (m->offset != c->s->written)
		return refuse(c, PEER_FAULT, "DATA at offset %llu, but the stream is at %llu",
			      m->offset, c->s->written);
	if (!session_write(c->s, m->payload, m->length, why, sizeof(why)))
		return refuse(c, OUR_LIMIT, "%s", why);
	if (!c->unacked_since)
		c->unacked_since = nio_now();
	return true;
}

static bool on_end(struct conn *c, const struct ls_msg *m)
{
	struct session *s = c->s;
	size_t cap;
	u8 *p;
	bool ok;

	if (m->offset != s->written)
		return refuse(c, PEER_FAULT, "END says the log has %llu bytes, the stream has %llu",
			      m->offset, s->written);
	if (!send_ack(c))
		return false;
	p = out_room(c, &cap);
	c->out_len += ls_encode_reason(&c->enc, p, cap, LS_BYE, "log complete");
	conn_flush(c);
	c->closing = true;
	s->ended = true;
	progress_tick(nio_now(), true);
	msg("hvcollect: session %016llx: END after %llu bytes in %s", s->id,
	    s->written, s->path);
	ok = s->snapshot ? check_snapshot(s) : check_log(s->path);
	if (opt.once && verdict == RUNNING)
		verdict = ok ? DONE_OK : DONE_FAILED;
	return true;
}

/* A peer's reason, printable. */
static void show_reason(const struct conn *c, const char *what, const struct ls_msg *m)
{
	char text[LS_REASON_MAX + 1];
	u32 i;

	for (i = 0; i < m->reason.len; i++) {
		char ch = m->reason.text[i];

		text[i] = ch >= ' ' && ch < 127 ? ch : '?';
	}
	text[i] = '\0';
	msg("hvcollect: %s %s: %s", c->peer, what, text);
}

static bool on_message(struct conn *c, const struct ls_msg *m)
{
	if (c->closing)
		return true; /* after END: the hypervisor is closing too */
	if (m->type == LS_HELLO)
		return on_hello(c, m);
	if (m->type == LS_BYE || m->type == LS_ERROR) {
		show_reason(c, m->type == LS_BYE ? "says bye" : "reports an error", m);
		return false;
	}
	if (!c->s)
		return refuse(c, PEER_FAULT, "%s before HELLO", ls_type_name(m->type));
	if (m->type == LS_HEARTBEAT) /* its WELCOME never asks for them */
		return refuse(c, PEER_FAULT, "HEARTBEAT, which hvcollect never takes");
	if (m->type == LS_DATA)
		return on_data(c, m);
	return on_end(c, m);
}

/* --- reading -------------------------------------------------------------------------- */

static bool decoder_refused(struct conn *c)
{
	const struct ls_decoder *d = &c->dec;

	if (ls_decoder_saw_tls(d))
		return refuse(c, PEER_FAULT, "the hypervisor speaks TLS (it has ft_key=, for a "
			      "backup's rr_live=): hvcollect takes the log in the clear");
	return refuse(c, PEER_FAULT,
		      "message %llu at byte %llu of the connection refused: %s (%s: got %#llx, "
		      "expected %#llx)",
		      d->messages, d->msg_start, d->why,
		      ls_error_name(d->error), d->got,
		      d->want);
}

/* The peer closed or the connection broke: say where the session stands. */
static bool closed(struct conn *c, bool broken)
{
	char where[160] = "";

	if (c->s)
		snprintf(where, sizeof(where), "; session %016llx has %llu bytes",
			 c->s->id, c->s->written);
	if (!c->closing || ls_decoder_mid_message(&c->dec))
		msg("hvcollect: %s: connection %s%s%s", c->peer, broken ? "broken" : "closed",
		    ls_decoder_mid_message(&c->dec) ? " in the middle of a message" : "", where);
	return false;
}

bool conn_readable(struct conn *c)
{
	static u8 chunk[READ_CHUNK];
	ssize_t n = nio_recv(c->fd, chunk, sizeof(chunk));
	size_t pos = 0, used;
	struct ls_msg m;

	if (n == -2)
		return true;
	if (n <= 0)
		return closed(c, n < 0);
	while (pos < (size_t)n) {
		enum ls_status rc = ls_decode(&c->dec, chunk + pos, (size_t)n - pos, &used, &m);

		pos += used;
		if (rc == LS_REFUSED)
			return decoder_refused(c);
		if (rc == LS_MESSAGE && !on_message(c, &m))
			return false;
	}
	conn_maybe_ack(c, nio_now());
	return !c->dead;
}
