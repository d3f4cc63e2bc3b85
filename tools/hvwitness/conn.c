/*
 * One client's connection to the witness: the TLS handshake (a peer
 * without the key is dropped there), then frames in (proto/witness.h),
 * each answered by decide.c. A frame the receiver refuses is answered
 * with REFUSED and the connection is closed; so is a frame that does not
 * arrive whole in time. Every socket is non-blocking: mbedTLS says when
 * it waits for the socket, and a write it began is retried with the same
 * length, as it requires.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvwitness.h"

#define READ_CHUNK 1024

static bool tls_waits(int ret)
{
	return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

struct conn *conn_new(int fd, const char *peer, mbedtls_ssl_config *conf)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = fd;
	c->net.fd = fd;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	mbedtls_ssl_init(&c->ssl);
	if (mbedtls_ssl_setup(&c->ssl, conf)) {
		mbedtls_ssl_free(&c->ssl);
		free(c);
		return NULL;
	}
	mbedtls_ssl_set_bio(&c->ssl, &c->net, mbedtls_net_send, mbedtls_net_recv, NULL);
	wit_rx_init(&c->rx, WIT_TO_WITNESS);
	c->opened_ms = now_ms();
	return c;
}

void conn_free(struct conn *c)
{
	mbedtls_ssl_free(&c->ssl);
	close(c->fd);
	free(c);
}

static void drop(struct conn *c, const char *why, int ret)
{
	wlog("%s: %s (%s); connection dropped", c->peer, why, tls_error(ret));
	c->dead = true;
}

/* --- writing ------------------------------------------------------------------ */

void conn_flush(struct conn *c)
{
	while (c->out_len && !c->dead) {
		size_t len = c->inflight ? c->inflight : c->out_len;
		int n = mbedtls_ssl_write(&c->ssl, c->out, len);

		if (tls_waits(n)) {
			c->inflight = len;
			c->want_write = n == MBEDTLS_ERR_SSL_WANT_WRITE;
			return;
		}
		if (n < 0) {
			drop(c, "cannot write", n);
			return;
		}
		c->inflight = 0;
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
	c->want_write = false;
	if (c->closing && !c->dead) {
		mbedtls_ssl_close_notify(&c->ssl); /* best effort: the socket closes anyway */
		c->dead = true;
	}
}

/* A reply joins what is to be written; a client that sends faster than it
 * reads, until the replies fill OUT_CAP, is dropped. */
static void send_msg(struct conn *c, const struct wit_msg *m)
{
	int n = wit_encode(m, c->out + c->out_len, sizeof(c->out) - c->out_len);

	if (n == -ENOSPC) {
		wlog("%s: %zu bytes of replies not read; connection dropped", c->peer, c->out_len);
		c->dead = true;
		return;
	}
	if (n < 0) {
		wlog("%s: a reply does not encode (%d); connection dropped", c->peer, n);
		c->dead = true;
		return;
	}
	c->out_len += (size_t)n;
}

/* A frame refused: REFUSED with the reason, then the connection closes.
 * Its holder and epoch say nothing about the lease. */
static void refuse_frame(struct conn *c, u8 reason, const char *why)
{
	struct wit_msg r = { .type = WIT_REFUSED, .seq = ++c->tx_seq, .reason = reason };

	snprintf(r.text, sizeof(r.text), "%s", why);
	wlog("%s: refused frame (%s): %s; connection closed", c->peer, wit_reason_name(reason), why);
	send_msg(c, &r);
	c->closing = true;
}

/* --- reading ------------------------------------------------------------------ */

static void handshake(struct conn *c)
{
	int ret = mbedtls_ssl_handshake(&c->ssl);

	c->want_write = ret == MBEDTLS_ERR_SSL_WANT_WRITE;
	if (tls_waits(ret))
		return;
	if (ret) {
		drop(c, "handshake failed, not authenticated", ret);
		return;
	}
	c->open = true;
	wlog("%s: authenticated (%s)", c->peer, mbedtls_ssl_get_ciphersuite(&c->ssl));
}

/* Bytes in: frames answered, a refusal closes. */
static void take(struct conn *c, const u8 *data, size_t len)
{
	struct wit_msg m, reply;
	size_t used;

	while (len && !c->closing && !c->dead) {
		bool was_mid = wit_rx_mid_frame(&c->rx);
		enum wit_rx_status st = wit_rx_push(&c->rx, data, len, &used, &m);

		data += used;
		len -= used;
		if (st == WIT_RX_REFUSED) {
			refuse_frame(c, c->rx.reason, c->rx.why);
		} else if (st == WIT_RX_FRAME) {
			decide(c->peer, &m, ++c->tx_seq, &reply);
			send_msg(c, &reply);
		} else if (!was_mid) {
			c->frame_ms = now_ms();
		}
	}
}

static void peer_closed(struct conn *c)
{
	if (wit_rx_mid_frame(&c->rx))
		wlog("%s: truncated frame: the connection closed after %zu of %zu bytes; "
		     "connection dropped", c->peer, c->rx.have, wit_rx_expected(&c->rx));
	else
		wlog("%s: closed; frames taken: %llu", c->peer, c->rx.frames);
	c->dead = true;
}

static void read_frames(struct conn *c)
{
	u8 buf[READ_CHUNK];

	while (!c->dead && !c->closing) {
		int n = mbedtls_ssl_read(&c->ssl, buf, sizeof(buf));

		if (tls_waits(n)) {
			c->want_write = n == MBEDTLS_ERR_SSL_WANT_WRITE;
			return;
		}
		if (n == 0 || n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || n == MBEDTLS_ERR_NET_CONN_RESET) {
			peer_closed(c);
			return;
		}
		if (n < 0) {
			drop(c, "cannot read", n);
			return;
		}
		take(c, buf, (size_t)n);
	}
}

void conn_readable(struct conn *c)
{
	if (!c->open && !c->dead)
		handshake(c);
	if (c->open && !c->dead)
		read_frames(c);
	if (!c->dead)
		conn_flush(c);
}

/* --- deadlines ---------------------------------------------------------------- */

long conn_tick(struct conn *c, u64 now)
{
	char why[WIT_TEXT_MAX + 1];
	u64 deadline;

	if (c->dead || c->closing)
		return -1;
	if (!c->open)
		deadline = c->opened_ms + HANDSHAKE_MS;
	else if (wit_rx_mid_frame(&c->rx))
		deadline = c->frame_ms + FRAME_MS;
	else
		return -1;
	if (now < deadline)
		return (long)(deadline - now);
	if (!c->open) {
		wlog("%s: no handshake within %d ms; connection dropped", c->peer, HANDSHAKE_MS);
		c->dead = true;
		return -1;
	}
	snprintf(why, sizeof(why), "%zu of %zu bytes of a frame in %d ms", c->rx.have,
		 wit_rx_expected(&c->rx), FRAME_MS);
	refuse_frame(c, WIT_R_TRUNCATED, why);
	conn_flush(c);
	return -1;
}
