/*
 * hvwitness --client: one request to a witness over TLS with the key,
 * each reply printed as one line (print.c), for tests and a look by hand.
 * Test hooks send what a correct node never would: a frame twice (a
 * replay), a frame with a flipped bit, part of a frame, any bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "endian.h"
#include "hexdigit.h"
#include "hvwitness.h"

#define SEND_MAX 4096

/* A connection and the reply bytes read but not yet taken. */
struct link {
	mbedtls_net_context net;
	mbedtls_ssl_context ssl;
	struct wit_rx rx;
	u8 buf[1024];
	size_t pos, len;
};

static int fail(const char *what, const char *why)
{
	printf("ERROR text=\"%s: %s\"\n", what, why);
	return EXIT_FAILED;
}

/* --- the request ---------------------------------------------------------------- */

static bool parse_u64(const char *s, u64 max, u64 *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return false;
	v = strtoull(s, &end, 10);
	if (*end || v > max)
		return false;
	*out = v;
	return true;
}

/* HEX's bytes into out: their count, or -1. */
static int parse_hex(const char *hex, u8 *out, size_t cap)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (u8)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

/* The command's request as a message; false when the words are not one. */
static bool request_of(const struct client_options *o, int argc, char **argv, struct wit_msg *m)
{
	static const struct { const char *word; u8 type; int min, max; } cmds[] = {
		{ "acquire", WIT_ACQUIRE, 0, 2 },
		{ "renew", WIT_RENEW, 1, 1 },
		{ "release", WIT_RELEASE, 1, 1 },
		{ "query", WIT_QUERY, 0, 0 },
	};
	u64 duration = 0;

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[0], cmds[i].word))
			continue;
		if (argc - 1 < cmds[i].min || argc - 1 > cmds[i].max)
			return false;
		m->type = cmds[i].type;
		if (argc > 1 && !parse_u64(argv[1], WIT_EPOCH_MAX, &m->epoch))
			return false;
		if (argc > 2 && !parse_u64(argv[2], 0xFFFFFFFFu, &duration))
			return false;
		m->duration_ms = (u32)duration;
		if (m->type != WIT_QUERY)
			snprintf(m->node, sizeof(m->node), "%s", o->node ? o->node : "");
		return true;
	}
	return false;
}

/* The bytes to send, test hooks applied: their count, or -1. */
static int bytes_of(const struct client_options *o, int argc, char **argv, u8 *out)
{
	struct wit_msg m;
	int n;

	if (argc == 2 && !strcmp(argv[0], "send-hex"))
		return parse_hex(argv[1], out, SEND_MAX);
	if (!request_of(o, argc, argv, &m))
		return -1;
	m.seq = o->seq ? o->seq : 1;
	n = wit_encode(&m, out, SEND_MAX);
	if (n < 0)
		return -1;
	if (!o->seq) { /* a sequence number the encoder refuses, checksummed */
		le_put(out + WIT_OFF_SEQ, 0, 8);
		le_put(out + WIT_OFF_CHECKSUM, wit_checksum(out, out + WIT_HDR, (size_t)n - WIT_HDR), 4);
	}
	if (o->corrupt)
		out[n - 1] ^= 1;
	return o->truncate >= 0 && o->truncate < n ? o->truncate : n;
}

/* --- the connection --------------------------------------------------------------- */

static int connect_link(struct link *l, const struct client_options *o, struct tls *t)
{
	char port[16];
	int ret;

	snprintf(port, sizeof(port), "%u", o->port);
	mbedtls_ssl_conf_read_timeout(&t->conf, o->timeout_ms);
	ret = mbedtls_net_connect(&l->net, o->host, port, MBEDTLS_NET_PROTO_TCP);
	if (ret)
		return fail("connect", tls_error(ret));
	ret = mbedtls_ssl_setup(&l->ssl, &t->conf);
	if (ret)
		return fail("TLS set-up", tls_error(ret));
	mbedtls_ssl_set_bio(&l->ssl, &l->net, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
	do
		ret = mbedtls_ssl_handshake(&l->ssl);
	while (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE);
	return ret ? fail("handshake failed", tls_error(ret)) : 0;
}

static int send_all(struct link *l, const u8 *data, size_t len)
{
	while (len) {
		int n = mbedtls_ssl_write(&l->ssl, data, len);

		if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (n < 0)
			return fail("write", tls_error(n));
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The next reply, printed: 0 GRANTED or STATE, EXIT_REFUSED, or a failure. */
static int read_reply(struct link *l)
{
	char line[LINE_MAX];
	struct wit_msg m;
	size_t used;

	for (;;) {
		enum wit_rx_status st = wit_rx_push(&l->rx, l->buf + l->pos, l->len - l->pos, &used, &m);
		int n;

		l->pos += used;
		if (st == WIT_RX_REFUSED)
			return fail("the witness's reply is refused", l->rx.why);
		if (st == WIT_RX_FRAME) {
			format_msg(&m, line, sizeof(line));
			printf("%s\n", line);
			return m.type == WIT_REFUSED ? EXIT_REFUSED : EXIT_OK;
		}
		n = mbedtls_ssl_read(&l->ssl, l->buf, sizeof(l->buf));
		if (n == MBEDTLS_ERR_SSL_WANT_READ || n == MBEDTLS_ERR_SSL_WANT_WRITE)
			n = 0;
		else if (n == 0 || n == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
			return fail("read", "the witness closed the connection without a reply");
		else if (n < 0)
			return fail("read", tls_error(n));
		l->pos = 0;
		l->len = (size_t)n;
	}
}

/* Sends the bytes (twice with --replay), printing each reply. */
static int exchange(struct link *l, const struct client_options *o, const u8 *bytes, size_t len)
{
	int rc = send_all(l, bytes, len);

	if (!rc)
		rc = read_reply(l);
	if (o->replay && rc != EXIT_FAILED) {
		rc = send_all(l, bytes, len);
		if (!rc)
			rc = read_reply(l);
	}
	return rc;
}

int client_run(const struct client_options *o, int argc, char **argv)
{
	static u8 bytes[SEND_MAX];
	struct tls tls;
	struct link l;
	char err[256];
	int len = argc ? bytes_of(o, argc, argv, bytes) : -1, rc;

	if (len < 0)
		return EXIT_USAGE;
	memset(&l, 0, sizeof(l));
	mbedtls_net_init(&l.net);
	mbedtls_ssl_init(&l.ssl);
	wit_rx_init(&l.rx, WIT_TO_NODE);
	rc = tls_setup(&tls, MBEDTLS_SSL_IS_CLIENT, o->key_file, err, sizeof(err));
	if (rc)
		rc = fail("key", err);
	if (!rc)
		rc = connect_link(&l, o, &tls);
	if (!rc)
		rc = exchange(&l, o, bytes, (size_t)len);
	if (rc != EXIT_FAILED)
		mbedtls_ssl_close_notify(&l.ssl);
	mbedtls_ssl_free(&l.ssl);
	mbedtls_net_free(&l.net);
	tls_free(&tls);
	return rc;
}
