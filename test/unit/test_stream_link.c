// sources: net/stream_link.c net/tls/tls_link.c net/tls/tls_session.c net/tls/tls_why.c net/tls/tls_conf.c net/tls/tls_rng.c test/unit/fake_tcp_link.c proto/ft_psk.c lib/log.c lib/fmt.c
// uses: mbedtls
/*
 * What a live migration's two ends (hv/migrate_source.c, migrate_dest.c)
 * need of the stream link (net/stream_link.c), in the clear and inside
 * TLS with the pre-shared key (the real TLS link and mbedTLS over TCP
 * links joined by memory: test/unit/fake_tcp_link.c):
 * - a bulk transfer paced only by stream_link_on_room and
 *   stream_link_push arrives whole and in order, the link drained once
 *   the peer has it all (not before), the bytes acknowledged on the wire
 *   counting TLS's records' framing too;
 * - the ends that do not agree can each tell why: a TLS source to a
 *   destination in the clear sees the destination's frame where its
 *   handshake's answer should be (the handshake refused, the peer's first
 *   bytes that frame's), the destination sees a TLS record where a frame
 *   should be (proto/tls_sniff.h); a source in the clear to a TLS
 *   destination: the destination's TLS refuses it, its first bytes the
 *   source's frame (the source hears nothing, the connection ends);
 *   different keys: both handshakes refused.
 */
#include "helpers.h"

#include <stdlib.h>

#include "arch/x86/time.h"
#include "fake_tcp_link.h"
#include "fake_tls_entropy.h"
#include "fake_tls_heap.h"
#include "net/stream_link.h"
#include "proto/tls_sniff.h"

#define PORT 9720
#define BULK_BYTES (1u << 20) /* more than TLS's records and the fake's room many times over */
#define STEP_NS 1000000ULL
#define TURNS_MAX 200000

static const struct ft_psk key_a = { 16, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } };
static const struct ft_psk key_b = { 16, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17 } };
static const u8 frame_head[] = { 1, 0, 0, 0, 8, 0, 0, 0 }; /* a frame in the clear, as a HELLO's */

static u64 now_ns = 1000000000ULL;
static struct stream_link source, dest;
static u8 bulk[BULK_BYTES];
static u8 got[BULK_BYTES];
static size_t got_len, pushed;
static unsigned rooms;
static size_t source_heard;

void panic_at(const char *file, int line, const char *fmt, ...)
{
	fail_msg("panic at %s:%d: %s", file, line, fmt);
	abort();
}

u64 time_now_ns(void)
{
	return now_ns;
}

static int dest_rx(void *ctx, const u8 *data, size_t len)
{
	assert_true(got_len + len <= sizeof(got));
	memcpy(got + got_len, data, len);
	got_len += len;
	return 0;
}

/* What the destination sent the source, counted. */
static int source_rx(void *ctx, const u8 *data, size_t len)
{
	source_heard += len;
	return 0;
}

/* The source's only pacing: room came back, the bulk goes on. */
static void on_room(void *ctx)
{
	rooms++;
	stream_link_push(&source, bulk, BULK_BYTES, &pushed);
}

static void turn(void)
{
	now_ns += STEP_NS;
	while (fake_tcp_run())
		;
	stream_link_poll(&source, now_ns);
	stream_link_poll(&dest, now_ns);
}

static void start(const struct ft_psk *source_key, const struct ft_psk *dest_key)
{
	capture_start();
	fake_tcp_reset(1400, 8192);
	for (size_t i = 0; i < BULK_BYTES; i++)
		bulk[i] = (u8)(i * 151 + (i >> 11));
	got_len = pushed = source_heard = 0;
	rooms = 0;
	assert_int_equal(stream_link_listen(&dest, dest_key, PORT, dest_rx, NULL), 0);
	assert_int_equal(stream_link_connect(&source, source_key, 0x0200000A, PORT, 0, source_rx,
					     NULL), 0);
	stream_link_on_room(&source, on_room);
}

/* The bulk transfer: pushed once when the link is up, then by room alone. */
static void transfer(void)
{
	unsigned turns = 0;

	while (stream_link_state(&source) != STREAM_LINK_UP && turns++ < 1000)
		turn();
	assert_int_equal(stream_link_state(&source), STREAM_LINK_UP);
	assert_false(stream_link_push(&source, bulk, BULK_BYTES, &pushed)); /* more than the room */
	assert_false(stream_link_drained(&source));
	while (got_len < BULK_BYTES && turns++ < TURNS_MAX) {
		turn();
		if (got_len < BULK_BYTES)
			assert_false(stream_link_drained(&source) && pushed == BULK_BYTES);
	}
	assert_int_equal(pushed, BULK_BYTES);
	assert_int_equal(got_len, BULK_BYTES);
	assert_memory_equal(got, bulk, BULK_BYTES);
	turn();
	assert_true(stream_link_drained(&source));
	assert_true(rooms > 10);
}

static void test_bulk_clear(void **state)
{
	start(NULL, NULL);
	transfer();
	assert_int_equal(stream_link_bytes_acked(&source), BULK_BYTES);
	assert_not_captured("tls:");
}

static void test_bulk_tls(void **state)
{
	start(&key_a, &key_a);
	transfer();
	/* the records' headers and tags, and the handshake, on the wire too */
	assert_true(stream_link_bytes_acked(&source) > BULK_BYTES);
	assert_true(stream_link_bytes_acked(&source) < BULK_BYTES + BULK_BYTES / 100);
	assert_captured("tls: session with 10.0.0.2:9720 up (TLS 1.2, TLS-PSK-WITH-AES-128-GCM-SHA256)");
}

/* Runs until both ends are down, or for a while. */
static void run_until_down(void)
{
	for (unsigned i = 0; i < 1000 && (stream_link_state(&source) != STREAM_LINK_DOWN ||
					   stream_link_state(&dest) != STREAM_LINK_DOWN); i++) {
		turn();
		if (stream_link_state(&dest) == STREAM_LINK_DOWN)
			stream_link_close(&dest); /* as the destination ends */
		if (stream_link_state(&source) == STREAM_LINK_DOWN)
			stream_link_close(&source);
	}
}

static void test_different_keys(void **state)
{
	start(&key_a, &key_b);
	run_until_down();
	assert_true(stream_link_refused(&source));
	assert_true(stream_link_refused(&dest));
	assert_int_equal(got_len, 0);
	assert_captured("it holds a different pre-shared key");
}

/* A TLS source, a destination in the clear: the destination sees a TLS
 * record and answers with a frame of its own, which fails the source's
 * handshake. */
static void test_tls_source_only(void **state)
{
	size_t pos = 0;

	start(&key_a, NULL);
	for (unsigned i = 0; i < 100 && got_len == 0; i++)
		turn();
	assert_true(tls_sniff_record(got, got_len));
	assert_true(stream_link_push(&dest, frame_head, sizeof(frame_head), &pos));
	run_until_down();
	assert_true(stream_link_refused(&source));
	assert_true(stream_link_peer_began_with(&source, frame_head, 4));
	assert_int_equal(source_heard, 0); /* nothing reached the source's protocol */
}

/* A source in the clear, a TLS destination: its TLS refuses the frame,
 * and its first bytes tell a peer in the clear; the source hears nothing
 * back before the connection ends, so it can only guess. */
static void test_tls_dest_only(void **state)
{
	size_t pos = 0;

	start(NULL, &key_a);
	while (!stream_link_connected(&source))
		turn();
	assert_true(stream_link_push(&source, frame_head, sizeof(frame_head), &pos));
	run_until_down();
	assert_true(stream_link_refused(&dest));
	assert_true(stream_link_peer_began_with(&dest, frame_head, 4));
	assert_false(stream_link_refused(&source)); /* in the clear: it cannot tell more */
	assert_int_equal(source_heard, 0); /* no alert: the connection just ends */
	assert_int_equal(got_len, 0);
}

static void test_sniff(void **state)
{
	static const u8 handshake[] = { 22, 3, 1 }, alert[] = { 21, 3, 3 }, app[] = { 23, 3 };
	static const u8 low[] = { 19, 3 }, high[] = { 24, 3 }, v2[] = { 22, 2 };

	assert_true(tls_sniff_record(handshake, sizeof(handshake)));
	assert_true(tls_sniff_record(alert, sizeof(alert)));
	assert_true(tls_sniff_record(app, sizeof(app)));
	assert_false(tls_sniff_record(low, sizeof(low)));
	assert_false(tls_sniff_record(high, sizeof(high)));
	assert_false(tls_sniff_record(v2, sizeof(v2)));
	assert_false(tls_sniff_record(handshake, 1));
	assert_false(tls_sniff_record(frame_head, sizeof(frame_head)));
}

static int teardown(void **state)
{
	stream_link_close(&source);
	stream_link_close(&dest);
	capture_stop();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_bulk_clear, teardown),
		cmocka_unit_test_teardown(test_bulk_tls, teardown),
		cmocka_unit_test_teardown(test_different_keys, teardown),
		cmocka_unit_test_teardown(test_tls_source_only, teardown),
		cmocka_unit_test_teardown(test_tls_dest_only, teardown),
		cmocka_unit_test_teardown(test_sniff, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
