// sources: net/tls/tls_session.c net/tls/tls_why.c net/tls/tls_conf.c net/tls/tls_rng.c proto/ft_psk.c lib/log.c lib/fmt.c
// uses: mbedtls
/*
 * net/tls/: a client and a server session joined by memory, with the
 * hypervisor's mbedTLS configuration built natively. The same key: the
 * handshake ends, a MiB each way arrives whole through a transport that
 * takes a few bytes at a time, close_notify ends it cleanly. A different
 * key, another identity, an altered record, a replayed record, bytes that
 * are not TLS: each ends the session on the side that sees it with the
 * reason logged, the peer told by an alert, and no plaintext delivered
 * from what was refused.
 */
#include "helpers.h"

#include <stdlib.h>

#include "errno.h"
#include "fake_tls_entropy.h"
#include "mbedtls/platform.h"
#include "net/tls/tls_conf.h"
#include "net/tls/tls_rng.h"
#include "net/tls/tls_session.h"
#include "net/tls/tls_why.h"

#define WIRE_MAX (4u << 20)
#define HEAP_BYTES (512u << 10)
#define RECORD_HEADER 5 /* type, version, length (RFC 5246, 6.2.1) */

void panic_at(const char *file, int line, const char *fmt, ...)
{
	fail_msg("panic at %s:%d: %s", file, line, fmt);
	abort();
}

/* One direction of the wire: what a side sent and the peer has not read. */
struct wire {
	u8 *buf;
	size_t len, read;
	size_t room;          /* bytes the sender may have in flight: backpressure */
};

/* One end: its session, and the plaintext it received. */
struct end {
	struct tls_session s;
	mbedtls_ssl_config conf;
	struct wire *out;
	u8 *got;
	size_t got_len;
};

static struct wire c2s, s2c;
static struct end client, server;
static u8 heap[HEAP_BYTES] __attribute__((aligned(16)));

static int wire_send(void *ctx, const u8 *data, size_t len)
{
	struct wire *w = ctx;
	size_t n = MIN(len, w->room - (w->len - w->read));

	assert_true(w->len + n <= WIRE_MAX);
	memcpy(w->buf + w->len, data, n);
	w->len += n;
	return (int)n;
}

static int collect(void *ctx, const u8 *data, size_t len)
{
	struct end *e = ctx;

	assert_true(e->got_len + len <= WIRE_MAX);
	memcpy(e->got + e->got_len, data, len);
	e->got_len += len;
	return 0;
}

static void wire_reset(struct wire *w, size_t room)
{
	if (!w->buf)
		w->buf = malloc(WIRE_MAX);
	w->len = w->read = 0;
	w->room = room;
}

static const struct ft_psk key_a = { 16, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } };
static const struct ft_psk key_b = { 16, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17 } };

static void start(struct end *e, bool is_server, const struct ft_psk *key, struct wire *out,
		  const char *peer)
{
	if (!e->got)
		e->got = malloc(WIRE_MAX);
	e->got_len = 0;
	e->out = out;
	assert_int_equal(tls_conf_init(&e->conf, is_server, key, mbedtls_ctr_drbg_random, tls_rng()), 0);
	assert_int_equal(tls_session_start(&e->s, &e->conf, peer,
					   (struct tls_transport){ wire_send, out }, collect, e), 0);
}

/* Moves up to chunk bytes of w to the session reading it. */
static bool deliver(struct wire *w, struct end *to, size_t chunk)
{
	size_t n = MIN(chunk, w->len - w->read);

	if (!n)
		return false;
	tls_session_input(&to->s, w->buf + w->read, n);
	w->read += n;
	return true;
}

/* Runs both ends until no byte moves. */
static void pump(size_t chunk)
{
	bool moved;

	do {
		moved = deliver(&c2s, &server, chunk);
		moved |= deliver(&s2c, &client, chunk);
		tls_session_poll(&client.s);
		tls_session_poll(&server.s);
	} while (moved);
}

static int setup(void **state)
{
	assert_int_equal(tls_rng_init(heap, sizeof(heap)), 0);
	capture_start();
	return 0;
}

static void finish(void)
{
	tls_session_free(&client.s);
	tls_session_free(&server.s);
	mbedtls_ssl_config_free(&client.conf);
	mbedtls_ssl_config_free(&server.conf);
}

static void connect_pair(const struct ft_psk *ckey, const struct ft_psk *skey, size_t room)
{
	capture_start();
	wire_reset(&c2s, room);
	wire_reset(&s2c, room);
	start(&server, true, skey, &s2c, "10.0.0.1:40000");
	start(&client, false, ckey, &c2s, "10.0.0.2:5002");
	pump(700);
}

/* Writes len bytes of a pattern from e, pumping as the transport drains. */
static void send_all(struct end *e, const u8 *data, size_t len)
{
	size_t done = 0, step = 1;

	while (done < len) {
		int n = tls_session_write(&e->s, data + done, MIN(len - done, step));

		assert_true(n >= 0);
		done += (size_t)n;
		step = step * 3 + 1; /* record sizes from 1 byte to TLS_RECORD_MAX */
		if (step > 3 * TLS_RECORD_MAX)
			step = 1;
		pump(1000);
	}
	while (!tls_session_drained(&e->s))
		pump(1000);
	pump(1000);
}

static void test_same_key(void **state)
{
	size_t len = 1u << 20;
	u8 *data = malloc(len);

	connect_pair(&key_a, &key_a, 3000);
	assert_int_equal(client.s.state, TLS_UP);
	assert_int_equal(server.s.state, TLS_UP);
	assert_captured("tls: session with 10.0.0.2:5002 up (TLS 1.2, TLS-PSK-WITH-AES-128-GCM-SHA256)");
	for (size_t i = 0; i < len; i++)
		data[i] = (u8)(i * 131 + (i >> 9));
	send_all(&client, data, len);
	assert_int_equal(server.got_len, len);
	assert_memory_equal(server.got, data, len);
	send_all(&server, data, len / 2);
	assert_int_equal(client.got_len, len / 2);
	assert_memory_equal(client.got, data, len / 2);
	assert_int_equal(server.s.plain_in, len);
	assert_int_equal(client.s.plain_out, len);
	tls_session_close(&client.s);
	pump(1000);
	assert_int_equal(server.s.state, TLS_CLOSED);
	assert_string_equal(server.s.why, "the peer closed the session");
	assert_not_captured("failed");
	finish();
	free(data);
}

/* The largest block mbedTLS's heap can still give. */
static size_t heap_largest_free(void)
{
	size_t lo = 0, hi = HEAP_BYTES;

	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;
		void *p = mbedtls_calloc(1, mid);

		if (p) {
			mbedtls_free(p);
			lo = mid;
		} else {
			hi = mid - 1;
		}
	}
	return lo;
}

/* The hypervisor's one heap (net/tls/tls_link.c, the size used here)
 * holds the sessions a side needs at once: the log stream's, the
 * witness's (hv/ft_witness.c) and one more (a backup refusing a stray
 * connection), with room left: two sessions up with a full record each
 * way, then room for four more of the same. All of it comes back. */
static void test_heap_room(void **state)
{
	static u8 record[TLS_RECORD_MAX];
	size_t before = heap_largest_free(), during, per_session;

	connect_pair(&key_a, &key_a, 1u << 20);
	assert_int_equal(client.s.state, TLS_UP);
	send_all(&client, record, sizeof(record));
	send_all(&server, record, sizeof(record));
	during = heap_largest_free();
	per_session = (before - during) / 2;
	print_message("tls heap: %zu bytes: %zu free without a session, %zu with two up "
		      "(%zu per session)\n", (size_t)HEAP_BYTES, before, during, per_session);
	assert_true(per_session > 2 * TLS_RECORD_MAX); /* its two record buffers at least */
	assert_true(during >= 4 * per_session); /* six at once, and room */
	finish();
	assert_int_equal(heap_largest_free(), before);
}

static void test_wrong_key(void **state)
{
	connect_pair(&key_a, &key_b, 1u << 20);
	assert_int_equal(server.s.state, TLS_FAILED);
	assert_int_equal(client.s.state, TLS_FAILED);
	assert_int_equal(server.s.error, MBEDTLS_ERR_SSL_INVALID_MAC);
	assert_int_equal(client.s.error, MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE);
	assert_captured("tls: handshake with 10.0.0.1:40000 failed: the peer's Finished message "
			"failed authentication: it holds a different pre-shared key");
	assert_captured("tls: handshake with 10.0.0.2:5002 failed: the peer refused the handshake "
			"(alert bad_record_mac");
	assert_int_equal(tls_session_write(&client.s, (const u8 *)"x", 1), -EIO);
	assert_int_equal(server.got_len + client.got_len, 0);
	finish();
}

static void test_other_identity(void **state)
{
	connect_pair(&key_a, &key_a, 1u << 20); /* for the configurations */
	finish();
	capture_start();
	wire_reset(&c2s, 1u << 20);
	wire_reset(&s2c, 1u << 20);
	start(&server, true, &key_a, &s2c, "server-side");
	assert_int_equal(tls_conf_init(&client.conf, false, &key_a, mbedtls_ctr_drbg_random,
				       tls_rng()), 0);
	assert_int_equal(mbedtls_ssl_conf_psk(&client.conf, key_a.key, key_a.len,
					      (const unsigned char *)"intruder", 8), 0);
	assert_int_equal(tls_session_start(&client.s, &client.conf, "client-side",
					   (struct tls_transport){ wire_send, &c2s }, collect,
					   &client), 0);
	pump(700);
	assert_int_equal(server.s.state, TLS_FAILED);
	assert_int_equal(client.s.state, TLS_FAILED);
	assert_captured("tls: handshake with server-side failed: the peer's PSK identity is not "
			"\"understudy-ft\"");
	assert_captured("tls: handshake with client-side failed: the peer refused the handshake "
			"(alert unknown_psk_identity");
	finish();
}

/* One record from the client, captured on the wire and not delivered. */
static size_t write_record(const char *text, size_t *at)
{
	*at = c2s.len;
	assert_int_equal(tls_session_write(&client.s, (const u8 *)text, strlen(text)),
			 (int)strlen(text));
	assert_true(tls_session_drained(&client.s));
	return c2s.len - *at;
}

static void test_altered_record(void **state)
{
	size_t at, len;

	connect_pair(&key_a, &key_a, 1u << 20);
	len = write_record("first", &at);
	pump(1000);
	assert_int_equal(server.got_len, 5);
	len = write_record("second", &at);
	c2s.buf[at + len - 20] ^= 0x01; /* one bit of the ciphertext */
	pump(1000);
	assert_int_equal(server.s.state, TLS_FAILED);
	assert_int_equal(server.got_len, 5);
	assert_captured("tls: session with 10.0.0.1:40000 failed: a record failed authentication "
			"(bad MAC): altered or replayed on the way");
	assert_int_equal(client.s.state, TLS_FAILED);
	assert_captured("tls: session with 10.0.0.2:5002 failed: the peer refused the session "
			"(alert bad_record_mac");
	finish();
}

static void test_replayed_record(void **state)
{
	size_t at, len;
	u8 copy[64];

	connect_pair(&key_a, &key_a, 1u << 20);
	len = write_record("pay 100", &at);
	assert_true(len <= sizeof(copy));
	memcpy(copy, c2s.buf + at, len);
	pump(1000);
	assert_int_equal(server.got_len, 7);
	memcpy(c2s.buf + c2s.len, copy, len); /* the same record again */
	c2s.len += len;
	pump(1000);
	assert_int_equal(server.s.state, TLS_FAILED);
	assert_int_equal(server.got_len, 7);
	assert_captured("a record failed authentication (bad MAC): altered or replayed on the way");
	finish();
}

/* A record header with a length past what TLS allows, and then plain text. */
static void test_not_tls(void **state)
{
	static const u8 junk[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

	connect_pair(&key_a, &key_a, 1u << 20);
	tls_session_input(&server.s, junk, sizeof(junk));
	assert_int_equal(server.s.state, TLS_FAILED);
	assert_captured("tls: session with 10.0.0.1:40000 failed: a malformed record");
	assert_int_equal(server.got_len, 0);
	finish();
}

/* Unlisted errors still name themselves. */
static void test_why_fallback(void **state)
{
	char why[TLS_WHY_MAX];

	tls_why(why, sizeof(why), MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO, true, 0);
	assert_non_null(strstr(why, "-0x7980"));
	tls_why(why, sizeof(why), MBEDTLS_ERR_SSL_BAD_HS_CLIENT_HELLO, true, 0);
	assert_string_equal(why, "the peer's first message is not a ClientHello we take (not TLS, or malformed)");
	tls_why(why, sizeof(why), MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, false, 99);
	assert_string_equal(why, "the peer sent fatal alert 99");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_key),
		cmocka_unit_test(test_heap_room),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_other_identity),
		cmocka_unit_test(test_altered_record),
		cmocka_unit_test(test_replayed_record),
		cmocka_unit_test(test_not_tls),
		cmocka_unit_test(test_why_fallback),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
