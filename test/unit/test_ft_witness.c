// sources: hv/ft_witness.c net/stream_link.c net/tls/tls_link.c net/tls/tls_session.c net/tls/tls_why.c net/tls/tls_conf.c net/tls/tls_rng.c test/unit/fake_tcp_link.c proto/witness_client.c proto/witness_lease.c proto/witness_types.c proto/witness_codec.c proto/wire.c proto/wire_prim.c proto/ft_psk.c lib/log.c lib/fmt.c lib/hash.c
// uses: mbedtls
/*
 * hv/ft_witness.c, the hypervisor's side of the witness, over the real
 * stream link and TLS (on TCP links joined by memory:
 * test/unit/fake_tcp_link.c) to a witness made here of the real lease
 * (proto/witness_lease.c) and codec, over TLS with the key too: two
 * sessions in mbedTLS's one heap. A primary acquires and keeps the lease
 * for ten seconds of renewals, through connections reset under it; it
 * loses the lease when the witness goes mute (it runs out) or refuses a
 * renewal (another node took it). A backup learns the primary's epoch,
 * waits while it is held and goes live on the next one; it never goes
 * live when the primary bumped. A different key is refused for good.
 * Without witness= nothing runs.
 */
#include "helpers.h"

#include "arch/x86/time.h"
#include "fake_tcp_link.h"
#include "fake_tls_entropy.h"
#include "fake_tls_heap.h"
#include "hv/config.h"
#include "hv/ft_witness.h"
#include "net/stream_link.h"
#include "proto/witness_lease.h"

#define PORT 9730
#define STEP_NS 1000000ULL /* 1 ms a turn */
#define LEASE_MS 3000
#define NS_PER_MS 1000000ULL

static const struct ft_psk key_a = { 16, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } };
static const struct ft_psk key_b = { 16, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17 } };

static u64 now_ns = 1000000000ULL;

void panic_at(const char *file, int line, const char *fmt, ...)
{
	fail_msg("panic at %s:%d: %s", file, line, fmt);
	abort();
}

u64 time_now_ns(void)
{
	return now_ns;
}

/* --- the witness ------------------------------------------------------------------- */

static struct {
	const struct ft_psk *key;
	struct stream_link link;
	struct wit_rx rx;
	struct wit_lease lease;
	u64 seq;
	unsigned requests;
	bool mute;           /* takes requests and answers none */
} wit;

static u64 ms(void)
{
	return now_ns / NS_PER_MS;
}

static int wit_on_rx(void *ctx, const u8 *data, size_t len)
{
	while (len) {
		struct wit_msg q, r;
		size_t used = 0;
		u8 out[WIT_FRAME_MAX];
		enum wit_rx_status st = wit_rx_push(&wit.rx, data, len, &used, &q);
		int n;

		assert_int_not_equal(st, WIT_RX_REFUSED);
		data += used;
		len -= used;
		if (st != WIT_RX_FRAME || wit.mute)
			continue;
		wit.requests++;
		wit_lease_decide(&wit.lease, &q, ms(), &r);
		r.seq = ++wit.seq;
		n = wit_encode(&r, out, sizeof(out));
		assert_true(n > 0);
		assert_int_equal(stream_link_send(&wit.link, out, (size_t)n), n);
	}
	return 0;
}

static void wit_listen(void)
{
	wit_rx_init(&wit.rx, WIT_TO_WITNESS);
	wit.seq = 0;
	assert_int_equal(stream_link_listen(&wit.link, wit.key, PORT, wit_on_rx, NULL), 0);
}

/* The witness's turn: a connection that ended makes way for the next. */
static void wit_poll(void)
{
	stream_link_poll(&wit.link, now_ns);
	if (stream_link_state(&wit.link) == STREAM_LINK_DOWN) {
		stream_link_close(&wit.link);
		wit_listen();
	}
}

/* The lease held by node from now, at the epoch after `after`. */
static void wit_grant(const char *node, u64 after)
{
	struct wit_msg q = { .type = WIT_ACQUIRE, .seq = 1, .epoch = after,
			     .duration_ms = LEASE_MS }, r;

	strcpy(q.node, node);
	wit_lease_decide(&wit.lease, &q, ms(), &r);
	assert_int_equal(r.type, WIT_GRANTED);
}

/* --- the loop ------------------------------------------------------------------------ */

static void turn(void)
{
	now_ns += STEP_NS;
	while (fake_tcp_run())
		;
	ft_witness_poll(now_ns);
	wit_poll();
}

static void turns(unsigned n)
{
	while (n--)
		turn();
}

/* A hypervisor of role at ip (10.9.0.x), its peer the other, and a
 * witness with wkey. */
static void start(enum ft_role role, u8 ip, const struct ft_psk *wkey)
{
	struct config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.net = NET_STATIC;
	cfg.ip = 0x0A090000 | ip;
	cfg.role = role;
	cfg.ft_peer_ip = 0x0A090000 | (ip == 1 ? 2 : 1);
	cfg.ft_timeout_ms = LEASE_MS;
	cfg.witness_ip = 0x0A090003;
	cfg.witness_port = PORT;
	cfg.ft_key = key_a;
	capture_start();
	fake_tcp_reset(700, 3000);
	memset(&wit, 0, sizeof(wit));
	wit.key = wkey;
	wit_lease_init(&wit.lease, 5000);
	wit_listen();
	assert_int_equal(ft_witness_start(&cfg), 0);
	assert_true(ft_witness_configured());
}

static int teardown(void **state)
{
	ft_witness_stop();
	stream_link_close(&wit.link);
	capture_stop();
	return 0;
}

/* --- the primary ---------------------------------------------------------------------- */

static void test_primary_keeps_lease(void **state)
{
	ft_witness_acquire();
	turns(200);
	assert_true(ft_witness_held(now_ns));
	assert_int_equal(ft_witness_epoch(), 1);
	assert_captured("tls: session with 10.0.0.2:9730 up"); /* the fake network's names */
	assert_captured("witness: connected to 10.9.0.3:9730 (TLS)");
	assert_captured("witness: the lease is ours: epoch 1 for 3000 ms");
	for (int i = 0; i < 10000; i++) {
		turn();
		assert_true(ft_witness_held(now_ns));
	}
	assert_false(ft_witness_lost());
	assert_string_equal(wit.lease.holder, "10.9.0.1");
	assert_true(wit.requests >= 10000 / (LEASE_MS / 3)); /* a renewal every second */
	ft_witness_report();
	assert_captured("witness: lease held, epoch 1; 1 grants, 1");
	assert_captured(" 0 refusals, 0 timeouts, 1 connections");
}

/* Connections reset under it: each made again, the lease kept throughout. */
static void test_resets_keep_lease(void **state)
{
	ft_witness_acquire();
	turns(200);
	for (int cut = 0; cut < 5; cut++) {
		assert_true(fake_tcp_cut() > 0);
		for (int i = 0; i < 700; i++) {
			turn();
			assert_true(ft_witness_held(now_ns));
		}
	}
	assert_int_equal(ft_witness_epoch(), 1);
	assert_int_equal(fake_tcp_connections(), 6);
	assert_captured("warn: witness: the peer reset the connection; connecting again in 100 ms");
	ft_witness_report();
	assert_captured(" 6 connections");
}

/* A witness that takes requests and answers none: timeouts, reconnects,
 * and the lease runs out on time. */
static void test_mute_witness_lost(void **state)
{
	u64 mute_at;

	ft_witness_acquire();
	turns(200);
	assert_true(ft_witness_held(now_ns));
	wit.mute = true;
	mute_at = now_ns;
	while (!ft_witness_lost() && now_ns - mute_at < 10000 * NS_PER_MS)
		turn();
	assert_true(ft_witness_lost());
	assert_false(ft_witness_held(now_ns));
	assert_true(now_ns - mute_at <= LEASE_MS * NS_PER_MS); /* before the witness lets it go */
	assert_captured("witness: no reply to RENEW within 1000 ms; connecting again");
	assert_captured("error: witness: the lease is lost: the lease of epoch 1 ran out");
}

/* Another node holds the lease now: the renewal is refused, the lease lost. */
static void test_renewal_refused_lost(void **state)
{
	ft_witness_acquire();
	turns(200);
	wit.lease.holder[0] = '\0';
	wit_grant("10.9.0.2", 0);
	turns(1500);
	assert_true(ft_witness_lost());
	assert_captured("error: witness: the lease is lost: the renewal of epoch 1 is refused "
			"(stale_epoch)");
}

static void test_bump(void **state)
{
	ft_witness_acquire();
	turns(200);
	ft_witness_bump();
	turns(100);
	assert_int_equal(ft_witness_epoch(), 2);
	assert_int_equal(wit.lease.epoch, 2);
	assert_captured("witness: the lease is ours under a new epoch: 2 (was 1)");
	turns(3000);
	assert_true(ft_witness_held(now_ns));
}

/* --- the backup ----------------------------------------------------------------------- */

/* The backup learns epoch 4 of the primary; the primary dies at once. */
static void backup_learns(void)
{
	start(FT_ROLE_BACKUP, 2, &key_a);
	wit_grant("10.9.0.1", 3);
	ft_witness_learn_primary();
	turns(200);
	assert_captured("witness: the primary \"10.9.0.1\" holds the lease at epoch 4");
}

static void test_backup_goes_live_after_expiry(void **state)
{
	enum ft_witness_verdict v = FT_WITNESS_NO_ANSWER;
	u64 expires;

	backup_learns();
	expires = wit.lease.expires_ms;
	while (ms() < expires + 2000 && v != FT_WITNESS_GO) {
		v = ft_witness_takeover(now_ns);
		assert_true(v != FT_WITNESS_STALE);
		assert_true(v != FT_WITNESS_GO || ms() >= expires);
		turn();
	}
	assert_int_equal(v, FT_WITNESS_GO);
	assert_int_equal(ft_witness_epoch(), 5);
	assert_string_equal(wit.lease.holder, "10.9.0.2");
	assert_captured("witness: takeover: wait: the primary \"10.9.0.1\" holds the lease of epoch 4");
	assert_captured("witness: takeover: go: the lease is ours at epoch 5");
	turns(5000); /* renewed as a primary's */
	assert_true(ft_witness_held(now_ns));
}

static void test_backup_stale_after_bump(void **state)
{
	enum ft_witness_verdict v = FT_WITNESS_NO_ANSWER;

	backup_learns();
	wit_grant("10.9.0.1", 0); /* the primary went on alone: epoch 5 */
	for (int i = 0; i < 8000 && v != FT_WITNESS_STALE; i++) {
		v = ft_witness_takeover(now_ns);
		assert_true(v != FT_WITNESS_GO);
		turn();
	}
	assert_int_equal(v, FT_WITNESS_STALE);
	assert_captured("witness: takeover: stale: the lease moved past the primary's epoch 4");
	turns(5000); /* after that lease expired too */
	assert_int_equal(ft_witness_takeover(now_ns), FT_WITNESS_STALE);
	assert_false(ft_witness_held(now_ns));
}

/* The primary's stream named epoch 4 at once (its HELLO), and the primary
 * died before the backup asked the witness anything: the backup knows the
 * epoch all the same and goes live under epoch 5 once it expired; asking
 * the witness then changes nothing. */
static void test_backup_named_epoch_goes_live(void **state)
{
	enum ft_witness_verdict v = FT_WITNESS_NO_ANSWER;
	u64 expires;

	start(FT_ROLE_BACKUP, 2, &key_a);
	wit_grant("10.9.0.1", 3);
	ft_witness_primary_named(4);
	ft_witness_learn_primary(); /* no question: the stream said it */
	assert_captured("witness: the primary's stream names its lease epoch 4");
	expires = wit.lease.expires_ms;
	while (ms() < expires + 2000 && v != FT_WITNESS_GO) {
		v = ft_witness_takeover(now_ns);
		assert_true(v != FT_WITNESS_STALE);
		turn();
	}
	assert_int_equal(v, FT_WITNESS_GO);
	assert_int_equal(ft_witness_epoch(), 5);
}

/* The stream named epoch 4, then the primary moved to epoch 5 without
 * telling this backup (it went on without it): stale, never live. */
static void test_backup_named_epoch_stale(void **state)
{
	enum ft_witness_verdict v = FT_WITNESS_NO_ANSWER;

	start(FT_ROLE_BACKUP, 2, &key_a);
	wit_grant("10.9.0.1", 3);
	ft_witness_primary_named(4);
	wit_grant("10.9.0.1", 0); /* epoch 5 */
	for (int i = 0; i < 8000 && v != FT_WITNESS_STALE; i++) {
		v = ft_witness_takeover(now_ns);
		assert_true(v != FT_WITNESS_GO);
		turn();
	}
	assert_int_equal(v, FT_WITNESS_STALE);
	assert_captured("witness: takeover: stale: the lease moved past the primary's epoch 4");
}

/* --- refusals, and no witness ----------------------------------------------------------- */

static void test_wrong_key(void **state)
{
	ft_witness_acquire();
	turns(500);
	assert_false(ft_witness_held(now_ns));
	assert_captured("error: witness: the witness refused the TLS handshake");
	assert_string_equal(ft_witness_why(), "the witness cannot be reached over TLS with this key");
	turns(3000);
	assert_int_equal(fake_tcp_connections(), 1); /* not tried again */
}

static void test_not_configured(void **state)
{
	struct config cfg;

	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(ft_witness_start(&cfg), 0);
	assert_false(ft_witness_configured());
	ft_witness_acquire();
	ft_witness_poll(now_ns);
	assert_false(ft_witness_held(now_ns));
	assert_false(ft_witness_lost());
	assert_int_equal(ft_witness_takeover(now_ns), FT_WITNESS_NO_ANSWER);
	assert_int_equal(ft_witness_epoch(), 0);
}

static int setup_primary(void **state)
{
	start(FT_ROLE_PRIMARY, 1, &key_a);
	return 0;
}

static int setup_wrong_key(void **state)
{
	start(FT_ROLE_PRIMARY, 1, &key_b);
	return 0;
}

static int setup_none(void **state)
{
	capture_start();
	memset(&wit, 0, sizeof(wit));
	wit_lease_init(&wit.lease, 5000);
	fake_tcp_reset(700, 3000);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_primary_keeps_lease, setup_primary, teardown),
		cmocka_unit_test_setup_teardown(test_resets_keep_lease, setup_primary, teardown),
		cmocka_unit_test_setup_teardown(test_mute_witness_lost, setup_primary, teardown),
		cmocka_unit_test_setup_teardown(test_renewal_refused_lost, setup_primary, teardown),
		cmocka_unit_test_setup_teardown(test_bump, setup_primary, teardown),
		cmocka_unit_test_setup_teardown(test_backup_goes_live_after_expiry, setup_none,
						teardown),
		cmocka_unit_test_setup_teardown(test_backup_stale_after_bump, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_backup_named_epoch_goes_live, setup_none,
						teardown),
		cmocka_unit_test_setup_teardown(test_backup_named_epoch_stale, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_key, setup_wrong_key, teardown),
		cmocka_unit_test_setup_teardown(test_not_configured, setup_none, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
