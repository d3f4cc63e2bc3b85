/* A byte stream in the clear or inside TLS (see stream_link.h): each call
 * goes to the TCP link or to the TLS link. */
#include "net/stream_link.h"

#include <string.h>

#include "errno.h"

/* The TCP connection under the link, in the clear or not. */
static const struct tcp_link *tcp_under(const struct stream_link *l)
{
	return l->secure ? &l->tls.tcp : &l->tcp;
}

int stream_link_connect(struct stream_link *l, const struct ft_psk *key, u32 ip, u16 port,
			u64 timeout_ns, stream_link_rx_fn rx, void *ctx)
{
	int err;

	memset(l, 0, sizeof(*l));
	l->secure = key != NULL;
	l->open = true;
	if (!l->secure)
		return tcp_link_connect(&l->tcp, ip, port, timeout_ns, rx, NULL, ctx);
	err = tls_link_connect(&l->tls, ip, port, timeout_ns, key, rx, ctx);
	if (err)
		stream_link_close(l);
	return err;
}

int stream_link_listen(struct stream_link *l, const struct ft_psk *key, u16 port,
		       stream_link_rx_fn rx, void *ctx)
{
	int err;

	memset(l, 0, sizeof(*l));
	l->secure = key != NULL;
	l->open = true;
	if (l->secure)
		err = tls_link_listen(&l->tls, port, key, rx, ctx);
	else
		err = tcp_link_listen(&l->tcp, port, rx, NULL, ctx);
	if (err)
		stream_link_close(l);
	return err;
}

void stream_link_poll(struct stream_link *l, u64 now_ns)
{
	if (!l->open)
		return;
	if (l->secure)
		tls_link_poll(&l->tls, now_ns);
	else
		tcp_link_poll(&l->tcp, now_ns);
}

enum stream_link_state stream_link_state(const struct stream_link *l)
{
	if (!l->open)
		return STREAM_LINK_DOWN;
	if (l->secure) {
		if (l->tls.state == TLS_LINK_UP)
			return STREAM_LINK_UP;
		return l->tls.state == TLS_LINK_DOWN ? STREAM_LINK_DOWN : STREAM_LINK_WAITING;
	}
	switch (l->tcp.state) {
	case TCP_LINK_LISTENING:
	case TCP_LINK_CONNECTING:
		return STREAM_LINK_WAITING;
	case TCP_LINK_UP:
		return STREAM_LINK_UP;
	default:
		return STREAM_LINK_DOWN;
	}
}

bool stream_link_connected(const struct stream_link *l)
{
	return l->open && tcp_under(l)->state == TCP_LINK_UP;
}

int stream_link_send(struct stream_link *l, const u8 *data, size_t len)
{
	switch (stream_link_state(l)) {
	case STREAM_LINK_WAITING:
		return 0;
	case STREAM_LINK_DOWN:
		return -EIO;
	default:
		break;
	}
	if (l->secure)
		return tls_link_send(&l->tls, data, len);
	return tcp_link_take(&l->tcp, data, len);
}

bool stream_link_push(struct stream_link *l, const u8 *buf, size_t len, size_t *pos)
{
	while (*pos < len) {
		int n = stream_link_send(l, buf + *pos, len - *pos);

		if (n <= 0)
			return false;
		*pos += (size_t)n;
	}
	return true;
}

bool stream_link_drained(const struct stream_link *l)
{
	return l->secure ? tls_link_drained(&l->tls) : tcp_link_drained(&l->tcp);
}

u64 stream_link_heard_ns(const struct stream_link *l)
{
	return tcp_under(l)->heard_ns;
}

u64 stream_link_bytes_acked(const struct stream_link *l)
{
	return tcp_under(l)->bytes_acked;
}

void stream_link_on_room(struct stream_link *l, void (*room)(void *ctx))
{
	if (l->secure)
		l->tls.room = room;
	else
		l->tcp.sent = room;
}

const char *stream_link_failure(const struct stream_link *l)
{
	return l->secure ? l->tls.failure : l->tcp.failure;
}

bool stream_link_refused(const struct stream_link *l)
{
	return l->secure && tls_link_refused(&l->tls);
}

bool stream_link_peer_began_with(const struct stream_link *l, const void *prefix, size_t n)
{
	return l->secure && tls_link_peer_began_with(&l->tls, prefix, n);
}

void stream_link_keepalive(struct stream_link *l, u32 idle_ms, u32 intvl_ms, u32 count)
{
	tcp_link_keepalive(l->secure ? &l->tls.tcp : &l->tcp, idle_ms, intvl_ms, count);
}

void stream_link_close(struct stream_link *l)
{
	if (!l->open)
		return;
	l->open = false;
	if (l->secure)
		tls_link_close(&l->tls);
	else
		tcp_link_close(&l->tcp, NULL);
}
