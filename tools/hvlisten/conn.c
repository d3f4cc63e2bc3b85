/* A sender's connection to hvlisten (see hvlisten.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvlisten.h"
#include "tools/hvcollect/netio.h"

#define READ_CHUNK 65536

void sender_init(struct sender *s, int fd, const char *peer)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	snprintf(s->peer, sizeof(s->peer), "%s", peer);
	cs_rx_init(&s->rx, CS_TO_LISTENER);
}

void sender_close(struct sender *s, const char *why)
{
	if (s->dead)
		return;
	hlog("%s: closed (%s): %llu DATA bytes, %llu contradicted", s->peer, why,
	     (unsigned long long)s->data_bytes, (unsigned long long)s->contradictions);
	close(s->fd);
	s->dead = true;
}

void sender_writable(struct sender *s)
{
	ssize_t n;

	if (!s->queued || s->dead)
		return;
	n = nio_send(s->fd, s->queue, s->queued);
	if (n < 0) {
		sender_close(s, "the connection broke");
		return;
	}
	memmove(s->queue, s->queue + n, s->queued - (size_t)n);
	s->queued -= (size_t)n;
	if (!s->queued && s->closing)
		sender_close(s, "refused");
}

/* Queues one frame to the sender and tries to send it. */
static void send_msg(struct sender *s, struct cs_msg *m)
{
	int n;

	m->seq = ++s->seq;
	n = cs_encode(m, s->queue + s->queued, sizeof(s->queue) - s->queued);
	if (n < 0) {
		sender_close(s, "its ACKs are not read");
		return;
	}
	s->queued += (size_t)n;
	sender_writable(s);
}

void sender_refuse(struct sender *s, u8 reason, const char *text)
{
	struct cs_msg m = { .type = CS_REFUSED, .reason = reason };

	snprintf(m.text, sizeof(m.text), "%s", text);
	hlog("%s: refused (%s): %s", s->peer, cs_reason_name(reason), text);
	s->closing = true;
	send_msg(s, &m);
}

/* Tells the sender what the listener has, when that moved. */
static void acknowledge(struct sender *s, const struct listener *l, u8 type)
{
	struct cs_msg m = { .type = type, .offset = l->copy.have };

	if (type == CS_ACK && l->copy.have == s->acked)
		return;
	s->acked = l->copy.have;
	send_msg(s, &m);
}

static void take_hello(struct sender *s, struct listener *l, const struct cs_msg *m)
{
	char why[CS_TEXT_MAX + 1];

	if (s->hello) {
		sender_refuse(s, CS_R_ORDER, "a second HELLO");
		return;
	}
	if (!merge_hello(&l->copy, m->guest)) {
		snprintf(why, sizeof(why), "guest %016llx is not this listener's (%016llx)",
			 (unsigned long long)m->guest, (unsigned long long)l->copy.guest);
		sender_refuse(s, CS_R_OTHER_GUEST, why);
		return;
	}
	s->hello = true;
	s->role = m->role;
	s->epoch = m->epoch;
	hlog("%s: HELLO: role %s, epoch %llu, guest %016llx, holding bytes [%llu, %llu); "
	     "the listener has %llu", s->peer, cs_role_name(m->role), (unsigned long long)m->epoch,
	     (unsigned long long)m->guest, (unsigned long long)m->oldest,
	     (unsigned long long)m->produced, (unsigned long long)l->copy.have);
	acknowledge(s, l, CS_WELCOME);
}

/* A byte for the log: the character when printable. */
static const char *shown(u8 b, char *buf)
{
	snprintf(buf, 8, isprint(b) ? "'%c'" : "\\x%02x", b);
	return buf;
}

/* Appends what is new to the output. */
static void write_new(struct listener *l)
{
	u64 n = l->copy.have - l->written;

	if (n && fwrite(l->copy.bytes + l->written, 1, n, l->out) != n)
		hlog("cannot write the output: %s", strerror(errno));
	fflush(l->out);
	l->written = l->copy.have;
}

static void take_data(struct sender *s, struct listener *l, const struct cs_msg *m)
{
	struct merge_contradiction c[CONTRADICTIONS_TOLD];
	unsigned told;
	u64 gap, before = l->copy.contradictions;
	char a[8], b[8];

	if (!s->hello) {
		sender_refuse(s, CS_R_ORDER, "DATA before HELLO");
		return;
	}
	if (merge_data(&l->copy, m->offset, m->data, m->len, &gap, c, CONTRADICTIONS_TOLD, &told) < 0) {
		hlog("out of memory for the console's copy");
		exit(1);
	}
	s->data_bytes += m->len;
	s->contradictions += l->copy.contradictions - before;
	if (gap)
		hlog("%s: gap: bytes [%llu, %llu) came from no sender", s->peer,
		     (unsigned long long)(m->offset - gap), (unsigned long long)m->offset);
	for (unsigned i = 0; i < told; i++)
		hlog("%s: contradiction at offset %llu: the sender (role %s) sent %s, the listener has %s",
		     s->peer, (unsigned long long)c[i].offset, cs_role_name(s->role),
		     shown(c[i].got, a), shown(c[i].have, b));
	write_new(l);
}

void sender_readable(struct sender *s, struct listener *l)
{
	static u8 buf[READ_CHUNK];
	ssize_t n = nio_recv(s->fd, buf, sizeof(buf));
	size_t pos = 0, used;
	struct cs_msg m;

	if (n == -2)
		return;
	if (n <= 0) {
		sender_close(s, n ? "the connection broke" : "the sender closed");
		return;
	}
	while (pos < (size_t)n && !s->closing && !s->dead) {
		enum cs_rx_status st = cs_rx_push(&s->rx, buf + pos, (size_t)n - pos, &used, &m);

		pos += used;
		if (st == CS_RX_REFUSED) {
			l->frames_refused++;
			sender_refuse(s, s->rx.reason, s->rx.why);
		} else if (st == CS_RX_FRAME && m.type == CS_HELLO) {
			take_hello(s, l, &m);
		} else if (st == CS_RX_FRAME) {
			take_data(s, l, &m);
		}
	}
	if (s->hello && !s->closing && !s->dead)
		acknowledge(s, l, CS_ACK);
}
