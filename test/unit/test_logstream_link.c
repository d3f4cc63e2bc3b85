// sources: net/logstream/logstream_client.c net/logstream/logstream_in.c net/stream_link.c net/tls/tls_link.c net/tls/tls_session.c net/tls/tls_why.c net/tls/tls_conf.c net/tls/tls_rng.c test/unit/fake_tcp_link.c proto/logstream_proto.c proto/ls_heartbeat.c proto/ft_psk.c lib/log.c lib/fmt.c lib/hash.c lib/byte_ring.c
// uses: mbedtls
/*
 * The log stream's two ends (net/logstream/logstream_client.c, the
 * recorder's; logstream_in.c, a backup's) over the stream link
 * (net/stream_link.c): in the clear, and inside TLS with the pre-shared
 * key (the real TLS link and mbedTLS, over TCP links joined by memory:
 * test/unit/fake_tcp_link.c). A log of a few hundred KiB, larger than the
 * recorder's ring, must arrive whole, in order and once, and the recorder
 * must see the collector's ACK of all of it:
 * - in the clear and over TLS;
 * - over TLS with the connection reset twenty times in the middle of
 *   things: each time a new TCP connection and a new TLS session, HELLO
 *   again and the stream resumed where the backup's WELCOME says (and
 *   mbedTLS's heap, which holds a handful of sessions, never runs out);
 * - with a byte altered on the way (TCP takes it): over TLS the backup
 *   fails the record's MAC, in the clear the message's checksum, and tells
 *   the recorder why (its alert, an ERROR); the recorder connects again
 *   and the stream resumes where the backup lost it;
 * and a recorder and a backup that do not agree are refused, nothing
 * delivered, each side saying why: different keys (the recorder stops for
 * good), TLS on the recorder only (it stops for good), TLS on the backup
 * only (the recorder, which cannot tell, keeps trying; the backup counts
 * each refusal). A peer that connects to the backup and says nothing is
 * dropped after 10 s: the recording after it streams. With a give-up
 * time (a primary's ft_timeout_ms) a healthy stream never gives up, and a
 * collector that falls silent, or goes away and never comes back, is
 * given up on that long after it was last heard, not before.
 */
#include "helpers.h"

#include <stdlib.h>

#include "arch/x86/mm.h"
#include "arch/x86/time.h"
#include "byte_ring.h"
#include "fake_tcp_link.h"
#include "fake_tls_entropy.h"
#include "fake_tls_heap.h"
#include "net/logstream/logstream_client.h"
#include "net/logstream/logstream_in.h"

#define PORT 9710
#define LOG_BYTES (300u * 1024 + 123)
#define HEADER_BYTES 64
#define RING_BYTES (64u * 1024)
#define PUT_MAX 5000          /* the recorder puts frames of up to this many bytes */
#define STEP_NS 1000000ULL    /* 1 ms of time per turn of the loop */
#define TURNS_MAX 2000000

static const struct ft_psk key_a = { 16, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } };
static const struct ft_psk key_b = { 16, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17 } };

static u64 now_ns = 1000000000ULL;
static u8 log_bytes[LOG_BYTES];
static u8 got[LOG_BYTES];
static u64 got_len;
static struct byte_ring ring;
static u8 ring_buf[RING_BYTES];
static struct ls_client client;
static u64 put;               /* log bytes the recorder has put into its ring */
static unsigned turns;

/* --- what the code under test gets from the machine ------------------------- */

void panic_at(const char *file, int line, const char *fmt, ...)
{
	fail_msg("panic at %s:%d: %s", file, line, fmt);
	abort();
}

u64 time_now_ns(void)
{
	return now_ns;
}

/* --- the backup's side: what it is handed ------------------------------------ */

static int deliver(void *ctx, u64 offset, const u8 *data, size_t len)
{
	assert_int_equal(offset, got_len); /* in order, each byte once */
	assert_true(got_len + len <= LOG_BYTES);
	memcpy(got + got_len, data, len);
	got_len += len;
	return 0;
}

/* --- the loop ---------------------------------------------------------------------- */

/* The recorder's frames go into its ring as it has room; the whole log
 * in, it finishes. */
static void record_some(void)
{
	u64 n = MIN((u64)PUT_MAX, LOG_BYTES - put);

	if (n && byte_ring_put(&ring, log_bytes + put, n)) {
		put += n;
		if (put == LOG_BYTES)
			ls_client_finish(&client);
	}
}

/* One turn: time, the recorder, the network, both ends' polls. */
static void turn(void)
{
	now_ns += STEP_NS;
	turns++;
	record_some();
	while (fake_tcp_run())
		;
	ls_client_poll(&client, now_ns);
	logstream_in_poll();
}

/* One turn of the backup alone. */
static void turn_backup(void)
{
	now_ns += STEP_NS;
	while (fake_tcp_run())
		;
	logstream_in_poll();
}

/* Starts a backup (with bkey) and a recorder (with rkey) on a fresh network. */
static void start_pair(const struct ft_psk *bkey, const struct ft_psk *rkey)
{
	capture_start();
	fake_tcp_reset(1000, 3000);
	for (size_t i = 0; i < LOG_BYTES; i++)
		log_bytes[i] = (u8)(i * 131 + (i >> 9));
	got_len = put = 0;
	turns = 0;
	byte_ring_init(&ring, ring_buf, RING_BYTES);
	assert_int_equal(logstream_in_listen(PORT, bkey, deliver, NULL), 0);
	assert_int_equal(ls_client_start(&client, &ring, 0x0200000A, PORT, rkey, 0x5e551011,
					 log_bytes, HEADER_BYTES, now_ns), 0);
}

/* Runs until the recorder is done or has failed, or for turns_max. */
static void run(unsigned turns_max)
{
	while (turns < turns_max && !ls_client_done(&client) && !ls_client_failed(&client))
		turn();
}

/* The whole log arrived at the backup, once, and the recorder knows. */
static void assert_complete(void)
{
	u16 hlen;

	assert_true(ls_client_done(&client));
	assert_int_equal(ring.tail, LOG_BYTES); /* every byte ACKed */
	for (int i = 0; i < 100; i++)
		turn(); /* the BYE, the close */
	assert_int_equal(logstream_in_state(), LOGSTREAM_IN_ENDED);
	assert_int_equal(logstream_in_bytes(), LOG_BYTES);
	assert_int_equal(got_len, LOG_BYTES);
	assert_memory_equal(got, log_bytes, LOG_BYTES);
	assert_non_null(logstream_in_header(&hlen));
	assert_int_equal(hlen, HEADER_BYTES);
}

static void test_clear(void **state)
{
	start_pair(NULL, NULL);
	run(TURNS_MAX);
	assert_complete();
	assert_int_equal(client.stats.connects, 1);
	assert_int_equal(client.stats.drops, 0);
	assert_not_captured("tls:");
	stream_link_close(&client.link);
}

static void test_tls(void **state)
{
	start_pair(&key_a, &key_a);
	run(TURNS_MAX);
	assert_complete();
	assert_int_equal(client.stats.connects, 1);
	assert_captured("tls: session with 10.0.0.2:9710 up (TLS 1.2, TLS-PSK-WITH-AES-128-GCM-SHA256)");
	assert_captured("logstream: a recording streams its log here over TLS");
}

/* Twenty resets, each after more log has arrived (in the middle of
 * messages and records): a new session each time, the stream resumed. */
static void test_tls_resets(void **state)
{
	const unsigned resets = 20;
	unsigned done = 0;

	start_pair(&key_a, &key_a);
	while (!ls_client_done(&client) && !ls_client_failed(&client) && turns < TURNS_MAX) {
		turn();
		if (done < resets && got_len > (done + 1) * (LOG_BYTES / (resets + 2)) &&
		    client.state == LSC_STREAMING && fake_tcp_cut()) {
			done++;
			capture_start(); /* keep the last reconnect's lines */
		}
	}
	assert_int_equal(done, resets);
	assert_complete();
	assert_int_equal(client.stats.connects, resets + 1);
	assert_int_equal(fake_tcp_connections(), resets + 1);
	assert_true(client.stats.bytes_resent > 0);
	assert_captured("logstream: the connection to the collector ended: the peer reset the connection; connecting again");
	assert_captured("logstream: the recording is back, resuming at byte");
	assert_captured("logstream: collector resumes at byte");
	assert_not_captured("the TCP connection failed"); /* a reset is said once */
}

/* One byte flipped on the way to the backup after a third of the log:
 * refused, the connection dropped, the rest on a new one. */
static void run_altered(const struct ft_psk *key)
{
	bool altered = false;

	start_pair(key, key);
	while (!ls_client_done(&client) && !ls_client_failed(&client) && turns < TURNS_MAX) {
		turn();
		if (!altered && got_len > LOG_BYTES / 3 && client.state == LSC_STREAMING)
			altered = fake_tcp_alter();
	}
	assert_true(altered);
	assert_complete();
	assert_int_equal(client.stats.connects, 2);
	assert_captured("logstream: the recording is back, resuming at byte");
}

static void test_clear_altered(void **state)
{
	run_altered(NULL);
	assert_captured("logstream: refused the recorder: a malformed message (checksum): checksum mismatch");
	assert_captured("logstream: the collector refused: a malformed message (checksum): checksum mismatch");
	assert_captured("logstream: lost the recorder (a malformed message (checksum): checksum mismatch) at byte");
	stream_link_close(&client.link);
}

static void test_tls_altered(void **state)
{
	run_altered(&key_a);
	assert_captured("failed: a record failed authentication (bad MAC): altered or replayed on the way");
	assert_captured("logstream: the connection to the collector ended: the peer refused the session "
			"(alert bad_record_mac: our record failed its authentication there)");
}

/* Backup and recorder with keys that differ in one bit. */
static void test_wrong_key(void **state)
{
	const char *why;

	start_pair(&key_a, &key_b);
	run(100000);
	assert_true(ls_client_failed(&client)); /* at once: the key will not change */
	assert_non_null(strstr(client.failure, "the collector refused the TLS handshake: the peer "
				       "refused the handshake (alert bad_record_mac"));
	assert_non_null(strstr(client.failure, "it holds a different pre-shared key"));
	for (int i = 0; i < 100; i++)
		turn();
	assert_int_equal(logstream_in_refused(&why), 1);
	assert_non_null(strstr(why, "it holds a different pre-shared key"));
	assert_int_equal(logstream_in_state(), LOGSTREAM_IN_LISTENING); /* the real one may come */
	assert_int_equal(got_len, 0);
	assert_int_equal(ring.tail, 0);
	assert_captured("error: logstream: the collector refused the TLS handshake");
	assert_captured("logstream: a connection without a recording (1 so far)");
}

/* A recorder with the key, a backup without: the backup says so in the
 * clear, and the recorder knows what it heard. */
static void test_tls_recorder_only(void **state)
{
	const char *why;

	start_pair(NULL, &key_a);
	run(100000);
	assert_true(ls_client_failed(&client));
	assert_non_null(strstr(client.failure, "the collector takes the log stream in the clear"));
	for (int i = 0; i < 100; i++)
		turn();
	assert_int_equal(logstream_in_refused(&why), 1);
	assert_non_null(strstr(why, "the recorder speaks TLS (it has ft_key=)"));
	assert_int_equal(got_len, 0);
}

/* A recorder without the key, a backup with: the recorder only sees the
 * backup close, and tries again; the backup refuses it each time. */
static void test_tls_backup_only(void **state)
{
	const char *why;

	start_pair(&key_a, NULL);
	run(20000); /* 20 s: several tries, backing off */
	assert_false(ls_client_failed(&client));
	assert_false(ls_client_done(&client));
	assert_true(client.stats.drops >= 3);
	assert_true(logstream_in_refused(&why) >= 3);
	assert_non_null(strstr(why, "the recorder speaks in the clear (it has no ft_key=)"));
	assert_captured("before WELCOME (a backup with ft_key= closes on a recorder without it)");
	assert_captured("the peer's first message is not a ClientHello we take");
	assert_int_equal(got_len, 0);
	assert_null(logstream_in_header(&(u16){ 0 }));
	stream_link_close(&client.link);
}

static int mute_rx(void *ctx, const u8 *data, size_t len)
{
	return 0;
}

/* A peer that connects and says nothing (not even its TLS ClientHello)
 * is dropped after 10 s, counted, and the recording that comes next
 * streams as usual. */
static void test_mute_peer(void **state)
{
	static struct tcp_link mute;
	const char *why;

	start_pair(&key_a, &key_a);
	stream_link_close(&client.link); /* the recorder comes later */
	tcp_link_connect(&mute, 0x0200000A, PORT, 0, mute_rx, NULL, NULL);
	tcp_link_poll(&mute, now_ns);
	assert_int_equal(mute.state, TCP_LINK_UP);
	for (int i = 0; i < 9000; i++)
		turn_backup();
	assert_int_equal(logstream_in_refused(&why), 0); /* 9 s: still waiting for it */
	for (int i = 0; i < 2000; i++)
		turn_backup();
	assert_int_equal(logstream_in_refused(&why), 1);
	assert_string_equal(why, "no HELLO within 10 s of connecting");
	while (fake_tcp_run())
		;
	tcp_link_poll(&mute, now_ns);
	assert_int_equal(mute.state, TCP_LINK_DOWN);
	assert_int_equal(ls_client_start(&client, &ring, 0x0200000A, PORT, &key_a, 0x5e551011,
					 log_bytes, HEADER_BYTES, now_ns), 0);
	run(TURNS_MAX);
	assert_complete();
}

#define GIVE_UP_MS 3000

/* A stream that keeps ACKing never gives up, even over many give-up times
 * and a reset. */
static void test_give_up_not_while_acked(void **state)
{
	start_pair(&key_a, &key_a);
	ls_client_give_up_after(&client, 500 * STEP_NS); /* above a reconnect's backoff */
	while (!ls_client_done(&client) && !ls_client_failed(&client) && turns < TURNS_MAX) {
		turn();
		if (turns == 200)
			assert_int_equal(fake_tcp_cut(), 1);
	}
	assert_complete();
	assert_true(turns > 200);
	assert_int_equal(client.stats.connects, 2);
}

/* Streams until about half the log is in, then returns the turn. */
static unsigned stream_half(void)
{
	start_pair(&key_a, &key_a);
	ls_client_give_up_after(&client, GIVE_UP_MS * STEP_NS);
	while (got_len < LOG_BYTES / 2 && turns < TURNS_MAX)
		turn();
	assert_false(ls_client_failed(&client));
	return turns;
}

/* The recorder alone for ms: its ring fills, nothing moves on the wire. */
static void recorder_alone(unsigned ms, bool network)
{
	for (unsigned i = 0; i < ms; i++) {
		now_ns += STEP_NS;
		record_some();
		while (network && fake_tcp_run())
			;
		ls_client_poll(&client, now_ns);
	}
}

/* The backup's host stops dead (no reset, no reply): the recorder gives
 * up GIVE_UP_MS after the last ACK, not before, and says why. */
static void test_give_up_on_silent_collector(void **state)
{
	stream_half();
	recorder_alone(GIVE_UP_MS - 10, false);
	assert_false(ls_client_failed(&client));
	recorder_alone(20, false);
	assert_true(ls_client_failed(&client));
	assert_non_null(strstr(client.failure, "the collector has not answered for"));
	assert_non_null(strstr(client.failure, "given up after 3000 ms"));
	assert_captured("error: logstream: the collector has not answered for");
}

/* The backup's connection is reset and its hypervisor no longer answers
 * (it takes no new connection): the recorder tries again and again, backing
 * off, then gives up GIVE_UP_MS after it last heard from the backup. */
static void test_give_up_on_vanished_collector(void **state)
{
	stream_half();
	assert_int_equal(fake_tcp_cut(), 1);
	recorder_alone(GIVE_UP_MS - 10, true);
	assert_false(ls_client_failed(&client));
	assert_true(client.stats.drops >= 3); /* the reset, then refused tries */
	recorder_alone(20, true);
	assert_true(ls_client_failed(&client));
	assert_non_null(strstr(client.failure, "given up after 3000 ms"));
}

/* A backup that stopped taking the log (its replay gave up waiting for
 * the recorder) acknowledges nothing more: the recorder, connecting
 * again, is refused, and not one more byte is delivered. */
static void test_stopped_backup_takes_nothing(void **state)
{
	u64 had, acked;

	stream_half();
	logstream_in_stop("the replay ends where it stopped");
	had = got_len;
	acked = ring.tail;
	assert_int_equal(logstream_in_state(), LOGSTREAM_IN_FAILED);
	assert_captured("logstream: no longer taking the recording's log (the replay ends where it stopped)");
	for (int i = 0; i < 2000; i++)
		turn();
	assert_int_equal(got_len, had);
	assert_int_equal(ring.tail, acked);
	assert_false(ls_client_done(&client));
	assert_true(client.stats.drops >= 1);
}

/* A backup that asks for a checkpoint in the middle of the stream
 * (RESYNC) with the hashes of 10,000 pages (HOLDS, three messages of up
 * to 4096) while the log goes on: the recorder hears the request and
 * gets every hash in order, and the log still arrives whole (the HOLDS
 * and the ACKs never interleave). */
static void resync_mid_stream(const struct ft_psk *key)
{
	enum { PAGES = 10000 };
	static u64 hashes[PAGES], heard[PAGES];
	u64 landmark = 0;

	for (unsigned i = 0; i < PAGES; i++)
		hashes[i] = 0x9E3779B97F4A7C15ULL * (i + 1);
	memset(heard, 0, sizeof(heard));
	start_pair(key, key);
	ls_client_set_holds(&client, heard, PAGES);
	while (turns < TURNS_MAX && got_len < LOG_BYTES / 3)
		turn();
	assert_true(logstream_in_request_resync(1234, "a test's mismatch", hashes, PAGES));
	run(TURNS_MAX);
	assert_true(ls_client_take_resync(&client, &landmark));
	assert_int_equal(landmark, 1234);
	assert_false(ls_client_take_resync(&client, &landmark)); /* taken once */
	assert_int_equal(ls_client_holds(&client), PAGES);
	assert_memory_equal(heard, hashes, sizeof(hashes));
	assert_captured("the backup asks for a checkpoint (its state from landmark 1234 on): a "
			"test's mismatch");
	assert_complete();
}

static void test_resync_clear(void **state)
{
	resync_mid_stream(NULL);
}

static void test_resync_tls(void **state)
{
	resync_mid_stream(&key_a);
}

/* --- heartbeats (docs/log-stream.md, "Heartbeats") ----------------------------- */

#define BEAT_MS 200

/* One turn with nothing recorded: time, the network, both ends (each
 * only when it is alive). */
static void turn_idle(bool recorder, bool backup)
{
	now_ns += STEP_NS;
	turns++;
	while (fake_tcp_run())
		;
	if (recorder)
		ls_client_poll(&client, now_ns);
	if (backup)
		logstream_in_poll();
}

/* A pair over TLS, the recorder with heartbeats when rbeat, the backup
 * when bbeat, both with GIVE_UP_MS: 1000 bytes streamed and acknowledged,
 * then idle. */
static void start_idle_pair(bool rbeat, bool bbeat)
{
	start_pair(&key_a, &key_a);
	ls_client_give_up_after(&client, GIVE_UP_MS * STEP_NS);
	if (rbeat)
		ls_client_heartbeat(&client, BEAT_MS * STEP_NS);
	logstream_in_set_timeout(GIVE_UP_MS);
	if (bbeat)
		logstream_in_set_heartbeat(BEAT_MS);
	assert_true(byte_ring_put(&ring, log_bytes, 1000));
	while (ring.tail < 1000 && turns < 5000)
		turn_idle(true, true);
	assert_int_equal(ring.tail, 1000);
	logstream_in_note_replayed(900, 77);
}

/* Both ends agreed: an idle stream carries a heartbeat each way every
 * BEAT_MS, the backup's saying how far its replay is; nobody misses one,
 * nobody is lost over many give-up times. */
static void test_heartbeats_flow_when_idle(void **state)
{
	struct ls_beat_status st;
	u64 sent;

	start_idle_pair(true, true);
	assert_true(client.beating);
	sent = client.beat.sent;
	for (int i = 0; i < 4 * GIVE_UP_MS; i++)
		turn_idle(true, true);
	assert_false(ls_client_failed(&client));
	assert_int_equal(logstream_in_state(), LOGSTREAM_IN_STREAMING);
	assert_in_range(client.beat.sent - sent, 4 * GIVE_UP_MS / BEAT_MS - 1,
			4 * GIVE_UP_MS / BEAT_MS + 1);
	logstream_in_beat_status(&st);
	assert_true(st.on);
	assert_in_range(st.received, client.beat.sent - 1, client.beat.sent);
	assert_in_range(client.beat.received, st.sent - 1, st.sent);
	assert_true(st.sent >= 4 * GIVE_UP_MS / BEAT_MS - 1);
	assert_int_equal(st.missed, 0);
	assert_int_equal(client.beat.missed, 0);
	assert_true(st.heard_age_ms < BEAT_MS);
	assert_true(client.replayed_known);
	assert_int_equal(client.replayed.bytes, 900);
	assert_int_equal(client.replayed.landmark, 77);
}

/* The recorder's host stops dead after the last heartbeat: the backup
 * declares it lost GIVE_UP_MS after it last heard it, to the millisecond,
 * having missed a heartbeat each BEAT_MS, and takes no more of its log. */
static void test_backup_loses_silent_recorder(void **state)
{
	struct ls_beat_status st;
	u64 heard_at;

	start_idle_pair(true, true);
	for (int i = 0; i < 1000; i++)
		turn_idle(true, true);
	turn_idle(false, true); /* what was on the wire arrives */
	logstream_in_beat_status(&st);
	heard_at = now_ns - st.heard_age_ms * STEP_NS;
	while (now_ns < heard_at + GIVE_UP_MS * STEP_NS - STEP_NS)
		turn_idle(false, true);
	assert_int_equal(logstream_in_state(), LOGSTREAM_IN_STREAMING);
	turn_idle(false, true);
	assert_int_equal(now_ns, heard_at + GIVE_UP_MS * STEP_NS);
	assert_int_equal(logstream_in_state(), LOGSTREAM_IN_FAILED);
	logstream_in_beat_status(&st);
	assert_int_equal(st.missed, GIVE_UP_MS / BEAT_MS - 1); /* the first after 1.5 of them */
	assert_captured("no longer taking the recording's log (the recorder has been silent for "
			"3000 ms, 14 heartbeats missed)");
}

/* The backup's host stops dead while everything is acknowledged (without
 * heartbeats the recorder would wait for ever): the recorder gives up on
 * it GIVE_UP_MS after it last heard it, to the millisecond. */
static void test_recorder_loses_silent_backup(void **state)
{
	u64 heard_at;

	start_idle_pair(true, true);
	for (int i = 0; i < 1000; i++)
		turn_idle(true, true);
	heard_at = client.alive_ns;
	assert_int_equal(ring.tail, ring.head);
	while (now_ns < heard_at + GIVE_UP_MS * STEP_NS - STEP_NS)
		turn_idle(true, false);
	assert_false(ls_client_failed(&client));
	turn_idle(true, false);
	assert_true(ls_client_failed(&client));
	assert_int_equal(client.beat.missed, GIVE_UP_MS / BEAT_MS - 1);
	assert_non_null(strstr(client.failure, "given up after 3000 ms"));
}

/* A recorder that was busy (not polled) while its backup went on sending
 * heartbeats hears them at its next poll, as of that poll, before it
 * judges: busy 2900 ms right after it last heard the backup 150 ms or
 * more ago (the backup having heard it less than 100 ms ago), it does not
 * take the backup for silent, and counts it heard now. */
static void test_busy_recorder_hears_before_judging(void **state)
{
	struct ls_beat_status st;
	int i;

	start_idle_pair(true, true);
	for (i = 0; i < 1000; i++)
		turn_idle(true, true);
	for (i = 0; i < 5000; i++) {
		logstream_in_beat_status(&st);
		if (now_ns - client.alive_ns >= 150 * STEP_NS && st.heard_age_ms < 100)
			break;
		turn_idle(true, true);
	}
	assert_true(i < 5000);
	for (i = 0; i < GIVE_UP_MS - 100; i++)
		turn_idle(false, true);
	turn_idle(true, true);
	assert_false(ls_client_failed(&client));
	assert_int_equal(client.alive_ns, now_ns);
	assert_int_equal(logstream_in_state(), LOGSTREAM_IN_STREAMING);
}

/* A backup that does not take heartbeats (hvcollect, an older one) is
 * sent none, and sends none; an all-acknowledged idle stream to it lasts. */
static void test_no_heartbeats_to_backup_that_did_not_agree(void **state)
{
	struct ls_beat_status st;

	start_idle_pair(true, false);
	assert_false(client.beating);
	for (int i = 0; i < 2 * GIVE_UP_MS; i++)
		turn_idle(true, true);
	assert_int_equal(client.beat.sent, 0);
	assert_int_equal(client.beat.received, 0);
	logstream_in_beat_status(&st);
	assert_false(st.on);
	assert_int_equal(st.received, 0);
	assert_int_equal(st.sent, 0);
	assert_false(ls_client_failed(&client));
}

/* A recorder that did not ask for heartbeats (an older one) is sent none,
 * and an idle stream from it is not declared silent. */
static void test_no_heartbeats_to_recorder_that_did_not_ask(void **state)
{
	struct ls_beat_status st;

	start_idle_pair(false, true);
	for (int i = 0; i < 2 * GIVE_UP_MS; i++)
		turn_idle(true, true);
	assert_int_equal(client.beat.received, 0);
	logstream_in_beat_status(&st);
	assert_false(st.on);
	assert_int_equal(st.sent, 0);
	assert_int_equal(st.received, 0);
	assert_int_equal(logstream_in_state(), LOGSTREAM_IN_STREAMING);
}

static int teardown(void **state)
{
	capture_stop();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_clear, teardown),
		cmocka_unit_test_teardown(test_tls, teardown),
		cmocka_unit_test_teardown(test_tls_resets, teardown),
		cmocka_unit_test_teardown(test_clear_altered, teardown),
		cmocka_unit_test_teardown(test_tls_altered, teardown),
		cmocka_unit_test_teardown(test_wrong_key, teardown),
		cmocka_unit_test_teardown(test_tls_recorder_only, teardown),
		cmocka_unit_test_teardown(test_tls_backup_only, teardown),
		cmocka_unit_test_teardown(test_mute_peer, teardown),
		cmocka_unit_test_teardown(test_give_up_not_while_acked, teardown),
		cmocka_unit_test_teardown(test_give_up_on_silent_collector, teardown),
		cmocka_unit_test_teardown(test_give_up_on_vanished_collector, teardown),
		cmocka_unit_test_teardown(test_stopped_backup_takes_nothing, teardown),
		cmocka_unit_test_teardown(test_resync_clear, teardown),
		cmocka_unit_test_teardown(test_resync_tls, teardown),
		cmocka_unit_test_teardown(test_heartbeats_flow_when_idle, teardown),
		cmocka_unit_test_teardown(test_backup_loses_silent_recorder, teardown),
		cmocka_unit_test_teardown(test_recorder_loses_silent_backup, teardown),
		cmocka_unit_test_teardown(test_busy_recorder_hears_before_judging, teardown),
		cmocka_unit_test_teardown(test_no_heartbeats_to_backup_that_did_not_agree, teardown),
		cmocka_unit_test_teardown(test_no_heartbeats_to_recorder_that_did_not_ask, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
