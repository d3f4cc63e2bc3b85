/* TCP links joined by memory (see fake_tcp_link.h). */
#include "fake_tcp_link.h"

#include <stdlib.h>
#include <string.h>

#include "arch/x86/time.h"
#include "compiler.h"
#include "errno.h"
#include "fmt.h"

#define MAX_CONNS 8
#define MAX_LISTENERS 4
#define INBOX_BYTES (1u << 20)

/* One direction of a connection: what `from` sent and `to` has not read. */
struct inbox {
	u8 *buf;
	size_t len, read;
	bool closed;                 /* the sender closed after these bytes */
};

/* A connection: end 0 connected, end 1 was listening. */
struct conn {
	bool used;
	struct tcp_link *end[2];     /* NULL once that end has left */
	struct inbox to[2];          /* to[i]: bytes for end[i] */
};

static struct conn conns[MAX_CONNS];
static struct tcp_link *listeners[MAX_LISTENERS];
static size_t chunk_bytes = 1000, room_bytes = 3000;
static unsigned connections;

void fake_tcp_reset(size_t chunk, size_t room)
{
	for (unsigned i = 0; i < MAX_CONNS; i++) {
		free(conns[i].to[0].buf);
		free(conns[i].to[1].buf);
	}
	memset(conns, 0, sizeof(conns));
	memset(listeners, 0, sizeof(listeners));
	chunk_bytes = chunk;
	room_bytes = room;
	connections = 0;
}

unsigned fake_tcp_connections(void)
{
	return connections;
}

/* The connection l is an end of, and which end. */
static struct conn *conn_of(const struct tcp_link *l, int *side)
{
	for (unsigned i = 0; i < MAX_CONNS; i++) {
		for (int s = 0; s < 2; s++) {
			if (conns[i].used && conns[i].end[s] == l) {
				*side = s;
				return &conns[i];
			}
		}
	}
	return NULL;
}

/* l leaves its connection (closed, or reused for another): the peer reads
 * what is left, then the close. */
static void leave(struct tcp_link *l)
{
	int s;
	struct conn *c = conn_of(l, &s);

	if (!c)
		return;
	c->end[s] = NULL;
	c->to[1 - s].closed = true;
	if (!c->end[1 - s]) {
		free(c->to[0].buf);
		free(c->to[1].buf);
		memset(c, 0, sizeof(*c));
	}
}

static void forget_listener(const struct tcp_link *l)
{
	for (unsigned i = 0; i < MAX_LISTENERS; i++)
		if (listeners[i] == l)
			listeners[i] = NULL;
}

static void fail_later(struct tcp_link *l, const char *why)
{
	if (!l->failure)
		l->failure = why;
	l->close_wanted = true;
}

int tcp_link_listen(struct tcp_link *l, u16 port, tcp_link_rx_fn rx, void (*sent)(void *ctx),
		    void *ctx)
{
	unsigned free_slot = MAX_LISTENERS;

	leave(l);
	forget_listener(l);
	memset(l, 0, sizeof(*l));
	for (unsigned i = 0; i < MAX_LISTENERS; i++) {
		if (listeners[i] && listeners[i]->port == port)
			return -EBUSY;
		if (!listeners[i])
			free_slot = i;
	}
	if (free_slot == MAX_LISTENERS)
		return -ENOMEM;
	l->port = port;
	l->rx = rx;
	l->sent = sent;
	l->ctx = ctx;
	l->state = TCP_LINK_LISTENING;
	listeners[free_slot] = l;
	return 0;
}

int tcp_link_connect(struct tcp_link *l, u32 ip, u16 port, u64 timeout_ns, tcp_link_rx_fn rx,
		     void (*sent)(void *ctx), void *ctx)
{
	leave(l);
	forget_listener(l);
	memset(l, 0, sizeof(*l));
	l->peer_ip = ip;
	l->port = port;
	l->rx = rx;
	l->sent = sent;
	l->ctx = ctx;
	l->state = TCP_LINK_CONNECTING;
	l->connect_deadline_ns = time_now_ns() + timeout_ns;
	return 0;
}

/* A connecting link meets the listener on its port, if one listens. */
static bool try_connect(struct tcp_link *l)
{
	for (unsigned i = 0; i < MAX_LISTENERS; i++) {
		struct tcp_link *srv = listeners[i];

		if (!srv || srv->port != l->port || srv->state != TCP_LINK_LISTENING)
			continue;
		for (unsigned k = 0; k < MAX_CONNS; k++) {
			if (conns[k].used)
				continue;
			conns[k] = (struct conn){ .used = true, .end = { l, srv } };
			conns[k].to[0].buf = malloc(INBOX_BYTES);
			conns[k].to[1].buf = malloc(INBOX_BYTES);
			l->state = srv->state = TCP_LINK_UP;
			connections++;
			return true;
		}
	}
	return false;
}

void tcp_link_poll(struct tcp_link *l, u64 now_ns)
{
	if (l->close_wanted) {
		tcp_link_close(l, l->failure);
		return;
	}
	if (l->state != TCP_LINK_CONNECTING || try_connect(l))
		return;
	if (now_ns >= l->connect_deadline_ns)
		tcp_link_close(l, "the peer refused the connection");
}

size_t tcp_link_room(const struct tcp_link *l)
{
	int s;
	const struct conn *c = conn_of(l, &s);
	size_t unread;

	if (l->state != TCP_LINK_UP || l->close_wanted || !c || !c->end[1 - s])
		return 0;
	unread = c->to[1 - s].len - c->to[1 - s].read;
	return unread >= room_bytes ? 0 : room_bytes - unread;
}

int tcp_link_send(struct tcp_link *l, const u8 *data, size_t len)
{
	int s;
	struct conn *c = conn_of(l, &s);
	struct inbox *in;

	if (len > tcp_link_room(l))
		return -EAGAIN;
	in = &c->to[1 - s];
	if (in->len + len > INBOX_BYTES) { /* compact what the peer has read */
		memmove(in->buf, in->buf + in->read, in->len - in->read);
		in->len -= in->read;
		in->read = 0;
	}
	memcpy(in->buf + in->len, data, len);
	in->len += len;
	l->bytes_queued += len;
	return 0;
}

int tcp_link_take(struct tcp_link *l, const u8 *data, size_t len)
{
	size_t n;

	if (l->state != TCP_LINK_UP)
		return -EIO;
	n = MIN(len, tcp_link_room(l));
	if (n && tcp_link_send(l, data, n))
		return -EIO;
	return (int)n;
}

void tcp_link_keepalive(struct tcp_link *l, u32 idle_ms, u32 intvl_ms, u32 count)
{
	l->keep_idle_ms = idle_ms;
	l->keep_intvl_ms = intvl_ms;
	l->keep_count = count;
}

void tcp_link_peer_name(const struct tcp_link *l, char *buf, size_t size)
{
	fmt_snprintf(buf, size, l->state == TCP_LINK_LISTENING ? "none" : "10.0.0.%u:%u",
		     l->peer_ip ? 2 : 1, l->port);
}

void tcp_link_close(struct tcp_link *l, const char *why)
{
	leave(l);
	forget_listener(l);
	if (why && !l->failure)
		l->failure = why;
	l->close_wanted = false;
	l->state = TCP_LINK_DOWN;
}

/* Hands one chunk of end s's inbox to its rx, or the close behind it. */
static bool deliver(struct conn *c, int s)
{
	struct tcp_link *l = c->end[s], *from = c->end[1 - s];
	struct inbox *in = &c->to[s];
	size_t n = MIN(chunk_bytes, in->len - in->read);
	int failed;

	if (!l || l->close_wanted || l->state != TCP_LINK_UP)
		return false;
	if (!n) {
		if (!in->closed)
			return false;
		fail_later(l, "the peer closed the connection");
		return true;
	}
	in->read += n;
	l->bytes_received += n;
	/* rx before the sender hears of the room: what it sends then may
	 * compact this inbox under the bytes being handed over */
	failed = l->rx(l->ctx, in->buf + in->read - n, n);
	if (from) {
		from->bytes_acked += n;
		if (from->sent)
			from->sent(from->ctx);
	}
	if (failed)
		fail_later(l, NULL);
	return true;
}

bool fake_tcp_run(void)
{
	bool moved = false;

	for (unsigned i = 0; i < MAX_CONNS; i++) {
		if (!conns[i].used)
			continue;
		moved |= deliver(&conns[i], 0);
		if (conns[i].used)
			moved |= deliver(&conns[i], 1);
	}
	return moved;
}

bool fake_tcp_alter(void)
{
	for (unsigned i = 0; i < MAX_CONNS; i++) {
		struct inbox *in = &conns[i].to[1];

		if (conns[i].used && !in->closed && in->len > in->read) {
			in->buf[in->len - 1] ^= 0xff;
			return true;
		}
	}
	return false;
}

unsigned fake_tcp_cut(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &conns[i];

		if (!c->used)
			continue;
		for (int s = 0; s < 2; s++) {
			if (c->end[s] && c->end[s]->state == TCP_LINK_UP)
				fail_later(c->end[s], "the peer reset the connection");
			c->to[s].len = c->to[s].read = 0; /* what was under way is lost */
		}
		n++;
	}
	return n;
}
