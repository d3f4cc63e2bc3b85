/* A TLS session over a caller's byte stream (see tls_session.h). */
#include "net/tls/tls_session.h"

#include <string.h>

#include "mbedtls/ssl_internal.h" /* mbedtls_ssl_flush_output */

#include "compiler.h"
#include "errno.h"
#include "fmt.h"
#include "log.h"
#include "net/tls/tls_why.h"

#define PLAIN_CHUNK 4096 /* plaintext handed to rx at a time */

static u8 plain[PLAIN_CHUNK]; /* one CPU, and rx never reads another session */

static bool live(const struct tls_session *s)
{
	return s->state == TLS_HANDSHAKE || s->state == TLS_UP;
}

/* Ends the session for mbedTLS error ret, saying why once. */
static void fail(struct tls_session *s, int ret)
{
	bool handshake = s->state == TLS_HANDSHAKE;
	u8 alert = 0;

	if (!live(s))
		return;
	if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && s->ssl.in_msg)
		alert = s->ssl.in_msg[1];
	s->state = TLS_FAILED;
	s->error = ret;
	s->refused = handshake && ret != TLS_ERR_TRANSPORT;
	tls_why(s->why, sizeof(s->why), ret, handshake, alert);
	pr_err("tls: %s with %s failed: %s", handshake ? "handshake" : "session", s->peer, s->why);
}

/* mbedTLS's send callback: as much as the transport takes now. */
static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_session *s = ctx;
	int n = s->tr.send(s->tr.ctx, buf, len);

	if (n < 0)
		return TLS_ERR_TRANSPORT;
	return n ? n : MBEDTLS_ERR_SSL_WANT_WRITE;
}

/* mbedTLS's receive callback: from what tls_session_input stored. */
static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_session *s = ctx;
	size_t n = MIN(len, s->in_len - s->in_pos);

	if (!n)
		return MBEDTLS_ERR_SSL_WANT_READ;
	memcpy(buf, s->in + s->in_pos, n);
	s->in_pos += n;
	return (int)n;
}

static bool would_block(int ret)
{
	return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

static void step_handshake(struct tls_session *s)
{
	int ret = mbedtls_ssl_handshake(&s->ssl);

	if (!ret) {
		s->state = TLS_UP;
		pr_info("tls: session with %s up (TLS 1.2, %s)", s->peer,
			mbedtls_ssl_get_ciphersuite(&s->ssl));
	} else if (!would_block(ret)) {
		fail(s, ret);
	}
}

/* Decrypts every whole record received and hands its plaintext to rx. */
static void read_records(struct tls_session *s)
{
	while (s->state == TLS_UP) {
		int ret = mbedtls_ssl_read(&s->ssl, plain, sizeof(plain));

		if (ret > 0) {
			s->plain_in += (u64)ret;
			if (s->rx(s->rx_ctx, plain, (size_t)ret))
				s->state = TLS_CLOSED;
		} else if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
			s->state = TLS_CLOSED;
			fmt_snprintf(s->why, sizeof(s->why), "the peer closed the session");
		} else if (would_block(ret)) {
			return;
		} else {
			fail(s, ret);
		}
	}
}

static void advance(struct tls_session *s)
{
	if (s->state == TLS_HANDSHAKE)
		step_handshake(s);
	if (s->state == TLS_UP)
		read_records(s);
}

int tls_session_start(struct tls_session *s, const mbedtls_ssl_config *conf, const char *peer,
		      struct tls_transport tr, tls_rx_fn rx, void *rx_ctx)
{
	int ret;

	memset(s, 0, sizeof(*s));
	fmt_snprintf(s->peer, sizeof(s->peer), "%s", peer);
	s->tr = tr;
	s->rx = rx;
	s->rx_ctx = rx_ctx;
	mbedtls_ssl_init(&s->ssl);
	ret = mbedtls_ssl_setup(&s->ssl, conf);
	if (ret) {
		pr_err("tls: no memory for a session with %s (mbedTLS error -0x%04x)", s->peer,
		       (unsigned)-ret);
		s->state = TLS_FAILED;
		return ret;
	}
	mbedtls_ssl_set_bio(&s->ssl, s, bio_send, bio_recv, NULL);
	s->state = TLS_HANDSHAKE;
	step_handshake(s);
	return 0;
}

/* Appends ciphertext to in[], compacting it first. */
static size_t store_input(struct tls_session *s, const u8 *data, size_t len)
{
	size_t n;

	if (s->in_pos) {
		memmove(s->in, s->in + s->in_pos, s->in_len - s->in_pos);
		s->in_len -= s->in_pos;
		s->in_pos = 0;
	}
	n = MIN(len, sizeof(s->in) - s->in_len);
	memcpy(s->in + s->in_len, data, n);
	s->in_len += n;
	return n;
}

int tls_session_input(struct tls_session *s, const u8 *data, size_t len)
{
	while (len && live(s)) {
		size_t n = store_input(s, data, len);

		if (!n) { /* mbedTLS takes nothing while its own output is blocked */
			fmt_snprintf(s->why, sizeof(s->why),
				     "the peer sent over %u bytes while ours could not leave",
				     TLS_INPUT_MAX);
			pr_err("tls: session with %s failed: %s", s->peer, s->why);
			s->state = TLS_FAILED;
			break;
		}
		data += n;
		len -= n;
		advance(s);
	}
	return live(s) ? 0 : -EIO;
}

/* Sends what mbedTLS holds encrypted; true when nothing is left. */
static bool flush(struct tls_session *s)
{
	int ret;

	if (!s->ssl.out_left)
		return true;
	ret = mbedtls_ssl_flush_output(&s->ssl);
	if (ret && !would_block(ret))
		fail(s, ret);
	return !ret;
}

void tls_session_poll(struct tls_session *s)
{
	if (s->state == TLS_UP)
		flush(s);
	advance(s);
}

int tls_session_write(struct tls_session *s, const u8 *data, size_t len)
{
	int ret;

	if (s->state == TLS_HANDSHAKE)
		return 0;
	if (s->state != TLS_UP)
		return -EIO;
	if (!flush(s))
		return live(s) ? 0 : -EIO;
	len = MIN(len, (size_t)TLS_RECORD_MAX);
	ret = mbedtls_ssl_write(&s->ssl, data, len);
	if (ret == MBEDTLS_ERR_SSL_WANT_WRITE && s->ssl.out_left)
		ret = (int)len; /* encrypted, waiting for room: taken */
	if (ret > 0) {
		s->plain_out += (u64)ret;
		return ret;
	}
	if (would_block(ret))
		return 0;
	fail(s, ret);
	return -EIO;
}

bool tls_session_drained(const struct tls_session *s)
{
	return !s->ssl.out_left;
}

void tls_session_close(struct tls_session *s)
{
	if (s->state == TLS_UP && flush(s))
		mbedtls_ssl_close_notify(&s->ssl);
	if (live(s)) {
		s->state = TLS_CLOSED;
		fmt_snprintf(s->why, sizeof(s->why), "closed by us");
	}
}

void tls_session_free(struct tls_session *s)
{
	mbedtls_ssl_free(&s->ssl);
	if (live(s))
		s->state = TLS_CLOSED;
}
