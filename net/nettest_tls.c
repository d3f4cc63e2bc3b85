/*
 * nettest=tls_server / tls_client: the TLS link between two instances
 * (net/tls/tls_link.h) with ft_key=. The client connects to
 * nettest_peer:5002 and sends, as plaintext over TLS, an 8-byte length N
 * (big-endian), N bytes of a pattern and their SHA-256; the server hashes
 * what it gets, checks the digest and answers with a verdict byte (1: the
 * digest matched) and its count. Each side prints its figures; the run
 * ends with exit code 0 when the digest matched, NETTEST_EXIT_FAILED
 * otherwise, a failed handshake included (each side says why).
 */
#include "net/nettest_tcp.h"

#include <string.h>

#include "mbedtls/sha256.h"

#include "arch/x86/platform.h"
#include "arch/x86/time.h"
#include "endian.h"
#include "log.h"
#include "net/net.h"
#include "net/nettest_common.h"
#include "net/tls/tls_link.h"

#define SEC_NS 1000000000ULL
#define ACCEPT_TIMEOUT_NS (300 * SEC_NS)  /* server: for a client to connect */
#define CONNECT_TIMEOUT_NS (60 * SEC_NS)  /* client: TCP retries until then */
#define IDLE_TIMEOUT_NS (30 * SEC_NS)     /* no plaintext moved */
#define LEN_BYTES 8
#define DIGEST_BYTES 32
#define REPLY_BYTES (1 + 8)               /* verdict, count */
#define CHUNK TLS_RECORD_MAX

enum phase { SEND_LENGTH, SEND_DATA, SEND_DIGEST, AWAIT_REPLY };

struct tls_test {
	const struct nettest_config *cfg;
	struct tls_link link;
	mbedtls_sha256_context sha;
	enum phase phase;                /* client */
	u64 total, moved;                /* the client's N; bytes sent or received */
	u8 head[LEN_BYTES + DIGEST_BYTES]; /* the length, then the digest */
	size_t head_len, digest_len;
	u8 reply[REPLY_BYTES];
	size_t reply_len;
	bool reply_due, reply_sent;      /* server */
	bool digest_ok;                  /* server: it matched */
	u64 start_ns, up_ns, end_ns, last_ns;
	bool done, failed;
};

static struct tls_test t;
static u8 chunk[CHUNK];

/* Byte i of the pattern: no short period, so a record cut or repeated
 * anywhere changes the digest. */
static u8 pattern_byte(u64 i)
{
	return (u8)(((i * 0x9E3779B1ULL) >> 24) ^ (i >> 11));
}

static void finish(bool ok)
{
	if (t.done)
		return;
	t.done = true;
	t.failed = !ok;
	t.end_ns = time_now_ns();
}

/* "N ms (X.YY Mbit/s)" since the handshake ended. */
static void report_rate(const char *what, u64 bytes)
{
	u64 ms, mbit;

	nettest_rate(bytes, t.end_ns - t.up_ns, &ms, &mbit);
	console_printf("nettest: tls %s %llu bytes in %llu ms (%llu.%02llu Mbit/s) after a %llu ms "
		       "handshake", what, bytes, ms, mbit / 100, mbit % 100,
		       (t.up_ns - t.start_ns) / 1000000);
}

/* --- server ------------------------------------------------------------------- */

/* The length, the data (hashed), then the digest, as plaintext arrives. */
static int server_rx(void *ctx, const u8 *data, size_t len)
{
	t.last_ns = time_now_ns();
	while (len) {
		size_t n;

		if (t.head_len < LEN_BYTES) {
			n = MIN(len, LEN_BYTES - t.head_len);
			memcpy(t.head + t.head_len, data, n);
			t.head_len += n;
			if (t.head_len == LEN_BYTES)
				t.total = be_get(t.head, LEN_BYTES);
		} else if (t.moved < t.total) {
			n = (size_t)MIN((u64)len, t.total - t.moved);
			mbedtls_sha256_update_ret(&t.sha, data, n);
			t.moved += n;
		} else if (t.digest_len < DIGEST_BYTES) {
			n = MIN(len, DIGEST_BYTES - t.digest_len);
			memcpy(t.head + LEN_BYTES + t.digest_len, data, n);
			t.digest_len += n;
		} else {
			pr_err("nettest: the client sent more than its length and digest");
			return -1;
		}
		data += n;
		len -= n;
	}
	if (t.digest_len == DIGEST_BYTES && !t.reply_due) {
		u8 ours[DIGEST_BYTES];

		mbedtls_sha256_finish_ret(&t.sha, ours);
		t.digest_ok = !memcmp(ours, t.head + LEN_BYTES, DIGEST_BYTES);
		t.reply_due = true;
	}
	return 0;
}

static void server_step(void)
{
	if (!t.reply_due || t.reply_sent)
		return;
	t.reply[0] = t.digest_ok;
	be_put(t.reply + 1, t.moved, 8);
	if (tls_link_send(&t.link, t.reply, REPLY_BYTES) != REPLY_BYTES)
		return; /* again next time */
	t.reply_sent = true;
	t.end_ns = time_now_ns();
	report_rate("server received", t.moved);
	console_printf(t.digest_ok ? ", SHA-256 digest ok\n" : "\n");
	if (!t.digest_ok)
		console_printf("nettest: FAILED: tls server: the SHA-256 of the %llu bytes received "
			       "is not the client's\n", t.moved);
	finish(t.digest_ok);
}

/* --- client ------------------------------------------------------------------- */

/* Hands the next piece to TLS; false when it took nothing. */
static bool client_push(void)
{
	u8 head[LEN_BYTES];
	size_t n;
	int took;

	switch (t.phase) {
	case SEND_LENGTH:
		be_put(head, t.total, LEN_BYTES);
		if (tls_link_send(&t.link, head, LEN_BYTES) != LEN_BYTES)
			return false;
		t.phase = t.total ? SEND_DATA : SEND_DIGEST;
		return true;
	case SEND_DATA:
		n = (size_t)MIN((u64)CHUNK, t.total - t.moved);
		for (size_t i = 0; i < n; i++)
			chunk[i] = pattern_byte(t.moved + i);
		took = tls_link_send(&t.link, chunk, n);
		if (took <= 0)
			return false;
		mbedtls_sha256_update_ret(&t.sha, chunk, (size_t)took);
		t.moved += (u64)took;
		t.last_ns = time_now_ns();
		if (t.moved == t.total)
			t.phase = SEND_DIGEST;
		return true;
	case SEND_DIGEST:
		if (!t.digest_len) {
			mbedtls_sha256_finish_ret(&t.sha, t.head + LEN_BYTES);
			t.digest_len = DIGEST_BYTES;
		}
		if (tls_link_send(&t.link, t.head + LEN_BYTES, DIGEST_BYTES) != DIGEST_BYTES)
			return false; /* a record still waits for room */
		t.phase = AWAIT_REPLY;
		return false;
	case AWAIT_REPLY:
		return false;
	}
	return false;
}

static int client_rx(void *ctx, const u8 *data, size_t len)
{
	size_t n = MIN(len, REPLY_BYTES - t.reply_len);

	memcpy(t.reply + t.reply_len, data, n);
	t.reply_len += n;
	if (t.reply_len < REPLY_BYTES)
		return 0;
	t.end_ns = time_now_ns();
	report_rate("client sent", t.moved);
	console_printf(", server counted %llu, digest %s\n", be_get(t.reply + 1, 8),
		       t.reply[0] == 1 ? "matched" : "DIFFERED");
	if (t.reply[0] != 1)
		console_printf("nettest: FAILED: tls client: the server's digest differed\n");
	finish(t.reply[0] == 1);
	return 0;
}

/* --- the loop ------------------------------------------------------------------ */

static void on_up(void)
{
	if (t.up_ns)
		return;
	t.up_ns = t.last_ns = time_now_ns();
	console_printf("nettest: tls %s: handshake with the peer done in %llu ms\n",
		       t.cfg->server ? "server" : "client", (t.up_ns - t.start_ns) / 1000000);
}

/* Moves the test on; then judges its timeouts (now is taken after the
 * pushes, which move last_ns). */
static void step(void)
{
	u64 now;

	if (t.link.state == TLS_LINK_UP) {
		on_up();
		if (t.cfg->server)
			server_step();
		else
			while (client_push())
				;
	}
	now = time_now_ns();
	if (t.link.state == TLS_LINK_DOWN && !t.done) {
		console_printf("nettest: FAILED: tls %s: %s; %llu bytes of plaintext %s\n",
			       t.cfg->server ? "server" : "client", t.link.failure, t.moved,
			       t.cfg->server ? "accepted" : "sent");
		finish(false);
	} else if (!t.up_ns && now - t.start_ns > (t.cfg->server ? ACCEPT_TIMEOUT_NS : CONNECT_TIMEOUT_NS)) {
		console_printf("nettest: FAILED: tls: no session within %llu s\n",
			       (now - t.start_ns) / SEC_NS);
		finish(false);
	} else if (t.up_ns && now - t.last_ns > IDLE_TIMEOUT_NS) {
		console_printf("nettest: FAILED: tls: no data moved for 30 s\n");
		finish(false);
	}
}

static int start(void)
{
	const struct nettest_config *cfg = t.cfg;

	t.start_ns = time_now_ns();
	if (cfg->server) {
		console_printf("nettest: tls server listening on %s:%u\n", net_address(),
			       NETTEST_TLS_PORT);
		return tls_link_listen(&t.link, NETTEST_TLS_PORT, cfg->key, server_rx, NULL);
	}
	t.total = cfg->bytes;
	return tls_link_connect(&t.link, __builtin_bswap32(cfg->peer), NETTEST_TLS_PORT, CONNECT_TIMEOUT_NS,
				cfg->key, client_rx, NULL);
}

/* The last bytes (the reply, close_notify) leave before the link closes. */
static void drain(void)
{
	u64 end = time_now_ns() + 2 * SEC_NS;

	while (t.link.state == TLS_LINK_UP && !tls_link_drained(&t.link) && time_now_ns() < end) {
		net_poll();
		tls_link_poll(&t.link, time_now_ns());
		nettest_sleep_until(net_next_deadline_ns());
	}
}

int nettest_tls_run(const struct nettest_config *cfg)
{
	if (nettest_check_config(cfg))
		return PLATFORM_EXIT_CONFIG;
	memset(&t, 0, sizeof(t));
	t.cfg = cfg;
	mbedtls_sha256_init(&t.sha);
	mbedtls_sha256_starts_ret(&t.sha, 0);
	if (!nettest_wait_for_address()) {
		pr_err("nettest: FAILED: no address within 30 s");
		return NETTEST_EXIT_FAILED;
	}
	if (start()) {
		pr_err("nettest: FAILED: cannot start the TLS link");
		return NETTEST_EXIT_FAILED;
	}
	while (!t.done) {
		net_poll();
		tls_link_poll(&t.link, time_now_ns());
		step();
		if (!t.done)
			nettest_sleep_until(net_next_deadline_ns());
	}
	drain();
	tls_link_close(&t.link);
	net_poll();
	nettest_report_costs();
	return t.failed ? NETTEST_EXIT_FAILED : 0;
}
